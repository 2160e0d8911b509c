import Foundation
import Testing

@testable import TimeBank

/// Sheets from `Fixtures/import`, read as bytes.
private enum ImportFixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Fixtures/import").standardized

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  static func text(_ name: String) throws -> String {
    try TextDecoding.decode(bytes(name)).text
  }
}

extension TestCommunity {
  /// Reads `text` as a sheet and imports it into the community's ledger as `actor` (the all-teams
  /// coordinator unless told otherwise), at `now` unless told otherwise.
  fileprivate func importSheet(
    _ kind: SheetKind, _ text: String, defaults: SheetDefaults = SheetDefaults(),
    by actor: ActorID = TestCommunity.coordinator, at time: Timestamp? = nil, checkOnly: Bool = false
  ) throws -> SheetImportResult {
    let sheet = try SheetImport.read(kind, from: text)
    return try ledger.importSheet(
      sheet, defaults: defaults, actor: actor, at: time ?? now, checkOnly: checkOnly)
  }

  /// The service record with this id, as the ledger holds it.
  fileprivate func entry(_ id: String) -> ServiceEntry? { state.records[RecordID(id)]?.entry }
}

@Suite struct CSVReaderTests {
  private func read(_ text: String, separator: Unicode.Scalar = ",") throws -> [CSVRecord] {
    try CSVReader(separator: separator).records(in: text)
  }

  @Test func plainRecordsWithLineFeeds() throws {
    #expect(
      try read("a,b\n1,2\n")
        == [CSVRecord(line: 1, fields: ["a", "b"]), CSVRecord(line: 2, fields: ["1", "2"])])
  }

  @Test func crlfAndNoFinalLineBreak() throws {
    #expect(
      try read("a,b\r\n1,2")
        == [CSVRecord(line: 1, fields: ["a", "b"]), CSVRecord(line: 2, fields: ["1", "2"])])
  }

  @Test func loneCarriageReturnsEndLines() throws {
    #expect(
      try read("a\rb\r") == [CSVRecord(line: 1, fields: ["a"]), CSVRecord(line: 2, fields: ["b"])])
  }

  @Test func quotedFieldsHoldSeparatorsQuotesAndLineBreaks() throws {
    let text = "name,note\n\"Li, Si\",\"he said \"\"hi\"\"\"\nx,\"one\r\ntwo\nthree\"\ny,z\n"
    #expect(
      try read(text) == [
        CSVRecord(line: 1, fields: ["name", "note"]),
        CSVRecord(line: 2, fields: ["Li, Si", "he said \"hi\""]),
        // The record starts on line 3; its note takes lines 3 to 5, CRLF kept as LF.
        CSVRecord(line: 3, fields: ["x", "one\ntwo\nthree"]),
        CSVRecord(line: 6, fields: ["y", "z"]),
      ])
  }

  @Test func emptyFieldsEmptyQuotesAndBlankLines() throws {
    #expect(
      try read("a,,\"\"\n\n,b\n") == [
        CSVRecord(line: 1, fields: ["a", "", ""]),
        CSVRecord(line: 2, fields: [""]),
        CSVRecord(line: 3, fields: ["", "b"]),
      ])
  }

  @Test func aQuoteInsideAnUnquotedFieldIsKept() throws {
    #expect(try read("5\"屏,x\n") == [CSVRecord(line: 1, fields: ["5\"屏", "x"])])
  }

  @Test func tabSeparated() throws {
    #expect(
      try read("a\tb,c\n1\t2\n", separator: "\t")
        == [CSVRecord(line: 1, fields: ["a", "b,c"]), CSVRecord(line: 2, fields: ["1", "2"])])
  }

  @Test func separatorIsDetectedFromTheHeaderLine() {
    #expect(CSVReader(detectingSeparatorIn: "a\tb\tc,d\n1,2,3,4,5\n").separator == "\t")
    #expect(CSVReader(detectingSeparatorIn: "a,b\tc\n").separator == ",")
    // Commas inside quotes are not separators.
    #expect(CSVReader(detectingSeparatorIn: "\"x,y,z\"\tw\n").separator == "\t")
    #expect(CSVReader(detectingSeparatorIn: "姓名\n").separator == ",")
  }

  @Test func anUnterminatedQuoteNamesTheLineItOpensOn() {
    #expect(throws: CSVError.unterminatedQuote(line: 2)) { try read("a,b\n1,\"x\n\ny\n") }
  }

  @Test func textAfterAClosingQuoteIsAnError() {
    #expect(throws: CSVError.textAfterQuote(line: 2, character: "b")) { try read("h\n\"a\"b,c\n") }
  }
}

@Suite struct TextDecodingTests {
  @Test func utf8WithAndWithoutByteOrderMark() throws {
    let plain = Array("姓名,日期\n".utf8)
    #expect(try TextDecoding.decode(plain) == ("姓名,日期\n", .utf8))
    #expect(try TextDecoding.decode([0xEF, 0xBB, 0xBF] + plain) == ("姓名,日期\n", .utf8))
    #expect(try TextDecoding.decode([0xEF, 0xBB, 0xBF] + plain, as: .utf8) == ("姓名,日期\n", .utf8))
  }

  @Test func gb18030BytesFromPythonsEncoder() throws {
    // Python: list('姓名,日期\r\n张三,2025/6/20\r\n㐀😀'.encode('gb18030')); 㐀 and 😀 take four bytes.
    let bytes: [UInt8] = [
      208, 213, 195, 251, 44, 200, 213, 198, 218, 13, 10, 213, 197, 200, 253, 44, 50, 48, 50, 53, 47, 54,
      47, 50, 48, 13, 10, 129, 57, 238, 57, 148, 57, 252, 54,
    ]
    let expected = "姓名,日期\r\n张三,2025/6/20\r\n㐀😀"
    #expect(try TextDecoding.decode(bytes) == (expected, .gb18030))
    #expect(try TextDecoding.decode(bytes, as: .gb18030) == (expected, .gb18030))
  }

  @Test func gb18030ByteOrderMarkIsRemoved() throws {
    #expect(try TextDecoding.decode([0x84, 0x31, 0x95, 0x33, 0x61], as: .gb18030) == ("a", .gb18030))
  }

  @Test func asciiIsUTF8() throws {
    #expect(try TextDecoding.decode(Array("a,b\n".utf8)) == ("a,b\n", .utf8))
    #expect(try TextDecoding.decode(Array("a,b\n".utf8), as: .gb18030) == ("a,b\n", .gb18030))
  }

  @Test func invalidBytesAreNamedWithTheirLine() {
    #expect(throws: TextDecodingError.invalid(encoding: .utf8, offset: 2, line: 2)) {
      try TextDecoding.decode([0x61, 0x0A, 0xD5, 0xC5], as: .utf8)
    }
    // 0xFF is neither UTF-8 nor a GB18030 lead byte.
    #expect(throws: TextDecodingError.invalid(encoding: nil, offset: 4, line: 3)) {
      try TextDecoding.decode([0x61, 0x0A, 0x0A, 0x62, 0xFF, 0x63])
    }
    #expect(throws: TextDecodingError.invalid(encoding: .gb18030, offset: 1, line: 1)) {
      try TextDecoding.decode([0x41, 0xFF], as: .gb18030)
    }
    // A lead byte cut off at the end of the file.
    #expect(throws: TextDecodingError.invalid(encoding: .gb18030, offset: 1, line: 1)) {
      try TextDecoding.decode([0x41, 0xD5], as: .gb18030)
    }
  }

  @Test func illFormedUTF8IsFound() {
    #expect(TextDecoding.firstInvalidUTF8(in: Array("a😀é".utf8)) == nil)
    #expect(TextDecoding.firstInvalidUTF8(in: [0x61, 0xC0, 0x80]) == 1)  // overlong
    #expect(TextDecoding.firstInvalidUTF8(in: [0xED, 0xA0, 0x80]) == 0)  // surrogate
    #expect(TextDecoding.firstInvalidUTF8(in: [0xF4, 0x90, 0x80, 0x80]) == 0)  // above U+10FFFF
    #expect(TextDecoding.firstInvalidUTF8(in: [0x61, 0x62, 0xE5, 0xA7]) == 2)  // cut short
  }

  @Test func encodingNames() {
    #expect(TextEncoding(name: "UTF-8") == .utf8)
    #expect(TextEncoding(name: "utf8") == .utf8)
    #expect(TextEncoding(name: "GBK") == .gb18030)
    #expect(TextEncoding(name: "gb18030") == .gb18030)
    #expect(TextEncoding(name: "latin1") == nil)
  }

  @Test func fixturesDecodeToTheTextWrittenHere() throws {
    let gb = try TextDecoding.decode(ImportFixtures.bytes("services-gb18030.csv"))
    #expect(gb.encoding == .gb18030)
    #expect(
      gb.text
        == "姓名,日期,时长,类别,地点,备注\r\n张三,2025/6/20,1.5,助老,幸福里3号院,送餐\r\n"
        + "赵六,2025年6月21日,2,环境整治,,清理楼道\r\n")
    let bom = try TextDecoding.decode(ImportFixtures.bytes("services-utf8-bom.csv"))
    #expect(bom.encoding == .utf8)
    #expect(bom.text.hasPrefix("姓名,日期,时长,类别,服务队,服务人数,地点,备注\r\n张三,"))
  }
}

@Suite struct SheetHeaderTests {
  @Test func chineseHeaders() throws {
    let sheet = try SheetImport.read(.services, from: "姓名,编号,日期,时长,分钟,类别,服务队,服务人数,地点,备注\n")
    #expect(
      sheet.columns.map(\.field) == [
        .memberName, .member, .date, .hours, .minutes, .category, .team, .served, .place, .note,
      ])
    #expect(sheet.headerProblems == [])
  }

  @Test func englishHeadersAreCaseInsensitiveAndTrimmed() throws {
    let sheet = try SheetImport.read(
      .services, from: " Member ,DATE,Hours\t, category,Team,SERVED,Place,Note,Name,Minutes\n")
    #expect(
      sheet.columns == [
        SheetColumn(header: "Member", field: .member), SheetColumn(header: "DATE", field: .date),
        SheetColumn(header: "Hours", field: .hours), SheetColumn(header: "category", field: .category),
        SheetColumn(header: "Team", field: .team), SheetColumn(header: "SERVED", field: .served),
        SheetColumn(header: "Place", field: .place), SheetColumn(header: "Note", field: .note),
        SheetColumn(header: "Name", field: .memberName), SheetColumn(header: "Minutes", field: .minutes),
      ])
  }

  @Test func membersHeadersInBothLanguages() throws {
    let chinese = try SheetImport.read(.members, from: "编号,姓名,党员,支部,入会日期,服务队\n")
    let english = try SheetImport.read(.members, from: "ID,Name,Party,Branch,Joined,Team\n")
    let expected: [SheetField?] = [.member, .name, .party, .branch, .joined, .team]
    #expect(chinese.columns.map(\.field) == expected)
    #expect(english.columns.map(\.field) == expected)
  }

  @Test func unknownAndRepeatedColumnsAreHeaderProblems() throws {
    let sheet = try SheetImport.read(.services, from: "序号,姓名,日期,时长,类别,时间,date\n")
    #expect(
      sheet.headerProblems == [
        SheetProblem(line: 1, column: "时间", reason: .unknownColumn),
        SheetProblem(line: 1, column: "date", reason: .duplicateColumn),
      ])
    #expect(sheet.columns[0] == SheetColumn(header: "序号", field: .ignored))
  }

  @Test func anEmptyHeaderIsAProblemOnlyWhenItsColumnHasValues() throws {
    // Excel often writes trailing separators for formatted but empty cells.
    let quiet = try SheetImport.read(.services, from: "姓名,日期,时长,类别,,\n张三,2025-06-28,1,助老,,\n")
    #expect(quiet.headerProblems == [])
    let loud = try SheetImport.read(.services, from: "\n姓名,日期,,时长,类别\n张三,2025-06-28,x,1,助老\n")
    #expect(loud.headerLine == 2)
    #expect(loud.headerProblems == [SheetProblem(line: 2, column: nil, reason: .unnamedColumn(position: 3))])
  }

  @Test func aFileWithoutAHeaderCannotBeRead() {
    #expect(throws: SheetError.noHeader(line: 2)) {
      try SheetImport.read(.services, from: "\n张三,2025-06-28,1,助老\n")
    }
    #expect(throws: SheetError.empty) { try SheetImport.read(.services, from: " , \r\n\n") }
    #expect(throws: SheetError.csv(.unterminatedQuote(line: 2))) {
      try SheetImport.read(.services, from: "姓名,日期\n\"张三,2025-06-28\n")
    }
  }

  @Test func missingColumnsAreNamedInBothLanguages() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.services, "服务队,地点\nelder,3号院\n")
    #expect(
      result.decision.problems == [
        SheetProblem(
          line: 1, column: nil, reason: .missingColumn(alternatives: ["姓名", "编号", "name", "member"])),
        SheetProblem(line: 1, column: nil, reason: .missingColumn(alternatives: ["日期", "date"])),
        SheetProblem(
          line: 1, column: nil, reason: .missingColumn(alternatives: ["时长", "分钟", "hours", "minutes"])),
        SheetProblem(line: 1, column: nil, reason: .missingColumn(alternatives: ["类别", "category"])),
      ])
    let members = try community.importSheet(.members, "党员\n是\n")
    #expect(
      members.decision.problems == [
        SheetProblem(line: 1, column: nil, reason: .missingColumn(alternatives: ["编号", "id"])),
        SheetProblem(line: 1, column: nil, reason: .missingColumn(alternatives: ["姓名", "name"])),
      ])
  }

  @Test func aDefaultCategoryStandsInForTheColumn() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(
      .services, "编号,日期,时长\nm1,2025-06-28,1\n",
      defaults: SheetDefaults(category: "助老", team: TestCommunity.elder))
    #expect(result.decision.problems == [])
    let id = try #require(result.decision.commands.first?.id)
    #expect(
      community.entry(id)
        == ServiceEntry(
          member: TestCommunity.m1, date: try TestSupport.date("2025-06-28"), minutes: Minutes(60),
          category: "助老",
          team: TestCommunity.elder))
  }
}

@Suite struct SheetValueTests {
  @Test func datesAsExcelWritesThem() throws {
    let cases: [(String, String?)] = [
      ("2025-06-28", "2025-06-28"), ("2025/6/8", "2025-06-08"), ("2025年6月8日", "2025-06-08"),
      ("2025年12月31", "2025-12-31"), ("2025.6.8", "2025-06-08"), ("2025-6-28", "2025-06-28"),
      ("2025/6/28 0:00", "2025-06-28"), ("2024-02-29", "2024-02-29"), ("2025-02-30", nil),
      ("2025-02-29", nil),
      ("25/6/8", nil), ("2025/6/28 12:00", nil), ("45836", nil), ("2025-06", nil), ("2025-06-28-1", nil),
      ("2025/06-28", nil), ("二〇二五年六月八日", nil), ("", nil),
    ]
    for (text, expected) in cases {
      #expect(SheetImport.date(text)?.description == expected, "\(text)")
    }
  }

  @Test func yesAndNo() {
    for text in ["是", "yes", "YES", "y", "true", "True", "1"] { #expect(SheetImport.yesOrNo(text) == true) }
    for text in ["否", "no", "N", "false", "0"] { #expect(SheetImport.yesOrNo(text) == false) }
    for text in ["maybe", "2", "", "党员"] { #expect(SheetImport.yesOrNo(text) == nil) }
  }
}

@Suite struct SheetImportTests {
  @Test func utf8SheetWithByteOrderMarkAndCRLF() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.services, try ImportFixtures.text("services-utf8-bom.csv"))
    #expect(result.decision.problems == [])
    #expect(result.decision.rows.map(\.line) == [2, 3, 4])
    #expect(result.outcomes.count == 3)
    #expect(result.outcomes.allSatisfy { if case .appended = $0 { true } else { false } })
    // Python: 'imp-' + sha256('\x1f'.join(['service','m1','2025-06-28','150','助老','elder','3','3号院',''])
    //   .encode()).hexdigest()[:16]
    #expect(result.decision.commands.first?.id == "imp-99392a2cca232f8b")
    #expect(
      community.entry("imp-99392a2cca232f8b")
        == ServiceEntry(
          member: TestCommunity.m1, date: try TestSupport.date("2025-06-28"), minutes: Minutes(150),
          category: "助老", team: TestCommunity.elder, peopleServed: 3, place: "3号院"))
    let third = try #require(result.decision.commands.last?.id)
    #expect(community.entry(third)?.note == "陪老人聊天")
    #expect(community.entry(third)?.member == TestCommunity.m3)
  }

  @Test func tabSeparatedSheetWithMinutes() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.services, try ImportFixtures.text("services-utf8-tab.csv"))
    #expect(result.decision.problems == [])
    let entries = result.decision.commands.compactMap { community.entry($0.id ?? "") }
    #expect(entries.map(\.member) == [TestCommunity.m1, TestCommunity.m3, TestCommunity.m2])
    #expect(entries.map(\.minutes.value) == [90, 45, 120])
    #expect(entries.map(\.team) == [TestCommunity.elder, TestCommunity.elder, TestCommunity.green])
  }

  @Test func gb18030SheetWithExcelDates() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.services, try ImportFixtures.text("services-gb18030.csv"))
    #expect(result.decision.problems == [])
    // Python: 'imp-' + sha256('\x1f'.join(['service','m1','2025-06-20','90','助老','','0','幸福里3号院','送餐'])
    //   .encode()).hexdigest()[:16]
    #expect(
      community.entry("imp-b403fc843410da4a")
        == ServiceEntry(
          member: TestCommunity.m1, date: try TestSupport.date("2025-06-20"), minutes: Minutes(90),
          category: "助老", place: "幸福里3号院", note: "送餐"))
    let second = try #require(result.decision.commands.last?.id)
    #expect(
      community.entry(second)
        == ServiceEntry(
          member: TestCommunity.m4, date: try TestSupport.date("2025-06-21"), minutes: Minutes(120),
          category: "环境整治", note: "清理楼道"))
  }

  @Test func quotedFieldsWithCommasQuotesAndANewlineInANote() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.services, try ImportFixtures.text("services-quoted.csv"))
    #expect(result.decision.problems == [])
    // The second row's note runs over lines 3 and 4, so the third row starts on line 5.
    #expect(result.decision.rows.map(\.line) == [2, 3, 5])
    let entries = result.decision.commands.compactMap { community.entry($0.id ?? "") }
    #expect(entries.map(\.place) == ["3号院, 2单元", "5号院", nil])
    #expect(entries.map(\.note) == ["他说\"谢谢\"", "第一行\n第二行", "a, b"])
    // The log still has one event per line: the newline is escaped in JSON.
    let lines = try community.bytes().split(separator: 0x0A)
    #expect(lines.count == (try community.ledger.records()).count)
  }

  @Test func englishHeaders() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.services, try ImportFixtures.text("services-english.csv"))
    #expect(result.decision.problems == [])
    let entries = result.decision.commands.compactMap { community.entry($0.id ?? "") }
    #expect(
      entries == [
        ServiceEntry(
          member: TestCommunity.m1, date: try TestSupport.date("2025-06-22"), minutes: Minutes(180),
          category: "助老",
          team: TestCommunity.elder, peopleServed: 4, place: "Courtyard 3"),
        ServiceEntry(
          member: TestCommunity.m2, date: try TestSupport.date("2025-06-22"), minutes: Minutes(30),
          category: "环境整治", team: TestCommunity.green),
      ])
  }

  @Test func membersSheetRegistersAndJoinsTeams() throws {
    let community = try TestCommunity()
    let result = try community.importSheet(.members, try ImportFixtures.text("members.csv"))
    #expect(result.decision.problems == [])
    #expect(result.outcomes.count == 5)  // three registrations, two team joins
    // Python: 'imp-' + sha256('\x1f'.join(['member','m10','钱八','1','b1','2025-06-01','elder'])
    //   .encode()).hexdigest()[:16]
    #expect(
      result.decision.commands.prefix(2).map(\.id) == ["imp-5fca89ab175e6a9c", "imp-5fca89ab175e6a9c-team"])
    let m10 = MemberID("m10")
    let m11 = MemberID("m11")
    let m12 = MemberID("m12")
    #expect(
      community.state.members[m10]?.registration
        == MemberRegistration(
          member: m10, name: "钱八", isPartyMember: true, branch: TestCommunity.b1,
          joined: try TestSupport.date("2025-06-01")))
    #expect(
      community.state.members[m11]?.registration
        == MemberRegistration(
          member: m11, name: "周九", isPartyMember: false, branch: nil,
          joined: try TestSupport.date("2025-06-02")))
    #expect(
      community.state.members[m12]?.registration
        == MemberRegistration(
          member: m12, name: "吴十", isPartyMember: true, branch: TestCommunity.b2,
          joined: try TestSupport.date("2025-06-03")))
    #expect(community.state.members[m10]?.teams == [TestCommunity.elder])
    #expect(community.state.members[m11]?.teams == [])
    #expect(community.state.members[m12]?.teams == [TestCommunity.green])
  }

  @Test func reimportingAppendsNothing() throws {
    let community = try TestCommunity()
    for name in ["services-utf8-bom.csv", "services-quoted.csv", "members.csv"] {
      let kind: SheetKind = name.hasPrefix("members") ? .members : .services
      let text = try ImportFixtures.text(name)
      let first = try community.importSheet(kind, text)
      #expect(first.decision.problems == [])
      #expect(first.decision.rows.allSatisfy { !$0.isAlreadyRecorded })
      let before = try community.fingerprint()
      let second = try community.importSheet(
        kind, text, at: try TestSupport.time("2025-07-03T10:00:00+08:00"))
      #expect(second.decision.problems == [])
      #expect(second.decision.rows.count == first.decision.rows.count)
      #expect(second.decision.rows.allSatisfy { $0.isAlreadyRecorded })
      #expect(second.decision.rows.map(\.commands) == first.decision.rows.map(\.commands))
      #expect(second.decision.commands == [])
      #expect(second.outcomes == [])
      #expect(try community.fingerprint() == before, "\(name)")
    }
  }

  @Test func theSameServiceSpelledDifferentlyHasTheSameID() throws {
    let community = try TestCommunity()
    let byName = try community.importSheet(.services, "姓名,日期,时长,类别\n张三,2025/6/28,1.5,助老\n")
    let before = try community.fingerprint()
    let byID = try community.importSheet(.services, "编号\t日期\t分钟\t类别\nm1\t2025年6月28日\t90\t助老\n")
    #expect(byName.decision.rows.map(\.commands) == byID.decision.rows.map(\.commands))
    #expect(byID.decision.rows.map(\.isAlreadyRecorded) == [true])
    #expect(try community.fingerprint() == before)
  }

  @Test func aRepeatedRowIsNumbered() throws {
    let community = try TestCommunity()
    let text = "编号,日期,时长,类别\nm1,2025-06-28,1,助老\nm2,2025-06-28,1,助老\nm1,2025-06-28,1,助老\n"
    let result = try community.importSheet(.services, text)
    let ids = result.decision.commands.compactMap(\.id)
    #expect(ids.count == 3)
    #expect(ids[2] == ids[0] + "-2")
    #expect(ids[1] != ids[0])
    #expect(result.outcomes.count == 3)
    #expect(
      community.state.minutesByDay[MemberDay(TestCommunity.m1, try TestSupport.date("2025-06-28"))] == Minutes(120))
  }

  @Test func aMemberWithoutAJoinDateKeepsTheDateOfTheFirstImport() throws {
    let community = try TestCommunity()
    let text = "编号,姓名\nm20,郑一\n"
    let first = try community.importSheet(.members, text)
    #expect(
      community.state.members[MemberID("m20")]?.registration.joined == (try TestSupport.date("2025-06-30")))
    let before = try community.fingerprint()
    let later = try community.importSheet(
      .members, text, at: try TestSupport.time("2025-07-05T10:00:00+08:00"))
    #expect(later.decision.problems == [])
    #expect(later.decision.rows.map(\.commands) == first.decision.rows.map(\.commands))
    #expect(later.decision.rows.map(\.isAlreadyRecorded) == [true])
    #expect(try community.fingerprint() == before)
  }

  @Test func checkOnlyAppendsNothing() throws {
    let community = try TestCommunity()
    let before = try community.fingerprint()
    let result = try community.importSheet(
      .services, try ImportFixtures.text("services-utf8-bom.csv"), checkOnly: true)
    #expect(result.decision.problems == [])
    #expect(result.decision.rows.count == 3)
    #expect(result.decision.rows.allSatisfy { !$0.isAlreadyRecorded })
    #expect(result.outcomes == [])
    #expect(try community.fingerprint() == before)
  }
}

@Suite struct SheetProblemTests {
  /// Every kind of bad services row, each with the problem it must give.
  @Test func everyBadRowIsListedWithLineColumnAndReason() throws {
    let community = try TestCommunity()
    let rows = [
      "姓名,编号,日期,时长,分钟,类别,服务队,服务人数",
      "张三,,2025-02-30,1,,助老,elder,",
      "张三,,2025-06-28,abc,,助老,elder,",
      "张三,,2025-06-28,1.333,,助老,elder,",
      ",m1,2025-06-28,,x,助老,elder,",
      "张三,,2025-06-28,1,30,助老,elder,",
      "张三,,2025-06-28,,,助老,elder,",
      "钱八,,2025-06-28,1,,助老,,",
      "李四,m1,2025-06-28,1,,助老,,",
      ",m9,2025-06-28,1,,助老,,",
      ",m1,2025-07-01,1,,助老,elder,",
      ",m1,2025-06-28,1,,助老,elder,many",
      ",m1,2025-06-28,,600,助老,elder,",  // line 13: the only good row
      ",m1,2025-06-28,3,,助老,elder,",
      ",m2,2025-06-28,1,,环境整治,elder,",
      ",m1,2025-06-28,1,,,elder,",
      ",m1 x,2025-06-28,1,,助老,elder,",
      ",,2025-06-28,1,,助老,,",
      ",m1,2025-06-28,0,,助老,elder,",
      ",m4,2025-06-28,1,,助老,,,extra",
      ",m1,1990-01-01,1,,助老,elder,",
    ]
    let before = try community.fingerprint()
    let result = try community.importSheet(.services, rows.joined(separator: "\n") + "\n")
    let m1 = TestCommunity.m1
    let date = try TestSupport.date("2025-06-28")
    let today = try TestSupport.date("2025-06-30")
    let expected: [SheetProblem] = [
      SheetProblem(line: 2, column: "日期", reason: .notADate("2025-02-30")),
      SheetProblem(line: 3, column: "时长", reason: .notHours("abc")),
      SheetProblem(line: 4, column: "时长", reason: .notHours("1.333")),
      SheetProblem(line: 5, column: "分钟", reason: .notMinutes("x")),
      SheetProblem(line: 6, column: "时长", reason: .hoursAndMinutes(other: "分钟")),
      SheetProblem(line: 7, column: "时长", reason: .noValue),
      SheetProblem(line: 8, column: "姓名", reason: .unknownName("钱八")),
      SheetProblem(line: 9, column: "姓名", reason: .nameMismatch(member: m1, registered: "张三", given: "李四")),
      SheetProblem(line: 10, column: "编号", reason: .rejected(.unknownMember(MemberID("m9")))),
      SheetProblem(
        line: 11, column: "日期",
        reason: .rejected(
          .futureDate(
            field: "date", date: try TestSupport.date("2025-07-01"), today: today))),
      SheetProblem(line: 12, column: "服务人数", reason: .notACount("many")),
      SheetProblem(
        line: 14, column: "时长",
        reason: .rejected(
          .dailyCapExceeded(
            member: m1, date: date, alreadyRecorded: Minutes(600), adding: Minutes(180),
            cap: Minutes(720)))),
      SheetProblem(
        line: 15, column: "服务队",
        reason: .rejected(.notInTeam(member: TestCommunity.m2, team: TestCommunity.elder))),
      SheetProblem(line: 16, column: "类别", reason: .noValue),
      SheetProblem(
        line: 17, column: "编号",
        reason: .invalidIdentifier("m1 x", problem: "contains a space, control or invisible character")),
      SheetProblem(line: 18, column: "编号", reason: .noValue),
      SheetProblem(line: 19, column: "时长", reason: .rejected(.nonPositiveMinutes(Minutes(0)))),
      SheetProblem(line: 20, column: nil, reason: .tooManyFields(found: 9, expected: 8)),
      SheetProblem(
        line: 21, column: "日期",
        reason: .rejected(
          .beforeJoined(
            member: m1, date: try TestSupport.date("1990-01-01"),
            joined: try TestSupport.date("2025-01-01")))),
    ]
    #expect(result.decision.problems == expected)
    #expect(result.decision.rows.map(\.line) == [13])
    // All or nothing: the good row is not appended either.
    #expect(result.outcomes == [])
    #expect(try community.fingerprint() == before)
  }

  @Test func theFixtureWithTwoBadRows() throws {
    let community = try TestCommunity()
    let before = try community.fingerprint()
    let result = try community.importSheet(.services, try ImportFixtures.text("services-two-bad-rows.csv"))
    #expect(
      result.decision.problems == [
        SheetProblem(line: 3, column: "日期", reason: .notADate("2025-02-30")),
        SheetProblem(
          line: 5, column: "日期",
          reason: .rejected(
            .futureDate(
              field: "date", date: try TestSupport.date("2025-07-02"),
              today: try TestSupport.date("2025-06-30")))),
      ])
    #expect(result.decision.rows.map(\.line) == [2, 4])
    #expect(result.outcomes == [])
    #expect(try community.fingerprint() == before)
    #expect(community.state.records.isEmpty)
  }

  @Test func aNameTwoMembersShareMustBeGivenAsAnID() throws {
    let community = try TestCommunity()
    let twin = MemberRegistration(
      member: MemberID("m5"), name: "张三", isPartyMember: false, branch: nil,
      joined: try TestSupport.date("2025-01-01"))
    try community.run(.memberRegistered(twin), id: "reg-m5", by: TestCommunity.coordinator)
    let result = try community.importSheet(
      .services, "姓名,日期,时长,类别\n李四,2025-06-28,1,助老\n\n张三,2025-06-28,1,助老\n")
    #expect(
      result.decision.problems == [
        SheetProblem(
          line: 4, column: "姓名", reason: .ambiguousName("张三", members: [TestCommunity.m1, MemberID("m5")]))
      ])
  }

  @Test func rowsTheActorMayNotRecord() throws {
    let community = try TestCommunity()
    // `li` coordinates the elder team only.
    let result = try community.importSheet(
      .services, "编号,日期,时长,类别,服务队\nm1,2025-06-28,1,助老,elder\nm2,2025-06-28,1,环境整治,green\n",
      by: TestCommunity.elderCoordinator)
    #expect(
      result.decision.problems == [
        SheetProblem(
          line: 3, column: nil,
          reason: .rejected(
            .notAuthorised(
              actor: TestCommunity.elderCoordinator, action: "record service",
              needs: "coordinator for team:green")))
      ])
    let members = try community.importSheet(.members, "编号,姓名\nm30,冯二\n", by: ActorID("m1"))
    #expect(
      members.decision.problems == [
        SheetProblem(
          line: 2, column: nil,
          reason: .rejected(
            .notAuthorised(actor: ActorID("m1"), action: "register members", needs: "admin or coordinator")))
      ])
  }

  @Test func badMembersRows() throws {
    let community = try TestCommunity()
    let text = """
      编号,姓名,党员,支部,入会日期,服务队
      m40,甲,maybe,,,
      m1,张三,是,b1,2025-01-01,
      m41,乙,是,b9,2025-06-01,
      m42,丙,否,,2025-06-01,nowhere
      m43,,否,,2025-06-01,
      m44,丁,否,,2025-13-01,
      m45,戊,否,,2025-07-01,
      m45,戊,否,,2025-06-01,
      m45,戊,否,,2025-06-02,

      """
    let before = try community.fingerprint()
    let result = try community.importSheet(.members, text)
    #expect(
      result.decision.problems == [
        SheetProblem(line: 2, column: "党员", reason: .notYesOrNo("maybe")),
        SheetProblem(line: 3, column: "编号", reason: .rejected(.alreadyExists(kind: "member", id: "m1"))),
        SheetProblem(line: 4, column: "支部", reason: .rejected(.unknownBranch(BranchID("b9")))),
        SheetProblem(line: 5, column: "服务队", reason: .rejected(.unknownTeam(TeamID("nowhere")))),
        SheetProblem(line: 6, column: "姓名", reason: .noValue),
        SheetProblem(line: 7, column: "入会日期", reason: .notADate("2025-13-01")),
        SheetProblem(
          line: 8, column: "入会日期",
          reason: .rejected(
            .futureDate(
              field: "joined", date: try TestSupport.date("2025-07-01"),
              today: try TestSupport.date("2025-06-30")))),
        // Line 9 registers m45, so line 10 registering it again is refused.
        SheetProblem(line: 10, column: "编号", reason: .rejected(.alreadyExists(kind: "member", id: "m45"))),
      ])
    #expect(result.decision.rows.map(\.line) == [9])
    #expect(try community.fingerprint() == before)
  }

  @Test func aSheetSomeoneElseImportedIsAlreadyRecorded() throws {
    let community = try TestCommunity()
    let text = "编号,姓名,服务队\nm50,褚三,elder\n"
    let first = try community.importSheet(.members, text)
    #expect(first.outcomes.count == 2)
    let before = try community.fingerprint()
    let again = try community.importSheet(.members, text, by: TestCommunity.secondCoordinator)
    #expect(again.decision.problems == [])
    #expect(again.decision.rows.map(\.isAlreadyRecorded) == [true])
    #expect(again.decision.commands == [])
    #expect(try community.fingerprint() == before)
    // The record keeps the actor who first imported it.
    #expect((try community.ledger.records()).last?.actor == TestCommunity.coordinator)
  }

  @Test func anIDTakenByOtherContentIsRefusedNotDuplicated() throws {
    let community = try TestCommunity()
    // Python: 'imp-' + sha256('\x1f'.join(['service','m1','2025-06-28','60','助老','','0','',''])
    //   .encode()).hexdigest()[:16]: the id of the sheet's row, taken by hand for other content.
    let id = "imp-3c09f2cb3ba34e85"
    try community.record(TestCommunity.m1, minutes: 30, on: "2025-06-28", category: "助老", id: id)
    let seq = (try community.ledger.records()).count
    let before = try community.fingerprint()
    let result = try community.importSheet(.services, "编号,日期,时长,类别\nm1,2025-06-28,1,助老\n")
    #expect(
      result.decision.problems == [
        SheetProblem(
          line: 2, column: "时长",
          reason: .rejected(.idReused(id: id, seq: seq, field: "minutes", stored: "30", given: "60")))
      ])
    #expect(try community.fingerprint() == before)
  }

  @Test func aRegisteredMemberWithADifferentRowIsRefused() throws {
    let community = try TestCommunity()
    _ = try community.importSheet(.members, "编号,姓名,入会日期\nm60,卫四,2025-06-01\n")
    let before = try community.fingerprint()
    // The same member with a team given on the command line is another row: it would register m60 again.
    let result = try community.importSheet(
      .members, "编号,姓名,入会日期\nm60,卫四,2025-06-01\n", defaults: SheetDefaults(team: TestCommunity.green))
    #expect(
      result.decision.problems == [
        SheetProblem(line: 2, column: "编号", reason: .rejected(.alreadyExists(kind: "member", id: "m60")))
      ])
    #expect(try community.fingerprint() == before)
  }
}
