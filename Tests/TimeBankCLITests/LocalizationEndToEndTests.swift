import Foundation
import Testing

/// The command line in Chinese and in English: which language the environment and `--lang` choose,
/// and a representative set of outputs in both languages against golden files read by eye.
///
/// BinaryRunner passes the binary no locale variable of its own, so every other end-to-end test runs
/// in English whatever the developer's locale; the tests here set `LANG`, `LC_MESSAGES` and `LC_ALL`
/// themselves.
@Suite struct LocalizationEndToEndTests {
  static let chinese = ["LANG": "zh_CN.UTF-8"]

  /// One output compared with a golden file in each language: `en-<name>` and `zh-<name>`.
  struct Case: Sendable, CustomStringConvertible {
    var name: String
    var arguments: [String]
    var exitCode: Int32
    /// Whether the golden holds stderr (a failure) rather than stdout.
    var isError = false
    /// Whether the English golden already exists under another name (the walk-through's) and only
    /// the Chinese one is written here.
    var chineseOnly = false

    var description: String { name }
  }

  static let cases: [Case] = [
    Case(name: "help-root.txt", arguments: ["--help"], exitCode: 0, chineseOnly: true),
    Case(
      name: "help-service-record.txt", arguments: ["service", "record", "--help"], exitCode: 0,
      chineseOnly: true),
    Case(
      name: "refusal-no-overdraft.txt", arguments: ["transfer", "m01", "m02", "500", "--actor", "m01"],
      exitCode: 1,
      isError: true),
    Case(
      name: "usage-unknown-option.txt", arguments: ["service", "record", "m01", "--huors", "2"], exitCode: 64,
      isError: true),
    Case(name: "balance-m01.txt", arguments: ["balance", "m01"], exitCode: 0),
    Case(
      name: "statement-m02-june.txt", arguments: ["statement", "m02", "--from", "2025-06-01"], exitCode: 0),
    Case(name: "report-community-demo.txt", arguments: ["report", "community"], exitCode: 0),
    Case(
      name: "certificate-m03-2025-06.txt",
      arguments: ["certificate", "issue", "m03", "--from", "2025-06-01", "--to", "2025-06-30"], exitCode: 0,
      chineseOnly: true),
  ]

  /// Every case in both languages on one demo ledger (built once: it takes a while in a debug build).
  @Test func goldenOutputsInBothLanguages() throws {
    try CertificateEndToEndTests.withDemo { directory in
      for item in Self.cases {
        for (language, environment) in [("en", [String: String]()), ("zh", Self.chinese)] {
          if item.chineseOnly && language == "en" { continue }
          let run = try BinaryRunner.run(
            item.arguments, environment: CertificateEndToEndTests.environment.merging(environment) { $1 },
            directory: directory)
          #expect(run.exitCode == item.exitCode, "\(language) \(item.name): \(run)")
          Golden.check(item.isError ? run.stderr : run.stdout, against: "\(language)-\(item.name)")
          if !item.isError { #expect(run.stderr == "", "\(language) \(item.name)") }
        }
      }
    }
  }

  /// The first line of `timebank --help` tells the language.
  static func helpLanguage(_ arguments: [String], _ environment: [String: String]) throws -> String {
    let run = try BinaryRunner.run(arguments + ["--help"], environment: environment)
    try #require(run.exitCode == 0, "\(run)")
    if run.stdout.hasPrefix("概述：") { return "zh" }
    if run.stdout.hasPrefix("OVERVIEW: ") { return "en" }
    return "?"
  }

  @Test(arguments: [
    ([], [:], "en"),
    ([], ["LANG": "zh_CN.UTF-8"], "zh"),
    ([], ["LANG": "zh_CN.UTF-8", "LC_ALL": "C"], "en"),
    ([], ["LANG": "zh_CN.UTF-8", "LC_ALL": ""], "zh"),
    ([], ["LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"], "zh"),
    ([], ["LANG": "C", "LC_MESSAGES": "zh_CN.UTF-8"], "zh"),
    ([], ["LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"], "en"),
    (["--lang", "en"], ["LANG": "zh_CN.UTF-8"], "en"),
    (["--lang", "zh"], ["LANG": "C"], "zh"),
    (["--lang=zh"], ["LC_ALL": "en_US.UTF-8"], "zh"),
    (["balance", "--lang", "zh"], [:], "zh"),
    (["--lang", "en", "service", "record"], ["LC_ALL": "zh_CN.UTF-8"], "en"),
  ])
  func languageFromEnvironmentAndLangOption(
    arguments: [String], environment: [String: String], expected: String
  )
    throws
  {
    #expect(try Self.helpLanguage(arguments, environment) == expected)
  }

  @Test func aBadLanguageIsAUsageErrorNamingTheLanguages() throws {
    let english = try BinaryRunner.run(["log", "--lang", "fr"])
    #expect(english.exitCode == 64)
    #expect(english.stderr.hasPrefix("error: invalid value 'fr' for '--lang <lang>': expected zh or en\n"))
    #expect(english.stderr.contains("Usage: timebank log [<options>]\n"))
    let chinese = try BinaryRunner.run(["log", "--lang=de"], environment: Self.chinese)
    #expect(chinese.exitCode == 64)
    #expect(chinese.stderr.hasPrefix("错误：'--lang <lang>' 的值 'de' 无效：应为 zh 或 en\n"))
    let missing = try BinaryRunner.run(["log", "--lang"])
    #expect(missing.exitCode == 64)
    #expect(missing.stderr.hasPrefix("error: missing value for '--lang <lang>'\n"))
    let twice = try BinaryRunner.run(["--lang", "zh", "log", "--lang", "en"])
    #expect(twice.exitCode == 64)
    #expect(twice.stderr.hasPrefix("error: option '--lang' given more than once\n"))
  }

  @Test func aMistypedLangIsSuggested() throws {
    let run = try BinaryRunner.run(["log", "--langu", "zh"])
    #expect(run.exitCode == 64)
    #expect(run.stderr.hasPrefix("error: unknown option '--langu'. Did you mean '--lang'?\n"))
  }

  @Test func jsonAndCSVKeysStayEnglishInChinese() throws {
    try CertificateEndToEndTests.withDemo { directory in
      let environment = CertificateEndToEndTests.environment.merging(Self.chinese) { $1 }
      for format in ["json", "csv"] {
        let english = try BinaryRunner.run(
          ["balance", "--format", format], environment: CertificateEndToEndTests.environment,
          directory: directory)
        let chinese = try BinaryRunner.run(
          ["balance", "--format", format], environment: environment, directory: directory)
        #expect(chinese.exitCode == 0)
        #expect(chinese.stdout == english.stdout, "--format \(format) is data: the same in every language")
      }
      let audit = try BinaryRunner.run(
        ["audit", "--format", "json"], environment: environment, directory: directory)
      #expect(audit.stdout.contains("\"check\":\"events verified\""))
    }
  }
}
