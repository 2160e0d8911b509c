import Foundation
import Testing

// Torn tails through the binary: the log cut at every byte offset of its last line, and at a sample of
// offsets (and every line boundary) inside a multi-line batch that the demo writes with one `write`.
// For each cut: readers ignore the torn bytes and say so on stderr; `audit` exits 2 reporting them;
// writers exit 2 and leave the bytes alone; `repair` moves exactly the torn bytes to
// `<log>.torn-<offset>` (mode 0660) and cuts the log back to everything before the tear.

/// What one cut must give; problems are collected as text so worker threads never record issues.
private func checkTornLog(
  complete: [UInt8], torn: [UInt8], completeLines: Int, tryWriterAfterRepair: Bool = false
) throws -> [String] {
  let directory = try ScratchDirectory("torn")
  let log = complete + torn
  try directory.write(log)
  let tornLine = completeLines + 1
  let name = Reliability.logName
  var problems: [String] = []
  func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { problems.append(what()) }
  }
  let refusal =
    "error: \(name):\(tornLine): the log ends in a torn line (\(torn.count) bytes, a crash mid-write?); "
    + "writing is refused until 'timebank repair' moves it to a side file\n"

  // A reader: the events before the tear, and a warning.
  let reader = try Reliability.run(["log", "--tail", "1", "--format", "json"], in: directory.path)
  check(reader.code == 0, "reader: \(reader)")
  check(
    reader.stderr
      == "warning: \(name):\(tornLine): ignoring a torn last line (\(torn.count) bytes, a crash mid-write?); "
      + "run 'timebank repair'\n", "reader warning: \(reader)")
  check(reader.stdout.contains("{\"seq\":\(completeLines),"), "reader shows seq \(completeLines): \(reader)")

  // audit: exit 2, the tear reported.
  let audit = try Reliability.run(["audit"], in: directory.path)
  check(audit.code == 2, "audit: \(audit)")
  check(audit.stderr == refusal, "audit stderr: \(audit)")
  check(
    audit.stdout.contains(
      "torn tail                            line \(tornLine), \(torn.count) bytes at offset \(complete.count)\n"
    ),
    "audit report: \(audit)")
  check(
    audit.stdout.contains("events verified                      \(completeLines)\n"), "audit events: \(audit)"
  )
  check(audit.stdout.contains("TORN TAIL"), "audit result: \(audit)")

  // A writer refuses and leaves the bytes alone.
  let writer = try Reliability.run(
    ["transfer", "m1", "m2", "0.01", "--id", "after-tear"], actor: "m1", in: directory.path)
  check(writer.code == 2, "writer: \(writer)")
  check(writer.stderr == refusal, "writer stderr: \(writer)")
  check(try directory.read() == log, "the writer changed the torn log")

  // repair: the torn bytes to a side file, the log back to its complete lines.
  let side = "\(name).torn-\(complete.count)"
  let repair = try Reliability.run(["repair"], in: directory.path)
  check(repair.code == 0, "repair: \(repair)")
  check(
    repair.stdout
      == "moved \(torn.count) torn bytes (line \(tornLine)) to \(side); \(name) now ends at byte \(complete.count)\n",
    "repair stdout: \(repair)")
  check(try directory.read() == complete, "after repair the log is not exactly the complete lines")
  check((try? directory.read(side)) == torn, "the side file does not hold exactly the torn bytes")
  check(
    Reliability.mode(of: directory.file(side)) == 0o660,
    "side file mode \(String(Reliability.mode(of: directory.file(side)) ?? 0, radix: 8))")
  let files = try directory.files()
  check(files == [name, side], "files after repair: \(files)")
  if tryWriterAfterRepair {
    // Repaired, the log takes writes again, and audits clean.
    let again = try Reliability.run(
      ["transfer", "m1", "m2", "0.01", "--id", "after-repair"], actor: "m1", in: directory.path)
    check(
      again.code == 0
        && again.stdout.hasPrefix("recorded points.transferred after-repair at seq \(completeLines + 1)"),
      "writer after repair: \(again)")
    let audit = try Reliability.run(["audit"], in: directory.path)
    check(audit.code == 0, "audit after repair: \(audit)")
  }
  return problems
}

@Suite struct TornTailTests {
  /// The last line of the small community cut after each of its bytes but the newline.
  @Test func everyOffsetOfTheLastLine() throws {
    let lines = Reliability.lines(try SmallCommunity.log.get())
    let complete = Reliability.join(Array(lines.dropLast()))
    let last = try #require(lines.last) + [0x0A]
    let results = Reliability.concurrently(last.count - 1, width: 2) { index in
      // index 0 keeps 1 byte; the last index keeps the whole line but its newline.
      try checkTornLog(
        complete: complete, torn: Array(last.prefix(index + 1)), completeLines: lines.count - 1,
        tryWriterAfterRepair: index % 25 == 0)
    }
    var clean = 0
    for (index, result) in results.enumerated() {
      let problems = try result.get()
      if problems.isEmpty { clean += 1 }
      #expect(problems == [], "torn after \(index + 1) of \(last.count) bytes")
    }
    print(
      "torn tails: cut the last line (\(last.count) bytes) at all \(last.count - 1) offsets; \(clean) behaved"
    )
  }

  /// A last line of garbage that does end in a newline (what some file systems leave after a power cut:
  /// the length grew, the data never came) is a torn tail too: it is not even well-formed JSON.
  @Test(arguments: [[UInt8](repeating: 0, count: 100), Array("{\"seq\":23,\"id\":".utf8), [0xFF, 0xFE]])
  func garbageLastLineEndingInANewline(garbage: [UInt8]) throws {
    let complete = try SmallCommunity.log.get()
    let problems = try checkTornLog(
      complete: complete, torn: garbage + [0x0A], completeLines: SmallCommunity.steps.count,
      tryWriterAfterRepair: true)
    #expect(problems == [])
  }

  /// The demo writes the 80 lines registering its members and their teams with one `write`. Cut inside
  /// that batch: at a line boundary the log is valid and simply shorter; anywhere else it ends in a
  /// torn tail that repair removes, keeping every complete line before it.
  @Test func offsetsInsideAMultiLineBatch() throws {
    let scratch = try ScratchDirectory("torn-demo")
    let demo = try Reliability.run(["demo", "--out", "demo.jsonl"], in: scratch.path)
    try #require(demo.code == 0, "\(demo)")
    let lines = Reliability.lines(try scratch.read("demo.jsonl"))
    // The batch: the run of lines by zhao at 2025-03-02T09:00 (one actor, one time: one execute call).
    func key(_ line: [UInt8]) -> String {
      let object = Reliability.object(line)
      return "\(object?["actor"] as? String ?? "?") \(object?["at"] as? String ?? "?")"
    }
    let first = try #require(lines.firstIndex { key($0) == "zhao 2025-03-02T09:00:00+08:00" })
    let end = lines[first...].firstIndex { key($0) != key(lines[first]) } ?? lines.count
    #expect(end - first == 80, "40 registrations and 40 team joins")
    let complete = Reliability.join(Array(lines[..<first]))
    let batch = Reliability.join(Array(lines[first..<end]))

    // Every line boundary inside the batch; the bytes either side of the first, a middle and the last
    // boundary; and a seeded sample of other offsets.
    let boundaries = batch.indices.filter { batch[$0] == 0x0A && $0 + 1 < batch.count }.map { $0 + 1 }
    var offsets = Set(boundaries)
    for boundary in [boundaries[0], boundaries[boundaries.count / 2], boundaries[boundaries.count - 1]] {
      offsets.formUnion([boundary - 1, boundary + 1])
    }
    var random = SplitMix(seed: 0x7EA2)
    while offsets.count < boundaries.count + 6 + 40 {
      offsets.insert(Int.random(in: 1..<batch.count, using: &random))
    }
    let sorted = offsets.sorted().filter { $0 > 0 && $0 < batch.count }
    let results = Reliability.concurrently(sorted.count, width: 2) { index -> [String] in
      let cut = sorted[index]
      let kept = Array(batch.prefix(cut))
      let whole = kept.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
      let completeLines = first + kept.prefix(whole).filter { $0 == 0x0A }.count
      if whole == cut {
        // A line boundary: nothing torn; the log is valid with part of the batch.
        let directory = try ScratchDirectory("torn-boundary")
        try directory.write(complete + kept)
        let audit = try Reliability.run(["audit"], in: directory.path)
        return audit.code == 0
          && audit.stdout.contains("events verified                      \(completeLines)\n")
          ? [] : ["boundary after \(completeLines) lines: \(audit)"]
      }
      return try checkTornLog(
        complete: complete + Array(kept.prefix(whole)), torn: Array(kept.suffix(from: whole)),
        completeLines: completeLines)
    }
    for (index, result) in results.enumerated() {
      let cut = sorted[index]
      #expect(try result.get() == [], "cut after \(cut) of the batch's \(batch.count) bytes")
    }
    print(
      "torn tails: cut the demo's \(end - first)-line batch (\(batch.count) bytes) at \(sorted.count) offsets, "
        + "\(boundaries.count) of them line boundaries (there a cut leaves a valid log holding part of the batch)"
    )
  }
}

/// SplitMix64, a small seeded generator, so the sampled offsets are the same on every run.
struct SplitMix: RandomNumberGenerator, Sendable {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
