/// A line of the log that breaks the chain: the first one found.
public struct LogCorruption: Error, Equatable, Sendable {
  /// 1-based line number in the file.
  public var line: Int
  /// The `seq` the line carries, or the one it should carry when it cannot be read.
  public var seq: Int
  public var problem: LineProblem
}

/// Bytes at the end of the log after the last complete line: what a crash mid-write leaves.
public struct TornTail: Equatable, Sendable {
  /// 1-based line number where the torn bytes start.
  public var line: Int
  /// Byte offset in the file where the torn bytes start; everything before it is intact.
  public var offset: Int
  /// How many bytes are torn.
  public var length: Int
}

/// Why the log could not be read or written.
public enum LogError: Error, Equatable, Sendable {
  /// The file could not be opened, read, written or synced; `operation` says which, `code` is errno.
  case io(path: String, operation: String, code: Int32)
  /// No log exists at the path.
  case missing(path: String)
  /// A log already exists where a new one was to be created.
  case alreadyExists(path: String)
  /// The path is a directory or other non-regular file.
  case notARegularFile(path: String)
  /// The file is empty: it has no `ledger.opened` line.
  case empty(path: String)
  /// A line before the end breaks the chain.
  case corrupt(path: String, LogCorruption)
  /// The log ends in a torn line; writers refuse until `repair`.
  case tornTail(path: String, TornTail)
}
