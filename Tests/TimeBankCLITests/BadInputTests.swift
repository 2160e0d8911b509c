import Foundation
import Testing
import TimeBank

// Hostile and bad input, as a table: Fixtures/bad-inputs/cases.tsv (its header says how to read it).
//
// Each case starts from a fresh copy of the small community, fingerprints the log (SHA-256), runs the
// binary once, and checks the exit code, the message, and what happened to the log: refused cases leave
// its bytes exactly as they were; accepted ones add exactly one line, which verifies, and free text
// reads back unchanged through `log --format json`.
//
// Arguments go through posix_spawn as raw bytes, so a case can pass bytes that are not UTF-8 (Foundation's
// Process cannot: its arguments are Swift Strings, always valid Unicode).

/// One line of cases.tsv.
struct BadInputCase: Sendable, CustomTestStringConvertible {
  var name: String
  var actor: String?
  /// The arguments as the bytes argv gets.
  var arguments: [[UInt8]]
  var exitCode: Int32
  var message: String
  /// True when the command must append exactly one line; false when the log must keep its bytes.
  var appendsOneLine: Bool
  /// (data member, option) pairs whose values must read back unchanged.
  var roundTrip: [(field: String, option: String)]
  var note: String
  /// The line of cases.tsv, for messages.
  var line: Int

  var testDescription: String { "cases.tsv:\(line): \(name)" }
  var isKnownBug: Bool { note.hasPrefix("BUG") }

  /// The value given after `option` in the arguments, decoded as UTF-8.
  func value(of option: String) -> String? {
    guard let index = arguments.firstIndex(of: Array(option.utf8)), index + 1 < arguments.count else {
      return nil
    }
    return String(decoding: arguments[index + 1], as: UTF8.self)
  }
}

enum BadInputTable {
  static let url = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/bad-inputs/cases.tsv")

  static let header = ["name", "actor", "arguments", "exit", "message", "effect", "roundtrip", "note"]

  /// The cases, and the problems found reading the table (a test fails on any).
  static let loaded: (cases: [BadInputCase], problems: [String]) = load()
  static var active: [BadInputCase] { loaded.cases.filter { !$0.isKnownBug } }
  static var knownBugs: [BadInputCase] { loaded.cases.filter(\.isKnownBug) }

  private static func load() -> ([BadInputCase], [String]) {
    guard let data = try? Data(contentsOf: url) else { return ([], ["cannot read \(url.path)"]) }
    var cases: [BadInputCase] = []
    var problems: [String] = []
    var sawHeader = false
    for (index, rawLine) in String(decoding: data, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    ).enumerated() {
      let number = index + 1
      if rawLine.isEmpty || rawLine.hasPrefix("#") { continue }
      let cells = rawLine.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      if !sawHeader {
        sawHeader = true
        if cells != header { problems.append("line \(number): header \(cells), expected \(header)") }
        continue
      }
      guard cells.count == header.count else {
        problems.append("line \(number): \(cells.count) columns, expected \(header.count)")
        continue
      }
      guard let exit = Int32(cells[3]) else {
        problems.append("line \(number): exit '\(cells[3])' is not a number")
        continue
      }
      guard cells[5] == "same" || cells[5] == "+1" else {
        problems.append("line \(number): effect '\(cells[5])' is neither 'same' nor '+1'")
        continue
      }
      let arguments: [[UInt8]]
      do {
        arguments = try decodeArguments(cells[2])
      } catch {
        problems.append("line \(number): arguments: \(error)")
        continue
      }
      var roundTrip: [(String, String)] = []
      if cells[6] != "-" {
        for pair in cells[6].split(separator: ",") {
          let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
          guard parts.count == 2, parts[1].hasPrefix("--") else {
            problems.append("line \(number): roundtrip '\(pair)' is not field=--option")
            continue
          }
          roundTrip.append((parts[0], parts[1]))
        }
      }
      let item = BadInputCase(
        name: cells[0], actor: cells[1] == "-" ? nil : cells[1], arguments: arguments, exitCode: exit,
        message: cells[4], appendsOneLine: cells[5] == "+1", roundTrip: roundTrip, note: cells[7],
        line: number)
      if exit != 0 && item.appendsOneLine {
        problems.append("line \(number): a refused case cannot append a line")
      }
      for (_, option) in roundTrip where item.value(of: option) == nil {
        problems.append("line \(number): roundtrip option \(option) is not among the arguments")
      }
      cases.append(item)
    }
    if !sawHeader { problems.append("no header line") }
    let names = cases.map(\.name)
    for name in Set(names) where names.filter({ $0 == name }).count > 1 {
      problems.append("the name '\(name)' is used twice")
    }
    return (cases, problems)
  }

  struct ArgumentError: Error, CustomStringConvertible {
    var description: String
  }

  /// Decodes the JSON array of arguments: strings, {"hex": ...}, {"repeat": ..., "count": ...}, or
  /// arrays of those, joined.
  static func decodeArguments(_ text: String) throws -> [[UInt8]] {
    guard let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
      throw ArgumentError(description: "not a JSON array")
    }
    return try array.map(decodePart)
  }

  private static func decodePart(_ value: Any) throws -> [UInt8] {
    switch value {
    case let text as String:
      return Array(text.utf8)
    case let parts as [Any]:
      return try parts.flatMap(decodePart)
    case let object as [String: Any]:
      if let hex = object["hex"] as? String {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw ArgumentError(description: "odd hex '\(hex)'") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
          guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16),
            byte != 0
          else { throw ArgumentError(description: "bad hex '\(hex)' (and argv cannot hold 00)") }
          return byte
        }
      }
      if let text = object["repeat"] as? String, let count = object["count"] as? Int, count >= 0 {
        return Array(String(repeating: text, count: count).utf8)
      }
      throw ArgumentError(description: "unknown object \(object)")
    default:
      throw ArgumentError(description: "unexpected \(value)")
    }
  }
}

@Suite struct BadInputTests {
  @Test func tableIsWellFormedAndLargeEnough() {
    let (cases, problems) = BadInputTable.loaded
    #expect(problems == [])
    #expect(cases.count >= 40)
    let accepted = cases.filter { $0.exitCode == 0 }.count
    let codes = Dictionary(grouping: cases, by: \.exitCode).mapValues(\.count).sorted { $0.key < $1.key }
    print(
      "bad inputs: \(cases.count) cases in cases.tsv (\(BadInputTable.active.count) run, "
        + "\(BadInputTable.knownBugs.count) known bugs disabled); \(accepted) accepted; by exit code: "
        + codes.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
  }

  @Test(arguments: BadInputTable.active)
  func badInput(_ item: BadInputCase) throws {
    try check(item)
  }

  @Test(arguments: BadInputTable.knownBugs)
  func knownBug(_ item: BadInputCase) throws {
    try check(item)
  }

  private func check(_ item: BadInputCase) throws {
    let directory = try ScratchDirectory("bad")
    let before = try SmallCommunity.install(in: directory)
    try FileManager.default.createDirectory(
      atPath: directory.file("adir"), withIntermediateDirectories: false)
    let fingerprint = SHA256.hexDigest(before)

    let run = try Reliability.run(bytes: item.arguments, actor: item.actor, in: directory.path)

    #expect(run.code == item.exitCode, "\(run)")
    if item.exitCode == 0 {
      #expect(run.stdout.contains(item.message), "stdout lacks '\(item.message)'\n\(run)")
      #expect(run.stderr == "", "\(run)")
    } else {
      #expect(run.stderr.contains(item.message), "stderr lacks '\(item.message)'\n\(run)")
      #expect(run.stderr.hasPrefix("error: ") || run.stderr.hasPrefix("warning: "), "\(run)")
    }
    #expect(try directory.files() == ["adir", Reliability.logName], "no other file may appear")

    let after = try directory.read()
    guard item.appendsOneLine else {
      #expect(SHA256.hexDigest(after) == fingerprint, "the log's bytes changed")
      #expect(after == before)
      return
    }
    // Exactly one more line, ending in its only newline, and the whole log still verifies.
    try #require(after.count > before.count && Array(after.prefix(before.count)) == before, "not appended")
    let added = Array(after.suffix(from: before.count))
    #expect(added.filter { $0 == 0x0A }.count == 1 && added.last == 0x0A, "the new bytes are not one line")
    let contents = try LogReader.verify(after)
    #expect(contents.records.count == Reliability.lines(before).count + 1)
    #expect(contents.tornTail == nil)
    #expect(Reliability.object(added.dropLast().map { $0 }) != nil, "Foundation cannot parse the new line")
    let audit = try Reliability.run(["audit"], in: directory.path)
    #expect(audit.code == 0, "\(audit)")

    guard !item.roundTrip.isEmpty else { return }
    let shown = try Reliability.run(["log", "--tail", "1", "--format", "json"], in: directory.path)
    #expect(shown.code == 0, "\(shown)")
    let rows = try #require(
      try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [[String: Any]], "\(shown)")
    let dataText = try #require(rows.first?["data"] as? String, "\(shown)")
    let data = try #require(
      try JSONSerialization.jsonObject(with: Data(dataText.utf8)) as? [String: Any], "\(dataText)")
    for (field, option) in item.roundTrip {
      let given = try #require(item.value(of: option))
      #expect(data[field] as? String == given, "data.\(field) read back differs from \(option)")
    }
  }
}
