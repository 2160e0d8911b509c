import Testing

@testable import TimeBank

@Suite struct ModelTests {
  // MARK: - ServiceEntry's seldom fields

  /// `note` and `replaces` share one reference: set, changed and cleared one at a time, an entry is
  /// equal to one made with the same values from the start, and a copy is not changed with it.
  @Test func aServiceEntrysNoteAndReplacedRecordBehaveAsPlainFields() throws {
    let date = try #require(LocalDate(year: 2025, month: 6, day: 1))
    func entry(note: String? = nil, replaces: RecordID? = nil) -> ServiceEntry {
      ServiceEntry(
        member: MemberID("m1"), date: date, minutes: Minutes(60), category: "助老", note: note, replaces: replaces)
    }
    var changed = entry()
    let before = changed
    changed.note = "陪老人聊天"
    #expect(changed == entry(note: "陪老人聊天") && changed != before && before.note == nil)
    changed.replaces = RecordID("s1")
    #expect(changed == entry(note: "陪老人聊天", replaces: RecordID("s1")))
    #expect(changed.note == "陪老人聊天" && changed.replaces == RecordID("s1"))
    changed.note = nil
    #expect(changed == entry(replaces: RecordID("s1")) && changed.note == nil)
    changed.replaces = nil
    #expect(changed == before && changed == entry())
    #expect(entry(note: "a") != entry(replaces: RecordID("a")))
  }

  // MARK: - Points: parsing and printing

  @Test func pointsParseWholeAndDecimalAmounts() {
    #expect(Points("12")?.hundredths == 1200)
    #expect(Points("12.5")?.hundredths == 1250)
    #expect(Points("12.50")?.hundredths == 1250)
    #expect(Points("0.01")?.hundredths == 1)
    #expect(Points("0")?.hundredths == 0)
  }

  @Test func pointsParseNegativeAmounts() {
    #expect(Points("-3.25")?.hundredths == -325)
    #expect(Points("-0.05")?.hundredths == -5)
    #expect(Points("-12")?.hundredths == -1200)
  }

  @Test func pointsRefuseMoreThanTwoDecimals() {
    #expect(Points("1.234") == nil)
    #expect(Points("0.001") == nil)
    #expect(Points("-3.250") == nil)
  }

  @Test func pointsRefuseTextThatIsNotADecimal() {
    for text in [
      "", "-", ".", "--1", "1.2.3", "1e3", "1E3", "1,000", " 1", "1 ", "abc", "0x10", "1_000", "１",
    ] {
      #expect(Points(text) == nil, "accepted \(text.debugDescription)")
    }
  }

  @Test func pointsRefuseAmountsBeyondTheLimit() {
    // The limit is 10^15 hundredths, i.e. 10^13 points: 10000000000000.00 is the largest accepted.
    #expect(Points("10000000000000")?.hundredths == 1_000_000_000_000_000)
    #expect(Points("-10000000000000")?.hundredths == -1_000_000_000_000_000)
    #expect(Points("10000000000000.01") == nil)
    #expect(Points("10000000000001") == nil)
    // Far beyond Int64: must be refused, not wrap around.
    #expect(Points("9223372036854775807") == nil)
    #expect(Points("99999999999999999999999999999") == nil)
    #expect(Points("-99999999999999999999999999999") == nil)
  }

  @Test func pointsPrintWithExactlyTwoDecimals() {
    #expect(Points(hundredths: 1250).description == "12.50")
    #expect(Points(hundredths: 0).description == "0.00")
    #expect(Points(hundredths: 7).description == "0.07")
    #expect(Points(hundredths: 100_000).description == "1000.00")
    #expect(Points(hundredths: -325).description == "-3.25")
    #expect(Points(hundredths: -5).description == "-0.05")
    #expect(Points(hundredths: -100).description == "-1.00")
  }

  @Test func pointsRoundTripThroughText() {
    for hundredths in Int64(-2000)...2000 {
      let printed = Points(hundredths: hundredths).description
      #expect(Points(printed)?.hundredths == hundredths, "\(printed)")
    }
  }

  @Test func pointsArithmetic() {
    var total = Points(hundredths: 150)
    total += Points(hundredths: 75)
    total -= Points(hundredths: 25)
    #expect(total == Points(hundredths: 200))
    #expect(-total == Points(hundredths: -200))
    #expect(Points(hundredths: 1) < Points(hundredths: 2))
    #expect(Points(hundredths: -1) < .zero)
    #expect(Points(hundredths: 2000).multiplied(by: 3) == Points(hundredths: 6000))
    #expect(Points(hundredths: Int64.max / 2 + 1).multiplied(by: 2) == nil)
    #expect(Points(hundredths: Int64.max).multiplied(by: -1) == Points(hundredths: -Int64.max))
  }

  // MARK: - Points for service: 四舍五入, half away from zero on 0.01

  @Test func oneHourAtOnePointIsOnePoint() {
    // 60 min × 100 hundredths/h ÷ 60 = 100 hundredths exactly.
    #expect(Points.forService(minutes: 60, rate: Points(hundredths: 100)) == Points(hundredths: 100))
  }

  @Test func oneMinuteAtOnePointPerHourRoundsUpToTwoHundredths() {
    // 1 × 100 ÷ 60 = 1.666… hundredths → the fraction .666 is above one half → 2 hundredths = 0.02.
    #expect(Points.forService(minutes: 1, rate: Points(hundredths: 100)).description == "0.02")
  }

  @Test func twentyMinutesAtOnePointPerHourRoundsDown() {
    // 20 × 100 ÷ 60 = 33.333… hundredths → .333 is below one half → 33 hundredths = 0.33.
    #expect(Points.forService(minutes: 20, rate: Points(hundredths: 100)).description == "0.33")
  }

  @Test func fiftyMinutesAtOnePointPerHourRoundsDown() {
    // 50 × 100 ÷ 60 = 83.333… hundredths (0.8333 points) → 83 hundredths = 0.83.
    #expect(Points.forService(minutes: 50, rate: Points(hundredths: 100)).description == "0.83")
  }

  @Test func exactHalfHundredthRoundsUp() {
    // 1 min at 0.30/h: 1 × 30 ÷ 60 = 0.5 hundredths exactly (0.005 points) → half rounds up → 0.01.
    #expect(Points.forService(minutes: 1, rate: Points(hundredths: 30)).description == "0.01")
    // 30 min at 0.01/h: 30 × 1 ÷ 60 = 0.5 hundredths → 0.01.
    #expect(Points.forService(minutes: 30, rate: Points(hundredths: 1)).description == "0.01")
  }

  @Test func halvesRoundAwayFromZeroNotToEven() {
    // Banker's rounding would give 2 for 2.5 and 0 for 0.5; 四舍五入 gives 3 and 1.
    // 90 min at 0.01/h: 90 ÷ 60 = 1.5 hundredths → 2.
    #expect(Points.forService(minutes: 90, rate: Points(hundredths: 1)) == Points(hundredths: 2))
    // 150 min at 0.01/h: 150 ÷ 60 = 2.5 hundredths → 3.
    #expect(Points.forService(minutes: 150, rate: Points(hundredths: 1)) == Points(hundredths: 3))
    // 270 min at 0.01/h: 270 ÷ 60 = 4.5 hundredths → 5.
    #expect(Points.forService(minutes: 270, rate: Points(hundredths: 1)) == Points(hundredths: 5))
  }

  @Test func justBelowAndAboveHalf() {
    // 1 min at 0.29/h: 29 ÷ 60 = 0.483 hundredths → 0.
    #expect(Points.forService(minutes: 1, rate: Points(hundredths: 29)) == .zero)
    // 1 min at 0.31/h: 31 ÷ 60 = 0.517 hundredths → 1.
    #expect(Points.forService(minutes: 1, rate: Points(hundredths: 31)) == Points(hundredths: 1))
  }

  @Test func negativeHalvesRoundAwayFromZero() {
    // -1 min at 0.30/h: -30 ÷ 60 = -0.5 hundredths → -1 (away from zero, not toward it).
    #expect(Points.forService(minutes: -1, rate: Points(hundredths: 30)) == Points(hundredths: -1))
    // -150 min at 0.01/h: -2.5 hundredths → -3.
    #expect(Points.forService(minutes: -150, rate: Points(hundredths: 1)) == Points(hundredths: -3))
    // 20 min at -1.00/h: -33.33 hundredths → -33.
    #expect(Points.forService(minutes: 20, rate: Points(hundredths: -100)) == Points(hundredths: -33))
  }

  @Test func categoryRatesAndLongService() {
    // 90 min at 1.50/h: 90 × 150 ÷ 60 = 225 hundredths = 2.25.
    #expect(Points.forService(minutes: 90, rate: Points(hundredths: 150)).description == "2.25")
    // 0 minutes earn nothing.
    #expect(Points.forService(minutes: 0, rate: Points(hundredths: 150)) == .zero)
    // 12 h at 1.00: 720 × 100 ÷ 60 = 1200 hundredths = 12.00.
    #expect(Points.forService(minutes: 720, rate: Points(hundredths: 100)).description == "12.00")
    // 7 min at 2.00/h: 7 × 200 ÷ 60 = 23.333 → 23 hundredths = 0.23.
    #expect(Points.forService(minutes: 7, rate: Points(hundredths: 200)).description == "0.23")
  }

  @Test func policyUsesTheCategoryRateOrTheGeneralOne() {
    let policy = Policy(
      pointsPerHour: Points(hundredths: 100), categoryRates: ["助老": Points(hundredths: 150)])
    #expect(policy.rate(for: "助老") == Points(hundredths: 150))
    #expect(policy.rate(for: "环保") == Points(hundredths: 100))
    // 40 min of 助老 at 1.50/h: 40 × 150 ÷ 60 = 100 hundredths = 1.00.
    #expect(policy.points(for: Minutes(40), category: "助老") == Points(hundredths: 100))
    // 40 min of 环保 at 1.00/h: 4000 ÷ 60 = 66.67 → 67 hundredths.
    #expect(policy.points(for: Minutes(40), category: "环保") == Points(hundredths: 67))
  }

  @Test func defaultPolicy() {
    let policy = Policy()
    #expect(policy.pointsPerHour == Points(hundredths: 100))
    #expect(policy.categoryRates.isEmpty)
    #expect(policy.dailyCap == Minutes(720))
    #expect(policy.partyAnnualTarget == Minutes(3000))
  }

  // MARK: - Minutes

  @Test func minutesFromHours() {
    #expect(Minutes(hours: "2") == Minutes(120))
    #expect(Minutes(hours: "1.5") == Minutes(90))  // 1.5 × 60
    #expect(Minutes(hours: "0.25") == Minutes(15))  // 0.25 × 60
    #expect(Minutes(hours: "0.1") == Minutes(6))  // 0.1 × 60
    #expect(Minutes(hours: "0.05") == Minutes(3))  // 0.05 × 60
    #expect(Minutes(hours: "1.55") == Minutes(93))  // 1.55 × 60 = 93
    #expect(Minutes(hours: "12") == Minutes(720))
  }

  @Test func hoursThatAreNotWholeMinutesAreRefused() {
    #expect(Minutes(hours: "0.01") == nil)  // 0.6 min
    #expect(Minutes(hours: "0.02") == nil)  // 1.2 min
    #expect(Minutes(hours: "1.33") == nil)  // 79.8 min
    #expect(Minutes(hours: "0.125") == nil)  // three decimals
  }

  @Test func hoursThatAreNotNumbersAreRefused() {
    for text in ["", "abc", "1h", "1:30", "1,5", "."] {
      #expect(Minutes(hours: text) == nil, "accepted \(text.debugDescription)")
    }
  }

  @Test func hoursTextRoundsHalfAwayFromZeroToOneDecimal() {
    #expect(Minutes(90).hoursText == "1.5")
    #expect(Minutes(60).hoursText == "1.0")
    #expect(Minutes(0).hoursText == "0.0")
    // 100 min = 1.666… h → 1.7.
    #expect(Minutes(100).hoursText == "1.7")
    // 2 min = 0.033 h → 0.0.
    #expect(Minutes(2).hoursText == "0.0")
    // 3 min = 0.05 h exactly → half rounds up → 0.1.
    #expect(Minutes(3).hoursText == "0.1")
    // 9 min = 0.15 h → 0.2; 15 min = 0.25 h → 0.3 (to-even would give 0.2).
    #expect(Minutes(9).hoursText == "0.2")
    #expect(Minutes(15).hoursText == "0.3")
    // 6000 min = 100 h.
    #expect(Minutes(6000).hoursText == "100.0")
    #expect(Minutes(100).description == "1.7")
  }

  // MARK: - Star levels

  @Test func starThresholds() {
    #expect(StarLevel.thresholdsInHours == [100, 300, 600, 1000, 1500])
    // (minutes, stars): each threshold in hours × 60, one minute below and exactly on it.
    let cases: [(Int, Int)] = [
      (0, 0), (5999, 0), (6000, 1), (17_999, 1), (18_000, 2), (35_999, 2), (36_000, 3),
      (59_999, 3), (60_000, 4), (89_999, 4), (90_000, 5), (1_000_000, 5),
    ]
    for (minutes, stars) in cases {
      #expect(StarLevel.stars(for: Minutes(minutes)) == stars, "\(minutes) minutes")
    }
  }

  // MARK: - LocalDate

  @Test func datesThatDoNotExistAreRefused() {
    #expect(LocalDate("2025-02-30") == nil)
    #expect(LocalDate("2025-02-29") == nil)  // 2025 is not a leap year
    #expect(LocalDate("2100-02-29") == nil)  // divisible by 100, not by 400
    #expect(LocalDate("2025-04-31") == nil)
    #expect(LocalDate("2025-13-01") == nil)
    #expect(LocalDate("2025-00-10") == nil)
    #expect(LocalDate("2025-01-00") == nil)
    #expect(LocalDate("0000-01-01") == nil)
    #expect(LocalDate(year: 2025, month: 2, day: 30) == nil)
  }

  @Test func leapDaysThatExist() throws {
    let leap = try #require(LocalDate("2024-02-29"))
    #expect(leap.year == 2024 && leap.month == 2 && leap.day == 29)
    #expect(LocalDate("2000-02-29") != nil)  // divisible by 400
    #expect(LocalDate("2025-12-31") != nil)
  }

  @Test func datesMustBeWrittenExactly() {
    for text in [
      "2025-6-30", "2025/06/30", "20250630", "2025-06-30T", " 2025-06-30", "2025-06-3a", "+025-06-30",
    ] {
      #expect(LocalDate(text) == nil, "accepted \(text.debugDescription)")
    }
  }

  @Test func datesPrintPadded() {
    #expect(LocalDate(year: 5, month: 3, day: 7)?.description == "0005-03-07")
    #expect(LocalDate(year: 2025, month: 6, day: 30)?.monthText == "2025-06")
  }

  @Test func daysSinceEpochAnchors() throws {
    // Worked by hand: 1970…2024 is 55 years = 20075 days, plus 14 leap days (1972, 1976, …, 2024) =
    // 20089 to 2025-01-01; Jan–May is 31+28+31+30+31 = 151; June 30 is 29 days after June 1 → 20269.
    #expect(try TestSupport.date("2025-06-30").daysSinceEpoch == 20269)
    // 30 years = 10950 + 7 leap days (1972…1996) = 10957 to 2000-01-01; + 31 + 29 = 11017.
    #expect(try TestSupport.date("2000-03-01").daysSinceEpoch == 11017)
    #expect(try TestSupport.date("1970-01-01").daysSinceEpoch == 0)
    #expect(try TestSupport.date("1969-12-31").daysSinceEpoch == -1)
    // Proleptic Gregorian ordinals: 0001-01-01 is 719162 days before the epoch, 9999-12-31 is 2932896
    // after it (Python: date(1970,1,1).toordinal() = 719163, date(9999,12,31).toordinal() = 3652059).
    #expect(try TestSupport.date("0001-01-01").daysSinceEpoch == -719_162)
    #expect(try TestSupport.date("9999-12-31").daysSinceEpoch == 2_932_896)
    #expect(LocalDate(daysSinceEpoch: 20269).description == "2025-06-30")
    #expect(LocalDate(daysSinceEpoch: -719_162).description == "0001-01-01")
    #expect(LocalDate(daysSinceEpoch: 2_932_896).description == "9999-12-31")
  }

  @Test func daysSinceEpochCountsEveryDayFrom1600To2400() throws {
    // Walks the calendar one day at a time with its own month lengths, independent of the library.
    func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    var (year, month, day) = (1600, 1, 1)
    let start = try #require(LocalDate(year: 1600, month: 1, day: 1)).daysSinceEpoch
    var expected = start
    var failures = 0
    while year <= 2400 {
      let date = LocalDate(year: year, month: month, day: day)
      if date?.daysSinceEpoch != expected || LocalDate(daysSinceEpoch: expected) != date {
        failures += 1
      }
      expected += 1
      day += 1
      let length = month == 2 && isLeap(year) ? 29 : lengths[month - 1]
      if day > length {
        day = 1
        month += 1
        if month > 12 {
          month = 1
          year += 1
        }
      }
    }
    #expect(failures == 0)
    // 1600-01-01 … 2400-12-31 is 801 years; 1600…2400 hold 801/4 → 201 multiples of 4, less 1700,
    // 1800, 1900, 2100, 2200, 2300 = 195 leap years: 801 × 365 + 195 = 292560 days.
    #expect(expected - start == 292_560)
  }

  @Test func datesCompareInCalendarOrder() throws {
    #expect(try TestSupport.date("2024-12-31") < TestSupport.date("2025-01-01"))
    #expect(try TestSupport.date("2025-01-31") < TestSupport.date("2025-02-01"))
    #expect(try !(TestSupport.date("2025-02-01") < TestSupport.date("2025-02-01")))
  }

  // MARK: - Timestamp

  @Test func timestampWithOffset() throws {
    let time = try TestSupport.time("2025-06-30T18:00:00+08:00")
    // 20269 days × 86400 + 18 h − 8 h = 1751241600 + 36000 (`date -d … +%s` agrees).
    #expect(time.secondsSinceEpoch == 1_751_277_600)
    #expect(time.offsetSeconds == 28_800)
    #expect(time.description == "2025-06-30T18:00:00+08:00")
  }

  @Test func timestampInUTC() throws {
    let time = try TestSupport.time("2025-06-30T10:00:00Z")
    #expect(time.secondsSinceEpoch == 1_751_277_600)
    #expect(time.offsetSeconds == 0)
    #expect(time.description == "2025-06-30T10:00:00Z")
  }

  @Test func timestampWithNegativeAndHalfHourOffsets() throws {
    let india = try TestSupport.time("2025-06-30T15:30:00+05:30")
    #expect(india.secondsSinceEpoch == 1_751_277_600)
    #expect(india.offsetSeconds == 19_800)
    #expect(india.description == "2025-06-30T15:30:00+05:30")
    let newfoundland = try TestSupport.time("2025-06-30T07:30:00-02:30")
    #expect(newfoundland.secondsSinceEpoch == 1_751_277_600)
    #expect(newfoundland.offsetSeconds == -9_000)
    #expect(newfoundland.description == "2025-06-30T07:30:00-02:30")
  }

  @Test func timestampsOrderByInstantNotByText() throws {
    let shanghai = try TestSupport.time("2025-06-30T18:00:00+08:00")
    let london = try TestSupport.time("2025-06-30T10:00:01Z")
    #expect(shanghai < london)
    #expect(shanghai.atOffset(0).description == "2025-06-30T10:00:00Z")
    #expect(london.atOffset(8 * 3600).description == "2025-06-30T18:00:01+08:00")
  }

  @Test func malformedTimestampsAreRefused() {
    let texts = [
      "2025-06-30T18:00:00", "2025-06-30 18:00:00+08:00", "2025-06-30T24:00:00Z",
      "2025-06-30T18:60:00Z",
      "2025-06-30T18:00:60Z", "2025-06-30T18:00:00.5Z", "2025-06-30T18:00:00+0800",
      "2025-02-30T00:00:00Z",
      "2025-06-30T18:00:00+24:00", "2025-06-30T18:00:00z", "2025-06-30t18:00:00Z", "2025-06-30T18:00Z",
    ]
    for text in texts {
      #expect(Timestamp(text) == nil, "accepted \(text)")
    }
  }

  @Test func localDateAcrossMidnight() throws {
    // One second before midnight in Shanghai is still June 30 there.
    #expect(try TestSupport.time("2025-06-30T23:59:59+08:00").localDate.description == "2025-06-30")
    // 16:00 UTC on June 30 is 00:00 on July 1 in Shanghai: the date depends on the offset.
    let instant = try TestSupport.time("2025-06-30T16:00:00Z")
    #expect(instant.localDate.description == "2025-06-30")
    #expect(instant.atOffset(8 * 3600).localDate.description == "2025-07-01")
    #expect(instant.atOffset(8 * 3600).description == "2025-07-01T00:00:00+08:00")
    // Before the epoch the day is floored, not truncated toward zero.
    let early = try TestSupport.time("1970-01-01T00:00:00+01:00")
    #expect(early.secondsSinceEpoch == -3600)
    #expect(early.localDate.description == "1970-01-01")
    #expect(early.atOffset(0).localDate.description == "1969-12-31")
    #expect(early.atOffset(0).description == "1969-12-31T23:00:00Z")
  }

  @Test func ledgerLocalDateUsesTheLedgerTimeZone() throws {
    let state = LedgerState()  // Asia/Shanghai, UTC+8 all year
    #expect(
      state.localDate(of: try TestSupport.time("2025-06-30T15:59:59Z")).description == "2025-06-30")
    #expect(
      state.localDate(of: try TestSupport.time("2025-06-30T16:00:00Z")).description == "2025-07-01")
    #expect(
      state.inLedgerZone(try TestSupport.time("2025-06-30T16:00:00Z")).description
        == "2025-07-01T00:00:00+08:00")
  }

  // MARK: - Accounts and identifiers

  @Test func accountsParse() {
    #expect(AccountID("member:m1") == .member(MemberID("m1")))
    #expect(AccountID("member:张三") == .member(MemberID("张三")))
    #expect(AccountID("card:tax") == .card(CardID("tax")))
    #expect(AccountID("@issued") == .issued)
    #expect(AccountID("@redeemed") == .redeemed)
  }

  @Test func malformedAccountsAreRefused() {
    let texts = [
      "", "m1", "member:", "card:", "member:a b", "member:a:b", "card:x/y", "member:@x", "member:-x",
      "Member:m1",
      "@expired", "issued", "@Issued", "team:elder",
    ]
    for text in texts {
      #expect(AccountID(text) == nil, "accepted \(text.debugDescription)")
    }
  }

  @Test func accountsPrintAsTheyParse() {
    let accounts: [AccountID] = [.member(MemberID("m1")), .card(CardID("tax")), .issued, .redeemed]
    #expect(accounts.map(\.description) == ["member:m1", "card:tax", "@issued", "@redeemed"])
    #expect(accounts.map(\.isSystem) == [false, false, true, true])
    for account in accounts { #expect(AccountID(account.description) == account) }
  }

  @Test func identifierSyntaxAcceptsOrdinaryIds() {
    for text in [
      "m1", "张三", "a-b_c.d", "rec-12", String(repeating: "x", count: 64),
      String(repeating: "张", count: 21),
    ] {
      #expect(IdentifierSyntax.problem(with: text) == nil, "refused \(text)")
    }
  }

  @Test func identifierSyntaxNamesTheProblem() {
    // 22 Chinese characters are 66 UTF-8 bytes; 65 ASCII letters are 65 bytes.
    let cases: [(String, String)] = [
      ("", "is empty"),
      (String(repeating: "x", count: 65), "is longer than 64 bytes"),
      (String(repeating: "张", count: 22), "is longer than 64 bytes"),
      ("@issued", "starts with '@', which is reserved for system accounts"),
      ("-x", "starts with '-'"),
      ("a b", "contains a space, control or invisible character"),
      ("a\tb", "contains a space, control or invisible character"),
      ("a\u{3000}b", "contains a space, control or invisible character"),  // ideographic space
      ("a\nb", "contains a space, control or invisible character"),
      ("a:b", "contains ':'"),
      ("a/b", "contains '/'"),
      ("a\"b", "contains '\"'"),
      ("a\\b", "contains '\\'"),
    ]
    for (text, problem) in cases {
      #expect(IdentifierSyntax.problem(with: text) == problem, "\(text.debugDescription)")
    }
  }

  // Invisible format characters would make "m1" and "m1\u{200B}" two members that look the same
  // everywhere they are shown.
  @Test func identifierSyntaxRefusesInvisibleCharacters() {
    for text in ["m1\u{200B}", "\u{FEFF}m1", "m\u{202E}1", "m\u{2060}1"] {
      #expect(
        IdentifierSyntax.problem(with: text) != nil, "accepted \(text.unicodeScalars.map(\.value))")
      #expect(AccountID("member:" + text) == nil)
    }
  }

  @Test func roleScopesParse() {
    #expect(RoleScope("all") == .all)
    #expect(RoleScope("team:elder") == .team(TeamID("elder")))
    #expect(RoleScope("branch:b1") == .branch(BranchID("b1")))
    #expect(RoleScope("everything") == nil)
    #expect(RoleScope.team(TeamID("elder")).description == "team:elder")
  }
}
