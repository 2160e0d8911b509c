/// A JSON value as the log stores it: objects keep their members in order, numbers are integers only
/// (amounts are written as decimal strings, so no reader ever meets a floating-point number).
public enum JSONValue: Equatable, Sendable {
  case string(String)
  case integer(Int64)
  case bool(Bool)
  case null
  case array([JSONValue])
  case object(JSONObject)

  /// The compact JSON text of this value, escaping only what JSON requires.
  public var jsonText: String {
    var bytes: [UInt8] = []
    write(to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the compact JSON text of this value to `bytes`.
  public func write(to bytes: inout [UInt8]) {
    switch self {
    case .string(let text): JSONValue.writeString(text, to: &bytes)
    case .integer(let value): bytes.append(contentsOf: String(value).utf8)
    case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
    case .null: bytes.append(contentsOf: "null".utf8)
    case .array(let values):
      bytes.append(UInt8(ascii: "["))
      for (index, value) in values.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        value.write(to: &bytes)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let object): object.write(to: &bytes)
    }
  }

  /// Appends `text` as a JSON string: UTF-8 as is, escaping only `"`, `\` and control characters.
  public static func writeString(_ text: String, to bytes: inout [UInt8]) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0x00..<0x20:
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: Array("\\u00".utf8))
        bytes.append(hex[Int(byte >> 4)])
        bytes.append(hex[Int(byte & 0x0F)])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

/// A JSON object whose members keep the order they were written in.
public struct JSONObject: Equatable, Sendable {
  /// One `"key": value` member.
  public struct Member: Equatable, Sendable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  public var members: [Member]

  public init(_ members: [Member] = []) { self.members = members }

  /// The value of the first member named `key`.
  public subscript(key: String) -> JSONValue? {
    members.first { $0.key == key }?.value
  }

  /// Appends a member.
  public mutating func append(_ key: String, _ value: JSONValue) {
    members.append(Member(key, value))
  }

  /// Appends a member only when `value` is not nil.
  public mutating func append(_ key: String, ifPresent value: JSONValue?) {
    if let value { members.append(Member(key, value)) }
  }

  /// Appends the compact JSON text of this object to `bytes`.
  public func write(to bytes: inout [UInt8]) {
    bytes.append(UInt8(ascii: "{"))
    for (index, member) in members.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      JSONValue.writeString(member.key, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      member.value.write(to: &bytes)
    }
    bytes.append(UInt8(ascii: "}"))
  }
}
