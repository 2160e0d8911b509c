import Foundation
import Testing

@testable import TimeBank

/// The fuzz targets' regression inputs, replayed, and a seeded random-input test that stands in for
/// libFuzzer inside `swift test` (and on toolchains without `-sanitize=fuzzer`).
///
/// Every input goes through `LogReader.verify`, which must not crash and must give either records
/// (with a torn tail or not) or a `LogCorruption` naming a line; the same oracles as
/// Tests/Fuzz/LogReaderFuzz.swift check that the answer is consistent with the bytes. A share of the
/// mutations is re-hashed and re-chained first (as Tests/Fuzz/ChainFuzz.swift does) so it reaches the
/// event decoder, `Audit.run` and the projections.
@Suite struct FuzzRegressionTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Fixtures").standardized
  static let regressions = fixtures.appendingPathComponent("fuzz-regressions")

  static func fixtureLines() throws -> [[UInt8]] {
    let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("log-format/small.jsonl")))
    return bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
  }

  /// The `logreader-*` and `chain-*` files (the `arguments-*` ones are replayed by the CLI tests).
  static let regressionFiles: [String] =
    ((try? FileManager.default.contentsOfDirectory(atPath: regressions.path)) ?? [])
    .filter { $0.hasPrefix("logreader-") || $0.hasPrefix("chain-") }.sorted()

  // MARK: Oracles

  enum Outcome: Hashable {
    case clean, tornTail, corrupt(String)
  }

  /// Verifies `bytes` and checks the answer against the bytes; returns what it was.
  static func verifyAndCheck(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
    let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    do {
      let contents = try LogReader.verify(bytes)
      let valid = contents.validLength
      #expect(valid >= 0 && valid <= bytes.count, sourceLocation: sourceLocation)
      #expect(
        valid == 0 || bytes[valid - 1] == 0x0A, "validLength is not after a newline",
        sourceLocation: sourceLocation)
      let complete = bytes[..<valid].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
      #expect(contents.records.count == complete, sourceLocation: sourceLocation)
      var prev = LogLine.genesisHash
      for (index, record) in contents.records.enumerated() {
        #expect(record.seq == index + 1 && record.prev == prev, sourceLocation: sourceLocation)
        prev = record.hash
      }
      guard let tail = contents.tornTail else {
        #expect(valid == bytes.count, "bytes left unread without a torn tail", sourceLocation: sourceLocation)
        return .clean
      }
      #expect(
        tail.offset == valid && tail.length == bytes.count - valid && tail.length > 0,
        sourceLocation: sourceLocation)
      #expect(tail.line == complete + 1, sourceLocation: sourceLocation)
      return .tornTail
    } catch {
      #expect(
        error.line >= 1 && error.line <= newlines + 1, "bad line \(error.line)",
        sourceLocation: sourceLocation)
      #expect(error.seq >= 1, sourceLocation: sourceLocation)
      // The lines before the bad one verify by themselves, with no torn tail.
      var start = 0
      for _ in 1..<max(error.line, 1) {
        guard let newline = bytes[start...].firstIndex(of: 0x0A) else { break }
        start = newline + 1
      }
      let before = try? LogReader.verify(Array(bytes[..<start]))
      #expect(
        before?.records.count == error.line - 1 && before?.tornTail == nil,
        "the lines before bad line \(error.line) do not verify alone", sourceLocation: sourceLocation)
      return .corrupt(kind(of: error.problem))
    }
  }

  static func kind(of problem: LineProblem) -> String {
    switch problem {
    case .unreadable: "unreadable"
    case .malformed: "malformed"
    case .hashMismatch: "hash mismatch"
    case .seqGap: "seq gap"
    case .prevMismatch: "prev mismatch"
    case .duplicateID: "duplicate id"
    case .badEvent: "bad event"
    case .misplacedLedgerOpened: "misplaced ledger.opened"
    }
  }

  /// Audit and the projections over what audit accepted: must not crash; a passing audit means the
  /// balances sum to zero.
  static func auditAndProject(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    guard let contents = try? LogReader.verify(bytes) else { return false }
    let report = Audit.run(bytes)
    #expect(report.events <= contents.records.count, sourceLocation: sourceLocation)
    let accepted = Array(contents.records.prefix(report.events))
    let state = LedgerState(replaying: accepted)
    var sum = Points.zero
    for balance in Balances.all(in: state) {
      sum += balance.balance
      _ = Statement(account: balance.account, records: accepted, from: nil, to: nil)
    }
    if report.failure == nil { #expect(sum == .zero, sourceLocation: sourceLocation) }
    return report.failure == nil
  }

  /// Each line's hash recomputed over its body and (unless `linkingPrev` is false, as a careless
  /// tamperer would) its `prev` set to the previous hash, as the chain fuzz target does.
  static func rechain(_ bytes: [UInt8], linkingPrev: Bool = true) -> [UInt8] {
    let marker = Array(",\"hash\":\"".utf8)
    let prevMarker = Array("\"prev\":\"".utf8)
    var output: [UInt8] = []
    var prev = Array(LogLine.genesisHash.utf8)
    var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    let endsWithNewline = bytes.last == 0x0A
    if endsWithNewline { pieces.removeLast() }
    for (index, piece) in pieces.enumerated() {
      var line = piece
      if line.count >= marker.count,
        let start = (0...(line.count - marker.count)).reversed().first(where: {
          line[$0..<($0 + marker.count)].elementsEqual(marker)
        })
      {
        var body = Array(line[..<start])
        if linkingPrev, body.count >= 73, Array(body[(body.count - 73)..<(body.count - 65)]) == prevMarker,
          body.last == 0x22
        {
          body.replaceSubrange((body.count - 65)..<(body.count - 1), with: prev)
        }
        let hash = Array(SHA256.hexDigest(body).utf8)
        line = body + marker + hash + Array("\"}".utf8)
        prev = hash
      }
      output += line
      if index < pieces.count - 1 || endsWithNewline { output.append(0x0A) }
    }
    return output
  }

  // MARK: Regression files

  @Test func regressionDirectoryHasInputs() {
    #expect(Self.regressionFiles.count >= 10, "\(Self.regressions.path)")
  }

  @Test(arguments: regressionFiles)
  func replayRegression(_ name: String) throws {
    let bytes = Array(try Data(contentsOf: Self.regressions.appendingPathComponent(name)))
    _ = Self.verifyAndCheck(bytes)
    if name.hasPrefix("chain-") {
      _ = Self.verifyAndCheck(Self.rechain(bytes))
      _ = Self.auditAndProject(Self.rechain(bytes))
    }
  }

  // MARK: Seeded mutations

  static let mutations = 20_000
  static let chunks = 4
  static let seed: UInt64 = 0x5EED_F022

  static let interestingBytes: [UInt8] = [
    0x00, 0x0A, 0x0D, 0x09, 0x20, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x2D, 0x2E, 0x30, 0x31,
    0x39,
    0x65, 0x75, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE5, 0xED, 0xF0, 0xF4, 0xFF,
  ]
  static let interestingTokens: [[UInt8]] = [
    "\\u0000", "\\ud800", "\\udc00\\ud800", "\\u00ff", "99999999999999999999", "9223372036854775807", "-0",
    "-1",
    "1e5", "0.5", "null", "true", "[]", "{}", "[[[[[[[[", "\"", "\\", "\\\"", ",\"hash\":\"", "\n", "\r\n",
    "张",
    "\"prev\":\"", "\"seq\":1,", "ledger.opened", "service.confirmed", "9999999999999.99",
  ].map { Array($0.utf8) }

  /// One mutated log: the first k fixture lines, changed 1 to 4 times.
  static func mutate(_ lines: [[UInt8]], using random: inout SeededGenerator) -> [UInt8] {
    var working = Array(lines.prefix(Int.random(in: 1...lines.count, using: &random)))
    for _ in 0..<Int.random(in: 1...4, using: &random) {
      let line = Int.random(in: 0..<working.count, using: &random)
      var bytes = working[line]
      let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
      switch Int.random(in: 0..<11, using: &random) {
      case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
      case 1 where !bytes.isEmpty:
        bytes[position] = interestingBytes[Int.random(in: interestingBytes.indices, using: &random)]
      case 2:
        bytes.insert(interestingBytes[Int.random(in: interestingBytes.indices, using: &random)], at: position)
      case 3 where !bytes.isEmpty:
        bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &random)))
      case 4 where !bytes.isEmpty:
        let end = min(bytes.count, position + Int.random(in: 1...32, using: &random))
        bytes.insert(
          contentsOf: Array(bytes[position..<end]), at: Int.random(in: 0...bytes.count, using: &random))
      case 5:
        bytes.insert(
          contentsOf: interestingTokens[Int.random(in: interestingTokens.indices, using: &random)],
          at: position)
      case 6 where working.count > 1:
        working.swapAt(line, Int.random(in: 0..<working.count, using: &random))
        continue
      case 7:
        working.insert(working[line], at: Int.random(in: 0...working.count, using: &random))
        continue
      case 8:
        // A digit run replaced by a large number.
        if let digit = bytes.indices.first(where: { $0 >= position && (0x30...0x39).contains(bytes[$0]) }) {
          let end = bytes[digit...].firstIndex { !(0x30...0x39).contains($0) } ?? bytes.count
          bytes.replaceSubrange(
            digit..<end, with: interestingTokens[4 + Int.random(in: 0...1, using: &random)])
        }
      case 9:
        working[line] = lines[Int.random(in: lines.indices, using: &random)]
        continue
      default:
        bytes.removeSubrange(position...)
      }
      working[line] = bytes
    }
    var log: [UInt8] = working.flatMap { $0 + [UInt8(0x0A)] }
    if Int.random(in: 0..<5, using: &random) == 0, !log.isEmpty {
      log.removeSubrange(Int.random(in: 0..<log.count, using: &random)...)  // torn
    }
    return log
  }

  @Test(arguments: 0..<chunks)
  func seededMutationsNeverCrashTheReader(chunk: Int) throws {
    let lines = try Self.fixtureLines()
    var random = SeededGenerator(seed: Self.seed &+ UInt64(chunk))
    var outcomes: [Outcome: Int] = [:]
    var chained = 0
    var auditPassed = 0
    var decoders = DecoderTally()
    let count = Self.mutations / Self.chunks
    for _ in 0..<count {
      var log = Self.mutate(lines, using: &random)
      switch Int.random(in: 0..<6, using: &random) {
      case 0, 1:
        log = Self.rechain(log)
        chained += 1
        if Self.auditAndProject(log) { auditPassed += 1 }
      case 2:
        log = Self.rechain(log, linkingPrev: false)
      default:
        break
      }
      outcomes[Self.verifyAndCheck(log), default: 0] += 1
      for line in log.split(separator: 0x0A) {
        _ = try? JSONScanner.parse(Array(line))
        // As the logreader target does: the fast reader held to the reference, line by line.
        decoders.check(Array(line))
      }
    }
    #expect(outcomes.values.reduce(0, +) == count)
    #expect(decoders.disagreements == [])
    #expect(decoders.fastAccepted > 0)
    // The mutator is not degenerate: it reaches every kind of answer.
    #expect(outcomes[.clean, default: 0] > 0)
    #expect(outcomes[.tornTail, default: 0] > 0)
    for kind in ["malformed", "hash mismatch", "seq gap", "prev mismatch", "bad event"] {
      #expect(outcomes[.corrupt(kind), default: 0] > 0, "no mutation gave \(kind)")
    }
    let described = outcomes.sorted { $0.value > $1.value }.map { outcome, number -> String in
      switch outcome {
      case .clean: "\(number) verified"
      case .tornTail: "\(number) torn tail"
      case .corrupt(let kind): "\(number) \(kind)"
      }
    }
    print(
      "fuzz regression: chunk \(chunk + 1)/\(Self.chunks): \(count) seeded mutations of small.jsonl lines "
        + "(seed \(Self.seed &+ UInt64(chunk))), \(chained) re-chained (\(auditPassed) then passed audit): "
        + described.joined(separator: ", "))
  }
}
