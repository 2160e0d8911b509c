import Foundation
import Synchronization
import Testing

@testable import TimeBank

/// The fast paths held to the straightforward ones they replace:
///
/// - `FastLineDecoder.decode` to `LogLine.decode`: whatever the fast reader accepts, the reference
///   accepts with the same record, and whatever the reference refuses, the fast reader refuses;
/// - `UTF8Validation` to `String(validating:as:)`;
/// - `LogStream.scan` (bytes and file) to `LogReader.verify`: same records, torn tail, length, head
///   hash and first corrupt line;
/// - `Audit.run` (streaming, invariants checked on the accounts each event moves) to `ReferenceAudit`,
///   the replay it replaced.
///
/// Inputs are the logs the suite can build (the demo, the article's community, the fixtures, the fuzz
/// seeds) and mutations of them; a share of the mutations is re-hashed and re-chained, so it gets past
/// the hash check and reaches the event decoder, the chain checks and the rules.
@Suite struct FastPathTests {
  // MARK: FastLineDecoder

  /// Every line of every log the suite has, as written: the fast reader must accept all of them.
  @Test func fastDecoderAgreesOnEveryWrittenLine() throws {
    var tally = DecoderTally()
    for log in try [FastPathLogs.small(), FastPathLogs.demo(), FastPathLogs.article()] {
      for line in FastPathLogs.lines(log) { tally.check(line) }
    }
    #expect(tally.disagreements == [])
    #expect(tally.lines > 7_600)
    // The log writes no escape in the envelope's strings, so the fast reader takes every line.
    #expect(tally.fastAccepted == tally.lines)
    #expect(tally.referenceAccepted == tally.lines)
  }

  /// The fuzz seeds (`Fixtures/fuzz-regressions/logreader-*`, `chain-*`): edge cases by design.
  @Test func fastDecoderAgreesOnFuzzSeeds() throws {
    var tally = DecoderTally()
    let directory = FastPathLogs.fixtures.appendingPathComponent("fuzz-regressions")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasPrefix("logreader-") || $0.hasPrefix("chain-") }.sorted()
    for name in names {
      let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
      for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        tally.check(Array(line))
        tally.check(FastPathLogs.rehashed(Array(line)))
      }
    }
    #expect(names.count >= 18)
    #expect(tally.disagreements == [])
    #expect(tally.referenceAccepted > 0 && tally.referenceAccepted < tally.lines)
  }

  /// A `seq` of 20 digits, as in `Fixtures/fuzz-regressions/logreader-edge-seq-overflow`: the
  /// reference calls the line unreadable ("number too large"); the fast reader must say nil, not trap.
  @Test func fastDecoderSurvivesASeqBeyondInt64() async throws {
    let line = try #require(FastPathLogs.lines(try FastPathLogs.small()).first)
    let huge = Array("{\"seq\":99999999999999999999".utf8) + line.dropFirst("{\"seq\":1".utf8.count)
    let reference = huge.withUnsafeBufferPointer { buffer in
      Result { () throws(LineProblem) -> EventRecord in try LogLine.decode(buffer) }
    }
    guard case .failure(.unreadable) = reference else {
      Issue.record("the reference reads it: \(reference)")
      return
    }
    await #expect(processExitsWith: .success) {
      let line =
        Array("{\"seq\":99999999999999999999,\"id\":\"x\"".utf8)
        + Array(repeating: UInt8(ascii: "0"), count: 200)
      _ = line.withUnsafeBufferPointer { FastLineDecoder.decode($0) }
    }
    #expect(huge.withUnsafeBufferPointer { FastLineDecoder.decode($0) } == nil)
  }

  /// The same line as a whole log: `Audit.run` (and so `timebank audit`) must report it, not trap.
  @Test func auditSurvivesASeqBeyondInt64() async throws {
    let log = Array(
      try Data(
        contentsOf: FastPathLogs.fixtures.appendingPathComponent(
          "fuzz-regressions/logreader-edge-seq-overflow")))
    let reference = ReferenceAudit.run(log)
    #expect(reference.failure != nil || reference.tornTail != nil)
    await #expect(processExitsWith: .success) {
      let log = Array(
        try Data(
          contentsOf: FastPathLogs.fixtures.appendingPathComponent(
            "fuzz-regressions/logreader-edge-seq-overflow")))
      _ = Audit.run(log)
    }
  }

  /// Every byte value at a sample of positions of lines full of escapes, multibyte text and numbers,
  /// re-hashed (so both readers decode the event) and, for one value in four, as mutated (the hash no
  /// longer matches).
  @Test func fastDecoderAgreesOnEverySingleByteChange() throws {
    var tally = DecoderTally()
    for line in try FastPathLogs.specimenLines(short: true) {
      for position in FastPathLogs.samplePositions(in: line) {
        let isBody = position < line.count - LogLine.suffixLength
        for value in 0...255 where UInt8(value) != line[position] {
          var mutated = line
          mutated[position] = UInt8(value)
          if !isBody || value % 4 == 0 { tally.check(mutated) }
          if isBody { tally.check(FastPathLogs.rehashed(mutated)) }
        }
      }
    }
    #expect(tally.lines > 50_000)
    #expect(tally.disagreements == [])
    // The mutations reach every verdict: the test is not only feeding the hash check.
    for kind in ["accepted", "unreadable", "malformed", "hashMismatch", "badEvent"] {
      #expect(tally.kinds[kind, default: 0] > 0, "no mutation was \(kind)")
    }
    #expect(tally.fastAccepted > 100)
  }

  /// Byte sequences that are not well-formed UTF-8, or are, put in place of a character in each of
  /// the envelope's strings and in `data`; control characters, raw and escaped.
  @Test func fastDecoderAgreesOnSplicedSequences() throws {
    let sequences: [[UInt8]] = [
      [0xC0, 0x80], [0xC1, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
      [0xF5, 0x80, 0x80, 0x80], [0xE0, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80], [0xE4, 0xB8],
      [0xE4], [0xF0, 0x9F, 0x98], [0x80], [0xBF], [0xFE], [0xFF], [0xC3, 0xA9], [0xE5, 0xBC, 0xA0],
      [0xF0, 0x9F, 0x98, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
      [0x00], [0x01], [0x09], [0x0A], [0x1F], [0x7F], Array("\\u0001".utf8), Array("\\u00e9".utf8),
      Array("\\u00E9".utf8), Array("\\ud83d\\ude00".utf8), Array("\\ud83d".utf8), Array("\\ude00".utf8),
      Array("\\\"".utf8), Array("\\\\".utf8), Array("\\/".utf8), Array("\\x".utf8), Array("\\".utf8),
      Array("\"".utf8), Array("\\u12".utf8),
    ]
    var tally = DecoderTally()
    for line in try FastPathLogs.specimenLines() {
      // After the opening quote of every string value, before `prev`.
      let starts = FastPathLogs.stringValueStarts(in: line)
      for start in starts {
        for sequence in sequences {
          for replacing in 0...1 {
            var mutated = line
            mutated.replaceSubrange(start..<(start + replacing), with: sequence)
            tally.check(mutated)
            tally.check(FastPathLogs.rehashed(mutated))
          }
        }
      }
    }
    #expect(tally.disagreements == [])
    #expect(tally.kinds["accepted", default: 0] > 50)
    #expect(tally.kinds["unreadable", default: 0] > 50)
    #expect(tally.fastAccepted > 50)
  }

  /// Whitespace, reordered members, seq written otherwise, uppercase hex, unknown and duplicated
  /// members, nesting at the scanner's limit: all re-hashed, so only the layout differs.
  @Test func fastDecoderAgreesOnLayoutChanges() throws {
    var tally = DecoderTally()
    var verdicts: [String: String] = [:]
    for line in try FastPathLogs.specimenLines() {
      for change in try FastPathLogs.layoutChanges(of: line) {
        if let stale = change.stale { tally.check(stale) }
        let kind = tally.check(change.line)
        verdicts[change.name] = verdicts[change.name].map { $0 == kind ? kind : "mixed" } ?? kind
      }
    }
    #expect(tally.disagreements == [])
    // What the reference says of each change, so the cases are known to test what they mean to.
    let expected: [String: String] = [
      "space after {": "unreadable", "space before }": "unreadable", "newline in data": "unreadable",
      "tab before prev": "unreadable", "space after colon": "unreadable",
      "id before seq": "malformed", "data after prev": "malformed", "extra envelope member": "malformed",
      "seq leading zero": "unreadable", "seq minus": "malformed", "seq zero": "malformed",
      "seq 19 digits": "accepted", "seq Int64.max + 1": "unreadable", "seq as string": "malformed",
      "uppercase hash": "malformed", "uppercase prev": "malformed", "short prev": "malformed",
      "data 31 deep": "badEvent", "data 32 deep": "unreadable", "data duplicate member": "badEvent",
      "data unknown member": "badEvent", "data members reversed": "accepted", "data empty": "badEvent",
      "data array": "malformed", "type unknown": "badEvent", "at without offset": "malformed",
      "at fraction": "malformed", "at Z": "accepted", "id escaped": "accepted",
      "data key escaped": "accepted", "seq 18 digits": "accepted",
    ]
    #expect(verdicts == expected)
    #expect(tally.fastAccepted > 0)
  }

  // MARK: UTF8Validation

  @Test func utf8ValidationAgreesOnEveryOneAndTwoByteSequence() {
    var disagreements: [[UInt8]] = []
    var checked = 0
    for first in 0...255 {
      FastPathUTF8.check([UInt8(first)], &disagreements, &checked)
      for second in 0...255 {
        FastPathUTF8.check([UInt8(first), UInt8(second)], &disagreements, &checked)
      }
    }
    #expect(checked == 256 + 65_536)
    #expect(disagreements == [])
  }

  /// Every three-byte sequence with a lead byte E0...EF (and the same with an ASCII byte after it, and
  /// eight ASCII bytes before it, so the eight-byte step meets them too).
  @Test func utf8ValidationAgreesOnEveryThreeByteSequence() {
    var disagreements: [[UInt8]] = []
    var valid = 0
    var buffer: [UInt8] = Array(repeating: 0x41, count: 12)
    for lead in 0xE0...0xEF {
      for second in 0...255 {
        for third in 0...255 {
          let bytes = [UInt8(lead), UInt8(second), UInt8(third)]
          let expected = String(validating: bytes, as: UTF8.self)
          if expected != nil { valid += 1 }
          let actual = bytes.withUnsafeBufferPointer { UTF8Validation.string($0) }
          if actual != expected && disagreements.count < 20 { disagreements.append(bytes) }
          // Behind eight ASCII bytes and before one: the same verdict.
          buffer[8] = bytes[0]
          buffer[9] = bytes[1]
          buffer[10] = bytes[2]
          let embedded = buffer.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
          if embedded != (expected != nil) && disagreements.count < 20 { disagreements.append(buffer) }
        }
      }
    }
    // U+0800...U+FFFF less the 2048 surrogates.
    #expect(valid == 0x10000 - 0x800 - 0x800)
    #expect(disagreements == [])
  }

  @Test func utf8ValidationAgreesOnRandomFourByteSequencesAndBuffers() {
    var random = SeededGenerator(seed: 0x7574_6638)
    var disagreements: [[UInt8]] = []
    var checked = 0
    var valid = 0
    // Four bytes: a lead from F0...F7 or anything, then bytes leaning to continuation bytes.
    for index in 0..<200_000 {
      let lead = index % 2 == 0 ? UInt8(0xF0 + Int(random.next() % 8)) : UInt8(random.next() % 256)
      var bytes = [lead]
      for _ in 0..<3 { bytes.append(FastPathUTF8.randomByte(&random)) }
      if FastPathUTF8.check(bytes, &disagreements, &checked) { valid += 1 }
    }
    // Every valid four-byte form once: F0 90...F4 8F with any continuation bytes, at the edges.
    for lead in 0xF0...0xF4 {
      for second in [0x80, 0x8F, 0x90, 0xBF] {
        for third in [0x80, 0xBF] {
          for fourth in [0x7F, 0x80, 0xBF, 0xC0] {
            FastPathUTF8.check(
              [UInt8(lead), UInt8(second), UInt8(third), UInt8(fourth)], &disagreements, &checked)
          }
        }
      }
    }
    // Buffers of 0...40 bytes: ASCII runs and whole characters, and every other one with a random
    // piece (well- or ill-formed) put in at a random place.
    for index in 0..<100_000 {
      let count = Int(random.next() % 41)
      var bytes: [UInt8] = []
      while bytes.count < count { bytes += FastPathUTF8.randomPiece(&random, wellFormed: true) }
      if index % 2 == 1 {
        let position = Int(random.next() % UInt64(bytes.count + 1))
        bytes.insert(contentsOf: FastPathUTF8.randomPiece(&random, wellFormed: false), at: position)
      }
      if FastPathUTF8.check(Array(bytes.prefix(count)), &disagreements, &checked) { valid += 1 }
    }
    #expect(checked > 300_000)
    // Both valid and invalid inputs in good numbers.
    #expect(valid > 30_000 && valid < checked - 30_000)
    #expect(disagreements == [])
  }

  /// ASCII runs as long as the eight-byte step and either side of it, with one byte of a
  /// non-ASCII sequence (well-formed or not) at each position.
  @Test func utf8ValidationAgreesAroundTheEightByteStep() {
    var disagreements: [[UInt8]] = []
    var checked = 0
    let sequences: [[UInt8]] = [
      [0x80], [0xC3, 0xA9], [0xC3], [0xE5, 0xBC, 0xA0], [0xE5, 0xBC], [0xF0, 0x9F, 0x98, 0x80],
      [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xFF], [0x7F],
    ]
    for length in [1, 7, 8, 9, 15, 16, 17, 24, 25] {
      for position in 0...length {
        for sequence in sequences {
          var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
          bytes.insert(contentsOf: sequence, at: position)
          FastPathUTF8.check(bytes, &disagreements, &checked)
          // And replacing the ASCII byte there (the run keeps its length).
          if position < length {
            var replaced = Array(repeating: UInt8(ascii: "a"), count: length)
            replaced[position] = sequence[0]
            FastPathUTF8.check(replaced, &disagreements, &checked)
          }
        }
      }
    }
    #expect(checked > 1_500)
    #expect(disagreements == [])
  }
}

// MARK: - LogStream against LogReader

extension FastPathTests {
  @Test func streamAgreesOnCleanLogs() throws {
    let directory = try TestDirectory()
    for log in try [FastPathLogs.small(), FastPathLogs.demo(), FastPathLogs.article()] {
      let expected = try FastPathStreams.expectSame(log, in: directory)
      #expect(expected.scan.tornTail == nil && expected.scan.corruption == nil)
      #expect(expected.scan.lines == FastPathLogs.lines(log).count && expected.scan.validLength == log.count)
    }
  }

  /// Logs cut at every byte of their last lines (the small one), and at a sample of bytes of the
  /// demo's and the article's; a final line that is complete but unreadable; a log without its last
  /// `\n`.
  @Test func streamAgreesOnTornTails() throws {
    let directory = try TestDirectory()
    var torn = 0
    let small = try FastPathLogs.small()
    let smallLines = FastPathLogs.lines(small)
    let lastThree = small.count - smallLines.suffix(3).reduce(0) { $0 + $1.count + 1 }
    for cut in lastThree..<small.count {
      let expected = try FastPathStreams.expectSame(
        Array(small[..<cut]), inFileToo: cut % 11 == 0, in: directory)
      if expected.scan.tornTail != nil { torn += 1 }
    }
    // The demo's (and the article's, more than one step of `LogStream`, a few cuts only: debug builds
    // take about a second to verify it).
    for (log, isLong) in try [(FastPathLogs.demo(), false), (FastPathLogs.article(), true)] {
      let lines = FastPathLogs.lines(log)
      let lastLine = log.count - lines[lines.count - 1].count - 1
      let lineBefore = lastLine - lines[lines.count - 2].count - 1
      let cuts =
        isLong
        ? [log.count - 1]
        : [log.count - 1, log.count - 2, lastLine + 1, lastLine, lineBefore + 7, lineBefore - 1]
      for cut in cuts {
        let expected = try FastPathStreams.expectSame(
          Array(log[..<cut]), inFileToo: !isLong && cut >= log.count - 2, in: directory)
        if expected.scan.tornTail != nil { torn += 1 }
      }
      // A last line that is whole but not JSON ending in a hash, or empty: torn too.
      let garbage = [
        "{\"seq\":", "", "not json", String(decoding: lines[lines.count - 1].dropLast(3), as: UTF8.self),
      ]
      for text in isLong ? [garbage[3]] : garbage {
        let expected = try FastPathStreams.expectSame(
          log + Array(text.utf8) + [0x0A], inFileToo: false, in: directory)
        #expect(expected.scan.tornTail?.offset == log.count)
        torn += 1
      }
    }
    #expect(torn > 900)
  }

  /// A batch journal's committed length at each line start of the small log, and at some of the
  /// others (mid-line, past the end, 0), with and without a torn tail after it.
  @Test func streamAgreesWithACommittedLength() throws {
    let directory = try TestDirectory()
    let small = try FastPathLogs.small()
    var starts = [0]
    for line in FastPathLogs.lines(small) { starts.append(starts[starts.count - 1] + line.count + 1) }
    for committed in starts + [5, small.count - 5, small.count + 100] {
      for log in [small, small + Array("{\"seq\":9,".utf8)] {
        try FastPathStreams.expectSame(log, committedLength: committed, in: directory)
      }
    }
    for (log, indices) in try [
      (FastPathLogs.demo(), [1, 562, 1_125]),
      (FastPathLogs.article(), [LogStream.linesPerStep - 1, LogStream.linesPerStep]),
    ] {
      let lines = FastPathLogs.lines(log)
      var offset = 0
      var committed: [Int] = []
      for (index, line) in lines.enumerated() {
        if indices.contains(index) { committed += [offset, offset + 3] }
        offset += line.count + 1
      }
      #expect(committed.count == indices.count * 2)
      for length in committed {
        let expected = try FastPathStreams.expectSame(
          log, committedLength: length, inFileToo: log.count < 1_000_000, in: directory)
        #expect(expected.scan.tornTail?.length == log.count - expected.scan.validLength)
      }
    }
  }

  /// Each kind of broken chain at each line of the small log: hash, `seq`, `prev`, a repeated id, a
  /// second `ledger.opened`, an event that does not decode, and unreadable JSON in the middle
  /// (corruption) or at the end (a torn tail).
  @Test func streamAgreesOnCorruptionInTheSmallLog() throws {
    let directory = try TestDirectory()
    var kinds: [String: Int] = [:]
    let small = try FastPathLogs.small()
    for (_, log) in try FastPathCorruptions.cases(in: small, at: Array(0..<8), name: "small") {
      let expected = try FastPathStreams.expectSame(log, base: small, in: directory)
      let kind = expected.scan.corruption.map { DecoderTally.kind(of: $0.problem) } ?? "torn or clean"
      kinds[kind, default: 0] += 1
    }
    for kind in [
      "hashMismatch", "seqGap", "prevMismatch", "duplicateID", "misplacedLedgerOpened", "badEvent",
      "unreadable", "malformed", "torn or clean",
    ] {
      #expect(kinds[kind, default: 0] > 0, "no case gave \(kind)")
    }
  }

  /// The same in the demo's log, at its second, middle and last lines.
  @Test func streamAgreesOnCorruptionInTheDemo() throws {
    let directory = try TestDirectory()
    let demo = try FastPathLogs.demo()
    let count = FastPathLogs.lines(demo).count
    var corrupt = 0
    // At the last line, the kinds whose verdict there is a torn tail rather than corruption.
    let atEnd: Set<String> = ["unreadable", "unreadable then torn", "data changed", "empty", "hash changed"]
    for (index, kinds) in [(1, nil), (count / 2, nil), (count - 1, atEnd)] {
      for (_, log) in try FastPathCorruptions.cases(in: demo, at: [index], name: "demo", kinds: kinds) {
        let expected = try FastPathStreams.expectSame(log, base: demo, inFileToo: index == 1, in: directory)
        if expected.scan.corruption != nil { corrupt += 1 }
      }
    }
    #expect(corrupt > 25)
  }

  /// Lines either side of the end of a step of `LogStream` (the article's log) broken.
  @Test func streamAgreesOnCorruptionAcrossAStep() throws {
    let directory = try TestDirectory()
    let article = try FastPathLogs.article()
    let step = LogStream.linesPerStep
    let cases =
      try FastPathCorruptions.cases(
        in: article, at: [step - 1], name: "article", kinds: ["hash changed", "unreadable"])
      + FastPathCorruptions.cases(
        in: article, at: [step], name: "article", kinds: ["duplicate id", "seq gap"])
    #expect(cases.count == 4)
    for (name, log) in cases {
      let expected = try FastPathStreams.expectSame(
        log, base: article, inFileToo: name.hasSuffix("id"), in: directory)
      #expect(expected.scan.corruption != nil, "\(name)")
    }
  }

  @Test func streamAgreesOnOddShapes() throws {
    let directory = try TestDirectory()
    let small = try FastPathLogs.small()
    let first = FastPathLogs.lines(small)[0]
    let shapes: [[UInt8]] = [
      [], [0x0A], [0x0A, 0x0A], Array(small.dropLast()), first, first + [0x0A, 0x0A], [0x0A] + small,
      small + [0x0A], small + [0x0D], Array(small.dropLast()) + [0x0D, 0x0A], small + small,
      [0xEF, 0xBB, 0xBF] + small,
    ]
    for shape in shapes {
      try FastPathStreams.expectSame(shape, in: directory)
    }
  }

  /// More lines than one step of `LogStream` and more bytes than the file reader's 16 MB buffer,
  /// read from a file (a line straddles the buffer's end).
  @Test func streamAgreesOnALogLongerThanTheFileBuffer() throws {
    let directory = try TestDirectory()
    let log = try FastPathLogs.long()
    #expect(log.count > 1 << 24)
    let expected = try FastPathLogs.longReference()
    #expect(expected.scan.lines > LogStream.linesPerStep)
    #expect(expected.scan.validLength == log.count && expected.scan.corruption == nil)
    let fromFile = try FastPathStreams.streamedFromFile(log, in: directory)
    #expect(fromFile.scan == expected.scan)
    #expect(fromFile.records == expected.records)
  }

  /// The same log with a bad hash on the first line past the file reader's buffer, and torn.
  ///
  /// `LogReader.verify` of 17 MB takes seconds in a debug build, so the reference verdicts are put
  /// together from its verdict on the whole log and `LogLine.decode` of the changed lines.
  @Test func streamAgreesOnABrokenLogLongerThanTheFileBuffer() throws {
    let directory = try TestDirectory()
    let log = try FastPathLogs.long()
    let clean = try FastPathLogs.longReference()
    let lines = FastPathLogs.lines(log)
    // The first line that ends past 16 MB.
    var start = 0
    var index = 0
    while start + lines[index].count < 1 << 24 {
      start += lines[index].count + 1
      index += 1
    }
    var line = lines[index]
    line[line.count - 3] = line[line.count - 3] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
    var changed = lines
    changed[index] = line
    let decoded = line.withUnsafeBufferPointer { buffer in
      Result { () throws(LineProblem) -> EventRecord in try LogLine.decode(buffer) }
    }
    guard case .failure(let problem) = decoded else {
      Issue.record("the changed line still decodes")
      return
    }
    var expected = LogScan()
    expected.lines = index
    expected.validLength = start
    expected.headHash = clean.records[index - 1].hash
    expected.corruption = LogCorruption(line: index + 1, seq: index + 1, problem: problem)
    expected.ids = StoredTable(
      Dictionary(uniqueKeysWithValues: clean.records.prefix(index).map { ($0.id, $0.seq) }))
    let broken = try FastPathStreams.streamedFromFile(FastPathLogs.joined(changed), in: directory)
    #expect(broken.scan == expected)
    #expect(broken.records == Array(clean.records.prefix(index)))
    // Torn: the last line less its last 100 bytes.
    let last = lines[lines.count - 1]
    var tornScan = clean.scan
    tornScan.lines -= 1
    tornScan.validLength -= last.count + 1
    tornScan.headHash = clean.records[clean.records.count - 2].hash
    tornScan.ids[clean.records[clean.records.count - 1].id] = nil
    tornScan.tornTail = TornTail(
      line: lines.count, offset: tornScan.validLength, length: last.count + 1 - 100)
    let torn = try FastPathStreams.streamedFromFile(Array(log.dropLast(100)), in: directory)
    #expect(torn.scan == tornScan)
    #expect(torn.records == Array(clean.records.dropLast()))
  }

  /// `body` returning false stops the scan there: nothing after it is handed on, and the result says
  /// where it stopped.
  @Test func streamStopsWhenTheBodySaysSo() throws {
    let log = try FastPathLogs.article()
    let records = try FastPathLogs.records(log)
    let lines = FastPathLogs.lines(log)
    for stop in [
      1, 2, 100, LogStream.linesPerStep - 1, LogStream.linesPerStep, LogStream.linesPerStep + 1, 7_600,
    ] {
      var delivered: [EventRecord] = []
      let scan = log.withUnsafeBufferPointer { buffer in
        LogStream.scan(buffer) { record in
          delivered.append(record)
          return delivered.count < stop
        }
      }
      #expect(delivered == Array(records.prefix(stop)))
      var expected = LogScan()
      expected.lines = stop
      expected.validLength = lines.prefix(stop).reduce(0) { $0 + $1.count + 1 }
      expected.headHash = records[stop - 1].hash
      expected.stopped = true
      // The ids of the lines before the one that stopped it (that one's own is the known issue below).
      for record in records.prefix(stop - 1) { expected.ids[record.id] = record.seq }
      var found = scan
      found.ids[records[stop - 1].id] = nil
      #expect(found == expected)
    }
  }

  /// A line refused as a misplaced `ledger.opened` is not handed on, so its id is not in `ids`.
  @Test func streamIDsLeaveOutARefusedLedgerOpened() throws {
    let small = try FastPathLogs.small()
    let records = try FastPathLogs.records(small)
    let reopened = LogLine.encode(
      seq: 3, id: "reopen", at: records[2].at, actor: records[0].actor, event: records[0].event,
      prev: records[1].hash)
    let log = FastPathLogs.joined(Array(FastPathLogs.lines(small).prefix(2))) + reopened.bytes
    let scan = FastPathStreams.streamed(log).scan
    #expect(scan.corruption == LogCorruption(line: 3, seq: 3, problem: .misplacedLedgerOpened))
    #expect(scan.lines == 2)
    #expect(scan.ids == ["open": 1, "grant-zhao": 2])
  }

  /// `ids` is documented as every line handed on; the line whose `body` returned false was handed on.
  @Test func streamIDsIncludeTheLineThatStopped() throws {
    let log = try FastPathLogs.small()
    let records = try FastPathLogs.records(log)
    let scan = log.withUnsafeBufferPointer { buffer in LogStream.scan(buffer) { $0.seq < 3 } }
    #expect(scan.lines == 3 && scan.stopped)
    #expect(
      scan.ids.dictionary == Dictionary(uniqueKeysWithValues: records.prefix(3).map { ($0.id, $0.seq) }))
  }
}

// MARK: - Audit against ReferenceAudit

extension FastPathTests {
  @Test func auditAgreesOnCleanLogs() throws {
    let directory = try TestDirectory()
    for log in try [FastPathLogs.small(), FastPathLogs.demo(), FastPathLogs.article()] {
      let report = Audit.run(log)
      #expect(report == ReferenceAudit.run(log))
      #expect(report.failure == nil && report.events == FastPathLogs.lines(log).count)
      let path = directory.file("audit.jsonl")
      try Data(log).write(to: URL(fileURLWithPath: path))
      #expect(try Audit.run(LogFile.openForReading(path)).report == report)
    }
  }

  /// Every broken chain of the stream tests in the small log, torn tails and committed lengths: the
  /// logs follow the rules up to the bad line, so both audits name the same line.
  @Test func auditAgreesOnBrokenChainsInTheSmallLog() throws {
    let small = try FastPathLogs.small()
    var logs = try FastPathCorruptions.cases(in: small, at: Array(0..<8), name: "small")
      .map { (name: $0.name, log: $0.log, committed: Int?.none) }
    for cut in stride(from: small.count - 700, to: small.count, by: 3) {
      logs.append(("small cut at \(cut)", Array(small[..<cut]), nil))
    }
    for committed in stride(from: 0, to: small.count + 10, by: 37) {
      logs.append(("small committed \(committed)", small + Array("{\"se".utf8), committed))
    }
    var failures = 0
    for (name, log, committed) in logs {
      let report = Audit.run(log, committedLength: committed)
      let reference = ReferenceAudit.run(log, committedLength: committed)
      #expect(report == reference, "\(name)")
      if report.failure != nil { failures += 1 }
    }
    #expect(failures > 80)
  }

  /// The same in the middle of the demo's log, and across a step of `LogStream` in the article's.
  @Test func auditAgreesOnBrokenChainsInLongerLogs() throws {
    let demo = try FastPathLogs.demo()
    let middle = FastPathLogs.lines(demo).count / 2
    var logs = try FastPathCorruptions.cases(in: demo, at: [middle], name: "demo")
    let step = LogStream.linesPerStep
    logs += try FastPathCorruptions.cases(
      in: try FastPathLogs.article(), at: [step], name: "article", kinds: ["duplicate id"])
    #expect(logs.count > 12)
    for (name, log) in logs {
      let report = Audit.run(log)
      #expect(report == ReferenceAudit.run(log), "\(name)")
      #expect(report.failure != nil, "\(name)")
    }
  }

  /// With a broken chain, the audit gives no totals (zero), as the old one did, though it has replayed
  /// the lines before the bad one.
  @Test func auditTotalsAfterABrokenChain() throws {
    let demo = try FastPathLogs.demo()
    let lines = FastPathLogs.lines(demo)
    var changed = lines
    changed[lines.count - 1][changed[lines.count - 1].count - 3] ^= 0x01
    let log = FastPathLogs.joined(changed)
    let report = Audit.run(log)
    #expect(report.failure?.line == lines.count && report.events == lines.count - 1)
    #expect(report == ReferenceAudit.run(log))
    #expect(report.issued == .zero && report.accounts == 0)
  }

  /// Logs whose chain is valid but whose events break the rules: a confirmation's points changed, a
  /// transfer that overdraws, a role grant removed; alone, after a committed length, and followed by
  /// a broken line (where the new audit names the earlier line, the rule, and the old the chain).
  @Test func auditAgreesOnRuleBreaks() throws {
    let directory = try TestDirectory()
    let records = try FastPathLogs.records(try FastPathLogs.demo())
    let confirmation = try #require(
      records.firstIndex { if case .serviceConfirmed = $0.event { true } else { false } })
    let transfer = try #require(
      records.firstIndex { if case .pointsTransferred = $0.event { true } else { false } })
    let grant = try #require(records.firstIndex { if case .roleGranted = $0.event { true } else { false } })
    var cases: [(name: String, log: [UInt8], line: Int)] = []
    cases.append(
      (
        "confirmation's points changed",
        FastPathLogs.chain(records) { index, record in
          guard index == confirmation, case .serviceConfirmed(let id, let points) = record.event else {
            return
          }
          record.event = .serviceConfirmed(record: id, points: points + Points(hundredths: 1))
        }, confirmation + 1
      ))
    cases.append(
      (
        "transfer overdraws",
        FastPathLogs.chain(records) { index, record in
          guard index == transfer, case .pointsTransferred(let from, let to, _, let memo) = record.event
          else { return }
          record.event = .pointsTransferred(
            from: from, to: to, points: Points(hundredths: 999_999), memo: memo)
        }, transfer + 1
      ))
    var withoutGrant = records
    withoutGrant.remove(at: grant)
    let firstByGrantee = try #require(
      withoutGrant.firstIndex { record in
        guard case .roleGranted(let actor, _, _) = records[grant].event else { return false }
        return record.actor == actor
      })
    cases.append(("role grant removed", FastPathLogs.chain(withoutGrant), firstByGrantee + 1))
    for (name, log, line) in cases {
      let report = Audit.run(log)
      #expect(report == ReferenceAudit.run(log), "\(name)")
      guard case .rule? = report.failure?.problem, report.failure?.line == line else {
        Issue.record(
          "\(name): expected a rule broken at line \(line), got \(String(describing: report.failure))")
        continue
      }
      let path = directory.file("audit.jsonl")
      try Data(log).write(to: URL(fileURLWithPath: path))
      #expect(try Audit.run(LogFile.openForReading(path)).report == report, "\(name)")
      // Cut before the bad line by a batch journal: clean up to there.
      let lines = FastPathLogs.lines(log)
      let before = lines.prefix(line - 1).reduce(0) { $0 + $1.count + 1 }
      let committed = Audit.run(log, committedLength: before)
      #expect(committed == ReferenceAudit.run(log, committedLength: before), "\(name)")
      #expect(committed.failure == nil && committed.tornTail?.offset == before, "\(name)")
      // A broken chain later on: the new audit names the rule, the old one the chain.
      for later in [line, line + 1, lines.count] where later < lines.count || later == lines.count {
        var changed = lines
        changed[later - 1][changed[later - 1].count - 3] ^= 0x01
        let broken = FastPathLogs.joined(changed)
        let new = Audit.run(broken)
        let old = ReferenceAudit.run(broken)
        if later == line {
          // The bad line is itself broken: the chain problem comes first in both.
          #expect(
            new == old, "\(name), hash of line \(later) changed")
          continue
        }
        #expect(old.failure?.line == later, "\(name), hash of line \(later) changed")
        #expect(new.failure?.line == line && new.failure?.line != old.failure?.line, "\(name)")
        // The new report is the old audit's of the lines before the broken one.
        var expected = ReferenceAudit.run(
          Array(broken[..<changed.prefix(later - 1).reduce(0) { $0 + $1.count + 1 }]))
        expected.bytes = broken.count
        #expect(new == expected, "\(name), hash of line \(later) changed")
      }
    }
  }

  /// The replay runs a batch of lines behind the scan, on a thread of its own: a line whose actor holds
  /// no role (refused by the rules whatever its event) just before, at and after the batch boundaries
  /// of the article's log (7,600 lines, four batches) is named at its line, with the same report as
  /// the old audit, and so it is when the chain breaks a batch later.
  @Test func auditAgreesOnRuleBreaksAcrossReplayBatches() throws {
    let records = try FastPathLogs.records(try FastPathLogs.article())
    let batch = Audit.replayBatchSize
    #expect(records.count > 3 * batch)
    for index in [batch - 2, batch - 1, batch, batch + 1, 2 * batch + 1, 3 * batch + 7] {
      let log = FastPathLogs.chain(records) { position, record in
        if position == index { record.actor = ActorID("nobody-\(index)") }
      }
      let report = Audit.run(log)
      guard case .rule? = report.failure?.problem, report.failure?.line == index + 1 else {
        Issue.record("line \(index + 1): expected a rule broken, got \(String(describing: report.failure))")
        continue
      }
      #expect(report == ReferenceAudit.run(log), "line \(index + 1)")
      // A broken hash one batch later: the earlier line, and its rule, is still what the audit names.
      var lines = FastPathLogs.lines(log)
      let later = min(index + batch, lines.count - 1)
      lines[later][lines[later].count - 3] ^= 0x01
      #expect(Audit.run(FastPathLogs.joined(lines)).failure == report.failure, "line \(index + 1)")
    }
  }

  /// The state the audit hands back, replayed on a thread of its own in batches, is the state of
  /// replaying the lines one by one, on the article's log of four batches.
  @Test func auditStateEqualsAPlainReplay() throws {
    let log = try FastPathLogs.article()
    let directory = try TestDirectory()
    let path = directory.file("article.jsonl")
    try Data(log).write(to: URL(fileURLWithPath: path))
    let (report, state) = try Audit.run(LogFile.openForReading(path), keepingIndexes: true)
    #expect(report.isClean && report.events > 3 * Audit.replayBatchSize)
    let expected = LedgerState(replaying: try FastPathLogs.records(log))
    #expect(state == expected)
    #expect(state.records.count == expected.records.count && state.ids.count == expected.ids.count)
    // By default the audit keeps fingerprints of the ids, not the ids, and no posting lines: the rest
    // of the state is the same.
    var lean = try Audit.run(LogFile.openForReading(path))
    #expect(lean.report == report && lean.state.ids.isEmpty)
    #expect(lean.state.accounts.allSatisfy { $0.value.postingSeqs.isEmpty })
    #expect(expected.accounts.contains { !$0.value.postingSeqs.isEmpty })
    lean.state.ids = expected.ids
    for (account, totals) in expected.accounts { lean.state.accounts[account]?.postingSeqs = totals.postingSeqs }
    #expect(lean.state == expected)
  }

  /// The totals the audit works out once at its end instead of line by line (the points pending records
  /// would earn, the minutes confirmed per member) come out as a replay keeps them, also across policy
  /// changes, after which a replay works the pending points out afresh.
  @Test func auditSettlesTheTotalsAsAReplayKeepsThem() throws {
    var records = try FastPathLogs.records(try FastPathLogs.demo())
    // Cut just after the last service recorded, so that a record is still pending at the end.
    let last = try #require(records.lastIndex { if case .serviceRecorded = $0.event { true } else { false } })
    records = Array(records.prefix(last + 1))
    let admin = records[0].actor
    for (index, rate) in [(records.count * 2 / 3, 300), (records.count / 3, 200)] {
      // In force from a date after every record's, so that the points confirmed later still agree.
      let change = Event.policyChanged(
        effective: try TestSupport.date("2099-01-01"),
        policy: Policy(pointsPerHour: Points(hundredths: Int64(rate) * 100)))
      records.insert(
        EventRecord(
          seq: 0, id: "policy-\(rate)", at: records[index].at, actor: admin, event: change, prev: "", hash: ""),
        at: index)
    }
    let log = FastPathLogs.chain(records)
    let directory = try TestDirectory()
    let path = directory.file("demo-policies.jsonl")
    try Data(log).write(to: URL(fileURLWithPath: path))
    var (report, state) = try Audit.run(LogFile.openForReading(path))
    let expected = LedgerState(replaying: try FastPathLogs.records(log))
    #expect(report.isClean && expected.policies.count == 3)
    // Pending points both owed and settled to zero, and minutes confirmed, for the comparison to bite.
    #expect(expected.pendingPoints.contains { $0.value > .zero })
    #expect(expected.pendingPoints.contains { $0.value == .zero })
    #expect(expected.members.contains { $0.value.confirmedMinutes > .zero })
    #expect(state.pendingPoints == expected.pendingPoints)
    #expect(state.members == expected.members)
    state.ids = expected.ids
    for (account, totals) in expected.accounts { state.accounts[account]?.postingSeqs = totals.postingSeqs }
    #expect(state == expected)
  }

  /// The audit keeps the roles of the actor of the line before while the same actor writes on; a line
  /// that changes the actor's own roles must not leave the old ones kept. An admin who gives up the role
  /// (another admin named first) and then creates a team is refused there; one who takes a
  /// coordinator's role may then record a party activity on the next line (which an admin alone may
  /// not), as the reference audit says.
  @Test func auditSeesAnActorsOwnRoleChangeOnTheNextLine() throws {
    let records = try FastPathLogs.records(try FastPathLogs.demo())
    let admin = records[0].actor
    let at = try #require(records.last).at
    func line(_ id: String, _ event: Event) -> EventRecord {
      EventRecord(seq: 0, id: id, at: at, actor: admin, event: event, prev: "", hash: "")
    }
    let team = Event.teamCreated(team: TeamID("new-team"), name: "新队", kind: .serviceTeam)
    let givenUp =
      records + [
        line("grant-admin-2", .roleGranted(actor: ActorID("admin-2"), role: .admin, scope: .all)),
        line("give-up", .roleRevoked(actor: admin, role: .admin, scope: .all)),
        line("team", team),
      ]
    let refused = FastPathLogs.chain(givenUp)
    let report = Audit.run(refused)
    #expect(report.failure?.line == records.count + 3)
    guard case .rule(.notAuthorised)? = report.failure?.problem else {
      Issue.record("expected a refusal for want of the admin role, got \(String(describing: report.failure))")
      return
    }
    #expect(report == ReferenceAudit.run(refused))
    // Taken back on the next line by another admin: the same line is then accepted.
    let retaken =
      records + [
        line("grant-admin-2", .roleGranted(actor: ActorID("admin-2"), role: .admin, scope: .all)),
        line("give-up", .roleRevoked(actor: admin, role: .admin, scope: .all)),
        EventRecord(
          seq: 0, id: "back", at: at, actor: ActorID("admin-2"),
          event: .roleGranted(actor: admin, role: .admin, scope: .all), prev: "", hash: ""),
        line("team", team),
      ]
    let accepted = FastPathLogs.chain(retaken)
    #expect(Audit.run(accepted).isClean && ReferenceAudit.run(accepted).isClean)
    // A coordinator's role taken, then used on the next line.
    let activity = try #require(
      records.first { if case .partyActivityRecorded = $0.event { true } else { false } })
    let recorded = line("party", activity.event)
    let withoutRole = FastPathLogs.chain(records + [recorded])
    #expect(Audit.run(withoutRole).failure?.line == records.count + 1)
    let withRole = FastPathLogs.chain(
      records + [line("coordinate", .roleGranted(actor: admin, role: .coordinator, scope: .all)), recorded])
    #expect(Audit.run(withRole).isClean && ReferenceAudit.run(withRole).isClean)
  }

  /// A rule broken, then a torn tail: the old audit reported both.
  @Test func auditReportsATornTailAfterABrokenRule() throws {
    let records = try FastPathLogs.records(try FastPathLogs.demo())
    let transfer = try #require(
      records.firstIndex { if case .pointsTransferred = $0.event { true } else { false } })
    let log =
      FastPathLogs.chain(records) { index, record in
        guard index == transfer, case .pointsTransferred(let from, let to, _, let memo) = record.event else {
          return
        }
        record.event = .pointsTransferred(
          from: from, to: to, points: Points(hundredths: 999_999), memo: memo)
      } + Array("{\"seq\":".utf8)
    let report = Audit.run(log)
    let reference = ReferenceAudit.run(log)
    #expect(reference.tornTail != nil && reference.failure?.line == transfer + 1)
    #expect(report.failure == reference.failure)
    #expect(report == reference)
  }

  /// Checkpoints right, wrong and beyond the end, on the small log clean, torn, cut by a batch journal,
  /// cut short and broken, and on the demo's log.
  @Test func auditAgreesOnCheckpoints() throws {
    var checkpointFailures = 0
    for log in try [FastPathLogs.small(), FastPathLogs.demo()] {
      let records = try FastPathLogs.records(log)
      let count = records.count
      func right(_ seq: Int) -> Checkpoint { Checkpoint(seq: seq, hash: records[seq - 1].hash) }
      func wrong(_ seq: Int) -> Checkpoint { Checkpoint(seq: seq, hash: records[seq % count].hash) }
      let beyond = Checkpoint(seq: count + 1, hash: records[0].hash)
      var lists: [[Checkpoint]] = [
        [], [right(1), right(count / 2), right(count)], [wrong(count / 2)], [beyond], [right(count), beyond],
      ]
      let lines = FastPathLogs.lines(log)
      let half = lines.prefix(count / 2).reduce(0) { $0 + $1.count + 1 }
      var variants: [(name: String, log: [UInt8], committed: Int?)] = [("clean", log, nil)]
      if count < 100 {
        lists += [
          [right(1)], [right(count)], [wrong(1)], [wrong(count)], [right(3), wrong(count / 2)],
          [wrong(count / 2), right(3)], [Checkpoint(seq: count + 1_000, hash: LogLine.genesisHash)],
        ]
        var hashChanged = lines
        hashChanged[count / 3][hashChanged[count / 3].count - 3] ^= 0x01
        variants += [
          ("torn", log + Array("{\"seq\"".utf8), nil), ("committed half", log, half),
          ("cut in half", Array(log[..<half]), nil), ("broken", FastPathLogs.joined(hashChanged), nil),
        ]
      }
      for (name, log, committed) in variants {
        for list in lists {
          let report = Audit.run(log, committedLength: committed, expecting: list)
          let reference = ReferenceAudit.run(log, committedLength: committed, expecting: list)
          #expect(
            report == reference,
            "\(name), \(list.map { "\($0.seq)" })")
          if case .checkpoint? = report.failure?.problem { checkpointFailures += 1 }
        }
      }
    }
    #expect(checkpointFailures > 15)
  }
}

// MARK: - The hot events' data

extension FastPathTests {
  /// Every kind of hot event the writer writes, with edge values (the largest and smallest amounts
  /// and integers, multibyte text, each optional member present and absent): the data reader takes
  /// each one, and gives the event written and what the reference reads.
  @Test func hotEventReaderTakesEveryHotEventTheWriterWrites() throws {
    var tally = DecoderTally()
    var taken: [FastLineDecoder.HotType: Int] = [:]
    var refused: [String] = []
    for event in try FastPathHotEvents.events() {
      let line = try FastPathHotEvents.line(event)
      tally.check(line)
      let hot = try #require(FastPathHotEvents.hotType(of: event))
      let decoded = FastPathHotEvents.fastData(line, as: hot)
      if decoded == event {
        taken[hot, default: 0] += 1
      } else if refused.count < 10 {
        refused.append("\(String(decoding: line, as: UTF8.self)): \(decoded.map { "\($0)" } ?? "nil")")
      }
      let record = line.withUnsafeBufferPointer { FastLineDecoder.decode($0) }
      #expect(record?.event == event)
    }
    #expect(refused == [])
    #expect(tally.disagreements == [])
    #expect(tally.fastAccepted == tally.lines && tally.referenceAccepted == tally.lines)
    for hot in FastLineDecoder.HotType.allCases { #expect(taken[hot, default: 0] > 20, "\(hot)") }
    #expect(tally.lines > 800)
  }

  /// What the writer escapes (quotes, backslashes, control characters) is left to the general
  /// reader, which reads it as the reference does.
  @Test func hotEventReaderLeavesEscapesToTheGeneralReader() throws {
    let member = MemberID("m1")
    let texts = ["say \"hi\"", "back\\slash", "tab\there", "new\nline", "\u{01}", "end\u{1F}"]
    var tally = DecoderTally()
    for text in texts {
      let events: [Event] = [
        .pointsTransferred(from: .member(member), to: .issued, points: Points(hundredths: 5), memo: text),
        .serviceConfirmed(record: RecordID(text), points: Points(hundredths: 5)),
        .rewardRedeemed(account: .redeemed, item: ItemID(text), quantity: 1, points: Points(hundredths: 5)),
        .serviceRecorded(
          ServiceEntry(
            member: member, date: try TestSupport.date("2025-06-30"), minutes: Minutes(60), category: text)),
      ]
      for event in events {
        let line = try FastPathHotEvents.line(event)
        tally.check(line)
        let hot = try #require(FastPathHotEvents.hotType(of: event))
        #expect(FastPathHotEvents.fastData(line, as: hot) == nil)
        #expect(line.withUnsafeBufferPointer { FastLineDecoder.decode($0) }?.event == event)
      }
    }
    #expect(tally.disagreements == [])
    #expect(tally.fastAccepted == tally.lines)
  }

  /// Every single-byte change, deletion and insertion (of a set of bytes that matter to JSON, to the
  /// field rules and to UTF-8) in the `data` of hot lines, re-hashed so the event is decoded: whatever
  /// the data reader accepts, the reference accepts as the same event, line by line and `data` alone.
  @Test func hotEventReaderAgreesOnMutatedData() throws {
    var tally = DecoderTally()
    var data = FastPathHotEvents.DataTally()
    for line in try FastPathHotEvents.specimenLines() {
      let original = try #require(line.withUnsafeBufferPointer { FastLineDecoder.decode($0) })
      let hot = try #require(FastPathHotEvents.hotType(of: original.event))
      let range = try #require(FastPathHotEvents.dataRange(of: line))
      for position in range {
        let here = line[position]
        let values = Set(FastPathHotEvents.mutationBytes + [here &+ 1, here &- 1]).subtracting([here])
        for mutation in FastPathHotEvents.mutations(of: line, at: position, values: values.sorted()) {
          let rehashed = FastPathLogs.rehashed(mutation)
          tally.check(rehashed)
          data.check(rehashed, as: hot)
        }
      }
    }
    #expect(tally.disagreements == [])
    #expect(data.disagreements == [])
    #expect(tally.lines > 40_000)
    // Mutations the data reader still takes (another digit, another character), and ones it leaves
    // to the general reader that the reference accepts all the same (an escape made of a `\` put
    // before a letter, `-0`).
    #expect(data.fastAccepted > 2_000)
    #expect(data.referenceOnly > 5)
    for kind in ["accepted", "unreadable", "badEvent"] {
      #expect(tally.kinds[kind, default: 0] > 0, "no mutation was \(kind)")
    }
  }

  /// Logs from the benchmark's generator (what `timebank-bench generate` writes through the real
  /// append path): both readers agree on every line, and the data reader takes at least 90% of them.
  @Test func hotEventReaderTakesMostOfABenchmarkLog() throws {
    let directory = try TestDirectory()
    let path = directory.file("bench.jsonl")
    let run = try BenchBinary.run(
      "timebank-bench", ["generate", "--events", "40000", "--seed", "5", "--out", path])
    try #require(run.exitCode == 0, "generate failed: \(run)")
    var tally = DecoderTally()
    var data = FastPathHotEvents.DataTally()
    var types: Set<String> = []
    for line in FastPathLogs.lines(try TestSupport.bytes(of: path)) {
      tally.check(line)
      guard let record = line.withUnsafeBufferPointer({ try? LogLine.decode($0) }) else { continue }
      types.insert(record.event.typeName)
      if let hot = FastPathHotEvents.hotType(of: record.event) { data.check(line, as: hot) }
    }
    #expect(tally.disagreements == [])
    #expect(data.disagreements == [])
    #expect(tally.referenceAccepted == tally.lines && tally.fastAccepted == tally.lines)
    #expect(tally.lines >= 40_000)
    #expect(Double(data.fastAccepted) >= 0.9 * Double(tally.lines), "\(data.fastAccepted) of \(tally.lines)")
    #expect(data.referenceOnly == 0)
    #expect(types.count > 10)
  }

  // MARK: The rules the two readers share

  /// `FixedPoint.isFormatted` says yes exactly to the bytes `FixedPoint.format` writes for the value.
  @Test func isFormattedAgreesWithFormat() {
    var values: [Int64] = Array(-2_000...2_000)
    var power: Int64 = 1
    for _ in 0...18 {
      values += [power - 1, power, power + 1, -power + 1, -power, -power - 1]
      if power <= Int64.max / 10 { power *= 10 }
    }
    values += [
      Int64.max, Int64.min, Int64.min + 1, FixedPoint.limit, -FixedPoint.limit, FixedPoint.limit + 1,
      Points.maximum.hundredths, Points.maximum.hundredths + 1, -Points.maximum.hundredths,
    ]
    var wrong: [String] = []
    for decimals in 0...3 {
      for value in values {
        let text = FixedPoint.format(value, decimals: decimals)
        Array(text.utf8).withUnsafeBufferPointer { bytes in
          if !FixedPoint.isFormatted(bytes, value: value, decimals: decimals) {
            wrong.append("\(value) \(decimals) \(text) refused")
          }
          for other in [value &+ 1, value &- 1, 0 &- value, value &* 10]
          where other != value && FixedPoint.isFormatted(bytes, value: other, decimals: decimals) {
            wrong.append("\(text) accepted for \(other)")
          }
        }
      }
    }
    // Every text of up to five bytes from an alphabet that spells numbers, right and wrong.
    let alphabet = Array("019.-+ ".utf8)
    var texts: [[UInt8]] = [[]]
    var layer: [[UInt8]] = [[]]
    for _ in 1...5 {
      layer = layer.flatMap { prefix in alphabet.map { prefix + [$0] } }
      texts += layer
    }
    for decimals in 0...2 {
      for bytes in texts {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = FixedPoint.parse(text, decimals: decimals) else { continue }
        let formatted = bytes.withUnsafeBufferPointer {
          FixedPoint.isFormatted($0, value: value, decimals: decimals)
        }
        if formatted != (FixedPoint.format(value, decimals: decimals) == text) {
          wrong.append("\(text) \(decimals): isFormatted says \(formatted)")
        }
      }
    }
    #expect(texts.count > 19_000)
    #expect(Array(wrong.prefix(10)) == [])
  }

  /// `FieldReader.points` is the rule the log has always had: `Points(text)`, printed back the same,
  /// at most `Points.maximum`.
  @Test func pointsRuleIsTheWriterRoundTrip() {
    let alphabet = Array("0159.-+".utf8)
    var texts: [String] = [
      "10000000000.00", "10000000000.01", "-10000000000.00", "-10000000000.01", "9999999999.99",
      "0.00", "-0.00", "00.00", "+1.00", "1.0", "1.000", ".50", "1.", "1e2", "１.00", "1.00 ", "",
      "1000000000000000.00", "10000000000000000.00",
    ]
    var layer: [[UInt8]] = [[]]
    for _ in 1...6 {
      layer = layer.flatMap { prefix in alphabet.map { prefix + [$0] } }
      texts += layer.map { String(decoding: $0, as: UTF8.self) }
    }
    var wrong: [String] = []
    for text in texts {
      let expected = Points(text).flatMap { points in
        points.description == text && points.hundredths.magnitude <= Points.maximum.hundredths.magnitude
          ? points : nil
      }
      var copy = text
      let actual = copy.withUTF8 { try? FieldReader.points($0) }
      if actual != expected { wrong.append("\(text): \(String(describing: actual))") }
    }
    #expect(texts.count > 100_000)
    #expect(Array(wrong.prefix(10)) == [])
  }

  /// The ASCII shortcut of `IdentifierSyntax.problem(with:)` words every ASCII text as the
  /// character-by-character reading does.
  @Test func identifierASCIIPathAgreesWithTheUnicodePath() {
    var texts: [[UInt8]] = [[]]
    for first in 0..<128 {
      texts.append([UInt8(first)])
      for second in 0..<128 { texts.append([UInt8(first), UInt8(second)]) }
    }
    for base in ["m00561", "a-b_c.d", String(repeating: "x", count: 64), String(repeating: "y", count: 63)] {
      texts += FastPathHotEvents.asciiNeighbours(of: Array(base.utf8))
    }
    var wrong: [String] = []
    for bytes in texts {
      let text = String(decoding: bytes, as: UTF8.self)
      let ascii = bytes.withUnsafeBufferPointer { IdentifierSyntax.problem(ascii: $0) }
      let unicode = IdentifierSyntax.problem(unicode: text)
      if ascii != unicode || IdentifierSyntax.problem(with: text) != unicode {
        wrong.append(
          "\(text.debugDescription): \(String(describing: ascii)) vs \(String(describing: unicode))")
      }
    }
    #expect(texts.count > 16_000)
    #expect(Array(wrong.prefix(10)) == [])
  }

  /// The ASCII shortcut of `AccountID(_:)` reads every ASCII text as the character-by-character
  /// reading does; non-ASCII text (a combining mark after `member:`, Chinese ids) takes the latter.
  @Test func accountASCIIPathAgreesWithTheUnicodePath() {
    var texts: [[UInt8]] = []
    for base in [
      "@issued", "@redeemed", "member:m1", "card:yard8", "member:" + String(repeating: "x", count: 64),
      "member:", "card:", "member:a", "card::",
    ] {
      texts += FastPathHotEvents.asciiNeighbours(of: Array(base.utf8))
    }
    var wrong: [String] = []
    for bytes in texts {
      let text = String(decoding: bytes, as: UTF8.self)
      let ascii = bytes.withUnsafeBufferPointer { AccountID(ascii: $0) }
      let fromBytes = bytes.withUnsafeBufferPointer { AccountID(utf8: $0) }
      let unicode = AccountID(unicode: text)
      if ascii != unicode || fromBytes != unicode || AccountID(text) != unicode {
        wrong.append(
          "\(text.debugDescription): \(String(describing: ascii)) vs \(String(describing: unicode))")
      }
    }
    for text in [
      "member:张三", "member:\u{301}m1", "member:m1\u{200B}", "card:卡", "@issued\u{301}", "member\u{301}:m1",
    ] {
      let fromBytes = Array(text.utf8).withUnsafeBufferPointer { AccountID(utf8: $0) }
      if fromBytes != AccountID(unicode: text) || AccountID(text) != AccountID(unicode: text) {
        wrong.append(text.debugDescription)
      }
    }
    #expect(AccountID("member:\u{301}m1") == nil)
    #expect(AccountID("member:张三") == .member(MemberID("张三")))
    #expect(texts.count > 10_000)
    #expect(Array(wrong.prefix(10)) == [])
  }
}

/// Hot events built with the model's initializers and written by `LogLine.encode`, and the data
/// reader held to the reference on their `data`.
enum FastPathHotEvents {
  static func hotType(of event: Event) -> FastLineDecoder.HotType? {
    FastLineDecoder.HotType.allCases.first { $0.typeName == event.typeName }
  }

  /// `event` as the writer writes it at `seq` 2, without its `\n`.
  static func line(_ event: Event, id: String = "e-1") throws -> [UInt8] {
    let at = try TestSupport.time("2025-06-30T18:00:00+08:00")
    let written = LogLine.encode(
      seq: 2, id: id, at: at, actor: ActorID("li"), event: event, prev: LogLine.genesisHash)
    return Array(written.bytes.dropLast())
  }

  /// Where `data` is in a line: from after the first `,"data":` to where a canonical `prev` starts.
  static func dataRange(of line: [UInt8]) -> Range<Int>? {
    let marker = Array(",\"data\":".utf8)
    let end = line.count - FastPathLogs.trailerLength
    guard end > marker.count else { return nil }
    let start = line.withUnsafeBufferPointer { bytes in
      (0..<(end - marker.count)).first { start in
        bytes[start] == marker[0] && bytes[start + 1] == marker[1] && bytes[start + 2] == marker[2]
          && bytes[start + 3] == marker[3] && bytes[start + 4] == marker[4] && bytes[start + 5] == marker[5]
          && bytes[start + 6] == marker[6] && bytes[start + 7] == marker[7]
      }
    }
    guard let start else { return nil }
    return (start + marker.count)..<end
  }

  /// What the data reader makes of the `data` of `line`, read as `type`.
  static func fastData(_ line: [UInt8], as type: FastLineDecoder.HotType) -> Event? {
    guard let range = dataRange(of: line) else { return nil }
    return line.withUnsafeBufferPointer {
      FastLineDecoder.event(type, data: UnsafeBufferPointer(rebasing: $0[range]))
    }
  }

  /// What the reference makes of the same bytes: `JSONScanner`, then `Event(typeName:data:)`.
  static func referenceData(_ line: [UInt8], as type: FastLineDecoder.HotType) -> Event? {
    guard let range = dataRange(of: line),
      case .object(let object)? = try? JSONScanner.parse(Array(line[range]))
    else { return nil }
    return try? Event(typeName: type.typeName, data: object)
  }

  /// The data reader and the reference on the `data` of lines.
  struct DataTally {
    var fastAccepted = 0
    /// Read by the reference and left by the data reader to the general one.
    var referenceOnly = 0
    var disagreements: [String] = []

    mutating func check(_ line: [UInt8], as type: FastLineDecoder.HotType) {
      let fast = fastData(line, as: type)
      let reference = referenceData(line, as: type)
      if let fast {
        fastAccepted += 1
        if fast != reference, disagreements.count < 10 {
          disagreements.append(
            "\(String(decoding: line, as: UTF8.self).debugDescription): data reader \(fast), reference "
              + (reference.map { "\($0)" } ?? "refuses"))
        }
      } else if reference != nil {
        referenceOnly += 1
      }
    }
  }

  /// Bytes put in place of, and before, each byte of `data`: JSON's punctuation, digits and signs,
  /// letters of `true`/`null`/exponents, bytes the identifier and account rules care about, control
  /// characters, and lead and continuation bytes of UTF-8 at the edges of their ranges.
  static let mutationBytes: [UInt8] =
    Array("\"\\,:{}[]-+.0159aefmnrtuE @/".utf8) + [
      0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC3, 0xE4, 0xED, 0xF0, 0xF4, 0xFF,
    ]

  /// `bytes`, and it with each byte deleted, replaced by every ASCII byte, and every ASCII byte put
  /// before each byte and at the end.
  static func asciiNeighbours(of bytes: [UInt8]) -> [[UInt8]] {
    var result = [bytes]
    for position in 0...bytes.count { result += mutations(of: bytes, at: position, values: 0..<UInt8(128)) }
    return result
  }

  /// `bytes` with the byte at `position` deleted, then for each of `values` that byte replaced by it
  /// (when it differs) and it put before that byte (or at the end, when `position` is the count).
  static func mutations(of bytes: [UInt8], at position: Int, values: some Sequence<UInt8>) -> [[UInt8]] {
    var result: [[UInt8]] = []
    if position < bytes.count {
      var deleted = bytes
      deleted.remove(at: position)
      result.append(deleted)
    }
    for value in values {
      if position < bytes.count, value != bytes[position] {
        var changed = bytes
        changed[position] = value
        result.append(changed)
      }
      var inserted = bytes
      inserted.insert(value, at: position)
      result.append(inserted)
    }
    return result
  }

  /// Hot events with edge values: amounts from `-Points.maximum` to `Points.maximum`, integers to
  /// the rules' limit, Chinese and four-byte text, 64-byte ids, every optional member present and
  /// absent. The values need not pass the ledger's rules: the decoder reads what the writer wrote.
  static func events() throws -> [Event] {
    let ids = [
      "m1", "m00561", "张三", "a-b_c.d", String(repeating: "x", count: 64), String(repeating: "张", count: 21),
    ]
    let accounts: [AccountID] =
      [.issued, .redeemed] + ids.map { .member(MemberID($0)) }
      + ["yard8", "卡", "企业-1"].map { .card(CardID($0)) }
    let amounts = [
      0, 1, -1, 99, 100, 101, 1_250, -1_234, 1_000_000, Points.maximum.hundredths - 1,
      Points.maximum.hundredths,
      -Points.maximum.hundredths,
    ].map(Points.init(hundredths:))
    let integers = [0, 1, -1, 9, 10, 59, 60, 1_000, 999_999_999, 1_000_000_000, -1_000_000_000]
    let texts = [
      "助老", "x", "", "院落集体奖励", "say hi, 1+1=2 {ok} [ok] :/@- 'quoted'", "😀 é ß ꙮ \u{FFFD} \u{10FFFF}",
      String(repeating: "长", count: 200), "\u{7F}", "e\u{301}", "null", "true",
    ]
    let dates = try ["0001-01-01", "2020-02-29", "9999-12-31", "2025-06-30"].map { try TestSupport.date($0) }
    var events: [Event] = []

    // service.recorded: each optional member present and absent, then each value varied alone.
    let member = MemberID("m00561")
    func entry(
      member: MemberID = member, date: LocalDate = dates[3], minutes: Int = 90, category: String = "助老",
      team: TeamID? = TeamID("elder"), served: Int = 2, place: String? = "1号院", creditTo: AccountID? = nil,
      note: String? = nil, replaces: RecordID? = nil
    ) -> Event {
      .serviceRecorded(
        ServiceEntry(
          member: member, date: date, minutes: Minutes(minutes), category: category, team: team,
          peopleServed: served, place: place, creditTo: creditTo, note: note, replaces: replaces))
    }
    for mask in 0..<32 {
      events.append(
        entry(
          team: mask & 1 != 0 ? TeamID("队") : nil, place: mask & 2 != 0 ? "12号院" : nil,
          creditTo: mask & 4 != 0 ? .card(CardID("yard8")) : nil, note: mask & 8 != 0 ? "补录😀" : nil,
          replaces: mask & 16 != 0 ? RecordID("s-1") : nil))
    }
    events += ids.map { entry(member: MemberID($0)) }
    events += dates.map { entry(date: $0) }
    events += integers.map { entry(minutes: $0) } + integers.map { entry(served: $0) }
    events +=
      texts.map { entry(category: $0) } + texts.map { entry(place: $0) } + texts.map { entry(note: $0) }
    events += ids.map { entry(team: TeamID($0)) } + ids.map { entry(replaces: RecordID($0)) }
    events += accounts.map { entry(creditTo: $0) }

    // service.confirmed
    for record in ids + texts {
      for points in amounts { events.append(.serviceConfirmed(record: RecordID(record), points: points)) }
    }
    // points.transferred
    for from in accounts {
      for to in accounts {
        events.append(.pointsTransferred(from: from, to: to, points: amounts[6], memo: nil))
      }
    }
    for points in amounts {
      for memo in [nil] + texts {
        events.append(.pointsTransferred(from: accounts[3], to: accounts[9], points: points, memo: memo))
      }
    }
    // reward.redeemed
    for account in accounts {
      for points in amounts {
        events.append(.rewardRedeemed(account: account, item: ItemID("rice"), quantity: 2, points: points))
      }
    }
    for item in ids + texts {
      for quantity in integers {
        events.append(
          .rewardRedeemed(account: .redeemed, item: ItemID(item), quantity: quantity, points: amounts[4]))
      }
    }
    return events
  }

  /// A few hot lines to mutate: each type, with optional members present and absent, multibyte text
  /// and the largest and smallest values.
  static func specimenLines() throws -> [[UInt8]] {
    let date = try TestSupport.date("2025-06-30")
    let events: [Event] = [
      .serviceRecorded(
        ServiceEntry(
          member: MemberID("m00561"), date: date, minutes: Minutes(1_000_000_000), category: "读书分享",
          team: TeamID("reading"), peopleServed: -3, place: "1号院", creditTo: .card(CardID("yard8")),
          note: "补录", replaces: RecordID("s1"))),
      .serviceRecorded(
        ServiceEntry(member: MemberID("张三"), date: date, minutes: Minutes(90), category: "助老")),
      .serviceConfirmed(record: RecordID("s1"), points: Points(hundredths: 150)),
      .serviceConfirmed(record: RecordID("s2"), points: Points.maximum),
      .pointsTransferred(
        from: .card(CardID("yard8")), to: .member(MemberID("m00601")), points: Points(hundredths: -1_234),
        memo: "院落集体奖励"),
      .pointsTransferred(from: .issued, to: .redeemed, points: Points(hundredths: 5), memo: nil),
      .rewardRedeemed(
        account: .member(MemberID("m00419")), item: ItemID("cleaning"), quantity: 1,
        points: Points(hundredths: 600)),
    ]
    return try events.map { try line($0) }
  }
}

// MARK: - Helpers

/// What each decoder said of one line, and the lines where they disagree.
struct DecoderTally {
  var lines = 0
  var fastAccepted = 0
  var referenceAccepted = 0
  /// How many lines got each verdict from the reference (`accepted` or the `LineProblem` case).
  var kinds: [String: Int] = [:]
  /// The first few lines where the fast reader breaks its promise, described.
  var disagreements: [String] = []

  /// Decodes `line` (without its `\n`) with both readers and returns the reference's verdict.
  @discardableResult
  mutating func check(_ line: [UInt8]) -> String {
    lines += 1
    // Every line goes to both, a `seq` of 19 digits or more too: the fast reader leaves those to the
    // reference (see `fastDecoderSurvivesASeqBeyondInt64`).
    let (fast, reference) = line.withUnsafeBufferPointer { buffer in
      let fast = FastLineDecoder.decode(buffer)
      let reference = Result { () throws(LineProblem) -> EventRecord in try LogLine.decode(buffer) }
      return (fast, reference)
    }
    let kind: String
    switch reference {
    case .success(let record):
      referenceAccepted += 1
      kind = "accepted"
      if let fast, fast != record { note(line, "fast decoder gives \(fast), reference \(record)") }
    case .failure(let problem):
      kind = DecoderTally.kind(of: problem)
      if let fast { note(line, "fast decoder accepts \(fast), reference says \(problem)") }
    }
    if fast != nil { fastAccepted += 1 }
    kinds[kind, default: 0] += 1
    return kind
  }

  private mutating func note(_ line: [UInt8], _ text: String) {
    guard disagreements.count < 10 else { return }
    disagreements.append("\(String(decoding: line, as: UTF8.self).debugDescription): \(text)")
  }

  static func kind(of problem: LineProblem) -> String {
    switch problem {
    case .unreadable: "unreadable"
    case .malformed: "malformed"
    case .hashMismatch: "hashMismatch"
    case .badEvent: "badEvent"
    case .seqGap: "seqGap"
    case .prevMismatch: "prevMismatch"
    case .duplicateID: "duplicateID"
    case .misplacedLedgerOpened: "misplacedLedgerOpened"
    }
  }
}

/// The UTF-8 validator against `String(validating:as:)`.
enum FastPathUTF8 {
  /// Checks one buffer; returns whether it is valid UTF-8.
  @discardableResult
  static func check(_ bytes: [UInt8], _ disagreements: inout [[UInt8]], _ checked: inout Int) -> Bool {
    checked += 1
    let expected = String(validating: bytes, as: UTF8.self)
    let actual = bytes.withUnsafeBufferPointer { UTF8Validation.string($0) }
    let isValid = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
    if (actual != expected || isValid != (expected != nil)) && disagreements.count < 20 {
      disagreements.append(bytes)
    }
    return expected != nil
  }

  /// A byte, more often a continuation byte or one at the edge of a range than chance would give.
  static func randomByte(_ random: inout SeededGenerator) -> UInt8 {
    let edges: [UInt8] = [
      0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xF4, 0xF5,
    ]
    switch random.next() % 4 {
    case 0: return edges[Int(random.next() % UInt64(edges.count))]
    case 1, 2: return UInt8(0x80 + random.next() % 0x40)
    default: return UInt8(random.next() % 256)
    }
  }

  /// A piece of a buffer: ASCII or a whole character of two to four bytes, or (unless `wellFormed`)
  /// a truncated character or noise.
  static func randomPiece(_ random: inout SeededGenerator, wellFormed: Bool) -> [UInt8] {
    let scalars: [Unicode.Scalar] = [
      "a", "é", "ß", "张", "ꙮ", "\u{FFFD}", "\u{10FFFF}", "😀", "\u{800}", "\u{7FF}",
    ]
    switch random.next() % (wellFormed ? 3 : 6) {
    case 0, 1: return Array(repeating: UInt8(0x20 + random.next() % 0x5F), count: Int(random.next() % 10))
    case 2: return Array(String(scalars[Int(random.next() % UInt64(scalars.count))]).utf8)
    case 3:
      let whole = Array(String(scalars[Int(random.next() % UInt64(scalars.count))]).utf8)
      return Array(whole.prefix(max(1, Int(random.next() % UInt64(whole.count)))))
    case 4: return [randomByte(&random)]
    default: return [UInt8(0xC0 + random.next() % 0x40), randomByte(&random), randomByte(&random)]
    }
  }
}

/// The logs the fast-path tests read, and surgery on their lines.
enum FastPathLogs {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Fixtures").standardized

  private static let smallLog = Result { () throws -> [UInt8] in
    Array(try Data(contentsOf: fixtures.appendingPathComponent("log-format/small.jsonl")))
  }
  private static let articleLog = Result { () throws -> [UInt8] in
    Array(try Data(contentsOf: fixtures.appendingPathComponent("article/article.jsonl")))
  }
  private static let demoLog = Result { () throws -> [UInt8] in
    let directory = try TestDirectory()
    let path = directory.file("demo.jsonl")
    _ = try DemoCommunity.build(at: path)
    return try TestSupport.bytes(of: path)
  }

  /// `Fixtures/log-format/small.jsonl`: 8 lines with escapes, Chinese and each kind of value.
  static func small() throws -> [UInt8] { try smallLog.get() }
  /// `Fixtures/article/article.jsonl`: 7,600 lines, more than one step of `LogStream`.
  static func article() throws -> [UInt8] { try articleLog.get() }
  /// What `timebank demo` writes, built once.
  static func demo() throws -> [UInt8] { try demoLog.get() }

  private static let longLog = Result { () throws -> [UInt8] in
    let first = try FastPathLogs.records(small())[0]
    var records = [first]
    let memo = String(repeating: "0123456789", count: 190)
    for index in 1..<7_600 {
      let transfer = Event.pointsTransferred(
        from: .member(MemberID("m1")), to: .member(MemberID("m2")), points: Points(hundredths: 100),
        memo: "\(index) \(memo)")
      records.append(
        EventRecord(
          seq: index + 1, id: "t\(index)", at: first.at, actor: ActorID("m1"), event: transfer, prev: "",
          hash: ""))
    }
    return chain(records)
  }

  private static let longVerified = Result { () throws -> FastPathStreams.Outcome in
    FastPathStreams.reference(try long())
  }

  /// 7,600 lines of about 2.2 KB (ledger.opened, then transfers; the rules are not kept): more than a
  /// step of `LogStream` and more bytes than its file reader's 16 MB buffer.
  static func long() throws -> [UInt8] { try longLog.get() }

  /// What `LogReader.verify` says of `long()`, worked out once.
  static func longReference() throws -> FastPathStreams.Outcome { try longVerified.get() }

  /// The lines of a log that ends in `\n`, without their `\n`.
  static func lines(_ log: [UInt8]) -> [[UInt8]] {
    log.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
  }

  /// Lines joined into a log, each followed by `\n`.
  static func joined(_ lines: [[UInt8]]) -> [UInt8] {
    var log: [UInt8] = []
    for line in lines {
      log += line
      log.append(0x0A)
    }
    return log
  }

  /// Bytes from `,"prev":"` to the end of a canonical line (without `\n`).
  static let trailerLength = 9 + 64 + 10 + 64 + 2

  /// `line` (without `\n`) with its hash set to the SHA-256 of everything before the last
  /// `,"hash":"<64 hex>"}`, whatever those bytes are.
  static func rehashed(_ line: [UInt8]) -> [UInt8] {
    guard line.count >= LogLine.suffixLength else { return line }
    let bodyEnd = line.count - LogLine.suffixLength
    var line = line
    let hex = Array(SHA256.hexDigest(line[0..<bodyEnd]).utf8)
    line.replaceSubrange((bodyEnd + 9)..<(bodyEnd + 73), with: hex)
    return line
  }

  /// `line` with its `prev` (at its place in a canonical line) set to `prev`, and re-hashed.
  static func relinked(_ line: [UInt8], prev: String) -> [UInt8] {
    var line = line
    let start = line.count - trailerLength + 9
    line.replaceSubrange(start..<(start + 64), with: Array(prev.utf8))
    return rehashed(line)
  }

  /// Canonical lines re-linked into a valid chain: each `prev` set to the line before's new hash.
  static func rechained(_ lines: [[UInt8]]) -> [[UInt8]] {
    var prev = LogLine.genesisHash
    return lines.map { line in
      let relinked = relinked(line, prev: prev)
      prev = String(decoding: relinked[(relinked.count - 66)..<(relinked.count - 2)], as: UTF8.self)
      return relinked
    }
  }

  /// `records` written anew as a valid chain (`seq` 1, 2, ... and each `prev` the hash before), after
  /// `tweak` has changed what it likes of each record; a tweaked `seq` or `prev` is written as is.
  static func chain(_ records: [EventRecord], tweak: (Int, inout EventRecord) -> Void = { _, _ in })
    -> [UInt8]
  {
    var log: [UInt8] = []
    var prev = LogLine.genesisHash
    for (index, original) in records.enumerated() {
      var record = original
      record.seq = index + 1
      record.prev = prev
      tweak(index, &record)
      let line = LogLine.encode(
        seq: record.seq, id: record.id, at: record.at, actor: record.actor, event: record.event,
        prev: record.prev)
      log += line.bytes
      prev = line.hash
    }
    return log
  }

  private static let recordCache = Mutex<[String: [EventRecord]]>([:])

  /// The records of a valid log (verified once per log).
  static func records(_ log: [UInt8]) throws -> [EventRecord] {
    let key = TestSupport.fingerprint(log)
    if let records = recordCache.withLock({ $0[key] }) { return records }
    let records = try LogReader.verify(log).records
    recordCache.withLock { $0[key] = records }
    return records
  }

  /// Lines to mutate: the small fixture's, the first of each type in the demo and the article's
  /// logs, and lines written here with every kind of escape, control characters and multibyte text.
  /// - Parameter short: only the small fixture's lines and those written here.
  static func specimenLines(short: Bool = false) throws -> [[UInt8]] {
    var lines = FastPathLogs.lines(try small())
    var types: Set<String> = []
    for log in short ? [] : [try demo(), try article()] {
      for record in try records(log) where types.insert(record.event.typeName).inserted {
        lines.append(FastPathLogs.lines(log)[record.seq - 1])
      }
    }
    let at = try TestSupport.time("2025-06-30T18:00:00+08:00")
    let memo = "say \"hi\" \\ back/slash é 张三 😀 \u{01}\u{1F}\u{7F}\t\r\n end"
    let transfer = Event.pointsTransferred(
      from: .member(MemberID("m1")), to: .card(CardID("卡")), points: Points(hundredths: 1_234),
      memo: memo)
    let written = LogLine.encode(
      seq: 12, id: "tr-é-张", at: at, actor: ActorID("李四"), event: transfer, prev: LogLine.genesisHash)
    let line = Array(written.bytes.dropLast())
    lines.append(line)
    // The same with every non-ASCII character of `data` escaped as \uXXXX (and surrogate pairs).
    var escaped: [UInt8] = []
    let text = String(decoding: line, as: UTF8.self)
    let dataStart = try #require(text.range(of: ",\"data\":")).upperBound
    let dataEnd = text.utf8.index(text.endIndex, offsetBy: -trailerLength)
    for (index, scalar) in zip(text.unicodeScalars.indices, text.unicodeScalars) {
      if index >= dataStart, index < dataEnd, scalar.value >= 0x80 {
        for unit in String(scalar).utf16 { escaped += Array(String(format: "\\u%04x", Int(unit)).utf8) }
      } else {
        escaped += Array(String(scalar).utf8)
      }
    }
    lines.append(rehashed(escaped))
    return lines
  }

  /// Positions worth changing in `line`: the `seq`, the first and last bytes, every escape and the
  /// byte after it, the first two bytes of the first multibyte characters, the ends of `prev` and
  /// `hash`, and every 23rd byte.
  static func samplePositions(in line: [UInt8]) -> [Int] {
    var positions: Set<Int> = [0, 1, 7, 8, line.count - 1, line.count - 2]
    var multibyte = 0
    for index in line.indices {
      if index % 23 == 3 { positions.insert(index) }
      if line[index] == UInt8(ascii: "\\") { positions.formUnion([index, index + 1]) }
      if line[index] >= 0xC0 && multibyte < 4 {
        positions.formUnion([index, index + 1])
        multibyte += 1
      }
    }
    for fromEnd in [140, 139, 77, 76, 66, 65, 3] { positions.insert(line.count - fromEnd) }
    return positions.filter { line.indices.contains($0) }.sorted()
  }

  /// Where the text of each string in the envelope and in `data` starts (after its opening quote),
  /// up to `prev`.
  static func stringValueStarts(in line: [UInt8]) -> [Int] {
    let end = line.count - trailerLength
    return (2..<end).filter { index in
      line[index - 1] == UInt8(ascii: "\"")
        && [UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "{"), UInt8(ascii: "[")].contains(
          line[index - 2])
    }
  }
}

extension FastPathLogs {
  /// One change to a line's layout: the line re-hashed, and (for a change to the body) with its old
  /// hash still on.
  struct LayoutChange {
    var name: String
    var line: [UInt8]
    var stale: [UInt8]?
  }

  /// Changes to the layout of a canonical, valid line, named.
  static func layoutChanges(of line: [UInt8]) throws -> [LayoutChange] {
    let record = try line.withUnsafeBufferPointer { buffer throws(LineProblem) in
      try LogLine.decode(buffer)
    }
    let count = line.count
    let suffix = Array(line[(count - LogLine.suffixLength)...])
    let body = Array(line[..<(count - LogLine.suffixLength)])
    let prevPart = Array(line[(count - trailerLength)..<(count - LogLine.suffixLength)])
    let dataMarker = Array(",\"data\":".utf8)
    let dataStart = try #require(index(of: dataMarker, in: line)) + dataMarker.count
    let head = Array(line[..<dataStart])
    let data = Array(line[dataStart..<(count - trailerLength)])
    guard case .object(let object) = try JSONScanner.parse(data) else { throw FastPathError("no data") }

    var changes: [LayoutChange] = []
    func change(_ name: String, body newBody: [UInt8]) {
      let stale = newBody + suffix
      changes.append(LayoutChange(name: name, line: rehashed(stale), stale: stale))
    }
    func insert(_ name: String, _ bytes: String, at position: Int) {
      var newBody = body
      newBody.insert(contentsOf: Array(bytes.utf8), at: position)
      change(name, body: newBody)
    }
    func replace(_ name: String, _ target: String, _ replacement: String) {
      guard let start = index(of: Array(target.utf8), in: body) else { return }
      var newBody = body
      newBody.replaceSubrange(start..<(start + target.utf8.count), with: Array(replacement.utf8))
      change(name, body: newBody)
    }
    func withData(_ name: String, _ value: JSONValue) {
      var bytes: [UInt8] = []
      value.write(to: &bytes)
      change(name, body: head + bytes + prevPart)
    }

    // Whitespace, which the log never writes.
    insert("space after {", " ", at: 1)
    insert("space before }", " ", at: count - trailerLength - 1)
    insert("newline in data", "\n", at: dataStart + 1)
    insert("tab before prev", "\t", at: count - trailerLength + 1)
    insert("space after colon", " ", at: 7)
    // Members of the line out of order, or one too many.
    var idJSON: [UInt8] = []
    JSONValue.writeString(record.id, to: &idJSON)
    let seqAndID = "\"seq\":\(record.seq),\"id\":" + String(decoding: idJSON, as: UTF8.self)
    let idAndSeq = "\"id\":" + String(decoding: idJSON, as: UTF8.self) + ",\"seq\":\(record.seq)"
    replace("id before seq", seqAndID, idAndSeq)
    change("data after prev", body: Array(head.dropLast(dataMarker.count)) + prevPart + dataMarker + data)
    change("extra envelope member", body: head + data + Array(",\"extra\":1".utf8) + prevPart)
    // `seq` written otherwise.
    let seq = "\"seq\":\(record.seq),"
    replace("seq leading zero", seq, "\"seq\":0\(record.seq),")
    replace("seq minus", seq, "\"seq\":-\(record.seq),")
    replace("seq zero", seq, "\"seq\":0,")
    replace("seq 18 digits", seq, "\"seq\":100000000000000000,")
    replace("seq 19 digits", seq, "\"seq\":1000000000000000000,")
    replace("seq Int64.max + 1", seq, "\"seq\":9223372036854775808,")
    replace("seq as string", seq, "\"seq\":\"\(record.seq)\",")
    // The hashes: uppercase, or one digit short.
    var upperPrev = body
    for index in (body.count - 65)..<(body.count - 1) where upperPrev[index] >= UInt8(ascii: "a") {
      upperPrev[index] -= 0x20
    }
    if upperPrev != body { change("uppercase prev", body: upperPrev) }
    var upperHash = line
    for index in (count - 66)..<(count - 2) where upperHash[index] >= UInt8(ascii: "a") {
      upperHash[index] -= 0x20
    }
    changes.append(LayoutChange(name: "uppercase hash", line: upperHash, stale: nil))
    change("short prev", body: Array(body.dropLast(2)) + [UInt8(ascii: "\"")])
    // `data`: nested as deep as the scanner allows, and one level more (the line itself is one).
    var nested = JSONValue.array([])
    for _ in 1..<30 { nested = .array([nested]) }
    withData("data 31 deep", .object(JSONObject(object.members + [JSONObject.Member("deep", nested)])))
    nested = .array([nested])
    withData("data 32 deep", .object(JSONObject(object.members + [JSONObject.Member("deep", nested)])))
    withData("data duplicate member", .object(JSONObject([object.members[0]] + object.members)))
    withData(
      "data unknown member", .object(JSONObject(object.members + [JSONObject.Member("zzz", .integer(1))])))
    withData("data members reversed", .object(JSONObject(object.members.reversed())))
    withData("data empty", .object(JSONObject()))
    withData("data array", .array([]))
    // Envelope values.
    replace("type unknown", "\"type\":\"\(record.event.typeName)\"", "\"type\":\"no.such.type\"")
    let at = "\"at\":\"\(record.at.description)\""
    let local = String(record.at.description.prefix(19))
    replace("at without offset", at, "\"at\":\"\(local)\"")
    replace("at fraction", at, "\"at\":\"\(local).5+08:00\"")
    replace("at Z", at, "\"at\":\"\(local)Z\"")
    // Escapes the log never writes, in the envelope and in `data`.
    if let first = record.id.utf8.first, first < 0x80 {
      let char = String(Unicode.Scalar(first))
      replace("id escaped", "\"id\":\"" + char, "\"id\":\"" + String(format: "\\u%04x", Int(first)))
    }
    if let first = object.members[0].key.utf8.first, first < 0x80 {
      let char = String(Unicode.Scalar(first))
      replace(
        "data key escaped", "\"data\":{\"" + char, "\"data\":{\"" + String(format: "\\u%04X", Int(first)))
    }
    return changes
  }

  /// Where `pattern` first occurs in `bytes`.
  static func index(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
    return (0...(bytes.count - pattern.count)).first { start in
      bytes[start..<(start + pattern.count)].elementsEqual(pattern)
    }
  }
}

/// A test's own failure, with what went wrong.
struct FastPathError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// `LogStream.scan`, on bytes and on a file, against `LogReader.verify`.
enum FastPathStreams {
  typealias Outcome = (records: [EventRecord], scan: LogScan)

  /// What `LogReader.verify` says of `log`, in the terms of a `LogScan`: after a corrupt line, the
  /// lines before it (as `verify` reads them from the bytes before that line).
  ///
  /// `base`, a valid log `log` was made from by changing some line: when the bytes before the corrupt
  /// line are `base`'s, its records stand for `verify`'s of those bytes, which saves verifying twice.
  static func reference(_ log: [UInt8], committedLength: Int? = nil, base: [UInt8]? = nil) -> Outcome {
    var scan = LogScan()
    let records: [EventRecord]
    do {
      let contents = try LogReader.verify(log, committedLength: committedLength)
      records = contents.records
      scan.validLength = contents.validLength
      scan.tornTail = contents.tornTail
    } catch {
      var start = 0
      for _ in 1..<error.line { start = (log[start...].firstIndex(of: 0x0A) ?? log.count - 1) + 1 }
      if let base, start <= base.count, log[..<start] == base[..<start],
        let baseRecords = try? FastPathLogs.records(base), baseRecords.count >= error.line - 1
      {
        records = Array(baseRecords.prefix(error.line - 1))
      } else {
        records = (try? LogReader.verify(Array(log[..<start])))?.records ?? []
      }
      scan.validLength = start
      scan.corruption = error
    }
    scan.lines = records.count
    scan.headHash = records.last?.hash ?? LogLine.genesisHash
    scan.ids = StoredTable(
      Dictionary(records.map { ($0.id, $0.seq) }, uniquingKeysWith: { first, _ in first }))
    return (records, scan)
  }

  /// `LogStream.scan` over bytes in memory, collecting what it hands on.
  static func streamed(_ log: [UInt8], committedLength: Int? = nil) -> Outcome {
    var records: [EventRecord] = []
    let scan = log.withUnsafeBufferPointer { buffer in
      LogStream.scan(buffer, committedLength: committedLength) { record in
        records.append(record)
        return true
      }
    }
    return (records, scan)
  }

  /// `LogStream.scan` over a file holding `log`.
  static func streamedFromFile(_ log: [UInt8], committedLength: Int? = nil, in directory: TestDirectory)
    throws -> Outcome
  {
    let path = directory.file("stream.jsonl")
    try Data(log).write(to: URL(fileURLWithPath: path))
    let file = try LogFile.openForReading(path)
    var records: [EventRecord] = []
    let scan = try LogStream.scan(file, committedLength: committedLength) { record in
      records.append(record)
      return true
    }
    return (records, scan)
  }

  /// Expects the stream, from memory and (unless told not to) from a file, to give the reference's
  /// records and verdict; returns the reference's.
  @discardableResult
  static func expectSame(
    _ log: [UInt8], committedLength: Int? = nil, base: [UInt8]? = nil, inFileToo: Bool = true,
    in directory: TestDirectory, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Outcome {
    let expected = reference(log, committedLength: committedLength, base: base)
    let fromMemory = streamed(log, committedLength: committedLength)
    let what =
      "\(TestSupport.fingerprint(log)), committed length \(committedLength.map(String.init) ?? "none")"
    #expect(fromMemory.scan == expected.scan, "from memory: \(what)", sourceLocation: sourceLocation)
    #expect(fromMemory.records == expected.records, "from memory: \(what)", sourceLocation: sourceLocation)
    if inFileToo {
      let fromFile = try streamedFromFile(log, committedLength: committedLength, in: directory)
      #expect(fromFile.scan == expected.scan, "from a file: \(what)", sourceLocation: sourceLocation)
      #expect(fromFile.records == expected.records, "from a file: \(what)", sourceLocation: sourceLocation)
    }
    return expected
  }
}

/// Logs with one line broken in each way a chain can break, at a few positions.
enum FastPathCorruptions {
  /// Named broken logs: `log` with each of the lines at `indices` (0-based) broken in each way.
  /// - Parameter kinds: the kinds of break wanted (as named in `broken`), or nil for all.
  static func cases(in log: [UInt8], at indices: [Int], name: String, kinds: Set<String>? = nil) throws
    -> [(name: String, log: [UInt8])]
  {
    try indices.flatMap { try broken(log, at: $0, name: name, kinds: kinds) }
  }

  /// `log` with line `index` (0-based) broken in each way; lines after it are left as they were (the
  /// readers stop at the first bad line), except where the case needs a valid chain after it.
  static func broken(_ log: [UInt8], at index: Int, name: String, kinds: Set<String>? = nil) throws
    -> [(name: String, log: [UInt8])]
  {
    let lines = FastPathLogs.lines(log)
    let line = lines[index]
    let record = try line.withUnsafeBufferPointer { buffer throws(LineProblem) in
      try LogLine.decode(buffer)
    }
    let first = try lines[0].withUnsafeBufferPointer { buffer throws(LineProblem) in
      try LogLine.decode(buffer)
    }
    let prev = record.prev
    let count = line.count
    var cases: [(name: String, log: [UInt8])] = []
    func add(_ kind: String, _ replacement: @autoclosure () -> [UInt8]) {
      guard kinds?.contains(kind) ?? true else { return }
      var changed = lines
      changed[index] = replacement()
      cases.append(("\(name) line \(index + 1) \(kind)", FastPathLogs.joined(changed)))
    }
    func replacing(_ target: String, _ replacement: String) -> [UInt8] {
      guard let start = FastPathLogs.index(of: Array(target.utf8), in: line) else { return line }
      var changed = line
      changed.replaceSubrange(start..<(start + target.utf8.count), with: Array(replacement.utf8))
      return FastPathLogs.rehashed(changed)
    }
    var hashFlipped = line
    hashFlipped[count - 3] =
      hashFlipped[count - 3] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
    add("hash changed", hashFlipped)
    var dataChanged = line
    dataChanged[count - FastPathLogs.trailerLength - 2] ^= 0x01
    add("data changed", dataChanged)
    add("data changed and rehashed", FastPathLogs.rehashed(dataChanged))
    add("seq gap", replacing("{\"seq\":\(record.seq),", "{\"seq\":\(record.seq + 1),"))
    add("seq repeated", replacing("{\"seq\":\(record.seq),", "{\"seq\":\(max(1, record.seq - 1)),"))
    add("seq zero", replacing("{\"seq\":\(record.seq),", "{\"seq\":0,"))
    let otherPrev = prev == LogLine.genesisHash ? first.hash : LogLine.genesisHash
    add("prev mismatch", FastPathLogs.relinked(line, prev: otherPrev))
    add("unknown data member", replacing("\"data\":{", "\"data\":{\"zzz\":1,"))
    add("unreadable", Array("{\"seq\":\(record.seq),\"id\":".utf8))
    add("empty", [])
    if index > 0 {
      var idJSON: [UInt8] = []
      JSONValue.writeString(record.id, to: &idJSON)
      add(
        "duplicate id",
        replacing("\"id\":\(String(decoding: idJSON, as: UTF8.self)),", "\"id\":\"\(first.id)\","))
      let reopened = LogLine.encode(
        seq: record.seq, id: "reopen", at: record.at, actor: first.actor, event: first.event, prev: prev)
      add("second ledger.opened", Array(reopened.bytes.dropLast()))
    } else if lines.count > 1 {
      let second = try lines[1].withUnsafeBufferPointer { buffer throws(LineProblem) in
        try LogLine.decode(buffer)
      }
      let notOpening = LogLine.encode(
        seq: 1, id: second.id, at: second.at, actor: second.actor, event: second.event, prev: prev)
      add("first line not ledger.opened", Array(notOpening.bytes.dropLast()))
    }
    // And the same unreadable line followed by a torn tail.
    if kinds?.contains("unreadable then torn") ?? true,
      let (name, broken) = cases.first(where: { $0.name.hasSuffix("unreadable") })
    {
      cases.append((name + " then torn", broken + Array("{\"seq\"".utf8)))
    }
    return cases
  }
}
