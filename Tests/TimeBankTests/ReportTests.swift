import Foundation
import Testing

@testable import TimeBank

/// The reports, each on a small community built by hand through the real write path, with every
/// expected number worked out by hand in the comments: team statistics, windows, party participation,
/// the party member's handbook, the quarterly service card, the community summary, percentages,
/// quarters, and reports over several communities.
@Suite struct ReportTests {
  typealias C = TestCommunity

  private static let community = "幸福里社区"
  private static let m5 = MemberID("m5")
  private static let m6 = MemberID("m6")
  private static let m7 = MemberID("m7")

  private static func date(_ text: String) throws -> LocalDate { try TestSupport.date(text) }

  private static func points(_ hundredths: Int64) -> Points { Points(hundredths: hundredths) }

  private static func window(_ from: String?, _ to: String?) throws -> ReportWindow {
    ReportWindow(from: try from.map(date), to: try to.map(date))
  }

  /// Records service with the fields the reports count, as `by` (the coordinator for all).
  private static func serve(
    _ c: TestCommunity, _ id: String, _ member: MemberID, _ minutes: Int, on day: String,
    _ category: String, team: TeamID?, served: Int = 0, place: String? = nil,
    by actor: ActorID = C.coordinator, at time: Timestamp? = nil
  ) throws {
    let entry = ServiceEntry(
      member: member, date: try date(day), minutes: Minutes(minutes), category: category, team: team,
      peopleServed: served, place: place)
    try c.run(.serviceRecorded(entry), id: id, by: actor, at: time)
  }

  private static func register(
    _ c: TestCommunity, _ member: MemberID, _ name: String, party: Bool, branch: BranchID?
  ) throws {
    let registration = MemberRegistration(
      member: member, name: name, isPartyMember: party, branch: branch, joined: try date("2025-01-01"))
    try c.run(.memberRegistered(registration), id: "reg-\(member)", by: C.coordinator)
  }

  private static func row(
    _ community: String = ReportTests.community, team: TeamID?, name: String, kind: TeamKind?,
    membersNow: Int, active: Int, records: Int, minutes: Int, points hundredths: Int64, served: Int,
    byCategory: [(String, Int)], byMonth: [(String, Int)], top: [(MemberID, String, Int)]
  ) -> TeamStatistics.Row {
    TeamStatistics.Row(
      community: community, team: team, name: name, kind: kind, membersNow: membersNow,
      activeMembers: active, records: records, minutes: Minutes(minutes), points: points(hundredths),
      peopleServed: served, byCategory: byCategory.map { ($0.0, Minutes($0.1)) },
      byMonth: byMonth.map { ($0.0, Minutes($0.1)) },
      top: top.map { TeamStatistics.Volunteer(member: $0.0, name: $0.1, minutes: Minutes($0.2)) })
  }

  /// An expected summary: the empty report (checked to be all zeros below) with the figures set.
  private static func summary(
    _ communities: [String], registered: Int, party: Int, served: Int, minutes: Int, records: Int,
    serviceTeams: Int, selfOrganised: Int, cards: [CardKind: Int], issued: Int64, redeemed: Int64,
    pending: Int
  ) -> CommunitySummary {
    var summary = CommunitySummary([], window: ReportWindow())
    summary.communities = communities
    summary.registeredVolunteers = registered
    summary.partyMemberVolunteers = party
    summary.peopleServed = served
    summary.confirmedMinutes = Minutes(minutes)
    summary.confirmedRecords = records
    summary.serviceTeams = serviceTeams
    summary.selfOrganisedGroups = selfOrganised
    summary.cards = cards
    summary.pointsIssued = points(issued)
    summary.pointsRedeemed = points(redeemed)
    summary.pendingRecords = pending
    return summary
  }

  private static func ledger(_ c: TestCommunity, name: String = ReportTests.community) -> [CommunityLedger] {
    [CommunityLedger(name: name, state: c.state)]
  }

  // MARK: - The teams community

  /// `TestCommunity` (elder: m1 m3 sun; green: m2; m4 in no team) plus `m5` 周九 (no team, leaves on
  /// 2025-06-20), m1 also joining green, a second courtyard card, and this service (1.00 point an hour,
  /// 助老 1.50), recorded by zhao and confirmed by sun unless noted:
  ///
  /// | id  | member | min | date       | category | team  | served | status    | points |
  /// |-----|--------|-----|------------|----------|-------|--------|-----------|--------|
  /// | r1  | m1     | 120 | 2025-03-10 | 助老     | elder | 3      | confirmed | 3.00   |
  /// | r2  | m3     | 180 | 2025-04-05 | 助老     | elder | 2      | confirmed | 4.50   |
  /// | r3  | m1     |  60 | 2025-04-20 | 陪诊     | elder | 1      | confirmed | 1.00   |
  /// | r4  | m2     | 240 | 2025-03-15 | 环境整治 | green | 5      | confirmed | 4.00   |
  /// | r5  | m2     |  30 | 2025-05-02 | 垃圾分类 | green | 0      | confirmed | 0.50   |
  /// | r6  | m4     |  90 | 2025-04-01 | 环境整治 | —     | 4      | confirmed | 1.50   |
  /// | r7  | sun    |  60 | 2025-04-10 | 助老     | elder | 1      | by li     | 1.50   |
  /// | r8  | m3     | 100 | 2025-05-20 | 助老     | elder | 2      | pending   |        |
  /// | r9  | m1     |  45 | 2025-05-21 | 陪诊     | elder | 9      | rejected  |        |
  /// | r10 | m3     | 120 | 2025-03-01 | 助老     | elder | 6      | reversed  | (3.00) |
  /// | r11 | m2     |  50 | 2025-06-10 | 环境整治 | —     | 2      | confirmed | 0.83   |
  /// | r12 | m5     |  20 | 2025-06-11 | 环境整治 | —     | 0      | confirmed | 0.33   |
  ///
  /// m2 then redeems a haircut (5.00) out of its 4.00 + 0.50 + 0.83 = 5.33.
  private static func teamsCommunity() throws -> TestCommunity {
    let c = try C()
    try register(c, m5, "周九", party: false, branch: nil)
    try c.run(
      .teamJoined(team: C.green, member: C.m1, date: try date("2025-05-01")), id: "join-m1-green",
      by: C.coordinator)
    try c.run(
      .cardOpened(card: CardID("yard5"), name: "5号院集体卡", kind: .courtyard, holder: "5号院"),
      id: "card-yard5", by: C.admin)
    try serve(c, "r1", C.m1, 120, on: "2025-03-10", "助老", team: C.elder, served: 3)
    try serve(c, "r2", C.m3, 180, on: "2025-04-05", "助老", team: C.elder, served: 2)
    try serve(c, "r3", C.m1, 60, on: "2025-04-20", "陪诊", team: C.elder, served: 1)
    try serve(c, "r4", C.m2, 240, on: "2025-03-15", "环境整治", team: C.green, served: 5)
    try serve(c, "r5", C.m2, 30, on: "2025-05-02", "垃圾分类", team: C.green, served: 0)
    try serve(c, "r6", C.m4, 90, on: "2025-04-01", "环境整治", team: nil, served: 4)
    try serve(c, "r7", C.sunMember, 60, on: "2025-04-10", "助老", team: C.elder, served: 1)
    try serve(c, "r8", C.m3, 100, on: "2025-05-20", "助老", team: C.elder, served: 2)
    try serve(c, "r9", C.m1, 45, on: "2025-05-21", "陪诊", team: C.elder, served: 9)
    try serve(c, "r10", C.m3, 120, on: "2025-03-01", "助老", team: C.elder, served: 6)
    try serve(c, "r11", C.m2, 50, on: "2025-06-10", "环境整治", team: nil, served: 2)
    try serve(c, "r12", m5, 20, on: "2025-06-11", "环境整治", team: nil, served: 0)
    for id in ["r1", "r2", "r3", "r4", "r5", "r6", "r10", "r11", "r12"] { try c.confirm(RecordID(id)) }
    try c.confirm(RecordID("r7"), by: C.elderCoordinator)
    try c.run(
      .serviceRejected(record: RecordID("r9"), reason: "重复"), id: "reject-r9", by: C.secondCoordinator)
    try c.run(
      .serviceReversed(record: RecordID("r10"), reason: "登记错误"), id: "reverse-r10", by: C.coordinator)
    try c.run(.memberLeft(member: m5, date: try date("2025-06-20")), id: "left-m5", by: C.coordinator)
    try c.run(
      .rewardRedeemed(account: .member(C.m2), item: C.haircut, quantity: 1, points: .zero), id: "red-m2",
      by: ActorID("m2"))
    return c
  }

  // MARK: - Team statistics

  @Test func teamRowsSortedByHoursWithANoTeamRowAndTotals() throws {
    let c = try Self.teamsCommunity()
    let report = TeamStatistics(Self.ledger(c), window: ReportWindow())
    // elder: r1 120 + r2 180 + r3 60 + r7 60 = 420 min; 3.00 + 4.50 + 1.00 + 1.50 = 10.00 points;
    //   served 3 + 2 + 1 + 1 = 7; active m1 m3 sun; members now m1 m3 sun.
    //   助老 120 + 180 + 60 = 360, 陪诊 60; March 120, April 180 + 60 + 60 = 300.
    //   Top: m1 120 + 60 = 180 and m3 180 tie (by id: m1 first), then sun 60.
    // green: r4 240 + r5 30 = 270; 4.50; served 5; active m2; members now m2 and m1 (joined green).
    // (no team): r6 90 + r11 50 + r12 20 = 160; 1.50 + 0.83 + 0.33 = 2.66; served 6; active m4 m2 m5.
    // r8 (pending), r9 (rejected) and r10 (reversed) count nowhere.
    let expected = [
      Self.row(
        team: C.elder, name: "助老服务队", kind: .serviceTeam, membersNow: 3, active: 3, records: 4,
        minutes: 420, points: 1000, served: 7, byCategory: [("助老", 360), ("陪诊", 60)],
        byMonth: [("2025-03", 120), ("2025-04", 300)],
        top: [(C.m1, "张三", 180), (C.m3, "王五", 180), (C.sunMember, "孙七", 60)]),
      Self.row(
        team: C.green, name: "环保小组", kind: .selfOrganised, membersNow: 2, active: 1, records: 2,
        minutes: 270, points: 450, served: 5, byCategory: [("环境整治", 240), ("垃圾分类", 30)],
        byMonth: [("2025-03", 240), ("2025-05", 30)], top: [(C.m2, "李四", 270)]),
      Self.row(
        team: nil, name: "(no team)", kind: nil, membersNow: 0, active: 3, records: 3, minutes: 160,
        points: 266, served: 6, byCategory: [("环境整治", 160)],
        byMonth: [("2025-04", 90), ("2025-06", 70)],
        top: [(C.m4, "赵六", 90), (C.m2, "李四", 50), (Self.m5, "周九", 20)]),
    ]
    #expect(report.rows == expected)
    // Totals: 9 records, 420 + 270 + 160 = 850 min, 10.00 + 4.50 + 2.66 = 17.16 points,
    //   served 7 + 5 + 6 = 18.
    //   Members now counted once: m1 (elder and green), m3, sun, m2 = 4. Active: m1 m3 sun m2 m4 m5 = 6
    //   (m2 served in green and with no team: once).
    //   环境整治 240 + 90 + 50 + 20 = 400, 助老 360, 陪诊 60, 垃圾分类 30.
    //   March 120 + 240 = 360, April 300 + 90 = 390, May 30, June 70.
    //   Top five: m2 240 + 30 + 50 = 320, m1 180, m3 180, m4 90, sun 60; m5 (20) is sixth.
    let totals = Self.row(
      "", team: nil, name: "total", kind: nil, membersNow: 4, active: 6, records: 9, minutes: 850,
      points: 1716, served: 18,
      byCategory: [("环境整治", 400), ("助老", 360), ("陪诊", 60), ("垃圾分类", 30)],
      byMonth: [("2025-03", 360), ("2025-04", 390), ("2025-05", 30), ("2025-06", 70)],
      top: [
        (C.m2, "李四", 320), (C.m1, "张三", 180), (C.m3, "王五", 180), (C.m4, "赵六", 90),
        (C.sunMember, "孙七", 60),
      ])
    #expect(report.totals == totals)
  }

  @Test func teamRowsInAWindowOfOneMonth() throws {
    let c = try Self.teamsCommunity()
    let report = TeamStatistics(Self.ledger(c), window: try Self.window("2025-04-01", "2025-04-30"))
    // April only: elder r2 180 (m3) + r3 60 (m1) + r7 60 (sun) = 300; 4.50 + 1.00 + 1.50 = 7.00;
    //   served 2 + 1 + 1 = 4; 助老 240, 陪诊 60; top m3 180, then m1 and sun at 60 (by id).
    // (no team): r6 90 (m4), 1.50, served 4.  green: nothing in April, but still listed with its
    // two members, last.
    let expected = [
      Self.row(
        team: C.elder, name: "助老服务队", kind: .serviceTeam, membersNow: 3, active: 3, records: 3,
        minutes: 300, points: 700, served: 4, byCategory: [("助老", 240), ("陪诊", 60)],
        byMonth: [("2025-04", 300)],
        top: [(C.m3, "王五", 180), (C.m1, "张三", 60), (C.sunMember, "孙七", 60)]),
      Self.row(
        team: nil, name: "(no team)", kind: nil, membersNow: 0, active: 1, records: 1, minutes: 90,
        points: 150, served: 4, byCategory: [("环境整治", 90)], byMonth: [("2025-04", 90)],
        top: [(C.m4, "赵六", 90)]),
      Self.row(
        team: C.green, name: "环保小组", kind: .selfOrganised, membersNow: 2, active: 0, records: 0,
        minutes: 0, points: 0, served: 0, byCategory: [], byMonth: [], top: []),
    ]
    #expect(report.rows == expected)
    // Totals: 4 records, 390 min, 8.50 points, served 8, active m3 m1 sun m4.
    let totals = Self.row(
      "", team: nil, name: "total", kind: nil, membersNow: 4, active: 4, records: 4, minutes: 390,
      points: 850, served: 8, byCategory: [("助老", 240), ("环境整治", 90), ("陪诊", 60)],
      byMonth: [("2025-04", 390)],
      top: [(C.m3, "王五", 180), (C.m4, "赵六", 90), (C.m1, "张三", 60), (C.sunMember, "孙七", 60)])
    #expect(report.totals == totals)
  }

  @Test func windowBoundsAreInclusiveAndEitherMayBeOpen() throws {
    let c = try Self.teamsCommunity()
    func counted(_ from: String?, _ to: String?) throws -> [String] {
      CommunityLedger(name: "x", state: c.state).confirmedRecords(in: try Self.window(from, to))
        .map(\.id.rawValue)
    }
    // 03-15 (r4) and 04-05 (r2) are the bounds themselves; r6 (04-01) is inside; r1 (03-10) and
    // r7 (04-10) are just outside. Listed in log order (r2 was recorded before r4).
    #expect(try counted("2025-03-15", "2025-04-05") == ["r2", "r4", "r6"])
    // Open start: r1 (03-10) is the only confirmed record on or before 03-14 (r10 03-01 is reversed).
    #expect(try counted(nil, "2025-03-14") == ["r1"])
    // Open end: r11 (06-10) and r12 (06-11).
    #expect(try counted("2025-06-01", nil) == ["r11", "r12"])
    // Both open: the nine confirmed records, never r8 (pending), r9 (rejected), r10 (reversed).
    #expect(try counted(nil, nil) == ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r11", "r12"])
    // A window whose end comes before its start holds nothing.
    #expect(try counted("2025-05-01", "2025-04-01") == [])
  }

  @Test func topVolunteersAreTheFiveWithMostHoursTiesById() throws {
    let c = try C()
    // Seven volunteers of the elder team: m1 m3 sun are in it; four more join.
    for (index, name) in ["甲", "乙", "丙", "丁"].enumerated() {
      let member = MemberID("v\(index)")
      try Self.register(c, member, name, party: false, branch: nil)
      try c.run(
        .teamJoined(team: C.elder, member: member, date: try Self.date("2025-05-01")), id: "join-\(member)",
        by: C.coordinator)
    }
    // Minutes: v3 30, m3 90, v0 60, sun 60, v2 60, m1 90 (two records of 45), v1 10.
    let service: [(String, MemberID, Int, String)] = [
      ("t1", MemberID("v3"), 30, "2025-06-01"), ("t2", C.m3, 90, "2025-06-01"),
      ("t3", MemberID("v0"), 60, "2025-06-01"), ("t4", C.sunMember, 60, "2025-06-02"),
      ("t5", MemberID("v2"), 60, "2025-06-02"), ("t6", C.m1, 45, "2025-06-02"),
      ("t7", C.m1, 45, "2025-06-03"), ("t8", MemberID("v1"), 10, "2025-06-03"),
    ]
    for (id, member, minutes, day) in service {
      try Self.serve(c, id, member, minutes, on: day, "助老", team: C.elder)
      try c.confirm(RecordID(id), by: member == C.sunMember ? C.elderCoordinator : C.secondCoordinator)
    }
    let report = TeamStatistics(Self.ledger(c), window: ReportWindow())
    // 90: m1, m3 (by id); 60: sun, v0, v2 ("sun" < "v0" < "v2"); v3 (30) and v1 (10) are left out.
    let volunteers: [(MemberID, String, Int)] = [
      (C.m1, "张三", 90), (C.m3, "王五", 90), (C.sunMember, "孙七", 60), (MemberID("v0"), "甲", 60),
      (MemberID("v2"), "丙", 60),
    ]
    let top = volunteers.map { TeamStatistics.Volunteer(member: $0.0, name: $0.1, minutes: Minutes($0.2)) }
    #expect(report.rows.first?.team == C.elder)
    #expect(report.rows.first?.top == top)
    #expect(report.totals.top == top)
    // The elder team now has 3 + 4 = 7 members, all 7 active; green (m2) has no service.
    #expect(report.rows.map(\.membersNow) == [7, 1])
    #expect(report.rows.map(\.activeMembers) == [7, 0])
    #expect(report.totals.membersNow == 8)
  }

  @Test func categoriesTiedOnHoursAreListedByName() throws {
    let c = try C()
    // 60 min each of three categories, 30 of a fourth: the ties come in name (code point) order:
    // 助 U+52A9, 巡 U+5DE1, 陪 U+966A.
    let service: [(String, String, Int)] = [
      ("k1", "陪诊", 60), ("k2", "助老", 60), ("k3", "理发", 30), ("k4", "巡逻", 60),
    ]
    for (id, category, minutes) in service {
      try Self.serve(c, id, C.m1, minutes, on: "2025-06-05", category, team: C.elder)
      try c.confirm(RecordID(id))
    }
    let report = TeamStatistics(Self.ledger(c), window: ReportWindow())
    #expect(report.totals.byCategory.map(\.category) == ["助老", "巡逻", "陪诊", "理发"])
    #expect(report.totals.byCategory.map(\.minutes) == [Minutes(60), Minutes(60), Minutes(60), Minutes(30)])
  }

  /// `member.left` does not take the member out of its teams, and `team.left` is refused once a member
  /// has left the community (`activeMember`), so a member who left counts among a team's "members now"
  /// for ever; the `member leave` command writes only `member.left`.
  @Test
  func membersWhoLeftAreNotTeamMembersNow() throws {
    let c = try C()
    try c.run(.memberLeft(member: C.m2, date: try Self.date("2025-06-20")), id: "left-m2", by: C.coordinator)
    let report = TeamStatistics(Self.ledger(c), window: ReportWindow())
    // elder: m1 m3 sun; green: m2 has left, so nobody. Totals: m1 m3 sun.
    #expect(report.rows.map(\.membersNow) == [3, 0])
    #expect(report.totals.membersNow == 3)
  }

  // MARK: - Community summary

  @Test func emptySummaryIsAllZeros() {
    let empty = CommunitySummary([], window: ReportWindow())
    #expect(empty.communities == [])
    #expect(empty.registeredVolunteers == 0)
    #expect(empty.partyMemberVolunteers == 0)
    #expect(empty.peopleServed == 0)
    #expect(empty.confirmedMinutes == .zero)
    #expect(empty.confirmedRecords == 0)
    #expect(empty.serviceTeams == 0)
    #expect(empty.selfOrganisedGroups == 0)
    #expect(empty.cards == [:])
    #expect(empty.pointsIssued == .zero)
    #expect(empty.pointsRedeemed == .zero)
    #expect(empty.pointsOutstanding == .zero)
    #expect(empty.pendingRecords == 0)
  }

  @Test func communitySummaryOfTheTeamsCommunity() throws {
    let c = try Self.teamsCommunity()
    let report = CommunitySummary(Self.ledger(c), window: ReportWindow())
    // Registered: m1 m2 m3 m4 sun (m5 left); party members m1 m3. Served 18, 850 min, 9 records.
    // One service team (elder), one self-organised group (green). Cards: tax (party-org), shop
    // (enterprise), yard3 and yard5 (courtyard). Issued 17.16 (r10's 3.00 was taken back), redeemed
    // 5.00 (m2's haircut), so 12.16 outstanding. Pending: r8.
    let expected = Self.summary(
      [Self.community], registered: 5, party: 2, served: 18, minutes: 850, records: 9, serviceTeams: 1,
      selfOrganised: 1, cards: [.partyOrganisation: 1, .enterprise: 1, .courtyard: 2], issued: 1716,
      redeemed: 500, pending: 1)
    #expect(report == expected)
    #expect(report.pointsOutstanding == Self.points(1216))
  }

  @Test func communitySummaryInAWindowCountsOnlyTheWindowsService() throws {
    let c = try Self.teamsCommunity()
    let report = CommunitySummary(Self.ledger(c), window: try Self.window("2025-03-15", "2025-04-05"))
    // r4 (240 min, 5 served), r6 (90, 4), r2 (180, 2): 3 records, 510 min, 11 served. Members,
    // teams, cards, points and pending are as of the report, not windowed.
    let expected = Self.summary(
      [Self.community], registered: 5, party: 2, served: 11, minutes: 510, records: 3, serviceTeams: 1,
      selfOrganised: 1, cards: [.partyOrganisation: 1, .enterprise: 1, .courtyard: 2], issued: 1716,
      redeemed: 500, pending: 1)
    #expect(report == expected)
  }

  @Test func cancelledRedemptionsAreNotRedeemed() throws {
    let c = try Self.teamsCommunity()
    try c.run(
      .redemptionCancelled(redemption: RedemptionID("red-m2"), reason: "退回"), id: "cancel-red-m2",
      by: C.coordinator)
    let report = CommunitySummary(Self.ledger(c), window: ReportWindow())
    #expect(report.pointsIssued == Self.points(1716))
    #expect(report.pointsRedeemed == .zero)
    #expect(report.pointsOutstanding == Self.points(1716))
  }

  // MARK: - Percentages

  @Test func percentHasOneDecimalRoundedHalfAwayFromZero() {
    #expect(Percent.text(150, of: 450) == "33.3%")  // 333.33 per mille
    #expect(Percent.text(1, of: 8) == "12.5%")  // exactly 125 per mille
    #expect(Percent.text(1, of: 6) == "16.7%")  // 166.67 -> 167
    #expect(Percent.text(2, of: 3) == "66.7%")  // 666.67 -> 667
    #expect(Percent.text(1, of: 2000) == "0.1%")  // 0.5 per mille, half rounds up
    #expect(Percent.text(1, of: 2001) == "0.0%")  // 0.4998 per mille rounds down
    #expect(Percent.text(0, of: 5) == "0.0%")
    #expect(Percent.text(5, of: 5) == "100.0%")
    #expect(Percent.text(3, of: 2) == "150.0%")
    #expect(Percent.text(180, of: 2400) == "7.5%")
    #expect(Percent.text(60, of: 3600) == "1.7%")  // 16.67 per mille
  }

  @Test func percentOfNothingIsADash() {
    #expect(Percent.text(0, of: 0) == "-")
    #expect(Percent.text(7, of: 0) == "-")
  }

  // MARK: - Quarters and windows

  @Test func quartersRunFromTheFirstToTheLastDayOfTheirMonths() throws {
    let quarters: [(String, String, String)] = [
      ("2025Q1", "2025-01-01", "2025-03-31"), ("2025Q2", "2025-04-01", "2025-06-30"),
      ("2025Q3", "2025-07-01", "2025-09-30"), ("2025Q4", "2025-10-01", "2025-12-31"),
      ("2024Q1", "2024-01-01", "2024-03-31"), ("2025q3", "2025-07-01", "2025-09-30"),
    ]
    for (text, from, to) in quarters {
      #expect(ReportWindow(quarter: text) == (try Self.window(from, to)), "\(text)")
    }
  }

  @Test func quarterContainsItsEndsAndNothingOutside() throws {
    let q3 = try #require(ReportWindow(quarter: "2025Q3"))
    #expect(q3.contains(try Self.date("2025-07-01")))
    #expect(q3.contains(try Self.date("2025-09-30")))
    #expect(!q3.contains(try Self.date("2025-06-30")))
    #expect(!q3.contains(try Self.date("2025-10-01")))
    #expect(ReportWindow().contains(try Self.date("1970-01-01")))
  }

  @Test func badQuartersAreRefused() {
    let bad = [
      "2025Q5", "2025Q0", "2025Q-1", "25Q1", "2025-Q1", "2025Q", "Q1", "Q", "", "2025", "20251",
      "2025Q1Q2", "20251Q1", "abcdQ1", "0000Q1", "2025 Q1", "2025Q1 ", "2025-07",
    ]
    for text in bad {
      #expect(ReportWindow(quarter: text) == nil, "\(text)")
    }
  }

  /// The parser splits on every "Q" (dropping empty pieces) and reads the pieces with `Int(_:)`, so
  /// text that is no quarter by the documented `2025Q3` shape is accepted.
  @Test
  func textThatIsNotAQuarterIsRefused() {
    for text in ["2025QQ1", "Q2025Q1", "2025Q+1", "+025Q1", "2025Q01"] {
      #expect(ReportWindow(quarter: text) == nil, "\(text)")
    }
  }

  // MARK: - The party community

  /// `TestCommunity` plus m6 钱八 (party, b1, no team) and m7 郑十 (party, no branch); the annual
  /// target becomes 40 hours from 2025-07-01 and 60 hours from 2026-01-01 (it was 50). The lines, from
  /// seq 26 (the setup writes 25), all by zhao unless noted:
  ///
  /// 26 reg-m6, 27 reg-m7, 28 policy-2025, 29 policy-2026 (admin),
  /// 30 c1: m1 checks in to b1 from 区税务局机关党委 on 02-01 (wang),
  /// 31 c3: m6 to b1 from 幸福里小学党支部 on 03-03,
  /// 32 p5: m1 30 min 03-20 环境整治 elder,       33 a3: m1 study 03-25,
  /// 34 a1: m1 meeting 04-10,                      35 p1: m1 90 min 04-10 助老 elder at 3号院,
  /// 36 p3: m3 120 min 04-12 助老 elder,           37 a5: m3 meeting 04-25,
  /// 38 p4: m2 180 min 05-03 环境整治 green,        39 a6: m6 donation 05-05 (stays pending),
  /// 40 p6: m1 45 min 05-10 (stays pending),        41 p7: m3 60 min 05-11 助老 (rejected),
  /// 42 a2: m1 dues 05-25,                          43 a4: m1 wish 06-01 "认领微心愿" (rejected),
  /// 44 p2: m1 60 min 06-05 环境整治 elder,
  /// 45 c2: m1 to b1 from 市第一医院党委 on 06-05 (li),
  /// 46-51 sun confirms p5 p1 p3 p4, rejects p7, confirms p2;
  /// 52-56 wang confirms a3 a1, chen a5, wang a2, wang rejects a4;
  /// 57 p9: m3 30 min 05-12 助老, 58 confirmed (sun), 59 reversed (zhao);
  /// then on 2026-01-20: 60 p8: m1 60 min 2026-01-10 环境整治 elder, 61 confirmed (sun),
  /// 62 a7: m1 dues 2026-01-15, 63 confirmed (wang).
  private static func partyCommunity() throws -> TestCommunity {
    let c = try C()
    #expect(c.state.lastSeq == 25)
    try register(c, m6, "钱八", party: true, branch: C.b1)
    try register(c, m7, "郑十", party: true, branch: nil)
    for (id, effective, hours) in [("policy-2025", "2025-07-01", 40), ("policy-2026", "2026-01-01", 60)] {
      let policy = Policy(
        pointsPerHour: points(100), categoryRates: ["助老": points(150)],
        partyAnnualTarget: Minutes(hours * 60))
      try c.run(.policyChanged(effective: try date(effective), policy: policy), id: id, by: C.admin)
    }
    func checkIn(_ id: String, _ member: MemberID, _ workplace: String, _ day: String, by: ActorID) throws {
      let event = Event.partyReported(
        PartyCheckIn(member: member, branch: C.b1, workplace: workplace, date: try date(day)))
      try c.run(event, id: id, by: by)
    }
    func activity(
      _ id: String, _ member: MemberID, _ kind: PartyActivityKind, _ day: String, note: String? = nil,
      at time: Timestamp? = nil
    ) throws {
      let event = Event.partyActivityRecorded(
        PartyActivity(member: member, kind: kind, date: try date(day), note: note))
      try c.run(event, id: id, by: C.coordinator, at: time)
    }
    try checkIn("c1", C.m1, "区税务局机关党委", "2025-02-01", by: C.secretary)
    try checkIn("c3", m6, "幸福里小学党支部", "2025-03-03", by: C.coordinator)
    try serve(c, "p5", C.m1, 30, on: "2025-03-20", "环境整治", team: C.elder)
    try activity("a3", C.m1, .study, "2025-03-25")
    try activity("a1", C.m1, .meeting, "2025-04-10")
    try serve(c, "p1", C.m1, 90, on: "2025-04-10", "助老", team: C.elder, place: "3号院")
    try serve(c, "p3", C.m3, 120, on: "2025-04-12", "助老", team: C.elder)
    try activity("a5", C.m3, .meeting, "2025-04-25")
    try serve(c, "p4", C.m2, 180, on: "2025-05-03", "环境整治", team: C.green)
    try activity("a6", m6, .donation, "2025-05-05")
    try serve(c, "p6", C.m1, 45, on: "2025-05-10", "环境整治", team: C.elder)
    try serve(c, "p7", C.m3, 60, on: "2025-05-11", "助老", team: C.elder)
    try activity("a2", C.m1, .dues, "2025-05-25")
    try activity("a4", C.m1, .wish, "2025-06-01", note: "认领微心愿")
    try serve(c, "p2", C.m1, 60, on: "2025-06-05", "环境整治", team: C.elder)
    try checkIn("c2", C.m1, "市第一医院党委", "2025-06-05", by: C.elderCoordinator)
    for id in ["p5", "p1", "p3", "p4"] { try c.confirm(RecordID(id)) }
    try c.run(
      .serviceRejected(record: RecordID("p7"), reason: "重复"), id: "reject-p7", by: C.secondCoordinator)
    try c.confirm(RecordID("p2"))
    for (id, secretary) in [
      ("a3", C.secretary), ("a1", C.secretary), ("a5", C.otherSecretary), ("a2", C.secretary),
    ] {
      try c.run(.partyActivityConfirmed(activity: ActivityID(id)), id: "ok-\(id)", by: secretary)
    }
    try c.run(
      .partyActivityRejected(activity: ActivityID("a4"), reason: "未完成"), id: "no-a4", by: C.secretary)
    try serve(c, "p9", C.m3, 30, on: "2025-05-12", "助老", team: C.elder)
    try c.confirm(RecordID("p9"))
    try c.run(.serviceReversed(record: RecordID("p9"), reason: "登记错误"), id: "reverse-p9", by: C.coordinator)
    let later = try TestSupport.time("2026-01-20T10:00:00+08:00")
    try serve(c, "p8", C.m1, 60, on: "2026-01-10", "环境整治", team: C.elder, at: later)
    try c.run(
      .serviceConfirmed(record: RecordID("p8"), points: .zero), id: "confirm-p8", by: C.secondCoordinator,
      at: later)
    try activity("a7", C.m1, .dues, "2026-01-15", at: later)
    try c.run(.partyActivityConfirmed(activity: ActivityID("a7")), id: "ok-a7", by: C.secretary, at: later)
    #expect(c.state.lastSeq == 63)
    return c
  }

  // MARK: - Party participation

  @Test func partyMembersAndBranchesInTheSecondQuarter() throws {
    let c = try Self.partyCommunity()
    let report = PartyParticipation(
      Self.ledger(c), window: try Self.window("2025-04-01", "2025-06-30"), year: 2025)
    #expect(report.year == 2025)
    // The target for 2025 is the policy in force on 2025-12-31: 40 hours (2400 min), from 2025-07-01.
    // m1: p1 90 + p2 60 in the window (p5 is in March, p6 pending); meeting (a1) and dues (a2) confirmed
    //   in the window (a3 is in March, a4 rejected); active in April (p1, a1), May (a2), June (p2) = 3;
    //   2025 hours: p5 30 + p1 90 + p2 60 = 180; latest check-in c2, 2025-06-05, 市第一医院党委.
    // m3: p3 120 (p7 rejected, p9 reversed); meeting a5; active in April only; 2025: 120; no check-in.
    // m6: only a pending donation: nothing counted; checked in (c3).  m7: nothing at all.
    let target = Minutes(2400)
    let expectedMembers = [
      PartyParticipation.MemberRow(
        community: Self.community, member: C.m1, name: "张三", branch: C.b1,
        checkIn: try Self.date("2025-06-05"),
        workplace: "市第一医院党委", records: 2, minutes: Minutes(150), activities: [.meeting: 1, .dues: 1],
        monthsActive: 3, yearMinutes: Minutes(180), target: target),
      PartyParticipation.MemberRow(
        community: Self.community, member: C.m3, name: "王五", branch: C.b2, checkIn: nil, workplace: nil,
        records: 1, minutes: Minutes(120), activities: [.meeting: 1], monthsActive: 1,
        yearMinutes: Minutes(120), target: target),
      PartyParticipation.MemberRow(
        community: Self.community, member: Self.m6, name: "钱八", branch: C.b1,
        checkIn: try Self.date("2025-03-03"), workplace: "幸福里小学党支部", records: 0, minutes: .zero,
        activities: [:], monthsActive: 0, yearMinutes: .zero, target: target),
      PartyParticipation.MemberRow(
        community: Self.community, member: Self.m7, name: "郑十", branch: nil, checkIn: nil, workplace: nil,
        records: 0, minutes: .zero, activities: [:], monthsActive: 0, yearMinutes: .zero, target: target),
    ]
    #expect(report.members == expectedMembers)
    // All confirmed service in the window: p1 90 + p2 60 + p3 120 + p4 180 (m2, not a party member) = 450.
    // b1: m1 and m6, both checked in, m1 active, 150 min. b2: m3, not checked in, active, 120 min.
    // (no branch): m7. Totals: 4 party members, 2 checked in, 2 active, 270 min.
    let all = Minutes(450)
    let expectedBranches = [
      PartyParticipation.BranchRow(
        community: Self.community, branch: C.b1, name: "第一党支部", partyMembers: 2, checkedIn: 2, active: 1,
        minutes: Minutes(150), communityMinutes: all),
      PartyParticipation.BranchRow(
        community: Self.community, branch: C.b2, name: "第二党支部", partyMembers: 1, checkedIn: 0, active: 1,
        minutes: Minutes(120), communityMinutes: all),
      PartyParticipation.BranchRow(
        community: Self.community, branch: nil, name: "(no branch)", partyMembers: 1, checkedIn: 0,
        active: 0, minutes: .zero, communityMinutes: all),
    ]
    #expect(report.branches == expectedBranches)
    #expect(
      report.totals
        == PartyParticipation.BranchRow(
          community: "", branch: nil, name: "all party members", partyMembers: 4, checkedIn: 2, active: 2,
          minutes: Minutes(270), communityMinutes: all))
    // Shares: 150 / 450 = 33.3%, 120 / 450 = 26.7%, 270 / 450 = 60.0%; progress 180 / 2400 = 7.5%.
    #expect(
      report.branches.map { Percent.text($0.minutes.value, of: $0.communityMinutes.value) } == [
        "33.3%", "26.7%", "0.0%",
      ])
    #expect(Percent.text(report.totals.minutes.value, of: report.totals.communityMinutes.value) == "60.0%")
    #expect(
      report.members.map { Percent.text($0.yearMinutes.value, of: $0.target.value) } == [
        "7.5%", "5.0%", "0.0%", "0.0%",
      ])
  }

  @Test func partyProgressIsMeasuredInTheTargetYear() throws {
    let c = try Self.partyCommunity()
    // 2026: m1 has p8 (60 min) and dues a7; the target in force on 2026-12-31 is 60 hours (3600 min).
    let report = PartyParticipation(
      Self.ledger(c), window: try Self.window("2026-01-01", "2026-12-31"), year: 2026)
    let m1 = try #require(report.members.first)
    #expect(m1.member == C.m1)
    #expect(m1.records == 1)
    #expect(m1.minutes == Minutes(60))
    #expect(m1.activities == [.dues: 1])
    #expect(m1.monthsActive == 1)
    #expect(m1.yearMinutes == Minutes(60))
    #expect(m1.target == Minutes(3600))
    #expect(Percent.text(m1.yearMinutes.value, of: m1.target.value) == "1.7%")
    #expect(report.members.dropFirst().allSatisfy { $0.yearMinutes == .zero && $0.target == Minutes(3600) })
    // In 2024 the opening policy's 50 hours applied; nobody served.
    let before = PartyParticipation(Self.ledger(c), window: ReportWindow(), year: 2024)
    #expect(before.members.map(\.target) == Array(repeating: Minutes(3000), count: 4))
    #expect(before.members.map(\.yearMinutes) == Array(repeating: Minutes.zero, count: 4))
    // Year hours ignore the window: 2025 with a window of one day in 2026 still counts 180 for m1.
    let narrow = PartyParticipation(
      Self.ledger(c), window: try Self.window("2026-01-10", "2026-01-10"), year: 2025)
    #expect(narrow.members.map(\.yearMinutes) == [Minutes(180), Minutes(120), .zero, .zero])
    #expect(narrow.members.map(\.minutes) == [Minutes(60), .zero, .zero, .zero])
    #expect(narrow.totals.communityMinutes == Minutes(60))
  }

  /// A party member who left is still in `state.members`, and the party report counts it among its
  /// branch's party members, while the community summary (rightly) no longer counts it as a volunteer.
  @Test
  func partyMembersWhoLeftAreNotCountedInTheirBranch() throws {
    let c = try C()
    try c.run(.memberLeft(member: C.m3, date: try Self.date("2025-06-20")), id: "left-m3", by: C.coordinator)
    let report = PartyParticipation(Self.ledger(c), window: ReportWindow(), year: 2025)
    let summary = CommunitySummary(Self.ledger(c), window: ReportWindow())
    // Only m1 (b1) is still a party-member volunteer.
    #expect(summary.partyMemberVolunteers == 1)
    #expect(report.totals.partyMembers == 1)
    #expect(report.branches.map(\.partyMembers) == [1, 0])
  }

  // MARK: - The party member's handbook

  @Test func handbookListsEverythingInDateThenSeqOrderWithWhoRecordedAndDecided() throws {
    let c = try Self.partyCommunity()
    let handbook = try #require(PartyHandbook(member: C.m1, in: c.state))
    #expect(handbook.member == C.m1)
    #expect(handbook.name == "张三")
    let (zhao, sun, wang, li) = (C.coordinator, C.secondCoordinator, C.secretary, C.elderCoordinator)
    func service(_ category: String, _ minutes: Int) -> HandbookEntry.Kind {
      .service(category: category, minutes: Minutes(minutes), team: C.elder)
    }
    // On 04-10 the meeting a1 (seq 34) comes before the service p1 (seq 35); on 06-05 the service p2
    // (seq 44) before the check-in c2 (seq 45). Check-ins carry no id and no decider.
    let expected = [
      HandbookEntry(
        date: try Self.date("2025-02-01"), seq: 30, id: "c1", kind: .checkIn, status: "reported",
        note: "区税务局机关党委 → b1", recordedBy: wang, decidedBy: nil),
      HandbookEntry(
        date: try Self.date("2025-03-20"), seq: 32, id: "p5", kind: service("环境整治", 30), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: sun),
      HandbookEntry(
        date: try Self.date("2025-03-25"), seq: 33, id: "a3", kind: .activity(.study), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: wang),
      HandbookEntry(
        date: try Self.date("2025-04-10"), seq: 34, id: "a1", kind: .activity(.meeting), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: wang),
      HandbookEntry(
        date: try Self.date("2025-04-10"), seq: 35, id: "p1", kind: service("助老", 90), status: "confirmed",
        note: "3号院", recordedBy: zhao, decidedBy: sun),
      HandbookEntry(
        date: try Self.date("2025-05-10"), seq: 40, id: "p6", kind: service("环境整治", 45), status: "pending",
        note: "", recordedBy: zhao, decidedBy: nil),
      HandbookEntry(
        date: try Self.date("2025-05-25"), seq: 42, id: "a2", kind: .activity(.dues), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: wang),
      HandbookEntry(
        date: try Self.date("2025-06-01"), seq: 43, id: "a4", kind: .activity(.wish), status: "rejected",
        note: "认领微心愿", recordedBy: zhao, decidedBy: wang),
      HandbookEntry(
        date: try Self.date("2025-06-05"), seq: 44, id: "p2", kind: service("环境整治", 60), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: sun),
      HandbookEntry(
        date: try Self.date("2025-06-05"), seq: 45, id: "c2", kind: .checkIn, status: "reported",
        note: "市第一医院党委 → b1", recordedBy: li, decidedBy: nil),
      HandbookEntry(
        date: try Self.date("2026-01-10"), seq: 60, id: "p8", kind: service("环境整治", 60), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: sun),
      HandbookEntry(
        date: try Self.date("2026-01-15"), seq: 62, id: "a7", kind: .activity(.dues), status: "confirmed",
        note: "", recordedBy: zhao, decidedBy: wang),
    ]
    #expect(handbook.entries == expected)
    // 2025: confirmed service p5 30 + p1 90 + p2 60 = 180 min in 3 records (p6 is pending); confirmed
    // study, meeting, dues (the wish was rejected); target 40 h. 2026: p8 60 min, dues; target 60 h.
    let years = [
      PartyHandbook.YearTotals(
        year: 2025, records: 3, minutes: Minutes(180), target: Minutes(2400),
        activities: [.study: 1, .meeting: 1, .dues: 1]),
      PartyHandbook.YearTotals(
        year: 2026, records: 1, minutes: Minutes(60), target: Minutes(3600), activities: [.dues: 1]),
    ]
    #expect(handbook.years == years)
  }

  @Test func handbookShowsRejectedAndReversedRecordsWithTheirDeciders() throws {
    let c = try Self.partyCommunity()
    let handbook = try #require(PartyHandbook(member: C.m3, in: c.state))
    let expected = [
      HandbookEntry(
        date: try Self.date("2025-04-12"), seq: 36, id: "p3",
        kind: .service(category: "助老", minutes: Minutes(120), team: C.elder), status: "confirmed", note: "",
        recordedBy: C.coordinator, decidedBy: C.secondCoordinator),
      HandbookEntry(
        date: try Self.date("2025-04-25"), seq: 37, id: "a5", kind: .activity(.meeting), status: "confirmed",
        note: "", recordedBy: C.coordinator, decidedBy: C.otherSecretary),
      HandbookEntry(
        date: try Self.date("2025-05-11"), seq: 41, id: "p7",
        kind: .service(category: "助老", minutes: Minutes(60), team: C.elder), status: "rejected", note: "",
        recordedBy: C.coordinator, decidedBy: C.secondCoordinator),
      // Confirmed by sun, then reversed by zhao: the last decider is the one who reversed it.
      HandbookEntry(
        date: try Self.date("2025-05-12"), seq: 57, id: "p9",
        kind: .service(category: "助老", minutes: Minutes(30), team: C.elder), status: "reversed", note: "",
        recordedBy: C.coordinator, decidedBy: C.coordinator),
    ]
    #expect(handbook.entries == expected)
    // Only p3 and a5 count: 120 min.
    #expect(
      handbook.years
        == [
          PartyHandbook.YearTotals(
            year: 2025, records: 1, minutes: Minutes(120), target: Minutes(2400), activities: [.meeting: 1])
        ])
  }

  @Test func handbookOfAnUnknownMemberIsNil() throws {
    let c = try C()
    #expect(PartyHandbook(member: MemberID("m99"), in: c.state) == nil)
    // A member with nothing recorded has an empty handbook.
    let empty = try #require(PartyHandbook(member: C.m4, in: c.state))
    #expect(empty.entries == [])
    #expect(empty.years == [])
  }

  // MARK: - The quarterly service card

  @Test func quarterlyCardListsTheWorkplacesMembersAndTheQuartersService() throws {
    let c = try Self.partyCommunity()
    let q2 = try #require(ReportWindow(quarter: "2025Q2"))
    let card = QuarterlyServiceCard(Self.ledger(c), workplace: "市第一医院党委", window: q2)
    // m1 checked in from 市第一医院党委 (c2, 06-05). In Q2: p1 (04-10, 90) and p2 (06-05, 60), both
    // confirmed by sun; meeting a1 and dues a2. Not p5 (March) or p8 (2026), not the pending p6.
    // m3 served in Q2 too, but never checked in: not on the card.
    #expect(card.workplace == "市第一医院党委")
    #expect(card.window == (try Self.window("2025-04-01", "2025-06-30")))
    #expect(
      card.members
        == [
          QuarterlyServiceCard.MemberRow(
            community: Self.community, member: C.m1, name: "张三", branch: C.b1,
            checkIn: try Self.date("2025-06-05"), records: 2, minutes: Minutes(150),
            activities: [.meeting: 1, .dues: 1])
        ])
    #expect(
      card.services
        == [
          QuarterlyServiceCard.ServiceLine(
            community: Self.community, member: C.m1, name: "张三", date: try Self.date("2025-04-10"),
            category: "助老", minutes: Minutes(90), team: C.elder, confirmedBy: C.secondCoordinator),
          QuarterlyServiceCard.ServiceLine(
            community: Self.community, member: C.m1, name: "张三", date: try Self.date("2025-06-05"),
            category: "环境整治", minutes: Minutes(60), team: C.elder, confirmedBy: C.secondCoordinator),
        ])
  }

  @Test func quarterlyCardCountsOnlyItsQuarter() throws {
    let c = try Self.partyCommunity()
    let q1 = try #require(ReportWindow(quarter: "2025Q1"))
    // Q1 for 区税务局机关党委 (c1, 02-01): p5 (03-20, 30 min) and the study a3 (03-25).
    let card = QuarterlyServiceCard(Self.ledger(c), workplace: "区税务局机关党委", window: q1)
    #expect(
      card.members
        == [
          QuarterlyServiceCard.MemberRow(
            community: Self.community, member: C.m1, name: "张三", branch: C.b1,
            checkIn: try Self.date("2025-02-01"), records: 1, minutes: Minutes(30), activities: [.study: 1])
        ])
    #expect(card.services.map(\.date) == [try Self.date("2025-03-20")])
    // Q3 2025: m1 is listed with nothing (p8 and a7 are in 2026).
    let q3 = try #require(ReportWindow(quarter: "2025Q3"))
    let quiet = QuarterlyServiceCard(Self.ledger(c), workplace: "市第一医院党委", window: q3)
    #expect(quiet.members.map { [$0.records, $0.minutes.value, $0.activities.count] } == [[0, 0, 0]])
    #expect(quiet.services == [])
  }

  @Test func quarterlyCardOfAnotherWorkplaceHasOnlyItsOwnMembers() throws {
    let c = try Self.partyCommunity()
    let q2 = try #require(ReportWindow(quarter: "2025Q2"))
    // m6 checked in from 幸福里小学党支部 (03-03); its only activity (a6) is still pending.
    let school = QuarterlyServiceCard(Self.ledger(c), workplace: "幸福里小学党支部", window: q2)
    #expect(
      school.members
        == [
          QuarterlyServiceCard.MemberRow(
            community: Self.community, member: Self.m6, name: "钱八", branch: C.b1,
            checkIn: try Self.date("2025-03-03"), records: 0, minutes: .zero, activities: [:])
        ])
    #expect(school.services == [])
    let nobody = QuarterlyServiceCard(Self.ledger(c), workplace: "市第二医院党委", window: q2)
    #expect(nobody.members == [])
    #expect(nobody.services == [])
  }

  // MARK: - Several communities

  /// Two logs of the same shape: 东区 with m1 60 min 助老 (elder, 2 served) and m2 120 min 环境整治
  /// (green, 3 served); 西区 with m1 30 min 助老 (elder, 1 served) and m4 90 min 环境整治 (no team,
  /// 4 served); all in June 2025, all confirmed.
  private static func twoCommunities() throws -> (TestCommunity, TestCommunity) {
    let east = try C()
    try serve(east, "e1", C.m1, 60, on: "2025-06-01", "助老", team: C.elder, served: 2)
    try serve(east, "e2", C.m2, 120, on: "2025-06-02", "环境整治", team: C.green, served: 3)
    let west = try C()
    try serve(west, "w1", C.m1, 30, on: "2025-06-03", "助老", team: C.elder, served: 1)
    try serve(west, "w2", C.m4, 90, on: "2025-06-04", "环境整治", team: nil, served: 4)
    for id in ["e1", "e2"] { try east.confirm(RecordID(id)) }
    for id in ["w1", "w2"] { try west.confirm(RecordID(id)) }
    return (east, west)
  }

  private static func named(_ east: TestCommunity, _ west: TestCommunity) -> [CommunityLedger] {
    [CommunityLedger(name: "东区", state: east.state), CommunityLedger(name: "西区", state: west.state)]
  }

  @Test func teamStatisticsOverTwoCommunities() throws {
    let (east, west) = try Self.twoCommunities()
    let report = TeamStatistics(Self.named(east, west), window: ReportWindow())
    // By hours: 东区 green 120, 西区 (no team) 90, 东区 elder 60, 西区 elder 30, then 西区 green (0).
    let expected = [
      Self.row(
        "东区", team: C.green, name: "环保小组", kind: .selfOrganised, membersNow: 1, active: 1, records: 1,
        minutes: 120, points: 200, served: 3, byCategory: [("环境整治", 120)], byMonth: [("2025-06", 120)],
        top: [(C.m2, "李四", 120)]),
      Self.row(
        "西区", team: nil, name: "(no team)", kind: nil, membersNow: 0, active: 1, records: 1, minutes: 90,
        points: 150, served: 4, byCategory: [("环境整治", 90)], byMonth: [("2025-06", 90)],
        top: [(C.m4, "赵六", 90)]),
      Self.row(
        "东区", team: C.elder, name: "助老服务队", kind: .serviceTeam, membersNow: 3, active: 1, records: 1,
        minutes: 60, points: 150, served: 2, byCategory: [("助老", 60)], byMonth: [("2025-06", 60)],
        top: [(C.m1, "张三", 60)]),
      Self.row(
        "西区", team: C.elder, name: "助老服务队", kind: .serviceTeam, membersNow: 3, active: 1, records: 1,
        minutes: 30, points: 75, served: 1, byCategory: [("助老", 30)], byMonth: [("2025-06", 30)],
        top: [(C.m1, "张三", 30)]),
      Self.row(
        "西区", team: C.green, name: "环保小组", kind: .selfOrganised, membersNow: 1, active: 0, records: 0,
        minutes: 0, points: 0, served: 0, byCategory: [], byMonth: [], top: []),
    ]
    #expect(report.rows == expected)
    // Totals: m1 of 东区 and m1 of 西区 are two people. Members now 4 + 4 = 8 (m1 m3 sun m2 in each);
    // active 东区 m1 m2, 西区 m1 m4 = 4; 300 min; 2.00 + 1.50 + 1.50 + 0.75 = 5.75; served 10.
    let totals = Self.row(
      "", team: nil, name: "total", kind: nil, membersNow: 8, active: 4, records: 4, minutes: 300,
      points: 575, served: 10, byCategory: [("环境整治", 210), ("助老", 90)], byMonth: [("2025-06", 300)],
      top: [(C.m2, "李四", 120), (C.m4, "赵六", 90), (C.m1, "张三", 60), (C.m1, "张三", 30)])
    #expect(report.totals == totals)
  }

  @Test func summaryAndPartyReportOverTwoCommunities() throws {
    let (east, west) = try Self.twoCommunities()
    let communities = Self.named(east, west)
    let summary = CommunitySummary(communities, window: ReportWindow())
    // Each: 5 volunteers (2 party), 1 service team, 1 group, one card of each kind.
    let expected = Self.summary(
      ["东区", "西区"], registered: 10, party: 4, served: 10, minutes: 300, records: 4, serviceTeams: 2,
      selfOrganised: 2, cards: [.partyOrganisation: 2, .enterprise: 2, .courtyard: 2], issued: 575,
      redeemed: 0, pending: 0)
    #expect(summary == expected)
    let party = PartyParticipation(communities, window: ReportWindow(), year: 2025)
    // Party members m1 (b1) and m3 (b2) in each; only the two m1 served (60 and 30).
    #expect(party.members.map(\.community) == ["东区", "东区", "西区", "西区"])
    #expect(party.members.map(\.minutes) == [Minutes(60), .zero, Minutes(30), .zero])
    // Each community's branch rows carry its own service as the denominator: 180 and 120.
    let rows = party.branches.map { [$0.community, $0.branch?.rawValue ?? "-", "\($0.minutes.value)"] }
    #expect(rows == [["东区", "b1", "60"], ["东区", "b2", "0"], ["西区", "b1", "30"], ["西区", "b2", "0"]])
    #expect(
      party.branches.map(\.communityMinutes) == [Minutes(180), Minutes(180), Minutes(120), Minutes(120)])
    #expect(
      party.totals
        == PartyParticipation.BranchRow(
          community: "", branch: nil, name: "all party members", partyMembers: 4, checkedIn: 0, active: 2,
          minutes: Minutes(90), communityMinutes: Minutes(300)))
    #expect(Percent.text(party.totals.minutes.value, of: party.totals.communityMinutes.value) == "30.0%")
  }

  /// Reports tell members of different logs apart by the community's name; two logs of communities
  /// with the same name (the CLI names each by `ledger.opened`'s community) merge their members.
  @Test
  func twoLogsWithTheSameCommunityNameAreStillTwoCommunities() throws {
    let (east, west) = try Self.twoCommunities()
    let communities = [
      CommunityLedger(name: Self.community, state: east.state),
      CommunityLedger(name: Self.community, state: west.state),
    ]
    let report = TeamStatistics(communities, window: ReportWindow())
    #expect(report.totals.activeMembers == 4)
    #expect(report.totals.membersNow == 8)
  }
}
