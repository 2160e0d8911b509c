/// The verified lines of a log, and its torn tail if it has one.
public struct LogContents: Sendable {
  public var records: [EventRecord]
  public var tornTail: TornTail?
  /// Bytes of complete, verified lines (where the next line will be written).
  public var validLength: Int

  /// The `hash` of the last line, or the genesis hash for an empty log.
  public var headHash: String { records.last?.hash ?? LogLine.genesisHash }
}

/// Reads a log's bytes and verifies every line: hash, `seq`, `prev`, unique ids, and that the first
/// line is `ledger.opened`.
public enum LogReader {
  /// Verifies `bytes` as a whole log, stopping at the first line that breaks the chain.
  ///
  /// A final piece without `\n`, or a final line that is not even JSON ending in its hash, is a torn tail:
  /// returned, not read. Anything else wrong is corruption.
  /// - Throws: `LogCorruption` for the first bad line.
  /// - Complexity: O(n) in the size of the log.
  ///
  /// - Parameter committedLength: where the last committed batch ends, when a batch journal says a
  ///   later batch was being written (see `LogFile.committedLength`): bytes after it are a torn tail too,
  ///   even if they hold complete lines, so a batch is never half applied.
  public static func verify(_ bytes: [UInt8], committedLength: Int? = nil) throws(LogCorruption)
    -> LogContents
  {
    let end = min(committedLength ?? bytes.count, bytes.count)
    let result: Result<LogContents, LogCorruption> = bytes.withUnsafeBufferPointer { buffer in
      do throws(LogCorruption) {
        return .success(try verify(UnsafeBufferPointer(rebasing: buffer[0..<end])))
      } catch {
        return .failure(error)
      }
    }
    var contents = try result.get()
    if end < bytes.count {
      let start = contents.tornTail?.offset ?? end
      let line = contents.tornTail?.line ?? contents.records.count + 1
      contents.tornTail = TornTail(line: line, offset: start, length: bytes.count - start)
    }
    return contents
  }

  /// Verifies a buffer as a whole log; see `verify(_:)`.
  public static func verify(_ buffer: UnsafeBufferPointer<UInt8>) throws(LogCorruption) -> LogContents {
    var records: [EventRecord] = []
    var ids: [String: Int] = [:]
    var start = 0
    var lineNumber = 0
    var prev = LogLine.genesisHash
    while start < buffer.count {
      lineNumber += 1
      guard let newline = buffer[start...].firstIndex(of: 0x0A) else {
        let tail = TornTail(line: lineNumber, offset: start, length: buffer.count - start)
        return LogContents(records: records, tornTail: tail, validLength: start)
      }
      let expectedSeq = records.count + 1
      let record: EventRecord
      do {
        record = try LogLine.decode(UnsafeBufferPointer(rebasing: buffer[start..<newline]))
      } catch {
        if case .unreadable = error, newline + 1 == buffer.count {
          let tail = TornTail(line: lineNumber, offset: start, length: buffer.count - start)
          return LogContents(records: records, tornTail: tail, validLength: start)
        }
        throw LogCorruption(line: lineNumber, seq: expectedSeq, problem: error)
      }
      func fail(_ problem: LineProblem) -> LogCorruption {
        LogCorruption(line: lineNumber, seq: record.seq, problem: problem)
      }
      guard record.seq == expectedSeq else { throw fail(.seqGap(expected: expectedSeq, found: record.seq)) }
      guard record.prev == prev else { throw fail(.prevMismatch(expected: prev, found: record.prev)) }
      if let first = ids[record.id] { throw fail(.duplicateID(record.id, firstSeq: first)) }
      let isOpening = if case .ledgerOpened = record.event { true } else { false }
      guard isOpening == (expectedSeq == 1) else { throw fail(.misplacedLedgerOpened) }
      ids[record.id] = record.seq
      prev = record.hash
      records.append(record)
      start = newline + 1
    }
    return LogContents(records: records, tornTail: nil, validLength: start)
  }
}
