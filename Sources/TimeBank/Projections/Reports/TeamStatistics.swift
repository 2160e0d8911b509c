/// Per team (志愿服务队 and 自组织 alike): members, activity and confirmed service in a window.
public struct TeamStatistics: Equatable, Sendable {
  /// One volunteer among a team's top volunteers by hours.
  public struct Volunteer: Equatable, Sendable {
    public var member: MemberID
    public var name: String
    public var minutes: Minutes
  }

  public struct Row: Equatable, Sendable {
    public var community: String
    /// Nil for the row of service recorded without a team, and for the totals row.
    public var team: TeamID?
    public var name: String
    public var kind: TeamKind?
    /// Members in the team now (as of the report's point in time).
    public var membersNow: Int
    /// Distinct members with confirmed service in the window.
    public var activeMembers: Int
    public var records: Int
    public var minutes: Minutes
    public var points: Points
    public var peopleServed: Int
    /// Hours by category, most first (ties by name).
    public var byCategory: [(category: String, minutes: Minutes)]
    /// Hours by month `YYYY-MM`, in order.
    public var byMonth: [(month: String, minutes: Minutes)]
    /// The five volunteers with the most hours (ties by id).
    public var top: [Volunteer]

    public static func == (lhs: Row, rhs: Row) -> Bool {
      lhs.community == rhs.community && lhs.team == rhs.team && lhs.name == rhs.name && lhs.kind == rhs.kind
        && lhs.membersNow == rhs.membersNow && lhs.activeMembers == rhs.activeMembers
        && lhs.records == rhs.records && lhs.minutes == rhs.minutes && lhs.points == rhs.points
        && lhs.peopleServed == rhs.peopleServed
        && lhs.byCategory.map(\.category) == rhs.byCategory.map(\.category)
        && lhs.byCategory.map(\.minutes) == rhs.byCategory.map(\.minutes)
        && lhs.byMonth.map(\.month) == rhs.byMonth.map(\.month)
        && lhs.byMonth.map(\.minutes) == rhs.byMonth.map(\.minutes)
        && lhs.top == rhs.top
    }
  }

  public static let topCount = 5

  /// Teams sorted by hours (most first), then community and team id.
  public var rows: [Row]
  public var totals: Row

  /// Builds the statistics of every team of every community, counting confirmed service in `window`.
  /// - Complexity: O(r log r + m) for r records and m memberships.
  public init(_ communities: [CommunityLedger], window: ReportWindow) {
    var rows: [Row] = []
    var all = Accumulator()
    var everyMember: Set<MemberKey> = []
    // Names are looked up for the few top volunteers of each row, not for every record.
    func name(_ key: MemberKey) -> String {
      communities[key.community].state.members.read(key.member) { $0.name } ?? key.member.rawValue
    }
    // Members are told apart by their log's position, so two communities of the same name stay two.
    for (position, community) in communities.enumerated() {
      var byTeam: [TeamID?: Accumulator] = [:]
      community.forEachConfirmedRecord(in: window) { _, record, points in
        let member = MemberKey(community: position, member: record.entry.member)
        byTeam[record.entry.team, default: Accumulator()].add(record.entry, points: points, key: member)
      }
      // The totals are the teams' sums (a record counts in one team, or in none): merged once here
      // instead of each record being counted twice, which cost a third of the report at a million lines.
      for team in byTeam.values { all.merge(team) }
      for (id, team) in community.state.teams {
        everyMember.formUnion(team.members.map { MemberKey(community: position, member: $0) })
        let accumulator = byTeam[id] ?? Accumulator()
        rows.append(
          accumulator.row(
            memberName: name,
            community: community.name, team: id, name: team.name, kind: team.kind,
            membersNow: team.members.count))
      }
      if let loose = byTeam[nil] {
        rows.append(
          loose.row(
            memberName: name, community: community.name, team: nil, name: "(no team)", kind: nil,
            membersNow: 0))
      }
    }
    self.rows = rows.sorted {
      ($1.minutes.value, $0.community, $0.team?.rawValue ?? "\u{10FFFF}") < (
        $0.minutes.value, $1.community, $1.team?.rawValue ?? "\u{10FFFF}"
      )
    }
    totals = all.row(
      memberName: name, community: "", team: nil, name: "total", kind: nil, membersNow: everyMember.count)
  }

  /// A member of one of the communities reported on.
  struct MemberKey: Hashable {
    var community: Int
    var member: MemberID

    /// The order of top volunteers of equal hours: by this text.
    var sortText: String { "\(community)\u{1F}\(member.rawValue)" }
  }

  /// Sums of one group of records.
  struct Accumulator {
    var records = 0
    var minutes = Minutes.zero
    var points = Points.zero
    var served = 0
    var byCategory: [String: Minutes] = [:]
    /// Keyed by year * 100 + month; spelled `YYYY-MM` for the row.
    var byMonth: [Int: Minutes] = [:]
    var byMember: [MemberKey: Minutes] = [:]

    /// Adds what `other` counted.
    mutating func merge(_ other: Accumulator) {
      records += other.records
      minutes += other.minutes
      points += other.points
      served += other.served
      byCategory.merge(other.byCategory, uniquingKeysWith: +)
      byMonth.merge(other.byMonth, uniquingKeysWith: +)
      byMember.merge(other.byMember, uniquingKeysWith: +)
    }

    mutating func add(_ entry: ServiceEntry, points: Points, key: MemberKey) {
      records += 1
      minutes += entry.minutes
      self.points += points
      served += entry.peopleServed
      byCategory[entry.category, default: .zero] += entry.minutes
      byMonth[entry.date.year * 100 + entry.date.month, default: .zero] += entry.minutes
      byMember[key, default: .zero] += entry.minutes
    }

    /// - Parameter memberName: a member's name, looked up for the top volunteers only.
    func row(
      memberName: (MemberKey) -> String, community: String, team: TeamID?, name: String, kind: TeamKind?,
      membersNow: Int
    ) -> Row {
      let top = byMember.map { (key: $0.key, text: $0.key.sortText, minutes: $0.value) }
        .sorted { ($1.minutes.value, $0.text) < ($0.minutes.value, $1.text) }
        .prefix(TeamStatistics.topCount)
      return Row(
        community: community, team: team, name: name, kind: kind, membersNow: membersNow,
        activeMembers: byMember.count,
        records: records, minutes: minutes, points: points, peopleServed: served,
        byCategory: byCategory.sorted { ($1.value.value, $0.key) < ($0.value.value, $1.key) }.map {
          ($0.key, $0.value)
        },
        byMonth: byMonth.sorted { $0.key < $1.key }.map { month, minutes in
          ((LocalDate(year: month / 100, month: month % 100, day: 1)?.monthText ?? ""), minutes)
        },
        top: top.map { entry in
          Volunteer(member: entry.key.member, name: memberName(entry.key), minutes: entry.minutes)
        })
    }
  }
}
