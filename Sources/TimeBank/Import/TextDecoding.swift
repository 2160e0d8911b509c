#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The text encodings a spreadsheet saved by Excel or WPS may come in.
public enum TextEncoding: String, Equatable, Sendable, CaseIterable {
  /// UTF-8, with or without a byte order mark ("CSV UTF-8" in Excel).
  case utf8 = "utf-8"
  /// GB18030, a superset of GBK and GB2312: what Excel and WPS write as plain "CSV" on a Chinese system.
  case gb18030

  /// The encoding named `name`, case-insensitively, accepting the usual spellings (`utf8`, `gbk`, ...).
  ///
  /// GBK and GB2312 are read as GB18030, which contains both.
  public init?(name: String) {
    switch name.lowercased() {
    case "utf-8", "utf8": self = .utf8
    case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
    default: return nil
    }
  }
}

/// Why some bytes could not be read as text.
public enum TextDecodingError: Error, Equatable, Sendable {
  /// The bytes are not valid in `encoding`; `offset` is the first bad byte, `line` the line it is on
  /// (from 1). `encoding` is nil when neither UTF-8 nor GB18030 could read them.
  case invalid(encoding: TextEncoding?, offset: Int, line: Int)
  /// The system's iconv cannot convert from GB18030.
  case converterUnavailable(TextEncoding)
}

/// Turns the bytes of a text file into a `String`: UTF-8 (with or without BOM) or GB18030.
///
/// Pure: bytes in, text out. GB18030 goes through the C library's `iconv`.
public enum TextDecoding {
  /// The UTF-8 byte order mark Excel writes at the start of "CSV UTF-8" files.
  static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Decodes `bytes` as `encoding`, or, when it is nil, as UTF-8 if they are valid UTF-8 and else as
  /// GB18030. A leading byte order mark is removed.
  ///
  /// - Returns: the text, and the encoding it was read as.
  /// - Throws: `.invalid` naming the first byte that cannot be read (for detection, the first byte
  ///   that is not UTF-8, if GB18030 fails too); `.converterUnavailable` when iconv lacks GB18030.
  /// - Complexity: O(n) in the number of bytes.
  public static func decode(_ bytes: [UInt8], as encoding: TextEncoding? = nil) throws(TextDecodingError)
    -> (text: String, encoding: TextEncoding)
  {
    switch encoding {
    case .utf8?:
      return (try utf8(bytes), .utf8)
    case .gb18030?:
      return (try gb18030(bytes), .gb18030)
    case nil:
      if let offset = firstInvalidUTF8(in: bytes) {
        do {
          return (try gb18030(bytes), .gb18030)
        } catch .converterUnavailable(let encoding) {
          throw .converterUnavailable(encoding)
        } catch {
          throw .invalid(encoding: nil, offset: offset, line: line(at: offset, in: bytes))
        }
      }
      return (try utf8(bytes), .utf8)
    }
  }

  static func utf8(_ bytes: [UInt8]) throws(TextDecodingError) -> String {
    if let offset = firstInvalidUTF8(in: bytes) {
      throw .invalid(encoding: .utf8, offset: offset, line: line(at: offset, in: bytes))
    }
    let start = bytes.starts(with: utf8BOM) ? utf8BOM.count : 0
    return String(decoding: bytes[start...], as: UTF8.self)
  }

  /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong
  /// forms, surrogates and values above U+10FFFF are ill-formed), or nil when all are well formed.
  ///
  /// - Complexity: O(n).
  static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      // The allowed range of the second byte depends on the lead (Unicode table 3-7).
      let length: Int
      var secondRange: ClosedRange<UInt8> = 0x80...0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; secondRange = 0xA0...0xBF
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; secondRange = 0x80...0x9F
      case 0xF0: length = 4; secondRange = 0x90...0xBF
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; secondRange = 0x80...0x8F
      default: return index
      }
      for position in 1..<length {
        let next = index + position
        guard next < bytes.count else { return index }
        let range = position == 1 ? secondRange : 0x80...0xBF
        guard range.contains(bytes[next]) else { return index }
      }
      index += length
    }
    return nil
  }

  static func gb18030(_ bytes: [UInt8]) throws(TextDecodingError) -> String {
    let converted = try convert(bytes, from: .gb18030)
    var text = String(decoding: converted, as: UTF8.self)
    // GB18030 has its own byte order mark (84 31 95 33), which decodes to U+FEFF.
    if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
    return text
  }

  /// Converts `bytes` from `encoding` to UTF-8 bytes with iconv.
  private static func convert(_ bytes: [UInt8], from encoding: TextEncoding) throws(TextDecodingError)
    -> [UInt8]
  {
    let name = encoding == .gb18030 ? "GB18030" : "UTF-8"
    guard let converter = iconv_open("UTF-8", name), Int(bitPattern: converter) != -1 else {
      throw .converterUnavailable(encoding)
    }
    defer { iconv_close(converter) }
    if bytes.isEmpty { return [] }
    var input = bytes.map { CChar(bitPattern: $0) }
    // One GB18030 character (1, 2 or 4 bytes) is at most 4 bytes of UTF-8: never more than twice.
    var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
    let outputCapacity = output.count
    var failedAt: Int?
    var produced = 0
    input.withUnsafeMutableBufferPointer { inputBuffer in
      output.withUnsafeMutableBufferPointer { outputBuffer in
        var inputPointer = inputBuffer.baseAddress
        var inputLeft = inputBuffer.count
        var outputPointer = outputBuffer.baseAddress
        var outputLeft = outputCapacity
        let result = iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
        if result == -1 || inputLeft != 0 {
          failedAt = inputBuffer.count - inputLeft
        } else {
          // Flush any shift state (none for GB18030, but it is what iconv asks for).
          _ = iconv(converter, nil, nil, &outputPointer, &outputLeft)
        }
        produced = outputCapacity - outputLeft
      }
    }
    output.removeSubrange(produced...)
    if let failedAt {
      throw .invalid(encoding: encoding, offset: failedAt, line: line(at: failedAt, in: bytes))
    }
    return output.map { UInt8(bitPattern: $0) }
  }

  /// The line (from 1) that the byte at `offset` is on: one more than the line feeds before it.
  static func line(at offset: Int, in bytes: [UInt8]) -> Int {
    bytes[..<min(offset, bytes.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
  }
}
