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
/// is the log's state. It catches up from the log's snapshot when there is a valid one (see `Snapshot`)
/// and keeps it fresh, so a write does not replay the whole log.
public final class Ledger {
  public let path: String
  public private(set) var state: LedgerState
  private let file: LogFile
  private var length: Int
  /// The `seq` of the newest snapshot this ledger knows of (written or read), 0 for none.
  private var snapshotSeq: Int
  /// Whether appends keep the snapshot fresh (see `Snapshot.isDue`). A bulk writer may turn it off and
  /// call `writeSnapshot()` once at the end.
  public var refreshesSnapshot = true
  /// Whether the state is loaded from the snapshot; false once a snapshot turned out damaged.
  private var usesSnapshot = true

  private init(path: String, file: LogFile, loaded: LoadedLedger) {
    self.path = path
    self.file = file
    self.length = loaded.validLength
    self.state = loaded.state
    self.snapshotSeq = loaded.snapshotSeq ?? 0
  }

  /// Opens an existing log for writing: takes the lock and verifies every line after the snapshot (or
  /// every line, without one).
  ///
  /// - Throws: `.log(.tornTail)` when the log ends in a torn line (run `repair` first), `.log(.corrupt)`
  ///   when any line breaks the chain, `.log(.missing)` and friends for I/O problems.
  public static func open(_ path: String) throws(LedgerError) -> Ledger {
    do throws(LogError) {
      let file = try LogFile.openForWriting(path)
      let loaded = try Snapshot.load(file)
      if let tail = loaded.tornTail { throw .tornTail(path: path, tail) }
      return Ledger(path: path, file: file, loaded: loaded)
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
      path: path, file: file,
      loaded: LoadedLedger(state: LedgerState(), validLength: 0, tornTail: nil, snapshotSeq: nil))
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
    if let outcomes = try attempt(commands, actor: actor, at: now) { return outcomes }
    // The snapshot turned out damaged while deciding (a page failed its checksum, so a lookup may have
    // missed an entry): nothing was written; decide again on the state rebuilt from the log alone.
    usesSnapshot = false
    try reload()
    return try attempt(commands, actor: actor, at: now) ?? []
  }

  /// `execute`, or nil (with nothing written) when the state's snapshot turned out damaged.
  private func attempt(_ commands: [Command], actor: ActorID, at now: Timestamp) throws(LedgerError)
    -> [Outcome]?
  {
    if let problem = IdentifierSyntax.problem(with: actor.rawValue) {
      throw .rejected(.invalidField(field: "actor", problem: problem), index: 0)
    }
    // Commands are decided against the live state, each applied before the next is decided; if any is
    // refused or the write fails, the state is loaded again from the unchanged log. (Copying the whole
    // state to decide on a scratch copy would cost more than the write.)
    var newRecords: [EventRecord] = []
    var bytes: [UInt8] = []
    var outcomes: [Outcome] = []
    let stamped = state.inLedgerZone(now)
    let fileSeq = state.lastSeq
    do throws(LedgerError) {
      for (index, command) in commands.enumerated() {
        if let id = command.id, let seq = state.ids[id] {
          let stored = try seq <= fileSeq ? storedRecord(seq) : newRecords[seq - fileSeq - 1]
          if let difference = Ledger.difference(stored: stored, actor: actor, event: command.event) {
            throw .rejected(
              .idReused(
                id: id, seq: seq, field: difference.field, stored: difference.stored, given: difference.given),
              index: index)
          }
          outcomes.append(.alreadyRecorded(stored))
          continue
        }
        let event = Rules.complete(command.event, in: state)
        do {
          try Rules.validate(event, actor: actor, at: stamped, in: state)
        } catch {
          throw .rejected(error, index: index)
        }
        let seq = state.lastSeq + 1
        let id = command.id ?? Ledger.generatedID(for: event, seq: seq, taken: state.ids)
        if let problem = IdentifierSyntax.problem(with: id) {
          throw .rejected(.invalidField(field: "id", problem: problem), index: index)
        }
        let line = LogLine.encode(
          seq: seq, id: id, at: stamped, actor: actor, event: event, prev: state.headHash)
        let record = EventRecord(
          seq: seq, id: id, at: stamped, actor: actor, event: event, prev: state.headHash, hash: line.hash)
        state.apply(record)
        newRecords.append(record)
        bytes.append(contentsOf: line.bytes)
        outcomes.append(.appended(record))
      }
      if state.isFromDamagedSnapshot { return nil }
      if !bytes.isEmpty {
        do {
          try file.append(bytes, expectedLength: length)
        } catch {
          throw .log(error)
        }
        length += bytes.count
      }
    } catch {
      let damaged = state.isFromDamagedSnapshot
      if !newRecords.isEmpty || damaged { try reload() }
      if damaged { return nil }
      throw error
    }
    if refreshesSnapshot && Snapshot.isDue(lastSeq: state.lastSeq, snapshotSeq: snapshotSeq) {
      writeSnapshot()
    }
    return outcomes
  }

  /// Writes the snapshot of the state now (a cache: failing to write it is not an error).
  public func writeSnapshot() {
    if Snapshot.write(state, offset: length, logPath: path) { snapshotSeq = state.lastSeq }
  }

  /// Every line of the log, read back and verified (for views and tests; the ledger keeps none).
  /// - Complexity: O(n) in the size of the log.
  public func records() throws(LedgerError) -> [EventRecord] {
    do throws(LogError) {
      return try file.readVerified().records
    } catch {
      throw .log(error)
    }
  }

  /// The line `seq` of the log, for an idempotent retry.
  func storedRecord(_ seq: Int) throws(LedgerError) -> EventRecord {
    do throws(LogError) {
      return try file.existingLine(seq: seq, within: length)
    } catch {
      throw .log(error)
    }
  }

  /// Loads the state again from the log, after commands applied to it were not written.
  private func reload() throws(LedgerError) {
    do throws(LogError) {
      let loaded = try Snapshot.load(file, usingSnapshot: usesSnapshot)
      state = loaded.state
      length = loaded.validLength
    } catch {
      throw .log(error)
    }
  }

  /// An id for a command given none: `rec-<seq>` for service records, `red-<seq>` for redemptions,
  /// `ev-<seq>` otherwise, with a suffix in the unlikely case a user already chose that key.
  static func generatedID(for event: Event, seq: Int, taken: StoredTable<String, Int>) -> String {
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
