import Foundation
import Testing

/// `export --format csv`: the whole log and its postings, for a spreadsheet.
@Suite struct ExportEndToEndTests {
  static func demo() throws -> (directory: URL, log: [String]) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let run = try BinaryRunner.run(["demo", "--out", "demo.jsonl"], directory: directory)
    try #require(run.exitCode == 0)
    let text = try String(contentsOf: directory.appendingPathComponent("demo.jsonl"), encoding: .utf8)
    return (directory, text.split(separator: "\n").map(String.init))
  }

  /// Splits simple CSV lines (no quoted newlines in these columns' values, but commas in quotes).
  static func fields(_ line: Substring) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var previous: Character = " "
    for character in line {
      if character == "\"" {
        if quoted && previous == "\"" { field.append("\"") }
        quoted.toggle()
      } else if character == "," && !quoted {
        fields.append(field)
        field = ""
      } else {
        field.append(character)
      }
      previous = character
    }
    fields.append(field)
    return fields
  }

  /// Hundredths from `12.50` / `-3.00`, digit by digit.
  static func hundredths(_ text: String) -> Int {
    let negative = text.hasPrefix("-")
    let digits = text.filter(\.isNumber)
    return (Int(digits) ?? 0) * (negative ? -1 : 1)
  }

  @Test func logCSVHasEveryLineWithItsHash() throws {
    let (directory, log) = try Self.demo()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try BinaryRunner.run(["export", "--format", "csv", "--log", "demo.jsonl", "--bom"], directory: directory)
    #expect(run.exitCode == 0)
    #expect(run.stdout.hasPrefix("\u{FEFF}seq,id,type,at,actor,data,prev,hash\n"))
    let rows = run.stdout.dropFirst().split(separator: "\n").dropFirst()
    #expect(rows.count == log.count)
    for (row, line) in zip(rows, log) {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      let fields = Self.fields(row)
      #expect(fields.first == String(object?["seq"] as? Int ?? -1))
      #expect(fields.last == object?["hash"] as? String)
    }
  }

  @Test func postingsCSVAddsUpToTheBalances() throws {
    let (directory, _) = try Self.demo()
    defer { try? FileManager.default.removeItem(at: directory) }
    let postings = try BinaryRunner.run(
      ["export", "--format", "csv", "--what", "postings", "--log", "demo.jsonl"], directory: directory)
    #expect(postings.exitCode == 0)
    var sums: [String: Int] = [:]
    for row in postings.stdout.split(separator: "\n").dropFirst() {
      let fields = Self.fields(row)
      let points = Self.hundredths(fields[7])
      sums[fields[5], default: 0] -= points
      sums[fields[6], default: 0] += points
    }
    #expect(sums.values.reduce(0, +) == 0)
    let balances = try BinaryRunner.run(["balance", "--format", "csv", "--log", "demo.jsonl"], directory: directory)
    var expected: [String: Int] = [:]
    for row in balances.stdout.split(separator: "\n").dropFirst() {
      let fields = Self.fields(row)
      if fields[0] != "total" { expected[fields[0]] = Self.hundredths(fields[2]) }
    }
    #expect(expected.count > 40)
    for (account, balance) in expected { #expect(sums[account, default: 0] == balance, "\(account)") }
  }

  @Test func otherFormatsAndKindsAreUsageErrors() throws {
    let (directory, _) = try Self.demo()
    defer { try? FileManager.default.removeItem(at: directory) }
    let format = try BinaryRunner.run(["export", "--format", "xlsx", "--log", "demo.jsonl"], directory: directory)
    #expect(format.exitCode == 64)
    let what = try BinaryRunner.run(
      ["export", "--format", "csv", "--what", "members", "--log", "demo.jsonl"], directory: directory)
    #expect(what.exitCode == 64)
    #expect(what.stderr.hasPrefix("error: invalid value 'members' for '--what <what>': expected log or postings\n"))
  }
}
