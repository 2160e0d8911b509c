import Foundation
import Testing

/// End-to-end checks of the benchmark's synthetic community generator: the built `timebank-bench`
/// binary writes logs, and this suite reads them back on its own terms (JSONSerialization, line by
/// line) and has the real `timebank audit` check them.
///
/// Both binaries are found next to the test bundle (`swift build --build-tests` builds every product).
@Suite struct BenchmarkGeneratorTests {
  /// Generates the same size and seed twice, into two files.
  private func generateTwice(events: Int, seed: Int, in directory: TestDirectory) throws
    -> (String, String)
  {
    let first = directory.file("first.jsonl")
    let second = directory.file("second.jsonl")
    for path in [first, second] {
      let run = try BenchBinary.run(
        "timebank-bench", ["generate", "--events", String(events), "--seed", String(seed), "--out", path])
      try #require(run.exitCode == 0, "generate failed: \(run)")
      #expect(run.stdout.contains("wrote \(path)"), "\(run)")
    }
    return (first, second)
  }

  @Test func theSameSeedWritesTheSameBytesAndTheLogPassesTheAudit() throws {
    let directory = try TestDirectory()
    let (first, second) = try generateTwice(events: 2000, seed: 7, in: directory)
    let firstBytes = try TestSupport.bytes(of: first)
    let secondBytes = try TestSupport.bytes(of: second)
    let fingerprints = (TestSupport.fingerprint(firstBytes), TestSupport.fingerprint(secondBytes))
    #expect(firstBytes == secondBytes, "not byte-identical: \(fingerprints.0) vs \(fingerprints.1)")

    let audit = try BenchBinary.run("timebank", ["audit", "--log", first])
    #expect(audit.exitCode == 0, "\(audit)")
    #expect(audit.stdout.contains("OK"), "\(audit)")
    #expect(FileManager.default.fileExists(atPath: first + ".meta.json"))
  }

  @Test func anotherSeedWritesAnotherLog() throws {
    let directory = try TestDirectory()
    let (first, _) = try generateTwice(events: 2000, seed: 7, in: directory)
    let other = directory.file("other.jsonl")
    let run = try BenchBinary.run(
      "timebank-bench", ["generate", "--events", "2000", "--seed", "8", "--out", other])
    try #require(run.exitCode == 0, "\(run)")
    #expect(try TestSupport.bytes(of: first) != TestSupport.bytes(of: other))
  }

  @Test func theLogIsARealisticCommunity() throws {
    let directory = try TestDirectory()
    let (path, _) = try generateTwice(events: 2000, seed: 11, in: directory)
    let lines = try LogLines(path: path)

    // About the size asked for.
    #expect((2000...2400).contains(lines.events.count), "\(lines.events.count) events")

    // 1,000 to 5,000 members with Chinese names, 20 or more teams.
    let registrations = lines.events.filter { $0.type == "member.registered" }
    #expect((1000...5000).contains(registrations.count), "\(registrations.count) members")
    let names = registrations.compactMap { $0.data["name"] as? String }
    #expect(names.count == registrations.count)
    #expect(
      names.allSatisfy {
        !$0.isEmpty && $0.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) }
      })
    #expect(lines.events.filter { $0.type == "team.created" }.count >= 20)

    // The mix of activity: service about 70%, transfers and redemptions about 15% each.
    let service = lines.count(["service.recorded", "service.confirmed", "service.rejected"])
    let transfers = lines.count(["points.transferred"])
    let redemptions = lines.count(["reward.redeemed"])
    let activity = Double(service + transfers + redemptions)
    try #require(activity > 0)
    let shares = [service, transfers, redemptions].map { 100 * Double($0) / activity }
    #expect(abs(shares[0] - 70) <= 5, "service \(shares[0])%")
    #expect(abs(shares[1] - 15) <= 5, "transfers \(shares[1])%")
    #expect(abs(shares[2] - 15) <= 5, "redemptions \(shares[2])%")

    // Four eyes: office coordinators record, someone else confirms; no record is left pending.
    var recorders: [String: String] = [:]
    var members: Set<String> = []
    for event in registrations { if let member = event.data["member"] as? String { members.insert(member) } }
    for event in lines.events where event.type == "service.recorded" { recorders[event.id] = event.actor }
    #expect(recorders.values.allSatisfy { !members.contains($0) })
    let decided = lines.events.filter { $0.type == "service.confirmed" || $0.type == "service.rejected" }
    #expect(decided.count == recorders.count)
    for event in decided {
      let record = event.data["record"] as? String ?? ""
      #expect(recorders[record] != nil && recorders[record] != event.actor, "seq \(event.seq)")
    }

    // A fixed timeline that never goes back, starting on 2020-01-01.
    let times = lines.events.map(\.at)
    #expect(times.first?.hasPrefix("2020-01-01T") == true)
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
  }

  @Test func refusesToWriteOverAnExistingFile() throws {
    let directory = try TestDirectory()
    let path = directory.file("taken.jsonl")
    try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: path))
    let run = try BenchBinary.run("timebank-bench", ["generate", "--events", "2000", "--out", path])
    #expect(run.exitCode != 0, "\(run)")
    #expect(run.stderr.hasPrefix("error: "), "\(run)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
  }

  @Test(arguments: [
    ["generate", "--out", "x.jsonl"], ["generate", "--events", "ten", "--out", "x.jsonl"],
    ["generate", "--events", "10", "--out", "x.jsonl"], ["generate", "--events", "2000", "--ouput", "x"],
    ["run", "--sizes", "10000,abc"], ["frobnicate"],
  ])
  func usageErrorsExitWith64(arguments: [String]) throws {
    let directory = try TestDirectory()
    let run = try BenchBinary.run("timebank-bench", arguments, directory: directory.path)
    #expect(run.exitCode == 64, "\(run)")
    #expect(run.stderr.hasPrefix("error: "), "\(run)")
    #expect(!FileManager.default.fileExists(atPath: directory.file("x.jsonl")))
  }
}

/// The lines of a log, parsed independently of the library with `JSONSerialization`.
private struct LogLines {
  struct Line {
    var seq: Int
    var id: String
    var type: String
    var at: String
    var actor: String
    var data: [String: Any]
  }

  var events: [Line] = []

  init(path: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for (index, line) in text.split(separator: "\n").enumerated() {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      let parsed = try #require(object, "line \(index + 1) is not a JSON object")
      events.append(
        Line(
          seq: parsed["seq"] as? Int ?? 0, id: parsed["id"] as? String ?? "",
          type: parsed["type"] as? String ?? "",
          at: parsed["at"] as? String ?? "", actor: parsed["actor"] as? String ?? "",
          data: parsed["data"] as? [String: Any] ?? [:]))
    }
  }

  func count(_ types: Set<String>) -> Int { events.filter { types.contains($0.type) }.count }
}

/// What one run of a built binary printed, and how it ended.
struct BenchRun: CustomStringConvertible {
  var exitCode: Int32
  var stdout: String
  var stderr: String

  var description: String { "exit \(exitCode)\n--- stdout:\n\(stdout)--- stderr:\n\(stderr)--- end" }
}

/// Finds the package's built binaries next to the test bundle and runs them with only `PATH` in the
/// environment.
enum BenchBinary {
  static let timeoutSeconds = 120

  struct NotFound: Error, CustomStringConvertible {
    var name: String
    var searched: [String]
    var description: String {
      "the '\(name)' binary was not found next to the test bundle; looked in:\n"
        + searched.map { "  \($0)\n" }.joined()
        + "Build it first: `swift build --build-tests` (it builds every product), then run the tests."
    }
  }

  struct TimedOut: Error, CustomStringConvertible {
    var arguments: [String]
    var description: String {
      "\(arguments.joined(separator: " ")) did not finish within \(timeoutSeconds) s"
    }
  }

  static func url(_ name: String) throws -> URL {
    var directories: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
    if let executable = Bundle.main.executableURL {
      directories.append(executable.deletingLastPathComponent())
    }
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
      directories.append(bundle.bundleURL.deletingLastPathComponent())
    }
    if let first = CommandLine.arguments.first {
      directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
    }
    var searched: [String] = []
    for directory in directories {
      let candidate = directory.appendingPathComponent(name).standardizedFileURL
      if searched.contains(candidate.path) { continue }
      searched.append(candidate.path)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
        !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
    }
    throw NotFound(name: name, searched: searched)
  }

  static func run(_ name: String, _ arguments: [String], directory: String? = nil) throws -> BenchRun {
    let scratch = try TestDirectory()
    // Files, not pipes: a child that writes a lot can never block on a full pipe.
    let outURL = URL(fileURLWithPath: scratch.file("stdout"))
    let errURL = URL(fileURLWithPath: scratch.file("stderr"))
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let output = try FileHandle(forWritingTo: outURL)
    let errors = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = try url(name)
    process.arguments = arguments
    process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + .seconds(timeoutSeconds)) == .timedOut {
      process.terminate()
      _ = finished.wait(timeout: .now() + .seconds(5))
      throw TimedOut(arguments: [name] + arguments)
    }
    try output.close()
    try errors.close()
    let status = process.terminationStatus
    return BenchRun(
      exitCode: process.terminationReason == .uncaughtSignal ? 128 + status : status,
      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  }
}
