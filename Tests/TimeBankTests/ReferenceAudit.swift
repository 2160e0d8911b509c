@testable import TimeBank

/// The audit as it was before it streamed the log: `LogReader.verify` reads and checks the whole chain
/// first, then every record is re-validated by the rules and the double-entry invariants are checked
/// by scanning every account after each event. Slow and plain, it is the reference `Audit.run` is held
/// to (FastPathTests).
///
/// One difference is intended: this reports a broken chain (hash, `seq`, `prev`, ...) even when an
/// earlier line broke a rule, where `Audit.run` reports the first bad line whatever its problem.
enum ReferenceAudit {
  /// Audits a log's bytes, the old way.
  /// - Parameter committedLength: from the batch journal (`LogFile.committedLength`), if any.
  static func run(
    _ bytes: [UInt8], committedLength: Int? = nil, expecting checkpoints: [Checkpoint] = []
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
    if report.failure == nil, let problem = systemAccountsProblem(in: state),
      let last = contents.records.last
    {
      report.failure = AuditFailure(line: last.seq, seq: last.seq, problem: .invariant(problem))
    }
    if report.failure == nil {
      for checkpoint in checkpoints {
        let found =
          checkpoint.seq <= contents.records.count ? contents.records[checkpoint.seq - 1].hash : nil
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
  static func systemAccountsProblem(in state: LedgerState) -> String? {
    var issued = Points.zero
    for record in state.records.values {
      if case .confirmed(let points) = record.status { issued += points }
    }
    guard state.balance(of: .issued) == -issued else {
      return "@issued is \(state.balance(of: .issued)), but confirmed records hold \(issued)"
    }
    var redeemed = Points.zero
    for redemption in state.redemptions.values where !redemption.isCancelled {
      redeemed += redemption.points
    }
    guard state.balance(of: .redeemed) == redeemed else {
      return "@redeemed is \(state.balance(of: .redeemed)), but open redemptions hold \(redeemed)"
    }
    return nil
  }

  /// The offset where line `line` (1-based) starts, or the end of `bytes`.
  private static func offsetOfLine(_ line: Int, in bytes: [UInt8]) -> Int {
    var seen = 1
    for (offset, byte) in bytes.enumerated() where byte == 0x0A {
      seen += 1
      if seen == line { return offset + 1 }
    }
    return bytes.count
  }
}
