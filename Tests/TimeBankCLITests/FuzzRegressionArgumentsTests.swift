import Foundation
import Testing

@testable import timebank

/// The `arguments-*` inputs of Fixtures/fuzz-regressions (NUL-separated words), replayed through the
/// argument parser and help renderer with the oracles of Tests/Fuzz/ArgumentsFuzz.swift.
@Suite struct FuzzRegressionArgumentsTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/fuzz-regressions")

  static let files: [String] =
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
    .filter { $0.hasPrefix("arguments-") }.sorted()

  @Test func thereAreArgumentInputs() {
    #expect(!Self.files.isEmpty, "\(Self.directory.path)")
  }

  @Test(arguments: files)
  func replay(_ name: String) throws {
    let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
    let words = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    let root = CommandTable.root(.english)
    let parser = ArgumentParser(root: root)
    let help = HelpRenderer(root: root)
    let first = Result { () throws(UsageError) in try parser.parse(words) }
    let second = Result { () throws(UsageError) in try parser.parse(words) }
    #expect(first == second, "parsing is deterministic")
    switch first {
    case .success(.help(let path)):
      #expect(help.help(for: path).hasPrefix("OVERVIEW: "))
    case .success(.version):
      break
    case .success(.command(let parsed)):
      let command = try #require(root.command(at: parsed.path))
      #expect(command.subcommands.isEmpty)
      for name in parsed.options.keys { #expect(command.option(named: name) != nil, "--\(name)") }
      for name in parsed.flags { #expect(command.option(named: name)?.isFlag == true, "--\(name)") }
    case .failure(let error):
      #expect(help.errorReport(for: error).hasPrefix("error: " + error.message(in: .english) + "\n"))
    }
  }
}
