/// Why a line's bytes are not the JSON the log writes.
public struct JSONSyntaxError: Error, Equatable, Sendable {
  /// Byte offset within the line (0-based).
  public var offset: Int
  public var problem: String
}

/// A strict reader for the JSON subset the log writes: objects, arrays, strings, integers, booleans
/// and null. Strings must be valid UTF-8; numbers with fractions or exponents are refused, since the
/// log never writes them.
public struct JSONScanner {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0
  private var depth = 0

  private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Parses `bytes` as exactly one JSON value with nothing after it.
  ///
  /// - Complexity: O(n) in the number of bytes.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    try parse(bytes, depth: 0)
  }

  /// Parses `bytes` as one JSON value found `depth` levels inside another, so the nesting limit
  /// counts the levels around it too (a line's `data` is one level inside the line).
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, depth: Int) throws(JSONSyntaxError) -> JSONValue {
    var scanner = JSONScanner(bytes)
    scanner.depth = depth
    let value = try scanner.value()
    guard scanner.index == bytes.count else { throw scanner.error("unexpected bytes after the value") }
    return value
  }

  /// Parses a byte array as exactly one JSON value.
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
      do throws(JSONSyntaxError) { return .success(try parse(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  private func error(_ problem: String) -> JSONSyntaxError {
    JSONSyntaxError(offset: index, problem: problem)
  }

  private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func expect(_ literal: String) throws(JSONSyntaxError) {
    for byte in literal.utf8 {
      guard current == byte else { throw error("expected '\(literal)'") }
      index += 1
    }
  }

  private mutating func value() throws(JSONSyntaxError) -> JSONValue {
    guard let byte = current else { throw error("unexpected end of line") }
    switch byte {
    case UInt8(ascii: "{"): return .object(try object())
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try expect("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expect("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expect("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
    default: throw error("unexpected character")
    }
  }

  private mutating func object() throws(JSONSyntaxError) -> JSONObject {
    depth += 1
    guard depth <= 32 else { throw error("nested too deeply") }
    index += 1
    var object = JSONObject()
    if current == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return object
    }
    while true {
      guard current == UInt8(ascii: "\"") else { throw error("expected a member name") }
      let key = try string()
      try expect(":")
      object.append(key, try value())
      if current == UInt8(ascii: ",") {
        index += 1
      } else if current == UInt8(ascii: "}") {
        index += 1
        depth -= 1
        return object
      } else {
        throw error("expected ',' or '}'")
      }
    }
  }

  private mutating func array() throws(JSONSyntaxError) -> JSONValue {
    depth += 1
    guard depth <= 32 else { throw error("nested too deeply") }
    index += 1
    var values: [JSONValue] = []
    if current == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(values)
    }
    while true {
      values.append(try value())
      if current == UInt8(ascii: ",") {
        index += 1
      } else if current == UInt8(ascii: "]") {
        index += 1
        depth -= 1
        return .array(values)
      } else {
        throw error("expected ',' or ']'")
      }
    }
  }

  private mutating func integer() throws(JSONSyntaxError) -> Int64 {
    var negative = false
    if current == UInt8(ascii: "-") {
      negative = true
      index += 1
    }
    let start = index
    var magnitude: UInt64 = 0
    while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
      let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
      guard !overflow1, !overflow2, sum <= UInt64(Int64.max) else { throw error("number too large") }
      magnitude = sum
      index += 1
    }
    guard index > start else { throw error("expected a digit") }
    if index - start > 1, bytes[start] == UInt8(ascii: "0") { throw error("number with a leading zero") }
    if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    {
      throw error("only integers are allowed")
    }
    return negative ? -Int64(magnitude) : Int64(magnitude)
  }

  private mutating func string() throws(JSONSyntaxError) -> String {
    index += 1
    var scalars: [UInt8] = []
    var runStart = index
    while true {
      guard let byte = current else { throw error("unterminated string") }
      if byte == UInt8(ascii: "\"") {
        break
      } else if byte == UInt8(ascii: "\\") {
        scalars.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        index += 1
        guard let escaped = current else { throw error("unterminated escape") }
        index += 1
        switch escaped {
        case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800...0xDBFF).contains(code) {
            try expect("\\u")
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(code) {
            throw error("unpaired surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("invalid escape") }
          scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw error("invalid escape")
        }
        runStart = index
      } else if byte < 0x20 {
        throw error("control character in a string")
      } else {
        index += 1
      }
    }
    let text: String?
    if scalars.isEmpty {
      text = UTF8Validation.string(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
    } else {
      scalars.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
      text = scalars.withUnsafeBufferPointer { UTF8Validation.string($0) }
    }
    guard let text else { throw error("string is not valid UTF-8") }
    index += 1
    return text
  }

  private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    var code: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = current else { throw error("unterminated escape") }
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("invalid \\u escape")
      }
      code = code << 4 | UInt32(digit)
      index += 1
    }
    return code
  }
}
