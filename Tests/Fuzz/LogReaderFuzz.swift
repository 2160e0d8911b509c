// libFuzzer target `logreader`: arbitrary bytes through the log reader.
//
// Built by .ci/fuzz (not a SwiftPM target) with `swiftc -sanitize=fuzzer,address`, linked against the
// TimeBank library compiled from Sources/TimeBank. A crash, a sanitizer report or a broken oracle below
// (`expect` traps) is a finding; libFuzzer saves the input.
//
// Inputs: a whole log (several lines), and each of its lines alone through `LogLine.decode` and
// `JSONScanner.parse`, and through the fast reader (`FastLineDecoder`, as is and re-hashed so that its
// event is decoded) held to `LogLine.decode`. The library is built with `-enable-testing` for that.

@testable import TimeBank

@_cdecl("LLVMFuzzerTestOneInput")
public func logReaderFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  LogReaderOracles.checkLog(bytes)
  var start = 0
  for index in bytes.indices where bytes[index] == 0x0A {
    LogReaderOracles.checkLine(Array(bytes[start..<index]))
    start = index + 1
  }
  LogReaderOracles.checkLine(Array(bytes[start...]))
  return 0
}

enum LogReaderOracles {
  static func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("oracle broken: " + message()) }
  }

  /// `LogReader.verify` either returns records that account for every byte up to `validLength` (and
  /// a torn tail for the rest), or names a bad line whose predecessors verify on their own.
  static func checkLog(_ bytes: [UInt8]) {
    let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    do {
      let contents = try LogReader.verify(bytes)
      let valid = contents.validLength
      expect(valid >= 0 && valid <= bytes.count, "validLength \(valid) of \(bytes.count)")
      expect(valid == 0 || bytes[valid - 1] == 0x0A, "validLength not after a newline")
      let complete = bytes[..<valid].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
      expect(contents.records.count == complete, "\(contents.records.count) records for \(complete) lines")
      if let tail = contents.tornTail {
        expect(tail.offset == valid && tail.length == bytes.count - valid && tail.length > 0, "tail \(tail)")
        expect(tail.line == complete + 1, "tail line \(tail.line) after \(complete) lines")
      } else {
        expect(valid == bytes.count, "no tail, but \(bytes.count - valid) bytes unread")
      }
      var prev = String(repeating: "0", count: 64)
      var ids = Set<String>()
      for (index, record) in contents.records.enumerated() {
        expect(record.seq == index + 1, "seq \(record.seq) at line \(index + 1)")
        expect(record.prev == prev, "prev of line \(index + 1)")
        expect(ids.insert(record.id).inserted, "id \(record.id) twice")
        prev = record.hash
      }
      expect(contents.headHash == prev, "headHash")
    } catch {
      expect(error.line >= 1 && error.line <= newlines + 1, "bad line \(error.line) of \(newlines + 1)")
      expect(error.seq >= 1, "seq \(error.seq)")
      // Everything before the bad line verifies by itself, with no torn tail.
      var start = 0
      var line = 1
      while line < error.line, let newline = bytes[start...].firstIndex(of: 0x0A) {
        start = newline + 1
        line += 1
      }
      expect(line == error.line, "line \(error.line) does not start in the input")
      do {
        let before = try LogReader.verify(Array(bytes[..<start]))
        expect(before.records.count == error.line - 1 && before.tornTail == nil, "prefix of the bad line")
      } catch {
        expect(false, "the lines before the bad one do not verify: \(error)")
      }
    }
  }

  /// One line alone: the scanner and the decoder never crash, and what the scanner reads, written
  /// back out as JSON, reads back the same.
  static func checkLine(_ line: [UInt8]) {
    checkFastReader(line)
    if let value = try? JSONScanner.parse(line) {
      var written: [UInt8] = []
      value.write(to: &written)
      let again = try? JSONScanner.parse(written)
      expect(again == value, "JSON does not survive writing and reading back")
    }
    line.withUnsafeBufferPointer { buffer in
      if let record = try? LogLine.decode(buffer) {
        expect(record.seq >= 1 && record.hash.utf8.count == 64, "decoded \(record.seq) \(record.hash)")
        // The writer's encoding of the decoded event decodes to the same record (with its own hash).
        let encoded = LogLine.encode(
          seq: record.seq, id: record.id, at: record.at, actor: record.actor, event: record.event,
          prev: record.prev)
        let reread = Array(encoded.bytes.dropLast()).withUnsafeBufferPointer { try? LogLine.decode($0) }
        expect(reread?.event == record.event, "re-encoded event differs")
        expect(
          reread?.id == record.id && reread?.at == record.at && reread?.actor == record.actor, "fields differ"
        )
        expect(reread?.hash == encoded.hash, "hash of the re-encoded line")
      }
    }
  }

  /// The fast reader never accepts what `LogLine.decode` refuses, nor reads it otherwise: on the line,
  /// and on the line with its hash set to match its body (which the fuzzer cannot compute), so the
  /// event in it is decoded. The hot events' data reader, given the line's `data` as each hot type,
  /// agrees with `JSONScanner` and `Event(typeName:data:)` in the same way.
  static func checkFastReader(_ line: [UInt8]) {
    for candidate in [line, rehashed(line)] {
      candidate.withUnsafeBufferPointer { buffer in
        guard let fast = FastLineDecoder.decode(buffer) else { return }
        let reference = try? LogLine.decode(buffer)
        expect(fast == reference, "fast reader gives \(fast), reference \(String(describing: reference))")
      }
    }
    let trailerLength = 9 + 64 + 10 + 64 + 2
    let marker = Array(",\"data\":".utf8)
    let end = line.count - trailerLength
    guard end > marker.count,
      let start = (0..<(end - marker.count)).first(where: {
        line[$0..<($0 + marker.count)].elementsEqual(marker)
      })
    else { return }
    let data = Array(line[(start + marker.count)..<end])
    let object: JSONObject? =
      if case .object(let object)? = try? JSONScanner.parse(data) { object } else { nil }
    data.withUnsafeBufferPointer { buffer in
      for type in FastLineDecoder.HotType.allCases {
        guard let fast = FastLineDecoder.event(type, data: buffer) else { continue }
        let reference = object.flatMap { try? Event(typeName: type.typeName, data: $0) }
        expect(fast == reference, "data reader gives \(fast), reference \(String(describing: reference))")
      }
    }
  }

  /// `line` with the 64 digits after its last `,"hash":"` set to the SHA-256 of what comes before,
  /// when it ends that way (`<64 bytes>"}`); otherwise `line` as it is.
  static func rehashed(_ line: [UInt8]) -> [UInt8] {
    let suffixLength = 9 + 64 + 2
    guard line.count >= suffixLength else { return line }
    let bodyEnd = line.count - suffixLength
    var line = line
    line.replaceSubrange(
      (bodyEnd + 9)..<(bodyEnd + 73), with: Array(SHA256.hexDigest(line[0..<bodyEnd]).utf8))
    return line
  }
}
