import Foundation
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open log file: POSIX reads and writes, `flock`, `fsync`, with errors as `LogError`.
///
/// Readers open without a lock and stop at the last complete line; writers hold an exclusive `flock`
/// from catch-up to `fsync`, so two coordinators typing at once are serialised.
public final class LogFile {
  /// The file's name: in error messages, and for its batch journal (`journalPath(for:)`).
  public private(set) var path: String
  private let descriptor: Int32
  private var isLocked = false

  /// Permissions of new logs and side files: read and write for owner and group only.
  public static let creationMode: mode_t = 0o660

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// Opens an existing log for reading.
  public static func openForReading(_ path: String) throws(LogError) -> LogFile {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw openError(path) }
    let file = LogFile(path: path, descriptor: descriptor)
    try file.checkRegular()
    return file
  }

  /// Opens an existing log for appending and takes the exclusive lock.
  public static func openForWriting(_ path: String) throws(LogError) -> LogFile {
    let descriptor = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
    guard descriptor >= 0 else { throw openError(path) }
    let file = LogFile(path: path, descriptor: descriptor)
    try file.checkRegular()
    try file.lock()
    return file
  }

  /// Creates a new, empty log (never over an existing file), locks it and syncs its directory.
  public static func create(_ path: String) throws(LogError) -> LogFile {
    let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, creationMode)
    guard descriptor >= 0 else {
      if errno == EEXIST || errno == EISDIR {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { throw .notARegularFile(path: path) }
        throw .alreadyExists(path: path)
      }
      throw .io(path: path, operation: "create", code: errno)
    }
    let file = LogFile(path: path, descriptor: descriptor)
    fchmod(descriptor, creationMode)
    try file.lock()
    try syncDirectory(of: path)
    return file
  }

  private static func openError(_ path: String) -> LogError {
    switch errno {
    case ENOENT: .missing(path: path)
    case EISDIR: .notARegularFile(path: path)
    default: .io(path: path, operation: "open", code: errno)
    }
  }

  private func checkRegular() throws(LogError) {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .io(path: path, operation: "stat", code: errno) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path) }
  }

  private func lock() throws(LogError) {
    while flock(descriptor, LOCK_EX) != 0 {
      if errno != EINTR { throw .io(path: path, operation: "lock", code: errno) }
    }
    isLocked = true
  }

  /// The file's length now.
  public func length() throws(LogError) -> Int {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .io(path: path, operation: "stat", code: errno) }
    return Int(info.st_size)
  }

  /// Reads up to `buffer.count` bytes at `offset`; fewer (0 at the end) when the file is shorter.
  public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(LogError) -> Int {
    var total = 0
    while total < buffer.count {
      let count = pread(descriptor, buffer.baseAddress.map { $0 + total }, buffer.count - total, off_t(offset + total))
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, operation: "read", code: errno)
      }
      if count == 0 { break }
      total += count
    }
    return total
  }

  /// The line that ends (with its `\n`) just before `offset`, decoded and its own hash checked; nil when
  /// there is no such whole line there.
  /// - Complexity: O(l) in the length of that line.
  public func line(endingAt offset: Int) throws(LogError) -> EventRecord? {
    guard offset > 0 else { return nil }
    var window = 4096
    while true {
      let start = max(0, offset - window)
      var bytes = [UInt8](repeating: 0, count: offset - start)
      let count = try bytes.withUnsafeMutableBytes { raw in
        Result { () throws(LogError) -> Int in try read(into: raw, at: start) }
      }.get()
      guard count == bytes.count, bytes.last == 0x0A else { return nil }
      if let newline = bytes.dropLast().lastIndex(of: 0x0A) {
        return bytes.withUnsafeBufferPointer { buffer in
          try? LogLine.decode(UnsafeBufferPointer(rebasing: buffer[(newline + 1)..<(buffer.count - 1)]))
        }
      }
      if start == 0 {
        return bytes.withUnsafeBufferPointer { buffer in
          try? LogLine.decode(UnsafeBufferPointer(rebasing: buffer[0..<(buffer.count - 1)]))
        }
      }
      window *= 4
    }
  }

  /// The line whose `seq` is `seq`, found by bisection over the first `length` bytes (lines are in `seq`
  /// order), decoded and its own hash checked; nil when there is none.
  ///
  /// A writer uses it to answer an idempotent retry without keeping every line in memory.
  /// - Complexity: O(log n) reads for a log of n bytes.
  public func line(seq: Int, within length: Int) throws(LogError) -> EventRecord? {
    guard seq > 0 else { return nil }
    var low = 0  // a line start whose seq is at most `seq`
    var high = length  // at or after the start of the line after it
    while high - low > 8192 {
      let middle = (low + high) / 2
      guard let (start, found) = try lineStart(atOrAfter: middle, before: high) else {
        high = middle
        continue
      }
      if found <= seq { low = start } else { high = middle }
    }
    var offset = low
    var window = 1 << 16
    while offset < length {
      let bytes = try bytes(from: offset, count: min(length - offset, window))
      guard let newline = bytes.firstIndex(of: 0x0A) else {
        // A line longer than the window: read more of it.
        guard offset + window < length else { return nil }
        window *= 4
        continue
      }
      let record = bytes.withUnsafeBufferPointer { buffer in
        try? LogLine.decode(UnsafeBufferPointer(rebasing: buffer[0..<newline]))
      }
      guard let record, record.seq <= seq else { return nil }
      if record.seq == seq { return record }
      offset += newline + 1
    }
    return nil
  }

  /// The line whose `seq` is `seq`, as `line(seq:within:)` finds it; a line the log should have but
  /// does not (a verified log, or its snapshot, said it was there) is corruption at that line.
  public func existingLine(seq: Int, within length: Int) throws(LogError) -> EventRecord {
    guard let record = try line(seq: seq, within: length) else {
      throw .corrupt(
        path: path, LogCorruption(line: seq, seq: seq, problem: .malformed("line \(seq) could not be found")))
    }
    return record
  }

  /// The first line start at or after `offset` and before `limit`, with the `seq` it begins with.
  private func lineStart(atOrAfter offset: Int, before limit: Int) throws(LogError) -> (Int, Int)? {
    var start = offset
    if offset > 0 {
      let bytes = try bytes(from: offset - 1, count: min(limit - offset + 1, 1 << 16))
      guard let newline = bytes.firstIndex(of: 0x0A) else { return nil }
      start = offset + newline
    }
    guard start < limit else { return nil }
    let prefix = try bytes(from: start, count: 32)
    let text = Array("{\"seq\":".utf8)
    guard prefix.starts(with: text) else { return nil }
    var value = 0
    for byte in prefix.dropFirst(text.count) {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return (start, value)
  }

  /// Up to `count` bytes from `offset` (fewer at the end of the file).
  private func bytes(from offset: Int, count: Int) throws(LogError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: max(0, count))
    let read = try bytes.withUnsafeMutableBytes { raw in
      Result { () throws(LogError) -> Int in try self.read(into: raw, at: offset) }
    }.get()
    bytes.removeSubrange(read...)
    return bytes
  }

  /// Every byte of the file, read from the start.
  /// - Complexity: O(n) in the size of the file.
  public func readAll() throws(LogError) -> [UInt8] {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .io(path: path, operation: "stat", code: errno) }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var total = 0
    while total < bytes.count {
      let count = bytes.withUnsafeMutableBytes { buffer in
        pread(descriptor, buffer.baseAddress.map { $0 + total }, buffer.count - total, off_t(total))
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, operation: "read", code: errno)
      }
      if count == 0 { break }
      total += count
    }
    // A reader takes no lock: a writer may be appending; keep only what was there at fstat time.
    if total < bytes.count { bytes.removeSubrange(total...) }
    return bytes
  }

  /// Reads and verifies the whole log.
  /// - Throws: `LogError.corrupt` for a bad line, `.empty` for an empty file, `.io` for a read error.
  public func readVerified() throws(LogError) -> LogContents {
    let bytes = try readAll()
    let contents: LogContents
    do {
      contents = try LogReader.verify(
        bytes, committedLength: LogFile.committedLength(of: path, fileLength: bytes.count))
    } catch {
      throw .corrupt(path: path, error)
    }
    if contents.records.isEmpty && contents.tornTail == nil { throw .empty(path: path) }
    return contents
  }

  /// Appends complete lines with one `write` (repeated only if the kernel writes part of it), then
  /// `fsync`s. On any failure the file is cut back to `expectedLength`, so no half line is left for the
  /// next writer to build on, and the error is thrown.
  ///
  /// - Parameter expectedLength: the file's length before this append (the verified length).
  public func append(_ bytes: [UInt8], expectedLength: Int) throws(LogError) {
    precondition(isLocked, "append needs the exclusive lock")
    // A crash can cut one `write` of several pages between pages. For a batch of several lines, first
    // record (and sync) where it starts and how long it is: until it is wholly written, readers and
    // writers treat it as a torn tail, and `repair` moves all of it aside: all or nothing.
    let isBatch = bytes.lazy.filter { $0 == 0x0A }.count > 1
    if isBatch {
      try LogFile.writeJournal(for: path, offset: expectedLength, length: bytes.count)
    }
    defer { if isBatch { unlink(LogFile.journalPath(for: path)) } }
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
      }
      if count < 0 {
        if errno == EINTR { continue }
        let code = errno
        rollBack(to: expectedLength)
        throw .io(path: path, operation: "write", code: code)
      }
      written += count
    }
    guard fsync(descriptor) == 0 else {
      let code = errno
      rollBack(to: expectedLength)
      throw .io(path: path, operation: "fsync", code: code)
    }
  }

  /// The batch journal of a log: `<log>.batch`.
  public static func journalPath(for path: String) -> String { path + ".batch" }

  static func writeJournal(for path: String, offset: Int, length: Int) throws(LogError) {
    let journal = journalPath(for: path)
    let descriptor = open(journal, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, creationMode)
    guard descriptor >= 0 else { throw .io(path: journal, operation: "create", code: errno) }
    defer { close(descriptor) }
    let text = Array("\(offset) \(length)\n".utf8)
    let count = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    guard count == text.count, fsync(descriptor) == 0 else {
      throw .io(path: journal, operation: "write", code: errno)
    }
    try syncDirectory(of: journal)
  }

  /// Where the committed part of the log ends: the start of a batch its journal says was being written
  /// and is not wholly in the file (`fileLength` short of its end); nil when there is no such batch.
  public static func committedLength(of path: String, fileLength: Int) -> Int? {
    guard let data = FileManager.default.contents(atPath: journalPath(for: path)),
      let text = String(data: data, encoding: .utf8)
    else { return nil }
    let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
    guard numbers.count == 2, numbers[0] >= 0, numbers[1] > 0 else { return nil }
    return numbers[0] + numbers[1] > fileLength && numbers[0] < fileLength ? numbers[0] : nil
  }

  /// Cuts the file to `length` bytes and syncs it (used by `repair` and after a failed append).
  public func truncate(to length: Int) throws(LogError) {
    guard ftruncate(descriptor, off_t(length)) == 0 else {
      throw .io(path: path, operation: "truncate", code: errno)
    }
    guard fsync(descriptor) == 0 else { throw .io(path: path, operation: "fsync", code: errno) }
  }

  private func rollBack(to length: Int) {
    _ = ftruncate(descriptor, off_t(length))
    _ = fsync(descriptor)
  }

  /// Writes a new file (never over an existing one) with `bytes`, syncs it and its directory.
  public static func writeNewFile(_ path: String, bytes: [UInt8]) throws(LogError) {
    let file = try create(path)
    try file.append(bytes, expectedLength: 0)
  }

  /// `fsync`s the directory holding `path`, so a newly created file survives a power cut.
  public static func syncDirectory(of path: String) throws(LogError) {
    var directory = path
    if let slash = directory.lastIndex(of: "/") {
      directory = String(directory[..<slash])
      if directory.isEmpty { directory = "/" }
    } else {
      directory = "."
    }
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .io(path: directory, operation: "open directory", code: errno) }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else {
      throw .io(path: directory, operation: "fsync directory", code: errno)
    }
  }

  /// Gives the file at `source` a second name `destination` (never over an existing file) and syncs
  /// the directory, so the new name is durable.
  public static func link(_ source: String, to destination: String) throws(LogError) {
    #if canImport(Glibc)
      let result = Glibc.link(source, destination)
    #else
      let result = Darwin.link(source, destination)
    #endif
    guard result == 0 else {
      if errno == EEXIST { throw .alreadyExists(path: destination) }
      throw .io(path: destination, operation: "create", code: errno)
    }
    try syncDirectory(of: destination)
  }

  /// Gives this open file a second name `destination` (see `link(_:to:)`) and makes it the file's
  /// `path` from then on, so the batch journals of later appends are where readers and `repair` look
  /// for them: `<destination>.batch`.
  public func link(to destination: String) throws(LogError) {
    try LogFile.link(path, to: destination)
    path = destination
  }

  /// Throws unless nothing exists at `path`: `.notARegularFile` for a directory, `.alreadyExists` else.
  public static func checkAbsent(_ path: String) throws(LogError) {
    var info = stat()
    guard stat(path, &info) != 0 else {
      if (info.st_mode & S_IFMT) == S_IFDIR { throw .notARegularFile(path: path) }
      throw .alreadyExists(path: path)
    }
  }

  /// Whether a file exists at `path`.
  public static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }
}
