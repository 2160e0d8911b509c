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
/// one. A snapshot is written to a temporary file and renamed into place.
///
/// The file is mapped, not read: the small part of the state (policies, roles, cards, rewards, party
/// check-ins…) is decoded at once, while the tables that grow with the community or the log (records,
/// redemptions, ids, minutes per day, members, teams, accounts with their posting lines, pending
/// points) stay on disk as hash
/// tables and are looked up entry by entry (`StoredTable`), so loading costs about the same at ten
/// thousand lines as at a million. Every byte used is covered by a checksum checked before use:
/// the header, the small part and the page checksums at load, each 4 KiB page of the tables the first
/// time it is touched. A damaged page found later makes the command run again without the snapshot
/// (see `LedgerState.isFromDamagedSnapshot`).
///
/// Layout (integers little-endian, 8 bytes):
/// - 0: `TBSNAP02`; 8: `seq`; 16: the log offset after that line; 24: length and 32: checksum of the
///   small part; 40: file offset (a page boundary) and 48: length of the tables; 56: checksum of the
///   page checksums; 64: for each of the eight tables its offset in the table area, slot count, entry
///   count and length; 320: the line's hash (64 hex digits); 384: checksum of bytes 0..<384.
/// - 392: the small part; zeros to the next page; the tables; one 8-byte checksum per page of them.
public enum Snapshot {
  /// The snapshot of a log: `<log>.snapshot`.
  public static func path(for logPath: String) -> String { logPath + ".snapshot" }

  static let magic = Array("TBSNAP02".utf8)
  static let headerLength = 392
  static let tableCount = 8
  /// Where the header holds the line's hash, and its own checksum.
  static let hashField = 64 + tableCount * 32
  static let headerChecksumField = hashField + 64

  /// Lines a writer lets accumulate after the snapshot before it writes a new one. A command replays
  /// at most this many lines after the snapshot; writing one costs time in proportion to the state,
  /// about a tenth of a second at a million lines, so a writer spends a small share of its time on it.
  public static let refreshInterval = 1_000

  /// Whether a writer should write a new snapshot: after `refreshInterval` lines.
  public static func isDue(lastSeq: Int, snapshotSeq: Int) -> Bool {
    lastSeq - snapshotSeq >= refreshInterval
  }

  /// The state after every verified line of `file`: from its snapshot when that still matches the log,
  /// then the lines after it; else from the first line.
  /// - Throws: `LogError.corrupt` for a bad line after the snapshot (or anywhere, without one),
  ///   `.empty` for an empty log, `.io` when a read fails.
  /// - Parameter usingSnapshot: false to rebuild from the first line whatever the snapshot (to run a
  ///   command again after its snapshot turned out damaged).
  public static func load(_ file: LogFile, usingSnapshot: Bool = true) throws(LogError) -> LoadedLedger {
    let length = try file.length()
    guard length > 0 else { throw .empty(path: file.path) }
    let committed = LogFile.committedLength(of: file.path, fileLength: length)
    var state = LedgerState()
    var start = LogScan()
    var snapshotSeq: Int?
    if usingSnapshot, let cached = try? read(for: file, committedLength: committed ?? length) {
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
  /// returns false. So does a state read from a snapshot found damaged.
  /// - Complexity: O(n) in the size of the state: the tables' entries are copied, not decoded.
  @discardableResult
  public static func write(_ state: LedgerState, offset: Int, logPath: String) -> Bool {
    guard state.lastSeq > 0, let bytes = encode(state, offset: offset) else { return false }
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

  /// The whole snapshot file for `state`, or nil when a table could not be copied whole.
  static func encode(_ state: LedgerState, offset: Int) -> [UInt8]? {
    let core = state.snapshotCoreBytes()
    var out = SnapshotWriter(capacity: headerLength + core.count + 4096 + state.ids.count * 48)
    out.zeros(headerLength)
    core.withUnsafeBytes { out.raw($0) }
    out.align(MappedSnapshot.pageSize)
    let areaStart = out.bytes.count
    var directory: [UInt64] = []
    func table<K: TableKey, V>(_ table: StoredTable<K, V>, _ codec: TableCodec<K, V>) -> Bool {
      out.align(8)
      let start = out.bytes.count - areaStart
      guard let (slotCount, length) = table.writeSection(to: &out, codec: codec) else { return false }
      directory += [UInt64(start), UInt64(slotCount), UInt64(table.count), UInt64(length)]
      return true
    }
    guard table(state.records, .records), table(state.redemptions, .redemptions), table(state.ids, .ids),
      table(state.minutesByDay, .minutesByDay), table(state.members, .members), table(state.teams, .teams),
      table(state.accounts, .accounts), table(state.pendingPoints, .pendingPoints)
    else { return nil }
    let areaLength = out.bytes.count - areaStart
    var sums = SnapshotWriter(capacity: (areaLength / MappedSnapshot.pageSize + 1) * 8)
    out.bytes.withUnsafeBytes { raw in
      var page = areaStart
      while page < raw.count {
        let pageEnd = min(page + MappedSnapshot.pageSize, raw.count)
        sums.fixed64(checksum(UnsafeRawBufferPointer(rebasing: raw[page..<pageEnd])))
        page = pageEnd
      }
    }
    let sumsChecksum = sums.bytes.withUnsafeBytes { checksum($0) }
    sums.bytes.withUnsafeBytes { out.raw($0) }
    var header = SnapshotWriter(capacity: headerLength)
    header.bytes.append(contentsOf: magic)
    for value in [state.lastSeq, offset, core.count] { header.fixed64(UInt64(value)) }
    header.fixed64(core.withUnsafeBytes { checksum($0) })
    header.fixed64(UInt64(areaStart))
    header.fixed64(UInt64(areaLength))
    header.fixed64(sumsChecksum)
    for value in directory { header.fixed64(value) }
    guard header.bytes.count == hashField, state.headHash.utf8.count == 64 else { return nil }
    header.bytes.append(contentsOf: state.headHash.utf8)
    header.fixed64(header.bytes.withUnsafeBytes { checksum($0) })
    out.bytes.replaceSubrange(0..<headerLength, with: header.bytes)
    return out.bytes
  }

  /// The snapshot of `file` when it is whole and its line is still in the log, below `committedLength`.
  static func read(for file: LogFile, committedLength: Int) throws -> (state: LedgerState, offset: Int)? {
    guard let mapped = MappedSnapshot(path: path(for: file.path)),
      let (state, offset) = try? decode(mapped), offset <= committedLength
    else { return nil }
    // The log must still hold, just before `offset`, the line `seq` with this hash.
    guard let line = try file.line(endingAt: offset), line.seq == state.lastSeq, line.hash == state.headHash
    else { return nil }
    return (state, offset)
  }

  /// The state a snapshot holds (its small part decoded, its tables looked up on demand) and the log
  /// offset after its last line.
  /// - Throws: `SnapshotDecodingError` when the header, the small part or the page checksums are not
  ///   whole and well formed.
  static func decode(_ mapped: MappedSnapshot) throws(SnapshotDecodingError) -> (state: LedgerState, offset: Int) {
    let bytes = mapped.bytes
    func failure(_ problem: String) -> SnapshotDecodingError { SnapshotDecodingError(problem: problem) }
    guard bytes.count >= headerLength, bytes.prefix(8).elementsEqual(magic) else { throw failure("header") }
    func number(_ offset: Int) -> Int {
      Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }
    guard
      UInt64(bitPattern: Int64(number(headerChecksumField)))
        == checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<headerChecksumField]))
    else { throw failure("header checksum") }
    let seq = number(8)
    let offset = number(16)
    let coreLength = number(24)
    let areaStart = number(40)
    let areaLength = number(48)
    let hash = String(decoding: bytes[hashField..<headerChecksumField], as: UTF8.self)
    guard seq > 0, offset > 0, coreLength >= 0, coreLength <= bytes.count, areaLength >= 0,
      areaLength <= bytes.count, headerLength + coreLength <= areaStart, areaStart % MappedSnapshot.pageSize == 0,
      areaStart + areaLength + (areaLength + MappedSnapshot.pageSize - 1) / MappedSnapshot.pageSize * 8
        == bytes.count
    else { throw failure("lengths") }
    let core = UnsafeRawBufferPointer(rebasing: bytes[headerLength..<(headerLength + coreLength)])
    let sums = UnsafeRawBufferPointer(rebasing: bytes[(areaStart + areaLength)...])
    guard checksum(core) == UInt64(bitPattern: Int64(number(32))) else { throw failure("checksum") }
    guard checksum(sums) == UInt64(bitPattern: Int64(number(56))) else { throw failure("page checksums") }
    mapped.setPages(from: areaStart, to: areaStart + areaLength)
    func section<K: TableKey, V>(_ index: Int, _ codec: TableCodec<K, V>) throws(SnapshotDecodingError) -> TableSection<K, V> {
      let field = 64 + index * 32
      let start = number(field)
      let slotCount = number(field + 8)
      let count = number(field + 16)
      let length = number(field + 24)
      guard start >= 0, slotCount > 0, slotCount & (slotCount - 1) == 0, count >= 0, count <= slotCount,
        start <= areaLength, length >= 0, length <= areaLength - start, slotCount <= length / 8
      else { throw failure("table \(index)") }
      return TableSection(
        file: mapped, start: areaStart + start, slotCount: slotCount, count: count, length: length, codec: codec)
    }
    var state = try LedgerState(snapshotCore: core)
    state.records = StoredTable(base: try section(0, .records))
    state.redemptions = StoredTable(base: try section(1, .redemptions))
    state.ids = StoredTable(base: try section(2, .ids))
    state.minutesByDay = StoredTable(base: try section(3, .minutesByDay))
    state.members = StoredTable(base: try section(4, .members))
    state.teams = StoredTable(base: try section(5, .teams))
    state.accounts = StoredTable(base: try section(6, .accounts))
    state.pendingPoints = StoredTable(base: try section(7, .pendingPoints))
    guard state.lastSeq == seq, state.headHash == hash else { throw failure("seq or hash") }
    return (state, offset)
  }

  /// A 64-bit checksum, eight bytes at a time: catches a damaged or cut-short piece of the file.
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

/// A snapshot file mapped into memory, whose table pages are verified against their checksums the
/// first time they are read.
final class MappedSnapshot: @unchecked Sendable {
  static let pageSize = 4096
  let bytes: UnsafeRawBufferPointer
  private var areaStart = 0
  private var areaEnd = 0
  /// One bit per page of the table area: verified already.
  private var verified: [UInt64] = []
  private var damaged = false
  private let lock = NSLock()

  /// Whether `bytes` is a mapping (else memory this object allocated).
  private let isMapped: Bool

  /// A copy of `contents` in memory, as if mapped from a file (for tests).
  init(copying contents: [UInt8]) {
    let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, contents.count), alignment: 16)
    contents.withUnsafeBytes { memory.copyMemory(from: $0) }
    bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(memory)[0..<contents.count])
    isMapped = false
  }

  /// Maps the file at `path`, or nil when it is missing, empty or cannot be mapped.
  init?(path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
    let length = Int(status.st_size)
    guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
      return nil
    }
    bytes = UnsafeRawBufferPointer(start: address, count: length)
    isMapped = true
  }

  deinit {
    if isMapped {
      munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    } else {
      UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
    }
  }

  /// The table area, whose page checksums follow it (those checksums are verified already).
  func setPages(from start: Int, to end: Int) {
    areaStart = start
    areaEnd = end
    verified = Array(repeating: 0, count: ((end - start) / MappedSnapshot.pageSize + 1) / 64 + 1)
  }

  var isDamaged: Bool { lock.withLock { damaged } }

  /// Marks the snapshot damaged: the command is run again without it.
  func reportDamage() { lock.withLock { damaged = true } }

  /// The `count` bytes at `offset` of the table area, once every page they touch has matched its
  /// checksum; nil (and the snapshot reported damaged) otherwise.
  func checked(_ offset: Int, count: Int) -> UnsafeRawBufferPointer? {
    guard offset >= areaStart, count >= 0, offset + count <= areaEnd else {
      reportDamage()
      return nil
    }
    let firstPage = (offset - areaStart) / MappedSnapshot.pageSize
    let lastPage = (offset + max(count, 1) - 1 - areaStart) / MappedSnapshot.pageSize
    let good = lock.withLock { () -> Bool in
      if damaged { return false }
      for page in firstPage...lastPage where verified[page >> 6] & (1 << UInt64(page & 63)) == 0 {
        let start = areaStart + page * MappedSnapshot.pageSize
        let end = min(start + MappedSnapshot.pageSize, areaEnd)
        let stored = UInt64(
          littleEndian: bytes.loadUnaligned(
            fromByteOffset: areaEnd + page * 8, as: UInt64.self))
        guard Snapshot.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) == stored else {
          damaged = true
          return false
        }
        verified[page >> 6] |= 1 << UInt64(page & 63)
      }
      return true
    }
    guard good else { return nil }
    return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
  }
}
