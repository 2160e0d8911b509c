import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Helpers shared by the reliability suites (crash, torn tail, concurrency, tampering, bad input,
// durability). Everything lives in the `Reliability` namespace so other test files can add their own
// helpers without clashing.
//
// The suites start the built binary with `posix_spawn` rather than Foundation's `Process`: that gives
// the pid to `kill(pid, SIGKILL)` at a chosen moment, and argv can carry bytes that are not UTF-8
// (a Swift `String`, and so `Process.arguments`, cannot hold them).

enum Reliability {
  /// The clock every run pins with TIMEBANK_NOW: 18:00 on 30 June 2025 in Shanghai.
  static let fixedNow = "2025-06-30T18:00:00+08:00"
  /// The log file, relative to each run's working directory (TIMEBANK_LOG), so messages name it short.
  static let logName = "tb.jsonl"

  /// The binary under test: `$TIMEBANK_TEST_BINARY` when set (e.g. a release build for a longer
  /// stress run), else the one next to the test bundle that `BinaryRunner` finds.
  static func binaryPath() throws -> String {
    if let path = ProcessInfo.processInfo.environment["TIMEBANK_TEST_BINARY"], !path.isEmpty {
      return path
    }
    return try BinaryRunner.binaryURL().path
  }

  /// A whole number from the environment of `swift test`, for scaling a stress test up or down.
  static func setting(_ name: String, default value: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? value
  }
}

// MARK: - Running the binary

/// How one spawned process ended, and what it printed.
struct SpawnResult: Sendable, CustomStringConvertible {
  /// The exit status when the process exited; nil when a signal ended it.
  var exitStatus: Int32?
  /// The signal that ended the process, if one did.
  var signal: Int32?
  var stdout: String
  var stderr: String

  /// The exit status, or 128 + the signal number (the shell's convention).
  var code: Int32 { exitStatus ?? (128 + (signal ?? 0)) }
  var wasKilled: Bool { signal != nil }

  var description: String {
    let end = signal.map { "killed by signal \($0)" } ?? "exit \(exitStatus ?? -1)"
    return "\(end)\n--- stdout:\n\(stdout)--- stderr:\n\(stderr)--- end"
  }
}

/// `kill(2)`, under a name that a method called `kill` does not hide.
private func signalProcess(_ pid: pid_t, _ signal: Int32) -> Int32 { kill(pid, signal) }

struct SpawnError: Error, CustomStringConvertible {
  var description: String
}

/// A child process started with `posix_spawn`: stdin from /dev/null, stdout and stderr to files.
final class Spawned: @unchecked Sendable {
  let pid: pid_t
  private let scratch: String
  private var reaped = false

  private init(pid: pid_t, scratch: String) {
    self.pid = pid
    self.scratch = scratch
  }

  deinit {
    if !reaped {
      _ = signalProcess(pid, SIGKILL)
      var status: Int32 = 0
      _ = waitpid(pid, &status, 0)
    }
    try? FileManager.default.removeItem(atPath: scratch)
  }

  /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which the Glibc module does not
  /// export, looked up at run time.
  private typealias AddChdir =
    @convention(c) (
      UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32
  private static let addChdir: AddChdir? = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: AddChdir.self)
  }()

  /// Starts `executable` with raw argument bytes (no NUL inside; argv[0] is the executable), exactly
  /// `environment`, in `directory`.
  static func start(
    _ executable: String, arguments: [[UInt8]], environment: [String: String], directory: String
  ) throws -> Spawned {
    let scratch = NSTemporaryDirectory() + "timebank-spawn-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, scratch + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, scratch + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard let addChdir = Spawned.addChdir else {
      throw SpawnError(description: "posix_spawn_file_actions_addchdir_np is not available (glibc < 2.29)")
    }
    _ = addChdir(&actions, directory)

    func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
      let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
      for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
      pointer[bytes.count] = 0
      return pointer
    }
    let argv: [UnsafeMutablePointer<CChar>?] =
      [cString(Array(executable.utf8))] + arguments.map { cString($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] =
      environment.sorted { $0.key < $1.key }.map { cString(Array("\($0.key)=\($0.value)".utf8)) } + [nil]
    defer {
      for pointer in argv + envp { pointer?.deallocate() }
    }
    // A child inherits the spawning thread's signal mask, and test threads block most signals: start
    // it with none blocked, as from a shell, so a signal such as SIGXFSZ acts on it as it would there.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard status == 0 else {
      try? FileManager.default.removeItem(atPath: scratch)
      throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(status)))")
    }
    return Spawned(pid: pid, scratch: scratch)
  }

  /// Sends `signal` (SIGKILL by default). Harmless if the process has already exited.
  func kill(_ signal: Int32 = SIGKILL) {
    if !reaped { _ = signalProcess(pid, signal) }
  }

  /// Waits for the process to end, killing it after `timeout` seconds (a hang, not a slow run).
  func wait(timeout: Double = 60) throws -> SpawnResult {
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while true {
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid { break }
      if result < 0 && errno != EINTR {
        throw SpawnError(description: "waitpid \(pid): \(String(cString: strerror(errno)))")
      }
      if Date() > deadline && !timedOut {
        timedOut = true
        _ = signalProcess(pid, SIGKILL)
      }
      usleep(500)
    }
    reaped = true
    if timedOut { throw SpawnError(description: "process \(pid) did not finish within \(timeout) s") }
    let signal = status & 0x7f
    let out = (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/stdout"))) ?? Data()
    let err = (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/stderr"))) ?? Data()
    return SpawnResult(
      exitStatus: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
      stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
  }
}

extension Reliability {
  /// The environment of every run: PATH, the pinned clock, the log name, and the actor when given.
  static func environment(actor: String?, extra: [String: String] = [:]) -> [String: String] {
    var variables = [
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
      "TIMEBANK_NOW": fixedNow,
      "TIMEBANK_LOG": logName,
    ]
    if let actor { variables["TIMEBANK_ACTOR"] = actor }
    variables.merge(extra) { _, given in given }
    return variables
  }

  /// Starts `timebank` in `directory` without waiting for it.
  static func start(
    _ arguments: [String], actor: String?, in directory: String, extra: [String: String] = [:]
  ) throws -> Spawned {
    try Spawned.start(
      try binaryPath(), arguments: arguments.map { Array($0.utf8) },
      environment: environment(actor: actor, extra: extra), directory: directory)
  }

  /// Runs `timebank` in `directory` and waits for it.
  static func run(
    _ arguments: [String], actor: String? = nil, in directory: String, extra: [String: String] = [:]
  ) throws -> SpawnResult {
    try start(arguments, actor: actor, in: directory, extra: extra).wait()
  }

  /// Runs `timebank` with raw argument bytes.
  static func run(
    bytes arguments: [[UInt8]], actor: String? = nil, in directory: String, extra: [String: String] = [:]
  ) throws -> SpawnResult {
    try Spawned.start(
      try binaryPath(), arguments: arguments, environment: environment(actor: actor, extra: extra),
      directory: directory
    ).wait()
  }
}

// MARK: - Files and lines

/// A new directory under /tmp, removed when the value is released.
final class ScratchDirectory: @unchecked Sendable {
  let path: String

  init(_ label: String = "rel") throws {
    path = NSTemporaryDirectory() + "timebank-\(label)-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { path + "/" + name }
  var log: String { file(Reliability.logName) }

  func read(_ name: String = Reliability.logName) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: file(name))))
  }

  func write(_ bytes: [UInt8], to name: String = Reliability.logName) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
  }

  /// Names of the files in the directory.
  func files() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }
}

extension Reliability {
  /// The complete lines of a log (each without its `\n`); bytes after the last `\n` are left out.
  static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    guard let last = bytes.lastIndex(of: 0x0A) else { return [] }
    return bytes[...last].split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
  }

  static func join(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }

  /// The members of one log line, parsed by Foundation's JSON parser (independent of the library's).
  static func object(_ line: [UInt8]) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(line), options: [])) as? [String: Any]
  }

  /// The `id` of a log line, read by Foundation's JSON parser.
  static func id(_ line: [UInt8]) -> String? { object(line)?["id"] as? String }

  /// The 64 hex digits of a line's `hash` (the line without its `\n`).
  static func storedHash(_ line: [UInt8]) -> String {
    String(decoding: line.suffix(66).prefix(64), as: UTF8.self)
  }

  /// How often each id occurs in the complete lines of a log.
  static func idCounts(_ bytes: [UInt8]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for line in lines(bytes) { counts[id(line) ?? "<unreadable line>", default: 0] += 1 }
    return counts
  }

  /// The octal permission bits of a file.
  static func mode(of path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o7777
  }

  /// Runs `body(0..<count)` on `width` threads at once and returns the results in order.
  static func concurrently<T: Sendable>(
    _ count: Int, width: Int = 2, _ body: @escaping @Sendable (Int) throws -> T
  ) -> [Result<T, Error>] {
    let slots = ConcurrentSlots<T>(count)
    DispatchQueue.concurrentPerform(iterations: max(1, min(width, count))) { _ in
      while let index = slots.take() {
        slots.put(index, Result { try body(index) })
      }
    }
    return slots.results.map {
      $0 ?? .failure(SpawnError(description: "slot \($0.debugDescription) not run"))
    }
  }
}

/// Work handed out to the threads of `Reliability.concurrently`, and their results.
final class ConcurrentSlots<T>: @unchecked Sendable {
  let lock = NSLock()
  var next = 0
  var results: [Result<T, Error>?]
  init(_ count: Int) { results = Array(repeating: nil, count: count) }
  func take() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < results.count else { return nil }
    next += 1
    return next - 1
  }
  func put(_ index: Int, _ result: Result<T, Error>) {
    lock.lock()
    results[index] = result
    lock.unlock()
  }
}

// MARK: - A small community

/// One command of a set-up script: who runs it and the words.
struct ScriptStep: Sendable, CustomStringConvertible {
  var actor: String
  var arguments: [String]
  init(_ actor: String, _ arguments: [String]) {
    self.actor = actor
    self.arguments = arguments
  }
  var description: String { "[\(actor)] timebank \(arguments.joined(separator: " "))" }
}

/// A small community, written once through the binary, copied into each test's own directory.
///
/// What it holds, worked out by hand (default policy: 1.00 point per hour, 12-hour daily cap):
/// - admin (admin); zhao (coordinator, all); li (coordinator, team elder);
/// - team elder (m1, m2); branch b1; card tax;
/// - m1 张三 (party, b1): s1 10 h confirmed = 10.00, gave 2.00 to m3 (t1) -> 8.00; s3 1 h pending;
/// - m2 李四: s2 5 h confirmed = 5.00, redeemed one rice (3.00, r1) -> 2.00; s4 0.5 h pending;
/// - m3 王五: received 2.00; zhao 赵六 is also a member (so a coordinator can try to record itself);
/// - rewards: soap (1.00, stock 1), rice (3.00, stock 100 - 1 = 99).
enum SmallCommunity {
  static let steps: [ScriptStep] = [
    ScriptStep("admin", ["init", "--community", "幸福里社区"]),  // seq 1
    ScriptStep("admin", ["team", "add", "elder", "--name", "助老服务队"]),  // 2
    ScriptStep("admin", ["branch", "add", "b1", "--name", "第一党支部"]),  // 3
    ScriptStep(
      "admin", ["card", "open", "tax", "--name", "税务局卡", "--kind", "party-org", "--holder", "区税务局"]),  // 4
    ScriptStep("admin", ["role", "grant", "zhao", "coordinator"]),  // 5
    ScriptStep("admin", ["role", "grant", "li", "coordinator", "--scope", "team:elder"]),  // 6
    // 7
    ScriptStep(
      "zhao", ["member", "add", "m1", "--name", "张三", "--party", "--branch", "b1", "--joined", "2025-01-01"]),
    ScriptStep("zhao", ["member", "add", "m2", "--name", "李四", "--joined", "2025-01-01"]),  // 8
    ScriptStep("zhao", ["member", "add", "m3", "--name", "王五", "--joined", "2025-01-01"]),  // 9
    ScriptStep("zhao", ["member", "add", "zhao", "--name", "赵六", "--joined", "2025-01-01"]),  // 10
    ScriptStep("zhao", ["team", "join", "elder", "m1", "--date", "2025-01-01"]),  // 11
    ScriptStep("zhao", ["team", "join", "elder", "m2", "--date", "2025-01-01"]),  // 12
    ScriptStep(
      "zhao",
      [
        "service", "record", "m1", "--hours", "10", "--date", "2025-06-01", "--category", "助老", "--team",
        "elder", "--id", "s1",
      ]),  // 13
    ScriptStep("li", ["service", "confirm", "s1"]),  // 14
    ScriptStep(
      "zhao",
      [
        "service", "record", "m2", "--hours", "5", "--date", "2025-06-01", "--category", "助老", "--team",
        "elder", "--id", "s2",
      ]),  // 15
    ScriptStep("li", ["service", "confirm", "s2"]),  // 16
    ScriptStep(
      "zhao",
      [
        "service", "record", "m1", "--hours", "1", "--date", "2025-06-02", "--category", "助老", "--team",
        "elder", "--id", "s3",
      ]),  // 17
    // 18
    ScriptStep(
      "admin", ["reward", "add", "soap", "--name", "洗衣皂", "--kind", "goods", "--price", "1", "--stock", "1"]),
    // 19
    ScriptStep(
      "admin", ["reward", "add", "rice", "--name", "大米", "--kind", "goods", "--price", "3", "--stock", "100"]),
    ScriptStep("m1", ["transfer", "m1", "m3", "2", "--memo", "赠送", "--id", "t1"]),  // 20
    ScriptStep("m2", ["redeem", "m2", "rice", "--id", "r1"]),  // 21
    ScriptStep(
      "zhao",
      [
        "service", "record", "m2", "--minutes", "30", "--date", "2025-06-03", "--category", "陪诊", "--team",
        "elder", "--id", "s4",
      ]),  // 22
  ]
  /// The seq of the transfer t1 (m1 gives 2.00 to m3).
  static let transferSeq = 20

  static let log: Result<[UInt8], SpawnError> = build()

  private static func build() -> Result<[UInt8], SpawnError> {
    do {
      let directory = try ScratchDirectory("template")
      for step in steps {
        let run = try Reliability.run(step.arguments, actor: step.actor, in: directory.path)
        guard run.code == 0 else {
          return .failure(SpawnError(description: "setting up the small community: \(step) gave \(run)"))
        }
      }
      return .success(try directory.read())
    } catch {
      return .failure(SpawnError(description: "setting up the small community: \(error)"))
    }
  }

  /// Writes the community's log to `tb.jsonl` in `directory` and returns its bytes.
  @discardableResult
  static func install(in directory: ScratchDirectory) throws -> [UInt8] {
    let bytes = try log.get()
    try directory.write(bytes)
    return bytes
  }
}

// MARK: - Python, for hashes computed independently of the library

/// Recomputes hashes with Python's hashlib, the way a tamperer who knows the rule would.
enum PythonHasher {
  static let path: String? = {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let candidate = "\(directory)/python3"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }()

  static var isAvailable: Bool { path != nil }

  /// Rewrites lines `from`... of the log at `file`: each line's `prev` becomes the previous line's
  /// (new) hash, except line `from`'s own, and each `hash` becomes SHA-256 of the line's body. With
  /// `chain: false` only line `from` is re-hashed.
  static let script = """
    import hashlib, sys
    path, start, chain = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "chain"
    data = open(path, "rb").read()
    lines = data.split(b"\\n")[:-1]
    prev = None
    out = []
    for number, line in enumerate(lines, 1):
        if number == start or (chain and number > start):
            body = line[:-75]
            if number > start:
                assert body[-73:-65] == b'"prev":"', body[-73:]
                body = body[:-65] + prev.encode() + b'"'
            digest = hashlib.sha256(body).hexdigest()
            line = body + b',"hash":"' + digest.encode() + b'"}'
        prev = line[-66:-2].decode()
        out.append(line)
    open(path, "wb").write(b"".join(l + b"\\n" for l in out))
    """

  static func rehash(_ file: String, from line: Int, chain: Bool) throws {
    guard let path else { throw SpawnError(description: "python3 not found") }
    let run = try Spawned.start(
      path,
      arguments: [
        Array("-c".utf8), Array(script.utf8), Array(file.utf8), Array(String(line).utf8),
        Array((chain ? "chain" : "one").utf8),
      ],
      environment: ["PATH": "/usr/bin:/bin"], directory: "/"
    ).wait()
    guard run.code == 0 else { throw SpawnError(description: "python3 rehash failed: \(run)") }
  }
}
