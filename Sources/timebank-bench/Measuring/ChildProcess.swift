import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One finished child process: how it ended, how long it took from spawn to reaped, its peak memory
/// (`ru_maxrss` from `wait4`), and what it printed.
struct ChildRun: Sendable {
  var exitCode: Int32
  /// The signal that killed it, if any.
  var signal: Int32?
  var seconds: Double
  /// Peak resident set size in bytes.
  var peakMemoryBytes: Int
  var stdout: String
  var stderr: String

  var succeeded: Bool { signal == nil && exitCode == 0 }

  var status: String {
    if let signal { return "was killed by signal \(signal)" }
    return "exited with status \(exitCode)"
  }
}

/// Runs programs the way a shell does, cold: `posix_spawn`, then `wait4` for the exit status and the
/// child's resource usage, timed from just before the spawn to just after the reap.
///
/// Output goes to files in a scratch directory rather than pipes, so a chatty child never blocks and
/// reading it costs nothing inside the timed span.
enum ChildProcess {
  /// Runs `executable` with `arguments` and `environment` (exactly that environment), stdin from
  /// `/dev/null`.
  /// - Throws: `.io` when the program cannot be started or its output cannot be read back.
  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String], scratch: String
  ) throws(BenchError) -> ChildRun {
    let stem = "\(scratch)/child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let outPath = stem + ".out"
    let errPath = stem + ".err"
    defer {
      unlink(outPath)
      unlink(errPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] =
      environment.keys.sorted().map { strdup("\($0)=\(environment[$0] ?? "")") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let clock = Stopwatch()
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard spawned == 0 else {
      throw .io("cannot start \(executable): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
      guard errno == EINTR else {
        throw .io("wait4 for \(executable) failed: \(String(cString: strerror(errno)))")
      }
    }
    let seconds = clock.seconds
    let signal = status & 0x7F
    return ChildRun(
      exitCode: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, signal: signal == 0 ? nil : signal,
      seconds: seconds, peakMemoryBytes: Int(usage.ru_maxrss) * 1024,
      stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
  }

  /// Runs a command that must succeed.
  /// - Throws: `.childFailed` with its stderr when it does not.
  static func runChecked(
    _ executable: String, _ arguments: [String], environment: [String: String], scratch: String
  ) throws(BenchError) -> ChildRun {
    let result = try run(executable, arguments, environment: environment, scratch: scratch)
    guard result.succeeded else {
      let name = (executable as NSString).lastPathComponent
      throw .childFailed(
        command: ([name] + arguments).joined(separator: " "), status: result.status, stderr: result.stderr)
    }
    return result
  }
}

/// Facts about this process and machine, read from `/proc`.
enum ProcessFacts {
  /// This process's peak resident set size (`VmHWM`), in bytes; 0 when `/proc` is not there.
  static func peakMemoryBytes() -> Int {
    statusField("VmHWM").map { $0 * 1024 } ?? 0
  }

  /// A `kB` field of `/proc/self/status`.
  static func statusField(_ name: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
      return Int(
        line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
  }

  /// The 1-minute load average (`/proc/loadavg`); 0 when unknown.
  static func loadAverage() -> Double {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return Double(text.split(separator: " ").first ?? "") ?? 0
  }

  /// The path of the running executable.
  static func executablePath() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return path
    }
    return URL(fileURLWithPath: CommandLine.arguments.first ?? "timebank-bench").resolvingSymlinksInPath()
      .path
  }
}
