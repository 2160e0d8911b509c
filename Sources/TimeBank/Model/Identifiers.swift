/// A string identifier that names one kind of thing, so a team id cannot be passed where a member id
/// is expected.
public protocol StringIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
  var rawValue: String { get }
  init(_ rawValue: String)
}

extension StringIdentifier {
  public var description: String { rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A volunteer registered in the community.
public struct MemberID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A volunteer service team (志愿服务队) or self-organised group (自组织).
public struct TeamID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A party branch (党支部).
public struct BranchID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A collective card (单位党组织储蓄卡, 企业卡, 院落集体卡).
public struct CardID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An item in the reward catalogue.
public struct ItemID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A service record; it is the id of its `service.recorded` event.
public struct RecordID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A redemption; it is the id of its `reward.redeemed` event.
public struct RedemptionID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Whoever records an event: an office worker, or a member acting as itself (same id as the member).
public struct ActorID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }

  /// The member this actor is, when a member acts as itself.
  public var asMember: MemberID { MemberID(rawValue) }
}

/// The rule every identifier typed by a user must follow.
public enum IdentifierSyntax {
  /// The longest identifier accepted, in UTF-8 bytes.
  public static let maximumLength = 64

  /// Why `text` is not a valid identifier, or nil when it is.
  ///
  /// Identifiers are 1...64 bytes of printable characters without spaces, `:` or `/`, and do not start
  /// with `@` (reserved for system accounts) or `-` (it would read as an option).
  public static func problem(with text: String) -> String? {
    // Most ids are printable ASCII: decide those from their bytes, without Unicode properties.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
      var text = text
      return text.withUTF8 { problem(ascii: $0) }
    }
    return problem(unicode: text)
  }

  /// `problem(with:)` for text whose bytes are all ASCII, read from the bytes.
  ///
  /// Each ASCII byte is one character with no other canonically equivalent spelling, and no ASCII
  /// character combines with its neighbour except CR LF (control characters, refused either way),
  /// so comparing bytes gives what `problem(unicode:)` gives; tests compare the two.
  static func problem(ascii bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard let first = bytes.first else { return "is empty" }
    if bytes.count > maximumLength { return "is longer than \(maximumLength) bytes" }
    if first == UInt8(ascii: "@") { return "starts with '@', which is reserved for system accounts" }
    if first == UInt8(ascii: "-") { return "starts with '-'" }
    for byte in bytes {
      if byte <= 0x20 || byte >= 0x7F { return "contains a space, control or invisible character" }
      if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\"")
        || byte == UInt8(ascii: "\\")
      {
        return "contains '\(Character(Unicode.Scalar(byte)))'"
      }
    }
    return nil
  }

  /// `problem(with:)` for any text, character by character.
  static func problem(unicode text: String) -> String? {
    if text.isEmpty { return "is empty" }
    if text.utf8.count > maximumLength { return "is longer than \(maximumLength) bytes" }
    if text.hasPrefix("@") { return "starts with '@', which is reserved for system accounts" }
    if text.hasPrefix("-") { return "starts with '-'" }
    for scalar in text.unicodeScalars {
      switch scalar.properties.generalCategory {
      case .control, .format, .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator,
        .spaceSeparator:
        return "contains a space, control or invisible character"
      default:
        if scalar.properties.isWhitespace { return "contains a space, control or invisible character" }
      }
      if scalar == ":" || scalar == "/" || scalar == "\"" || scalar == "\\" {
        return "contains '\(scalar)'"
      }
    }
    return nil
  }
}
