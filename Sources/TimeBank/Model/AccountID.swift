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
