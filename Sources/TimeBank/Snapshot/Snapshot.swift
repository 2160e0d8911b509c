import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The ledger's state after the whole log, and how the log ended.
public struct LoadedLedger: Sendable {
  public var state: LedgerState
  /// Bytes of verified lines: where the next line goes.
  public var validLength: Int
  public var tornTail: TornTail?
  /// The `seq` of the snapshot the state started from, nil when it was rebuilt from the first line.
  public var snapshotSeq: Int?
  /// When the last line was recorded (its `at`).
  public var lastEventAt: Timestamp?
}

/// A cache of the ledger's state at some `seq` (`<log>.snapshot`), so a command need not replay the
/// whole log: it loads the state and replays only the lines after it.
///
/// DESIGN.md's rule: a snapshot is used only when the log still has, at that `seq`, the line with the
/// hash the snapshot names (that line is read back and its own hash checked); otherwise it is ignored
/// and the state rebuilt from the first line. Deleting one never loses anything. `audit` never uses
/// one. A snapshot is written to a temporary file and renamed into place, and carries a checksum of its
/// contents, so a torn or damaged one is ignored too.
public enum Snapshot {
  /// The snapshot of a log: `<log>.snapshot`.
  public static func path(for logPath: String) -> String { logPath + ".snapshot" }

  static let magic = Array("TBSNAP01".utf8)
  /// Magic, then `seq`, the log offset after that line, the payload's length and checksum (8 bytes
  /// each), then the line's hash (64 hex digits).
  static let headerLength = 8 + 4 * 8 + 64

  /// Lines a writer lets accumulate after the snapshot before it writes a new one, at least.
  public static let refreshInterval = 2_000

  /// Whether a writer should write a new snapshot: after `refreshInterval` lines, or after a fiftieth
  /// of the log, whichever is more. Writing costs time in proportion to the whole state, so on a long
  /// log the interval grows with it: the writing stays a small share of the appending, and a command
  /// still replays at most a fiftieth of the log.
  public static func isDue(lastSeq: Int, snapshotSeq: Int) -> Bool {
    lastSeq - snapshotSeq >= max(refreshInterval, lastSeq / 50)
  }

  /// The state after every verified line of `file`: from its snapshot when that still matches the log,
  /// then the lines after it; else from the first line.
  /// - Throws: `LogError.corrupt` for a bad line after the snapshot (or anywhere, without one),
  ///   `.empty` for an empty log, `.io` when a read fails.
  public static func load(_ file: LogFile) throws(LogError) -> LoadedLedger {
    let length = try file.length()
    guard length > 0 else { throw .empty(path: file.path) }
    let committed = LogFile.committedLength(of: file.path, fileLength: length)
    var state = LedgerState()
    var start = LogScan()
    var snapshotSeq: Int?
    if let cached = try? read(for: file, committedLength: committed ?? length) {
      state = cached.state
      snapshotSeq = state.lastSeq
      start = LogScan(lines: state.lastSeq, validLength: cached.offset, headHash: state.headHash)
      swap(&start.ids, &state.ids)  // the scan holds them meanwhile, and hands them back below
    }
    var lastEventAt: Timestamp?
    var scan = try LogStream.scan(file, committedLength: committed, resuming: &start) { record in
      state.apply(record, transfer: state.transfer(for: record.event), recordingID: false)
      lastEventAt = record.at
      return true
    }
    if let corruption = scan.corruption { throw .corrupt(path: file.path, corruption) }
    swap(&state.ids, &scan.ids)
    if lastEventAt == nil, scan.validLength > 0 {
      lastEventAt = try file.line(endingAt: scan.validLength)?.at
    }
    guard state.lastSeq > 0 || scan.tornTail != nil else { throw .empty(path: file.path) }
    return LoadedLedger(
      state: state, validLength: scan.validLength, tornTail: scan.tornTail, snapshotSeq: snapshotSeq,
      lastEventAt: lastEventAt)
  }

  /// Writes a snapshot of `state`, whose last line ends at `offset` in the log at `logPath`, through a
  /// temporary file renamed into place. Failing to write a cache is not an error anyone needs to see:
  /// returns false.
  @discardableResult
  public static func write(_ state: LedgerState, offset: Int, logPath: String) -> Bool {
    guard state.lastSeq > 0 else { return false }
    let payload = state.snapshotBytes()
    var bytes = magic
    bytes.reserveCapacity(headerLength + payload.count)
    let sum = payload.withUnsafeBytes { checksum($0) }
    for value in [UInt64(state.lastSeq), UInt64(offset), UInt64(payload.count), sum] {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    bytes.append(contentsOf: state.headHash.utf8)
    guard bytes.count == headerLength else { return false }
    bytes.append(contentsOf: payload)
    let target = path(for: logPath)
    let temporary = "\(target).tmp-\(getpid())"
    unlink(temporary)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, LogFile.creationMode)
    guard descriptor >= 0 else { return false }
    fchmod(descriptor, LogFile.creationMode)
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes {
        Glibc.write(descriptor, $0.baseAddress.map { $0 + written }, $0.count - written)
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      written += count
    }
    close(descriptor)
    guard written == bytes.count, rename(temporary, target) == 0 else {
      unlink(temporary)
      return false
    }
    return true
  }

  /// The snapshot of `file` when it is whole and its line is still in the log, below `committedLength`.
  static func read(for file: LogFile, committedLength: Int) throws -> (state: LedgerState, offset: Int)? {
    let snapshotPath = path(for: file.path)
    guard LogFile.exists(snapshotPath) else { return nil }
    let bytes = try LogFile.openForReading(snapshotPath).readAll()
    guard bytes.count >= headerLength, Array(bytes[0..<8]) == magic else { return nil }
    func number(_ index: Int) -> Int {
      var value: UInt64 = 0
      for byte in bytes[(8 + index * 8)..<(16 + index * 8)].reversed() { value = value << 8 | UInt64(byte) }
      return Int(truncatingIfNeeded: value)
    }
    let seq = number(0)
    let offset = number(1)
    let payloadLength = number(2)
    let sum = UInt64(bitPattern: Int64(number(3)))
    let hash = String(decoding: bytes[40..<headerLength], as: UTF8.self)
    guard seq > 0, offset > 0, offset <= committedLength, payloadLength == bytes.count - headerLength else {
      return nil
    }
    // The log must still hold, just before `offset`, the line `seq` with this hash.
    guard let line = try file.line(endingAt: offset), line.seq == seq, line.hash == hash else { return nil }
    let state = try bytes.withUnsafeBytes { raw in
      let payload = UnsafeRawBufferPointer(rebasing: raw[headerLength...])
      guard checksum(payload) == sum else { throw SnapshotDecodingError(problem: "checksum") }
      return try LedgerState(snapshot: payload)
    }
    guard state.lastSeq == seq, state.headHash == hash else { return nil }
    return (state, offset)
  }

  /// A 64-bit checksum of the payload, eight bytes at a time: catches a damaged or cut-short file.
  static func checksum(_ raw: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(raw.count)
    var index = 0
    while index + 8 <= raw.count {
      hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01B3
      hash ^= hash >> 29
      index += 8
    }
    while index < raw.count {
      hash = (hash ^ UInt64(raw[index])) &* 0x0000_0100_0000_01B3
      index += 1
    }
    return hash
  }
}
