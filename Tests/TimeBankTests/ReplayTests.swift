import Testing

@testable import TimeBank

/// The state a ledger builds while writing is exactly the state an auditor rebuilds from the bytes.
@Suite struct ReplayTests {
  typealias C = TestCommunity

  // MARK: - Live state, replay and reopening agree

  @Test func liveStateEqualsReplayOfTheFileAndReopening() throws {
    let path: String
    let directory: TestDirectory
    let live: LedgerState
    let liveRecords: [EventRecord]
    do {
      let c = try C()
      directory = c.directory
      path = c.path
      try c.earn(C.m1, minutes: 90, id: "s1")
      try c.record(
        C.m3, minutes: 240, on: "2025-06-21", category: "助老", team: C.elder, creditTo: .card(C.tax),
        id: "s2")
      try c.confirm(RecordID("s2"), by: C.otherSecretary)
      try c.record(C.m2, minutes: 45, on: "2025-06-22", id: "s3")  // left pending
      try c.record(C.m2, minutes: 30, on: "2025-06-23", id: "s4")
      try c.run(
        .serviceRejected(record: RecordID("s4"), reason: "重复"), id: "reject-s4", by: C.secondCoordinator
      )
      try c.run(
        .pointsTransferred(
          from: .member(C.m1), to: .card(C.yard), points: Points(hundredths: 50), memo: "捐赠\n谢谢"),
        id: "donate", by: ActorID("m1"))
      try c.run(
        .policyChanged(
          effective: try TestSupport.date("2025-06-25"),
          policy: Policy(pointsPerHour: Points(hundredths: 200))),
        id: "policy-2", by: C.admin)
      try c.run(
        .memberLeft(member: C.m4, date: try TestSupport.date("2025-06-29")), id: "left-m4",
        by: C.coordinator)
      try c.run(
        .rewardRedeemed(account: .card(C.tax), item: C.haircut, quantity: 1, points: .zero),
        id: "red-tax",
        by: C.admin)
      live = c.state
      liveRecords = (try c.ledger.records())
    }
    // The writer's lock is released with the ledger; read the file back as an auditor would.
    let onDisk = try TestSupport.recordsOnDisk(path)
    #expect(onDisk == liveRecords)
    #expect(LedgerState(replaying: onDisk) == live)
    let reopened = try Ledger.open(path)
    #expect(reopened.state == live)
    #expect(try reopened.records() == liveRecords)
    // And the reopened ledger goes on from where the first one stopped.
    let next = try reopened.execute(
      Command(
        id: "s5",
        event: .serviceRecorded(
          ServiceEntry(
            member: C.m2, date: try TestSupport.date("2025-06-30"), minutes: Minutes(60), category: "环保"
          ))),
      actor: C.coordinator, at: try TestSupport.time("2025-06-30T20:00:00+08:00"))
    #expect(next.record.seq == liveRecords.count + 1)
    #expect(next.record.prev == liveRecords.last?.hash)
    #expect(Audit.run(try TestSupport.bytes(of: path)).isClean)
    withExtendedLifetime(directory) {}
  }

  // MARK: - Thousands of random commands

  /// What a run of random commands left behind; the ledger (and its lock) is already released.
  private struct RandomRun {
    var directory: TestDirectory
    var path: String
    var live: LedgerState
    var records: [EventRecord]
    var appendedTypes: Set<String> = []
    var appended = 0
    var retried = 0
    var refused = 0
    var refusalsThatWrote = 0
  }

  private static func runRandomCommands(seed: UInt64, count: Int) throws -> RandomRun {
    let c = try C()
    var run = RandomRun(directory: c.directory, path: c.path, live: LedgerState(), records: [])
    var chaos = RandomCommands(seed: seed, start: try TestSupport.time("2025-06-02T08:00:00+08:00"))
    for _ in 0..<count {
      let (command, actor, at) = chaos.next(in: c.state)
      let countBefore = (try c.ledger.records()).count
      let outcome: Outcome
      do {
        outcome = try c.ledger.execute(command, actor: actor, at: at)
      } catch {
        guard case .rejected = error else { throw error }
        run.refused += 1
        if (try c.ledger.records()).count != countBefore { run.refusalsThatWrote += 1 }
        continue
      }
      switch outcome {
      case .appended(let record):
        run.appended += 1
        run.appendedTypes.insert(record.event.typeName)
      case .alreadyRecorded:
        run.retried += 1
      }
    }
    run.live = c.state
    run.records = (try c.ledger.records())
    return run
  }

  @Test(arguments: [UInt64(1), 2, 20_250_630])
  func randomCommandsKeepEveryInvariant(seed: UInt64) throws {
    let run = try Self.runRandomCommands(seed: seed, count: 3_000)
    let (path, live, liveRecords) = (run.path, run.live, run.records)
    let (appendedTypes, appended, retried, refused) = (
      run.appendedTypes, run.appended, run.retried, run.refused
    )
    #expect(run.refusalsThatWrote == 0)
    // Every kind of event happened, and so did refusals and retries.
    #expect(appendedTypes.union(["ledger.opened"]) == Set(Event.typeNames))
    #expect(appended > 600)
    #expect(retried > 10)
    #expect(refused > 600)

    // Double entry: every account's balance sums to exactly zero; only @issued is below zero.
    let balances = Balances.all(in: live)
    #expect(balances.reduce(Points.zero) { $0 + $1.balance } == .zero)
    #expect(live.accounts.values.reduce(Points.zero) { $0 + $1.balance } == .zero)
    let negative = balances.filter { $0.account != .issued && $0.balance < .zero }.map(\.account)
    #expect(negative == [])
    #expect(live.balance(of: .issued) < .zero)

    // The same balances and hours, worked out by an independent fold over the file's records.
    let onDisk = try TestSupport.recordsOnDisk(path)
    let independent = IndependentLedger(onDisk)
    for account in Set(independent.balances.keys).union(live.accounts.keys) {
      #expect(
        live.balance(of: account).hundredths == independent.balances[account, default: 0], "\(account)")
    }
    for (member, state) in live.members {
      #expect(state.confirmedMinutes.value == independent.minutes[member, default: 0], "\(member)")
    }

    // The auditor, starting from the bytes, finds nothing wrong and agrees on the totals.
    let report = Audit.run(try TestSupport.bytes(of: path))
    #expect(report.failure == nil)
    #expect(report.isClean)
    #expect(report.events == liveRecords.count)
    #expect(report.issued == -live.balance(of: .issued))
    #expect(report.redeemed == live.balance(of: .redeemed))

    // Each account's statement runs from zero to its balance, one posting at a time.
    let accounts =
      live.cards.keys.sorted().map(AccountID.card)
      + live.members.keys.sorted().prefix(25).map(AccountID.member)
      + [.issued, .redeemed]
    for account in accounts {
      let statement = Statement(account: account, records: onDisk)
      #expect(statement.opening == .zero)
      #expect(statement.closing == live.balance(of: account), "\(account)")
      var running = Points.zero
      for line in statement.lines {
        running += line.amount
        #expect(line.balance == running, "\(account) seq \(line.seq)")
      }
      // A window: what came before it is the opening, and the window's postings lead to its closing.
      let from = try TestSupport.date("2025-07-01")
      let to = try TestSupport.date("2025-08-15")
      let window = Statement(account: account, records: onDisk, from: from, to: to)
      let inWindow = window.lines.reduce(Points.zero) { $0 + $1.amount }
      #expect(window.opening + inWindow == window.closing, "\(account)")
      #expect(window.lines.allSatisfy { $0.date >= from && $0.date <= to })
      // Reading only the lines of the account's postings, from the settled state, gives the same
      // statement as the replay, reading exactly one line per posting.
      guard !account.isSystem else { continue }
      for (start, end) in [(nil, nil), (from, to), (from, nil), (nil, to)] as [(LocalDate?, LocalDate?)] {
        var read: [Int] = []
        let settled = Statement(account: account, settledIn: live, from: start, to: end) { seq in
          read.append(seq)
          return onDisk[seq - 1]
        }
        let replayed = Statement(account: account, records: onDisk, from: start, to: end)
        #expect(settled == replayed, "\(account) \(String(describing: start))...\(String(describing: end))")
        #expect(read == statement.lines.map(\.seq), "\(account)")
      }
    }

    // Replay and reopening give the very same state.
    #expect(onDisk == liveRecords)
    #expect(LedgerState(replaying: onDisk) == live)
    let reopened = try Ledger.open(path)
    #expect(reopened.state == live)
    withExtendedLifetime(run) {}
  }

  // MARK: - Prefixes

  /// The rules read team membership from the team's side (`TeamState.members`), the views from the
  /// member's (`MemberState.teams`): after every line of the demo and of the article's ledger (joins,
  /// moves between teams, members who left), the two sides agree.
  @Test func membersTeamsAndTeamsMembersAgreeAfterEveryLine() throws {
    for log in [try FastPathLogs.demo(), try FastPathLogs.article()] {
      var records = try FastPathLogs.records(log)
      // Then some members move to another team, leave a team, or leave the community (the fold is
      // applied as it is, without the rules, so these need not be a valid log).
      let replayed = LedgerState(replaying: records)
      let teams = replayed.teams.keys.sorted()
      let joined = replayed.members.filter { !$0.value.teams.isEmpty }.keys.sorted().prefix(6)
      #expect(joined.count == 6 && teams.count >= 2)
      let last = records[records.count - 1]
      let date = replayed.localDate(of: last.at)
      for (index, member) in joined.enumerated() {
        let team = try #require(replayed.members[member]?.teams.first)
        let other = teams.first { $0 != team } ?? team
        var moves: [Event] = [.teamJoined(team: other, member: member, date: date)]
        switch index % 3 {
        case 0: moves.append(.teamLeft(team: team, member: member, date: date))
        case 1: moves.append(.memberLeft(member: member, date: date))
        default: moves += [.teamLeft(team: other, member: member, date: date), .memberLeft(member: member, date: date)]
        }
        for event in moves {
          records.append(
            EventRecord(
              seq: records.count + 1, id: "move-\(records.count + 1)", at: last.at, actor: last.actor, event: event,
              prev: "", hash: ""))
        }
      }
      var state = LedgerState()
      var checked = 0
      for record in records {
        state.apply(record)
        switch record.event {
        case .teamJoined, .teamLeft, .memberLeft, .teamCreated, .memberRegistered: break
        default: continue
        }
        for (member, memberState) in state.members {
          for (team, teamState) in state.teams {
            #expect(
              memberState.teams.contains(team) == teamState.members.contains(member),
              "seq \(record.seq): \(member) and \(team)")
          }
        }
        checked += 1
      }
      #expect(checked > 50 && state.teams.contains { !$0.value.members.isEmpty })
    }
  }

  @Test func prefixAtSeqEqualsReplayingTheFirstLines() throws {
    let directory = try TestDirectory()
    let path = directory.file("demo.jsonl")
    _ = try DemoCommunity.build(at: path)
    let bytes = try TestSupport.bytes(of: path)
    let records = try LogReader.verify(bytes).records
    // Where each line ends, found in the bytes themselves.
    let lineEnds = bytes.indices.filter { bytes[$0] == 0x0A }
    #expect(lineEnds.count == records.count)
    var cuts = Array(stride(from: 0, through: records.count, by: max(1, records.count / 40)))
    cuts += [1, 2, records.count - 1, records.count]
    for n in cuts {
      let firstLines = n == 0 ? [] : Array(bytes[...lineEnds[n - 1]])
      let expected =
        n == 0 ? LedgerState() : LedgerState(replaying: try LogReader.verify(firstLines).records)
      let prefix = Replay.prefix(records, asOfSeq: n)
      #expect(prefix.count == n)
      #expect(LedgerState(replaying: prefix) == expected, "asOfSeq \(n)")
    }
    // Beyond the ends.
    #expect(Replay.prefix(records, asOfSeq: records.count + 10).count == records.count)
    #expect(Replay.prefix(records, asOfSeq: -3).isEmpty)
    withExtendedLifetime(directory) {}
  }

  @Test func prefixAsOfADateStopsAtThatDaysLastRecord() throws {
    let directory = try TestDirectory()
    let path = directory.file("demo.jsonl")
    _ = try DemoCommunity.build(at: path)
    let records = try TestSupport.recordsOnDisk(path)
    // The demo writes every `at` at +08:00, Shanghai's offset, so each line's own date is the ledger's.
    #expect(records.allSatisfy { $0.at.offsetSeconds == 8 * 3600 })
    for text in ["2025-03-01", "2025-03-02", "2025-04-15", "2025-06-29", "2025-06-30"] {
      let date = try TestSupport.date(text)
      let expected = records.filter { $0.at.localDate <= date }
      #expect(Array(Replay.prefix(records, asOf: date)) == expected, "\(text)")
    }
    #expect(Replay.prefix(records, asOf: try TestSupport.date("2025-02-28")).isEmpty)
    // Both limits together: the earlier one wins, whichever it is.
    let march1 = try TestSupport.date("2025-03-01")
    let onMarch1 = records.filter { $0.at.localDate <= march1 }.count
    #expect(onMarch1 > 3 && onMarch1 < records.count)
    #expect(Replay.prefix(records, asOf: march1, asOfSeq: records.count).count == onMarch1)
    #expect(Replay.prefix(records, asOf: try TestSupport.date("2025-06-30"), asOfSeq: 3).count == 3)
    withExtendedLifetime(directory) {}
  }

  // MARK: - The demo

  @Test func demoLedgerAuditsCleanAndBalances() throws {
    let directory = try TestDirectory()
    let path = directory.file("demo.jsonl")
    let live: LedgerState
    do {
      let ledger = try DemoCommunity.build(at: path)
      live = ledger.state
    }
    let bytes = try TestSupport.bytes(of: path)
    let report = Audit.run(bytes)
    #expect(report.failure == nil)
    #expect(report.isClean)
    let records = try LogReader.verify(bytes).records
    #expect(report.events == records.count)
    #expect(LedgerState(replaying: records) == live)
    let balances = Balances.all(in: live)
    #expect(balances.reduce(Points.zero) { $0 + $1.balance } == .zero)
    #expect(balances.filter { $0.account != .issued && $0.balance < .zero }.isEmpty)
    // What the demo promises: 40 volunteers, a card of each kind, a rejected and a reversed record.
    #expect(live.members.count == 40)
    #expect(Set(live.cards.values.map(\.kind)) == Set(CardKind.allCases))
    #expect(live.records.values.contains { $0.status == .rejected })
    #expect(live.records.values.contains { if case .reversed = $0.status { true } else { false } })
    #expect(live.redemptions.values.contains { $0.isCancelled })
    // The independent fold agrees with the ledger.
    let independent = IndependentLedger(records)
    for account in Set(independent.balances.keys).union(live.accounts.keys) {
      #expect(
        live.balance(of: account).hundredths == independent.balances[account, default: 0], "\(account)")
    }
    // Building it again gives the same bytes: the demo never reads the clock.
    let again = directory.file("demo-2.jsonl")
    _ = try DemoCommunity.build(at: again)
    #expect(TestSupport.fingerprint(try TestSupport.bytes(of: again)) == TestSupport.fingerprint(bytes))
    withExtendedLifetime(directory) {}
  }
}

/// Balances and confirmed minutes worked out from the events alone, by a fold written independently of
/// `LedgerState`: every posting moves points from one account to another.
private struct IndependentLedger {
  var balances: [AccountID: Int64] = [:]
  var minutes: [MemberID: Int] = [:]

  init(_ records: [EventRecord]) {
    var entries: [String: ServiceEntry] = [:]
    var confirmed: [String: Int64] = [:]
    var redemptions: [String: (AccountID, Int64)] = [:]
    func move(_ points: Int64, from: AccountID, to: AccountID) {
      balances[from, default: 0] -= points
      balances[to, default: 0] += points
    }
    for record in records {
      switch record.event {
      case .serviceRecorded(let entry):
        entries[record.id] = entry
      case .serviceConfirmed(let id, let points):
        guard let entry = entries[id.rawValue] else { continue }
        move(points.hundredths, from: .issued, to: entry.creditTo)
        confirmed[id.rawValue] = points.hundredths
        minutes[entry.member, default: 0] += entry.minutes.value
      case .serviceReversed(let id, _):
        guard let entry = entries[id.rawValue], let points = confirmed[id.rawValue] else { continue }
        move(points, from: entry.creditTo, to: .issued)
        minutes[entry.member, default: 0] -= entry.minutes.value
      case .pointsTransferred(let from, let to, let points, _):
        move(points.hundredths, from: from, to: to)
      case .rewardRedeemed(let account, _, _, let points):
        move(points.hundredths, from: account, to: .redeemed)
        redemptions[record.id] = (account, points.hundredths)
      case .redemptionCancelled(let id, _):
        guard let (account, points) = redemptions[id.rawValue] else { continue }
        move(points, from: .redeemed, to: account)
      default:
        break
      }
    }
  }
}

/// Random commands of every kind from random actors, many of them refused: plausible enough that most
/// kinds succeed often, wrong often enough that every rule is exercised. Deterministic for a seed.
private struct RandomCommands {
  private var random: SeededGenerator
  private var clock: Int64
  private var counter = 0
  /// Commands sent with an explicit key, to be retried (the same) or reused (with other content).
  private var keyed: [(command: Command, actor: ActorID)] = []

  private static let staff = [
    C.admin, C.coordinator, C.secondCoordinator, C.elderCoordinator, C.greenCoordinator,
  ]
  private static let secretaries = [C.secretary, C.otherSecretary]
  private static let allTeams = [C.coordinator, C.secondCoordinator]
  private static let categories = ["助老", "环境整治", "治安巡逻", "文艺演出"]
  private static let reasons = ["签到表上没有此人", "重复登记", "时长登记错误", ""]

  private typealias C = TestCommunity

  init(seed: UInt64, start: Timestamp) {
    random = SeededGenerator(seed: seed)
    clock = start.secondsSinceEpoch
  }

  private mutating func chance(_ percent: Int) -> Bool {
    Int.random(in: 0..<100, using: &random) < percent
  }

  private mutating func number(_ range: ClosedRange<Int>) -> Int {
    Int.random(in: range, using: &random)
  }

  private mutating func pick<T>(_ items: [T], or fallback: T) -> T {
    items.isEmpty ? fallback : items[Int.random(in: 0..<items.count, using: &random)]
  }

  private mutating func fresh(_ prefix: String) -> String {
    counter += 1
    return "\(prefix)\(counter)"
  }

  /// The next command, who sends it and when.
  mutating func next(in state: LedgerState) -> (Command, ActorID, Timestamp) {
    clock += Int64(number(0...7_200))
    let at = Timestamp(secondsSinceEpoch: clock, offsetSeconds: 8 * 3600)
    if chance(4), !keyed.isEmpty {
      let old = pick(keyed, or: keyed[0])
      return (old.command, chance(85) ? old.actor : anyActor(state), at)
    }
    let (event, plausible) = event(in: state, today: at.localDate)
    let actor = chance(80) ? plausible : anyActor(state)
    var id: String?
    if chance(2), !keyed.isEmpty {
      id = pick(keyed, or: keyed[0]).command.id  // the same key for other content
    } else if chance(30) {
      id = fresh("k-")
      keyed.append((Command(id: id, event: event), actor))
    }
    return (Command(id: id, event: event), actor, at)
  }

  private mutating func anyActor(_ state: LedgerState) -> ActorID {
    let members = state.members.keys.sorted().map { ActorID($0.rawValue) }
    return pick(Self.staff + Self.secretaries + members + [ActorID("stranger")], or: C.admin)
  }

  private mutating func member(_ state: LedgerState) -> MemberID {
    chance(3) ? MemberID("ghost") : pick(state.members.keys.sorted(), or: C.m1)
  }

  private mutating func account(_ state: LedgerState) -> AccountID {
    if chance(3) { return chance(50) ? .issued : .redeemed }
    if chance(25) { return .card(pick(state.cards.keys.sorted(), or: C.tax)) }
    return .member(member(state))
  }

  private mutating func date(_ today: LocalDate, back days: ClosedRange<Int>) -> LocalDate {
    if chance(3) { return LocalDate(daysSinceEpoch: today.daysSinceEpoch + 1) }
    return LocalDate(daysSinceEpoch: today.daysSinceEpoch - number(days))
  }

  private mutating func record(_ state: LedgerState, where wanted: (RecordStatus) -> Bool) -> RecordID {
    let matching = state.records.filter { wanted($0.value.status) }.keys.sorted()
    if chance(85), !matching.isEmpty { return pick(matching, or: RecordID("ghost")) }
    return pick(state.records.keys.sorted() + [RecordID("ghost")], or: RecordID("ghost"))
  }

  /// Someone likely to be allowed to decide on a record: a coordinator for all who did not record it.
  private mutating func decider(for id: RecordID, in state: LedgerState) -> ActorID {
    guard chance(75) else { return pick(Self.staff + Self.secretaries, or: C.secondCoordinator) }
    return state.records[id]?.recordedBy == C.coordinator ? C.secondCoordinator : C.coordinator
  }

  private mutating func policy() -> Policy {
    var rates: [String: Points] = [:]
    for category in Self.categories where chance(30) {
      rates[category] = Points(hundredths: Int64(number(0...300)))
    }
    return Policy(
      pointsPerHour: Points(hundredths: Int64(number(chance(3) ? -10...0 : 50...300))),
      categoryRates: rates,
      dailyCap: Minutes(chance(3) ? 0 : number(240...900)), partyAnnualTarget: Minutes(number(0...6000))
    )
  }

  private mutating func event(in state: LedgerState, today: LocalDate) -> (Event, ActorID) {
    let roll = number(0...109)
    let hasPending = state.records.values.contains { $0.status == .pending }
    switch roll {
    case 100..<103:
      let date = LocalDate(daysSinceEpoch: today.daysSinceEpoch + number(-60...1))
      let party = state.members.filter { $0.value.registration.isPartyMember && $0.value.isActive }.keys
        .sorted()
      let checkIn = PartyCheckIn(
        member: chance(80) ? pick(party, or: member(state)) : member(state),
        branch: chance(10) ? BranchID("ghost") : pick([C.b1, C.b2], or: C.b1),
        workplace: pick(["区税务局机关党委", "市第一医院党委", ""], or: "区税务局机关党委"), date: date)
      return (
        .partyReported(checkIn),
        chance(70) ? pick(Self.secretaries + Self.staff, or: C.secretary) : anyActor(state)
      )
    case 103..<107:
      let date = LocalDate(daysSinceEpoch: today.daysSinceEpoch + number(-60...1))
      let kind = pick(PartyActivityKind.allCases, or: .meeting)
      // Mostly the all-teams coordinator, so the branch secretary is free to decide on it (four eyes).
      let recorder = chance(70) ? C.coordinator : anyActor(state)
      // Mostly party members of the two branches that have a secretary.
      let party = state.members.filter {
        $0.value.registration.isPartyMember && $0.value.isActive
          && [C.b1, C.b2].contains($0.value.registration.branch ?? BranchID("none"))
      }.keys.sorted()
      let who = chance(80) ? pick(party, or: member(state)) : member(state)
      return (.partyActivityRecorded(PartyActivity(member: who, kind: kind, date: date)), recorder)
    case 107..<110:
      // Mostly a pending activity its branch secretary may decide on (a party member of b1 or b2, not
      // recorded by that secretary), decided by that secretary; sometimes anything, by anyone.
      func secretary(of id: ActivityID) -> ActorID? {
        guard let activity = state.activities[id], let member = state.members[activity.activity.member],
          member.registration.isPartyMember, let branch = member.registration.branch,
          [C.b1, C.b2].contains(branch)
        else { return nil }
        let secretary = branch == C.b2 ? C.otherSecretary : C.secretary
        return activity.recordedBy == secretary ? nil : secretary
      }
      let decidable = state.activities.filter { $0.value.status == .pending && secretary(of: $0.key) != nil }
      let id =
        chance(90)
        ? pick(decidable.keys.sorted(), or: ActivityID("ghost"))
        : pick(state.activities.keys.sorted() + [ActivityID("ghost")], or: ActivityID("ghost"))
      let event: Event =
        chance(60)
        ? .partyActivityConfirmed(activity: id) : .partyActivityRejected(activity: id, reason: "重复登记")
      let decider =
        chance(85) ? secretary(of: id) ?? C.secretary : pick(Self.secretaries + Self.staff, or: C.secretary)
      return (event, decider)

    case 0..<24,
      24..<44 where !hasPending && chance(80):
      let member = member(state)
      let teams = state.members[member]?.teams.sorted() ?? []
      var team: TeamID?
      if chance(50), !teams.isEmpty {
        team = pick(teams, or: C.elder)
      } else if chance(5) {
        team = pick(state.teams.keys.sorted(), or: C.green)
      }
      var creditTo: AccountID?
      if chance(15) {
        creditTo = .card(pick(state.cards.keys.sorted(), or: C.tax))
      } else if chance(3) {
        creditTo = account(state)
      }
      let replaces: RecordID? =
        chance(4) ? record(state) { if case .reversed = $0 { true } else { false } } : nil
      let entry = ServiceEntry(
        member: member, date: chance(2) ? LocalDate(daysSinceEpoch: 0) : date(today, back: 0...20),
        minutes: Minutes(pick([-10, 0, 15, 30, 60, 90, 120, 180, 240, 480, 800], or: 60)),
        category: pick(Self.categories, or: "助老"), team: team, peopleServed: number(0...8),
        place: chance(30) ? "幸福里\(number(1...6))号院" : nil, creditTo: creditTo,
        note: chance(10) ? "备注\n第二行" : nil, replaces: replaces)
      let recorder =
        chance(70) ? pick(Self.allTeams, or: C.coordinator) : pick(Self.staff, or: C.elderCoordinator)
      return (.serviceRecorded(entry), recorder)
    case 24..<44:
      let id = record(state) { $0 == .pending }
      return (.serviceConfirmed(record: id, points: .zero), decider(for: id, in: state))
    case 44..<47:
      let id = record(state) { $0 == .pending }
      return (
        .serviceRejected(record: id, reason: pick(Self.reasons, or: "重复")), decider(for: id, in: state)
      )
    case 47..<51:
      let id = record(state) { if case .confirmed = $0 { true } else { false } }
      return (
        .serviceReversed(record: id, reason: pick(Self.reasons, or: "错")), decider(for: id, in: state)
      )
    case 51..<63:
      let rich = state.accounts.filter { !$0.key.isSystem && $0.value.balance > .zero }.keys.sorted()
      let from = chance(85) ? pick(rich, or: account(state)) : account(state)
      let to = account(state)
      let balance = state.balance(of: from).hundredths
      let points: Int64 =
        chance(5)
        ? 0
        : chance(3) ? -50 : chance(10) ? balance + 1 : Int64(number(1...Int(max(1, min(balance, 500)))))
      let actor: ActorID
      if case .member(let id) = from {
        actor = ActorID(id.rawValue)
      } else {
        actor = pick(Self.staff, or: C.admin)
      }
      let memo: String? = chance(30) ? pick(["赠送给邻居", "家人\n互助", "捐给集体"], or: "赠送") : nil
      return (
        .pointsTransferred(from: from, to: to, points: Points(hundredths: points), memo: memo), actor
      )
    case 63..<71:
      let rich = state.accounts.filter { !$0.key.isSystem && $0.value.balance > .zero }.keys.sorted()
      let account = chance(85) ? pick(rich, or: account(state)) : account(state)
      let available = state.rewards.filter { !$0.value.isWithdrawn && $0.value.stock > 0 }.keys.sorted()
      let item =
        chance(90)
        ? pick(available, or: C.haircut)
        : pick(state.rewards.keys.sorted() + [ItemID("ghost")], or: C.rice)
      let quantity = chance(3) ? 0 : number(1...3)
      let actor: ActorID
      if case .member(let id) = account, chance(70) {
        actor = ActorID(id.rawValue)
      } else {
        actor = pick(Self.staff, or: C.admin)
      }
      return (.rewardRedeemed(account: account, item: item, quantity: quantity, points: .zero), actor)
    case 71..<74:
      let open = state.redemptions.filter { !$0.value.isCancelled }.keys.sorted()
      let id =
        chance(85)
        ? pick(open, or: RedemptionID("ghost"))
        : pick(state.redemptions.keys.sorted(), or: RedemptionID("ghost"))
      return (
        .redemptionCancelled(redemption: id, reason: pick(Self.reasons, or: "退回")),
        pick(Self.staff, or: C.admin)
      )
    case 74..<76:
      let item = pick(state.rewards.keys.sorted() + [ItemID("ghost")], or: C.rice)
      return (.rewardRestocked(item: item, quantity: number(-1...10)), C.admin)
    case 76:
      let item = pick(state.rewards.keys.sorted(), or: C.rice)
      return (.rewardWithdrawn(item: item, reason: chance(50) ? "下架" : nil), C.admin)
    case 77..<79:
      let item = chance(90) ? ItemID(fresh("item-")) : pick(state.rewards.keys.sorted(), or: C.rice)
      let listing = RewardListing(
        item: item, name: "奖品\(counter)", kind: chance(50) ? .goods : .service,
        price: Points(hundredths: chance(3) ? 0 : Int64(number(50...3000))), stock: number(0...20))
      return (.rewardListed(listing), C.admin)
    case 79..<84:
      let id = chance(95) ? MemberID(fresh("v-")) : member(state)
      let isParty = chance(40)
      let branch: BranchID? =
        isParty ? (chance(95) ? pick(state.branches.keys.sorted(), or: C.b1) : BranchID("ghost")) : nil
      let registration = MemberRegistration(
        member: id, name: chance(2) ? "" : "志愿者\(counter)", isPartyMember: isParty, branch: branch,
        joined: date(today, back: 0...10))
      return (.memberRegistered(registration), pick(Self.allTeams, or: C.coordinator))
    case 84:
      let member = member(state)
      let change: MemberChange
      switch number(0...3) {
      case 0: change = MemberChange(member: member, name: "改名\(counter)")
      case 1: change = MemberChange(member: member, isPartyMember: chance(50))
      case 2:
        change = MemberChange(member: member, branch: pick(state.branches.keys.sorted(), or: C.b1))
      default: change = MemberChange(member: member)
      }
      return (.memberChanged(change), pick(Self.staff, or: C.coordinator))
    case 85:
      return (
        .memberLeft(member: member(state), date: date(today, back: 0...3)),
        pick(Self.staff, or: C.coordinator)
      )
    case 86..<90:
      let team = pick(state.teams.keys.sorted() + [TeamID("ghost")], or: C.elder)
      return (
        .teamJoined(team: team, member: member(state), date: date(today, back: 0...3)),
        pick(Self.allTeams, or: C.coordinator)
      )
    case 90:
      let memberships = state.teams.keys.sorted().flatMap { team in
        (state.teams[team]?.members.sorted() ?? []).map { (team, $0) }
      }
      let (team, member) =
        chance(85) ? pick(memberships, or: (C.elder, C.m2)) : (C.elder, member(state))
      return (
        .teamLeft(team: team, member: member, date: date(today, back: 0...3)),
        pick(Self.staff, or: C.coordinator)
      )
    case 91:
      let kind: TeamKind = chance(50) ? .serviceTeam : .selfOrganised
      return (.teamCreated(team: TeamID(fresh("team-")), name: "队\(counter)", kind: kind), C.admin)
    case 92:
      return (.branchCreated(branch: BranchID(fresh("branch-")), name: "支部\(counter)"), C.admin)
    case 93:
      let kind = pick(CardKind.allCases, or: .courtyard)
      return (
        .cardOpened(
          card: CardID(fresh("card-")), name: "卡\(counter)", kind: kind, holder: "单位\(counter)"),
        C.admin
      )
    case 94..<96:
      let grantee = anyActor(state)
      let role = pick(Role.allCases, or: .coordinator)
      let scope: RoleScope
      switch number(0...2) {
      case 0: scope = .all
      case 1: scope = .team(pick(state.teams.keys.sorted(), or: C.elder))
      default: scope = .branch(pick(state.branches.keys.sorted(), or: C.b1))
      }
      return (.roleGranted(actor: grantee, role: role, scope: scope), C.admin)
    case 96..<98:
      // Leave the admin and the two coordinators for all alone, so the community keeps working.
      let protected = Self.allTeams + [C.admin] + Self.secretaries
      let grants = state.roles.filter { !protected.contains($0.key) }.sorted { $0.key < $1.key }
        .flatMap { holder in holder.value.map { (holder.key, $0) } }
        .sorted {
          ($0.0, $0.1.role.rawValue, $0.1.scope.description) < (
            $1.0, $1.1.role.rawValue, $1.1.scope.description
          )
        }
      let (holder, grant) = pick(
        grants, or: (C.elderCoordinator, RoleGrant(role: .coordinator, scope: .all)))
      return (.roleRevoked(actor: holder, role: grant.role, scope: grant.scope), C.admin)
    default:
      let effective = LocalDate(daysSinceEpoch: today.daysSinceEpoch + number(-30...10))
      return (.policyChanged(effective: effective, policy: policy()), C.admin)
    }
  }
}
