import Testing

@testable import timebank

/// The message tables (one per language), the language the environment asks for, and `--lang`.
@Suite struct LocalizationTests {
  static let tables: [(language: Language, table: [MessageKey: String])] = Language.allCases.map {
    ($0, Localizer.table(of: $0))
  }

  @Test func everyTableHasEveryKeyAndNoOther() {
    for (language, table) in Self.tables {
      let missing = MessageKey.allCases.filter { table[$0] == nil }.map(\.rawValue)
      #expect(missing == [], "\(language) lacks \(missing)")
      #expect(table.count == MessageKey.allCases.count, "\(language)")
    }
  }

  @Test func everyKeyHasTheSamePlaceholdersInEveryLanguage() {
    for key in MessageKey.allCases {
      let english = Set(Localizer.placeholders(in: English.table[key] ?? ""))
      for (language, table) in Self.tables {
        let placeholders = Set(Localizer.placeholders(in: table[key] ?? ""))
        #expect(
          placeholders == english,
          "\(key) in \(language): \(placeholders.sorted()), English has \(english.sorted())")
      }
    }
  }

  @Test func placeholdersAreNames() {
    for (language, table) in Self.tables {
      for (key, template) in table {
        for name in Localizer.placeholders(in: template) {
          #expect(!name.isEmpty && name.allSatisfy { $0.isLetter }, "\(key) in \(language): {\(name)}")
        }
        // Every brace opens or closes a placeholder.
        let opening = template.filter { $0 == "{" }.count
        let closing = template.filter { $0 == "}" }.count
        #expect(opening == closing, "\(key) in \(language)")
        #expect(Localizer.placeholders(in: template).count == opening, "\(key) in \(language)")
      }
    }
  }

  /// A Chinese entry left as the English one is a translation forgotten, unless it is Chinese in both
  /// (the certificate) or has no words (`{field} {problem}`).
  @Test func chineseIsNotEnglishLeftOver() {
    for key in MessageKey.allCases {
      let english = English.table[key] ?? ""
      let chinese = Chinese.table[key] ?? ""
      guard english == chinese else { continue }
      var words = chinese
      for name in Localizer.placeholders(in: chinese) {
        words = words.replacingOccurrences(of: "{\(name)}", with: "")
      }
      let hasLatinLetters = words.unicodeScalars.contains {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0)
      }
      let hasHanCharacters = words.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
      #expect(!hasLatinLetters || hasHanCharacters, "\(key) is English in the Chinese table: \(chinese)")
    }
  }

  @Test func refusalsKeepTheirRuleTagUntranslated() {
    for (_, table) in Self.tables {
      #expect(table[.refused]?.hasSuffix(" [rule: {rule}]") == true)
    }
  }

  @Test func localizerFillsPlaceholders() {
    #expect(Localizer.english(.rejectUnknownMember, ["id": "m09"]) == "no member 'm09'")
    #expect(Localizer.chinese(.rejectUnknownMember, ["id": "m09"]) == "没有成员 'm09'")
    #expect(
      Localizer.chinese(.rejectInsufficientPoints, ["account": "member:m01", "balance": "3.00", "needed": 5])
        == "积分不足：member:m01 余额 3.00，需要 5")
    #expect(Localizer.english(.helpOptions) == "OPTIONS:")
  }

  @Test(arguments: [
    ([:], Language.en),
    (["LANG": "zh_CN.UTF-8"], .zh),
    (["LANG": "zh_TW.UTF-8"], .zh),
    (["LANG": "zh"], .zh),
    (["LANG": "C"], .en),
    (["LANG": "en_US.UTF-8"], .en),
    (["LANG": "zh_CN.UTF-8", "LC_ALL": "C"], .en),
    (["LANG": "zh_CN.UTF-8", "LC_ALL": ""], .zh),
    (["LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"], .zh),
    (["LANG": "C", "LC_MESSAGES": "zh_CN.UTF-8"], .zh),
    (["LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"], .en),
    (["LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"], .en),
    (["LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_SG.UTF-8"], .zh),
  ])
  func environmentChoosesTheLanguage(environment: [String: String], expected: Language) {
    #expect(Language.preferred(by: environment) == expected)
  }

  @Test func languageOptionIsTakenOffTheCommandLine() throws {
    let words = Localizer.english
    #expect(
      try LanguageOption.extract(from: ["balance", "--lang", "zh", "m01"], words: words)
        == .init(language: .zh, arguments: ["balance", "m01"]))
    #expect(
      try LanguageOption.extract(from: ["--lang=en", "balance"], words: words)
        == .init(language: .en, arguments: ["balance"]))
    #expect(
      try LanguageOption.extract(from: ["log"], words: words) == .init(language: nil, arguments: ["log"]))
    // After `--` it is a positional like any other word.
    #expect(
      try LanguageOption.extract(from: ["transfer", "--", "--lang", "zh"], words: words)
        == .init(language: nil, arguments: ["transfer", "--", "--lang", "zh"]))
  }

  @Test func badLanguageOptionsAreUsageErrors() {
    let words = Localizer.english
    #expect(
      throws: UsageError.invalidValue(
        path: ["log"], option: "--lang <lang>", value: "fr", reason: "expected zh or en")
    ) {
      try LanguageOption.extract(from: ["log", "--lang", "fr"], words: words)
    }
    #expect(throws: UsageError.missingValue(path: ["log"], option: "--lang", valueName: "lang")) {
      try LanguageOption.extract(from: ["log", "--lang"], words: words)
    }
    #expect(throws: UsageError.missingValue(path: ["log"], option: "--lang", valueName: "lang")) {
      try LanguageOption.extract(from: ["log", "--lang", "--tail", "2"], words: words)
    }
    #expect(throws: UsageError.duplicateOption(path: ["log"], option: "--lang")) {
      try LanguageOption.extract(from: ["log", "--lang", "zh", "--lang=en"], words: words)
    }
  }

  @Test func usageErrorsInChinese() {
    let error = UsageError.unknownOption(
      path: ["service", "record"], option: "--huors", suggestion: "--hours")
    #expect(error.message(in: .chinese) == "未知选项 '--huors'。您是不是要用 '--hours'？")
    #expect(error.message(in: .english) == "unknown option '--huors'. Did you mean '--hours'?")
  }

  @Test func chineseColumnsLineUpByDisplayWidth() {
    let report = Report(
      columns: [
        .init("name", Localizer.chinese(.columnName)),
        .init("hours", Localizer.chinese(.columnHours), numeric: true),
      ],
      rows: [["张三", "2.5"], ["Ann", "10.0"]])
    #expect(
      report.render(.table) == """
        名称  时长
        ----  ----
        张三   2.5
        Ann   10.0

        """)
  }
}
