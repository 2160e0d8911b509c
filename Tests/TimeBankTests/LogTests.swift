import Foundation
import Testing

@testable import TimeBank

/// The log format against `Fixtures/log-format`: `small.jsonl`, written by the CLI, and `small.hashes`,
/// the SHA-256 of each line's body computed independently with Python's hashlib.
@Suite struct LogTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Fixtures/log-format").standardized

  static func fixtureBytes() throws -> [UInt8] {
    Array(try Data(contentsOf: fixtures.appendingPathComponent("small.jsonl")))
  }

  static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
  }

  static func join(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }

  /// Re-hashes a line after its body was edited, as a tamperer who knows the rule would.
  static func rehash(_ line: [UInt8], prev: String? = nil) -> [UInt8] {
    var text = String(decoding: line, as: UTF8.self)
    if let prev, let range = text.range(of: #""prev":"[0-9a-f]{64}""#, options: .regularExpression) {
      text.replaceSubrange(range, with: "\"prev\":\"\(prev)\"")
    }
    let body = Array(text.utf8.dropLast(LogLine.suffixLength))
    return body + Array(",\"hash\":\"\(SHA256.hexDigest(body))\"}".utf8)
  }

  static func hash(of line: [UInt8]) -> String {
    String(decoding: line.suffix(66).prefix(64), as: UTF8.self)
  }

  @Test func fixtureVerifiesWithTheIndependentlyComputedHashes() throws {
    let contents = try LogReader.verify(try Self.fixtureBytes())
    let expected = try String(
      contentsOf: Self.fixtures.appendingPathComponent("small.hashes"), encoding: .utf8
    )
    .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(contents.records.count == 8)
    #expect(contents.tornTail == nil)
    #expect(contents.records.map { [String($0.seq), $0.hash] } == expected)
    #expect(contents.records.first?.prev == String(repeating: "0", count: 64))
    for (previous, record) in zip(contents.records, contents.records.dropFirst()) {
      #expect(record.prev == previous.hash)
    }
  }

  @Test func writerReproducesEveryFixtureLineByteForByte() throws {
    let bytes = try Self.fixtureBytes()
    let records = try LogReader.verify(bytes).records
    for (record, line) in zip(records, Self.lines(bytes)) {
      let encoded = LogLine.encode(
        seq: record.seq, id: record.id, at: record.at, actor: record.actor, event: record.event,
        prev: record.prev)
      #expect(encoded.bytes == line + [0x0A])
      #expect(encoded.hash == record.hash)
    }
  }

  @Test func fixtureShowsTheEscapingRules() throws {
    let text = String(decoding: try Self.fixtureBytes(), as: UTF8.self)
    // Chinese stays readable; quotes, backslashes and the newline typed into a note are escaped.
    #expect(text.contains(#""name":"张三 \"小张\"""#))
    #expect(text.contains(#""note":"line one\nline two \\ back""#))
    #expect(text.split(separator: "\n").count == 8)
  }

  @Test(arguments: 2...7) func flippedByteInAMiddleLineIsCorruptionAtThatLine(line: Int) throws {
    var lines = Self.lines(try Self.fixtureBytes())
    // Change one character inside the `at` value: still well-formed JSON, so only the hash can tell.
    let index = try #require(lines[line - 1].firstIndex(of: UInt8(ascii: "T")))
    lines[line - 1][index - 1] =
      lines[line - 1][index - 1] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
    let error = try #require(throws: LogCorruption.self) { try LogReader.verify(Self.join(lines)) }
    #expect(error.line == line)
    #expect(error.seq == line)
    guard case .hashMismatch = error.problem else {
      Issue.record("expected a hash mismatch, got \(error.problem)")
      return
    }
  }

  @Test func deletedLineIsASeqGapAtTheLineAfterIt() throws {
    var lines = Self.lines(try Self.fixtureBytes())
    lines.remove(at: 3)
    let error = try #require(throws: LogCorruption.self) { try LogReader.verify(Self.join(lines)) }
    #expect(error == LogCorruption(line: 4, seq: 5, problem: .seqGap(expected: 4, found: 5)))
  }

  @Test func swappedLinesAreCaughtAtTheFirstOfThem() throws {
    var lines = Self.lines(try Self.fixtureBytes())
    lines.swapAt(4, 5)
    let error = try #require(throws: LogCorruption.self) { try LogReader.verify(Self.join(lines)) }
    #expect(error == LogCorruption(line: 5, seq: 6, problem: .seqGap(expected: 5, found: 6)))
  }

  @Test func editedAmountWithRecomputedHashBreaksTheNextLinksPrev() throws {
    var lines = Self.lines(try Self.fixtureBytes())
    let original = String(decoding: lines[6], as: UTF8.self)
    lines[6] = Self.rehash(Array(original.replacingOccurrences(of: "\"2.50\"", with: "\"25.00\"").utf8))
    let error = try #require(throws: LogCorruption.self) { try LogReader.verify(Self.join(lines)) }
    #expect(error.line == 8)
    #expect(
      error.problem
        == .prevMismatch(
          expected: Self.hash(of: lines[6]), found: Self.hash(of: Self.lines(try Self.fixtureBytes())[6])))
  }

  @Test func rewrittenChainAfterAnEditIsCaughtByAuditsRules() throws {
    var lines = Self.lines(try Self.fixtureBytes())
    let original = String(decoding: lines[6], as: UTF8.self)
    lines[6] = Self.rehash(Array(original.replacingOccurrences(of: "\"2.50\"", with: "\"25.00\"").utf8))
    lines[7] = Self.rehash(lines[7], prev: Self.hash(of: lines[6]))
    // The chain is whole again, so the reader accepts it ...
    #expect(try LogReader.verify(Self.join(lines)).records.count == 8)
    // ... but 150 minutes at 1.00 point an hour is 2.50 points, and audit recomputes it.
    let report = Audit.run(Self.join(lines))
    #expect(
      report.failure
        == AuditFailure(
          line: 7, seq: 7,
          problem: .rule(.computedValueMismatch(field: "points", stored: "25.00", expected: "2.50"))))
  }

  @Test func tornTailAtEveryByteOfTheLastLineIsReportedNotRead() throws {
    let bytes = try Self.fixtureBytes()
    let lastStart = try #require(bytes.dropLast().lastIndex(of: 0x0A)) + 1
    for cut in lastStart..<bytes.count {
      let contents = try LogReader.verify(Array(bytes[..<cut]))
      if cut == lastStart {
        #expect(contents.tornTail == nil)
      } else {
        #expect(contents.tornTail == TornTail(line: 8, offset: lastStart, length: cut - lastStart))
      }
      #expect(contents.records.count == 7)
      #expect(contents.validLength == lastStart)
    }
  }

  @Test func tornTailAcrossABatchKeepsEveryCompleteLine() throws {
    let bytes = try Self.fixtureBytes()
    let starts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
    // Cut anywhere in the last three lines, as a crash during a three-line batch would.
    for cut in starts[5]..<bytes.count {
      let contents = try LogReader.verify(Array(bytes[..<cut]))
      let complete = starts.filter { $0 <= cut }.count - 1
      #expect(contents.records.count == complete)
      #expect(contents.validLength == starts[complete])
      #expect((contents.tornTail == nil) == (cut == starts[complete]))
    }
  }

  @Test func firstLineMustOpenTheLedger() throws {
    let lines = Self.lines(try Self.fixtureBytes())
    let error = try #require(throws: LogCorruption.self) {
      try LogReader.verify(Self.join(Array(lines.dropFirst())))
    }
    #expect(error.line == 1)
  }

  @Test func writersRefuseATornTailAndRepairMovesItAside() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "logtests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("t.jsonl").path
    let good = try Self.fixtureBytes()
    let torn = Array("{\"seq\":9,\"id\":\"x\",\"ty".utf8)
    try Data(good + torn).write(to: URL(fileURLWithPath: path))

    #expect(
      throws: LedgerError.log(
        .tornTail(path: path, TornTail(line: 9, offset: good.count, length: torn.count)))
    ) {
      try Ledger.open(path)
    }
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == good + torn)

    let result = try #require(try Repair.run(path))
    #expect(result.sideFile == "\(path).torn-\(good.count)")
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: result.sideFile))) == torn)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == good)
    #expect(try Repair.run(path) == nil)

    let ledger = try Ledger.open(path)
    let at = try #require(Timestamp("2025-03-07T09:00:00+08:00"))
    let outcome = try ledger.execute(
      Command(
        id: "gift-2",
        event: .pointsTransferred(
          from: .member(MemberID("m2")), to: .member(MemberID("m1")), points: Points(hundredths: 25),
          memo: nil)),
      actor: ActorID("m2"), at: at)
    #expect(outcome.record.seq == 9)
  }

  @Test func writersRefuseACorruptLogAndLeaveItUnchanged() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "logtests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("t.jsonl").path
    var lines = Self.lines(try Self.fixtureBytes())
    lines[2][40] ^= 0x01
    let bytes = Self.join(lines)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let error = try #require(throws: LedgerError.self) { try Ledger.open(path) }
    guard case .log(.corrupt(_, let corruption)) = error else {
      Issue.record("expected corruption, got \(error)")
      return
    }
    #expect(corruption.line == 3)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    #expect(throws: LogError.self) { try Repair.run(path) }
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
  }

  @Test func newLogsAreCreatedForOwnerAndGroupOnly() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "logtests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("new.jsonl").path
    _ = try LogFile.create(path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)
    #expect(throws: LogError.alreadyExists(path: path)) { try LogFile.create(path) }
  }
}
