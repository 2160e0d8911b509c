import Foundation
import Testing

@testable import TimeBank

/// The audit's check that no id repeats, by fingerprint (`IDCheck.fingerprints`), held to the check
/// with a table of ids: the same verdict, the same first line of a repeat, whatever the fingerprint,
/// even one that makes every id collide with every other.
@Suite struct IDFingerprintTests {
  /// The audit's own fingerprint, one under which all ids collide, and one under which ids of the same
  /// length do (most of a log's).
  static let checks: [(name: String, check: IDCheck)] = [
    ("seeded", .seeded), ("constant", .fingerprints { _ in 7 }),
    ("length", .fingerprints { UInt64($0.utf8.count) }),
  ]

  /// The first 300 lines of the demo's log: under a fingerprint shared by every id, each line reads
  /// the lines before it again, so the work grows with the square of the lines.
  static func demoStart() throws -> [EventRecord] { Array(try FastPathLogs.records(try FastPathLogs.demo()).prefix(300)) }

  /// Expects a scan of `log` with `check`, from memory and from a file, to hand on the records and give
  /// the verdict of a scan with the table of ids (its ids aside: a fingerprint scan keeps none).
  static func expectSameAsTable(
    _ log: [UInt8], _ check: IDCheck, _ what: String, in directory: TestDirectory,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected = FastPathStreams.streamed(log)
    var records: [EventRecord] = []
    var fromMemory = log.withUnsafeBufferPointer { buffer in
      LogStream.scan(buffer, ids: check) { record in
        records.append(record)
        return true
      }
    }
    #expect(fromMemory.ids.isEmpty, "\(what): ids kept", sourceLocation: sourceLocation)
    fromMemory.ids = expected.scan.ids
    #expect(fromMemory == expected.scan, "from memory: \(what)", sourceLocation: sourceLocation)
    #expect(records == expected.records, "from memory: \(what)", sourceLocation: sourceLocation)

    let path = directory.file("fingerprints.jsonl")
    try Data(log).write(to: URL(fileURLWithPath: path))
    records = []
    var fromFile = try LogStream.scan(LogFile.openForReading(path), ids: check) { record in
      records.append(record)
      return true
    }
    fromFile.ids = expected.scan.ids
    #expect(fromFile == expected.scan, "from a file: \(what)", sourceLocation: sourceLocation)
    #expect(records == expected.records, "from a file: \(what)", sourceLocation: sourceLocation)
  }

  /// An id repeated at several distances in the start of the demo's log: reported at the repeat, with the line that
  /// had it first, under every fingerprint.
  @Test func aRepeatedIDIsReportedWithItsFirstLineWhateverTheFingerprint() throws {
    let directory = try TestDirectory()
    let records = try Self.demoStart()
    let count = records.count
    for (first, again) in [(0, 1), (1, count / 2), (count / 3, count / 3 + 1), (count / 2, count - 1)] {
      let log = FastPathLogs.chain(records) { index, record in
        if index == again { record.id = records[first].id }
      }
      let expected = LogCorruption(
        line: again + 1, seq: again + 1, problem: .duplicateID(records[first].id, firstSeq: first + 1))
      #expect(FastPathStreams.streamed(log).scan.corruption == expected)
      for (name, check) in Self.checks {
        try Self.expectSameAsTable(log, check, "\(name), line \(again + 1) repeats \(first + 1)", in: directory)
      }
    }
  }

  /// Every line of the start of the demo's log shares its fingerprint with every line before it: each is settled
  /// by reading the lines before it again, and none is taken for a repeat.
  @Test func idsThatShareAFingerprintAreNotARepeat() throws {
    let directory = try TestDirectory()
    let demo = FastPathLogs.chain(try Self.demoStart())
    let lines = FastPathLogs.lines(demo).count
    var scan = demo.withUnsafeBufferPointer { LogStream.scan($0, ids: .fingerprints { _ in 7 }) { _ in true } }
    #expect(scan.corruption == nil && scan.lines == lines)
    scan.ids = FastPathStreams.streamed(demo).scan.ids
    #expect(scan == FastPathStreams.streamed(demo).scan)
    try Self.expectSameAsTable(demo, .fingerprints { _ in 7 }, "demo, one fingerprint", in: directory)
  }

  /// Each kind of broken chain at each line of the small log, under each fingerprint.
  @Test func fingerprintScansAgreeOnEveryCorruptionOfTheSmallLog() throws {
    let directory = try TestDirectory()
    let small = try FastPathLogs.small()
    for (name, log) in try FastPathCorruptions.cases(in: small, at: Array(0..<8), name: "small") {
      for (check, fingerprint) in Self.checks {
        try Self.expectSameAsTable(log, fingerprint, "\(name), \(check)", in: directory)
      }
    }
  }

  /// The audit reports a repeated id as it did with a table, with the first line that had it.
  @Test func theAuditReportsARepeatedIDWithItsFirstLine() throws {
    let records = try FastPathLogs.records(try FastPathLogs.demo())
    let again = records.count / 2
    let log = FastPathLogs.chain(records) { index, record in
      if index == again { record.id = records[3].id }
    }
    let report = Audit.run(log)
    #expect(
      report.failure
        == AuditFailure(
          line: again + 1, seq: again + 1, problem: .chain(.duplicateID(records[3].id, firstSeq: 4))))
    #expect(report == ReferenceAudit.run(log))
  }

  /// The set against `Set<UInt64>` over random fingerprints and repeats, through many tables (it
  /// starts with room for 12). Fingerprints whose high halves match may be taken for one (the slots keep
  /// only those), so the random ones here have distinct high halves.
  @Test func theFingerprintSetHoldsWhatWasInserted() {
    var set = FingerprintSet(expected: 0)
    var model = Set<UInt64>()
    var state: UInt64 = 0x1234_5678
    func next() -> UInt64 {
      // SplitMix64.
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    var inserted: [UInt64] = [0, .max]
    var highs: Set<UInt64> = [0, UInt64.max >> 32]
    while inserted.count < 20_000 {
      let value = next()
      if highs.insert(value >> 32).inserted { inserted.append(value) }
    }
    for _ in 0..<5_000 { inserted.append(inserted[Int(next() % UInt64(inserted.count))]) }
    // One at a time, then (into a second set) a step at a time, as the scan adds them: steps of every
    // size up to 600, so repeats fall within a step and across steps.
    var batched = FingerprintSet(expected: 0)
    var seenInSteps: [Int] = []
    var start = 0
    while start < inserted.count {
      let end = min(inserted.count, start + 1 + Int(next() % 600))
      let seen = inserted[start..<end].withUnsafeBufferPointer { batched.insert($0) }
      seenInSteps += seen.map { start + $0 }
      start = end
    }
    var seenOneByOne: [Int] = []
    for (position, value) in inserted.enumerated() {
      let isNew = set.insert(value)
      #expect(isNew == model.insert(value).inserted, "\(value)")
      if !isNew { seenOneByOne.append(position) }
    }
    #expect(set.count == model.count && model.count == 20_000)
    #expect(seenInSteps == seenOneByOne && batched.count == set.count)
    #expect(seenOneByOne.count == 5_000)  // the repeats
  }

  /// Fingerprints with the same high half and the same home are one; with another high half, two.
  @Test func theFingerprintSetKeepsTheHighHalf() {
    var set = FingerprintSet(expected: 100)
    // All of these have their home in the first slot (low halves far below 2^32 / slots).
    let answers = [
      set.insert(0x0000_0001_0000_0005), set.insert(0x0000_0001_0000_0005),
      set.insert(0x0000_0001_0000_0006),  // same home, same high half: taken for the first
      set.insert(0x0000_0002_0000_0005),  // another high half: another fingerprint
      set.insert(0),  // a high half of 0 is kept as 1 (0 marks an empty slot): the first again
    ]
    #expect(answers == [true, false, false, true, false])
    #expect(set.count == 2)
  }
}
