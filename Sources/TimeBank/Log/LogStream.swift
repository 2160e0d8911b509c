import Dispatch
import Foundation

/// How far a streamed log verified, and how it ended.
public struct LogScan: Equatable, Sendable {
  /// Lines verified and handed on, in order (the last one's `seq`).
  public var lines = 0
  /// Bytes of those lines: where the next line would be written.
  public var validLength = 0
  /// The `hash` of the last line handed on, or the genesis hash.
  public var headHash = LogLine.genesisHash
  /// The bytes after the last complete line, or after the last committed batch.
  public var tornTail: TornTail?
  /// The first line that breaks the chain; nothing after it was read.
  public var corruption: LogCorruption?
  /// Whether the consumer asked to stop before the end.
  public var stopped = false
  /// The id of every line handed on, and its `seq` (left empty by a scan that checks ids by
  /// fingerprint, `IDCheck.fingerprints`).
  public var ids = StoredTable<String, Int>()
}

/// How a scan holds the lines' ids to check that none repeats.
enum IDCheck {
  /// Every id and its `seq`, in `LogScan.ids`: what a command needs to answer a retried id.
  case table
  /// Only a fingerprint of each id (`FingerprintSet`: about 6 bytes an id instead of about 48), for a
  /// scan that needs the verdict, not the table (the audit). A fingerprint seen before is settled
  /// exactly by reading the lines before it again with a table (`LogStream.firstSeq`), so two ids that
  /// merely share a fingerprint are never taken for one: a collision costs time, never a wrong verdict.
  case fingerprints(_ fingerprint: @Sendable (String) -> UInt64)

  /// The fingerprint function, if ids are checked by fingerprint.
  var fingerprint: (@Sendable (String) -> UInt64)? {
    if case .fingerprints(let fingerprint) = self { fingerprint } else { nil }
  }

  /// The fingerprint the audit uses: the ids' table hash under a seed of its own, fresh each process.
  static let seeded = IDCheck.fingerprints { TableHash.string($0, seed: IDCheck.seed) }
  private static let seed = TableHash.seed ^ 0x6964_5f66_696e_6765
}

/// A set of 64-bit fingerprints kept in 4 bytes each, in tables that are filled and never regrown.
///
/// The low 32 bits of a fingerprint choose its home slot (scaled to the table's size, which need not be
/// a power of two, so a table sized for the expected count wastes little), and the slot keeps the high
/// 32 bits. Since those are all a slot keeps, a full table cannot be spread over a larger one; the next
/// fingerprints go to a new table twice its size, and a lookup probes each table. Sized from the log's
/// length, one table nearly always holds them all.
///
/// Two fingerprints are taken for one when their high bits match and one lies where the other probes:
/// about once in 2^32 insertions per slot probed (at a million lines, with about five slots probed
/// each, once in a thousand audits). The scan then reads the lines again to settle it, so a false
/// match costs time, never a wrong verdict.
struct FingerprintSet {
  /// Full tables, then the one being filled.
  private var tables: [Table]
  private(set) var count = 0

  /// A set with room for `expected` fingerprints before a second table is needed.
  init(expected: Int) { tables = [Table(slots: max(16, expected + expected / 3 + 1))] }

  /// Adds `fingerprint`; false, changing nothing, when it (or one taken for it) is here already.
  mutating func insert(_ fingerprint: UInt64) -> Bool {
    let high = max(UInt32(truncatingIfNeeded: fingerprint >> 32), 1)
    let low = UInt32(truncatingIfNeeded: fingerprint)
    for index in tables.indices where tables[index].contains(high, home: low) { return false }
    if tables[tables.count - 1].isFull { tables.append(Table(slots: tables[tables.count - 1].size * 2)) }
    tables[tables.count - 1].insert(high, home: low)
    count += 1
    return true
  }

  /// Adds `fingerprints` in their order, and returns the positions of those that were here already
  /// (each as `insert` would have said, one after the other), in increasing order.
  ///
  /// For the fingerprints of a step of lines at once, before the lines are checked one by one: each
  /// insertion reads a slot at random in a table of megabytes, a cache miss; one after another in a
  /// short loop, several are under way at once, where one per line, between the line's other checks,
  /// waited for each in turn.
  mutating func insert(_ fingerprints: UnsafeBufferPointer<UInt64>) -> [Int] {
    var seen: [Int] = []
    for (position, fingerprint) in fingerprints.enumerated() where !insert(fingerprint) {
      seen.append(position)
    }
    return seen
  }

  /// Linear probing over 4-byte slots (0 is empty), at most three quarters full.
  private struct Table {
    private var slots: [UInt32]
    private var count = 0

    init(slots: Int) { self.slots = [UInt32](repeating: 0, count: slots) }

    var size: Int { slots.count }
    var isFull: Bool { (count + 1) * 4 > slots.count * 3 }

    /// The home slot of a fingerprint whose low bits are `low`: `low` scaled to the table's size.
    private func home(_ low: UInt32) -> Int { Int((UInt64(low) &* UInt64(slots.count)) >> 32) }

    func contains(_ high: UInt32, home low: UInt32) -> Bool {
      slots.withUnsafeBufferPointer { slots in
        var slot = home(low)
        while slots[slot] != 0 {
          if slots[slot] == high { return true }
          slot = slot + 1 == slots.count ? 0 : slot + 1
        }
        return false
      }
    }

    /// - Precondition: not full, and `high` not found from `low`'s home.
    mutating func insert(_ high: UInt32, home low: UInt32) {
      var slot = home(low)
      slots.withUnsafeMutableBufferPointer { slots in
        while slots[slot] != 0 { slot = slot + 1 == slots.count ? 0 : slot + 1 }
        slots[slot] = high
      }
      count += 1
    }
  }
}

/// Reads a log block by block and hands each verified line on in order, without holding the log in
/// memory: lines are decoded and hashed on every core, then the chain (`seq`, `prev`, unique ids, the
/// opening line) is checked in order.
///
/// It gives the same verdict as `LogReader.verify` (the straightforward reader): the same records, the
/// same torn tail, the same first corrupt line. Tests hold the two to that.
public enum LogStream {
  /// Lines decoded per parallel step: enough to keep the cores busy, few enough to keep memory flat.
  static let linesPerStep = 4096

  /// Streams a log held in memory.
  /// - Parameters:
  ///   - committedLength: where the last committed batch ends (see `LogFile.committedLength`).
  ///   - body: called with each verified record, in order; return false to stop.
  /// - Complexity: O(n) in the size of the log; memory O(1) beyond `body`'s and the ids seen.
  ///   - progress: called after each step of a few thousand lines with the bytes verified so far.
  public static func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, committedLength: Int? = nil, progress: ((Int) -> Void)? = nil,
    _ body: (__owned EventRecord) -> Bool
  ) -> LogScan {
    scan(bytes, committedLength: committedLength, ids: .table, progress: progress, body)
  }

  /// `scan(_:committedLength:progress:_:)`, holding the ids as `ids` says.
  static func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, committedLength: Int? = nil, ids: IDCheck,
    progress: ((Int) -> Void)? = nil, _ body: (__owned EventRecord) -> Bool
  ) -> LogScan {
    var chain = ChainCheck(
      totalLength: bytes.count, committedLength: committedLength, ids: ids, progress: progress,
      firstSeq: { id, end in
        .success(firstSeq(of: id) { scan(UnsafeBufferPointer(rebasing: bytes[..<end]), ids: .table, $0) })
      })
    _ = chain.consume(bytes, at: 0, body)
    return chain.finish()
  }

  /// The `seq` of the first line with id `id` that `scan` hands on (the scan stops there): how a scan
  /// that keeps fingerprints settles a fingerprint seen before, reading the lines before it again with
  /// a table of ids (they were verified once already).
  private static func firstSeq<Failure: Error>(
    of id: String, _ scan: ((__owned EventRecord) -> Bool) throws(Failure) -> LogScan
  ) throws(Failure) -> Int? {
    var first: Int?
    _ = try scan { record in
      if record.id == id { first = record.seq }
      return first == nil
    }
    return first
  }

  /// Streams the log in `file` from its first byte, reading a block at a time.
  /// - Throws: `LogError.io` when a read fails.
  public static func scan(
    _ file: LogFile, committedLength: Int? = nil, progress: ((Int) -> Void)? = nil,
    _ body: (__owned EventRecord) -> Bool
  ) throws(LogError) -> LogScan {
    var start = LogScan()
    return try scan(file, committedLength: committedLength, resuming: &start, progress: progress, body)
  }

  /// `scan(_:committedLength:progress:_:)` from the first line, holding the ids as `ids` says.
  static func scan(
    _ file: LogFile, committedLength: Int? = nil, ids: IDCheck, progress: ((Int) -> Void)? = nil,
    _ body: (__owned EventRecord) -> Bool
  ) throws(LogError) -> LogScan {
    var start = LogScan()
    return try scan(file, committedLength: committedLength, resuming: &start, ids: ids, progress: progress, body)
  }

  /// Streams the log in `file` from where `start` left off: `start` says how many lines are already
  /// verified, where they end, the last hash and their ids (which it hands over, so it is left empty),
  /// so a repeated id is still caught.
  /// - Throws: `LogError.io` when a read fails.
  public static func scan(
    _ file: LogFile, committedLength: Int? = nil, resuming start: inout LogScan,
    progress: ((Int) -> Void)? = nil, _ body: (__owned EventRecord) -> Bool
  ) throws(LogError) -> LogScan {
    try scan(file, committedLength: committedLength, resuming: &start, ids: .table, progress: progress, body)
  }

  /// - Precondition: `ids` is `.table` when `start` has lines (their ids are a table already).
  private static func scan(
    _ file: LogFile, committedLength: Int?, resuming start: inout LogScan, ids: IDCheck,
    progress: ((Int) -> Void)?, _ body: (__owned EventRecord) -> Bool
  ) throws(LogError) -> LogScan {
    let length = try file.length()
    var chain = ChainCheck(
      totalLength: length,
      committedLength: committedLength ?? LogFile.committedLength(of: file.path, fileLength: length),
      ids: ids, progress: progress,
      firstSeq: { id, end in
        // The lines before `end` again (rare: a repeated id, or a shared fingerprint).
        Result { () throws(LogError) -> Int? in
          try firstSeq(of: id) { body throws(LogError) in try scan(file, committedLength: end, ids: .table, body) }
        }
      })
    chain.resume(from: &start)
    // Up to 4 MiB at a time (about 12,000 lines; 16 MiB cost 12 MB more at the peak and was no faster
    // at 1M lines); less for a short tail after a snapshot (zeroing costs time too).
    var buffer = [UInt8](repeating: 0, count: min(1 << 22, max(1 << 16, chain.end - chain.scan.validLength)))
    var filled = 0
    var offset = chain.scan.validLength  // file offset of buffer[0]
    var read = offset  // bytes of the file read so far
    while read < chain.end && !chain.isDone {
      if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
      let wanted = min(buffer.count - filled, chain.end - read)
      let result = buffer.withUnsafeMutableBytes { raw in
        Result { () throws(LogError) -> Int in
          try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled..<(filled + wanted)]), at: read)
        }
      }
      let count = try result.get()
      if count == 0 {
        // The file is shorter than it was a moment ago: read what there is.
        chain.shorten(to: read)
        break
      }
      filled += count
      read += count
      let consumed = buffer.withUnsafeBufferPointer { all in
        chain.consume(UnsafeBufferPointer(rebasing: all[0..<filled]), at: offset, body)
      }
      buffer.withUnsafeMutableBytes { raw in
        if consumed > 0 && consumed < filled, let base = raw.baseAddress {
          base.copyMemory(from: base + consumed, byteCount: filled - consumed)
        }
      }
      filled -= consumed
      offset += consumed
    }
    if let failure = chain.failure { throw failure }
    return chain.finish()
  }
}

/// The in-order part of reading a log: line boundaries, then `seq`, `prev`, ids and the opening line.
private struct ChainCheck {
  let totalLength: Int
  /// Bytes from 0 to `end` may hold lines; anything after is a torn tail.
  private(set) var end: Int
  var scan = LogScan()
  /// Where the next line starts in the file.
  private var lineStart = 0

  /// Whether the scan has ended early: a corrupt line, a torn tail, or the consumer asked to stop.
  private(set) var isDone = false

  let progress: ((Int) -> Void)?
  /// How ids are held: `scan.ids`, or `fingerprints`.
  private let idCheck: IDCheck
  private var fingerprints = FingerprintSet(expected: 0)
  /// The `seq` of the first line before file offset `end` whose id is `id`, read again from the start.
  private let firstSeq: (_ id: String, _ end: Int) -> Result<Int?, LogError>
  /// Why the scan stopped when reading the lines again failed.
  private(set) var failure: LogError?

  init(
    totalLength: Int, committedLength: Int?, ids: IDCheck, progress: ((Int) -> Void)?,
    firstSeq: @escaping (_ id: String, _ end: Int) -> Result<Int?, LogError>
  ) {
    self.totalLength = totalLength
    self.progress = progress
    self.idCheck = ids
    self.firstSeq = firstSeq
    end = min(committedLength ?? totalLength, totalLength)
    // Lines are a few hundred bytes: room for one per 300 spares the set most of its regrowth.
    if case .fingerprints = ids { fingerprints = FingerprintSet(expected: min(end / 300, 1 << 24)) }
  }

  mutating func shorten(to length: Int) { end = min(end, length) }

  /// Continues after lines already verified (nothing, for a fresh `LogScan`), taking over their ids.
  mutating func resume(from start: inout LogScan) {
    guard start.lines > 0 else {
      // Lines are a few hundred bytes: reserving for one per 300 spares the id table most of its regrowth.
      if case .table = idCheck { scan.ids.reserveCapacity(min(end / 300, 1 << 24)) }
      return
    }
    guard case .table = idCheck else { preconditionFailure("a resumed scan keeps its ids in a table") }
    swap(&scan, &start)
    lineStart = scan.validLength
  }

  /// Verifies the complete lines in `window` (whose first byte is at file offset `offset`) and returns
  /// how many bytes of it were used; a line cut by the window's end waits for the next call.
  ///
  /// Steps overlap: while this thread checks one step's lines in order, the next step's lines are
  /// being decoded and hashed on the other cores.
  mutating func consume(
    _ window: UnsafeBufferPointer<UInt8>, at offset: Int, _ body: (__owned EventRecord) -> Bool
  ) -> Int {
    let limit = min(window.count, end - offset)
    var cursor = 0
    func nextStep() -> DecodeJob? {
      var starts: [Int] = []
      var ends: [Int] = []
      starts.reserveCapacity(LogStream.linesPerStep)
      ends.reserveCapacity(LogStream.linesPerStep)
      guard let base = window.baseAddress else { return nil }
      while starts.count < LogStream.linesPerStep, cursor < limit,
        let newline = memchr(base + cursor, 0x0A, limit - cursor)
      {
        let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
        starts.append(cursor)
        ends.append(end)
        cursor = end + 1
      }
      guard !starts.isEmpty else { return nil }
      return DecodeJob(window, starts: starts, ends: ends, fingerprint: idCheck.fingerprint)
    }
    var position = 0
    var next = isDone ? nil : nextStep()
    while let job = next {
      job.wait()
      next = nextStep()
      // Every fingerprint of the step, in the lines' order: what the set says of each is what it would
      // say line by line, up to the first line that stops the scan (nothing after it is read).
      let seen = job.fingerprints.map { UnsafeBufferPointer($0) }.map { fingerprints.insert($0) } ?? []
      var nextSeen = 0
      for index in job.ends.indices {
        let isSeen = nextSeen < seen.count && seen[nextSeen] == index
        if isSeen { nextSeen += 1 }
        guard accept(job.take(index), lineEnd: offset + job.ends[index], fingerprintSeen: isSeen, body) else {
          break
        }
      }
      position = job.ends[job.ends.count - 1] + 1
      if isDone {
        next?.wait()
        return position
      }
      progress?(lineStart)
    }
    return position
  }

  /// The chain checks of `LogReader.verify`, for one decoded line ending (before its `\n`) at `lineEnd`.
  /// - Parameter fingerprintSeen: when ids are checked by fingerprint, whether the set held the line's
  ///   fingerprint already (the step's were added before its lines are checked).
  private mutating func accept(
    _ result: consuming Result<EventRecord, LineProblem>, lineEnd: Int, fingerprintSeen: Bool,
    _ body: (__owned EventRecord) -> Bool
  ) -> Bool {
    let lineNumber = scan.lines + 1
    let expectedSeq = scan.lines + 1
    let record: EventRecord
    switch consume result {
    case .failure(let problem):
      if case .unreadable = problem, lineEnd + 1 == end {
        scan.tornTail = TornTail(line: lineNumber, offset: lineStart, length: totalLength - lineStart)
      } else {
        scan.corruption = LogCorruption(line: lineNumber, seq: expectedSeq, problem: problem)
      }
      isDone = true
      return false
    case .success(let decoded):
      record = decoded
    }
    let seq = record.seq
    func fail(_ problem: LineProblem) -> Bool {
      scan.corruption = LogCorruption(line: lineNumber, seq: seq, problem: problem)
      isDone = true
      return false
    }
    guard record.seq == expectedSeq else { return fail(.seqGap(expected: expectedSeq, found: record.seq)) }
    guard record.prev == scan.headHash else {
      return fail(.prevMismatch(expected: scan.headHash, found: record.prev))
    }
    switch idCheck {
    case .table:
      if let first = scan.ids.updateValue(record.seq, forKey: record.id) {
        scan.ids[record.id] = first
        return fail(.duplicateID(record.id, firstSeq: first))
      }
    case .fingerprints:
      if fingerprintSeen {
        // The same id, or another with the same fingerprint: the lines before this one settle it.
        switch firstSeq(record.id, lineStart) {
        case .success(let first?): return fail(.duplicateID(record.id, firstSeq: first))
        case .success(nil): break
        case .failure(let error):
          failure = error
          isDone = true
          return false
        }
      }
    }
    let isOpening = if case .ledgerOpened = record.event { true } else { false }
    guard isOpening == (expectedSeq == 1) else {
      if case .table = idCheck { scan.ids[record.id] = nil }  // the bad line's id is not one of the log's
      return fail(.misplacedLedgerOpened)
    }
    scan.lines = record.seq
    scan.headHash = record.hash
    lineStart = lineEnd + 1
    scan.validLength = lineStart
    // Handed on, not copied: the consumer may keep it.
    guard body(consume record) else {
      scan.stopped = true
      isDone = true
      return false
    }
    return true
  }

  /// The verdict once every byte up to `end` has been offered: what is left after the last line that
  /// verified (a piece without `\n`, or the start of an uncommitted batch) is a torn tail.
  mutating func finish() -> LogScan {
    if !isDone && lineStart < totalLength {
      isDone = true
      scan.tornTail = TornTail(line: scan.lines + 1, offset: lineStart, length: totalLength - lineStart)
    }
    return scan
  }
}

/// One step's lines, decoded and hashed on worker threads while the caller does something else.
private final class DecodeJob {
  static let workers = max(1, min(8, System.activeProcessorCount))
  let ends: [Int]
  private let starts: [Int]
  private let results: UnsafeMutableBufferPointer<Result<EventRecord, LineProblem>>
  /// The fingerprint of each line's id (0 for a line that did not decode), when asked for.
  let fingerprints: UnsafeMutableBufferPointer<UInt64>?
  /// Results from this index on are still in `results` (the earlier ones were taken).
  private var untaken = 0
  private let group = DispatchGroup()

  /// Starts decoding the lines `window[starts[i]..<ends[i]]`, and working out the fingerprints of their
  /// ids with `fingerprint` if given; `window` must stay valid until `wait()`.
  init(
    _ window: UnsafeBufferPointer<UInt8>, starts: [Int], ends: [Int],
    fingerprint: (@Sendable (String) -> UInt64)?
  ) {
    self.starts = starts
    self.ends = ends
    let count = starts.count
    results = .allocate(capacity: count)
    fingerprints = fingerprint.map { _ in .allocate(capacity: count) }
    let chunks = min(DecodeJob.workers, max(1, count / 64))
    let shared = UncheckedSendable(
      (window: window, starts: starts, ends: ends, results: results, fingerprints: fingerprints))
    for chunk in 0..<chunks {
      DispatchQueue.global().async(group: group) {
        let job = shared.value
        let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
        let lines = range.map { UnsafeBufferPointer(rebasing: job.window[job.starts[$0]..<job.ends[$0]]) }
        // The bodies are hashed together, several lines at a time (two interleaved with the SHA
        // extensions, or four in SIMD lanes), then each line is read.
        let bodies = lines.map(LogLine.body(of:))
        var digests = [SHA256.Digest](repeating: .initial, count: lines.count)
        bodies.withUnsafeBufferPointer { bodies in
          digests.withUnsafeMutableBufferPointer { SHA256.digests(of: bodies, into: $0) }
        }
        // A line's `prev` is the line before's `hash`: when the text matches, the record keeps that
        // very string. Its own copy is freed here, on the thread that made it, instead of on the
        // in-order thread, and the chain check's comparison finds the two strings identical at once.
        var previousHash: String?
        for (offset, line) in lines.enumerated() {
          var result = DecodeJob.decode(line, bodyDigest: digests[offset])
          var idFingerprint: UInt64 = 0
          if case .success(var record) = result {
            if let previousHash, record.prev == previousHash {
              record.prev = previousHash
              result = .success(record)
            }
            previousHash = record.hash
            if let fingerprint { idFingerprint = fingerprint(record.id) }
          } else {
            previousHash = nil
          }
          job.fingerprints?[range.lowerBound + offset] = idFingerprint
          (job.results.baseAddress.unsafelyUnwrapped + range.lowerBound + offset).initialize(to: result)
        }
      }
    }
  }

  deinit {
    group.wait()
    if untaken < results.count {
      _ = UnsafeMutableBufferPointer(rebasing: results[untaken...]).deinitialize()
    }
    results.deallocate()
    fingerprints?.deallocate()
  }

  /// Returns once every worker is done.
  func wait() { group.wait() }

  /// Moves the decoded line `index` out, after `wait()`: lines are taken in order, each once (a
  /// move, not a copy, so no reference is counted up and down again).
  func take(_ index: Int) -> Result<EventRecord, LineProblem> {
    precondition(index == untaken, "lines are taken in order, each once")
    untaken += 1
    return (results.baseAddress.unsafelyUnwrapped + index).move()
  }

  static func decode(_ line: UnsafeBufferPointer<UInt8>, bodyDigest: SHA256.Digest) -> Result<EventRecord, LineProblem> {
    if let record = FastLineDecoder.decode(line, bodyDigest: bodyDigest) { return .success(record) }
    do {
      return .success(try LogLine.decode(line))
    } catch {
      return .failure(error)
    }
  }
}

/// A value handed to worker threads that only read it, or write disjoint parts of it.
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// How many cores this process may use.
enum System {
  static let activeProcessorCount = ProcessInfo.processInfo.activeProcessorCount
}
