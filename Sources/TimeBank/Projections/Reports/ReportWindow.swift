/// The window of service dates a report counts: `--from` and `--to`, both inclusive, either open.
public struct ReportWindow: Equatable, Sendable {
  public var from: LocalDate?
  public var to: LocalDate?

  public init(from: LocalDate? = nil, to: LocalDate? = nil) {
    self.from = from
    self.to = to
  }

  /// The window of one quarter, e.g. `2025Q3` is 2025-07-01...2025-09-30; nil for anything else.
  public init?(quarter text: String) {
    // Exactly four ASCII digits, `Q` or `q`, and one digit 1 to 4.
    let bytes = Array(text.utf8)
    guard bytes.count == 6, bytes[4] == UInt8(ascii: "Q") || bytes[4] == UInt8(ascii: "q"),
      let year = LocalDate.number(bytes[0..<4]), let quarter = LocalDate.number(bytes[5..<6]),
      (1...4).contains(quarter), let from = LocalDate(year: year, month: quarter * 3 - 2, day: 1),
      let to = LocalDate(
        year: year, month: quarter * 3, day: LocalDate.daysIn(month: quarter * 3, year: year))
    else { return nil }
    self.init(from: from, to: to)
  }

  public func contains(_ date: LocalDate) -> Bool {
    if let from, date < from { return false }
    if let to, date > to { return false }
    return true
  }
}

/// Ratios printed as percentages with one decimal, rounded half away from zero, in integers.
public enum Percent {
  /// `part / whole` as `12.5%`; `-` when `whole` is zero.
  public static func text(_ part: Int, of whole: Int) -> String {
    guard whole > 0 else { return "-" }
    let permille = FixedPoint.divideRoundingHalfAwayFromZero(Int64(part) * 1000, by: Int64(whole))
    return FixedPoint.format(permille, decimals: 1) + "%"
  }
}

/// One community's state, named, as the reports take it (a street office passes several).
public struct CommunityLedger: Sendable {
  public var name: String
  public var state: LedgerState
  /// The day of the last event the state includes, in the ledger's time zone (nil for an empty one).
  public var lastEventDate: LocalDate?

  public init(name: String, state: LedgerState, lastEventDate: LocalDate? = nil) {
    self.name = name
    self.state = state
    self.lastEventDate = lastEventDate
  }

  /// Confirmed service records of this community whose date is in `window`, in log order.
  ///
  /// - Parameter inLogOrder: false for a caller that needs no order, which need not wait for a sort.
  public func confirmedRecords(in window: ReportWindow, inLogOrder: Bool = true) -> [(
    id: RecordID, record: RecordState, points: Points
  )] {
    var confirmed: [(id: RecordID, record: RecordState, points: Points)] = []
    forEachConfirmedRecord(in: window) { id, record, points in confirmed.append((id, copy record, points)) }
    return inLogOrder ? confirmed.sorted { $0.record.seq < $1.record.seq } : confirmed
  }

  /// Calls `body` with each confirmed service record of this community whose date is in `window`, and
  /// its points, read in place and in no particular order: for the reports that only add them up (at a
  /// million lines, copying the records out into an array took about 80 MB and a good part of the time).
  public func forEachConfirmedRecord(
    in window: ReportWindow, _ body: (RecordID, borrowing RecordState, Points) -> Void
  ) {
    state.records.forEachEntry { id, record in
      guard case .confirmed(let points) = record.status, window.contains(record.entry.date) else { return }
      body(id, record, points)
    }
  }
}
