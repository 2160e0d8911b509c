import Foundation
/// What `repair` did with a torn tail.
public struct RepairResult: Equatable, Sendable {
  /// The side file now holding the torn bytes.
  public var sideFile: String
  public var tail: TornTail
}

/// Moves a torn tail to a side file and truncates the log to its last complete line.
///
/// Nothing is discarded: the torn bytes are written (and synced) to `<log>.torn-<offset>` before the
/// log is cut. Corruption before the tail is not repaired: that is for a person to look at.
public enum Repair {
  /// Repairs the log at `path`, or returns nil when it has no torn tail.
  ///
  /// - Throws: `LogError.corrupt` when a line before the tail is bad; I/O errors as `LogError.io`.
  public static func run(_ path: String) throws(LogError) -> RepairResult? {
    let file = try LogFile.openForWriting(path)
    let bytes = try file.readAll()
    let contents: LogContents
    do {
      contents = try LogReader.verify(
        bytes, committedLength: LogFile.committedLength(of: path, fileLength: bytes.count))
    } catch {
      throw .corrupt(path: path, error)
    }
    guard let tail = contents.tornTail else {
      unlink(LogFile.journalPath(for: path))  // a journal of a batch that was wholly written
      return nil
    }
    var sidePath = "\(path).torn-\(tail.offset)"
    var suffix = 2
    while LogFile.exists(sidePath) {
      sidePath = "\(path).torn-\(tail.offset)-\(suffix)"
      suffix += 1
    }
    try LogFile.writeNewFile(sidePath, bytes: Array(bytes[tail.offset...]))
    try file.truncate(to: tail.offset)
    unlink(LogFile.journalPath(for: path))
    return RepairResult(sideFile: sidePath, tail: tail)
  }
}
