import Foundation
import Testing

/// `timebank completion bash|zsh`, checked by running bash's own completion machinery on the script.
@Suite struct CompletionTests {
  /// What `_timebank` offers for the words typed so far (the last one being completed).
  static func complete(_ words: [String], script: String) throws -> [String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("timebank.bash")
    try Data(script.utf8).write(to: file)
    let quoted = (["timebank"] + words).map { "'\($0)'" }.joined(separator: " ")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      "-c",
      "source '\(file.path)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count); _timebank; "
        + "printf '%s\\n' \"${COMPREPLY[@]}\"",
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
  }

  @Test func bashCompletesCommandsSubcommandsAndOptions() throws {
    let run = try BinaryRunner.run(["completion", "bash"])
    #expect(run.exitCode == 0)
    #expect(run.stdout.contains("complete -o default -F _timebank timebank"))
    let script = run.stdout
    #expect(try Self.complete(["serv"], script: script) == ["service"])
    #expect(try Self.complete(["service", "re"], script: script) == ["record", "reject", "reverse"])
    #expect(try Self.complete(["service", "record", "m1", "--ho"], script: script) == ["--hours"])
    #expect(try Self.complete(["report", "party", "--w"], script: script) == ["--workplace"])
    // An option's value is not taken for a command word.
    #expect(try Self.complete(["--log", "x.jsonl", "bal"], script: script) == ["balance"])
    #expect(try Self.complete(["balance", "--as"], script: script) == ["--as-of", "--as-of-seq"])
  }

  @Test func zshScriptLoadsTheBashOne() throws {
    let run = try BinaryRunner.run(["completion", "zsh"])
    #expect(run.exitCode == 0)
    #expect(run.stdout.hasPrefix("#compdef timebank\n"))
    #expect(run.stdout.contains("bashcompinit"))
    #expect(run.stdout.contains("complete -o default -F _timebank timebank"))
  }

  @Test func anotherShellIsAUsageError() throws {
    let run = try BinaryRunner.run(["completion", "fish"])
    #expect(run.exitCode == 64)
    #expect(run.stderr.hasPrefix("error: invalid value 'fish' for '<shell>': expected bash or zsh\n"))
  }
}
