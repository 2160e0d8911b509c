import Foundation
import Testing

@testable import TimeBank

/// Every rule a command can break, each through `Ledger.execute` on a real file: the exact rejection,
/// and the log byte-for-byte unchanged (`TestCommunity.expectRefused`). Then the rules that compute.
@Suite struct RulesTests {
  typealias C = TestCommunity

  private static let admin = C.admin
  private static let zhao = C.coordinator
  private static let sun = C.secondCoordinator
  private static let li = C.elderCoordinator
  private static let zhou = C.greenCoordinator
  private static let wang = C.secretary
  private static let chen = C.otherSecretary

  private static func actor(_ member: MemberID) -> ActorID { ActorID(member.rawValue) }

  private static func points(_ hundredths: Int64) -> Points { Points(hundredths: hundredths) }

  private static func entry(
    _ member: MemberID, minutes: Int = 60, on date: String = "2025-06-20", category: String = "环境整治",
    team: TeamID? = nil, served: Int = 0, creditTo: AccountID? = nil, replaces: RecordID? = nil
  ) throws -> Event {
    .serviceRecorded(
      ServiceEntry(
        member: member, date: try TestSupport.date(date), minutes: Minutes(minutes), category: category,
        team: team,
        peopleServed: served, creditTo: creditTo, replaces: replaces))
  }

  private static func transfer(
    _ from: AccountID, _ to: AccountID, _ hundredths: Int64, memo: String? = nil
  )
    -> Event
  {
    .pointsTransferred(from: from, to: to, points: Points(hundredths: hundredths), memo: memo)
  }

  private static func redeem(_ account: AccountID, _ item: ItemID, quantity: Int = 1) -> Event {
    .rewardRedeemed(account: account, item: item, quantity: quantity, points: .zero)
  }

  private static func confirmation(_ record: String) -> Event {
    .serviceConfirmed(record: RecordID(record), points: .zero)
  }

  private static func registration(
    _ id: String, name: String = "新人", branch: BranchID? = nil, joined: String = "2025-06-01"
  ) throws -> Event {
    .memberRegistered(
      MemberRegistration(
        member: MemberID(id), name: name, isPartyMember: branch != nil, branch: branch,
        joined: try TestSupport.date(joined)))
  }

  // MARK: - Not authorised: each role boundary

  @Test func coordinatorOfAnotherTeamMayNotRecordService() throws {
    let c = try C()
    try c.expectRefused(
      .notAuthorised(actor: Self.zhou, action: "record service", needs: "coordinator for team:elder"),
      try Self.entry(C.m1, team: C.elder), by: Self.zhou)
    try c.expectRefused(
      .notAuthorised(
        actor: Self.zhou, action: "record service", needs: "coordinator for one of the member's teams"),
      try Self.entry(C.m1), by: Self.zhou)
    // The elder team's own coordinator may.
    try c.run(try Self.entry(C.m1, team: C.elder), id: "s1", by: Self.li)
    #expect(c.state.records[RecordID("s1")]?.recordedBy == Self.li)
  }

  @Test func coordinatorOfAnotherTeamMayNotDecideOnService() throws {
    let c = try C()
    try c.record(C.m1, minutes: 60, on: "2025-06-20", team: C.elder, id: "s1")
    let needs = "coordinator for team:elder, or the secretary of the member's branch"
    let refusal = Rejection.notAuthorised(
      actor: Self.zhou, action: "decide on service of m1", needs: needs)
    try c.expectRefused(refusal, Self.confirmation("s1"), by: Self.zhou)
    try c.expectRefused(refusal, .serviceRejected(record: RecordID("s1"), reason: "不对"), by: Self.zhou)
    // A record with no team: the coordinator must cover one of the member's teams (m2 is in green).
    try c.record(C.m2, minutes: 60, on: "2025-06-20", id: "s2")
    try c.expectRefused(
      .notAuthorised(
        actor: Self.li, action: "decide on service of m2",
        needs: "coordinator for the member's team, or the secretary of the member's branch"),
      Self.confirmation("s2"), by: Self.li)
    try c.confirm(RecordID("s1"), by: Self.li)
    try c.expectRefused(refusal, .serviceReversed(record: RecordID("s1"), reason: "错"), by: Self.zhou)
    try c.confirm(RecordID("s2"), by: Self.zhou)
    #expect(c.balance(.member(C.m1)) == Self.points(100))
    #expect(c.balance(.member(C.m2)) == Self.points(100))
  }

  @Test func secretaryOfAnotherBranchMayNotConfirm() throws {
    let c = try C()
    try c.record(C.m1, minutes: 60, on: "2025-06-20", id: "s1")  // m1: party member of b1
    try c.record(C.m2, minutes: 60, on: "2025-06-20", id: "s2")  // m2: not a party member
    let needs = "coordinator for the member's team, or the secretary of the member's branch"
    try c.expectRefused(
      .notAuthorised(actor: Self.chen, action: "decide on service of m1", needs: needs),
      Self.confirmation("s1"),
      by: Self.chen)
    try c.expectRefused(
      .notAuthorised(actor: Self.wang, action: "decide on service of m2", needs: needs),
      Self.confirmation("s2"),
      by: Self.wang)
    // A secretary confirms but does not record service.
    try c.expectRefused(
      .notAuthorised(
        actor: Self.wang, action: "record service", needs: "coordinator for one of the member's teams"),
      try Self.entry(C.m1), by: Self.wang)
    // The secretary of m1's own branch may confirm.
    try c.confirm(RecordID("s1"), by: Self.wang)
    #expect(c.state.records[RecordID("s1")]?.status == .confirmed(points: Self.points(100)))
  }

  @Test func memberMayNotSpendAnotherMembersAccount() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 600, id: "s1")  // 10.00
    try c.expectRefused(
      .notAccountHolder(account: .member(C.m1), actor: Self.actor(C.m2)),
      Self.transfer(.member(C.m1), .member(C.m2), 100), by: Self.actor(C.m2))
    try c.expectRefused(
      .notAccountHolder(account: .member(C.m1), actor: Self.actor(C.m2)),
      Self.redeem(.member(C.m1), C.haircut),
      by: Self.actor(C.m2))
    // A coordinator may hand out a redemption, but not move a member's points elsewhere.
    try c.expectRefused(
      .notAccountHolder(account: .member(C.m1), actor: Self.zhao),
      Self.transfer(.member(C.m1), .member(C.m2), 100),
      by: Self.zhao)
    // The holder may.
    try c.run(Self.transfer(.member(C.m1), .member(C.m2), 100), id: "gift", by: Self.actor(C.m1))
    #expect(c.balance(.member(C.m1)) == Self.points(900))
    #expect(c.balance(.member(C.m2)) == Self.points(100))
  }

  @Test func cardPayoutByACoordinatorForOneTeamIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 120, id: "s1")  // 2.00
    try c.run(Self.transfer(.member(C.m1), .card(C.yard), 200), id: "donate", by: Self.actor(C.m1))
    let needs = "admin or coordinator for all"
    try c.expectRefused(
      .notAuthorised(actor: Self.li, action: "transfer points from a card", needs: needs),
      Self.transfer(.card(C.yard), .member(C.m2), 50), by: Self.li)
    try c.expectRefused(
      .notAuthorised(actor: Self.wang, action: "transfer points from a card", needs: needs),
      Self.transfer(.card(C.yard), .member(C.m2), 50), by: Self.wang)
    try c.expectRefused(
      .notAuthorised(actor: Self.li, action: "redeem rewards from a card", needs: needs),
      Self.redeem(.card(C.yard), C.haircut), by: Self.li)
    // A coordinator for all and the admin may pay out.
    try c.run(Self.transfer(.card(C.yard), .member(C.m2), 50), id: "pay-1", by: Self.zhao)
    try c.run(Self.transfer(.card(C.yard), .member(C.m3), 25), id: "pay-2", by: Self.admin)
    #expect(c.balance(.card(C.yard)) == Self.points(125))  // 2.00 − 0.50 − 0.25
  }

  @Test func adminOnlyActionsAreRefusedToOthers() throws {
    let c = try C()
    let cases: [(String, Event)] = [
      (
        "change the policy",
        .policyChanged(effective: try TestSupport.date("2025-06-01"), policy: Policy())
      ),
      ("grant roles", .roleGranted(actor: ActorID("x"), role: .coordinator, scope: .all)),
      ("revoke roles", .roleRevoked(actor: Self.li, role: .coordinator, scope: .team(C.elder))),
      ("create teams", .teamCreated(team: TeamID("arts"), name: "文艺队", kind: .selfOrganised)),
      ("create branches", .branchCreated(branch: BranchID("b3"), name: "第三党支部")),
      ("open cards", .cardOpened(card: CardID("c9"), name: "卡", kind: .enterprise, holder: "某企业")),
      (
        "list rewards",
        .rewardListed(
          RewardListing(item: ItemID("oil"), name: "油", kind: .goods, price: Self.points(100), stock: 1)
        )
      ),
      ("restock rewards", .rewardRestocked(item: C.rice, quantity: 1)),
      ("withdraw rewards", .rewardWithdrawn(item: C.rice, reason: nil)),
    ]
    for (action, event) in cases {
      try c.expectRefused(
        .notAuthorised(actor: Self.zhao, action: action, needs: "admin"), event, by: Self.zhao)
    }
    for actor in [Self.actor(C.m1), Self.wang] {
      try c.expectRefused(
        .notAuthorised(actor: actor, action: "register members", needs: "admin or coordinator"),
        try Self.registration("m9"), by: actor)
    }
    try c.expectRefused(
      .notAuthorised(
        actor: Self.li, action: "change team membership", needs: "coordinator for team:green"),
      .teamJoined(team: C.green, member: C.m4, date: try TestSupport.date("2025-06-30")), by: Self.li)
  }

  @Test func redemptionsAreHandedOutAndCancelledOnlyInScope() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 600, id: "s1")  // 10.00; m1 is in elder
    try c.expectRefused(
      .notAccountHolder(account: .member(C.m1), actor: Self.zhou),
      Self.redeem(.member(C.m1), C.haircut),
      by: Self.zhou)
    try c.run(Self.redeem(.member(C.m1), C.haircut), id: "red-1", by: Self.li)
    try c.expectRefused(
      .notAuthorised(
        actor: Self.zhou, action: "cancel redemptions",
        needs: "admin or a coordinator for the account's member"),
      .redemptionCancelled(redemption: RedemptionID("red-1"), reason: "退回"), by: Self.zhou)
    try c.run(
      .redemptionCancelled(redemption: RedemptionID("red-1"), reason: "退回"), id: "cancel-1", by: Self.li
    )
    #expect(c.balance(.member(C.m1)) == Self.points(1000))
  }

  // MARK: - Four eyes

  @Test func nobodyConfirmsTheirOwnRecording() throws {
    let c = try C()
    try c.record(C.m1, minutes: 60, on: "2025-06-20", id: "s1")
    try c.expectRefused(
      .confirmOwnRecording(record: RecordID("s1"), actor: Self.zhao), Self.confirmation("s1"),
      by: Self.zhao)
  }

  @Test func nobodyRecordsTheirOwnService() throws {
    let c = try C()
    try c.expectRefused(
      .ownService(member: C.sunMember, actor: Self.sun), try Self.entry(C.sunMember, team: C.elder),
      by: Self.sun)
  }

  @Test func nobodyConfirmsTheirOwnService() throws {
    let c = try C()
    try c.record(C.sunMember, minutes: 60, on: "2025-06-20", team: C.elder, id: "s1")
    try c.expectRefused(
      .ownService(member: C.sunMember, actor: Self.sun), Self.confirmation("s1"), by: Self.sun)
    try c.confirm(RecordID("s1"), by: Self.li)
    #expect(c.balance(.member(C.sunMember)) == Self.points(100))
  }

  // MARK: - Unknown things

  @Test func unknownMember() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    let ghost = MemberID("ghost")
    try c.expectRefused(.unknownMember(ghost), try Self.entry(ghost), by: Self.zhao)
    try c.expectRefused(
      .unknownMember(ghost), Self.transfer(.member(C.m1), .member(ghost), 10), by: Self.actor(C.m1))
    try c.expectRefused(
      .unknownMember(ghost),
      .teamJoined(team: C.elder, member: ghost, date: try TestSupport.date("2025-06-30")),
      by: Self.zhao)
    try c.expectRefused(
      .unknownMember(ghost), .memberChanged(MemberChange(member: ghost, name: "鬼")), by: Self.zhao)
    try c.expectRefused(
      .unknownMember(ghost), .memberLeft(member: ghost, date: try TestSupport.date("2025-06-30")),
      by: Self.zhao)
  }

  @Test func unknownTeam() throws {
    let c = try C()
    let ghost = TeamID("ghost")
    try c.expectRefused(.unknownTeam(ghost), try Self.entry(C.m1, team: ghost), by: Self.zhao)
    try c.expectRefused(
      .unknownTeam(ghost),
      .teamJoined(team: ghost, member: C.m1, date: try TestSupport.date("2025-06-30")),
      by: Self.zhao)
    try c.expectRefused(
      .unknownTeam(ghost), .roleGranted(actor: ActorID("x"), role: .coordinator, scope: .team(ghost)),
      by: Self.admin)
  }

  @Test func unknownBranch() throws {
    let c = try C()
    let ghost = BranchID("b9")
    try c.expectRefused(
      .unknownBranch(ghost), try Self.registration("m9", branch: ghost), by: Self.zhao)
    try c.expectRefused(
      .unknownBranch(ghost), .roleGranted(actor: ActorID("x"), role: .secretary, scope: .branch(ghost)),
      by: Self.admin)
    try c.expectRefused(
      .unknownBranch(ghost), .memberChanged(MemberChange(member: C.m1, branch: ghost)), by: Self.zhao)
  }

  @Test func unknownCard() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    let ghost = CardID("ghost")
    try c.expectRefused(
      .unknownCard(ghost), try Self.entry(C.m1, creditTo: .card(ghost)), by: Self.zhao)
    try c.expectRefused(
      .unknownCard(ghost), Self.transfer(.member(C.m1), .card(ghost), 10), by: Self.actor(C.m1))
    try c.expectRefused(.unknownCard(ghost), Self.redeem(.card(ghost), C.haircut), by: Self.admin)
  }

  @Test func unknownItem() throws {
    let c = try C()
    let ghost = ItemID("ghost")
    try c.expectRefused(.unknownItem(ghost), Self.redeem(.member(C.m1), ghost), by: Self.actor(C.m1))
    try c.expectRefused(.unknownItem(ghost), .rewardRestocked(item: ghost, quantity: 1), by: Self.admin)
    try c.expectRefused(.unknownItem(ghost), .rewardWithdrawn(item: ghost, reason: nil), by: Self.admin)
  }

  @Test func unknownRecord() throws {
    let c = try C()
    let ghost = RecordID("ghost")
    try c.expectRefused(
      .unknownRecord(ghost), .serviceConfirmed(record: ghost, points: .zero), by: Self.sun)
    try c.expectRefused(
      .unknownRecord(ghost), .serviceRejected(record: ghost, reason: "无"), by: Self.sun)
    try c.expectRefused(
      .unknownRecord(ghost), .serviceReversed(record: ghost, reason: "无"), by: Self.admin)
    try c.expectRefused(.unknownRecord(ghost), try Self.entry(C.m1, replaces: ghost), by: Self.zhao)
  }

  @Test func unknownRedemption() throws {
    let c = try C()
    let ghost = RedemptionID("red-404")
    try c.expectRefused(
      .unknownRedemption(ghost), .redemptionCancelled(redemption: ghost, reason: "退回"), by: Self.admin)
  }

  @Test func thingsThatAlreadyExist() throws {
    let c = try C()
    try c.expectRefused(
      .alreadyExists(kind: "member", id: "m1"), try Self.registration("m1"), by: Self.zhao)
    try c.expectRefused(
      .alreadyExists(kind: "team", id: "elder"),
      .teamCreated(team: C.elder, name: "又一个", kind: .serviceTeam),
      by: Self.admin)
    try c.expectRefused(
      .alreadyExists(kind: "branch", id: "b1"), .branchCreated(branch: C.b1, name: "又一个"),
      by: Self.admin)
    try c.expectRefused(
      .alreadyExists(kind: "card", id: "tax"),
      .cardOpened(card: C.tax, name: "又一个", kind: .courtyard, holder: "某院"), by: Self.admin)
    try c.expectRefused(
      .alreadyExists(kind: "item", id: "rice"),
      .rewardListed(
        RewardListing(item: C.rice, name: "米", kind: .goods, price: Self.points(100), stock: 1)),
      by: Self.admin)
  }

  // MARK: - Dates

  @Test func futureDateIsJudgedByTheLedgersLocalDate() throws {
    let c = try C()  // Asia/Shanghai, UTC+8
    let july1 = try TestSupport.date("2025-07-01")
    let june30 = try TestSupport.date("2025-06-30")
    // One second before midnight in Shanghai: July 1 is tomorrow.
    try c.expectRefused(
      .futureDate(field: "date", date: july1, today: june30), try Self.entry(C.m1, on: "2025-07-01"),
      by: Self.zhao,
      at: try TestSupport.time("2025-06-30T23:59:59+08:00"))
    // 00:30 in Tokyo is still 23:30 on June 30 in Shanghai: the actor's offset does not count.
    try c.expectRefused(
      .futureDate(field: "date", date: july1, today: june30), try Self.entry(C.m1, on: "2025-07-01"),
      by: Self.zhao,
      at: try TestSupport.time("2025-07-01T00:30:00+09:00"))
    // 16:00 UTC on June 30 is midnight on July 1 in Shanghai: accepted, and stamped at +08:00.
    let outcome = try c.run(
      try Self.entry(C.m1, on: "2025-07-01"), id: "s1", by: Self.zhao,
      at: try TestSupport.time("2025-06-30T16:00:00Z"))
    #expect(outcome.record.at.description == "2025-07-01T00:00:00+08:00")
    // 23:30 in New York on June 30 is 11:30 on July 1 in Shanghai.
    try c.run(
      try Self.entry(C.m2, on: "2025-07-01"), id: "s2", by: Self.zhao,
      at: try TestSupport.time("2025-06-30T23:30:00-04:00"))
    // A member cannot join tomorrow either.
    try c.expectRefused(
      .futureDate(field: "joined", date: try TestSupport.date("2025-07-02"), today: july1),
      try Self.registration("m9", joined: "2025-07-02"), by: Self.zhao,
      at: try TestSupport.time("2025-07-01T08:00:00+08:00"))
  }

  @Test func aLedgerInAnotherTimeZoneJudgesDatesByItsOwnClockAcrossDaylightSaving() throws {
    let c = try C(timeZone: "America/New_York")
    // The first line was written at New York's summer offset: 2025-06-01 01:00 UTC is 05-31 21:00 EDT.
    #expect(try c.ledger.records().first?.at.description == "2025-05-31T21:00:00-04:00")
    // 03:30 UTC on July 1 is 23:30 on June 30 in New York (UTC−4 in summer).
    try c.expectRefused(
      .futureDate(
        field: "date", date: try TestSupport.date("2025-07-01"),
        today: try TestSupport.date("2025-06-30")),
      try Self.entry(C.m1, on: "2025-07-01"), by: Self.zhao,
      at: try TestSupport.time("2025-07-01T03:30:00Z"))
    let summer = try c.run(
      try Self.entry(C.m1, on: "2025-07-01"), id: "s1", by: Self.zhao,
      at: try TestSupport.time("2025-07-01T04:00:00Z"))
    #expect(summer.record.at.description == "2025-07-01T00:00:00-04:00")
    // In winter the offset is UTC−5: 04:30 UTC on December 1 is still November 30.
    try c.expectRefused(
      .futureDate(
        field: "date", date: try TestSupport.date("2025-12-01"),
        today: try TestSupport.date("2025-11-30")),
      try Self.entry(C.m1, on: "2025-12-01"), by: Self.zhao,
      at: try TestSupport.time("2025-12-01T04:30:00Z"))
    let winter = try c.run(
      try Self.entry(C.m1, on: "2025-12-01"), id: "s2", by: Self.zhao,
      at: try TestSupport.time("2025-12-01T05:00:00Z"))
    #expect(winter.record.at.description == "2025-12-01T00:00:00-05:00")
    #expect(Audit.run(try c.bytes()).isClean)
  }

  @Test func fourEyesHoldWithinOneBatch() throws {
    let c = try C()
    let before = try c.fingerprint()
    let batch = [
      Command(id: "s1", event: try Self.entry(C.m1)),
      Command(id: "confirm-s1", event: Self.confirmation("s1")),
    ]
    #expect(
      throws: LedgerError.rejected(
        .confirmOwnRecording(record: RecordID("s1"), actor: Self.zhao), index: 1)
    ) {
      try c.ledger.execute(batch, actor: Self.zhao, at: c.now)
    }
    #expect(try c.fingerprint() == before)
    #expect(c.state.records.isEmpty)
  }

  @Test func serviceBeforeTheMemberJoinedIsRefused() throws {
    let c = try C()
    let joined = try TestSupport.date("2025-01-01")
    let before = try TestSupport.date("2024-12-31")
    try c.expectRefused(
      .beforeJoined(member: C.m1, date: before, joined: joined), try Self.entry(C.m1, on: "2024-12-31"),
      by: Self.zhao)
    try c.expectRefused(
      .beforeJoined(member: C.m4, date: before, joined: joined),
      .teamJoined(team: C.green, member: C.m4, date: before),
      by: Self.zhao)
    // The day they joined is fine.
    try c.run(try Self.entry(C.m1, on: "2025-01-01"), id: "s1", by: Self.zhao)
  }

  @Test func serviceAfterTheMemberLeftIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    let left = try TestSupport.date("2025-06-10")
    try c.run(.memberLeft(member: C.m4, date: left), id: "left-m4", by: Self.zhao)
    try c.expectRefused(
      .memberLeft(member: C.m4, left: left), try Self.entry(C.m4, on: "2025-06-11"), by: Self.zhao)
    try c.expectRefused(
      .memberLeft(member: C.m4, left: left), Self.transfer(.member(C.m1), .member(C.m4), 10),
      by: Self.actor(C.m1))
    try c.expectRefused(
      .memberLeft(member: C.m4, left: left),
      .memberLeft(member: C.m4, date: try TestSupport.date("2025-06-20")),
      by: Self.zhao)
    try c.expectRefused(
      .memberLeft(member: C.m4, left: left), .teamJoined(team: C.green, member: C.m4, date: left),
      by: Self.zhao)
    // Service on the day they left may still be recorded.
    try c.run(try Self.entry(C.m4, on: "2025-06-10"), id: "s2", by: Self.zhao)
  }

  // MARK: - Teams and members

  @Test func teamMembershipRules() throws {
    let c = try C()
    let today = try TestSupport.date("2025-06-30")
    try c.expectRefused(
      .notInTeam(member: C.m2, team: C.elder), try Self.entry(C.m2, team: C.elder), by: Self.zhao)
    try c.expectRefused(
      .notInTeam(member: C.m2, team: C.elder), .teamLeft(team: C.elder, member: C.m2, date: today),
      by: Self.zhao)
    try c.expectRefused(
      .alreadyInTeam(member: C.m1, team: C.elder),
      .teamJoined(team: C.elder, member: C.m1, date: today),
      by: Self.zhao)
    try c.expectRefused(
      .nothingToChange(C.m1), .memberChanged(MemberChange(member: C.m1)), by: Self.zhao)
  }

  // MARK: - Minutes and the daily cap

  @Test func minutesMustBePositive() throws {
    let c = try C()
    try c.expectRefused(
      .nonPositiveMinutes(Minutes(0)), try Self.entry(C.m1, minutes: 0), by: Self.zhao)
    try c.expectRefused(
      .nonPositiveMinutes(Minutes(-30)), try Self.entry(C.m1, minutes: -30), by: Self.zhao)
  }

  @Test func dailyCapCountsEveryRecordOfTheDayAndFreesRejectedOnes() throws {
    let c = try C()  // cap 720 minutes
    let day = try TestSupport.date("2025-06-20")
    let cap = Minutes(720)
    try c.record(C.m1, minutes: 300, on: "2025-06-20", id: "a")
    try c.record(C.m1, minutes: 300, on: "2025-06-20", id: "b")
    try c.expectRefused(
      .dailyCapExceeded(
        member: C.m1, date: day, alreadyRecorded: Minutes(600), adding: Minutes(180), cap: cap),
      try Self.entry(C.m1, minutes: 180), by: Self.zhao)
    try c.record(C.m1, minutes: 120, on: "2025-06-20", id: "d")  // exactly 720
    try c.confirm(RecordID("d"))  // confirmed records still count
    try c.expectRefused(
      .dailyCapExceeded(
        member: C.m1, date: day, alreadyRecorded: Minutes(720), adding: Minutes(1), cap: cap),
      try Self.entry(C.m1, minutes: 1), by: Self.zhao)
    // Other days and other members are not affected.
    try c.record(C.m1, minutes: 720, on: "2025-06-21", id: "other-day")
    try c.record(C.m2, minutes: 720, on: "2025-06-20", id: "other-member")
    // A rejected record frees its minutes: 720 − 300 = 420 left, so 300 more fit exactly.
    try c.run(.serviceRejected(record: RecordID("b"), reason: "重复登记"), id: "reject-b", by: Self.sun)
    try c.record(C.m1, minutes: 300, on: "2025-06-20", id: "f")
    try c.expectRefused(
      .dailyCapExceeded(
        member: C.m1, date: day, alreadyRecorded: Minutes(720), adding: Minutes(1), cap: cap),
      try Self.entry(C.m1, minutes: 1), by: Self.zhao)
    // So does a reversed one (a: 300 min = 5.00 points, which m1 still holds).
    try c.confirm(RecordID("a"))
    try c.run(.serviceReversed(record: RecordID("a"), reason: "登记错误"), id: "reverse-a", by: Self.sun)
    try c.record(C.m1, minutes: 300, on: "2025-06-20", id: "g")
    #expect(c.state.minutesByDay[MemberDay(C.m1, day)] == Minutes(720))
  }

  @Test func dailyCapComesFromThePolicyForTheServiceDate() throws {
    let c = try C(policy: Policy(dailyCap: Minutes(60)))
    try c.expectRefused(
      .dailyCapExceeded(
        member: C.m1, date: try TestSupport.date("2025-06-20"), alreadyRecorded: .zero,
        adding: Minutes(61),
        cap: Minutes(60)),
      try Self.entry(C.m1, minutes: 61), by: Self.zhao)
    try c.run(
      .policyChanged(
        effective: try TestSupport.date("2025-06-25"), policy: Policy(dailyCap: Minutes(480))),
      id: "policy-2", by: Self.admin)
    // Before the change's date the old cap (60) still holds; from it, the new one (480).
    try c.expectRefused(
      .dailyCapExceeded(
        member: C.m1, date: try TestSupport.date("2025-06-24"), alreadyRecorded: .zero,
        adding: Minutes(61),
        cap: Minutes(60)),
      try Self.entry(C.m1, minutes: 61, on: "2025-06-24"), by: Self.zhao)
    try c.record(C.m1, minutes: 480, on: "2025-06-25", id: "s1")
    try c.expectRefused(
      .dailyCapExceeded(
        member: C.m1, date: try TestSupport.date("2025-06-26"), alreadyRecorded: .zero,
        adding: Minutes(481),
        cap: Minutes(480)),
      try Self.entry(C.m1, minutes: 481, on: "2025-06-26"), by: Self.zhao)
  }

  // MARK: - Points, transfers and accounts

  @Test func transfersMustMovePositivePoints() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    try c.expectRefused(
      .nonPositivePoints(field: "points", .zero), Self.transfer(.member(C.m1), .member(C.m2), 0),
      by: Self.actor(C.m1))
    try c.expectRefused(
      .nonPositivePoints(field: "points", Self.points(-100)),
      Self.transfer(.member(C.m2), .member(C.m1), -100),
      by: Self.actor(C.m2))
    try c.expectRefused(
      .nonPositivePoints(field: "price", .zero),
      .rewardListed(
        RewardListing(item: ItemID("free"), name: "免费", kind: .goods, price: .zero, stock: 1)),
      by: Self.admin)
  }

  @Test func insufficientPointsAreRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")  // 1.00
    try c.expectRefused(
      .insufficientPoints(account: .member(C.m1), balance: Self.points(100), needed: Self.points(101)),
      Self.transfer(.member(C.m1), .member(C.m2), 101), by: Self.actor(C.m1))
    try c.expectRefused(
      .insufficientPoints(account: .member(C.m1), balance: Self.points(100), needed: Self.points(500)),
      Self.redeem(.member(C.m1), C.haircut), by: Self.actor(C.m1))
    try c.expectRefused(
      .insufficientPoints(account: .card(C.shop), balance: .zero, needed: Self.points(1)),
      Self.transfer(.card(C.shop), .member(C.m2), 1), by: Self.admin)
    // All of it may go.
    try c.run(Self.transfer(.member(C.m1), .member(C.m2), 100), id: "all", by: Self.actor(C.m1))
    #expect(c.balance(.member(C.m1)) == .zero)
  }

  @Test func transfersBetweenTheSameOrSystemAccountsAreRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    try c.expectRefused(
      .sameAccount(.member(C.m1)), Self.transfer(.member(C.m1), .member(C.m1), 10), by: Self.actor(C.m1)
    )
    try c.expectRefused(
      .systemAccount(.issued), Self.transfer(.issued, .member(C.m1), 10), by: Self.admin)
    try c.expectRefused(
      .systemAccount(.redeemed), Self.transfer(.redeemed, .member(C.m1), 10), by: Self.admin)
    try c.expectRefused(
      .systemAccount(.redeemed), Self.transfer(.member(C.m1), .redeemed, 10), by: Self.actor(C.m1))
    try c.expectRefused(
      .systemAccount(.issued), Self.transfer(.member(C.m1), .issued, 10), by: Self.actor(C.m1))
    try c.expectRefused(.systemAccount(.redeemed), Self.redeem(.redeemed, C.haircut), by: Self.admin)
    try c.expectRefused(.systemAccount(.issued), try Self.entry(C.m1, creditTo: .issued), by: Self.zhao)
  }

  @Test func serviceMayNotBeCreditedToAnotherMember() throws {
    let c = try C()
    try c.expectRefused(
      .creditToOtherMember(record: "new", account: .member(C.m2)),
      try Self.entry(C.m1, creditTo: .member(C.m2)),
      by: Self.zhao)
  }

  // MARK: - Rewards

  @Test func insufficientStockIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 720, id: "s1")  // 12.00
    try c.expectRefused(
      .insufficientStock(item: C.haircut, stock: 2, requested: 3),
      Self.redeem(.member(C.m1), C.haircut, quantity: 3),
      by: Self.actor(C.m1))
    try c.run(Self.redeem(.member(C.m1), C.haircut, quantity: 2), id: "red-1", by: Self.actor(C.m1))
    try c.expectRefused(
      .insufficientStock(item: C.haircut, stock: 0, requested: 1),
      Self.redeem(.member(C.m1), C.haircut),
      by: Self.actor(C.m1))
    #expect(c.balance(.member(C.m1)) == Self.points(200))  // 12.00 − 2 × 5.00
  }

  @Test func withdrawnRewardIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 720, on: "2025-06-20", id: "s1")
    try c.earn(C.m1, minutes: 720, on: "2025-06-21", id: "s2")  // 24.00, enough for rice
    try c.run(.rewardWithdrawn(item: C.rice, reason: "过期"), id: "withdraw-rice", by: Self.admin)
    try c.expectRefused(
      .rewardWithdrawn(C.rice), Self.redeem(.member(C.m1), C.rice), by: Self.actor(C.m1))
    try c.expectRefused(
      .rewardWithdrawn(C.rice), .rewardRestocked(item: C.rice, quantity: 5), by: Self.admin)
    try c.expectRefused(
      .rewardWithdrawn(C.rice), .rewardWithdrawn(item: C.rice, reason: nil), by: Self.admin)
  }

  @Test func quantitiesMustBePositive() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 600, id: "s1")
    try c.expectRefused(
      .nonPositiveQuantity(field: "quantity", 0), Self.redeem(.member(C.m1), C.haircut, quantity: 0),
      by: Self.actor(C.m1))
    try c.expectRefused(
      .nonPositiveQuantity(field: "quantity", -2), Self.redeem(.member(C.m1), C.haircut, quantity: -2),
      by: Self.actor(C.m1))
    try c.expectRefused(
      .nonPositiveQuantity(field: "quantity", -5), .rewardRestocked(item: C.rice, quantity: -5),
      by: Self.admin)
  }

  @Test func amountsBeyondTheMaximumAreRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    // Ten billion points (10^12 hundredths) is the most any price or posting may hold, so that no sum
    // over a log can overflow; one hundredth more is refused.
    let tooMuch = Points(hundredths: 1_000_000_000_001)
    try c.expectRefused(
      .invalidField(field: "price", problem: "must be at most 10000000000.00 points"),
      .rewardListed(RewardListing(item: ItemID("gold"), name: "金条", kind: .goods, price: tooMuch, stock: 10)),
      by: Self.admin)
    try c.expectRefused(
      .invalidField(field: "points", problem: "must be at most 10000000000.00 points"),
      .pointsTransferred(from: .member(C.m1), to: .member(C.m2), points: tooMuch, memo: nil),
      by: Self.actor(C.m1))
    // At the maximum price and the largest quantity, price × quantity is 10^18 hundredths: it fits.
    try c.run(
      .rewardListed(
        RewardListing(
          item: ItemID("gold"), name: "金条", kind: .goods, price: Points(hundredths: 1_000_000_000_000),
          stock: 10)),
      id: "item-gold", by: Self.admin)
    try c.expectRefused(
      .insufficientPoints(
        account: .member(C.m1), balance: Points(hundredths: 100),
        needed: Points(hundredths: 3_000_000_000_000)),
      Self.redeem(.member(C.m1), ItemID("gold"), quantity: 3), by: Self.actor(C.m1))
  }

  @Test func cancellingARedemptionTwiceIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 300, id: "s1")
    try c.run(Self.redeem(.member(C.m1), C.haircut), id: "red-1", by: Self.actor(C.m1))
    try c.run(
      .redemptionCancelled(redemption: RedemptionID("red-1"), reason: "退回"), id: "cancel-1",
      by: Self.zhao)
    try c.expectRefused(
      .redemptionAlreadyCancelled(RedemptionID("red-1")),
      .redemptionCancelled(redemption: RedemptionID("red-1"), reason: "再退"), by: Self.zhao)
  }

  // MARK: - Where a record stands

  @Test func confirmingTwiceIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    let refusal = Rejection.recordNotPending(
      record: RecordID("s1"), status: "confirmed", action: "confirm")
    try c.expectRefused(refusal, Self.confirmation("s1"), id: "confirm-s1-again", by: Self.sun)
    try c.expectRefused(refusal, Self.confirmation("s1"), by: Self.li)  // generated key
  }

  @Test func rejectingAfterConfirmingIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "confirmed", action: "reject"),
      .serviceRejected(record: RecordID("s1"), reason: "不对"), by: Self.sun)
  }

  @Test func confirmingAfterRejectingIsRefused() throws {
    let c = try C()
    try c.record(C.m1, minutes: 60, on: "2025-06-20", id: "s1")
    try c.run(
      .serviceRejected(record: RecordID("s1"), reason: "签到表上没有此人"), id: "reject-s1", by: Self.sun)
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "rejected", action: "confirm"),
      Self.confirmation("s1"),
      by: Self.sun)
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "rejected", action: "reject"),
      .serviceRejected(record: RecordID("s1"), reason: "再拒"), id: "reject-again", by: Self.sun)
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "rejected", action: "reverse"),
      .serviceReversed(record: RecordID("s1"), reason: "撤销"), by: Self.sun)
  }

  @Test func aReversedRecordCannotBeConfirmedOrReversedAgain() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    try c.run(
      .serviceReversed(record: RecordID("s1"), reason: "时长登记错误"), id: "reverse-s1", by: Self.sun)
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "reversed", action: "confirm"),
      Self.confirmation("s1"),
      id: "confirm-s1-again", by: Self.sun)
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "reversed", action: "reverse"),
      .serviceReversed(record: RecordID("s1"), reason: "再撤"), id: "reverse-again", by: Self.sun)
  }

  @Test func aPendingRecordCannotBeReversed() throws {
    let c = try C()
    try c.record(C.m1, minutes: 60, on: "2025-06-20", id: "s1")
    try c.expectRefused(
      .recordNotPending(record: RecordID("s1"), status: "pending", action: "reverse"),
      .serviceReversed(record: RecordID("s1"), reason: "撤销"), by: Self.sun)
  }

  @Test func aReversalThatWouldOverdrawIsRefused() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 120, id: "s1")  // 2.00
    try c.run(Self.transfer(.member(C.m1), .member(C.m2), 150), id: "gift", by: Self.actor(C.m1))
    try c.expectRefused(
      .insufficientPoints(account: .member(C.m1), balance: Self.points(50), needed: Self.points(200)),
      .serviceReversed(record: RecordID("s1"), reason: "登记错误"), by: Self.sun)
    try c.expectRefused(
      .insufficientPoints(account: .member(C.m1), balance: Self.points(50), needed: Self.points(200)),
      .serviceReversed(record: RecordID("s1"), reason: "登记错误"), by: Self.admin)
  }

  @Test func aCorrectionMustReplaceAReversedRecordOfTheSameMember() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 120, id: "s1")
    try c.expectRefused(
      .replacesUnreversedRecord(RecordID("s1")),
      try Self.entry(C.m1, minutes: 60, replaces: RecordID("s1")),
      by: Self.zhao)
    try c.record(C.m1, minutes: 30, on: "2025-06-21", id: "s2")
    try c.expectRefused(
      .replacesUnreversedRecord(RecordID("s2")),
      try Self.entry(C.m1, minutes: 60, replaces: RecordID("s2")),
      by: Self.zhao)
    try c.run(
      .serviceReversed(record: RecordID("s1"), reason: "时长登记错误"), id: "reverse-s1", by: Self.sun)
    try c.expectRefused(
      .replacesUnreversedRecord(RecordID("s1")),
      try Self.entry(C.m3, minutes: 60, replaces: RecordID("s1")),
      by: Self.zhao)
    try c.run(
      try Self.entry(C.m1, minutes: 60, replaces: RecordID("s1")), id: "s1-corrected", by: Self.zhao)
    #expect(c.state.records[RecordID("s1-corrected")]?.entry.replaces == RecordID("s1"))
  }

  // MARK: - Roles

  @Test func roleScopesMustFitTheRole() throws {
    let c = try C()
    let cases: [(Role, RoleScope)] = [
      (.admin, .team(C.elder)), (.admin, .branch(C.b1)), (.coordinator, .branch(C.b1)),
      (.secretary, .team(C.elder)),
    ]
    for (role, scope) in cases {
      try c.expectRefused(
        .roleScopeInvalid(role: role, scope: scope),
        .roleGranted(actor: ActorID("x"), role: role, scope: scope),
        by: Self.admin)
    }
  }

  @Test func theLastAdminCannotBeRevoked() throws {
    let c = try C()
    try c.expectRefused(
      .lastAdmin(Self.admin), .roleRevoked(actor: Self.admin, role: .admin, scope: .all), by: Self.admin
    )
    try c.run(
      .roleGranted(actor: ActorID("boss"), role: .admin, scope: .all), id: "grant-boss", by: Self.admin)
    try c.run(
      .roleRevoked(actor: Self.admin, role: .admin, scope: .all), id: "revoke-admin", by: Self.admin)
    try c.expectRefused(
      .lastAdmin(ActorID("boss")), .roleRevoked(actor: ActorID("boss"), role: .admin, scope: .all),
      by: ActorID("boss"))
    try c.expectRefused(
      .notAuthorised(actor: Self.admin, action: "create teams", needs: "admin"),
      .teamCreated(team: TeamID("arts"), name: "文艺队", kind: .selfOrganised), by: Self.admin)
  }

  @Test func rolesAreGrantedOnceAndRevokedOnlyWhenHeld() throws {
    let c = try C()
    try c.expectRefused(
      .roleAlreadyHeld(actor: Self.zhao, role: .coordinator, scope: .all),
      .roleGranted(actor: Self.zhao, role: .coordinator, scope: .all), by: Self.admin)
    try c.expectRefused(
      .roleNotHeld(actor: Self.li, role: .coordinator, scope: .all),
      .roleRevoked(actor: Self.li, role: .coordinator, scope: .all), by: Self.admin)
    // A revoked coordinator may no longer record service.
    try c.run(
      .roleRevoked(actor: Self.li, role: .coordinator, scope: .team(C.elder)), id: "revoke-li",
      by: Self.admin
    )
    try c.expectRefused(
      .notAuthorised(actor: Self.li, action: "record service", needs: "coordinator for team:elder"),
      try Self.entry(C.m1, team: C.elder), by: Self.li)
  }

  // MARK: - Fields

  @Test func invalidFieldsAreRefusedNamingTheField() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, id: "s1")
    try c.record(C.m1, minutes: 60, on: "2025-06-21", id: "s2")
    let cases: [(Rejection, Event, ActorID)] = [
      (
        .invalidField(field: "name", problem: "is empty"), try Self.registration("m9", name: " "),
        Self.zhao
      ),
      (
        .invalidField(field: "name", problem: "contains a control character (such as a line break)"),
        try Self.registration("m9", name: "张\n三"), Self.zhao
      ),
      (
        .invalidField(field: "name", problem: "is longer than 100 characters"),
        try Self.registration("m9", name: String(repeating: "名", count: 101)), Self.zhao
      ),
      (
        .invalidField(field: "member", problem: "contains a space, control or invisible character"),
        try Self.registration("m 9"), Self.zhao
      ),
      (
        .invalidField(field: "reason", problem: "is empty"),
        .serviceRejected(record: RecordID("s2"), reason: ""),
        Self.sun
      ),
      (
        .invalidField(field: "served", problem: "must be between 0 and 100000"),
        try Self.entry(C.m1, served: -1),
        Self.zhao
      ),
      (
        .invalidField(field: "policy.dailyCapMinutes", problem: "must be between 1 and 1440"),
        .policyChanged(effective: try TestSupport.date("2025-07-01"), policy: Policy(dailyCap: .zero)),
        Self.admin
      ),
      (
        .invalidField(field: "policy", problem: "rates must not be negative"),
        .policyChanged(
          effective: try TestSupport.date("2025-07-01"), policy: Policy(pointsPerHour: Self.points(-1))),
        Self.admin
      ),
      (
        .invalidField(field: "stock", problem: "must be between 0 and 1000000"),
        .rewardListed(
          RewardListing(
            item: ItemID("oil"), name: "油", kind: .goods, price: Self.points(100), stock: -1)),
        Self.admin
      ),
      (
        .invalidField(field: "memo", problem: "is longer than 500 characters"),
        Self.transfer(.member(C.m1), .member(C.m2), 10, memo: String(repeating: "字", count: 501)),
        Self.actor(C.m1)
      ),
    ]
    for (rejection, event, actor) in cases {
      try c.expectRefused(rejection, event, by: actor)
    }
    // The idempotency key follows the identifier rule too.
    try c.expectRefused(
      .invalidField(field: "id", problem: "contains a space, control or invisible character"),
      try Self.entry(C.m1),
      id: "my key", by: Self.zhao)
  }

  @Test func unknownTimeZoneRefusesToCreateTheLedger() throws {
    let directory = try TestDirectory()
    let path = directory.file("timebank.jsonl")
    let opening = Command(
      id: "open", event: .ledgerOpened(community: "火星社区", timeZone: "Mars/Olympus", policy: Policy()))
    #expect(throws: LedgerError.rejected(.unknownTimeZone("Mars/Olympus"), index: 0)) {
      try Ledger.create(
        path, opening: opening, actor: Self.admin, at: try TestSupport.time("2025-06-30T18:00:00+08:00")
      )
    }
    #expect(!FileManager.default.fileExists(atPath: path))
    // The directory itself is still there (so the check above is about the file).
    #expect(FileManager.default.fileExists(atPath: directory.path))
  }

  @Test func aLedgerThatCannotBeOpenedLeavesNoFile() throws {
    let directory = try TestDirectory()
    let path = directory.file("timebank.jsonl")
    let at = try TestSupport.time("2025-06-30T18:00:00+08:00")
    let opening = Command(
      id: "open", event: .ledgerOpened(community: "", timeZone: "Asia/Shanghai", policy: Policy()))
    #expect(
      throws: LedgerError.rejected(.invalidField(field: "community", problem: "is empty"), index: 0)
    ) {
      try Ledger.create(path, opening: opening, actor: Self.admin, at: at)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(FileManager.default.fileExists(atPath: directory.path))
  }

  @Test func anOpeningWithAnInvalidKeyLeavesNoFile() throws {
    let directory = try TestDirectory()
    let path = directory.file("timebank.jsonl")
    let at = try TestSupport.time("2025-06-30T18:00:00+08:00")
    let policy = Policy()
    let opening = Command(
      id: "open ledger",
      event: .ledgerOpened(community: "幸福里社区", timeZone: "Asia/Shanghai", policy: policy))
    #expect(
      throws: LedgerError.rejected(
        .invalidField(field: "id", problem: "contains a space, control or invisible character"), index: 0)
    ) {
      try Ledger.create(path, opening: opening, actor: Self.admin, at: at)
    }
    // "If the opening event is refused, the new file is removed": no empty log is left to block a retry.
    #expect(!FileManager.default.fileExists(atPath: path))
    let retry = Command(
      id: "open", event: .ledgerOpened(community: "幸福里社区", timeZone: "Asia/Shanghai", policy: policy))
    #expect(throws: Never.self) { try Ledger.create(path, opening: retry, actor: Self.admin, at: at) }
  }

  // A second ledger.opened would make its actor admin, rename the community, and break the log.
  @Test func aSecondLedgerOpenedIsRefused() throws {
    let c = try C()
    let before = try c.bytes()
    let reopening = Event.ledgerOpened(community: "别的社区", timeZone: "Asia/Shanghai", policy: Policy())
    for actor in [ActorID("stranger"), Self.admin] {
      do {
        let outcome = try c.ledger.execute(Command(event: reopening), actor: actor, at: c.now)
        Issue.record("a second ledger.opened was written by \(actor): \(outcome)")
      } catch {
        #expect(error == .rejected(.ledgerAlreadyOpened, index: 0))
      }
    }
    // The log must still verify, and no one became admin by "opening" it again.
    let after = try c.bytes()
    #expect(TestSupport.fingerprint(after) == TestSupport.fingerprint(before))
    #expect(throws: Never.self) { try LogReader.verify(after) }
    #expect(!c.state.holds(ActorID("stranger"), .admin))
    #expect(c.state.community == "幸福里社区")
  }

  // MARK: - The rules that compute

  @Test func pointsAreComputedAtConfirmationFromThePolicyForTheServiceDate() throws {
    let c = try C()  // 1.00 per hour, 助老 1.50
    try c.record(C.m1, minutes: 90, on: "2025-06-10", category: "助老", id: "a")
    try c.record(C.m1, minutes: 50, on: "2025-06-10", id: "b")
    try c.record(C.m1, minutes: 60, on: "2025-06-22", category: "助老", id: "f")  // recorded before the change
    try c.run(
      .policyChanged(
        effective: try TestSupport.date("2025-06-20"),
        policy: Policy(pointsPerHour: Self.points(200), categoryRates: ["助老": Self.points(300)])),
      id: "policy-2", by: Self.admin)
    try c.record(C.m1, minutes: 60, on: "2025-06-15", category: "助老", id: "c")
    try c.record(C.m1, minutes: 60, on: "2025-06-20", category: "助老", id: "d")
    try c.record(C.m1, minutes: 45, on: "2025-06-25", id: "e")
    for id in ["a", "b", "c", "d", "e", "f"] { try c.confirm(RecordID(id)) }
    // a: 90 min 助老 on 06-10, old policy: 90 × 1.50 ÷ 60 = 2.25
    // b: 50 min at 1.00: 50 × 100 ÷ 60 = 83.33 → 0.83
    // c: 60 min 助老 on 06-15, before the change's date: 1.50
    // d: 60 min 助老 on 06-20, the change's own date: 3.00
    // e: 45 min at the new 2.00: 45 × 200 ÷ 60 = 150 → 1.50
    // f: 60 min 助老 on 06-22, recorded under the old policy but confirmed under the new: 3.00
    let expected: [String: Int64] = ["a": 225, "b": 83, "c": 150, "d": 300, "e": 150, "f": 300]
    var stored: [String: Points] = [:]
    for record in try TestSupport.recordsOnDisk(c.path) {
      if case .serviceConfirmed(let id, let points) = record.event { stored[id.rawValue] = points }
    }
    #expect(stored == expected.mapValues(Self.points))
    // 2.25 + 0.83 + 1.50 + 3.00 + 1.50 + 3.00 = 12.08
    #expect(c.balance(.member(C.m1)) == Self.points(1208))
    #expect(c.balance(.issued) == Self.points(-1208))
    #expect(c.state.members[C.m1]?.confirmedMinutes == Minutes(90 + 50 + 60 + 60 + 45 + 60))
  }

  @Test func thePolicyWithTheLatestEffectiveDateOnOrBeforeTheServiceDateApplies() throws {
    let c = try C()  // opening policy: 1.00 per hour
    // Logged first: 3.00 from 07-01. Logged second, retroactively: 2.00 from 06-01.
    try c.run(
      .policyChanged(
        effective: try TestSupport.date("2025-07-01"), policy: Policy(pointsPerHour: Self.points(300))),
      id: "july", by: Self.admin)
    try c.run(
      .policyChanged(
        effective: try TestSupport.date("2025-06-01"), policy: Policy(pointsPerHour: Self.points(200))),
      id: "june", by: Self.admin)
    #expect(c.state.policy(on: try TestSupport.date("2025-05-31")).pointsPerHour == Self.points(100))
    #expect(c.state.policy(on: try TestSupport.date("2025-06-15")).pointsPerHour == Self.points(200))
    // July service keeps July's rate although the June change was logged after it.
    #expect(c.state.policy(on: try TestSupport.date("2025-07-02")).pointsPerHour == Self.points(300))
  }

  @Test func aLaterPolicyChangeDoesNotChangeConfirmedPoints() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 60, on: "2025-06-25", id: "g")  // 1.00
    try c.record(C.m1, minutes: 60, on: "2025-06-26", id: "h")
    #expect(c.state.pendingPoints(of: .member(C.m1)) == Self.points(100))
    try c.run(
      .policyChanged(
        effective: try TestSupport.date("2025-06-01"), policy: Policy(pointsPerHour: Self.points(500))),
      id: "policy-2", by: Self.admin)
    #expect(c.state.records[RecordID("g")]?.status == .confirmed(points: Self.points(100)))
    #expect(c.balance(.member(C.m1)) == Self.points(100))
    // The pending record will be confirmed under the new policy: 60 min at 5.00.
    #expect(c.state.pendingPoints(of: .member(C.m1)) == Self.points(500))
    try c.confirm(RecordID("h"))
    #expect(c.balance(.member(C.m1)) == Self.points(600))
    // The auditor, replaying with the policy in force at each seq, agrees.
    let report = Audit.run(try c.bytes())
    #expect(report.isClean)
    #expect(report.issued == Self.points(600))
  }

  @Test func serviceCreditedToACardGivesTheCardThePointsAndTheMemberTheHours() throws {
    let c = try C()
    try c.record(C.m1, minutes: 120, on: "2025-06-20", creditTo: .card(C.tax), id: "s1")
    #expect(c.state.pendingPoints(of: .card(C.tax)) == Self.points(200))
    #expect(c.state.pendingPoints(of: .member(C.m1)) == .zero)
    try c.confirm(RecordID("s1"))
    let card = try #require(Balances.balance(of: .card(C.tax), in: c.state))
    #expect(card.balance == Self.points(200))
    #expect(card.totals.earned == Self.points(200))
    #expect(card.name == "税务局党组织储蓄卡")
    let member = try #require(Balances.balance(of: .member(C.m1), in: c.state))
    #expect(member.balance == .zero)
    #expect(member.confirmedMinutes == Minutes(120))
    #expect(member.stars == 0)
    #expect(c.balance(.issued) == Self.points(-200))
  }

  @Test func cancellingARedemptionRestoresStockAndPoints() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 720, id: "s1")  // 12.00
    try c.run(Self.redeem(.member(C.m1), C.haircut, quantity: 2), id: "red-1", by: Self.actor(C.m1))
    #expect(c.balance(.member(C.m1)) == Self.points(200))  // 12.00 − 2 × 5.00
    #expect(c.balance(.redeemed) == Self.points(1000))
    #expect(c.state.rewards[C.haircut]?.stock == 0)
    #expect(
      c.state.redemptions[RedemptionID("red-1")]
        == RedemptionState(
          account: .member(C.m1), item: C.haircut, quantity: 2, points: Self.points(1000)))
    try c.run(
      .redemptionCancelled(redemption: RedemptionID("red-1"), reason: "退回"), id: "cancel-1",
      by: Self.zhao)
    #expect(c.balance(.member(C.m1)) == Self.points(1200))
    #expect(c.balance(.redeemed) == .zero)
    #expect(c.state.rewards[C.haircut]?.stock == 2)
    #expect(c.state.redemptions[RedemptionID("red-1")]?.isCancelled == true)
    // Redeeming never reduces hours.
    #expect(c.state.members[C.m1]?.confirmedMinutes == Minutes(720))
  }

  @Test func aReversalReturnsThePointsAndTheHours() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 90, id: "s1")  // 90 × 100 ÷ 60 = 150 → 1.50
    try c.run(.serviceReversed(record: RecordID("s1"), reason: "登记错误"), id: "reverse-s1", by: Self.sun)
    #expect(c.state.records[RecordID("s1")]?.status == .reversed(points: Self.points(150)))
    #expect(c.balance(.member(C.m1)) == .zero)
    #expect(c.balance(.issued) == .zero)
    #expect(c.state.members[C.m1]?.confirmedMinutes == .zero)
    #expect(Audit.run(try c.bytes()).isClean)
  }
}
