import Testing

@testable import TimeBank

/// Retrying a command with the same key: a no-op when the content is the same, refused naming the first
/// differing field otherwise; and batches that are all or nothing.
@Suite struct IdempotencyTests {
  typealias C = TestCommunity

  private static func entry(
    _ member: MemberID = C.m1, minutes: Int = 60, on date: String = "2025-06-20", place: String? = nil
  ) throws -> Event {
    .serviceRecorded(
      ServiceEntry(
        member: member, date: try TestSupport.date(date), minutes: Minutes(minutes), category: "环境整治",
        place: place))
  }

  @Test func sameKeySameContentIsAlreadyRecorded() throws {
    let c = try C()
    let first = try c.run(try Self.entry(), id: "s1", by: C.coordinator)
    guard case .appended(let stored) = first else {
      Issue.record("the first command was not appended: \(first)")
      return
    }
    let before = try c.fingerprint()
    let stateBefore = c.state
    // Retried later (a coordinator pressing the button again the next morning): nothing is written.
    let retry = try c.run(
      try Self.entry(), id: "s1", by: C.coordinator,
      at: try TestSupport.time("2025-07-01T09:00:00+08:00"))
    #expect(retry == .alreadyRecorded(stored))
    #expect(try c.fingerprint() == before)
    #expect(c.state == stateBefore)
    #expect((try c.ledger.records()).last == stored)
  }

  @Test func sameKeyDifferentContentIsRefusedNamingTheField() throws {
    let c = try C()
    try c.run(try Self.entry(minutes: 60), id: "s1", by: C.coordinator)
    let seq = try #require(c.state.ids["s1"])
    // Setup wrote 1 + 15 + 9 lines (ledger, admin batch, 5 members and 4 team joins): s1 is line 26.
    #expect(seq == 26)
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "minutes", stored: "60", given: "90"),
      try Self.entry(minutes: 90),
      id: "s1", by: C.coordinator)
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "date", stored: #""2025-06-20""#, given: #""2025-06-21""#),
      try Self.entry(on: "2025-06-21"), id: "s1", by: C.coordinator)
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "member", stored: #""m1""#, given: #""m3""#),
      try Self.entry(C.m3),
      id: "s1", by: C.coordinator)
    // A field the first command left out.
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "place", stored: "(none)", given: #""3号院""#),
      try Self.entry(place: "3号院"), id: "s1", by: C.coordinator)
    // Another kind of event under the same key.
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "type", stored: "service.recorded", given: "member.left"),
      .memberLeft(member: C.m4, date: try TestSupport.date("2025-06-30")), id: "s1", by: C.coordinator)
  }

  @Test func anotherActorRetryingIsRefusedNamingTheActor() throws {
    let c = try C()
    try c.run(try Self.entry(), id: "s1", by: C.coordinator)
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "actor", stored: "zhao", given: "sun"), try Self.entry(),
      id: "s1",
      by: C.secondCoordinator)
    // The actor is compared before the data.
    try c.expectRefused(
      .idReused(id: "s1", seq: 26, field: "actor", stored: "zhao", given: "sun"),
      try Self.entry(minutes: 90),
      id: "s1", by: C.secondCoordinator)
  }

  @Test func retriedConfirmOfANowConfirmedRecordIsAlreadyRecorded() throws {
    let c = try C()
    try c.record(C.m1, minutes: 90, on: "2025-06-20", id: "s1")
    let first = try c.run(
      .serviceConfirmed(record: RecordID("s1"), points: .zero), id: "ok-s1", by: C.secondCoordinator)
    // 90 min at 1.00: 150 hundredths, computed and stored.
    #expect(
      first.record.event == .serviceConfirmed(record: RecordID("s1"), points: Points(hundredths: 150)))
    let before = try c.bytes()
    // The record is confirmed now, so a fresh confirm would be refused; the retry is not a fresh confirm.
    let retry = try c.run(
      .serviceConfirmed(record: RecordID("s1"), points: .zero), id: "ok-s1", by: C.secondCoordinator)
    #expect(retry == .alreadyRecorded(first.record))
    // The points are computed by the ledger, so whatever a client sends for them is not compared.
    let retry2 = try c.run(
      .serviceConfirmed(record: RecordID("s1"), points: Points(hundredths: 999)), id: "ok-s1",
      by: C.secondCoordinator)
    #expect(retry2 == .alreadyRecorded(first.record))
    #expect(try c.fingerprint() == TestSupport.fingerprint(before))
    // Even after a policy change that would compute other points today.
    try c.run(
      .policyChanged(
        effective: try TestSupport.date("2025-01-01"),
        policy: Policy(pointsPerHour: Points(hundredths: 500))),
      id: "policy-2", by: C.admin)
    let afterPolicy = try c.bytes()
    let retry3 = try c.run(
      .serviceConfirmed(record: RecordID("s1"), points: .zero), id: "ok-s1", by: C.secondCoordinator)
    #expect(retry3 == .alreadyRecorded(first.record))
    #expect(try c.fingerprint() == TestSupport.fingerprint(afterPolicy))
    #expect(afterPolicy.starts(with: before))
    #expect(c.balance(.member(C.m1)) == Points(hundredths: 150))
  }

  @Test func retryIsAnsweredBeforeTheRules() throws {
    let c = try C()
    let first = try c.run(try Self.entry(C.m4), id: "s1", by: C.coordinator)
    try c.run(
      .memberLeft(member: C.m4, date: try TestSupport.date("2025-06-15")), id: "left-m4",
      by: C.coordinator)
    // Recording June 20 for m4 would now be refused (m4 left on June 15), but this is the same command
    // again.
    let retry = try c.run(try Self.entry(C.m4), id: "s1", by: C.coordinator)
    #expect(retry == .alreadyRecorded(first.record))
  }

  @Test func retriedRedemptionIsAlreadyRecorded() throws {
    let c = try C()
    try c.earn(C.m1, minutes: 600, id: "s1")
    let redeem = Event.rewardRedeemed(
      account: .member(C.m1), item: C.haircut, quantity: 1, points: .zero)
    let first = try c.run(redeem, id: "red-1", by: ActorID("m1"))
    #expect(
      first.record.event
        == .rewardRedeemed(
          account: .member(C.m1), item: C.haircut, quantity: 1, points: Points(hundredths: 500)))
    let before = try c.fingerprint()
    #expect(try c.run(redeem, id: "red-1", by: ActorID("m1")) == .alreadyRecorded(first.record))
    #expect(try c.fingerprint() == before)
    #expect(c.state.rewards[C.haircut]?.stock == 1)
    #expect(c.balance(.member(C.m1)) == Points(hundredths: 500))
    try c.expectRefused(
      .idReused(id: "red-1", seq: first.record.seq, field: "quantity", stored: "1", given: "2"),
      .rewardRedeemed(account: .member(C.m1), item: C.haircut, quantity: 2, points: .zero), id: "red-1",
      by: ActorID("m1"))
  }

  // MARK: - Batches

  @Test func aBatchWithOneRefusedCommandWritesNothing() throws {
    let c = try C()
    let before = try c.fingerprint()
    let stateBefore = c.state
    let registration = MemberRegistration(
      member: MemberID("m9"), name: "新人", isPartyMember: false, branch: nil,
      joined: try TestSupport.date("2025-06-01"))
    let batch = [
      Command(id: "reg-m9", event: .memberRegistered(registration)),
      Command(id: "s1", event: try Self.entry(C.m1)),
      Command(id: "s2", event: try Self.entry(C.m1, minutes: 0)),
      Command(id: "s3", event: try Self.entry(C.m2)),
    ]
    #expect(throws: LedgerError.rejected(.nonPositiveMinutes(Minutes(0)), index: 2)) {
      try c.ledger.execute(batch, actor: C.coordinator, at: c.now)
    }
    #expect(try c.fingerprint() == before)
    #expect(c.state == stateBefore)
    #expect(c.state.members[MemberID("m9")] == nil)
    // Nothing of it was kept: the same keys are free for the corrected batch.
    var corrected = batch
    corrected[2] = Command(id: "s2", event: try Self.entry(C.m1, minutes: 30))
    let outcomes = try c.ledger.execute(corrected, actor: C.coordinator, at: c.now)
    #expect(outcomes.map(\.record.seq) == [26, 27, 28, 29])
    #expect(outcomes.allSatisfy { if case .appended = $0 { true } else { false } })
    #expect(try TestSupport.recordsOnDisk(c.path).count == 29)
  }

  @Test func laterCommandsOfABatchSeeTheEarlierOnes() throws {
    let c = try C()
    let registration = MemberRegistration(
      member: MemberID("m9"), name: "新人", isPartyMember: false, branch: nil,
      joined: try TestSupport.date("2025-06-01"))
    let batch = [
      Command(id: "reg-m9", event: .memberRegistered(registration)),
      Command(id: "s1", event: try Self.entry(MemberID("m9"), minutes: 700)),
      Command(id: "s1", event: try Self.entry(MemberID("m9"), minutes: 700)),
    ]
    let outcomes = try c.ledger.execute(batch, actor: C.coordinator, at: c.now)
    #expect(outcomes.count == 3)
    #expect(outcomes[2] == .alreadyRecorded(outcomes[1].record))
    // Within one batch the daily cap counts the batch's own records too: 700 + 30 > 720.
    let next = [
      Command(id: "s2", event: try Self.entry(MemberID("m9"), minutes: 20)),
      Command(id: "s3", event: try Self.entry(MemberID("m9"), minutes: 30)),
    ]
    let before = try c.fingerprint()
    #expect(
      throws: LedgerError.rejected(
        .dailyCapExceeded(
          member: MemberID("m9"), date: try TestSupport.date("2025-06-20"),
          alreadyRecorded: Minutes(720),
          adding: Minutes(30), cap: Minutes(720)),
        index: 1)
    ) {
      try c.ledger.execute(next, actor: C.coordinator, at: c.now)
    }
    #expect(try c.fingerprint() == before)
    // A key reused with other content inside one batch is refused at its own index.
    let clash = [
      Command(id: "s4", event: try Self.entry(C.m2, minutes: 10)),
      Command(id: "s4", event: try Self.entry(C.m2, minutes: 20)),
    ]
    #expect(
      throws: LedgerError.rejected(
        .idReused(id: "s4", seq: 28, field: "minutes", stored: "10", given: "20"), index: 1)
    ) {
      try c.ledger.execute(clash, actor: C.coordinator, at: c.now)
    }
    #expect(try c.fingerprint() == before)
  }

  // MARK: - Generated keys

  @Test func generatedKeysNameTheKindOfEventAndItsSeq() throws {
    let c = try C()
    // Setup ends at seq 25; a user chose the key the next service record would be given (seq 27).
    try c.run(
      .memberLeft(member: C.m4, date: try TestSupport.date("2025-06-30")), id: "rec-27",
      by: C.coordinator)
    let recorded = try c.run(try Self.entry(minutes: 300), by: C.coordinator)
    #expect(recorded.record.seq == 27)
    #expect(recorded.record.id == "rec-27-2")
    let confirmed = try c.run(
      .serviceConfirmed(record: RecordID("rec-27-2"), points: .zero), by: C.secondCoordinator)
    #expect(confirmed.record.id == "ev-28")
    // 300 min at 1.00 = 5.00, the price of a haircut.
    let redeemed = try c.run(
      .rewardRedeemed(account: .member(C.m1), item: C.haircut, quantity: 1, points: .zero),
      by: ActorID("m1"))
    #expect(redeemed.record.id == "red-29")
    #expect(c.state.redemptions[RedemptionID("red-29")]?.points == Points(hundredths: 500))
  }
}
