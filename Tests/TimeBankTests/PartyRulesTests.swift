import Foundation
import Testing

@testable import TimeBank

/// The rules of party life (双报到 check-ins, activities and their confirmation), each through
/// `Ledger.execute` on a real file: the exact rejection and the log byte-for-byte unchanged
/// (`TestCommunity.expectRefused`), then the paths that are allowed and what they leave in the state.
///
/// Who may do what, as read from DESIGN.md and `Rules.validate`:
/// - a check-in is recorded by the secretary of the branch checked in to, or a coordinator whose scope
///   covers the member (all, or one of the member's teams) — never by the member;
/// - an activity is recorded by the secretary of the member's branch, or such a coordinator;
/// - an activity is confirmed or rejected only by a secretary of the member's branch (or a secretary
///   for all), never by whoever recorded it, never by the member, never by a coordinator or the admin.
@Suite struct PartyRulesTests {
  typealias C = TestCommunity

  private static let admin = C.admin
  private static let zhao = C.coordinator
  private static let sun = C.secondCoordinator
  private static let li = C.elderCoordinator
  private static let zhou = C.greenCoordinator
  private static let wang = C.secretary
  private static let chen = C.otherSecretary

  /// The setup of `TestCommunity` writes 25 lines: the opening, 15 admin commands (2 branches, 2 teams,
  /// 3 cards, 6 grants, 2 rewards) and 9 registrations and team joins (5 members, 4 of them in a team).
  private static let setupLines = 25

  private static let recordChecks = "record party check-ins"
  private static let recordActivities = "record party activities"
  private static let recorderNeeds = "secretary of the branch, or a coordinator for the member's team"
  private static let deciderNeeds = "secretary of the member's branch"

  private static func actor(_ member: MemberID) -> ActorID { ActorID(member.rawValue) }

  private static func checkIn(
    _ member: MemberID, to branch: BranchID = C.b1, from workplace: String = "区税务局机关党委",
    on date: String = "2025-06-10"
  ) throws -> Event {
    .partyReported(
      PartyCheckIn(member: member, branch: branch, workplace: workplace, date: try TestSupport.date(date)))
  }

  private static func activity(
    _ member: MemberID, _ kind: PartyActivityKind = .meeting, on date: String = "2025-06-25",
    note: String? = nil
  ) throws -> Event {
    .partyActivityRecorded(
      PartyActivity(member: member, kind: kind, date: try TestSupport.date(date), note: note))
  }

  private static func confirm(_ id: String) -> Event { .partyActivityConfirmed(activity: ActivityID(id)) }

  private static func reject(_ id: String, _ reason: String = "重复登记") -> Event {
    .partyActivityRejected(activity: ActivityID(id), reason: reason)
  }

  /// A community with one more party member `m7` (no branch) and a pending activity `a1`: a meeting of
  /// `m1` (branch b1) recorded by the coordinator `zhao`.
  private static func community() throws -> TestCommunity {
    let c = try C()
    #expect(c.state.lastSeq == setupLines)
    try c.run(
      .memberRegistered(
        MemberRegistration(
          member: MemberID("m7"), name: "钱八", isPartyMember: true, branch: nil,
          joined: try TestSupport.date("2025-01-01"))),
      id: "reg-m7", by: zhao)
    try c.run(try activity(C.m1), id: "a1", by: zhao)
    return c
  }

  private static func notAuthorised(_ actor: ActorID, _ action: String, _ needs: String) -> Rejection {
    .notAuthorised(actor: actor, action: action, needs: needs)
  }

  // MARK: - Check-ins refused

  @Test func checkInOfANonPartyMemberIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(.notAPartyMember(C.m2), try Self.checkIn(C.m2), by: Self.wang)
    try c.expectRefused(.notAPartyMember(C.m4), try Self.checkIn(C.m4), by: Self.zhao)
  }

  @Test func checkInToAnUnknownBranchIsRefused() throws {
    let c = try Self.community()
    let ghost = BranchID("b9")
    try c.expectRefused(.unknownBranch(ghost), try Self.checkIn(C.m1, to: ghost), by: Self.zhao)
  }

  @Test func checkInOfAnUnknownMemberIsRefused() throws {
    let c = try Self.community()
    let ghost = MemberID("m99")
    try c.expectRefused(.unknownMember(ghost), try Self.checkIn(ghost), by: Self.wang)
  }

  @Test func checkInDatedInTheFutureIsRefused() throws {
    let c = try Self.community()
    // `now` is 2025-06-30 18:00 in Shanghai, so the ledger's today is 2025-06-30.
    let today = try TestSupport.date("2025-06-30")
    let tomorrow = try TestSupport.date("2025-07-01")
    try c.expectRefused(
      .futureDate(field: "date", date: tomorrow, today: today), try Self.checkIn(C.m1, on: "2025-07-01"),
      by: Self.wang)
    // Today itself is fine.
    try c.run(try Self.checkIn(C.m1, on: "2025-06-30"), id: "c-today", by: Self.wang)
  }

  @Test func checkInBeforeTheMemberJoinedIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(
      .beforeJoined(
        member: C.m1, date: try TestSupport.date("2024-12-31"), joined: try TestSupport.date("2025-01-01")),
      try Self.checkIn(C.m1, on: "2024-12-31"), by: Self.wang)
  }

  @Test func checkInOfAMemberWhoLeftIsRefused() throws {
    let c = try Self.community()
    let left = try TestSupport.date("2025-06-10")
    try c.run(.memberLeft(member: C.m1, date: left), id: "left-m1", by: Self.zhao)
    try c.expectRefused(
      .memberLeft(member: C.m1, left: left), try Self.checkIn(C.m1, on: "2025-06-20"), by: Self.wang)
    try c.expectRefused(
      .memberLeft(member: C.m1, left: left), try Self.activity(C.m1, on: "2025-06-20"), by: Self.zhao)
  }

  @Test func checkInByAPlainMemberIsRefused() throws {
    let c = try Self.community()
    let m2 = Self.actor(C.m2)
    try c.expectRefused(
      Self.notAuthorised(m2, Self.recordChecks, Self.recorderNeeds), try Self.checkIn(C.m1), by: m2)
  }

  @Test func checkInByTheSecretaryOfAnotherBranchIsRefused() throws {
    let c = try Self.community()
    // chen is secretary of b2; m1 checks in to b1.
    try c.expectRefused(
      Self.notAuthorised(Self.chen, Self.recordChecks, Self.recorderNeeds), try Self.checkIn(C.m1, to: C.b1),
      by: Self.chen)
    // wang is secretary of b1, not of b2, and no coordinator.
    try c.expectRefused(
      Self.notAuthorised(Self.wang, Self.recordChecks, Self.recorderNeeds), try Self.checkIn(C.m1, to: C.b2),
      by: Self.wang)
  }

  @Test func checkInByACoordinatorOfAnotherTeamOrTheAdminIsRefused() throws {
    let c = try Self.community()
    // zhou coordinates the green team only; m1 is in elder.
    try c.expectRefused(
      Self.notAuthorised(Self.zhou, Self.recordChecks, Self.recorderNeeds), try Self.checkIn(C.m1),
      by: Self.zhou)
    // The admin holds neither role.
    try c.expectRefused(
      Self.notAuthorised(Self.admin, Self.recordChecks, Self.recorderNeeds), try Self.checkIn(C.m1),
      by: Self.admin)
  }

  @Test func checkInByTheMemberThemselfIsRefusedEvenForASecretary() throws {
    let c = try Self.community()
    let m1 = Self.actor(C.m1)
    try c.expectRefused(.ownService(member: C.m1, actor: m1), try Self.checkIn(C.m1), by: m1)
    // Being the branch's secretary does not make recording one's own check-in allowed.
    try c.run(
      .roleGranted(actor: m1, role: .secretary, scope: .branch(C.b1)), id: "grant-m1", by: Self.admin)
    try c.expectRefused(.ownService(member: C.m1, actor: m1), try Self.checkIn(C.m1), by: m1)
  }

  @Test func checkInWithAnEmptyOrBadWorkplaceIsRefused() throws {
    let c = try Self.community()
    for workplace in ["", "   "] {
      try c.expectRefused(
        .invalidField(field: "workplace", problem: "is empty"), try Self.checkIn(C.m1, from: workplace),
        by: Self.wang)
    }
    try c.expectRefused(
      .invalidField(field: "workplace", problem: "contains a control character (such as a line break)"),
      try Self.checkIn(C.m1, from: "区税务局\n机关党委"), by: Self.wang)
    try c.expectRefused(
      .invalidField(field: "workplace", problem: "is longer than 100 characters"),
      try Self.checkIn(C.m1, from: String(repeating: "局", count: 101)), by: Self.wang)
    // 100 characters is the limit, and allowed.
    try c.run(try Self.checkIn(C.m1, from: String(repeating: "局", count: 100)), id: "c-100", by: Self.wang)
  }

  @Test func theSameCheckInTwiceIsRefused() throws {
    let c = try Self.community()
    try c.run(try Self.checkIn(C.m1, on: "2025-06-10"), id: "c1", by: Self.wang)
    // Another key, the same member, branch and date (even from another workplace, by someone else).
    try c.expectRefused(
      .alreadyCheckedIn(member: C.m1, branch: C.b1, date: try TestSupport.date("2025-06-10")),
      try Self.checkIn(C.m1, from: "市第一医院党委", on: "2025-06-10"), id: "c2", by: Self.zhao)
    // The same key and content is a retry, not a second check-in.
    let retry = try c.run(try Self.checkIn(C.m1, on: "2025-06-10"), id: "c1", by: Self.wang)
    #expect(retry == .alreadyRecorded(try c.ledger.records()[Self.setupLines + 2]))
    #expect(c.state.checkIns[C.m1]?.count == 1)
  }

  // MARK: - Check-ins allowed

  @Test func secretaryOrCoordinatorsRecordCheckIns() throws {
    let c = try Self.community()
    // Lines 26 (reg-m7) and 27 (a1) are the community's; these are 28, 29, 30, 31.
    try c.run(try Self.checkIn(C.m1, on: "2025-02-01"), id: "c1", by: Self.wang)
    try c.run(try Self.checkIn(C.m1, from: "市第一医院党委", on: "2025-05-01"), id: "c2", by: Self.li)
    // Another branch on the same date is another check-in.
    try c.run(try Self.checkIn(C.m1, to: C.b2, on: "2025-05-01"), id: "c3", by: Self.chen)
    // A coordinator for all may check in a party member of no branch, to any branch.
    try c.run(try Self.checkIn(MemberID("m7"), to: C.b2, on: "2025-06-01"), id: "c4", by: Self.zhao)
    let expected: [MemberID: [CheckInState]] = [
      C.m1: [
        CheckInState(
          checkIn: PartyCheckIn(
            member: C.m1, branch: C.b1, workplace: "区税务局机关党委", date: try TestSupport.date("2025-02-01")),
          recordedBy: Self.wang, seq: 28, id: "c1"),
        CheckInState(
          checkIn: PartyCheckIn(
            member: C.m1, branch: C.b1, workplace: "市第一医院党委", date: try TestSupport.date("2025-05-01")),
          recordedBy: Self.li, seq: 29, id: "c2"),
        CheckInState(
          checkIn: PartyCheckIn(
            member: C.m1, branch: C.b2, workplace: "区税务局机关党委", date: try TestSupport.date("2025-05-01")),
          recordedBy: Self.chen, seq: 30, id: "c3"),
      ],
      MemberID("m7"): [
        CheckInState(
          checkIn: PartyCheckIn(
            member: MemberID("m7"), branch: C.b2, workplace: "区税务局机关党委",
            date: try TestSupport.date("2025-06-01")),
          recordedBy: Self.zhao, seq: 31, id: "c4")
      ],
    ]
    #expect(c.state.checkIns == expected)
    #expect(Audit.run(try c.bytes()).isClean)
  }

  // MARK: - Activities refused when recorded

  @Test func activityOfANonPartyOrUnknownMemberIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(.notAPartyMember(C.m2), try Self.activity(C.m2), by: Self.zhao)
    try c.expectRefused(.unknownMember(MemberID("m99")), try Self.activity(MemberID("m99")), by: Self.wang)
  }

  @Test func activityDatedInTheFutureOrBeforeJoiningIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(
      .futureDate(
        field: "date", date: try TestSupport.date("2025-07-01"), today: try TestSupport.date("2025-06-30")),
      try Self.activity(C.m1, on: "2025-07-01"), by: Self.wang)
    try c.expectRefused(
      .beforeJoined(
        member: C.m3, date: try TestSupport.date("2024-12-31"), joined: try TestSupport.date("2025-01-01")),
      try Self.activity(C.m3, on: "2024-12-31"), by: Self.chen)
  }

  @Test func activityRecordedBySomeoneNotAllowedIsRefused() throws {
    let c = try Self.community()
    let refusals: [(ActorID, MemberID)] = [
      (Self.actor(C.m2), C.m1),  // a plain member
      (Self.chen, C.m1),  // the secretary of b2, for a member of b1
      (Self.wang, C.m3),  // the secretary of b1, for a member of b2
      (Self.zhou, C.m1),  // the green team's coordinator, m1 is in elder
      (Self.admin, C.m1),  // the admin is neither secretary nor coordinator
      (Self.wang, MemberID("m7")),  // m7 has no branch: no branch secretary covers it
    ]
    for (actor, member) in refusals {
      try c.expectRefused(
        Self.notAuthorised(actor, Self.recordActivities, Self.recorderNeeds), try Self.activity(member),
        by: actor)
    }
  }

  @Test func activityOfOneselfIsRefused() throws {
    let c = try Self.community()
    let m3 = Self.actor(C.m3)
    try c.expectRefused(.ownService(member: C.m3, actor: m3), try Self.activity(C.m3), by: m3)
  }

  @Test func activityWithANoteTooLongIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(
      .invalidField(field: "note", problem: "is longer than 500 characters"),
      try Self.activity(C.m1, note: String(repeating: "愿", count: 501)), by: Self.wang)
    try c.run(try Self.activity(C.m1, note: String(repeating: "愿", count: 500)), id: "a-500", by: Self.wang)
  }

  // MARK: - Confirming and rejecting refused

  @Test func confirmByTheRecorderIsRefused() throws {
    let c = try Self.community()
    // wang may decide on m1's activities, but not on one wang recorded.
    try c.run(try Self.activity(C.m1, .dues), id: "a2", by: Self.wang)
    try c.expectRefused(
      .confirmOwnRecording(record: RecordID("a2"), actor: Self.wang), Self.confirm("a2"), by: Self.wang)
    try c.expectRefused(
      .confirmOwnRecording(record: RecordID("a2"), actor: Self.wang), Self.reject("a2"), by: Self.wang)
  }

  @Test func confirmByTheMemberIsRefusedEvenForASecretary() throws {
    let c = try Self.community()
    let m1 = Self.actor(C.m1)
    try c.expectRefused(.ownService(member: C.m1, actor: m1), Self.confirm("a1"), by: m1)
    try c.run(
      .roleGranted(actor: m1, role: .secretary, scope: .branch(C.b1)), id: "grant-m1", by: Self.admin)
    try c.expectRefused(.ownService(member: C.m1, actor: m1), Self.confirm("a1"), by: m1)
    try c.expectRefused(.ownService(member: C.m1, actor: m1), Self.reject("a1"), by: m1)
  }

  @Test func confirmByTheOtherBranchsSecretaryIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(
      Self.notAuthorised(Self.chen, "confirm party activities of m1", Self.deciderNeeds), Self.confirm("a1"),
      by: Self.chen)
    try c.expectRefused(
      Self.notAuthorised(Self.chen, "reject party activities of m1", Self.deciderNeeds), Self.reject("a1"),
      by: Self.chen)
  }

  @Test func confirmByACoordinatorOrTheAdminIsRefused() throws {
    let c = try Self.community()
    // Only the secretary confirms: not the other coordinator for all, not m1's team coordinator,
    // not the admin.
    for actor in [Self.sun, Self.li, Self.admin] {
      try c.expectRefused(
        Self.notAuthorised(actor, "confirm party activities of m1", Self.deciderNeeds), Self.confirm("a1"),
        by: actor)
    }
    // zhao recorded a1: the four-eyes rule is checked before the role.
    try c.expectRefused(
      .confirmOwnRecording(record: RecordID("a1"), actor: Self.zhao), Self.confirm("a1"), by: Self.zhao)
  }

  @Test func confirmTwiceOrRejectAfterConfirmIsRefused() throws {
    let c = try Self.community()
    try c.run(Self.confirm("a1"), id: "ok-a1", by: Self.wang)
    try c.expectRefused(
      .activityNotPending(activity: ActivityID("a1"), status: "confirmed", action: "confirm"),
      Self.confirm("a1"), id: "ok-a1-again", by: Self.wang)
    try c.expectRefused(
      .activityNotPending(activity: ActivityID("a1"), status: "confirmed", action: "reject"),
      Self.reject("a1"),
      by: Self.wang)
    // And a rejected one cannot be confirmed.
    try c.run(try Self.activity(C.m1, .study), id: "a2", by: Self.zhao)
    try c.run(Self.reject("a2", "没有参加"), id: "no-a2", by: Self.wang)
    try c.expectRefused(
      .activityNotPending(activity: ActivityID("a2"), status: "rejected", action: "confirm"),
      Self.confirm("a2"), by: Self.wang)
  }

  @Test func confirmOfAnUnknownActivityIsRefused() throws {
    let c = try Self.community()
    try c.expectRefused(.unknownActivity(ActivityID("a404")), Self.confirm("a404"), by: Self.wang)
    try c.expectRefused(.unknownActivity(ActivityID("a404")), Self.reject("a404"), by: Self.wang)
    // A service record's id is not an activity.
    try c.record(C.m1, minutes: 60, on: "2025-06-20", id: "s1")
    try c.expectRefused(.unknownActivity(ActivityID("s1")), Self.confirm("s1"), by: Self.wang)
  }

  @Test func rejectWithoutAReasonIsRefused() throws {
    let c = try Self.community()
    for reason in ["", " \t "] {
      try c.expectRefused(
        .invalidField(field: "reason", problem: "is empty"), Self.reject("a1", reason), by: Self.wang)
    }
    try c.expectRefused(
      .invalidField(field: "reason", problem: "is longer than 500 characters"),
      Self.reject("a1", String(repeating: "否", count: 501)), by: Self.wang)
  }

  @Test func partyMemberOfNoBranchIsDecidedByNoBranchSecretary() throws {
    let c = try Self.community()
    let m7 = MemberID("m7")
    // A coordinator for all may record it (m7 is in no team, but the scope is all) ...
    try c.run(try Self.activity(m7, .wish), id: "a7", by: Self.zhao)
    // ... but no branch's secretary covers a member of no branch.
    for actor in [Self.wang, Self.chen] {
      try c.expectRefused(
        Self.notAuthorised(actor, "confirm party activities of m7", Self.deciderNeeds), Self.confirm("a7"),
        by: actor)
    }
  }

  @Test func secretaryForAllConfirmsActivitiesOfEveryBranch() throws {
    let c = try Self.community()
    let office = ActorID("party-office")
    try c.run(.roleGranted(actor: office, role: .secretary, scope: .all), id: "grant-office", by: Self.admin)
    try c.run(try Self.activity(C.m3, .study), id: "a3", by: Self.zhao)
    try c.run(Self.confirm("a1"), id: "ok-a1", by: office)
    try c.run(Self.reject("a3", "未到场"), id: "no-a3", by: office)
    #expect(c.state.activities[ActivityID("a1")]?.status == .confirmed)
    #expect(c.state.activities[ActivityID("a3")]?.status == .rejected)
    #expect(c.state.activities.values.allSatisfy { $0.decidedBy == office })
  }

  /// A secretary for all may record an activity of a party member of no branch (`partyRecorder` accepts
  /// `.all`), but `Checker.secretaryCovers` returns false before looking at the scope when the member
  /// has no branch, so nobody at all can ever confirm or reject it: a dead end.
  @Test
  func secretaryForAllConfirmsAPartyMemberOfNoBranch() throws {
    let c = try Self.community()
    let m7 = MemberID("m7")
    let office = ActorID("party-office")
    try c.run(.roleGranted(actor: office, role: .secretary, scope: .all), id: "grant-office", by: Self.admin)
    try c.run(try Self.activity(m7, .wish), id: "a7", by: Self.zhao)
    try c.run(Self.confirm("a7"), id: "ok-a7", by: office)
    #expect(c.state.activities[ActivityID("a7")]?.status == .confirmed)
    #expect(c.state.activities[ActivityID("a7")]?.decidedBy == office)
  }

  @Test func theDeciderFollowsTheMembersBranchNow() throws {
    let c = try Self.community()
    // a1 was recorded while m1 was in b1; m1 moves to b2 before anyone decides.
    try c.run(.memberChanged(MemberChange(member: C.m1, branch: C.b2)), id: "move-m1", by: Self.zhao)
    try c.expectRefused(
      Self.notAuthorised(Self.wang, "confirm party activities of m1", Self.deciderNeeds), Self.confirm("a1"),
      by: Self.wang)
    try c.run(Self.confirm("a1"), id: "ok-a1", by: Self.chen)
    #expect(c.state.activities[ActivityID("a1")]?.decidedBy == Self.chen)
  }

  // MARK: - Allowed paths

  @Test func coordinatorRecordsAndTheBranchSecretaryConfirms() throws {
    let c = try Self.community()
    try c.run(Self.confirm("a1"), id: "ok-a1", by: Self.wang)
    // The team coordinator of m3's team records, b2's secretary rejects with a reason.
    try c.run(try Self.activity(C.m3, .donation, on: "2025-06-02", note: "捐书"), id: "a3", by: Self.li)
    try c.run(Self.reject("a3", "重复登记"), id: "no-a3", by: Self.chen)
    let expected: [ActivityID: ActivityState] = [
      // a1 is line 27 (after reg-m7); ok-a1 28; a3 29; no-a3 30.
      ActivityID("a1"): ActivityState(
        activity: PartyActivity(member: C.m1, kind: .meeting, date: try TestSupport.date("2025-06-25")),
        recordedBy: Self.zhao, status: .confirmed, decidedBy: Self.wang, seq: 27),
      ActivityID("a3"): ActivityState(
        activity: PartyActivity(
          member: C.m3, kind: .donation, date: try TestSupport.date("2025-06-02"), note: "捐书"),
        recordedBy: Self.li, status: .rejected, decidedBy: Self.chen, seq: 29),
    ]
    #expect(c.state.activities == expected)
    #expect(c.state.lastSeq == Self.setupLines + 5)
    #expect(Audit.run(try c.bytes()).isClean)
  }

  @Test func secretaryRecordsAndOnlyAnotherSecretaryOfTheBranchConfirms() throws {
    let c = try Self.community()
    try c.run(try Self.activity(C.m1, .dues, on: "2025-06-03"), id: "a2", by: Self.wang)
    // Not the recorder, not a coordinator, not the other branch's secretary.
    try c.expectRefused(
      .confirmOwnRecording(record: RecordID("a2"), actor: Self.wang), Self.confirm("a2"), by: Self.wang)
    for actor in [Self.zhao, Self.sun, Self.chen] {
      try c.expectRefused(
        Self.notAuthorised(actor, "confirm party activities of m1", Self.deciderNeeds), Self.confirm("a2"),
        by: actor)
    }
    // A second secretary of b1 may.
    let liu = ActorID("liu")
    try c.run(
      .roleGranted(actor: liu, role: .secretary, scope: .branch(C.b1)), id: "grant-liu", by: Self.admin)
    try c.run(Self.confirm("a2"), id: "ok-a2", by: liu)
    #expect(
      c.state.activities[ActivityID("a2")]
        == ActivityState(
          activity: PartyActivity(member: C.m1, kind: .dues, date: try TestSupport.date("2025-06-03")),
          recordedBy: Self.wang, status: .confirmed, decidedBy: liu, seq: Self.setupLines + 3))
    #expect(Audit.run(try c.bytes()).isClean)
  }

  @Test func partyEventsMoveNoPointsAndNoHours() throws {
    let c = try Self.community()
    let accountsBefore = c.state.accounts
    let membersBefore = c.state.members
    try c.run(try Self.checkIn(C.m1), id: "c1", by: Self.wang)
    try c.run(Self.confirm("a1"), id: "ok-a1", by: Self.wang)
    #expect(c.state.accounts == accountsBefore)
    #expect(c.state.members == membersBefore)
    #expect(c.state.records.isEmpty)
  }
}
