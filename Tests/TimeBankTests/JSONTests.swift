import Testing

@testable import TimeBank

@Suite struct JSONTests {
  // MARK: - Writing

  private static func written(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    JSONValue.writeString(text, to: &bytes)
    return bytes
  }

  @Test func writerEscapesQuoteAndBackslashOnly() {
    // "a\"b\\c/d": the slash is left as is (JSON does not require escaping it).
    #expect(JSONValue.string("a\"b\\c/d").jsonText == #""a\"b\\c/d""#)
    #expect(JSONValue.string("plain text 123").jsonText == #""plain text 123""#)
  }

  @Test func writerEscapesControlCharacters() {
    #expect(JSONValue.string("a\nb").jsonText == #""a\nb""#)
    #expect(JSONValue.string("a\rb").jsonText == #""a\rb""#)
    #expect(JSONValue.string("a\tb").jsonText == #""a\tb""#)
    #expect(JSONValue.string("\u{00}").jsonText == #""\u0000""#)
    #expect(JSONValue.string("\u{01}").jsonText == #""\u0001""#)
    #expect(JSONValue.string("\u{08}\u{0C}").jsonText == #""\u0008\u000c""#)
    #expect(JSONValue.string("\u{1F}").jsonText == #""\u001f""#)
    // DEL (0x7F) and U+2028 are not control characters JSON requires escaping: written raw.
    #expect(Self.written("\u{7F}") == [0x22, 0x7F, 0x22])
    #expect(Self.written("\u{2028}") == [0x22, 0xE2, 0x80, 0xA8, 0x22])
  }

  @Test func writerKeepsChineseAsUTF8Bytes() {
    // 张 U+5F20 = E5 BC A0, 三 U+4E09 = E4 B8 89: written as is, never as \u escapes.
    #expect(Self.written("张三") == [0x22, 0xE5, 0xBC, 0xA0, 0xE4, 0xB8, 0x89, 0x22])
    // 😀 U+1F600 = F0 9F 98 80, not a surrogate pair escape.
    #expect(Self.written("😀") == [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22])
    #expect(JSONValue.string("幸福里社区").jsonText == "\"幸福里社区\"")
  }

  @Test func writerIsCompactAndKeepsMemberOrder() {
    let value = JSONValue.object(
      JSONObject([
        .init("z", .integer(-12)), .init("a", .array([.bool(true), .bool(false), .null])),
        .init("m", .object(JSONObject())), .init("s", .string("x")),
      ]))
    #expect(value.jsonText == #"{"z":-12,"a":[true,false,null],"m":{},"s":"x"}"#)
    #expect(JSONValue.array([]).jsonText == "[]")
    #expect(JSONValue.integer(Int64.min).jsonText == "-9223372036854775808")
  }

  @Test func memoWithANewlineStaysOnOneLineOfTheLog() throws {
    let community = try TestCommunity()
    try community.earn(TestCommunity.m1, minutes: 120, id: "s1")
    let memo = "第一行\n第二行\t\"引号\""
    try community.run(
      .pointsTransferred(
        from: .member(TestCommunity.m1), to: .member(TestCommunity.m2), points: Points(hundredths: 50),
        memo: memo),
      id: "gift", by: ActorID("m1"))
    let bytes = try community.bytes()
    // One line per record: the newline typed into the memo is escaped, not written.
    #expect(bytes.filter { $0 == 0x0A }.count == (try community.ledger.records()).count)
    let lines = bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    let last = try #require(lines.last)
    #expect(last.contains(#""memo":"第一行\n第二行\t\"引号\"""#))
    // Read back, the memo is exactly what was typed.
    let records = try TestSupport.recordsOnDisk(community.path)
    guard case .pointsTransferred(_, _, _, let stored) = records.last?.event else {
      Issue.record("last record is not a transfer")
      return
    }
    #expect(stored == memo)
  }

  // MARK: - Scanning

  private static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    try JSONScanner.parse(Array(text.utf8))
  }

  @Test func scannerReadsTheSubsetTheLogWrites() throws {
    let value = try Self.parse(#"{"a":1,"b":[true,false,null],"c":"x","d":{},"e":-7,"f":0}"#)
    let expected = JSONValue.object(
      JSONObject([
        .init("a", .integer(1)), .init("b", .array([.bool(true), .bool(false), .null])),
        .init("c", .string("x")),
        .init("d", .object(JSONObject())), .init("e", .integer(-7)), .init("f", .integer(0)),
      ]))
    #expect(value == expected)
  }

  @Test func scannerDecodesEscapes() throws {
    #expect(try Self.parse(#""a\"b\\c\/d\n\r\t\b\f""#) == .string("a\"b\\c/d\n\r\t\u{08}\u{0C}"))
    #expect(try Self.parse(#""\u5f20\u4E09""#) == .string("张三"))
    #expect(try Self.parse(#""\ud83d\ude00""#) == .string("😀"))
    #expect(try Self.parse(#""x\u0000y""#) == .string("x\u{0}y"))
    #expect(try Self.parse("\"张三\"") == .string("张三"))
  }

  @Test func scannerReadsIntegerLimits() throws {
    #expect(try Self.parse("9223372036854775807") == .integer(Int64.max))
    #expect(try Self.parse("-9223372036854775807") == .integer(-Int64.max))
    #expect(try Self.parse("-0") == .integer(0))
  }

  /// Expects `bytes` to be refused with `problem` at byte `offset`.
  private static func expectRefused(
    _ bytes: [UInt8], at offset: Int, _ problem: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(throws: JSONSyntaxError(offset: offset, problem: problem), sourceLocation: sourceLocation) {
      try JSONScanner.parse(bytes)
    }
  }

  private static func expectRefused(
    _ text: String, at offset: Int, _ problem: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    expectRefused(Array(text.utf8), at: offset, problem, sourceLocation: sourceLocation)
  }

  @Test func scannerRefusesFloatsAndExponents() {
    Self.expectRefused("1.5", at: 1, "only integers are allowed")
    Self.expectRefused("1e5", at: 1, "only integers are allowed")
    Self.expectRefused("1E5", at: 1, "only integers are allowed")
    Self.expectRefused("-2.0", at: 2, "only integers are allowed")
    Self.expectRefused(#"{"points":12.50}"#, at: 12, "only integers are allowed")
  }

  @Test func scannerRefusesLeadingZeros() {
    Self.expectRefused("01", at: 2, "number with a leading zero")
    Self.expectRefused("-007", at: 4, "number with a leading zero")
    Self.expectRefused("[00]", at: 3, "number with a leading zero")
  }

  @Test func scannerRefusesNumbersBeyondInt64() {
    Self.expectRefused("9223372036854775808", at: 18, "number too large")
    Self.expectRefused("99999999999999999999", at: 18, "number too large")  // 19 nines > Int64.max
    Self.expectRefused("-", at: 1, "expected a digit")
  }

  @Test func scannerRefusesInvalidUTF8() {
    // 0xFF never occurs in UTF-8; the string's closing quote is at offset 2.
    Self.expectRefused([0x22, 0xFF, 0x22], at: 2, "string is not valid UTF-8")
    // A truncated three-byte sequence (张 without its last byte).
    Self.expectRefused([0x22, 0xE5, 0xBC, 0x22], at: 3, "string is not valid UTF-8")
    // An overlong encoding of '/'.
    Self.expectRefused([0x22, 0xC0, 0xAF, 0x22], at: 3, "string is not valid UTF-8")
    // A surrogate (U+D800) encoded directly in UTF-8.
    Self.expectRefused([0x22, 0xED, 0xA0, 0x80, 0x22], at: 4, "string is not valid UTF-8")
    // Invalid bytes after an escape are still checked.
    Self.expectRefused([0x22, 0x5C, 0x6E, 0xFF, 0x22], at: 4, "string is not valid UTF-8")
  }

  @Test func scannerRefusesUnpairedSurrogates() {
    // A low surrogate alone: refused right after its four hex digits.
    Self.expectRefused(#""\udc00""#, at: 7, "unpaired surrogate")
    // A high surrogate followed by something other than a low surrogate.
    Self.expectRefused(#""\ud800\u0041""#, at: 13, "unpaired surrogate")
    // A high surrogate at the end of the string: the scanner wanted a second \u.
    Self.expectRefused(#""\ud800""#, at: 7, #"expected '\u'"#)
  }

  @Test func scannerRefusesOtherBadStrings() {
    Self.expectRefused([0x22, 0x61, 0x0A, 0x62, 0x22], at: 2, "control character in a string")
    Self.expectRefused(#""\x""#, at: 3, "invalid escape")
    Self.expectRefused(#""\u12g4""#, at: 5, #"invalid \u escape"#)
    Self.expectRefused(#""abc"#, at: 4, "unterminated string")
  }

  @Test func scannerRefusesTrailingBytes() {
    Self.expectRefused(#"{"a":1} "#, at: 7, "unexpected bytes after the value")
    Self.expectRefused(#"{"a":1}{}"#, at: 7, "unexpected bytes after the value")
    Self.expectRefused("1 2", at: 1, "unexpected bytes after the value")
    Self.expectRefused("", at: 0, "unexpected end of line")
  }

  @Test func scannerRefusesWhitespaceAndOtherSyntax() {
    // The log is compact: whitespace between tokens never occurs and is refused.
    Self.expectRefused(#"{ "a":1}"#, at: 1, "expected a member name")
    Self.expectRefused(#"{"a" :1}"#, at: 4, "expected ':'")
    Self.expectRefused(#"{"a":1,}"#, at: 7, "expected a member name")
    Self.expectRefused("[1,]", at: 3, "unexpected character")
    Self.expectRefused("[1 2]", at: 2, "expected ',' or ']'")
    Self.expectRefused(#"{"a":1"b":2}"#, at: 6, "expected ',' or '}'")
    Self.expectRefused("tru", at: 3, "expected 'true'")
    Self.expectRefused("nul", at: 3, "expected 'null'")
  }

  @Test func scannerRefusesDeepNesting() throws {
    // 32 levels are accepted; the 33rd opening bracket (offset 32) is refused.
    let deep = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
    #expect(throws: Never.self) { try Self.parse(deep) }
    Self.expectRefused(
      String(repeating: "[", count: 33) + String(repeating: "]", count: 33), at: 32, "nested too deeply"
    )
    // Objects count toward the same depth: {"a": is 5 bytes, so the 33rd { is at offset 160.
    let objects = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)
    Self.expectRefused(objects, at: 160, "nested too deeply")
    // Far deeper input is refused the same way, without exhausting the stack.
    Self.expectRefused(String(repeating: "[", count: 100_000), at: 32, "nested too deeply")
  }

  // MARK: - Events and their data

  /// One event of every type, with optional fields given where the type has them.
  private static func sampleEvents() throws -> [Event] {
    let date = try TestSupport.date("2025-06-30")
    let policy = Policy(
      pointsPerHour: Points(hundredths: 125),
      categoryRates: ["助老": Points(hundredths: 150), "环保": Points(hundredths: 80)],
      dailyCap: Minutes(480), partyAnnualTarget: Minutes(2400))
    let entry = ServiceEntry(
      member: MemberID("m1"), date: date, minutes: Minutes(90), category: "助老", team: TeamID("elder"),
      peopleServed: 3, place: "3号院", creditTo: .card(CardID("tax")), note: "陪同就医\n下午",
      replaces: RecordID("s0"))
    return [
      .ledgerOpened(community: "幸福里社区", timeZone: "Asia/Shanghai", policy: policy),
      .policyChanged(effective: date, policy: Policy()),
      .roleGranted(actor: ActorID("li"), role: .coordinator, scope: .team(TeamID("elder"))),
      .roleRevoked(actor: ActorID("wang"), role: .secretary, scope: .branch(BranchID("b1"))),
      .memberRegistered(
        MemberRegistration(
          member: MemberID("m1"), name: "张三", isPartyMember: true, branch: BranchID("b1"), joined: date)
      ),
      .memberChanged(
        MemberChange(member: MemberID("m1"), name: "张三丰", isPartyMember: false, branch: BranchID("b2"))),
      .memberLeft(member: MemberID("m1"), date: date),
      .teamCreated(team: TeamID("arts"), name: "夕阳红文艺队", kind: .selfOrganised),
      .teamJoined(team: TeamID("arts"), member: MemberID("m1"), date: date),
      .teamLeft(team: TeamID("arts"), member: MemberID("m1"), date: date),
      .branchCreated(branch: BranchID("b1"), name: "第一党支部"),
      .cardOpened(card: CardID("yard3"), name: "3号院集体卡", kind: .courtyard, holder: "3号院居民"),
      .serviceRecorded(entry),
      .serviceConfirmed(record: RecordID("s1"), points: Points(hundredths: 225)),
      .serviceRejected(record: RecordID("s2"), reason: "签到表上没有此人"),
      .serviceReversed(record: RecordID("s3"), reason: "时长登记错误"),
      .pointsTransferred(
        from: .member(MemberID("m1")), to: .card(CardID("yard3")), points: Points(hundredths: 300),
        memo: "捐赠"
      ),
      .rewardListed(
        RewardListing(
          item: ItemID("rice"), name: "东北大米5kg", kind: .goods, price: Points(hundredths: 2000),
          stock: 30)),
      .rewardRestocked(item: ItemID("rice"), quantity: 20),
      .rewardWithdrawn(item: ItemID("rice"), reason: "过期"),
      .rewardRedeemed(
        account: .member(MemberID("m1")), item: ItemID("rice"), quantity: 2,
        points: Points(hundredths: 4000)),
      .redemptionCancelled(redemption: RedemptionID("red-9"), reason: "库存登记错误"),
      .partyReported(
        PartyCheckIn(member: MemberID("m1"), branch: BranchID("b1"), workplace: "区税务局机关党委", date: date)),
      .partyActivityRecorded(
        PartyActivity(member: MemberID("m1"), kind: .wish, date: date, note: "认领\"微心愿\"")),
      .partyActivityConfirmed(activity: ActivityID("act-1")),
      .partyActivityRejected(activity: ActivityID("act-2"), reason: "重复登记"),
    ]
  }

  /// The same types with every optional field left out (and other values at their edges).
  private static func sparseEvents() throws -> [Event] {
    let date = try TestSupport.date("2024-02-29")
    return [
      .memberRegistered(
        MemberRegistration(
          member: MemberID("m2"), name: "李四", isPartyMember: false, branch: nil, joined: date)),
      .memberChanged(MemberChange(member: MemberID("m2"), name: "李四")),
      .memberChanged(MemberChange(member: MemberID("m2"), isPartyMember: true)),
      .serviceRecorded(
        ServiceEntry(member: MemberID("m2"), date: date, minutes: Minutes(1), category: "环保")),
      .pointsTransferred(
        from: .card(CardID("shop")), to: .member(MemberID("m2")), points: Points(hundredths: 1),
        memo: nil),
      .rewardWithdrawn(item: ItemID("oil"), reason: nil),
      .roleGranted(actor: ActorID("zhao"), role: .admin, scope: .all),
      .serviceConfirmed(record: RecordID("s9"), points: Points(hundredths: -5)),
      .rewardRedeemed(
        account: .card(CardID("tax")), item: ItemID("oil"), quantity: 1, points: Points(hundredths: 0)),
      .partyActivityRecorded(PartyActivity(member: MemberID("m2"), kind: .dues, date: date)),
    ]
  }

  @Test func samplesCoverEveryEventType() throws {
    let names = try Self.sampleEvents().map(\.typeName)
    #expect(names == Event.typeNames)
    // 22 types of the ledger core and 4 of party life.
    #expect(Set(Event.typeNames).count == 22 + 4)
  }

  @Test func everyEventRoundTripsThroughItsData() throws {
    for event in try Self.sampleEvents() + Self.sparseEvents() {
      let decoded = try Event(typeName: event.typeName, data: event.data)
      #expect(decoded == event, "\(event.typeName)")
    }
  }

  @Test func everyEventRoundTripsThroughJSONText() throws {
    for event in try Self.sampleEvents() + Self.sparseEvents() {
      var bytes: [UInt8] = []
      event.data.write(to: &bytes)
      guard case .object(let object) = try JSONScanner.parse(bytes) else {
        Issue.record("\(event.typeName): data is not an object")
        continue
      }
      #expect(object == event.data, "\(event.typeName)")
      #expect(try Event(typeName: event.typeName, data: object) == event, "\(event.typeName)")
    }
  }

  @Test func everyEventRoundTripsThroughALogLine() throws {
    let at = try TestSupport.time("2025-06-30T18:00:00+08:00")
    var prev = LogLine.genesisHash
    for (index, event) in try Self.sampleEvents().enumerated() {
      let line = LogLine.encode(
        seq: index + 1, id: "e\(index)", at: at, actor: ActorID("admin"), event: event, prev: prev)
      #expect(line.bytes.last == 0x0A)
      #expect(line.bytes.filter { $0 == 0x0A }.count == 1)
      let record = try line.bytes.dropLast().withUnsafeBufferPointer { buffer in
        try LogLine.decode(buffer)
      }
      #expect(record.event == event, "\(event.typeName)")
      #expect(record.hash == line.hash)
      #expect(record.prev == prev)
      prev = line.hash
    }
  }

  @Test func serviceRecordedDataIsWrittenInItsDocumentedOrder() throws {
    let entry = ServiceEntry(
      member: MemberID("m1"), date: try TestSupport.date("2025-06-30"), minutes: Minutes(90),
      category: "助老",
      team: TeamID("elder"), peopleServed: 3, place: "3号院", creditTo: .card(CardID("tax")))
    let expected =
      #"{"member":"m1","date":"2025-06-30","minutes":90,"category":"助老","team":"elder","served":3,"#
      + #""place":"3号院","creditTo":"card:tax"}"#
    #expect(JSONValue.object(Event.serviceRecorded(entry).data).jsonText == expected)
    // Without the optional fields, the member's own account is the default credit-to.
    let plain = ServiceEntry(
      member: MemberID("m2"), date: try TestSupport.date("2025-06-30"), minutes: Minutes(30),
      category: "环保")
    #expect(
      JSONValue.object(Event.serviceRecorded(plain).data).jsonText
        == #"{"member":"m2","date":"2025-06-30","minutes":30,"category":"环保","served":0,"#
        + #""creditTo":"member:m2"}"#
    )
  }

  @Test func policyIsWrittenWithAmountsAsStringsAndRatesSortedByName() {
    let policy = Policy(
      pointsPerHour: Points(hundredths: 100),
      categoryRates: ["环保": Points(hundredths: 80), "助老": Points(hundredths: 150)])
    // 助 is U+52A9 and 环 is U+73AF, so 助老 sorts first; 12 h = 720 min; 50 h = 3000 min.
    let expected =
      #"{"pointsPerHour":"1.00","categoryRates":{"助老":"1.50","环保":"0.80"},"#
      + #""dailyCapMinutes":720,"partyAnnualTargetMinutes":3000}"#
    #expect(JSONValue.object(policy.json).jsonText == expected)
  }

  @Test func unknownDataMemberIsRefusedNamingTheField() throws {
    var data = Event.memberLeft(member: MemberID("m1"), date: try TestSupport.date("2025-06-30")).data
    data.append("reason", .string("搬家"))
    #expect(throws: EventDecodingError(field: "reason", problem: "is not a field of this event")) {
      try Event(typeName: "member.left", data: data)
    }
  }

  @Test func unknownPolicyMemberIsRefusedNamingTheField() {
    var policy = Policy().json
    policy.append("expiryDays", .integer(365))
    var data = JSONObject()
    data.append("community", .string("幸福里社区"))
    data.append("timeZone", .string("Asia/Shanghai"))
    data.append("policy", .object(policy))
    #expect(
      throws: EventDecodingError(field: "policy.expiryDays", problem: "is not a field of this event")
    ) {
      try Event(typeName: "ledger.opened", data: data)
    }
  }

  @Test func badDataIsRefusedNamingTheField() throws {
    let base = try Self.sampleEvents()[12].data  // service.recorded
    func replacing(_ key: String, with value: JSONValue?) -> JSONObject {
      var members = base.members.filter { $0.key != key }
      if let value { members.append(.init(key, value)) }
      return JSONObject(members)
    }
    let cases: [(JSONObject, EventDecodingError)] = [
      (replacing("date", with: nil), EventDecodingError(field: "date", problem: "is missing")),
      (
        replacing("minutes", with: .string("90")),
        EventDecodingError(field: "minutes", problem: "is not an integer")
      ),
      (
        replacing("date", with: .string("2025-02-30")),
        EventDecodingError(field: "date", problem: "is not a date YYYY-MM-DD")
      ),
      (
        replacing("creditTo", with: .string("tax")),
        EventDecodingError(
          field: "creditTo", problem: "is not an account (member:<id>, card:<id>, @issued, @redeemed)")
      ),
    ]
    for (data, error) in cases {
      #expect(throws: error) { try Event(typeName: "service.recorded", data: data) }
    }
  }

  @Test func pointsMustBeWrittenWithTwoDecimals() {
    for text in ["2.5", "2", "2.500", "-0.00", "+2.50"] {
      let data = JSONObject([.init("record", .string("s1")), .init("points", .string(text))])
      #expect(
        throws: EventDecodingError(
          field: "points", problem: "is not an amount of points written with two decimals"),
        "\(text)"
      ) {
        try Event(typeName: "service.confirmed", data: data)
      }
    }
  }

  @Test func duplicateMemberAndUnknownTypeAreRefused() {
    let data = JSONObject([
      .init("branch", .string("b1")), .init("name", .string("第一党支部")), .init("name", .string("第二党支部")),
    ])
    #expect(throws: EventDecodingError(field: "name", problem: "appears twice")) {
      try Event(typeName: "branch.created", data: data)
    }
    #expect(throws: EventDecodingError(field: "type", problem: "'branch.deleted' is not an event type")) {
      try Event(typeName: "branch.deleted", data: JSONObject())
    }
    let kind = JSONObject([
      .init("team", .string("t")), .init("name", .string("n")), .init("kind", .string("club")),
    ])
    #expect(throws: EventDecodingError(field: "kind", problem: "is not service-team or self-org")) {
      try Event(typeName: "team.created", data: kind)
    }
  }
}
