import Foundation
import Synchronization
import TimeBank

/// One full audit of a log, in this process, phase by phase: read the bytes, `Audit.run` (every hash,
/// every rule, every invariant), then what every report does (verify and replay into a
/// `LedgerState`) and every report projection built once.
///
/// `timebank-bench audit PATH` runs it in a child process of `run`, so each size's peak memory
/// (`VmHWM`) is that audit's own: a process's high-water mark cannot be reset.
struct AuditProbe: Sendable {
  var events = 0
  var bytes = 0
  var readSeconds = 0.0
  var auditSeconds = 0.0
  var replaySeconds = 0.0
  var projectionSeconds = 0.0
  /// The projections one by one: `Balances.all`, `TeamStatistics`, `PartyParticipation`,
  /// `CommunitySummary`.
  var balancesSeconds = 0.0
  var teamsSeconds = 0.0
  var partySeconds = 0.0
  var communitySeconds = 0.0
  /// `VmHWM` after reading and `Audit.run`, before the replay for the reports.
  var auditPeakMemoryBytes = 0
  /// `VmHWM` at the end.
  var peakMemoryBytes = 0
  /// Something of every projection, so none of them can be optimised away.
  var checksum = 0

  var totalSeconds: Double { readSeconds + auditSeconds + replaySeconds + projectionSeconds }

  /// Audits the log at `path` and builds every report projection.
  /// - Throws: `.log` when it cannot be read, `.auditFailed` when the audit finds a problem.
  static func measure(_ path: String) throws(BenchError) -> AuditProbe {
    var probe = AuditProbe()
    var clock = Stopwatch()
    let report: AuditReport
    let state: LedgerState
    do {
      let file = try LogFile.openForReading(path)
      probe.bytes = try file.length()
      (report, state) = try Audit.run(file)
    } catch {
      throw .log(error)
    }
    probe.auditSeconds = clock.seconds
    guard report.isClean else {
      let problem = report.failure.map { "line \($0.line), seq \($0.seq): \($0.problem)" } ?? "a torn tail"
      throw .auditFailed(path: path, problem)
    }
    probe.events = report.events
    probe.auditPeakMemoryBytes = ProcessFacts.peakMemoryBytes()

    // The audit hands back the state it replayed: the reports are built from it, as the CLI's are.
    let lastAt: Timestamp?
    do {
      lastAt = try LogFile.openForReading(path).line(endingAt: probe.bytes)?.at
    } catch {
      throw .log(error)
    }
    let lastDate = lastAt.map { state.localDate(of: $0) }
    let community = CommunityLedger(name: state.community, state: state, lastEventDate: lastDate)
    let window = ReportWindow()
    let year = lastDate?.year ?? CommunityPlan.firstDate.year
    // The projections are independent reads of one state: built on both cores, team statistics on
    // one, the rest on the other. Each is timed on its own thread; the phase is their wall time.
    let timings = Mutex<[String: Double]>([:])
    let checksum = Mutex(0)
    clock = Stopwatch()
    DispatchQueue.concurrentPerform(iterations: 2) { half in
      var watch = Stopwatch()
      if half == 0 {
        let teams = TeamStatistics([community], window: window)
        timings.withLock { $0["teams"] = watch.seconds }
        checksum.withLock { $0 += teams.rows.count }
      } else {
        let balances = Balances.all(in: state)
        timings.withLock { $0["balances"] = watch.seconds }
        watch = Stopwatch()
        let party = PartyParticipation([community], window: window, year: year)
        timings.withLock { $0["party"] = watch.seconds }
        watch = Stopwatch()
        let summary = CommunitySummary([community], window: window)
        timings.withLock { $0["community"] = watch.seconds }
        checksum.withLock {
          $0 += balances.count + party.members.count + party.branches.count + summary.registeredVolunteers
        }
      }
    }
    probe.projectionSeconds = clock.seconds
    let seconds = timings.withLock { $0 }
    probe.balancesSeconds = seconds["balances"] ?? 0
    probe.teamsSeconds = seconds["teams"] ?? 0
    probe.partySeconds = seconds["party"] ?? 0
    probe.communitySeconds = seconds["community"] ?? 0
    probe.checksum = checksum.withLock { $0 }
    probe.peakMemoryBytes = ProcessFacts.peakMemoryBytes()
    return probe
  }

  var json: [String: Any] {
    [
      "events": events, "bytes": bytes, "readSeconds": readSeconds, "auditSeconds": auditSeconds,
      "replaySeconds": replaySeconds, "projectionSeconds": projectionSeconds, "totalSeconds": totalSeconds,
      "auditPeakMemoryBytes": auditPeakMemoryBytes, "peakMemoryBytes": peakMemoryBytes, "checksum": checksum,
      "balancesSeconds": balancesSeconds, "teamsSeconds": teamsSeconds, "partySeconds": partySeconds,
      "communitySeconds": communitySeconds,
    ]
  }

  init() {}

  /// Reads what a child printed.
  init?(json text: String) {
    guard let data = text.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let events = object["events"] as? Int, let bytes = object["bytes"] as? Int,
      let read = object["readSeconds"] as? Double, let audit = object["auditSeconds"] as? Double,
      let replay = object["replaySeconds"] as? Double,
      let projections = object["projectionSeconds"] as? Double,
      let auditPeak = object["auditPeakMemoryBytes"] as? Int, let peak = object["peakMemoryBytes"] as? Int
    else { return nil }
    self.events = events
    self.bytes = bytes
    readSeconds = read
    auditSeconds = audit
    replaySeconds = replay
    projectionSeconds = projections
    auditPeakMemoryBytes = auditPeak
    peakMemoryBytes = peak
    checksum = object["checksum"] as? Int ?? 0
    balancesSeconds = object["balancesSeconds"] as? Double ?? 0
    teamsSeconds = object["teamsSeconds"] as? Double ?? 0
    partySeconds = object["partySeconds"] as? Double ?? 0
    communitySeconds = object["communitySeconds"] as? Double ?? 0
  }
}
