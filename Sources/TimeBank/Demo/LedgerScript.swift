/// Writes a scripted ledger through the real write path: commands are queued with their actor and
/// time, and each run of commands with the same actor and time is decided and written as one batch.
public struct LedgerScript {
  public let ledger: Ledger
  private var pending: [(actor: ActorID, at: Timestamp, command: Command)] = []

  public init(ledger: Ledger) { self.ledger = ledger }

  /// Queues one command.
  public mutating func add(_ actor: ActorID, _ at: Timestamp, _ id: String, _ event: Event) {
    pending.append((actor, at, Command(id: id, event: event)))
  }

  /// Writes the queued commands, one batch per run of the same actor and time.
  /// - Throws: the first refusal or write error; the batch it was in is not written.
  public mutating func flush() throws(LedgerError) {
    var start = 0
    while start < pending.count {
      var end = start + 1
      while end < pending.count && pending[end].actor == pending[start].actor
        && pending[end].at == pending[start].at
      {
        end += 1
      }
      _ = try ledger.execute(
        pending[start..<end].map(\.command), actor: pending[start].actor, at: pending[start].at)
      start = end
    }
    pending.removeAll()
  }

  /// A calendar date of the scripts' fixed timelines (they only use dates that exist).
  public static func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
    LocalDate(year: year, month: month, day: day) ?? LocalDate(daysSinceEpoch: 0)
  }

  /// An instant on the hour, at Shanghai's +08:00.
  public static func time(_ year: Int, _ month: Int, _ day: Int, _ hour: Int) -> Timestamp {
    let seconds = Int64(date(year, month, day).daysSinceEpoch) * 86_400 + Int64(hour - 8) * 3600
    return Timestamp(secondsSinceEpoch: seconds, offsetSeconds: 8 * 3600)
  }
}
