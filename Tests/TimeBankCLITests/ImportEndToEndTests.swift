import Foundation
import Testing

/// The office walk-through of README: a sheet saved by WPS in GBK with two bad rows is refused whole,
/// every bad row named; fixed, it imports; imported again, it appends nothing.
@Suite struct ImportEndToEndTests {
  static let now = "2025-07-01T10:00:00+08:00"

  static func run(_ arguments: [String], in directory: URL, actor: String? = "sun") throws -> BinaryRun {
    var environment = ["TIMEBANK_NOW": now, "TIMEBANK_LOG": "demo.jsonl"]
    if let actor { environment["TIMEBANK_ACTOR"] = actor }
    return try BinaryRunner.run(arguments, environment: environment, directory: directory)
  }

  /// A sheet for the demo community (m01 赵丽华, m02 胡伟, m03 李淑芬), written in GB18030 as WPS does.
  static func sheet(date2: String, hours3: String) -> Data {
    let text = """
      姓名,日期,时长,类别,服务队,服务人数,地点,备注
      赵丽华,2025/6/30,2,环境整治,green,3,幸福里2号院,"清理楼道，搬运杂物"
      胡伟,\(date2),1.5,治安巡逻,patrol,1,幸福里1号院,
      李淑芬,2025-06-30,\(hours3),文艺演出,arts,5,社区广场,合唱排练

      """
    let encoding = String.Encoding(rawValue: 0x8000_0632)  // kCFStringEncodingGB_18030_2000, if Foundation has it
    return text.data(using: encoding) ?? Self.gb18030(text)
  }

  /// GB18030 bytes of `text` through iconv, which glibc has (Foundation on Linux may not).
  static func gb18030(_ text: String) -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
    process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
  }

  @Test func gbkSheetWithTwoBadRowsThenFixedThenAgain() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try #require(try Self.run(["demo", "--out", "demo.jsonl"], in: directory, actor: nil).exitCode == 0)
    let log = directory.appendingPathComponent("demo.jsonl")
    let before = try Data(contentsOf: log)
    let sheet = directory.appendingPathComponent("june.csv")
    // The GBK bytes of 张 are D5 C5: the sheet really is not UTF-8.
    let bad = Self.sheet(date2: "2025年6月31日", hours3: "abc")
    #expect(String(data: bad, encoding: .utf8) == nil)
    try bad.write(to: sheet)

    let refused = try Self.run(["import", "services", "june.csv"], in: directory)
    #expect(refused.exitCode == 1)
    #expect(refused.stderr.contains("june.csv:3: 日期: '2025年6月31日' is not a date\n"))
    #expect(refused.stderr.contains("june.csv:4: 时长: 'abc'"))
    #expect(refused.stderr.contains("2 rows have problems; nothing appended"))
    #expect(try Data(contentsOf: log) == before)

    try Self.sheet(date2: "2025年6月30日", hours3: "3").write(to: sheet)
    let check = try Self.run(["import", "services", "june.csv", "--check"], in: directory)
    #expect(check.exitCode == 0)
    #expect(try Data(contentsOf: log) == before)
    let imported = try Self.run(["import", "services", "june.csv"], in: directory)
    #expect(imported.exitCode == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("3 rows appended"))
    let after = try Data(contentsOf: log)
    #expect(after.count > before.count)
    // Three more lines, one per row: 2 + 1.5 + 3 hours.
    let newLines = after.suffix(from: before.count).split(separator: 0x0A)
    #expect(newLines.count == 3)
    let minutes = try newLines.map { line -> Int in
      let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
      return (object?["data"] as? [String: Any])?["minutes"] as? Int ?? -1
    }
    #expect(minutes == [120, 90, 180])

    let again = try Self.run(["import", "services", "june.csv"], in: directory)
    #expect(again.exitCode == 0)
    #expect(again.stdout.contains("0 rows appended, 3 already recorded"))
    #expect(try Data(contentsOf: log) == after)
    #expect(try Self.run(["audit"], in: directory, actor: nil).exitCode == 0)
  }

  // MARK: Progress

  /// A members sheet of `count` rows (p001 测试1, ...), enough for several progress reports.
  static func bigSheet(_ count: Int) -> Data {
    Data(
      (["编号,姓名"] + (1...count).map { "p\(String(format: "%03d", $0)),测试\($0)" }).joined(separator: "\n").utf8)
  }

  /// Runs `body` in a new directory holding the demo ledger and a 350-row members sheet, big.csv.
  static func withBigSheet(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try #require(try Self.run(["demo", "--out", "demo.jsonl"], in: directory, actor: nil).exitCode == 0)
    try Self.bigSheet(350).write(to: directory.appendingPathComponent("big.csv"))
    try body(directory)
  }

  /// Not a terminal (a file here, as in a script or a cron job): no progress at all on stderr, with or
  /// without --quiet.
  @Test func noProgressWhenStderrIsNotATerminal() throws {
    try Self.withBigSheet { directory in
      let check = try Self.run(["import", "members", "big.csv", "--check"], in: directory)
      #expect(check.exitCode == 0, "\(check)")
      #expect(check.stderr == "")
      let quiet = try Self.run(["import", "members", "big.csv", "--quiet"], in: directory)
      #expect(quiet.exitCode == 0, "\(quiet)")
      #expect(quiet.stderr == "")
      #expect(quiet.stdout.contains("350 rows appended"))
    }
  }

  /// On a terminal (a pseudo-terminal made by util-linux `script`): the progress line is redrawn with
  /// `\r` and cleared at the end; --quiet silences it. Skipped where `script` is not installed.
  @Test func progressOnATerminalUnlessQuiet() throws {
    let script = "/usr/bin/script"
    guard FileManager.default.isExecutableFile(atPath: script) else { return }
    try Self.withBigSheet { directory in
      let binary = try BinaryRunner.binaryURL().path
      func onTerminal(_ arguments: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-q", "-e", "-c", "\(binary) \(arguments)", "/dev/null"]
        process.environment = [
          "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TIMEBANK_NOW": Self.now,
          "TIMEBANK_LOG": "demo.jsonl", "TIMEBANK_ACTOR": "sun",
        ]
        process.currentDirectoryURL = directory
        let output = directory.appendingPathComponent("terminal.txt")
        try Data().write(to: output)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
      }
      let shown = try onTerminal("import members big.csv --check --format json")
      #expect(shown.contains("\rimport: 0% (0 of 350 rows)"))
      #expect(shown.contains("\rimport: 100% (350 of 350 rows)\r\u{1B}[K"))
      let chinese = try onTerminal("import members big.csv --check --format json --lang zh")
      #expect(chinese.contains("\r导入：100%（350/350 行）"))
      let quiet = try onTerminal("import members big.csv --check --format json --quiet")
      #expect(!quiet.contains("import:"))
      #expect(quiet.contains("\"member\":\"p350\""))
    }
  }
}
