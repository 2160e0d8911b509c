import Foundation
import Testing

/// What one run of the `timebank` binary printed, and how it ended.
struct BinaryRun: Sendable, CustomStringConvertible {
  /// The exit status; 128 + the signal number when the process was killed by a signal.
  var exitCode: Int32
  var stdout: String
  var stderr: String

  var description: String {
    "exit \(exitCode)\n--- stdout:\n\(stdout)--- stderr:\n\(stderr)--- end"
  }
}

/// Why the binary could not be run at all.
enum BinaryRunnerError: Error, CustomStringConvertible {
  case binaryNotFound(searched: [String])
  case timedOut(arguments: [String], seconds: Int)

  var description: String {
    switch self {
    case .binaryNotFound(let searched):
      "the '\(BinaryRunner.binaryName)' binary was not found next to the test bundle; looked in:\n"
        + searched.map { "  \($0)\n" }.joined()
        + "Build it first: `swift build --build-tests` (or `swift build`), then run the tests."
    case .timedOut(let arguments, let seconds):
      "timebank \(arguments.joined(separator: " ")) did not finish within \(seconds) s; it was terminated"
    }
  }
}

/// Runs the built `timebank` executable the way a user does: arguments, environment, working
/// directory and stdin in; stdout, stderr and exit code out.
///
/// The child starts from an empty environment plus `PATH`, so a developer's own `TIMEBANK_LOG`,
/// `TIMEBANK_ACTOR` or `TIMEBANK_NOW` never leaks into a test, and neither does a Chinese `LANG`,
/// `LC_MESSAGES` or `LC_ALL`: a test runs in English unless it sets one of them itself.
enum BinaryRunner {
  static let binaryName = "timebank"
  /// A run taking longer than this is a hang, not a slow test.
  static let timeoutSeconds = 60

  /// Where the binary is: next to the test bundle in `.build/<config>/`.
  static func binaryURL() throws -> URL {
    try located.get()
  }

  private static let located: Result<URL, BinaryRunnerError> = locate()

  private static func locate() -> Result<URL, BinaryRunnerError> {
    var directories: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
    if let executable = Bundle.main.executableURL {
      directories.append(executable.deletingLastPathComponent())
    }
    // On macOS the tests live in `timebankPackageTests.xctest`, a bundle inside `.build/<config>/`.
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
      directories.append(bundle.bundleURL.deletingLastPathComponent())
    }
    if let first = CommandLine.arguments.first {
      directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
    }
    var searched: [String] = []
    for directory in directories {
      let candidate = directory.appendingPathComponent(binaryName).standardizedFileURL
      if searched.contains(candidate.path) { continue }
      searched.append(candidate.path)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
        !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return .success(candidate)
      }
    }
    return .failure(.binaryNotFound(searched: searched))
  }

  /// Runs `timebank` with `arguments` and waits for it to end.
  ///
  /// - Parameters:
  ///   - arguments: The command line without the program name.
  ///   - environment: Variables added to the child's environment (which holds only `PATH` otherwise).
  ///   - directory: The working directory; the test process's own when nil.
  ///   - stdin: Bytes for standard input; an empty stdin when nil.
  /// - Throws: `BinaryRunnerError` when the binary is missing or hangs; Foundation errors when the
  ///   scratch files for the output cannot be made.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, stdin: Data? = nil
  ) throws -> BinaryRun {
    let binary = try binaryURL()
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("timebank-run-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    // Files, not pipes: a child that writes a lot can never block on a full pipe.
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    let inURL = scratch.appendingPathComponent("stdin")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    try (stdin ?? Data()).write(to: inURL)
    let output = try FileHandle(forWritingTo: outURL)
    let errors = try FileHandle(forWritingTo: errURL)
    let input = try FileHandle(forReadingFrom: inURL)

    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    var childEnvironment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    childEnvironment.merge(environment) { _, given in given }
    process.environment = childEnvironment
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + .seconds(timeoutSeconds)) == .timedOut {
      process.terminate()
      _ = finished.wait(timeout: .now() + .seconds(5))
      throw BinaryRunnerError.timedOut(arguments: arguments, seconds: timeoutSeconds)
    }
    try output.close()
    try errors.close()
    try input.close()
    let status = process.terminationStatus
    return BinaryRun(
      exitCode: process.terminationReason == .uncaughtSignal ? 128 + status : status,
      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  }
}

/// Golden files: expected outputs kept in `Fixtures/golden/`, compared line by line.
///
/// With `TIMEBANK_UPDATE_GOLDEN=1` in the environment of `swift test`, `check` writes the actual text
/// to the golden file instead of comparing. That is for developers: a golden written that way must be
/// read and checked by hand before it is committed.
enum Golden {
  /// `Fixtures/golden/` of the package, found from this source file's path.
  static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TimeBankCLITests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // the package
    .appendingPathComponent("Fixtures", isDirectory: true)
    .appendingPathComponent("golden", isDirectory: true)

  static var isUpdating: Bool { ProcessInfo.processInfo.environment["TIMEBANK_UPDATE_GOLDEN"] == "1" }

  static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

  /// The text of the golden file `name`.
  static func read(_ name: String) throws -> String {
    String(decoding: try Data(contentsOf: url(name)), as: UTF8.self)
  }

  /// Compares `actual` with the golden file `name`; on a mismatch, records an issue with a diff.
  static func check(
    _ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let file = url(name)
    if isUpdating {
      do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: file)
      } catch {
        Issue.record("could not write golden file \(file.path): \(error)", sourceLocation: sourceLocation)
      }
      return
    }
    guard let data = FileManager.default.contents(atPath: file.path) else {
      Issue.record(
        Comment(
          rawValue:
            "golden file \(file.path) is missing; run the tests with TIMEBANK_UPDATE_GOLDEN=1 to write"
            + " it, then read it and check it by hand before committing it"),
        sourceLocation: sourceLocation)
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != actual else { return }
    Issue.record(
      Comment(
        rawValue: "output differs from golden file Fixtures/golden/\(name)"
          + " (- golden, + actual; TIMEBANK_UPDATE_GOLDEN=1 rewrites it):\n"
          + diff(expected: expected, actual: actual, expectedName: "golden/\(name)")),
      sourceLocation: sourceLocation)
  }

  /// A unified-style diff of two texts, line by line, with `context` lines around each change.
  static func diff(expected: String, actual: String, expectedName: String = "expected", context: Int = 3)
    -> String
  {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let script = editScript(old, new)
    let changed = script.indices.filter { script[$0].mark != " " }
    guard !changed.isEmpty else {
      return "(the lines are equal; the texts differ in invisible characters such as \\r)\n"
    }
    // Hunks: runs of changes closer than 2 × context lines are shown together.
    var hunks: [ClosedRange<Int>] = []
    for index in changed {
      let range = max(0, index - context)...min(script.count - 1, index + context)
      if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
        hunks[hunks.count - 1] = last.lowerBound...range.upperBound
      } else {
        hunks.append(range)
      }
    }
    var text = "--- \(expectedName)\n+++ actual\n"
    for hunk in hunks {
      let lines = script[hunk]
      let oldStart = (lines.first?.oldLine ?? 0) + 1
      let newStart = (lines.first?.newLine ?? 0) + 1
      let oldCount = lines.filter { $0.mark != "+" }.count
      let newCount = lines.filter { $0.mark != "-" }.count
      text += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
      for line in lines { text += "\(line.mark)\(line.text)\n" }
    }
    return text
  }

  private struct DiffLine {
    /// " " kept, "-" only in the expected text, "+" only in the actual text.
    var mark: Character
    var text: String
    /// Lines of each text before this one (0-based positions for the hunk headers).
    var oldLine: Int
    var newLine: Int
  }

  /// The shortest edit script from `old` to `new`, from a longest-common-subsequence table.
  private static func editScript(_ old: [String], _ new: [String]) -> [DiffLine] {
    let n = old.count
    let m = new.count
    // lcs[i][j]: the longest common subsequence of old[i...] and new[j...].
    var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    var script: [DiffLine] = []
    var i = 0
    var j = 0
    while i < n || j < m {
      if i < n && j < m && old[i] == new[j] {
        script.append(DiffLine(mark: " ", text: old[i], oldLine: i, newLine: j))
        i += 1
        j += 1
      } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
        script.append(DiffLine(mark: "-", text: old[i], oldLine: i, newLine: j))
        i += 1
      } else {
        script.append(DiffLine(mark: "+", text: new[j], oldLine: i, newLine: j))
        j += 1
      }
    }
    return script
  }
}
