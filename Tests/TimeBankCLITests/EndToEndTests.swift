import Foundation
import Testing

// End-to-end tests: every test runs the built `timebank` binary (see BinaryRunner.swift) and checks
// its stdout, stderr and exit code, and what it did to the log file's bytes.
//
// Expected values are written out by hand, or computed here from the inputs (hours, the policy, the
// amounts moved), never copied from the program's own output without checking.

// MARK: - Fixed inputs

/// The clock every test pins with TIMEBANK_NOW: 18:00 on 30 June 2025 in Shanghai.
private let fixedNow = "2025-06-30T18:00:00+08:00"
/// The log file, relative to each test's own temporary working directory, so outputs name a stable path.
private let logName = "tb.jsonl"

// MARK: - Helpers

/// Runs `body` in a new, empty temporary directory, and removes the directory afterwards.
private func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("timebank-e2e-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory)
}

/// Runs `timebank` in `directory` with TIMEBANK_ACTOR and TIMEBANK_NOW set when given.
private func timebank(
  _ arguments: [String], in directory: URL, actor: String? = nil, now: String? = fixedNow,
  environment: [String: String] = [:]
) throws -> BinaryRun {
  var variables = environment
  if let actor { variables["TIMEBANK_ACTOR"] = actor }
  if let now { variables["TIMEBANK_NOW"] = now }
  return try BinaryRunner.run(arguments, environment: variables, directory: directory)
}

private func bytes(of url: URL) throws -> Data { try Data(contentsOf: url) }

/// Points for `minutes` of service at `rate` hundredths of a point per hour, in hundredths, rounded
/// half away from zero (DESIGN.md: "half away from zero on 0.01").
private func points(minutes: Int, rate: Int = 100) -> Int { (minutes * rate * 2 + 60) / 120 }

/// Hundredths of a point written the way the ledger writes points: `2.50`, `-7.00`.
private func pointsText(_ hundredths: Int) -> String {
  let magnitude = abs(hundredths)
  let cents = magnitude % 100
  return (hundredths < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
}

/// Minutes as hours with one decimal, rounded half away from zero: 150 -> `2.5`.
private func hoursText(_ minutes: Int) -> String {
  let tenths = (minutes + 3) / 6
  return "\(tenths / 10).\(tenths % 10)"
}

/// Parses `12.50` or `-3.00` into hundredths.
private func hundredths(_ text: String) -> Int? {
  let negative = text.hasPrefix("-")
  let parts = text.drop(while: { $0 == "-" || $0 == "+" }).split(
    separator: ".", omittingEmptySubsequences: false)
  guard parts.count == 2, parts[1].count == 2, let whole = Int(parts[0]), let cents = Int(parts[1]) else {
    return nil
  }
  return (negative ? -1 : 1) * (whole * 100 + cents)
}

/// The lines of a log file, without their `\n`.
private func lines(of data: Data) -> [[UInt8]] {
  var result = Array(data).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
  if result.last?.isEmpty == true { result.removeLast() }
  return result
}

/// The value of `"hash"` at the end of a log line.
private func storedHash(of line: [UInt8]) -> String {
  let text = String(decoding: line, as: UTF8.self)
  guard let range = text.range(of: ",\"hash\":\"") else { return "" }
  return String(text[range.upperBound...].prefix(64))
}

// MARK: - The coordinator's session

/// One command of a scripted session: who runs it, the words, and what it must print.
private struct SessionStep: Sendable, CustomStringConvertible {
  var actor: String
  var arguments: [String]
  var stdout: String

  init(_ actor: String, _ arguments: [String], _ stdout: String) {
    self.actor = actor
    self.arguments = arguments
    self.stdout = stdout
  }

  var description: String { "[\(actor)] timebank \(arguments.joined(separator: " "))" }
}

/// What running a session produced.
private struct SessionRecording: Sendable {
  var transcript: [BinaryRun]
  var log: Data
}

private struct SessionFailure: Error, CustomStringConvertible {
  var description: String
}

/// A coordinator's walk-through of a small community, run once for the whole suite with TIMEBANK_LOG,
/// TIMEBANK_ACTOR and TIMEBANK_NOW. Later tests start from a copy of the log it writes.
///
/// What it leaves, worked out by hand (policy: the default 1.00 point per hour):
/// - m1 张三 (party member, branch b1): s1 2.5 h confirmed (2.50 points), s3 rejected, s4 2.0 h
///   confirmed with its 2.00 points credited to card:tax, s6 3.0 h pending (3.00). Gave 1.00 to m3,
///   redeemed one soap (1.00). Balance 0.50, hours 4.5.
/// - m2 Ann Lee: rec-18 1.5 h (1.50), s5 2.0 h confirmed then reversed, s5b 1.0 h (1.00) replacing
///   it. Gave 0.50 to card:yard3; two haircuts (1.00) redeemed, then cancelled. Balance 2.00, hours 2.5.
/// - m3 欧阳娜娜: received 1.00. card:tax 2.00 earned, 1.00 redeemed. card:yard3 0.50.
private enum Walkthrough {
  static let steps: [SessionStep] = [
    SessionStep(
      "admin", ["init", "--community", "幸福里社区"], "created tb.jsonl for 幸福里社区; admin is its admin\n"),
    SessionStep(
      "admin", ["team", "add", "elder", "--name", "助老服务队"], "recorded team.created ev-2 at seq 2\n"),
    SessionStep(
      "admin", ["team", "add", "arts", "--name", "夕阳红文艺队", "--kind", "self-org"],
      "recorded team.created ev-3 at seq 3\n"),
    SessionStep(
      "admin", ["branch", "add", "b1", "--name", "第一党支部"], "recorded branch.created ev-4 at seq 4\n"),
    SessionStep("admin", ["role", "grant", "zhao", "coordinator"], "recorded role.granted ev-5 at seq 5\n"),
    SessionStep(
      "admin", ["role", "grant", "li", "coordinator", "--scope", "team:elder"],
      "recorded role.granted ev-6 at seq 6\n"),
    SessionStep(
      "admin", ["role", "grant", "wang", "secretary", "--scope", "branch:b1"],
      "recorded role.granted ev-7 at seq 7\n"),
    SessionStep(
      "zhao", ["member", "add", "m1", "--name", "张三", "--party", "--branch", "b1", "--joined", "2025-01-01"],
      "recorded member.registered ev-8 at seq 8\n"),
    SessionStep(
      "zhao", ["member", "add", "m2", "--name", "Ann Lee", "--joined", "2025-01-01"],
      "recorded member.registered ev-9 at seq 9\n"),
    // The --name=value form.
    SessionStep(
      "zhao", ["member", "add", "m3", "--name=欧阳娜娜", "--joined=2025-02-01"],
      "recorded member.registered ev-10 at seq 10\n"),
    SessionStep("zhao", ["team", "join", "elder", "m1"], "recorded team.joined ev-11 at seq 11\n"),
    SessionStep("zhao", ["team", "join", "elder", "m2"], "recorded team.joined ev-12 at seq 12\n"),
    SessionStep("zhao", ["team", "join", "arts", "m3"], "recorded team.joined ev-13 at seq 13\n"),
    SessionStep(
      "admin",
      ["card", "open", "tax", "--name", "区税务局党组织储蓄卡", "--kind", "party-org", "--holder", "区税务局机关党委"],
      "recorded card.opened ev-14 at seq 14\n"),
    SessionStep(
      "admin", ["card", "open", "shop", "--name", "便民超市企业卡", "--kind", "enterprise", "--holder", "幸福里便民超市"],
      "recorded card.opened ev-15 at seq 15\n"),
    SessionStep(
      "admin", ["card", "open", "yard3", "--name", "3号院院落集体卡", "--kind", "courtyard", "--holder", "3号院居民"],
      "recorded card.opened ev-16 at seq 16\n"),
    SessionStep(
      "zhao",
      [
        "service", "record", "m1", "--hours", "2.5", "--date", "2025-06-01", "--category", "陪诊", "--team",
        "elder",
        "--served", "3", "--place", "幸福里3号院", "--id", "s1",
      ],
      "recorded service.recorded s1 at seq 17\n  record s1: m1 2025-06-01 2.5 h 陪诊, pending\n"),
    // No --id: the record's id is generated and printed.
    SessionStep(
      "zhao",
      [
        "service", "record", "m2", "--minutes", "90", "--date", "2025-06-02", "--category", "助老", "--team",
        "elder",
        "--served", "1",
      ],
      "recorded service.recorded rec-18 at seq 18\n  record rec-18: m2 2025-06-02 1.5 h 助老, pending\n"),
    // --actor wins over TIMEBANK_ACTOR (zhao recorded s1 and could not confirm it).
    SessionStep(
      "zhao", ["service", "confirm", "s1", "--actor", "li"],
      "recorded service.confirmed ev-19 at seq 19\n  2.50 points to member:m1; 2.5 h to m1\n"),
    SessionStep(
      "li", ["service", "confirm", "rec-18"],
      "recorded service.confirmed ev-20 at seq 20\n  1.50 points to member:m2; 1.5 h to m2\n"),
    SessionStep(
      "li",
      ["service", "record", "m1", "--hours", "1", "--date", "2025-06-03", "--category", "助老", "--id", "s3"],
      "recorded service.recorded s3 at seq 21\n  record s3: m1 2025-06-03 1.0 h 助老, pending\n"),
    SessionStep(
      "zhao", ["service", "reject", "s3", "--reason", "签到表上没有此人"],
      "recorded service.rejected ev-22 at seq 22\n"),
    SessionStep(
      "zhao",
      [
        "service", "record", "m1", "--hours", "2", "--date", "2025-06-05", "--category", "助老",
        "--credit-to", "card:tax", "--id", "s4",
      ],
      "recorded service.recorded s4 at seq 23\n  record s4: m1 2025-06-05 2.0 h 助老, pending\n"),
    // The branch secretary confirms a party member's record.
    SessionStep(
      "wang", ["service", "confirm", "s4"],
      "recorded service.confirmed ev-24 at seq 24\n  2.00 points to card:tax; 2.0 h to m1\n"),
    SessionStep(
      "zhao",
      [
        "service", "record", "m2", "--hours", "2", "--date", "2025-06-08", "--category", "助老", "--team",
        "elder",
        "--id", "s5",
      ],
      "recorded service.recorded s5 at seq 25\n  record s5: m2 2025-06-08 2.0 h 助老, pending\n"),
    SessionStep(
      "li", ["service", "confirm", "s5"],
      "recorded service.confirmed ev-26 at seq 26\n  2.00 points to member:m2; 2.0 h to m2\n"),
    SessionStep(
      "li", ["service", "reverse", "s5", "--reason", "时长登记错误，应为1小时"],
      "recorded service.reversed ev-27 at seq 27\n"),
    SessionStep(
      "zhao",
      [
        "service", "record", "m2", "--hours", "1", "--date", "2025-06-08", "--category", "助老", "--team",
        "elder",
        "--replaces", "s5", "--id", "s5b",
      ],
      "recorded service.recorded s5b at seq 28\n  record s5b: m2 2025-06-08 1.0 h 助老, pending\n"),
    SessionStep(
      "li", ["service", "confirm", "s5b"],
      "recorded service.confirmed ev-29 at seq 29\n  1.00 points to member:m2; 1.0 h to m2\n"),
    SessionStep(
      "zhao",
      [
        "service", "record", "m1", "--hours", "3", "--date", "2025-06-20", "--category", "助老", "--team",
        "elder",
        "--id", "s6",
      ],
      "recorded service.recorded s6 at seq 30\n  record s6: m1 2025-06-20 3.0 h 助老, pending\n"),
    // m1 has 2.50; m2 has 1.50 + 2.00 - 2.00 + 1.00 = 2.50.
    SessionStep(
      "m1", ["transfer", "m1", "m3", "1.00", "--memo", "赠送给邻居"],
      "recorded points.transferred ev-31 at seq 31\n"
        + "  1.00 points from member:m1 (now 1.50) to member:m3 (now 1.00)\n"),
    SessionStep(
      "m2", ["transfer", "member:m2", "card:yard3", "0.50", "--memo", "捐给3号院集体"],
      "recorded points.transferred ev-32 at seq 32\n"
        + "  0.50 points from member:m2 (now 2.00) to card:yard3 (now 0.50)\n"),
    SessionStep(
      "admin",
      ["reward", "add", "soap", "--name", "洗衣皂", "--kind", "goods", "--price", "1", "--stock", "10"],
      "recorded reward.listed ev-33 at seq 33\n"),
    SessionStep(
      "admin",
      ["reward", "add", "haircut", "--name", "理发服务", "--kind", "service", "--price", "0.50", "--stock", "5"],
      "recorded reward.listed ev-34 at seq 34\n"),
    SessionStep(
      "m1", ["redeem", "m1", "soap"],
      "recorded reward.redeemed red-35 at seq 35\n"
        + "  1.00 points from member:m1 (now 0.50); redemption id red-35\n"
    ),
    // A coordinator hands out for a member: 2 × 0.50.
    SessionStep(
      "zhao", ["redeem", "m2", "haircut", "--qty", "2"],
      "recorded reward.redeemed red-36 at seq 36\n"
        + "  1.00 points from member:m2 (now 1.00); redemption id red-36\n"
    ),
    SessionStep(
      "admin", ["redeem", "card:tax", "soap"],
      "recorded reward.redeemed red-37 at seq 37\n"
        + "  1.00 points from card:tax (now 1.00); redemption id red-37\n"
    ),
    SessionStep(
      "zhao", ["redemption", "cancel", "red-36", "--reason", "库存登记错误，退回积分"],
      "recorded redemption.cancelled ev-38 at seq 38\n"),
  ]

  /// The session, run once (in its own directory, removed afterwards) for every test that needs it.
  static let recording: Result<SessionRecording, SessionFailure> = record()

  private static func record() -> Result<SessionRecording, SessionFailure> {
    do {
      return .success(
        try withTemporaryDirectory { directory in
          var transcript: [BinaryRun] = []
          for step in steps {
            transcript.append(
              try timebank(
                step.arguments, in: directory, actor: step.actor, environment: ["TIMEBANK_LOG": logName]))
          }
          return SessionRecording(
            transcript: transcript, log: try bytes(of: directory.appendingPathComponent(logName)))
        })
    } catch {
      return .failure(SessionFailure(description: "the walk-through could not be run: \(error)"))
    }
  }

  /// Writes the walk-through's log to `tb.jsonl` in `directory` and returns its bytes.
  @discardableResult
  static func install(in directory: URL) throws -> Data {
    let log = try recording.get().log
    try log.write(to: directory.appendingPathComponent(logName))
    return log
  }
}

/// A read-only view of the walk-through's ledger and the golden file holding its expected output.
struct WalkthroughView: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  var golden: String

  var testDescription: String { "timebank " + arguments.joined(separator: " ") }

  static let tables: [WalkthroughView] = [
    WalkthroughView(arguments: ["balance"], golden: "walkthrough-balance.txt"),
    WalkthroughView(arguments: ["balance", "m1"], golden: "walkthrough-balance-m1.txt"),
    WalkthroughView(arguments: ["statement", "m2"], golden: "walkthrough-statement-m2.txt"),
    WalkthroughView(arguments: ["member", "list"], golden: "walkthrough-member-list.txt"),
    WalkthroughView(arguments: ["service", "list"], golden: "walkthrough-service-list.txt"),
    WalkthroughView(arguments: ["card", "list"], golden: "walkthrough-card-list.txt"),
    WalkthroughView(arguments: ["reward", "list"], golden: "walkthrough-reward-list.txt"),
    WalkthroughView(arguments: ["log", "--tail", "5"], golden: "walkthrough-log-tail-5.txt"),
    WalkthroughView(arguments: ["audit"], golden: "walkthrough-audit.txt"),
    WalkthroughView(arguments: ["balance", "--format", "json"], golden: "walkthrough-balance-json.txt"),
    WalkthroughView(arguments: ["balance", "--format", "csv"], golden: "walkthrough-balance-csv.txt"),
    WalkthroughView(
      arguments: ["statement", "m2", "--format", "csv"], golden: "walkthrough-statement-m2-csv.txt"),
  ]
}

/// A command the rules must refuse on the walk-through's ledger, with the exact error it must print.
struct RefusalCase: Sendable, CustomTestStringConvertible {
  var name: String
  var actor: String
  var arguments: [String]
  var stderr: String
  var now = fixedNow
  /// Commands run first (each must succeed); the log after them is the one that must stay unchanged.
  fileprivate var setUp: [SessionStep] = []

  var testDescription: String { name }

  static let all: [RefusalCase] = [
    RefusalCase(
      name: "four eyes: confirming a record one recorded", actor: "zhao",
      arguments: ["service", "confirm", "s7"],
      stderr:
        "error: refused: 'zhao' recorded s7 and so may not confirm it; someone else must"
        + " [rule: four eyes]\n",
      setUp: [
        SessionStep(
          "zhao",
          [
            "service", "record", "m1", "--hours", "1", "--date", "2025-06-21", "--category", "助老", "--team",
            "elder", "--id", "s7",
          ],
          "recorded service.recorded s7 at seq 39\n  record s7: m1 2025-06-21 1.0 h 助老, pending\n")
      ]),
    RefusalCase(
      name: "four eyes: a coordinator recording their own service", actor: "m2",
      arguments: ["service", "record", "m2", "--hours", "1", "--date", "2025-06-21", "--category", "助老"],
      stderr: "error: refused: 'm2' may not record or confirm service of m2, their own [rule: four eyes]\n",
      setUp: [
        SessionStep(
          "admin", ["role", "grant", "m2", "coordinator"], "recorded role.granted ev-39 at seq 39\n")
      ]),
    RefusalCase(
      name: "not authorised: a team coordinator outside their team", actor: "li",
      arguments: ["service", "record", "m3", "--hours", "1", "--date", "2025-06-21", "--category", "文艺演出"],
      stderr: "error: refused: 'li' may not record service: that needs the role coordinator for one of the"
        + " member's teams [rule: authorisation]\n"),
    RefusalCase(
      name: "not authorised: a member registering members", actor: "m2",
      arguments: ["member", "add", "m9", "--name", "李四", "--joined", "2025-06-01"],
      stderr: "error: refused: 'm2' may not register members: that needs the role admin or coordinator"
        + " [rule: authorisation]\n"),
    RefusalCase(
      name: "not authorised: a coordinator opening a card", actor: "zhao",
      arguments: ["card", "open", "c9", "--name", "新卡", "--kind", "courtyard", "--holder", "5号院"],
      stderr: "error: refused: 'zhao' may not open cards: that needs the role admin"
        + " [rule: authorisation]\n"),
    RefusalCase(
      name: "account holder: spending another member's points", actor: "m3",
      arguments: ["transfer", "m1", "m3", "0.50"],
      stderr:
        "error: refused: 'm3' may not spend from member:m1: only its member may [rule: account holder]\n"),
    // m1 has 2.50 earned - 1.00 given - 1.00 redeemed.
    RefusalCase(
      name: "insufficient points for a transfer", actor: "m1", arguments: ["transfer", "m1", "m2", "100"],
      stderr:
        "error: refused: insufficient points: member:m1 has \(pointsText(250 - 100 - 100)), needs 100.00 [rule: no overdraft]\n"
    ),
    // m3 has the 1.00 m1 gave; two soaps cost 2 × 1.00.
    RefusalCase(
      name: "insufficient points for a redemption", actor: "m3",
      arguments: ["redeem", "m3", "soap", "--qty", "2"],
      stderr:
        "error: refused: insufficient points: member:m3 has 1.00, needs \(pointsText(2 * 100)) [rule: no overdraft]\n"
    ),
    RefusalCase(
      name: "a service date in the future", actor: "zhao",
      arguments: ["service", "record", "m1", "--hours", "1", "--date", "2025-07-01", "--category", "助老"],
      stderr:
        "error: refused: date 2025-07-01 is in the future"
        + " (today is 2025-06-30 in the ledger's time zone) [rule: no future dates]\n"),
    // 15:59:59Z is 23:59:59 in Shanghai: still 30 June there.
    RefusalCase(
      name: "a service date in the future in the ledger's time zone", actor: "zhao",
      arguments: ["service", "record", "m1", "--hours", "1", "--date", "2025-07-01", "--category", "助老"],
      stderr:
        "error: refused: date 2025-07-01 is in the future"
        + " (today is 2025-06-30 in the ledger's time zone) [rule: no future dates]\n",
      now: "2025-06-30T15:59:59Z"),
    // m1 already has s1's 150 minutes on 1 June; 600 more make 750, over the default cap of 12 h.
    RefusalCase(
      name: "the daily cap", actor: "zhao",
      arguments: ["service", "record", "m1", "--hours", "10", "--date", "2025-06-01", "--category", "助老"],
      stderr:
        "error: refused: m1 would have \(150 + 600) minutes recorded on 2025-06-01 (150 already + 600 new),"
        + " over the daily cap of \(12 * 60) minutes (12.0 h) [rule: daily cap]\n"),
    RefusalCase(
      name: "the same --id with other content", actor: "zhao",
      arguments: [
        "service", "record", "m1", "--hours", "3", "--date", "2025-06-01", "--category", "陪诊", "--team",
        "elder",
        "--served", "3", "--place", "幸福里3号院", "--id", "s1",
      ],
      stderr:
        "error: refused: id 's1' was already used at seq 17 with different content:"
        + " minutes was 150, now 180 [rule: idempotency]\n"
    ),
    RefusalCase(
      name: "the same --id from another actor", actor: "li",
      arguments: [
        "service", "record", "m1", "--hours", "2.5", "--date", "2025-06-01", "--category", "陪诊", "--team",
        "elder", "--served", "3", "--place", "幸福里3号院", "--id", "s1",
      ],
      stderr:
        "error: refused: id 's1' was already used at seq 17 with different content:"
        + " actor was zhao, now li [rule: idempotency]\n"),
    RefusalCase(
      name: "confirming a confirmed record", actor: "wang", arguments: ["service", "confirm", "s1"],
      stderr: "error: refused: cannot confirm s1: it is confirmed [rule: record states]\n"),
  ]
}

/// A command line that is wrong as written: exit 64, the message, then the usage line.
struct UsageCase: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  var stderr: String

  var testDescription: String { "timebank " + arguments.joined(separator: " ") }

  private static let recordUsage = """
    Usage: timebank service record <member> --date <date> --category <category> [<options>]
      See 'timebank service record --help'.

    """

  static let all: [UsageCase] = [
    UsageCase(
      arguments: ["service"],
      stderr: """
        error: missing subcommand for 'timebank service'; expected one of: record, confirm, reject, \
        reverse, list
        Usage: timebank service <subcommand>
          See 'timebank service --help'.

        """),
    UsageCase(
      arguments: ["member"],
      stderr: """
        error: missing subcommand for 'timebank member'; expected one of: add, change, leave, list, show
        Usage: timebank member <subcommand>
          See 'timebank member --help'.

        """),
    UsageCase(
      arguments: [
        "service", "record", "m1", "--huors", "2", "--date", "2025-06-01", "--category", "助老",
      ],
      stderr: "error: unknown option '--huors'. Did you mean '--hours'?\n" + recordUsage),
    UsageCase(
      arguments: ["service", "record", "m1", "--hours", "2", "--category", "助老", "--date"],
      stderr: "error: missing value for '--date <date>'\n" + recordUsage),
    UsageCase(
      arguments: ["service", "record", "m1", "--date", "--hours", "2", "--category", "助老"],
      stderr: "error: missing value for '--date <date>'\n" + recordUsage),
    UsageCase(
      arguments: [
        "service", "record", "m1", "m2", "--hours", "2", "--date", "2025-06-01", "--category", "助老",
      ],
      stderr: "error: unexpected argument 'm2'\n" + recordUsage),
    UsageCase(
      arguments: ["service", "record", "m1", "--date", "2025-06-01", "--category", "助老"],
      stderr: "error: missing option '--hours <hours>'\n" + recordUsage),
    UsageCase(
      arguments: ["service", "record", "m1", "--hours", "2", "--date", "2025-02-30", "--category", "助老"],
      stderr: "error: invalid value '2025-02-30' for '--date <date>': expected a real date as YYYY-MM-DD\n"
        + recordUsage),
    UsageCase(
      arguments: ["servce", "list"],
      stderr: """
        error: unknown command 'servce'. Did you mean 'service'?
        Usage: timebank <subcommand>
          See 'timebank --help'.

        """),
    UsageCase(
      arguments: ["service", "confrim", "s1"],
      stderr: """
        error: unknown command 'confrim'. Did you mean 'confirm'?
        Usage: timebank service <subcommand>
          See 'timebank service --help'.

        """),
    UsageCase(
      arguments: ["transfer", "m1", "m2"],
      stderr: """
        error: missing argument '<points>'
        Usage: timebank transfer <from> <to> <points> [<options>]
          See 'timebank transfer --help'.

        """),
    // After `--`, words that look like options are positionals: here a fourth one.
    UsageCase(
      arguments: ["transfer", "m1", "m2", "1", "--", "--memo"],
      stderr: """
        error: unexpected argument '--memo'
        Usage: timebank transfer <from> <to> <points> [<options>]
          See 'timebank transfer --help'.

        """),
  ]
}

// MARK: - The suite

@Suite struct EndToEndTests {
  // MARK: Version and help

  @Test func version() throws {
    try withTemporaryDirectory { directory in
      let run = try timebank(["--version"], in: directory)
      #expect(run.exitCode == 0)
      #expect(run.stdout == "timebank 0.1.0\n")
      #expect(run.stderr == "")
    }
  }

  @Test(arguments: [
    (["--help"], "help-root.txt"), (["-h"], "help-root.txt"),
    (["service", "record", "--help"], "help-service-record.txt"),
    (["service", "record", "-h"], "help-service-record.txt"),
    (["service", "record", "m1", "--hours", "2", "--help"], "help-service-record.txt"),
    (["transfer", "--help"], "help-transfer.txt"),
  ])
  func help(arguments: [String], golden: String) throws {
    try withTemporaryDirectory { directory in
      let run = try timebank(arguments, in: directory)
      #expect(run.exitCode == 0)
      #expect(run.stderr == "")
      Golden.check(run.stdout, against: golden)
    }
  }

  @Test(
    arguments: [
      (["help"], "help-root.txt"), (["help", "service", "record"], "help-service-record.txt"),
      (["help", "transfer"], "help-transfer.txt"),
    ])
  func helpCommand(arguments: [String], golden: String) throws {
    try withTemporaryDirectory { directory in
      let run = try timebank(arguments, in: directory)
      #expect(run.exitCode == 0)
      #expect(run.stderr == "")
      Golden.check(run.stdout, against: golden)
    }
  }

  // MARK: Usage errors

  @Test(arguments: UsageCase.all)
  func usageError(_ usage: UsageCase) throws {
    try withTemporaryDirectory { directory in
      let run = try timebank(usage.arguments, in: directory, actor: "zhao")
      #expect(run.exitCode == 64)
      #expect(run.stdout == "")
      #expect(run.stderr == usage.stderr)
      // Nothing was created: a usage error never reaches the log.
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }
  }

  @Test func badFormatIsAUsageError() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let run = try timebank(["balance", "--format", "xml", "--log", logName], in: directory)
      #expect(run.exitCode == 64)
      #expect(run.stdout == "")
      #expect(
        run.stderr == """
          error: invalid value 'xml' for '--format <format>': expected table, json or csv
          Usage: timebank balance [<account>] [<options>]
            See 'timebank balance --help'.

          """)
    }
  }

  @Test func badViewOptionsAreUsageErrorsEvenWithoutALog() throws {
    try withTemporaryDirectory { directory in
      for arguments in [["balance", "--format", "xml"], ["balance", "--as-of", "2025-02-30"]] {
        let run = try timebank(arguments, in: directory)
        #expect(run.exitCode == 64, "\(arguments)")
        #expect(
          run.stderr.hasPrefix("error: invalid value '\(arguments[2])' for '--\(arguments[1].dropFirst(2))"))
      }
    }
  }

  @Test func impossibleDatesAreUsageErrorsNamingTheOptionAndValue() throws {
    try withTemporaryDirectory { directory in
      let log = try Walkthrough.install(in: directory)
      let record = try timebank(
        ["service", "record", "m1", "--hours", "1", "--date", "2025-02-30", "--category", "助老"],
        in: directory, actor: "zhao", environment: ["TIMEBANK_LOG": logName])
      #expect(record.exitCode == 64)
      #expect(record.stdout == "")
      #expect(
        record.stderr.hasPrefix(
          "error: invalid value '2025-02-30' for '--date <date>': expected a real date as YYYY-MM-DD\n"))
      let balance = try timebank(["balance", "--as-of", "2025-02-30", "--log", logName], in: directory)
      #expect(balance.exitCode == 64)
      #expect(
        balance.stderr == """
          error: invalid value '2025-02-30' for '--as-of <date>': expected a real date as YYYY-MM-DD
          Usage: timebank balance [<account>] [<options>]
            See 'timebank balance --help'.

          """)
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == log)
    }
  }

  @Test func optionsAcceptNameEqualsValue() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let equals = try timebank(["balance", "m1", "--format=csv", "--log=\(logName)"], in: directory)
      let spaced = try timebank(["balance", "m1", "--format", "csv", "--log", logName], in: directory)
      #expect(equals.exitCode == 0)
      #expect(equals.stderr == "")
      #expect(
        equals.stdout
          == "account,name,balance,pending,earned,received,sent,redeemed,hours,stars\n"
          + "member:m1,张三,0.50,3.00,2.50,0.00,1.00,1.00,4.5,0\n")
      #expect(spaced.stdout == equals.stdout)
    }
  }

  @Test func doubleDashEndsOptions() throws {
    try withTemporaryDirectory { directory in
      let log = try Walkthrough.install(in: directory)
      // `--format` after `--` is the account, not the option.
      let view = try timebank(["balance", "--log", logName, "--", "--format"], in: directory)
      #expect(view.exitCode == 64)
      #expect(
        view.stderr == """
          error: invalid value '--format' for '<account>': expected a member id, member:<id>, card:<id>, \
          @issued or @redeemed
          Usage: timebank balance [<account>] [<options>]
            See 'timebank balance --help'.

          """)
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == log)
      // Options before `--`, positionals after it.
      let transfer = try timebank(
        ["transfer", "--log", logName, "--memo", "谢谢", "--", "m1", "m3", "0.50"], in: directory, actor: "m1")
      #expect(transfer.exitCode == 0)
      #expect(transfer.stderr == "")
      #expect(
        transfer.stdout
          == "recorded points.transferred ev-39 at seq 39\n"
          + "  0.50 points from member:m1 (now \(pointsText(50 - 50)))"
          + " to member:m3 (now \(pointsText(100 + 50)))\n"
      )
    }
  }

  // MARK: The coordinator's walk-through

  @Test func coordinatorWalkthrough() throws {
    let recording = try Walkthrough.recording.get()
    #expect(recording.transcript.count == Walkthrough.steps.count)
    for (step, run) in zip(Walkthrough.steps, recording.transcript) {
      #expect(run.exitCode == 0, "\(step)\n\(run)")
      #expect(run.stdout == step.stdout, "\(step)")
      #expect(run.stderr == "", "\(step)")
    }
    // The record given no --id got one, printed, and that is the id later confirmed.
    let recorded = try #require(Walkthrough.steps.firstIndex { $0.arguments.contains("--minutes") })
    let printed = recording.transcript[recorded].stdout
      .split(separator: " ").dropFirst(2).first.map(String.init)
    #expect(printed == "rec-18")
    #expect(Walkthrough.steps.contains { $0.arguments == ["service", "confirm", "rec-18"] })
    // One line per step, seq 1... in order, each ending in "\n" and chained to the one before.
    let logLines = lines(of: recording.log)
    #expect(recording.log.last == 0x0A)
    #expect(logLines.count == Walkthrough.steps.count)
    var previous = String(repeating: "0", count: 64)
    for (index, line) in logLines.enumerated() {
      let text = String(decoding: line, as: UTF8.self)
      #expect(text.hasPrefix("{\"seq\":\(index + 1),"), "line \(index + 1)")
      #expect(text.contains(",\"prev\":\"\(previous)\",\"hash\":\""), "line \(index + 1)")
      previous = storedHash(of: line)
    }
    // Chinese is stored as UTF-8, not escaped, so `grep 张三` finds it.
    #expect(String(decoding: recording.log, as: UTF8.self).contains("\"name\":\"张三\""))
  }

  @Test(arguments: WalkthroughView.tables)
  func walkthroughView(_ view: WalkthroughView) throws {
    try withTemporaryDirectory { directory in
      let log = try Walkthrough.install(in: directory)
      let run = try timebank(view.arguments + ["--log", logName], in: directory, actor: nil, now: nil)
      #expect(run.exitCode == 0)
      #expect(run.stderr == "")
      Golden.check(run.stdout, against: view.golden)
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == log, "a view never writes")
    }
  }

  /// The balances follow from the hours, the policy and the amounts moved, computed here.
  @Test func walkthroughBalancesFollowFromHoursAndPolicy() throws {
    // The default policy: 1.00 point per hour whatever the category.
    let s1 = points(minutes: 150)  // m1, confirmed
    let rec18 = points(minutes: 90)  // m2, confirmed
    let s4 = points(minutes: 120)  // m1's hours, points credited to card:tax
    let s5 = points(minutes: 120)  // m2, confirmed, then reversed
    let s5b = points(minutes: 60)  // m2, the correction
    let s6 = points(minutes: 180)  // m1, still pending
    #expect([s1, rec18, s4, s5, s5b, s6] == [250, 150, 200, 200, 100, 300] as [Int])
    let gift = 100  // m1 to m3
    let donation = 50  // m2 to card:yard3
    let soap = 100
    let haircuts = 2 * 50  // redeemed for m2, then cancelled
    let issued = s1 + rec18 + s4 + s5 - s5 + s5b
    let redeemed = soap + haircuts + soap - haircuts

    func row(
      _ account: String, _ name: String, balance: Int, pending: Int = 0, earned: Int = 0, received: Int = 0,
      sent: Int = 0, redeemed: Int = 0, minutes: Int? = nil
    ) -> [String] {
      [
        account, name, pointsText(balance), pointsText(pending), pointsText(earned), pointsText(received),
        pointsText(sent), pointsText(redeemed), minutes.map(hoursText) ?? "", minutes == nil ? "" : "0",
      ]
    }
    let m2Earned = rec18 + s5 - s5 + s5b
    let expected = [
      ["account", "name", "balance", "pending", "earned", "received", "sent", "redeemed", "hours", "stars"],
      row(
        "member:m1", "张三", balance: s1 - gift - soap, pending: s6, earned: s1, sent: gift, redeemed: soap,
        minutes: 150 + 120),
      row(
        "member:m2", "Ann Lee", balance: m2Earned - donation, earned: m2Earned, sent: donation,
        redeemed: haircuts - haircuts, minutes: 90 + 120 - 120 + 60),
      row("member:m3", "欧阳娜娜", balance: gift, received: gift, minutes: 0),
      row("card:shop", "便民超市企业卡", balance: 0),
      row("card:tax", "区税务局党组织储蓄卡", balance: s4 - soap, earned: s4, redeemed: soap),
      row("card:yard3", "3号院院落集体卡", balance: donation, received: donation),
      row("@issued", "@issued", balance: -issued, sent: issued),
      row("@redeemed", "@redeemed", balance: redeemed, received: redeemed),
    ]
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let run = try timebank(["balance", "--format", "csv", "--log", logName], in: directory)
      #expect(run.exitCode == 0)
      let rows = run.stdout.split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false)
      }
      #expect(rows.map { $0.map(String.init) } == expected)
      // Double entry: every account together sums to zero.
      #expect(rows.dropFirst().compactMap { hundredths(String($0[2])) }.reduce(0, +) == 0)
    }
  }

  @Test func walkthroughBalanceJSONIsJSON() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let json = try timebank(["balance", "--format", "json", "--log", logName], in: directory)
      let csv = try timebank(["balance", "--format", "csv", "--log", logName], in: directory)
      let objects = try #require(
        try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
      let rows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
      #expect(objects.count == rows.count)
      for (object, row) in zip(objects, rows) {
        #expect(object["account"] as? String == String(row[0]))
        #expect(object["name"] as? String == String(row[1]))
        let balance = try #require(object["balance"] as? Double)
        #expect(Int((balance * 100).rounded()) == hundredths(String(row[2])))
      }
    }
  }

  @Test func walkthroughStatementJSON() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let run = try timebank(["statement", "m2", "--format", "json", "--log", logName], in: directory)
      #expect(run.exitCode == 0)
      #expect(run.stderr == "")
      Golden.check(run.stdout, against: "walkthrough-statement-m2-json.txt")
      let objects = try #require(
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
      #expect(objects.count == 7)
    }
  }

  /// Each line's running balance is the one before plus its amount; the notes give opening and closing.
  @Test func walkthroughStatementRunsItsBalance() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let run = try timebank(["statement", "m2", "--format", "csv", "--log", logName], in: directory)
      let rows = run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
      var balance = 0
      for row in rows {
        balance += try #require(hundredths(String(row[4])))
        #expect(hundredths(String(row[5])) == balance, "seq \(row[0])")
      }
      // In seq order: rec-18, s5, its reversal, s5b, the donation, two haircuts, their refund.
      let amounts = [
        points(minutes: 90), points(minutes: 120), -points(minutes: 120), points(minutes: 60), -50, -2 * 50,
        2 * 50,
      ]
      #expect(rows.compactMap { hundredths(String($0[4])) } == amounts)
      #expect(balance == amounts.reduce(0, +))
      let table = try timebank(["statement", "m2", "--log", logName], in: directory)
      #expect(table.stdout.hasSuffix("opening balance 0.00; closing balance \(pointsText(balance))\n"))
    }
  }

  @Test func walkthroughAuditAgreesWithTheLogBytes() throws {
    try withTemporaryDirectory { directory in
      let log = try Walkthrough.install(in: directory)
      let run = try timebank(["audit", "--log", logName], in: directory)
      #expect(run.exitCode == 0)
      let logLines = lines(of: log)
      let last = try #require(logLines.last)
      #expect(run.stdout.contains("events verified                      \(logLines.count)\n"))
      #expect(run.stdout.contains("bytes                                \(log.count)\n"))
      #expect(run.stdout.contains("head hash                            \(storedHash(of: last))\n"))
      // Points issued for confirmed service (s1, rec-18, s4, s5b), redeemed (two soaps), outstanding.
      let issued = points(minutes: 150) + points(minutes: 90) + points(minutes: 120) + points(minutes: 60)
      #expect(run.stdout.contains("points issued                        \(pointsText(issued))\n"))
      #expect(run.stdout.contains("points redeemed                      \(pointsText(200))\n"))
      #expect(run.stdout.contains("points outstanding                   \(pointsText(issued - 200))\n"))
    }
  }

  // MARK: Refusals

  @Test(arguments: RefusalCase.all)
  func refusal(_ refusal: RefusalCase) throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let environment = ["TIMEBANK_LOG": logName]
      for step in refusal.setUp {
        let run = try timebank(step.arguments, in: directory, actor: step.actor, environment: environment)
        try #require(run.exitCode == 0, "set-up \(step)\n\(run)")
        #expect(run.stdout == step.stdout, "set-up \(step)")
      }
      let before = try bytes(of: directory.appendingPathComponent(logName))
      let run = try timebank(
        refusal.arguments, in: directory, actor: refusal.actor, now: refusal.now, environment: environment)
      #expect(run.exitCode == 1)
      #expect(run.stdout == "")
      #expect(run.stderr == refusal.stderr)
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == before, "the log must not change")
    }
  }

  @Test func serviceDatesAreDaysInTheLedgersTimeZone() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      // 17:30Z on 30 June is 01:30 on 1 July in Shanghai: 1 July is today, 2 July the future.
      let now = "2025-06-30T17:30:00Z"
      let arguments = ["service", "record", "m1", "--hours", "1", "--category", "助老", "--log", logName]
      let today = try timebank(arguments + ["--date", "2025-07-01"], in: directory, actor: "zhao", now: now)
      #expect(today.exitCode == 0)
      #expect(
        today.stdout
          == "recorded service.recorded rec-39 at seq 39\n"
          + "  record rec-39: m1 2025-07-01 1.0 h 助老, pending\n")
      let log = try bytes(of: directory.appendingPathComponent(logName))
      // The event's time is written at the ledger's offset.
      #expect(
        String(decoding: lines(of: log)[38], as: UTF8.self).contains("\"at\":\"2025-07-01T01:30:00+08:00\""))
      let tomorrow = try timebank(
        arguments + ["--date", "2025-07-02"], in: directory, actor: "zhao", now: now)
      #expect(tomorrow.exitCode == 1)
      #expect(
        tomorrow.stderr
          == "error: refused: date 2025-07-02 is in the future"
          + " (today is 2025-07-01 in the ledger's time zone) [rule: no future dates]\n"
      )
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == log)
    }
  }

  @Test func dailyCapAllowsExactlyTheCap() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      // 150 minutes already on 1 June; 570 more make exactly 720, the cap.
      let run = try timebank(
        [
          "service", "record", "m1", "--minutes", "570", "--date", "2025-06-01", "--category", "助老", "--log",
          logName,
        ],
        in: directory, actor: "zhao")
      #expect(run.exitCode == 0)
      #expect(run.stdout.hasPrefix("recorded service.recorded rec-39 at seq 39\n"))
    }
  }

  @Test func dailyCapMessageShowsTheMinutesOver() throws {
    try withTemporaryDirectory { directory in
      try Walkthrough.install(in: directory)
      let arguments = [
        "service", "record", "m1", "--date", "2025-06-01", "--category", "助老", "--log", logName,
      ]
      let fill = try timebank(arguments + ["--minutes", "570"], in: directory, actor: "zhao")
      try #require(fill.exitCode == 0)
      let over = try timebank(arguments + ["--minutes", "1"], in: directory, actor: "zhao")
      #expect(over.exitCode == 1)
      #expect(over.stderr.contains("daily cap"))
      // 721 minutes must not read as the cap itself, nor 1 minute as nothing.
      #expect(!over.stderr.contains("would have 12.0 h"))
      #expect(!over.stderr.contains("+ 0.0 h"))
      // 150 (s1) + 570 = 720 already, + 1 new = 721, over the cap of 720.
      #expect(over.stderr.contains("would have 721 minutes recorded on 2025-06-01 (720 already + 1 new)"))
    }
  }

  @Test func retryWithTheSameIDIsANoOp() throws {
    try withTemporaryDirectory { directory in
      let log = try Walkthrough.install(in: directory)
      // Exactly s1's command; then the same content given in minutes.
      let s1 = [
        "service", "record", "m1", "--date", "2025-06-01", "--category", "陪诊", "--team", "elder", "--served",
        "3",
        "--place", "幸福里3号院", "--id", "s1", "--log", logName,
      ]
      for time in [["--hours", "2.5"], ["--minutes", "150"]] {
        let run = try timebank(s1 + time, in: directory, actor: "zhao")
        #expect(run.exitCode == 0)
        #expect(run.stdout == "already recorded: service.recorded s1 at seq 17; nothing appended\n")
        #expect(run.stderr == "")
        #expect(try bytes(of: directory.appendingPathComponent(logName)) == log)
      }
      // A transfer retried with its key: appended once.
      let transfer = ["transfer", "m2", "m3", "0.25", "--memo", "车费", "--id", "gift-2", "--log", logName]
      let first = try timebank(transfer, in: directory, actor: "m2")
      #expect(first.exitCode == 0)
      #expect(first.stdout.hasPrefix("recorded points.transferred gift-2 at seq 39\n"))
      let once = try bytes(of: directory.appendingPathComponent(logName))
      let again = try timebank(transfer, in: directory, actor: "m2")
      #expect(again.exitCode == 0)
      #expect(again.stdout == "already recorded: points.transferred gift-2 at seq 39; nothing appended\n")
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == once)
    }
  }

  // MARK: Tampering

  /// The demo ledger with one digit of a `minutes` value changed in line k, in the middle of the log.
  private func tamperedDemo(in directory: URL) throws -> (line: Int, original: Data, tampered: Data) {
    let demo = try timebank(["demo", "--out", "demo.jsonl"], in: directory)
    try #require(demo.exitCode == 0, "\(demo)")
    let url = directory.appendingPathComponent("demo.jsonl")
    let original = try bytes(of: url)
    var logLines = lines(of: original)
    let key = Array("\"minutes\":".utf8)
    func keyOffset(_ line: [UInt8]) -> Int? { line.indices.first { line[$0...].starts(with: key) } }
    var k = logLines.count / 2
    while k < logLines.count, keyOffset(logLines[k - 1]) == nil { k += 1 }
    let offset = try #require(keyOffset(logLines[k - 1]), "no line with minutes after the middle of the log")
    try #require(k < logLines.count, "line \(k) is the last line; a changed last line would be a torn tail")
    let at = offset + key.count
    let digit = logLines[k - 1][at]
    try #require((UInt8(ascii: "1")...UInt8(ascii: "9")).contains(digit))
    logLines[k - 1][at] = digit == UInt8(ascii: "9") ? UInt8(ascii: "8") : digit + 1
    let tampered = Data(logLines.joined(separator: [0x0A]) + [0x0A])
    try #require(tampered.count == original.count && tampered != original)
    try tampered.write(to: url)
    return (k, original, tampered)
  }

  @Test func aViewRunsAgainWithoutADamagedSnapshot() throws {
    try withTemporaryDirectory { directory in
      let demo = try timebank(["demo", "--out", "demo.jsonl"], in: directory)
      try #require(demo.exitCode == 0, "\(demo)")
      let snapshot = directory.appendingPathComponent("demo.jsonl.snapshot")
      let good = [UInt8](try bytes(of: snapshot))  // the demo's writer left one after line 1,000
      // What the views show from the log alone.
      try FileManager.default.removeItem(at: snapshot)
      let views = [
        ["balance", "--log", "demo.jsonl"], ["report", "teams", "--log", "demo.jsonl"],
        ["statement", "m03", "--log", "demo.jsonl"],
      ]
      let expected = try views.map { try timebank($0, in: directory) }
      // The snapshot's tables (header fields at bytes 40 and 48), damaged one page at a time: a view
      // that reads the damaged page must not show what it could read of it, but run again from the log.
      func number(_ offset: Int) -> Int { good[offset..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) } }
      let area = number(40)..<(number(40) + number(48))
      try #require(area.count > 4096 && area.upperBound < good.count)
      for page in stride(from: area.lowerBound, to: area.upperBound, by: 4096) {
        var damaged = good
        damaged[min(page + 100, area.upperBound - 1)] ^= 0x08
        try Data(damaged).write(to: snapshot)
        for (view, want) in zip(views, expected) {
          let got = try timebank(view, in: directory)
          #expect(got.exitCode == want.exitCode, "page at \(page): \(view)")
          #expect(got.stdout == want.stdout, "page at \(page): \(view)")
          #expect(got.stderr == want.stderr, "page at \(page): \(view)")
        }
      }
    }
  }

  @Test func auditNamesTheTamperedLine() throws {
    try withTemporaryDirectory { directory in
      let (k, _, tampered) = try tamperedDemo(in: directory)
      let audit = try timebank(["audit", "--log", "demo.jsonl"], in: directory)
      #expect(audit.exitCode == 2)
      #expect(audit.stderr.hasPrefix("error: demo.jsonl:\(k): seq \(k): hash mismatch"))
      #expect(audit.stdout.contains("events verified  \(k - 1)\n"))
      #expect(audit.stdout.contains("first bad line   line \(k), seq \(k)\n"))
      #expect(audit.stdout.hasSuffix("result           FAILED\n"))
      // The demo wrote a snapshot after line 1,000, past the tampered line. Commands trust the lines a
      // matching snapshot covers (DESIGN.md: it is used when the log still has its line with its hash);
      // `audit` never uses one, and caught the line above. Without the snapshot, every command
      // verifies every line: writing is refused, reading too; the file stays as it is.
      let snapshot = directory.appendingPathComponent("demo.jsonl.snapshot")
      #expect(FileManager.default.fileExists(atPath: snapshot.path))
      try FileManager.default.removeItem(at: snapshot)
      let write = try timebank(
        ["branch", "add", "b2", "--name", "第二党支部", "--log", "demo.jsonl"], in: directory, actor: "admin")
      #expect(write.exitCode == 2)
      #expect(write.stdout == "")
      #expect(
        write.stderr.hasPrefix("error: demo.jsonl:\(k): seq \(k): log failed verification: hash mismatch"))
      let read = try timebank(["balance", "--log", "demo.jsonl"], in: directory)
      #expect(read.exitCode == 2)
      #expect(read.stderr.contains("demo.jsonl:\(k): seq \(k):"))
      #expect(try bytes(of: directory.appendingPathComponent("demo.jsonl")) == tampered)
    }
  }

  @Test func auditNamesAMissingLine() throws {
    try withTemporaryDirectory { directory in
      let demo = try timebank(["demo", "--out", "demo.jsonl"], in: directory)
      try #require(demo.exitCode == 0)
      let url = directory.appendingPathComponent("demo.jsonl")
      var logLines = lines(of: try bytes(of: url))
      let k = 300
      logLines.remove(at: k - 1)
      try Data(logLines.joined(separator: [0x0A]) + [0x0A]).write(to: url)
      let audit = try timebank(["audit", "--log", "demo.jsonl"], in: directory)
      #expect(audit.exitCode == 2)
      #expect(
        audit.stderr
          == "error: demo.jsonl:\(k): seq \(k + 1): seq \(k + 1) where \(k) was expected"
          + " (a line is missing or moved)\n"
      )
    }
  }

  // MARK: Torn tail

  @Test func tornTailIsReportedRefusedAndRepaired() throws {
    try withTemporaryDirectory { directory in
      func run(_ arguments: [String], log: String = logName) throws -> BinaryRun {
        try timebank(arguments, in: directory, actor: "admin", environment: ["TIMEBANK_LOG": log])
      }
      try #require(try run(["init", "--community", "测试社区"]).exitCode == 0)
      try #require(try run(["branch", "add", "b1", "--name", "第一党支部"]).exitCode == 0)
      let url = directory.appendingPathComponent(logName)
      let original = try bytes(of: url)
      // The line the next command writes, from a copy: its first half is what a crash would leave.
      let addB2 = ["branch", "add", "b2", "--name", "第二党支部"]
      try original.write(to: directory.appendingPathComponent("next.jsonl"))
      try #require(try run(addB2, log: "next.jsonl").exitCode == 0)
      let next = try bytes(of: directory.appendingPathComponent("next.jsonl"))
      let line3 = next.suffix(from: original.count)
      let torn = Data(line3.prefix(line3.count / 2))
      try #require(!torn.contains(0x0A) && !torn.isEmpty)
      try (original + torn).write(to: url)
      let tornLog = original + torn

      // Readers ignore the torn line and say so.
      let balance = try run(["balance"])
      let clean = try timebank(["balance"], in: directory, environment: ["TIMEBANK_LOG": "next.jsonl"])
      #expect(balance.exitCode == 0)
      #expect(balance.stdout == clean.stdout)
      #expect(
        balance.stderr
          == "warning: tb.jsonl:3: ignoring a torn last line (\(torn.count) bytes, a crash mid-write?);"
          + " run 'timebank repair'\n")

      // Audit and writers refuse.
      let refusal =
        "error: tb.jsonl:3: the log ends in a torn line (\(torn.count) bytes, a crash mid-write?);"
        + " writing is"
        + " refused until 'timebank repair' moves it to a side file\n"
      let audit = try run(["audit"])
      #expect(audit.exitCode == 2)
      #expect(audit.stderr == refusal)
      #expect(
        audit.stdout.contains(
          "torn tail                            line 3, \(torn.count) bytes at offset \(original.count)\n"))
      #expect(audit.stdout.hasSuffix("result                               TORN TAIL\n"))
      let write = try run(addB2)
      #expect(write.exitCode == 2)
      #expect(write.stdout == "")
      #expect(write.stderr == refusal)
      #expect(try bytes(of: url) == tornLog)

      // Repair moves exactly the torn bytes to a side file and restores the log.
      let repair = try run(["repair"])
      #expect(repair.exitCode == 0)
      #expect(repair.stderr == "")
      let side = "\(logName).torn-\(original.count)"
      #expect(
        repair.stdout
          == "moved \(torn.count) torn bytes (line 3) to \(side);"
          + " \(logName) now ends at byte \(original.count)\n"
      )
      #expect(try bytes(of: directory.appendingPathComponent(side)) == torn)
      #expect(try bytes(of: url) == original)

      // Writing works again, and writes the very line the crash interrupted.
      let again = try run(addB2)
      #expect(again.exitCode == 0)
      #expect(again.stdout == "recorded branch.created ev-3 at seq 3\n")
      #expect(try bytes(of: url) == next)
      let nothing = try run(["repair"])
      #expect(nothing.exitCode == 0)
      #expect(nothing.stdout == "\(logName): no torn tail; nothing to repair\n")
      #expect(try run(["audit"]).exitCode == 0)
    }
  }

  // MARK: Files

  @Test func missingLogIsAnIOError() throws {
    try withTemporaryDirectory { directory in
      let byDefault = try timebank(["balance"], in: directory)
      #expect(byDefault.exitCode == 74)
      #expect(byDefault.stdout == "")
      #expect(
        byDefault.stderr
          == "error: timebank.jsonl: no such log; create one with 'timebank init' or give --log PATH\n")
      let byVariable = try timebank(
        ["balance"], in: directory, environment: ["TIMEBANK_LOG": "missing.jsonl"])
      #expect(byVariable.exitCode == 74)
      #expect(
        byVariable.stderr
          == "error: missing.jsonl: no such log; create one with 'timebank init' or give --log PATH\n")
      let write = try timebank(
        ["branch", "add", "b1", "--name", "第一党支部", "--log", "missing.jsonl"], in: directory, actor: "admin")
      #expect(write.exitCode == 74)
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }
  }

  @Test func logThatIsADirectoryIsAnIOError() throws {
    try withTemporaryDirectory { directory in
      try FileManager.default.createDirectory(
        at: directory.appendingPathComponent("ledger"), withIntermediateDirectories: false)
      for (arguments, actor) in [
        (["balance", "--log", "ledger"], nil), (["audit", "--log", "ledger"], nil),
        (["branch", "add", "b1", "--name", "第一党支部", "--log", "ledger"], "admin"),
      ] as [([String], String?)] {
        let run = try timebank(arguments, in: directory, actor: actor)
        #expect(run.exitCode == 74, "\(arguments)")
        #expect(run.stdout == "", "\(arguments)")
        #expect(run.stderr == "error: ledger: not a regular file\n", "\(arguments)")
      }
    }
  }

  @Test func initNeverOverwritesALog() throws {
    try withTemporaryDirectory { directory in
      let log = try Walkthrough.install(in: directory)
      let run = try timebank(
        ["init", "--community", "另一个社区", "--log", logName], in: directory, actor: "admin")
      #expect(run.exitCode == 1)
      #expect(run.stdout == "")
      #expect(
        run.stderr == "error: tb.jsonl: a file already exists there; a new ledger never overwrites one\n")
      #expect(try bytes(of: directory.appendingPathComponent(logName)) == log)
    }
  }

  // MARK: Demo

  @Test func demo() throws {
    try withTemporaryDirectory { directory in
      let run = try timebank(["demo", "--out", "demo.jsonl"], in: directory)
      #expect(run.exitCode == 0)
      #expect(run.stderr == "")
      Golden.check(run.stdout, against: "demo.txt")
      // The balances table sums to zero, and the audit's totals agree with it.
      let output = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
      let rules = output.indices.filter { output[$0].hasPrefix("----------  ") }
      try #require(rules.count == 2)
      var balances: [String: Int] = [:]
      for line in output[(rules[0] + 1)..<rules[1]] {
        let fields = line.split(separator: " ")
        let balance = try #require(hundredths(String(fields[2])), "\(line)")
        balances[String(fields[0])] = balance
      }
      #expect(balances.count == 40 + 3 + 2)
      #expect(balances.values.reduce(0, +) == 0)
      #expect(output[rules[1] + 1].hasSuffix(" 0.00"))
      let issued = -(balances["@issued"] ?? 0)
      let redeemed = balances["@redeemed"] ?? 0
      #expect(run.stdout.contains("points issued                        \(pointsText(issued))\n"))
      #expect(run.stdout.contains("points redeemed                      \(pointsText(redeemed))\n"))
      #expect(run.stdout.contains("points outstanding                   \(pointsText(issued - redeemed))\n"))
      #expect(run.stdout.contains("result                               OK\n"))
    }
  }

  @Test func demoIsDeterministicWhateverTheClock() throws {
    try withTemporaryDirectory { directory in
      let first = try timebank(["demo", "--out", "first.jsonl"], in: directory, now: fixedNow)
      let second = try timebank(["demo", "--out", "second.jsonl"], in: directory, now: nil)
      let third = try timebank(
        ["demo", "--out", "third.jsonl"], in: directory, now: "2031-12-31T23:59:59-05:00")
      for run in [first, second, third] { #expect(run.exitCode == 0) }
      let log = try bytes(of: directory.appendingPathComponent("first.jsonl"))
      #expect(try bytes(of: directory.appendingPathComponent("second.jsonl")) == log)
      #expect(try bytes(of: directory.appendingPathComponent("third.jsonl")) == log)
      #expect(second.stdout.replacingOccurrences(of: "second.jsonl", with: "first.jsonl") == first.stdout)
      // 937 lines of service, exchanges and setup, then party life: 13 check-ins; activities of 13 party
      // members over 4 months: 52 meetings - 3 missed in May + 26 dues + 13 others = 88; 88 confirmations.
      #expect(lines(of: log).count == 937 + 13 + 88 + 88)
    }
  }

  @Test func demoNeverOverwrites() throws {
    try withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent("demo.jsonl")
      let kept = Data("这不是账本\n".utf8)
      try kept.write(to: url)
      let run = try timebank(["demo", "--out", "demo.jsonl"], in: directory)
      #expect(run.exitCode == 1)
      #expect(run.stdout == "")
      #expect(
        run.stderr == "error: demo.jsonl: a file already exists there; a new ledger never overwrites one\n")
      #expect(try bytes(of: url) == kept)
    }
  }
}
