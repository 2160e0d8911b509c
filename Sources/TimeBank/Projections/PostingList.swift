/// One posting of the whole ledger, as a row for a spreadsheet.
public struct PostingRow: Equatable, Sendable {
  public var seq: Int
  /// The day it was recorded, in the ledger's time zone.
  public var date: LocalDate
  public var type: String
  public var id: String
  public var kind: PostingKind
  public var from: AccountID
  public var to: AccountID
  public var points: Points
  /// What it was for: the record, member, category and hours; the memo; the item; the reason.
  public var note: String
}

/// Every points posting of a log, in order: the double-entry ledger as rows.
public enum PostingList {
  /// The postings the events of `records` make, each worked out from the state before its event.
  /// - Complexity: O(n) in the number of records.
  public static func rows(of records: some Sequence<EventRecord>) -> [PostingRow] {
    var state = LedgerState()
    var rows: [PostingRow] = []
    for record in records {
      for transfer in state.transfers(for: record.event) {
        rows.append(
          PostingRow(
            seq: record.seq, date: state.localDate(of: record.at), type: record.event.typeName, id: record.id,
            kind: transfer.kind, from: transfer.from, to: transfer.to, points: transfer.points,
            note: LedgerJournal.note(for: record.event, in: state)))
      }
      state.apply(record)
    }
    return rows
  }
}
