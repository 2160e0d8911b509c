import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `timebank-bench`: generates synthetic community logs and measures the ledger on them.
enum BenchCommand {
  static let usage = """
    usage: timebank-bench generate --events N --out PATH [--seed S]
           timebank-bench run [--sizes 10000,100000,1000000] [--json PATH] [--dir DIR] [--seed S]
           timebank-bench audit PATH
           timebank-bench hash [--messages N] [--runs R] [--seed S]

      generate  write a deterministic synthetic community log of about N events through the real
                append path (Ledger + LedgerScript batches), and PATH.meta.json describing it
      run       for each size: generate (or reuse from DIR, default /tmp/timebank-bench) a log, then
                measure the full audit, the cold CLI commands and appending; print a table, write JSON
      audit     read + audit a log + build every report projection, in this process; print the
                phase times and peak memory (VmHWM) as JSON (what `run` starts in a child per size)
      hash      SHA-256 on one thread over N (default 1M) deterministic messages of 250 to 420 bytes,
                each way the library has (portable one at a time and in SIMD lanes, SHA extensions one
                at a time and two interleaved); print MB/s, the median of R (default 3) runs, and check
                that every way gives the same digests
    """

  static func main(_ arguments: [String]) -> Int32 {
    guard let command = arguments.first else {
      FileHandle.standardError.write(Data((usage + "\n").utf8))
      return 64
    }
    if command == "-h" || command == "--help" || command == "help" {
      print(usage)
      return 0
    }
    do {
      try run(command, arguments.dropFirst())
      return 0
    } catch {
      var message = "error: \(error)\n"
      if case .usage = error { message += usage + "\n" }
      FileHandle.standardError.write(Data(message.utf8))
      return error.exitCode
    }
  }

  private static func run(_ command: String, _ rest: ArraySlice<String>) throws(BenchError) {
    switch command {
    case "generate":
      let arguments = try BenchArguments(rest, known: ["events", "out", "seed"])
      guard arguments.positionals.isEmpty else {
        throw .usage("unexpected argument '\(arguments.positionals[0])'")
      }
      guard let events = try arguments.count("events") else { throw .usage("missing '--events N'") }
      guard let out = arguments.value("out") else { throw .usage("missing '--out PATH'") }
      let plan = CommunityPlan(events: events, seed: try arguments.seed() ?? BenchmarkRunner.Options().seed)
      let summary = try CommunityGenerator.generate(plan, at: out)
      try summary.write(to: GenerationSummary.metaPath(for: out))
      print("wrote \(out)")
      print(summary.lines.joined(separator: "\n"))
    case "run":
      let arguments = try BenchArguments(rest, known: ["sizes", "json", "dir", "seed"])
      guard arguments.positionals.isEmpty else {
        throw .usage("unexpected argument '\(arguments.positionals[0])'")
      }
      var options = BenchmarkRunner.Options()
      if let text = arguments.value("sizes") {
        let sizes = text.split(separator: ",").map { BenchArguments.count(String($0)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else {
          throw .usage("invalid value '\(text)' for '--sizes': expected counts such as 10000,100k,1M")
        }
        options.sizes = sizes.compactMap { $0 }
        if let bad = options.sizes.first(where: { $0 < CommunityPlan.minimumEvents }) {
          throw .usage("size \(bad) is below the minimum of \(CommunityPlan.minimumEvents) events")
        }
      }
      options.jsonPath = arguments.value("json")
      options.directory = arguments.value("dir") ?? options.directory
      options.seed = try arguments.seed() ?? options.seed
      try BenchmarkRunner(options: options).run()
    case "audit":
      let arguments = try BenchArguments(rest, known: [])
      guard arguments.positionals.count == 1 else { throw .usage("audit takes exactly one log path") }
      let probe = try AuditProbe.measure(arguments.positionals[0])
      do {
        let data = try JSONSerialization.data(withJSONObject: probe.json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
      } catch {
        throw .internalError("cannot encode the audit figures: \(error)")
      }
    case "hash":
      let arguments = try BenchArguments(rest, known: ["messages", "runs", "seed"])
      guard arguments.positionals.isEmpty else {
        throw .usage("unexpected argument '\(arguments.positionals[0])'")
      }
      var options = HashProbe.Options()
      options.messages = try arguments.count("messages") ?? options.messages
      options.runs = try arguments.count("runs") ?? options.runs
      options.seed = try arguments.seed() ?? options.seed
      print(try HashProbe(options: options).run().joined(separator: "\n"))
    default:
      throw .usage("unknown command '\(command)'")
    }
  }
}

exit(BenchCommand.main(Array(CommandLine.arguments.dropFirst())))
