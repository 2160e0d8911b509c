import Foundation
import Testing

// Concurrent writers, each a separate `timebank` process, on one log.
//
// - Four writers append at the same time, each its own sequence of commands with its own --id keys:
//   every command succeeds, the log gains exactly that many events, each writer's events appear once
//   and in its own order, the chain verifies (audit OK), and every line is whole (no interleaved bytes).
// - Two processes race for the last item in stock, and for the same last points: exactly one wins,
//   the other is refused with exit 1 naming the stock or the points, and the log gains one line.
//
// Size: every append re-reads and verifies the whole log under the lock (O(n) per append), so 4 × 500
// appends cost O(n²): about 20 s with a release binary and several minutes with the debug one. The
// debug default is 4 × 100; TIMEBANK_STRESS_APPENDS=500 (with TIMEBANK_TEST_BINARY pointing at a
// release build) runs the full 4 × 500.

@Suite struct ConcurrencyTests {
  #if DEBUG
    static let defaultAppends = 100
  #else
    static let defaultAppends = 500
  #endif
  static let writers = 4

  /// Writer w's command number i, its id and its actor.
  static func command(writer: Int, number: Int) -> (actor: String, arguments: [String], id: String) {
    let id = "w\(writer)-\(number)"
    switch writer {
    case 0: return ("admin", ["branch", "add", "b-\(id)", "--name", "支部 \(id)", "--id", id], id)
    case 1: return ("admin", ["team", "add", "t-\(id)", "--name", "队 \(id)", "--id", id], id)
    case 2:
      // One minute each on a day of its own: 500 minutes stay under the 720-minute daily cap.
      return (
        "zhao",
        [
          "service", "record", "m1", "--minutes", "1", "--date", "2025-06-20", "--category", "助老",
          "--team", "elder", "--note", "写者 \(number)", "--id", id,
        ], id
      )
    default:
      // m1 has 8.00 points: 800 transfers of 0.01.
      return ("m1", ["transfer", "m1", "m3", "0.01", "--memo", "\"\(number)\"\n", "--id", id], id)
    }
  }

  @Test func fourWritersAtOnce() throws {
    let appends = Reliability.setting("TIMEBANK_STRESS_APPENDS", default: Self.defaultAppends)
    try #require(appends <= 800, "m1 has 8.00 points to give in 0.01s")
    let directory = try ScratchDirectory("concurrent")
    let before = try SmallCommunity.install(in: directory)
    let path = directory.path
    let started = Date()
    let results = Reliability.concurrently(Self.writers, width: Self.writers) { writer -> [String] in
      var problems: [String] = []
      for number in 1...appends {
        let (actor, arguments, id) = Self.command(writer: writer, number: number)
        let run = try Reliability.run(arguments, actor: actor, in: path)
        if run.code != 0 || !run.stdout.hasPrefix("recorded ") || !run.stdout.contains(" \(id) at seq ") {
          problems.append("\(id): \(run)")
          if problems.count > 5 { break }
        }
      }
      return problems
    }
    let seconds = Date().timeIntervalSince(started)
    for (writer, result) in results.enumerated() {
      #expect(try result.get() == [], "writer \(writer)")
    }

    let after = try directory.read()
    let lines = Reliability.lines(after)
    #expect(after.last == 0x0A, "the log ends with a whole line")
    #expect(Array(after.prefix(before.count)) == before, "the first lines are untouched")
    #expect(lines.count == Reliability.lines(before).count + Self.writers * appends)
    // Each line is one JSON object that Foundation parses, with seq = its line number: no bytes of two
    // appends interleaved.
    var seqOf: [String: Int] = [:]
    var unreadable = 0
    for (index, line) in lines.enumerated() {
      guard let object = Reliability.object(line), let id = object["id"] as? String,
        (object["seq"] as? Int) == index + 1
      else {
        unreadable += 1
        continue
      }
      #expect(seqOf[id] == nil, "id \(id) twice")
      seqOf[id] = index + 1
    }
    #expect(unreadable == 0)
    for writer in 0..<Self.writers {
      let seqs = (1...appends).map { seqOf[Self.command(writer: writer, number: $0).id] }
      #expect(seqs.allSatisfy { $0 != nil }, "writer \(writer) has events missing")
      let found = seqs.compactMap { $0 }
      #expect(found == found.sorted(), "writer \(writer)'s events are out of its own order")
    }
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 0, "\(audit)")
    #expect(audit.stdout.contains("events verified                      \(lines.count)\n"), "\(audit)")
    // m1 gave 0.01 per append of writer 3 out of its 8.00.
    let balance = try Reliability.run(["balance", "m1", "--format", "csv"], in: directory.path)
    let m1 = 800 - appends
    #expect(
      balance.stdout.contains("member:m1,张三,\(m1 / 100).\(m1 % 100 < 10 ? "0" : "")\(m1 % 100),"),
      "\(balance)")
    print(
      "concurrency: \(Self.writers) writer processes × \(appends) appends = \(Self.writers * appends) new events "
        + "in \(String(format: "%.1f", seconds)) s; audit OK")
  }

  /// Two processes started together; returns both results and the lines the log gained.
  private func race(
    _ first: (actor: String, arguments: [String]), _ second: (actor: String, arguments: [String])
  ) throws -> (SpawnResult, SpawnResult, added: [[UInt8]]) {
    let directory = try ScratchDirectory("race")
    let before = try SmallCommunity.install(in: directory)
    let a = try Reliability.start(first.arguments, actor: first.actor, in: directory.path)
    let b = try Reliability.start(second.arguments, actor: second.actor, in: directory.path)
    let ra = try a.wait()
    let rb = try b.wait()
    let after = try directory.read()
    #expect(Array(after.prefix(before.count)) == before)
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 0, "\(audit)")
    return (ra, rb, Reliability.lines(Array(after.suffix(from: before.count))))
  }

  static let rounds = 20

  /// soap has 1 in stock; m1 and m2 can both pay for it.
  @Test func raceForTheLastItemInStock() throws {
    var wins = [0, 0]
    for round in 1...Self.rounds {
      let (a, b, added) = try race(
        ("m1", ["redeem", "m1", "soap", "--id", "m1-soap"]),
        ("m2", ["redeem", "m2", "soap", "--id", "m2-soap"]))
      let codes = [a.code, b.code]
      #expect(codes.sorted() == [0, 1], "round \(round): exactly one wins\n\(a)\n\(b)")
      #expect(added.count == 1, "round \(round): one line added")
      guard let winner = codes.firstIndex(of: 0), let loser = codes.firstIndex(of: 1) else { continue }
      wins[winner] += 1
      let refused = [a, b][loser]
      #expect(
        refused.stderr
          == "error: refused: not enough stock of 'soap': 0 left, 1 asked for [rule: stock]\n", "\(refused)")
      #expect(Reliability.id(added.first ?? []) == ["m1-soap", "m2-soap"][winner])
    }
    print(
      "concurrency: \(Self.rounds) races for the last soap: m1 won \(wins[0]), m2 won \(wins[1]); always one winner"
    )
  }

  /// m3 has exactly 2.00 points; two processes both try to spend all of it.
  @Test func raceForTheSameLastPoints() throws {
    var wins = [0, 0]
    for round in 1...Self.rounds {
      let (a, b, added) = try race(
        ("m3", ["transfer", "m3", "m1", "2.00", "--id", "to-m1"]),
        ("m3", ["transfer", "m3", "m2", "2", "--id", "to-m2"]))
      let codes = [a.code, b.code]
      #expect(codes.sorted() == [0, 1], "round \(round): exactly one wins\n\(a)\n\(b)")
      #expect(added.count == 1, "round \(round): one line added")
      guard let winner = codes.firstIndex(of: 0), let loser = codes.firstIndex(of: 1) else { continue }
      wins[winner] += 1
      let refused = [a, b][loser]
      #expect(
        refused.stderr
          == "error: refused: insufficient points: member:m3 has 0.00, needs 2.00 [rule: no overdraft]\n",
        "\(refused)")
      #expect(Reliability.id(added.first ?? []) == ["to-m1", "to-m2"][winner])
    }
    print(
      "concurrency: \(Self.rounds) races for m3's last 2.00 points: to m1 \(wins[0]), to m2 \(wins[1]); always one winner"
    )
  }
}
