import Foundation

/// The machine and build a benchmark ran on, printed above the table and saved in the JSON.
struct Machine: Sendable {
  var processors: Int
  var cpuModel: String
  var memoryBytes: Int
  var kernel: String
  var operatingSystem: String
  var swiftVersion: String
  /// How this benchmark binary was compiled (`debug` or `release`).
  var buildConfiguration: String
  var cliPath: String

  static func current(cliPath: String) -> Machine {
    #if DEBUG
      let configuration = "debug"
    #else
      let configuration = "release"
    #endif
    return Machine(
      processors: ProcessInfo.processInfo.activeProcessorCount,
      cpuModel: field("model name", in: "/proc/cpuinfo", separator: ":") ?? "unknown",
      memoryBytes: Int(ProcessInfo.processInfo.physicalMemory),
      kernel: (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown",
      operatingSystem: field("PRETTY_NAME", in: "/etc/os-release", separator: "=")?
        .trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? "unknown",
      swiftVersion: swiftVersion(), buildConfiguration: configuration, cliPath: cliPath)
  }

  var lines: [String] {
    [
      "machine  \(processors) processors (nproc), \(cpuModel), "
        + "\(Format.decimal(Double(memoryBytes) / 1_073_741_824, 1)) GiB memory",
      "system   \(operatingSystem), Linux \(kernel)",
      "build    timebank-bench \(buildConfiguration); CLI \(cliPath); \(swiftVersion)",
    ]
  }

  var json: [String: Any] {
    [
      "processors": processors, "cpuModel": cpuModel, "memoryBytes": memoryBytes, "kernel": kernel,
      "operatingSystem": operatingSystem, "swiftVersion": swiftVersion,
      "buildConfiguration": buildConfiguration, "cliPath": cliPath,
    ]
  }

  private static func field(_ name: String, in path: String, separator: Character) -> String? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: separator, maxSplits: 1)
      if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
        return parts[1].trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
  }

  /// The first line of `swift --version`, when a `swift` is on `PATH`.
  private static func swiftVersion() -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/swift"
      guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
      let run = try? ChildProcess.run(
        candidate, ["--version"], environment: ["PATH": path], scratch: NSTemporaryDirectory())
      let text = (run?.stdout ?? "") + (run?.stderr ?? "")
      if let line = text.split(separator: "\n").first(where: { $0.contains("Swift version") }) {
        return String(line)
      }
    }
    return "swift version unknown"
  }
}
