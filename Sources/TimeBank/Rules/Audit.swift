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

/// The auditor's check: hash chain, `seq`, unique ids, then every event re-validated by the same rules
/// that wrote it, as its actor at its `seq`, and the double-entry invariants after each event.
///
/// Trusts nothing cached: it starts from the bytes.
public enum Audit {
  /// Audits a log's bytes.
  /// - Complexity: O(n) in the size of the log.
  /// - Parameter committedLength: from the batch journal (`LogFile.committedLength`), if any.
  ///   - progress: called now and then during the replay with (events replayed, events in all), so a
  ///     terminal can show how far a long audit has come; it must not touch the ledger.
  public static func run(
    _ bytes: [UInt8], committedLength: Int? = nil, expecting checkpoints: [Checkpoint] = [],
    progress: ((Int, Int) -> Void)? = nil
  ) -> AuditReport {
    var report = AuditReport(events: 0, bytes: bytes.count, headHash: LogLine.genesisHash)
    let contents: LogContents
    do {
      contents = try LogReader.verify(bytes, committedLength: committedLength)
    } catch {
      // Replay what came before the bad line, so the report still says how far the log is good.
      let good = (try? LogReader.verify(Array(bytes.prefix(upTo: offsetOfLine(error.line, in: bytes)))))
      report.events = good?.records.count ?? 0
      report.headHash = good?.headHash ?? LogLine.genesisHash
      report.failure = AuditFailure(line: error.line, seq: error.seq, problem: .chain(error.problem))
      return report
    }
    report.tornTail = contents.tornTail
    var state = LedgerState()
    for record in contents.records {
      if let progress, record.seq % 10_000 == 0 { progress(record.seq, contents.records.count) }
      let failure: AuditProblem?
      do {
        try Rules.validate(record.event, actor: record.actor, at: record.at, in: state)
        state.apply(record)
        failure = invariantProblem(in: state)
      } catch {
        failure = .rule(error)
      }
      if let failure {
        report.failure = AuditFailure(line: record.seq, seq: record.seq, problem: failure)
        break
      }
      report.events = record.seq
      report.headHash = record.hash
    }
    if report.failure == nil, let problem = systemAccountsProblem(in: state), let last = contents.records.last
    {
      report.failure = AuditFailure(line: last.seq, seq: last.seq, problem: .invariant(problem))
    }
    if report.failure == nil {
      for checkpoint in checkpoints {
        let found = checkpoint.seq <= contents.records.count ? contents.records[checkpoint.seq - 1].hash : nil
        if found != checkpoint.hash {
          let line = min(checkpoint.seq, contents.records.count + 1)
          report.failure = AuditFailure(
            line: line, seq: checkpoint.seq,
            problem: .checkpoint(seq: checkpoint.seq, expected: checkpoint.hash, found: found))
          break
        }
      }
    }
    report.issued = -state.balance(of: .issued)
    report.redeemed = state.balance(of: .redeemed)
    report.outstanding = report.issued - report.redeemed
    report.accounts = state.accounts.count
    return report
  }

  /// Checks the ledger-wide invariants, recomputed from records rather than from the running totals.
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
    var issued = Points.zero
    for record in state.records.values {
      if case .confirmed(let points) = record.status { issued += points }
    }
    guard state.balance(of: .issued) == -issued else {
      return "@issued is \(state.balance(of: .issued)), but confirmed records hold \(issued)"
    }
    var redeemed = Points.zero
    for redemption in state.redemptions.values where !redemption.isCancelled { redeemed += redemption.points }
    guard state.balance(of: .redeemed) == redeemed else {
      return "@redeemed is \(state.balance(of: .redeemed)), but open redemptions hold \(redeemed)"
    }
    return nil
  }

  private static func offsetOfLine(_ line: Int, in bytes: [UInt8]) -> Int {
    var seen = 1
    for (offset, byte) in bytes.enumerated() where byte == 0x0A {
      seen += 1
      if seen == line { return offset + 1 }
    }
    return bytes.count
  }
}
