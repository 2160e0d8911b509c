import Foundation
import Testing

// Tampering with a log, checked through the binary: `audit` must exit 2 and name the first bad line
// as `<log>:<line>: seq <seq>:`. The small community has 22 lines; every expected line and seq below is
// worked out from the edit made (a deleted line k leaves seq k+1 on line k, and so on).
//
// Hashes a tamperer recomputes are computed with Python's hashlib (PythonHasher), not with the
// library, and the rewritten chain is checked with Fixtures/log-format/verify_log.py.

@Suite struct TamperTests {
  static let lineCount = SmallCommunity.steps.count

  /// The log after `edit`, in a fresh directory.
  private func tampered(_ edit: (inout [[UInt8]]) throws -> Void) throws -> (ScratchDirectory, [[UInt8]]) {
    let directory = try ScratchDirectory("tamper")
    var lines = Reliability.lines(try SmallCommunity.install(in: directory))
    try edit(&lines)
    try directory.write(Reliability.join(lines))
    return (directory, lines)
  }

  /// Runs `audit` and checks it fails at `line` with `seq`, with `problem` after the location.
  private func expectAuditFails(
    in directory: ScratchDirectory, line: Int, seq: Int, problem: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 2, "\(audit)", sourceLocation: sourceLocation)
    let location = "error: \(Reliability.logName):\(line): seq \(seq): "
    #expect(
      audit.stderr.hasPrefix(location + problem), "expected \(location)\(problem)…\n\(audit)",
      sourceLocation: sourceLocation)
    #expect(audit.stdout.contains("line \(line), seq \(seq)"), "\(audit)", sourceLocation: sourceLocation)
    #expect(audit.stdout.contains("FAILED"), "\(audit)", sourceLocation: sourceLocation)
  }

  @Test func smallCommunityPassesAuditUntouched() throws {
    let directory = try ScratchDirectory("tamper")
    let bytes = try SmallCommunity.install(in: directory)
    #expect(Reliability.lines(bytes).count == Self.lineCount)
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 0, "\(audit)")
    #expect(audit.stdout.contains("events verified                      \(Self.lineCount)\n"), "\(audit)")
  }

  /// One byte inside a value of each line (the first letter of `actor`): still well-formed, same
  /// shape, so only the hash can tell. Audit, a writer and a reader all stop at that line.
  @Test(arguments: 1...lineCount)
  func byteInsideAValue(line: Int) throws {
    var storedHash = ""
    let (directory, _) = try tampered { lines in
      let marker = Array("\"actor\":\"".utf8)
      var text = lines[line - 1]
      let start = try #require(
        text.indices.first { text[$0...].starts(with: marker) }, "no actor in line \(line)")
      let index = start + marker.count
      text[index] = text[index] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
      storedHash = Reliability.storedHash(text)
      lines[line - 1] = text
    }
    try expectAuditFails(
      in: directory, line: line, seq: line,
      problem: "hash mismatch: the line says \(storedHash.prefix(16))…, its bytes hash to ")
    let before = try directory.read()
    let writer = try Reliability.run(["transfer", "m1", "m2", "1"], actor: "m1", in: directory.path)
    #expect(writer.code == 2, "\(writer)")
    #expect(
      writer.stderr.hasPrefix(
        "error: \(Reliability.logName):\(line): seq \(line): log failed verification: hash mismatch"),
      "\(writer)")
    #expect(try directory.read() == before, "a refused writer leaves the bytes")
    let reader = try Reliability.run(["balance", "m1"], in: directory.path)
    #expect(reader.code == 2, "\(reader)")
    #expect(reader.stderr.hasPrefix("error: \(Reliability.logName):\(line): seq \(line): "), "\(reader)")
  }

  /// Every byte of a middle line, one at a time, changed to another byte (never a newline).
  @Test func everyByteOfAMiddleLine() throws {
    let line = 11
    let directory = try ScratchDirectory("tamper")
    let original = Reliability.lines(try SmallCommunity.install(in: directory))
    let target = original[line - 1]
    let results = Reliability.concurrently(target.count, width: 2) { offset -> SpawnResult in
      let scratch = try ScratchDirectory("tamper-byte")
      var lines = original
      let byte = target[offset]
      lines[line - 1][offset] = byte ^ 0x01 == 0x0A ? byte ^ 0x02 : byte ^ 0x01
      try scratch.write(Reliability.join(lines))
      return try Reliability.run(["audit"], in: scratch.path)
    }
    var failures = 0
    for (offset, result) in results.enumerated() {
      let audit = try result.get()
      let named =
        audit.code == 2 && audit.stderr.hasPrefix("error: \(Reliability.logName):\(line): seq \(line): ")
      if !named { failures += 1 }
      #expect(named, "byte \(offset) of line \(line): \(audit)")
    }
    print(
      "tamper: changed each of the \(target.count) bytes of line \(line); audit named line \(line) "
        + "\(target.count - failures) times")
  }

  /// A deleted line k leaves the line that was k + 1 (seq k + 1) at line k.
  @Test(arguments: 1..<lineCount)
  func deletedLine(line: Int) throws {
    let (directory, _) = try tampered { lines in lines.remove(at: line - 1) }
    try expectAuditFails(
      in: directory, line: line, seq: line + 1,
      problem: "seq \(line + 1) where \(line) was expected (a line is missing or moved)")
  }

  /// Lines k and k + 1 swapped: line k carries seq k + 1.
  @Test(arguments: 1..<lineCount)
  func swappedLines(line: Int) throws {
    let (directory, _) = try tampered { lines in lines.swapAt(line - 1, line) }
    try expectAuditFails(
      in: directory, line: line, seq: line + 1, problem: "seq \(line + 1) where \(line) was expected")
  }

  /// The amount of the transfer t1 (line 20) edited and that line re-hashed: the line itself verifies,
  /// so the next line's `prev` is the first thing wrong.
  @Test(.enabled(if: PythonHasher.isAvailable, "python3 computes the tamperer's hashes"))
  func editedAmountWithItsHashRecomputed() throws {
    let line = SmallCommunity.transferSeq
    let (directory, lines) = try tampered { lines in
      try Self.replace("\"points\":\"2.00\"", with: "\"points\":\"1.00\"", inLine: line, of: &lines)
    }
    try PythonHasher.rehash(directory.log, from: line, chain: false)
    let rehashed = Reliability.lines(try directory.read())
    let oldHash = Reliability.storedHash(lines[line - 1])
    let newHash = Reliability.storedHash(rehashed[line - 1])
    #expect(oldHash != newHash)
    #expect(rehashed.count == lines.count)
    try expectAuditFails(
      in: directory, line: line + 1, seq: line + 1,
      problem: "prev \(oldHash.prefix(16))… does not match the previous line's hash \(newHash.prefix(16))…")
  }

  /// A checkpoint published before the edit catches a chain rewritten after it, which `audit` alone
  /// cannot: every hash after the edit recomputed, every line verifies, the rules still hold.
  @Test(.enabled(if: PythonHasher.isAvailable, "python3 computes the tamperer's hashes"))
  func rewrittenChainPassesAuditButNotTheCheckpoint() throws {
    let directory = try ScratchDirectory("tamper")
    let original = Reliability.lines(try SmallCommunity.install(in: directory))
    let headHash = Reliability.storedHash(original[Self.lineCount - 1])
    let checkpoint = try Reliability.run(["checkpoint"], in: directory.path)
    #expect(checkpoint.code == 0, "\(checkpoint)")
    #expect(checkpoint.stdout.contains("seq:        \(Self.lineCount)\n"), "\(checkpoint)")
    #expect(checkpoint.stdout.contains("head hash:  \(headHash)\n"), "\(checkpoint)")
    let expect = "\(Self.lineCount):\(headHash)"
    #expect(checkpoint.stdout.contains("verify:     timebank audit --expect \(expect)\n"), "\(checkpoint)")
    // An earlier checkpoint, at the line before the edit, and one at the edited line.
    let line = SmallCommunity.transferSeq
    let before = "\(line - 1):\(Reliability.storedHash(original[line - 2]))"
    let atEdit = "\(line):\(Reliability.storedHash(original[line - 1]))"

    var lines = original
    try Self.replace("\"points\":\"2.00\"", with: "\"points\":\"1.00\"", inLine: line, of: &lines)
    try directory.write(Reliability.join(lines))
    try PythonHasher.rehash(directory.log, from: line, chain: true)
    let rewritten = Reliability.lines(try directory.read())
    #expect(rewritten.count == Self.lineCount)
    #expect(Array(rewritten.prefix(line - 1)) == Array(original.prefix(line - 1)))
    let newHead = Reliability.storedHash(rewritten[Self.lineCount - 1])
    #expect(newHead != headHash)

    // The independent verifier and audit both accept the rewritten chain.
    if let python = PythonHasher.path {
      let verifier = try Spawned.start(
        python, arguments: [Array(Self.verifier.utf8), Array(directory.log.utf8)], environment: [:],
        directory: directory.path
      ).wait()
      #expect(verifier.code == 0, "\(verifier)")
      #expect(verifier.stdout == "ok: \(Self.lineCount) lines, head \(newHead)\n", "\(verifier)")
    }
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 0, "a consistent rewrite passes audit alone\n\(audit)")
    #expect(audit.stdout.contains(newHead), "\(audit)")

    let caught = try Reliability.run(["audit", "--expect", expect], in: directory.path)
    #expect(caught.code == 2, "\(caught)")
    #expect(
      caught.stderr
        == "error: \(Reliability.logName):\(Self.lineCount): seq \(Self.lineCount): the published checkpoint "
        + "\(Self.lineCount):\(headHash.prefix(16))… does not match: the log now has \(newHead.prefix(16))… at seq "
        + "\(Self.lineCount) (the log was rewritten after the checkpoint)\n",
      "\(caught)")
    let atEditRun = try Reliability.run(["audit", "--expect", atEdit], in: directory.path)
    #expect(atEditRun.code == 2, "\(atEditRun)")
    #expect(
      atEditRun.stderr.hasPrefix(
        "error: \(Reliability.logName):\(line): seq \(line): the published checkpoint"))
    let earlier = try Reliability.run(["audit", "--expect", before], in: directory.path)
    #expect(earlier.code == 0, "lines before the edit are unchanged\n\(earlier)")
  }

  /// Cutting off the last line leaves a valid, shorter log: only a checkpoint notices.
  @Test func truncatedLogIsCaughtOnlyByACheckpoint() throws {
    let (directory, _) = try tampered { lines in lines.removeLast() }
    let original = Reliability.lines(try SmallCommunity.log.get())
    let expect = "\(Self.lineCount):\(Reliability.storedHash(original[Self.lineCount - 1]))"
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 0, "\(audit)")
    let caught = try Reliability.run(["audit", "--expect", expect], in: directory.path)
    #expect(caught.code == 2, "\(caught)")
    #expect(
      caught.stderr.hasPrefix(
        "error: \(Reliability.logName):\(Self.lineCount): seq \(Self.lineCount): the published checkpoint"),
      "\(caught)")
    #expect(caught.stderr.contains("the log has no seq \(Self.lineCount) (it was cut short)"), "\(caught)")
  }

  /// A complete last line that is well-formed JSON but not a valid event line (here its `at` has hour
  /// 28) was changed, not torn by a crash: README calls only bytes after the last newline, or a last
  /// line that is "not even well-formed JSON", a torn tail.
  @Test func wellFormedButInvalidLastLineIsCorruption() throws {
    let (directory, _) = try tampered { lines in
      try Self.replace("T18:00:00", with: "T28:00:00", inLine: Self.lineCount, of: &lines)
    }
    try expectAuditFails(in: directory, line: Self.lineCount, seq: Self.lineCount, problem: "malformed line")
    let repair = try Reliability.run(["repair"], in: directory.path)
    #expect(repair.code == 2, "repair must not move a changed line aside as if a crash tore it\n\(repair)")
  }

  /// Logs whose hashes are all valid but whose numbers are absurd (kept in Fixtures/fuzz-regressions):
  /// two service records of 2^63 - 1 minutes on one day, two restocks of 2^63 - 1. `audit` names the
  /// first such line; every other command must refuse cleanly, not die on an overflow trap.
  @Test(arguments: ["chain-minutes-overflow", "chain-restock-overflow"])
  func rehashedLogWithOverflowingNumbersIsRefusedNotACrash(name: String) throws {
    let directory = try ScratchDirectory("tamper")
    let log = Array(try Data(contentsOf: URL(fileURLWithPath: Self.regressions + "/" + name)))
    try directory.write(log)
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 2, "\(audit)")
    // Numbers beyond any the rules could write are refused when the line is read: corruption.
    #expect(audit.stderr.contains("is out of range"), "\(audit)")
    for (actor, arguments) in [("-", ["balance"]), ("-", ["log"]), ("m1", ["transfer", "m1", "m2", "1"])] {
      let run = try Reliability.run(arguments, actor: actor == "-" ? nil : actor, in: directory.path)
      #expect(!run.wasKilled, "\(arguments) crashed: \(run)")
      #expect(run.code == 2 || run.code == 0 || run.code == 1, "\(arguments): \(run)")
    }
    #expect(try directory.read() == log)
  }

  static let regressions = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/fuzz-regressions").path

  static func replace(_ old: String, with new: String, inLine line: Int, of lines: inout [[UInt8]]) throws {
    let text = String(decoding: lines[line - 1], as: UTF8.self)
    let range = try #require(text.range(of: old), "line \(line) lacks \(old)")
    lines[line - 1] = Array(text.replacingCharacters(in: range, with: new).utf8)
  }

  static let verifier = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/log-format/verify_log.py").path
}
