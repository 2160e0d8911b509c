/// An account that points move between: a member's own, a collective card, or a system account.
public enum AccountID: Hashable, Comparable, Sendable, CustomStringConvertible {
  case member(MemberID)
  case card(CardID)
  /// Where points for confirmed service come from; the only account that goes below zero.
  case issued
  /// Where points spent on rewards go.
  case redeemed

  /// Parses `member:<id>`, `card:<id>`, `@issued` or `@redeemed`.
  public init?(_ text: String) {
    // Nearly every account is ASCII: read those from their bytes (see `init?(ascii:)`).
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
      var text = text
      guard let account = text.withUTF8({ AccountID(ascii: $0) }) else { return nil }
      self = account
    } else {
      self.init(unicode: text)
    }
  }

  /// Parses the same text as `init?(_:)` from well-formed UTF-8 bytes, without making a `String` when
  /// they are ASCII.
  init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    if bytes.allSatisfy({ $0 < 0x80 }) {
      self.init(ascii: bytes)
    } else {
      self.init(unicode: String(decoding: bytes, as: UTF8.self))
    }
  }

  /// `init?(_:)` for text whose bytes are all ASCII, read from the bytes.
  ///
  /// ASCII text equals another string, or starts with it, exactly when its bytes do: no ASCII
  /// character has another canonically equivalent spelling, and none combines with the next but CR LF,
  /// which no prefix here ends in. Tests compare this with `init?(unicode:)`.
  init?(ascii bytes: UnsafeBufferPointer<UInt8>) {
    func starts(with prefix: StaticString) -> Bool {
      let count = prefix.utf8CodeUnitCount
      return bytes.count >= count
        && UnsafeBufferPointer(start: prefix.utf8Start, count: count).elementsEqual(bytes[..<count])
    }
    func id(after prefix: StaticString) -> String? {
      let id = UnsafeBufferPointer(rebasing: bytes[prefix.utf8CodeUnitCount...])
      guard IdentifierSyntax.problem(ascii: id) == nil else { return nil }
      return String(decoding: id, as: UTF8.self)
    }
    if bytes.count == 7 && starts(with: "@issued") {
      self = .issued
    } else if bytes.count == 9 && starts(with: "@redeemed") {
      self = .redeemed
    } else if starts(with: "member:") {
      guard let id = id(after: "member:") else { return nil }
      self = .member(MemberID(id))
    } else if starts(with: "card:") {
      guard let id = id(after: "card:") else { return nil }
      self = .card(CardID(id))
    } else {
      return nil
    }
  }

  /// `init?(_:)` for any text, comparing characters.
  init?(unicode text: String) {
    if text == "@issued" {
      self = .issued
    } else if text == "@redeemed" {
      self = .redeemed
    } else if text.hasPrefix("member:") {
      let id = String(text.dropFirst("member:".count))
      guard IdentifierSyntax.problem(with: id) == nil else { return nil }
      self = .member(MemberID(id))
    } else if text.hasPrefix("card:") {
      let id = String(text.dropFirst("card:".count))
      guard IdentifierSyntax.problem(with: id) == nil else { return nil }
      self = .card(CardID(id))
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .member(let id): "member:\(id.rawValue)"
    case .card(let id): "card:\(id.rawValue)"
    case .issued: "@issued"
    case .redeemed: "@redeemed"
    }
  }

  /// Whether this is one of the system accounts (`@issued`, `@redeemed`).
  public var isSystem: Bool {
    switch self {
    case .issued, .redeemed: true
    case .member, .card: false
    }
  }

  public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.description < rhs.description }
}
