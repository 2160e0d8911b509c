import Foundation

/// What a command asks for: an event (computed fields may be left zero) and its idempotency key.
public struct Command: Equatable, Sendable {
  /// The idempotency key; nil lets the ledger generate one (printed, so it can be retried).
  public var id: String?
  public var event: Event

  public init(id: String? = nil, event: Event) {
    self.id = id
    self.event = event
  }
}

/// What happened to one command.
public enum Outcome: Equatable, Sendable {
  /// The event was written as this line.
  case appended(EventRecord)
  /// The same key with the same content was already in the log: nothing was written.
  case alreadyRecorded(EventRecord)

  public var record: EventRecord {
    switch self {
    case .appended(let record), .alreadyRecorded(let record): record
    }
  }
}

/// Why a command did not happen.
public enum LedgerError: Error, Equatable, Sendable {
  /// The log could not be read or written, or failed verification.
  case log(LogError)
  /// A rule refused the command; `index` is its position in a batch (0 for a single command).
  case rejected(Rejection, index: Int)
}

/// The one write path: lock the log, catch up, decide, write, `fsync`.
///
/// A `Ledger` holds the exclusive lock from the moment it is opened until it is released, so its state
/// is the log's state.
public final class Ledger {
  public let path: String
  public private(set) var state: LedgerState
  /// Every line of the log, for idempotency checks and views.
  public private(set) var records: [EventRecord]
  private let file: LogFile
  private var length: Int

  private init(path: String, file: LogFile, contents: LogContents) {
    self.path = path
    self.file = file
    self.records = contents.records
    self.length = contents.validLength
    self.state = LedgerState(replaying: contents.records)
  }

  /// Opens an existing log for writing: takes the lock and verifies every line.
  ///
  /// - Throws: `.log(.tornTail)` when the log ends in a torn line (run `repair` first), `.log(.corrupt)`
  ///   when any line breaks the chain, `.log(.missing)` and friends for I/O problems.
  public static func open(_ path: String) throws(LedgerError) -> Ledger {
    do throws(LogError) {
      let file = try LogFile.openForWriting(path)
      let contents = try file.readVerified()
      if let tail = contents.tornTail { throw .tornTail(path: path, tail) }
      return Ledger(path: path, file: file, contents: contents)
    } catch {
      throw .log(error)
    }
  }

  /// Creates a new log whose first line is `ledger.opened`; `actor` becomes its admin.
  ///
  /// Refuses to overwrite any existing file. If the opening event is refused, the new file is removed.
  public static func create(
    _ path: String, opening: Command, actor: ActorID, at now: Timestamp
  ) throws(LedgerError) -> Ledger {
    guard case .ledgerOpened = opening.event else {
      preconditionFailure("a ledger opens with ledger.opened")
    }
    do {
      try Rules.validate(opening.event, actor: actor, at: now, in: LedgerState())
    } catch {
      throw .rejected(error, index: 0)
    }
    // The first line is written and synced under a temporary name, then linked into place, so a crash
    // never leaves an empty log where a ledger should be (which would block a second `init`). From then
    // on the file goes by its real name: batches written later (the demo's) must journal to
    // `<path>.batch`, not to `<temporary>.batch`, which no reader or `repair` would ever look at.
    let temporary = "\(path).creating-\(getpid())"
    let file: LogFile
    do {
      try LogFile.checkAbsent(path)
      file = try LogFile.create(temporary)
    } catch {
      throw .log(error)
    }
    defer { unlink(temporary) }
    let ledger = Ledger(
      path: path, file: file, contents: LogContents(records: [], tornTail: nil, validLength: 0))
    if case .ledgerOpened(_, let zoneName, _) = opening.event, let zone = TimeZone(identifier: zoneName) {
      ledger.state.timeZone = zone  // so the first line's `at` is written at the ledger's own offset
    }
    _ = try ledger.execute([opening], actor: actor, at: now)
    do {
      try file.link(to: path)
    } catch {
      throw .log(error)
    }
    return ledger
  }

  /// Decides and appends one command; see `execute(_:actor:at:)` for batches.
  public func execute(_ command: Command, actor: ActorID, at now: Timestamp) throws(LedgerError) -> Outcome {
    try execute([command], actor: actor, at: now)[0]
  }

  /// Decides a batch of commands in order and appends all their events with one `write` and one
  /// `fsync`; all or nothing: if any command is refused, nothing is written.
  ///
  /// A command whose key is already in the log with the same content is `alreadyRecorded`; with other
  /// content it is refused with `idReused`, naming the first field that differs.
  /// - Complexity: O(k) for k commands, plus the write.
  public func execute(_ commands: [Command], actor: ActorID, at now: Timestamp) throws(LedgerError)
    -> [Outcome]
  {
    if let problem = IdentifierSyntax.problem(with: actor.rawValue) {
      throw .rejected(.invalidField(field: "actor", problem: problem), index: 0)
    }
    var scratch = state
    var newRecords: [EventRecord] = []
    var bytes: [UInt8] = []
    var outcomes: [Outcome] = []
    let stamped = scratch.inLedgerZone(now)
    for (index, command) in commands.enumerated() {
      if let id = command.id, let seq = scratch.ids[id] {
        let stored = seq <= records.count ? records[seq - 1] : newRecords[seq - records.count - 1]
        if let difference = Ledger.difference(stored: stored, actor: actor, event: command.event) {
          throw .rejected(
            .idReused(
              id: id, seq: seq, field: difference.field, stored: difference.stored, given: difference.given),
            index: index)
        }
        outcomes.append(.alreadyRecorded(stored))
        continue
      }
      let event = Rules.complete(command.event, in: scratch)
      do {
        try Rules.validate(event, actor: actor, at: stamped, in: scratch)
      } catch {
        throw .rejected(error, index: index)
      }
      let seq = scratch.lastSeq + 1
      let id = command.id ?? Ledger.generatedID(for: event, seq: seq, taken: scratch.ids)
      if let problem = IdentifierSyntax.problem(with: id) {
        throw .rejected(.invalidField(field: "id", problem: problem), index: index)
      }
      let line = LogLine.encode(
        seq: seq, id: id, at: stamped, actor: actor, event: event, prev: scratch.headHash)
      let record = EventRecord(
        seq: seq, id: id, at: stamped, actor: actor, event: event, prev: scratch.headHash, hash: line.hash)
      scratch.apply(record)
      newRecords.append(record)
      bytes.append(contentsOf: line.bytes)
      outcomes.append(.appended(record))
    }
    if !bytes.isEmpty {
      do {
        try file.append(bytes, expectedLength: length)
      } catch {
        throw .log(error)
      }
      length += bytes.count
      records.append(contentsOf: newRecords)
      state = scratch
    }
    return outcomes
  }

  /// An id for a command given none: `rec-<seq>` for service records, `red-<seq>` for redemptions,
  /// `ev-<seq>` otherwise, with a suffix in the unlikely case a user already chose that key.
  static func generatedID(for event: Event, seq: Int, taken: [String: Int]) -> String {
    let prefix =
      switch event {
      case .serviceRecorded: "rec"
      case .rewardRedeemed: "red"
      default: "ev"
      }
    var id = "\(prefix)-\(seq)"
    var suffix = 2
    while taken[id] != nil {
      id = "\(prefix)-\(seq)-\(suffix)"
      suffix += 1
    }
    return id
  }

  /// The first difference between a stored event and a retried one, ignoring computed fields.
  static func difference(
    stored: EventRecord, actor: ActorID, event: Event
  ) -> (field: String, stored: String, given: String)? {
    if stored.event.typeName != event.typeName {
      return ("type", stored.event.typeName, event.typeName)
    }
    if stored.actor != actor { return ("actor", stored.actor.rawValue, actor.rawValue) }
    let ignored = event.computedFields
    let old = stored.event.data
    let new = event.data
    var keys = old.members.map(\.key)
    for key in new.members.map(\.key) where !keys.contains(key) { keys.append(key) }
    for key in keys where !ignored.contains(key) && old[key] != new[key] {
      return (key, old[key]?.jsonText ?? "(none)", new[key]?.jsonText ?? "(none)")
    }
    return nil
  }
}
