/// One posting on an account's statement.
public struct StatementLine: Equatable, Sendable {
  public var seq: Int
  public var date: LocalDate
  public var kind: PostingKind
  /// The other side of the posting.
  public var counterparty: AccountID
  /// Signed: positive into the account, negative out of it.
  public var amount: Points
  /// The running balance after this posting.
  public var balance: Points
  /// What it was for: the record, item, or memo.
  public var description: String
}

/// An account's postings in order, with the running balance.
public struct Statement: Equatable, Sendable {
  public var account: AccountID
  /// The balance before the first line shown.
  public var opening: Points
  public var lines: [StatementLine]
  public var closing: Points

  /// Builds the statement of `account` from the log's records, showing postings whose date (the day
  /// recorded, in the ledger's time zone) is within `from...to`.
  /// - Complexity: O(n) in the number of records.
  public init(
    account: AccountID, records: some Sequence<EventRecord>, from: LocalDate? = nil, to: LocalDate? = nil
  ) {
    var builder = Builder(account: account, from: from, to: to)
    var state = LedgerState()
    for record in records {
      if let transfer = state.transfer(for: record.event) { builder.post(transfer, of: record, in: state) }
      state.apply(record)
    }
    self.init(builder)
  }

  /// Builds the same statement from just the lines that moved the account's points (its `postingSeqs` in
  /// `state`, the state after the whole log), each read with `line`, instead of replaying every line.
  /// Movements and descriptions come from the settled state: a record's entry, a redemption's points
  /// and a reward's name do not change once written.
  /// - Complexity: O(p) lines read for p postings of the account.
  public init<Failure: Error>(
    account: AccountID, settledIn state: LedgerState, from: LocalDate? = nil, to: LocalDate? = nil,
    line: (Int) throws(Failure) -> EventRecord
  ) throws(Failure) {
    var builder = Builder(account: account, from: from, to: to)
    for seq in state.accounts[account]?.postingSeqs ?? [] {
      let record = try line(seq)
      if let transfer = state.settledTransfer(for: record.event) { builder.post(transfer, of: record, in: state) }
    }
    self.init(builder)
  }

  private init(_ builder: Builder) {
    account = builder.account
    opening = builder.opening
    lines = builder.lines
    closing = builder.lines.last?.balance ?? builder.opening
  }

  /// The running balance and the lines shown, one posting at a time, in log order.
  private struct Builder {
    let account: AccountID
    let from: LocalDate?
    let to: LocalDate?
    var balance = Points.zero
    var opening = Points.zero
    var lines: [StatementLine] = []

    init(account: AccountID, from: LocalDate?, to: LocalDate?) {
      self.account = account
      self.from = from
      self.to = to
    }

    /// Adds `transfer`, made by `record`, when it moves this account's points; `state` words it.
    mutating func post(_ transfer: Transfer, of record: EventRecord, in state: LedgerState) {
      guard transfer.from == account || transfer.to == account else { return }
      let date = state.localDate(of: record.at)
      let amount = transfer.to == account ? transfer.points : -transfer.points
      balance += amount
      if let to, date > to { return }
      if let from, date < from {
        opening = balance
        return
      }
      lines.append(
        StatementLine(
          seq: record.seq, date: date, kind: transfer.kind,
          counterparty: transfer.to == account ? transfer.from : transfer.to, amount: amount, balance: balance,
          description: Statement.describe(record.event, in: state)))
    }
  }

  static func describe(_ event: Event, in state: LedgerState) -> String {
    switch event {
    case .serviceConfirmed(let id, _), .serviceReversed(let id, _):
      guard let entry = state.records[id]?.entry else { return id.rawValue }
      return "\(id) \(entry.date) \(entry.category) \(entry.minutes.hoursText)h"
    case .pointsTransferred(_, _, _, let memo):
      return memo ?? ""
    case .rewardRedeemed(_, let item, let quantity, _):
      return "\(state.rewards[item]?.listing.name ?? item.rawValue) ×\(quantity)"
    case .redemptionCancelled(let id, let reason):
      return "\(id): \(reason)"
    default:
      return ""
    }
  }
}
