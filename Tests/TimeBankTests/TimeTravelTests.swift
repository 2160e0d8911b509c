import Foundation
import Testing

@testable import TimeBank

/// Reports through time: a report as of seq N equals the same report over the log cut after line N,
/// written to a file and read back verified; and `--as-of DATE` and `--from/--to` at their edges.
@Suite struct TimeTravelTests {
  typealias C = TestCommunity

  /// The demo ledger, built once for the suite (its file is removed once read).
  private static let demo = Result<VerifiedLog, any Error> {
    let directory = try TestDirectory()
    let path = directory.file("demo.jsonl")
    _ = try DemoCommunity.build(at: path)
    return try VerifiedLog(bytes: try TestSupport.bytes(of: path))
  }

  /// Every report the time-travel rule is checked on, over the whole history and in a window.
  private struct Reports: Equatable {
    var summary: CommunitySummary
    var teams: TeamStatistics
    var party: PartyParticipation
    var windowSummary: CommunitySummary
    var windowTeams: TeamStatistics
    var windowParty: PartyParticipation

    init(_ state: LedgerState, window: ReportWindow) {
      let communities = [CommunityLedger(name: "log", state: state)]
      summary = CommunitySummary(communities, window: ReportWindow())
      teams = TeamStatistics(communities, window: ReportWindow())
      party = PartyParticipation(communities, window: ReportWindow(), year: 2025)
      windowSummary = CommunitySummary(communities, window: window)
      windowTeams = TeamStatistics(communities, window: window)
      windowParty = PartyParticipation(communities, window: window, year: 2025)
    }
  }

  private static func date(_ text: String) throws -> LocalDate { try TestSupport.date(text) }

  /// The first `n` lines of a log, written to a new file and read back verified.
  private static func cut(_ log: VerifiedLog, after n: Int, in directory: TestDirectory) throws
    -> [EventRecord]
  {
    let path = directory.file("cut-\(n).jsonl")
    let bytes = Array(log.bytes[...log.lineEnds[n - 1]])
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    let contents = try LogFile.openForReading(path).readVerified()
    #expect(contents.tornTail == nil)
    #expect(contents.validLength == bytes.count)
    return contents.records
  }

  /// The cuts checked: every 37th seq, the first two and the last four.
  private static func cuts(_ count: Int) -> [Int] {
    let cuts = Array(stride(from: 37, through: count, by: 37)) + [1, 2] + Array(max(1, count - 3)...count)
    return Array(Set(cuts)).sorted()
  }

  /// For each cut: the prefix is the cut's records, the reports agree, and the summary agrees with
  /// the independent count.
  private static func checkCuts(of log: VerifiedLog, window: ReportWindow) throws {
    let directory = try TestDirectory()
    for n in cuts(log.records.count) {
      let prefix = Replay.prefix(log.records, asOfSeq: n)
      let readBack = try cut(log, after: n, in: directory)
      #expect(prefix.count == n)
      #expect(Array(prefix) == readBack, "seq \(n)")
      let fromPrefix = Reports(LedgerState(replaying: prefix), window: window)
      let fromFile = Reports(LedgerState(replaying: readBack), window: window)
      #expect(fromPrefix == fromFile, "seq \(n)")
      let independent = IndependentCount(readBack)
      #expect(fromPrefix.summary == independent.summary(name: "log", in: ReportWindow()), "seq \(n)")
      #expect(fromPrefix.windowSummary == independent.summary(name: "log", in: window), "seq \(n)")
      #expect(
        Dictionary(uniqueKeysWithValues: fromPrefix.windowTeams.rows.map { ($0.team, $0.minutes.value) })
          == independent.minutesByTeam(in: window), "seq \(n)")
    }
  }

  // MARK: - As of seq N equals the log cut after line N

  @Test func demoReportsAsOfSeqEqualTheLogCutAfterThatLine() throws {
    let log = try Self.demo.get()
    #expect(log.lineEnds.count == log.records.count)
    #expect(log.records.count > 200)
    try Self.checkCuts(
      of: log, window: ReportWindow(from: try Self.date("2025-04-01"), to: try Self.date("2025-05-31")))
  }

  @Test func randomRunReportsAsOfSeqEqualTheLogCutAfterThatLine() throws {
    let run = try RandomRun(seed: 20_250_701, count: 600)
    // The run exercised party life and every service outcome, not only refusals.
    let types = Set(run.log.records.map(\.event.typeName))
    for type in [
      "service.recorded", "service.confirmed", "service.rejected", "service.reversed", "party.reported",
      "party.activity.recorded", "party.activity.confirmed", "party.activity.rejected", "member.left",
      "reward.redeemed",
    ] {
      #expect(types.contains(type), "\(type)")
    }
    #expect(run.log.records.count > 300)
    try Self.checkCuts(
      of: run.log, window: ReportWindow(from: try Self.date("2025-07-01"), to: try Self.date("2025-08-31")))
  }

  @Test func asOfSeqZeroIsTheEmptyLedgerAndAnEmptyFileIsNoLog() throws {
    let log = try Self.demo.get()
    #expect(Replay.prefix(log.records, asOfSeq: 0).isEmpty)
    let directory = try TestDirectory()
    let path = directory.file("empty.jsonl")
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    #expect(throws: LogError.empty(path: path)) { try LogFile.openForReading(path).readVerified() }
  }

  // MARK: - As of a date

  @Test func asOfADateBeforeTheLedgerOpenedIsTheEmptyState() throws {
    let log = try Self.demo.get()
    // The demo opens on 2025-03-01 (Shanghai).
    let prefix = Replay.prefix(log.records, asOf: try Self.date("2025-02-28"))
    #expect(prefix.isEmpty)
    let reports = Reports(LedgerState(replaying: prefix), window: ReportWindow())
    var empty = CommunitySummary([], window: ReportWindow())
    empty.communities = ["log"]
    #expect(reports.summary == empty)
    #expect(reports.summary.registeredVolunteers == 0)
    #expect(reports.summary.pointsOutstanding == .zero)
    #expect(reports.teams.rows.isEmpty)
    #expect(
      reports.teams.totals
        == TeamStatistics.Row(
          community: "", team: nil, name: "total", kind: nil, membersNow: 0, activeMembers: 0, records: 0,
          minutes: .zero, points: .zero, peopleServed: 0, byCategory: [], byMonth: [], top: []))
    #expect(reports.party.members == [])
    #expect(reports.party.branches == [])
    #expect(
      reports.party.totals
        == PartyParticipation.BranchRow(
          community: "", branch: nil, name: "all party members", partyMembers: 0, checkedIn: 0, active: 0,
          minutes: .zero, communityMinutes: .zero))
  }

  @Test func asOfAFutureDateIsTheWholeLog() throws {
    let log = try Self.demo.get()
    let prefix = Replay.prefix(log.records, asOf: try Self.date("2031-01-01"))
    #expect(prefix.count == log.records.count)
    let window = ReportWindow(from: try Self.date("2025-05-01"))
    #expect(
      Reports(LedgerState(replaying: prefix), window: window)
        == Reports(LedgerState(replaying: log.records), window: window))
  }

  @Test func asOfADateInTheMiddleIsTheLogUpToThatDaysLastEvent() throws {
    let log = try Self.demo.get()
    let directory = try TestDirectory()
    // The demo writes every line at +08:00, Shanghai's offset, so a line's own date is the ledger's.
    #expect(log.records.allSatisfy { $0.at.offsetSeconds == 8 * 3600 })
    let window = ReportWindow(from: try Self.date("2025-04-01"), to: try Self.date("2025-04-30"))
    // A day with events (that of the middle line), and the next day without any after it.
    let day = log.records[log.records.count / 2].at.localDate
    var quiet = LocalDate(daysSinceEpoch: day.daysSinceEpoch + 1)
    while log.records.contains(where: { $0.at.localDate == quiet }) {
      quiet = LocalDate(daysSinceEpoch: quiet.daysSinceEpoch + 1)
    }
    for asOf in [day, quiet] {
      // The lines up to the last one written on or before that day.
      let last = try #require(log.records.lastIndex { $0.at.localDate <= asOf })
      let n = last + 1
      #expect(n < log.records.count)
      #expect(log.records[n].at.localDate > asOf)
      let prefix = Replay.prefix(log.records, asOf: asOf)
      #expect(prefix.count == n, "\(asOf)")
      #expect(
        Reports(LedgerState(replaying: prefix), window: window)
          == Reports(LedgerState(replaying: try Self.cut(log, after: n, in: directory)), window: window),
        "\(asOf)")
    }
    // A quiet day reports what its last busy day did.
    let before = LocalDate(daysSinceEpoch: quiet.daysSinceEpoch - 1)
    #expect(Replay.prefix(log.records, asOf: quiet).count == Replay.prefix(log.records, asOf: before).count)
  }

  @Test func asOfADateIsADayInTheLedgersTimeZone() throws {
    let c = try C(timeZone: "America/New_York")
    // 02:00 on 1 July in Shanghai is 14:00 on 30 June in New York (EDT, UTC-4).
    let lateJune = try TestSupport.time("2025-07-01T02:00:00+08:00")
    try c.record(C.m1, minutes: 60, on: "2025-06-20", id: "s1", at: lateJune)
    try c.run(
      .serviceConfirmed(record: RecordID("s1"), points: .zero), id: "confirm-s1", by: C.secondCoordinator,
      at: lateJune)
    let records = (try c.ledger.records())
    #expect(records.last?.at.offsetSeconds == -4 * 3600)
    #expect(Replay.prefix(records, asOf: try Self.date("2025-06-30")).count == records.count)
    // The setup (31 May, 21:00 in New York) is all there was on 29 June.
    let june29 = Replay.prefix(records, asOf: try Self.date("2025-06-29"))
    #expect(june29.count == records.count - 2)
    #expect(june29.last?.id == "join-sun")
    #expect(Replay.prefix(records, asOf: try Self.date("2025-05-30")).isEmpty)
  }

  // MARK: - Windows at their edges

  /// The demo's 40 volunteers: member i is in team i mod 4 of (elder, green, patrol, arts), so ten in
  /// each; every third (3, 6, ..., 39: 13 of them) is a party member of b1, all checked in on 03-05.
  @Test func anEmptyWindowCountsNothingButStillListsTheTeams() throws {
    let log = try Self.demo.get()
    let state = LedgerState(replaying: log.records)
    let lastService = try #require(
      log.records.compactMap { record -> LocalDate? in
        if case .serviceRecorded(let entry) = record.event { entry.date } else { nil }
      }.max())
    let window = ReportWindow(from: LocalDate(daysSinceEpoch: lastService.daysSinceEpoch + 1))
    let communities = [CommunityLedger(name: "log", state: state)]
    let teams = TeamStatistics(communities, window: window)
    func idle(_ id: String, _ name: String, _ kind: TeamKind) -> TeamStatistics.Row {
      TeamStatistics.Row(
        community: "log", team: TeamID(id), name: name, kind: kind, membersNow: 10, activeMembers: 0,
        records: 0, minutes: .zero, points: .zero, peopleServed: 0, byCategory: [], byMonth: [], top: [])
    }
    // All at zero hours, so in team id order; no "(no team)" row.
    #expect(
      teams.rows
        == [
          idle("arts", "夕阳红文艺队", .selfOrganised), idle("elder", "助老服务队", .serviceTeam),
          idle("green", "环保志愿队", .serviceTeam), idle("patrol", "平安巡逻队", .serviceTeam),
        ])
    #expect(
      teams.totals
        == TeamStatistics.Row(
          community: "", team: nil, name: "total", kind: nil, membersNow: 40, activeMembers: 0, records: 0,
          minutes: .zero, points: .zero, peopleServed: 0, byCategory: [], byMonth: [], top: []))
    let summary = CommunitySummary(communities, window: window)
    #expect(summary == IndependentCount(log.records).summary(name: "log", in: window))
    #expect(summary.registeredVolunteers == 40)
    #expect(summary.partyMemberVolunteers == 13)
    #expect(summary.confirmedRecords == 0)
    #expect(summary.peopleServed == 0)
    #expect(summary.confirmedMinutes == .zero)
    #expect(summary.serviceTeams == 3)
    #expect(summary.selfOrganisedGroups == 1)
    #expect(summary.cards == [.partyOrganisation: 1, .enterprise: 1, .courtyard: 1])
    // Points are as of the report, not windowed.
    #expect(summary.pointsIssued == CommunitySummary(communities, window: ReportWindow()).pointsIssued)
    #expect(summary.pointsIssued > .zero)
    let party = PartyParticipation(communities, window: window, year: 2025)
    #expect(party.members.count == 13)
    #expect(party.members.allSatisfy { $0.records == 0 && $0.minutes == .zero && $0.activities.isEmpty })
    let checkedIn = try Self.date("2025-03-05")
    #expect(party.members.allSatisfy { $0.monthsActive == 0 && $0.checkIn == checkedIn })
    #expect(
      party.branches
        == [
          PartyParticipation.BranchRow(
            community: "log", branch: BranchID("b1"), name: "幸福里社区第一党支部", partyMembers: 13, checkedIn: 13,
            active: 0, minutes: .zero, communityMinutes: .zero)
        ])
    #expect(Percent.text(party.totals.minutes.value, of: party.totals.communityMinutes.value) == "-")
  }

  @Test func aWindowOfOneDayCountsThatDayOnly() throws {
    let log = try Self.demo.get()
    let state = LedgerState(replaying: log.records)
    // The day of s7, the demo's rejected record: that day's other records count, s7 does not.
    let day = try #require(
      log.records.compactMap { record -> LocalDate? in
        if case .serviceRecorded(let entry) = record.event, record.id == "s7" { entry.date } else { nil }
      }.first)
    let window = ReportWindow(from: day, to: day)
    let independent = IndependentCount(log.records)
    let expected = independent.summary(name: "log", in: window)
    #expect(expected.confirmedRecords > 1)
    let communities = [CommunityLedger(name: "log", state: state)]
    #expect(CommunitySummary(communities, window: window) == expected)
    let teams = TeamStatistics(communities, window: window)
    #expect(teams.totals.records == expected.confirmedRecords)
    #expect(teams.totals.minutes == expected.confirmedMinutes)
    #expect(teams.totals.peopleServed == expected.peopleServed)
    #expect(teams.totals.byMonth.map(\.month) == [day.monthText])
    #expect(
      Dictionary(uniqueKeysWithValues: teams.rows.map { ($0.team, $0.minutes.value) })
        == independent.minutesByTeam(in: window))
    // The days either side differ from it.
    let dayBefore = LocalDate(daysSinceEpoch: day.daysSinceEpoch - 1)
    let wider = ReportWindow(from: dayBefore, to: day)
    #expect(
      CommunitySummary(communities, window: wider).confirmedRecords
        == independent.summary(name: "log", in: wider).confirmedRecords)
  }
}

/// A verified log: its bytes, its records, and where each line ends.
private struct VerifiedLog: Sendable {
  var bytes: [UInt8]
  var records: [EventRecord]
  var lineEnds: [Int]

  init(bytes: [UInt8]) throws {
    self.bytes = bytes
    records = try LogReader.verify(bytes).records
    lineEnds = bytes.indices.filter { bytes[$0] == 0x0A }
  }
}

/// The community summary's figures and each team's minutes, counted from the events by a fold written
/// independently of `LedgerState` and the reports.
private struct IndependentCount {
  private var members: [MemberID: (isParty: Bool, hasLeft: Bool)] = [:]
  private var service: [String: (entry: ServiceEntry, status: String)] = [:]
  private var teamKinds: [TeamID: TeamKind] = [:]
  private var cardKinds: [CardID: CardKind] = [:]
  private var issued: Int64 = 0
  private var redeemed: Int64 = 0
  private var redemptions: [String: (points: Int64, isCancelled: Bool)] = [:]
  private var confirmedPoints: [String: Int64] = [:]

  init(_ records: [EventRecord]) {
    for record in records {
      switch record.event {
      case .memberRegistered(let registration):
        members[registration.member] = (registration.isPartyMember, false)
      case .memberChanged(let change):
        if let party = change.isPartyMember { members[change.member]?.isParty = party }
      case .memberLeft(let member, _):
        members[member]?.hasLeft = true
      case .teamCreated(let team, _, let kind):
        teamKinds[team] = kind
      case .cardOpened(let card, _, let kind, _):
        cardKinds[card] = kind
      case .serviceRecorded(let entry):
        service[record.id] = (entry, "pending")
      case .serviceConfirmed(let id, let points):
        service[id.rawValue]?.status = "confirmed"
        confirmedPoints[id.rawValue] = points.hundredths
        issued += points.hundredths
      case .serviceRejected(let id, _):
        service[id.rawValue]?.status = "rejected"
      case .serviceReversed(let id, _):
        service[id.rawValue]?.status = "reversed"
        issued -= confirmedPoints[id.rawValue] ?? 0
      case .rewardRedeemed(_, _, _, let points):
        redemptions[record.id] = (points.hundredths, false)
        redeemed += points.hundredths
      case .redemptionCancelled(let id, _):
        if let redemption = redemptions[id.rawValue], !redemption.isCancelled {
          redemptions[id.rawValue]?.isCancelled = true
          redeemed -= redemption.points
        }
      default:
        break
      }
    }
  }

  private func isConfirmed(_ item: (entry: ServiceEntry, status: String), in window: ReportWindow) -> Bool {
    guard item.status == "confirmed" else { return false }
    if let from = window.from, item.entry.date < from { return false }
    if let to = window.to, item.entry.date > to { return false }
    return true
  }

  func summary(name: String, in window: ReportWindow) -> CommunitySummary {
    var summary = CommunitySummary([], window: ReportWindow())
    summary.communities = [name]
    let present = members.values.filter { !$0.hasLeft }
    summary.registeredVolunteers = present.count
    summary.partyMemberVolunteers = present.filter(\.isParty).count
    for item in service.values where isConfirmed(item, in: window) {
      summary.peopleServed += item.entry.peopleServed
      summary.confirmedMinutes += item.entry.minutes
      summary.confirmedRecords += 1
    }
    summary.pendingRecords = service.values.filter { $0.status == "pending" }.count
    summary.serviceTeams = teamKinds.values.filter { $0 == .serviceTeam }.count
    summary.selfOrganisedGroups = teamKinds.values.filter { $0 == .selfOrganised }.count
    for kind in cardKinds.values { summary.cards[kind, default: 0] += 1 }
    summary.pointsIssued = Points(hundredths: issued)
    summary.pointsRedeemed = Points(hundredths: redeemed)
    return summary
  }

  /// Confirmed minutes per team (nil: no team) in the window; every team is listed, a no-team entry
  /// only when there is such service.
  func minutesByTeam(in window: ReportWindow) -> [TeamID?: Int] {
    var minutes: [TeamID?: Int] = [:]
    for team in teamKinds.keys { minutes[team] = 0 }
    for item in service.values where isConfirmed(item, in: window) {
      minutes[item.entry.team, default: 0] += item.entry.minutes.value
    }
    return minutes
  }
}

/// A run of random commands on `TestCommunity`, mostly service and party life, many of them refused;
/// deterministic for a seed. The log is read back from the file once the ledger is released.
private struct RandomRun {
  var log: VerifiedLog

  typealias C = TestCommunity

  init(seed: UInt64, count: Int) throws {
    let directory: TestDirectory
    let path: String
    do {
      let c = try C()
      directory = c.directory
      path = c.path
      var chaos = PartyChaos(seed: seed, start: try TestSupport.time("2025-06-02T08:00:00+08:00"))
      for _ in 0..<count {
        let (event, actor, at) = chaos.next(in: c.state)
        do {
          try c.run(event, by: actor, at: at)
        } catch LedgerError.rejected {
          continue
        }
      }
    }
    log = try VerifiedLog(bytes: try TestSupport.bytes(of: path))
    withExtendedLifetime(directory) {}
  }
}

/// Random commands, mostly service and party life, from plausible actors (some refused). Deterministic
/// for a seed; time moves on by up to four hours a command, so a run spans a few months.
private struct PartyChaos {
  private var random: SeededGenerator
  private var clock: Int64
  private var counter = 0

  typealias C = TestCommunity

  private static let categories = ["助老", "环境整治", "治安巡逻"]
  private static let workplaces = ["区税务局机关党委", "市第一医院党委", "幸福里小学党支部"]

  init(seed: UInt64, start: Timestamp) {
    random = SeededGenerator(seed: seed)
    clock = start.secondsSinceEpoch
  }

  private mutating func number(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

  private mutating func chance(_ percent: Int) -> Bool { number(0...99) < percent }

  private mutating func pick<T>(_ items: [T], or fallback: T) -> T {
    items.isEmpty ? fallback : items[number(0...items.count - 1)]
  }

  private mutating func back(_ today: LocalDate, _ days: ClosedRange<Int>) -> LocalDate {
    LocalDate(daysSinceEpoch: today.daysSinceEpoch - number(days))
  }

  private static func secretary(of branch: BranchID?) -> ActorID {
    branch == C.b2 ? C.otherSecretary : C.secretary
  }

  mutating func next(in state: LedgerState) -> (Event, ActorID, Timestamp) {
    clock += Int64(number(0...14_400))
    let at = Timestamp(secondsSinceEpoch: clock, offsetSeconds: 8 * 3600)
    let today = at.localDate
    let active = state.members.filter { $0.value.isActive }.keys.sorted()
    let party = state.members.filter { $0.value.isActive && $0.value.registration.isPartyMember }
      .sorted { $0.key < $1.key }
    let pending = state.records.filter { $0.value.status == .pending }.keys.sorted()
    let confirmed = state.records.filter { if case .confirmed = $0.value.status { true } else { false } }
      .keys.sorted()
    let openActivities = state.activities.filter { $0.value.status == .pending }.keys.sorted()
    let roll = number(0...99)
    switch roll {
    case 0..<30:
      let member = pick(active, or: C.m1)
      let teams = state.members[member]?.teams.sorted() ?? []
      let team: TeamID? = chance(70) ? teams.first.map { _ in pick(teams, or: C.elder) } : nil
      let entry = ServiceEntry(
        member: member, date: back(today, 0...20), minutes: Minutes(pick([30, 45, 60, 90, 120], or: 60)),
        category: pick(Self.categories, or: "助老"), team: team, peopleServed: number(0...5),
        creditTo: chance(10) ? .card(C.tax) : nil)
      return (.serviceRecorded(entry), chance(50) ? C.coordinator : C.secondCoordinator, at)
    case 30..<55:
      let id = pick(pending, or: RecordID("none"))
      let decider = state.records[id]?.recordedBy == C.coordinator ? C.secondCoordinator : C.coordinator
      return (.serviceConfirmed(record: id, points: .zero), decider, at)
    case 55..<59:
      let id = pick(pending, or: RecordID("none"))
      let decider = state.records[id]?.recordedBy == C.coordinator ? C.secondCoordinator : C.coordinator
      return (.serviceRejected(record: id, reason: "重复登记"), decider, at)
    case 59..<62:
      return (
        .serviceReversed(record: pick(confirmed, or: RecordID("none")), reason: "登记错误"), C.coordinator, at
      )
    case 62..<69:
      let (member, state) = pick(party.map { ($0.key, $0.value) }, or: (C.m1, state.members[C.m1]))
      let branch = state?.registration.branch ?? C.b1
      counter += 1
      let checkIn = PartyCheckIn(
        member: member, branch: branch, workplace: pick(Self.workplaces, or: "区税务局机关党委"),
        date: back(today, 0...40))
      return (.partyReported(checkIn), chance(50) ? Self.secretary(of: branch) : C.coordinator, at)
    case 69..<80:
      let member = pick(party.map(\.key), or: C.m1)
      let activity = PartyActivity(
        member: member, kind: pick(PartyActivityKind.allCases, or: .meeting), date: back(today, 0...40),
        note: chance(20) ? "认领微心愿" : nil)
      return (.partyActivityRecorded(activity), C.coordinator, at)
    case 80..<90:
      let id = pick(openActivities, or: ActivityID("none"))
      let member = state.activities[id]?.activity.member ?? C.m1
      let decider = Self.secretary(of: state.members[member]?.registration.branch)
      let event: Event =
        chance(75)
        ? .partyActivityConfirmed(activity: id) : .partyActivityRejected(activity: id, reason: "未参加")
      return (event, decider, at)
    case 90..<93:
      counter += 1
      let isParty = chance(60)
      let registration = MemberRegistration(
        member: MemberID("n\(counter)"), name: "志愿者\(counter)", isPartyMember: isParty,
        branch: isParty ? pick([C.b1, C.b2], or: C.b1) : nil, joined: back(today, 10...60))
      return (.memberRegistered(registration), C.coordinator, at)
    case 93..<96:
      let team = pick([C.elder, C.green], or: C.elder)
      return (.teamJoined(team: team, member: pick(active, or: C.m2), date: today), C.coordinator, at)
    case 96:
      return (.memberLeft(member: pick(active, or: C.m4), date: today), C.coordinator, at)
    case 97:
      return (.rewardRestocked(item: C.haircut, quantity: 3), C.admin, at)
    default:
      let rich = active.filter { state.balance(of: .member($0)) >= Points(hundredths: 500) }
      let member = pick(rich, or: C.m2)
      return (
        .rewardRedeemed(account: .member(member), item: C.haircut, quantity: 1, points: .zero),
        ActorID(member.rawValue), at
      )
    }
  }
}
