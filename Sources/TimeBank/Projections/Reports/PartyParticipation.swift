/// Party members' participation: per member and per branch, in a window of dates.
public struct PartyParticipation: Equatable, Sendable {
  public struct MemberRow: Equatable, Sendable {
    public var community: String
    public var member: MemberID
    public var name: String
    public var branch: BranchID?
    /// The latest check-in (双报到) as of the report, and its workplace party organisation.
    public var checkIn: LocalDate?
    public var workplace: String?
    /// Confirmed service in the window.
    public var records: Int
    public var minutes: Minutes
    /// Confirmed activities in the window, by kind.
    public var activities: [PartyActivityKind: Int]
    /// Distinct months with confirmed service or activity in the window.
    public var monthsActive: Int
    /// Confirmed service in the target year, and the policy's annual target then.
    public var yearMinutes: Minutes
    public var target: Minutes
  }

  public struct BranchRow: Equatable, Sendable {
    public var community: String
    /// Nil for the totals row over all party members (including those in no branch).
    public var branch: BranchID?
    public var name: String
    public var partyMembers: Int
    public var checkedIn: Int
    public var active: Int
    public var minutes: Minutes
    /// All confirmed service of the community (or communities) in the window: the share's denominator.
    public var communityMinutes: Minutes
  }

  /// The calendar year the annual target is measured in.
  public var year: Int
  public var members: [MemberRow]
  public var branches: [BranchRow]
  public var totals: BranchRow

  /// Builds the report.
  /// - Parameters:
  ///   - window: the dates of service and activities counted.
  ///   - year: the year whose confirmed hours are compared with the annual target.
  /// - Complexity: O(r + a + m log m) for r records, a activities, m members.
  public init(_ communities: [CommunityLedger], window: ReportWindow, year: Int) {
    self.year = year
    var members: [MemberRow] = []
    var branches: [BranchRow] = []
    var all = BranchRow(
      community: "", branch: nil, name: "all party members", partyMembers: 0, checkedIn: 0, active: 0,
      minutes: .zero, communityMinutes: .zero)
    for community in communities {
      let state = community.state
      // Months keyed by year * 100 + month: only their number is reported.
      var served: [MemberID: (records: Int, minutes: Minutes, year: Minutes, months: Set<Int>)] = [:]
      var communityMinutes = Minutes.zero
      // Each record is read in place, not copied out.
      state.records.forEachValue { record in
        guard case .confirmed = record.status else { return }
        let member = record.entry.member
        if record.entry.date.year == year {
          served[member, default: (0, .zero, .zero, [])].year += record.entry.minutes
        }
        guard window.contains(record.entry.date) else { return }
        communityMinutes += record.entry.minutes
        served[member, default: (0, .zero, .zero, [])].records += 1
        served[member, default: (0, .zero, .zero, [])].minutes += record.entry.minutes
        let date = record.entry.date
        served[member, default: (0, .zero, .zero, [])].months.insert(date.year * 100 + date.month)
      }
      var activities: [MemberID: [PartyActivityKind: Int]] = [:]
      for activity in state.activities.values
      where activity.status == .confirmed && window.contains(activity.activity.date) {
        activities[activity.activity.member, default: [:]][activity.activity.kind, default: 0] += 1
        served[activity.activity.member, default: (0, .zero, .zero, [])].months.insert(
          activity.activity.date.year * 100 + activity.activity.date.month)
      }
      var byBranch: [BranchID?: BranchRow] = [:]
      // Party members of the community now: those who left are counted in neither members nor branches.
      for (id, member) in state.members.sorted(by: { $0.key < $1.key })
      where member.registration.isPartyMember && member.isActive {
        let latest = state.checkIns[id]?.max { $0.checkIn.date < $1.checkIn.date }?.checkIn
        let service = served[id] ?? (0, .zero, .zero, [])
        let row = MemberRow(
          community: community.name, member: id, name: member.name, branch: member.registration.branch,
          checkIn: latest?.date, workplace: latest?.workplace, records: service.records,
          minutes: service.minutes,
          activities: activities[id] ?? [:], monthsActive: service.months.count, yearMinutes: service.year,
          target: state.policy(on: LocalDate(year: year, month: 12, day: 31) ?? LocalDate(daysSinceEpoch: 0))
            .partyAnnualTarget)
        members.append(row)
        let branch = member.registration.branch
        var branchRow =
          byBranch[branch]
          ?? BranchRow(
            community: community.name, branch: branch,
            name: branch.flatMap { state.branches[$0] } ?? "(no branch)",
            partyMembers: 0, checkedIn: 0, active: 0, minutes: .zero, communityMinutes: communityMinutes)
        branchRow.partyMembers += 1
        if latest != nil { branchRow.checkedIn += 1 }
        if service.months.isEmpty == false { branchRow.active += 1 }
        branchRow.minutes += service.minutes
        byBranch[branch] = branchRow
      }
      for id in state.branches.keys where byBranch[id] == nil {
        byBranch[id] = BranchRow(
          community: community.name, branch: id, name: state.branches[id] ?? id.rawValue, partyMembers: 0,
          checkedIn: 0, active: 0, minutes: .zero, communityMinutes: communityMinutes)
      }
      for row in byBranch.values {
        all.partyMembers += row.partyMembers
        all.checkedIn += row.checkedIn
        all.active += row.active
        all.minutes += row.minutes
      }
      all.communityMinutes += communityMinutes
      branches += byBranch.values.sorted {
        ($0.branch?.rawValue ?? "\u{10FFFF}") < ($1.branch?.rawValue ?? "\u{10FFFF}")
      }
    }
    self.members = members
    self.branches = branches
    totals = all
  }
}

/// One entry of a party member's handbook (党员手册).
public struct HandbookEntry: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    case checkIn
    case service(category: String, minutes: Minutes, team: TeamID?)
    case activity(PartyActivityKind)
  }

  public var date: LocalDate
  public var seq: Int
  public var id: String
  public var kind: Kind
  /// pending, confirmed, rejected or reversed (a check-in is `reported`).
  public var status: String
  public var note: String
  public var recordedBy: ActorID?
  public var decidedBy: ActorID?
}

/// Everything a party member did, in order, with the totals of each year: the 党员手册.
public struct PartyHandbook: Equatable, Sendable {
  public struct YearTotals: Equatable, Sendable {
    public var year: Int
    public var records: Int
    public var minutes: Minutes
    public var target: Minutes
    public var activities: [PartyActivityKind: Int]
  }

  public var member: MemberID
  public var name: String
  public var entries: [HandbookEntry]
  public var years: [YearTotals]

  /// The handbook of `member`, or nil when there is no such member.
  public init?(member: MemberID, in state: LedgerState) {
    guard let registration = state.members[member]?.registration else { return nil }
    self.member = member
    name = registration.name
    var entries: [HandbookEntry] = []
    for stored in state.checkIns[member] ?? [] {
      entries.append(
        HandbookEntry(
          date: stored.checkIn.date, seq: stored.seq, id: stored.id, kind: .checkIn, status: "reported",
          note: "\(stored.checkIn.workplace) → \(stored.checkIn.branch)", recordedBy: stored.recordedBy,
          decidedBy: nil))
    }
    for (id, record) in state.records where record.entry.member == member {
      entries.append(
        HandbookEntry(
          date: record.entry.date, seq: record.seq, id: id.rawValue,
          kind: .service(
            category: record.entry.category, minutes: record.entry.minutes, team: record.entry.team),
          status: record.status.name, note: record.entry.place ?? "", recordedBy: record.recordedBy,
          decidedBy: record.decidedBy))
    }
    for (id, activity) in state.activities where activity.activity.member == member {
      entries.append(
        HandbookEntry(
          date: activity.activity.date, seq: activity.seq, id: id.rawValue,
          kind: .activity(activity.activity.kind),
          status: activity.status.rawValue, note: activity.activity.note ?? "",
          recordedBy: activity.recordedBy,
          decidedBy: activity.decidedBy))
    }
    self.entries = entries.sorted { ($0.date, $0.seq) < ($1.date, $1.seq) }
    var years: [Int: YearTotals] = [:]
    for entry in self.entries where entry.status == "confirmed" {
      let year = entry.date.year
      var totals =
        years[year]
        ?? YearTotals(
          year: year, records: 0, minutes: .zero,
          target: state.policy(on: LocalDate(year: year, month: 12, day: 31) ?? entry.date).partyAnnualTarget,
          activities: [:])
      switch entry.kind {
      case .service(_, let minutes, _):
        totals.records += 1
        totals.minutes += minutes
      case .activity(let kind):
        totals.activities[kind, default: 0] += 1
      case .checkIn:
        break
      }
      years[year] = totals
    }
    self.years = years.values.sorted { $0.year < $1.year }
  }
}

/// The quarterly service card a community sends back to a member's workplace party organisation.
public struct QuarterlyServiceCard: Equatable, Sendable {
  public struct MemberRow: Equatable, Sendable {
    public var community: String
    public var member: MemberID
    public var name: String
    public var branch: BranchID
    public var checkIn: LocalDate
    public var records: Int
    public var minutes: Minutes
    public var activities: [PartyActivityKind: Int]
  }

  public struct ServiceLine: Equatable, Sendable {
    public var community: String
    public var member: MemberID
    public var name: String
    public var date: LocalDate
    public var category: String
    public var minutes: Minutes
    public var team: TeamID?
    public var confirmedBy: ActorID?
  }

  public var workplace: String
  public var window: ReportWindow
  public var members: [MemberRow]
  public var services: [ServiceLine]

  /// The card for party members who checked in from `workplace`, counting confirmed service and
  /// activities in `window` (a quarter).
  public init(_ communities: [CommunityLedger], workplace: String, window: ReportWindow) {
    self.workplace = workplace
    self.window = window
    var members: [MemberRow] = []
    var services: [ServiceLine] = []
    for community in communities {
      let state = community.state
      // Once per community, not once per member: each call reads and sorts every record.
      let confirmed = community.confirmedRecords(in: window)
      for (id, checkIns) in state.checkIns.sorted(by: { $0.key < $1.key }) {
        guard let checkIn = checkIns.last(where: { $0.checkIn.workplace == workplace })?.checkIn,
          let member = state.members[id]
        else { continue }
        var row = MemberRow(
          community: community.name, member: id, name: member.name, branch: checkIn.branch,
          checkIn: checkIn.date,
          records: 0, minutes: .zero, activities: [:])
        for (_, record, _) in confirmed where record.entry.member == id {
          row.records += 1
          row.minutes += record.entry.minutes
          services.append(
            ServiceLine(
              community: community.name, member: id, name: member.name, date: record.entry.date,
              category: record.entry.category, minutes: record.entry.minutes, team: record.entry.team,
              confirmedBy: record.decidedBy))
        }
        for activity in state.activities.values
        where activity.activity.member == id && activity.status == .confirmed
          && window.contains(activity.activity.date)
        {
          row.activities[activity.activity.kind, default: 0] += 1
        }
        members.append(row)
      }
    }
    self.members = members
    self.services = services.sorted { ($0.member, $0.date) < ($1.member, $1.date) }
  }
}
