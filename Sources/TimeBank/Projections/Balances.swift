/// One account's balance as a volunteer or office reads it.
public struct AccountBalance: Equatable, Sendable {
  public var account: AccountID
  /// The member's or card's name; the account itself for system accounts.
  public var name: String
  public var totals: AccountTotals
  /// Points that records still awaiting confirmation would earn.
  public var pending: Points
  /// For a member: confirmed service (the permanent record, never reduced by spending).
  public var confirmedMinutes: Minutes?
  public var stars: Int?

  public var balance: Points { totals.balance }
}

/// Balances of accounts, from a state.
public enum Balances {
  /// The balance of one account; nil when the account does not exist.
  public static func balance(of account: AccountID, in state: LedgerState) -> AccountBalance? {
    balance(of: account, in: state, pending: state.pendingPoints(of: account))
  }

  static func balance(of account: AccountID, in state: LedgerState, pending: Points) -> AccountBalance? {
    guard state.exists(account) else { return nil }
    var result = AccountBalance(
      account: account, name: account.description, totals: state.accounts[account] ?? AccountTotals(),
      pending: pending)
    switch account {
    case .member(let id):
      guard let member = state.members[id] else { return nil }
      result.name = member.name
      result.confirmedMinutes = member.confirmedMinutes
      result.stars = StarLevel.stars(for: member.confirmedMinutes)
    case .card(let id):
      result.name = state.cards[id]?.name ?? id.rawValue
    case .issued, .redeemed:
      break
    }
    return result
  }

  /// Every member's and card's balance, members first, each group sorted by id, then system accounts.
  /// - Complexity: O(a log a + r) for a accounts and r service records.
  public static func all(in state: LedgerState) -> [AccountBalance] {
    let accounts =
      state.members.keys.sorted().map(AccountID.member) + state.cards.keys.sorted().map(AccountID.card)
      + [.issued, .redeemed]
    // Pending points of every account in one pass over the records, not one pass per account.
    let pending = state.pendingPointsByAccount()
    return accounts.compactMap { balance(of: $0, in: state, pending: pending[$0] ?? .zero) }
  }
}

/// Replaying a log up to a point in time.
public enum Replay {
  /// The records up to and including `asOfSeq`, and recorded on or before `asOf` (a local date in the
  /// ledger's time zone).
  public static func prefix(
    _ records: [EventRecord], asOf: LocalDate? = nil, asOfSeq: Int? = nil
  ) -> ArraySlice<EventRecord> {
    var end = records.count
    if let asOfSeq { end = min(end, max(0, asOfSeq)) }
    if let asOf {
      var state = LedgerState()
      for (index, record) in records[0..<end].enumerated() {
        if index == 0 { state.apply(record) }
        if state.localDate(of: record.at) > asOf {
          end = index
          break
        }
      }
    }
    return records[0..<end]
  }
}
