import Dispatch
import Foundation

/// What an auditor's full replay found wrong: the first problem, where it is.
public enum AuditProblem: Equatable, Sendable {
  /// The line breaks the hash chain or cannot be read.
  case chain(LineProblem)
  /// The event is one the rules would have refused at that `seq`: not authorised, illegal state
  /// transition, overdrawn account, wrong computed points, ...
  case rule(Rejection)
  /// A ledger-wide invariant does not hold after this event.
  case invariant(String)
  /// A published checkpoint (`--expect SEQ:HASH`) does not match: the log was rewritten since, or cut
  /// short; `found` is the hash the log has at that seq, nil when it has no such seq.
  case checkpoint(seq: Int, expected: String, found: String?)
}

/// A published checkpoint an auditor expects the log to still contain: this `seq` with this hash.
public struct Checkpoint: Equatable, Sendable {
  public var seq: Int
  public var hash: String

  public init(seq: Int, hash: String) {
    self.seq = seq
    self.hash = hash
  }

  /// Parses `SEQ:HASH` (64 lowercase hex digits).
  public init?(_ text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let seq = Int(parts[0]), seq > 0, LogLine.isHex64(String(parts[1])) else {
      return nil
    }
    self.init(seq: seq, hash: String(parts[1]))
  }
}

/// The first bad line found by `audit`.
public struct AuditFailure: Equatable, Sendable {
  public var line: Int
  public var seq: Int
  public var problem: AuditProblem
}

/// The result of replaying a whole log from its first byte.
public struct AuditReport: Equatable, Sendable {
  /// Lines verified and replayed before any failure.
  public var events: Int
  public var bytes: Int
  public var headHash: String
  public var tornTail: TornTail?
  public var failure: AuditFailure?
  /// Points issued for confirmed service (less reversals), redeemed, and still held in accounts.
  public var issued = Points.zero
  public var redeemed = Points.zero
  public var outstanding = Points.zero
  public var accounts = 0

  /// Whether the log passed every check and has no torn tail.
  public var isClean: Bool { failure == nil && tornTail == nil }
}

/// How far a long audit has come, for a progress line on a terminal.
public struct AuditProgress: Equatable, Sendable {
  public var events: Int
  public var bytes: Int
  public var totalBytes: Int
}

/// The auditor's check: hash chain, `seq`, unique ids, then every event re-validated by the same rules
/// that wrote it, as its actor at its `seq`, and the double-entry invariants after each event.
///
/// Trusts nothing cached: it starts from the bytes. It streams the log (`LogStream`), so memory holds
/// the ledger's state, never the log; lines are hashed and decoded on every core.
public enum Audit {
  /// Audits a log's bytes.
  /// - Complexity: O(n) in the size of the log.
  /// - Parameter committedLength: from the batch journal (`LogFile.committedLength`), if any.
  ///   - progress: called now and then with how far the scan has come (the replay follows a few
  ///     thousand lines behind), so a terminal can show it; it must not touch the ledger.
  public static func run(
    _ bytes: [UInt8], committedLength: Int? = nil, expecting checkpoints: [Checkpoint] = [],
    progress: ((AuditProgress) -> Void)? = nil
  ) -> AuditReport {
    run(bytesCount: bytes.count, expecting: checkpoints, keepingPostings: false, progress: progress) {
      step, body in
      bytes.withUnsafeBufferPointer {
        LogStream.scan($0, committedLength: committedLength, ids: .seeded, progress: step, body)
      }
    }.report
  }

  /// Audits the log in `file`, reading it a block at a time, and returns the state it replayed too, so
  /// views built after an audit need not replay the log again.
  ///
  /// The audit checks that no id repeats by keeping a fingerprint of each (settled exactly when two
  /// match), not the ids themselves: at a million lines the ids and their `seq`s took a third of its
  /// memory. Nor does it note the lines that moved each account, which only statements read. So the
  /// state's `ids` and its accounts' `postingSeqs` are empty unless `keepingIndexes` (what a state
  /// that commands go on from would need); everything else is as a plain replay leaves it.
  /// - Throws: `LogError.io` when the file cannot be read.
  public static func run(
    _ file: LogFile, expecting checkpoints: [Checkpoint] = [], keepingIndexes: Bool = false,
    progress: ((AuditProgress) -> Void)? = nil
  ) throws(LogError) -> (report: AuditReport, state: LedgerState) {
    let length = try file.length()
    var failure: LogError?
    let result = run(
      bytesCount: length, expecting: checkpoints, keepingPostings: keepingIndexes, progress: progress
    ) { step, body in
      do throws(LogError) {
        return try LogStream.scan(file, ids: keepingIndexes ? .table : .seeded, progress: step, body)
      } catch {
        failure = error
        return LogScan()
      }
    }
    if let failure { throw failure }
    return result
  }

  private static func run(
    bytesCount: Int, expecting checkpoints: [Checkpoint], keepingPostings: Bool,
    progress: ((AuditProgress) -> Void)?, scan: (((Int) -> Void)?, (__owned EventRecord) -> Bool) -> LogScan
  ) -> (report: AuditReport, state: LedgerState) {
    var start = Replay(checkpoints: checkpoints, keepingPostings: keepingPostings)
    start.state.reserveRoom(forLogLength: bytesCount)
    let pipeline = ReplayPipeline(start)
    var events = 0
    let step: ((Int) -> Void)? = progress.map { progress in
      { bytes in progress(AuditProgress(events: events, bytes: bytes, totalBytes: bytesCount)) }
    }
    // The line is moved on to the batch: passed on without `consume`, it was copied there whole and
    // the scan's own copy destroyed (a fifth of the scanning thread's instructions).
    var result = scan(step) { (record: __owned EventRecord) -> Bool in
      events = record.seq
      pipeline.accept(consume record)
      return true
    }
    var replay = pipeline.finish()
    // The replay left the totals no rule reads to this one pass (see `LedgerState.apply`).
    replay.state.settleTotals()
    var report = AuditReport(events: replay.events, bytes: bytesCount, headHash: replay.headHash)
    swap(&replay.state.ids, &result.ids)
    let state = replay.state
    if let failure = replay.failure {
      report.failure = failure
      if result.corruption == nil { report.tornTail = result.tornTail }
    } else if let corruption = result.corruption {
      report.failure = AuditFailure(
        line: corruption.line, seq: corruption.seq, problem: .chain(corruption.problem))
    } else {
      report.tornTail = result.tornTail
      if let problem = invariantProblem(in: state) ?? systemAccountsProblem(in: state).map({ .invariant($0) }),
        replay.events > 0
      {
        report.failure = AuditFailure(line: replay.events, seq: replay.events, problem: problem)
      }
    }
    if report.failure == nil {
      for checkpoint in checkpoints {
        let found = replay.checkpointHashes[checkpoint.seq]
        if found != checkpoint.hash {
          let line = min(checkpoint.seq, replay.events + 1)
          report.failure = AuditFailure(
            line: line, seq: checkpoint.seq,
            problem: .checkpoint(seq: checkpoint.seq, expected: checkpoint.hash, found: found))
          break
        }
      }
    }
    // A log whose chain breaks has no totals to speak of: they are given only when the lines verified.
    if case .chain? = report.failure?.problem { return (report, state) }
    report.issued = -state.balance(of: .issued)
    report.redeemed = state.balance(of: .redeemed)
    report.outstanding = report.issued - report.redeemed
    report.accounts = state.accounts.count
    return (report, state)
  }

  /// The rules and invariants, event by event, over verified lines.
  private struct Replay {
    var state = LedgerState()
    var events = 0
    var headHash = LogLine.genesisHash
    var failure: AuditFailure?
    let wanted: Set<Int>
    var checkpointHashes: [Int: String] = [:]
    /// Each line's date in the ledger's zone, for the rules' "not in the future".
    var dates = LedgerState.LocalDateCache()
    /// The roles of the last line's actor: lines come in long runs by one actor (a hundred-odd runs in
    /// a hundred thousand lines of the benchmark's log), and looking the actor up in `roles` (a
    /// dictionary, hashed with `Hasher`) took a twentieth of the replay. Forgotten when the actor
    /// changes or a line changes anyone's roles.
    var grants: (actor: ActorID, grants: Set<RoleGrant>)?
    /// What the slots read ahead held, summed: nothing reads it.
    var slotsRead: UInt64 = 0

    /// Whether the accounts' posting lines are noted (see `LedgerState.apply`).
    let keepingPostings: Bool

    init(checkpoints: [Checkpoint], keepingPostings: Bool) {
      wanted = Set(checkpoints.map(\.seq))
      self.keepingPostings = keepingPostings
    }

    /// Replays one line, and says whether it passed; after the first problem it replays no more, but
    /// lets the scan read on, so the report can still say whether the log ends in a torn tail.
    ///
    /// The head's hash (`headHash`, and the state's) is set by the caller from the last line that
    /// passed, once a batch: see `LedgerState.apply(_:transfer:recordingID:keepingHead:)`.
    mutating func accept(_ record: EventRecord) -> Bool {
      guard failure == nil else { return false }
      let problem: AuditProblem?
      do {
        let today = dates.localDate(of: record.at, in: state.timeZone, named: state.timeZoneName)
        let actorGrants: Set<RoleGrant>
        if let grants, grants.actor == record.actor {
          actorGrants = grants.grants
        } else {
          actorGrants = state.roles[record.actor] ?? []
          grants = (record.actor, actorGrants)
        }
        try Rules.validate(
          record.event, actor: record.actor, grants: actorGrants, at: record.at, today: today, in: state)
        problem = Audit.applyChecked(record, to: &state, keepingPostings: keepingPostings, keepingTotals: false)
        switch record.event {
        case .ledgerOpened, .roleGranted, .roleRevoked: grants = nil
        default: break
        }
      } catch {
        problem = .rule(error)
      }
      if let problem {
        failure = AuditFailure(line: record.seq, seq: record.seq, problem: problem)
        return false
      }
      events = record.seq
      if !wanted.isEmpty && wanted.contains(record.seq) { checkpointHashes[record.seq] = record.hash }
      return true
    }
  }

  /// Lines the scan hands to the replay thread at a time: enough that the hand-over costs nothing per
  /// line, few enough to keep memory flat.
  static let replayBatchSize = 2048

  /// Lines whose slots in the large tables the replay reads ahead at a time.
  static let readAhead = 64

  /// Runs `Replay` on a thread of its own, a batch of lines behind the scan: while the rules and the
  /// fold take one batch, the scanning thread checks the next batch's chain (`seq`, `prev`, ids) and the
  /// workers decode the one after. The replay sees the same lines in the same order as if it ran inside
  /// the scan: the auditor's replay never stops the scan (after the first problem it lets the scan read
  /// on, to tell a torn tail), so nothing the scan does depends on how far the replay has come.
  ///
  /// A thread, not a dispatch queue: a long replay batch on the shared pool left the decoding workers
  /// one thread short on two cores (measured: the audit took twice as long).
  ///
  /// `accept` and `finish` are called from the scanning thread only; `replay` is touched by the replay
  /// thread only, until `finish` has waited for that thread to end.
  private final class ReplayPipeline: @unchecked Sendable {
    /// Batches waiting for the replay at most, so memory stays flat when the replay is the slower side.
    static let waitingBatches = 2
    private var replay: Replay
    private var batch: [EventRecord] = []
    /// Guards `waiting`, `finished` and `closed`.
    private let condition = NSCondition()
    private var waiting: [[EventRecord]] = []
    /// Batches the replay is done with, freed on the scanning thread (which has time to spare).
    private var finished: [[EventRecord]] = []
    private var closed = false
    private var isFinished = false
    private let ended = DispatchSemaphore(value: 0)

    init(_ replay: Replay) {
      self.replay = replay
      batch.reserveCapacity(Audit.replayBatchSize)
      let thread = Thread { [self] in
        run()
        ended.signal()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }

    func accept(_ record: consuming EventRecord) {
      batch.append(consume record)
      if batch.count == Audit.replayBatchSize { handOver() }
    }

    private func handOver() {
      guard !batch.isEmpty else { return }
      // Moved, not shared: the replay thread must hold the only reference to lend its lines out in
      // place (a shared batch would be copied whole first).
      var full: [EventRecord] = []
      swap(&full, &batch)
      batch.reserveCapacity(Audit.replayBatchSize)
      condition.lock()
      while waiting.count >= Self.waitingBatches { condition.wait() }
      waiting.append(consume full)
      var done: [[EventRecord]] = []
      swap(&done, &finished)
      condition.broadcast()
      condition.unlock()
      done.removeAll()
    }

    /// The replay thread: batches in the order they came, until the scan is over.
    private func run() {
      while true {
        condition.lock()
        while waiting.isEmpty && !closed { condition.wait() }
        guard !waiting.isEmpty else {
          condition.unlock()
          return
        }
        var records = waiting.removeFirst()
        condition.broadcast()
        condition.unlock()
        Self.replayBatch(&records, into: &replay)
        condition.lock()
        finished.append(consume records)
        condition.unlock()
      }
    }

    /// Replays a batch without copying its lines: each line is moved out of the batch, lent to the
    /// rules, and moved back, so none of the references it holds is counted up or down here (the
    /// scanning thread frees the batch later). Read in place instead, each line was copied whole
    /// first, because the compiler cannot tell that the replay does not write to the batch: about a
    /// sixth of the replay thread's time went on that copy's reference counting.
    private static func replayBatch(_ records: inout [EventRecord], into replay: inout Replay) {
      records.withUnsafeMutableBufferPointer { records in
        guard let base = records.baseAddress else { return }
        var lastPassed: Int?
        var slots: UInt64 = 0
        for index in records.indices {
          if index % Audit.readAhead == 0 {
            // The slots the next lines will look up first in the large tables, read ahead: one per
            // line, the replay waited for each in turn (a quarter of its time at 1M lines); in a short
            // loop, several are under way at once (see `LedgerState.readSlots(of:in:)`).
            let ahead = UnsafeBufferPointer(start: base + index, count: min(Audit.readAhead, records.count - index))
            slots &+= LedgerState.readSlots(of: ahead, in: replay.state)
          }
          let record = (base + index).move()
          if replay.accept(record) { lastPassed = index }
          (base + index).initialize(to: record)
        }
        if let lastPassed {
          replay.headHash = records[lastPassed].hash
          replay.state.headHash = replay.headHash
        }
        replay.slotsRead &+= slots  // kept, so that the reads are not dropped as unused
      }
    }

    /// The replay, once every line handed over has been replayed; called once, always (until then
    /// the thread waits for lines, and holds the pipeline).
    func finish() -> Replay {
      precondition(!isFinished, "a replay pipeline is finished once")
      isFinished = true
      handOver()
      condition.lock()
      closed = true
      condition.broadcast()
      condition.unlock()
      ended.wait()
      // Moved out, not copied: the thread's closure may still hold the pipeline for a moment, and a
      // copy would leave the state's tables shared (the next change to one would copy it whole).
      var result = Replay(checkpoints: [], keepingPostings: false)
      swap(&result, &replay)
      return result
    }
  }

  /// Applies one event and checks the double-entry invariants on the accounts it moved: none but
  /// `@issued` below zero, and the movements summing to zero.
  ///
  /// Only the accounts an event moves can change, so checking them after each event holds the whole
  /// ledger to the invariants that `invariantProblem` checks by scanning every account; the audit runs
  /// that full scan too, once, at the end.
  ///
  /// `keepingPostings` and `keepingTotals` as in `LedgerState.apply`.
  static func applyChecked(
    _ record: EventRecord, to state: inout LedgerState, keepingPostings: Bool = true, keepingTotals: Bool = true
  ) -> AuditProblem? {
    guard let transfer = state.transfer(for: record.event) else {
      state.apply(record, transfer: nil, recordingID: false, keepingHead: false, keepingTotals: keepingTotals)
      return nil
    }
    let posted = state.apply(
      record, transfer: transfer, recordingID: false, keepingHead: false, keepingPostings: keepingPostings,
      keepingTotals: keepingTotals)
    guard let posted else { return nil }
    let (before, after) = (posted.before, posted.after)
    if transfer.from != .issued && after.from < .zero {
      return .invariant("account \(transfer.from) is below zero (\(after.from))")
    }
    if transfer.to != .issued && after.to < .zero {
      return .invariant("account \(transfer.to) is below zero (\(after.to))")
    }
    let sum = (after.from - before.from) + (after.to - before.to)
    guard sum == .zero else {
      return .invariant("this event's postings sum to \(sum), not zero")
    }
    return nil
  }

  /// Checks the ledger-wide invariants by scanning every account.
  /// - Complexity: O(a) in the number of accounts.
  static func invariantProblem(in state: LedgerState) -> AuditProblem? {
    var sum = Points.zero
    for (account, totals) in state.accounts {
      sum += totals.balance
      if account != .issued && totals.balance < .zero {
        return .invariant("account \(account) is below zero (\(totals.balance))")
      }
    }
    guard sum == .zero else { return .invariant("balances sum to \(sum), not zero") }
    return nil
  }

  /// Checks, once at the end, that the system accounts agree with the records they summarise.
  public static func systemAccountsProblem(in state: LedgerState) -> String? {
    // Read in place: copying each of hundreds of thousands of records out cost more than the sums.
    var issued = Points.zero
    state.records.forEachValue { record in
      if case .confirmed(let points) = record.status { issued += points }
    }
    guard state.balance(of: .issued) == -issued else {
      return "@issued is \(state.balance(of: .issued)), but confirmed records hold \(issued)"
    }
    var redeemed = Points.zero
    state.redemptions.forEachValue { redemption in
      if !redemption.isCancelled { redeemed += redemption.points }
    }
    guard state.balance(of: .redeemed) == redeemed else {
      return "@redeemed is \(state.balance(of: .redeemed)), but open redemptions hold \(redeemed)"
    }
    return nil
  }
}
