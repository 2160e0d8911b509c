import TimeBank

extension Context {
  /// Every `--log` given (a street office reads several communities at once), else the one log.
  var logPaths: [String] {
    let given = parsed.values("log")
    return given.isEmpty ? [logPath] : given
  }

  /// Reads and verifies each log on its own, and replays each up to `--as-of` / `--as-of-seq`.
  mutating func readCommunities() throws(Failure) -> [CommunityLedger] {
    try validateViewOptions()
    let asOf = try date("as-of")
    let asOfSeq = try integer("as-of-seq")
    if let asOfSeq, asOfSeq < 0 { throw usage("as-of-seq", String(asOfSeq), "expected a seq of 0 or more") }
    var communities: [CommunityLedger] = []
    for path in logPaths {
      let state: LedgerState
      let lastAt: Timestamp?
      if asOf == nil && asOfSeq == nil {
        let loaded = try currentState(at: path)
        state = loaded.state
        lastAt = loaded.lastEventAt
      } else {
        let contents = try readLog(at: path)
        let records = Replay.prefix(contents.records, asOf: asOf, asOfSeq: asOfSeq)
        state = LedgerState(replaying: records)
        lastAt = records.last?.at
      }
      communities.append(
        CommunityLedger(
          name: state.community.isEmpty ? path : state.community, state: state,
          lastEventDate: lastAt.map { state.localDate(of: $0) }))
    }
    return communities
  }

  func window() throws(Failure) -> ReportWindow { ReportWindow(from: try date("from"), to: try date("to")) }

  /// The lines above every report: which communities, which window, as of when.
  func heading(_ title: String, _ communities: [CommunityLedger], _ window: ReportWindow) -> [String] {
    var lines = [title + ": " + communities.map(\.name).joined(separator: ", ")]
    let from = window.from?.description ?? "the start"
    let to = window.to?.description ?? "the end"
    lines.append("service dates: \(window.from == nil && window.to == nil ? "all" : "\(from) to \(to)")")
    let seqs = communities.map { "\($0.state.lastSeq)" }.joined(separator: ", ")
    lines.append("as of seq \(seqs)")
    return lines
  }

  func windowJSON(_ communities: [CommunityLedger], _ window: ReportWindow) -> [(String, OutputJSON)] {
    [
      ("communities", .array(communities.map { .string($0.name) })),
      ("from", window.from.map { .string($0.description) } ?? .null),
      ("to", window.to.map { .string($0.description) } ?? .null),
      ("asOfSeq", .array(communities.map { .integer($0.state.lastSeq) })),
    ]
  }
}

/// Handlers of `report teams|party|community` and `party show`.
enum ReportCommands {
  static func hours(_ minutes: Minutes) -> String { minutes.hoursText }
  static let kinds = PartyActivityKind.allCases

  // MARK: Teams

  static func teams(_ context: inout Context) throws(Failure) {
    let communities = try context.readCommunities()
    let window = try context.window()
    let statistics = TeamStatistics(communities, window: window)
    let several = communities.count > 1
    let prefix: [Report.Column] = several ? [.init("community", "COMMUNITY")] : []
    func lead(_ row: TeamStatistics.Row) -> [String] { several ? [row.community] : [] }
    func main(_ row: TeamStatistics.Row) -> [String] {
      lead(row) + [
        row.team?.rawValue ?? "-", row.name, row.kind?.rawValue ?? "", String(row.membersNow),
        String(row.activeMembers),
        String(row.records), hours(row.minutes), row.points.description, String(row.peopleServed),
      ]
    }
    var totals = main(statistics.totals)
    totals[several ? 1 : 0] = "total"
    totals[several ? 2 : 1] = "(all teams)"
    if several { totals[0] = "" }
    let teams = Report(
      columns: prefix + [
        .init("team", "TEAM"), .init("name", "NAME"), .init("kind", "KIND"),
        .init("membersNow", "MEMBERS", numeric: true),
        .init("activeMembers", "ACTIVE", numeric: true), .init("records", "RECORDS", numeric: true),
        .init("hours", "HOURS", numeric: true), .init("points", "POINTS", numeric: true),
        .init("peopleServed", "SERVED", numeric: true),
      ],
      rows: statistics.rows.map(main), footer: [totals], includeFooterInData: true)
    let teamColumns: [Report.Column] = prefix + [.init("team", "TEAM")]
    let byCategory = Report(
      columns: teamColumns + [.init("category", "CATEGORY"), .init("hours", "HOURS", numeric: true)],
      rows: statistics.rows.flatMap { row in
        row.byCategory.map { lead(row) + [row.team?.rawValue ?? "-", $0.category, hours($0.minutes)] }
      })
    let byMonth = Report(
      columns: teamColumns + [.init("month", "MONTH"), .init("hours", "HOURS", numeric: true)],
      rows: statistics.rows.flatMap { row in
        row.byMonth.map { lead(row) + [row.team?.rawValue ?? "-", $0.month, hours($0.minutes)] }
      })
    let top = Report(
      columns: teamColumns + [
        .init("rank", "RANK", numeric: true), .init("member", "MEMBER"), .init("name", "NAME"),
        .init("hours", "HOURS", numeric: true),
      ],
      rows: statistics.rows.flatMap { row in
        row.top.enumerated().map { index, volunteer in
          lead(row) + [
            row.team?.rawValue ?? "-", String(index + 1), volunteer.member.rawValue, volunteer.name,
            hours(volunteer.minutes),
          ]
        }
      })
    func json(_ row: TeamStatistics.Row) -> OutputJSON {
      var members: [(String, OutputJSON)] = several ? [("community", .string(row.community))] : []
      members += [
        ("team", row.team.map { .string($0.rawValue) } ?? .null), ("name", .string(row.name)),
        ("kind", row.kind.map { .string($0.rawValue) } ?? .null), ("membersNow", .integer(row.membersNow)),
        ("activeMembers", .integer(row.activeMembers)), ("records", .integer(row.records)),
        ("hours", .number(hours(row.minutes))), ("points", .number(row.points.description)),
        ("peopleServed", .integer(row.peopleServed)),
        (
          "byCategory",
          .array(
            row.byCategory.map {
              .object([("category", .string($0.category)), ("hours", .number(hours($0.minutes)))])
            })
        ),
        (
          "byMonth",
          .array(
            row.byMonth.map {
              .object([("month", .string($0.month)), ("hours", .number(hours($0.minutes)))])
            })
        ),
        (
          "topVolunteers",
          .array(
            row.top.map {
              .object([
                ("member", .string($0.member.rawValue)), ("name", .string($0.name)),
                ("hours", .number(hours($0.minutes))),
              ])
            })
        ),
      ]
      return .object(members)
    }
    let document = Document(
      heading: context.heading("team statistics", communities, window),
      sections: [
        ("teams", teams), ("hours by category", byCategory), ("hours by month", byMonth),
        ("top volunteers", top),
      ],
      json: .object(
        context.windowJSON(communities, window) + [
          ("teams", .array(statistics.rows.map(json))), ("totals", json(statistics.totals)),
        ]))
    context.output += document.render(try context.format())
  }

  // MARK: Community

  static func community(_ context: inout Context) throws(Failure) {
    let communities = try context.readCommunities()
    let window = try context.window()
    let summary = CommunitySummary(communities, window: window)
    let figures = communityFigures(summary)
    let table = figuresTable(figures)
    let csv = Report(
      columns: [.init("figure", "figure"), .init("value", "value")], rows: figures.map { [$0.0, $0.2] })
    let json = OutputJSON.object(
      context.windowJSON(communities, window) + figures.map { ($0.0, $0.3 ? .number($0.2) : .string($0.2)) })
    let format = try context.format()
    switch format {
    case .table:
      var table = table
      if window.from != nil || window.to != nil {
        table.notes = [
          "people served, hours and records count service dates in the window; the other figures are as of the report"
        ]
      }
      let document = Document(
        heading: context.heading("community summary", communities, window), sections: [("figures", table)],
        json: json)
      context.output += document.render(.table)
    case .csv: context.output += csv.render(.csv)
    case .json: context.output += json.render()
    }
  }

  /// The table of community figures: label and value.
  static func figuresTable(_ figures: [(String, String, String, Bool)]) -> Report {
    Report(
      columns: [.init("figure", "FIGURE"), .init("value", "VALUE", numeric: true)],
      rows: figures.map { [$0.1, $0.2] })
  }

  /// Each figure: its JSON/CSV key, its label, its value, and whether the value is a number.
  static func communityFigures(_ summary: CommunitySummary) -> [(String, String, String, Bool)] {
    [
      ("registeredVolunteers", "registered volunteers", String(summary.registeredVolunteers), true),
      ("partyMemberVolunteers", "party-member volunteers", String(summary.partyMemberVolunteers), true),
      (
        "partyMemberShare", "party-member share of volunteers",
        Percent.text(summary.partyMemberVolunteers, of: summary.registeredVolunteers), false
      ),
      ("peopleServed", "people served", String(summary.peopleServed), true),
      ("confirmedHours", "confirmed service hours", hours(summary.confirmedMinutes), true),
      ("confirmedRecords", "confirmed service records", String(summary.confirmedRecords), true),
      ("serviceTeams", "service teams (志愿服务队)", String(summary.serviceTeams), true),
      ("selfOrganisedGroups", "self-organised groups (自组织)", String(summary.selfOrganisedGroups), true),
      (
        "partyOrganisationCards", "party-organisation cards (单位党组织储蓄卡)",
        String(summary.cards[.partyOrganisation] ?? 0), true
      ),
      ("enterpriseCards", "enterprise cards (企业卡)", String(summary.cards[.enterprise] ?? 0), true),
      ("courtyardCards", "courtyard cards (院落集体卡)", String(summary.cards[.courtyard] ?? 0), true),
      ("pointsIssued", "points issued", summary.pointsIssued.description, true),
      ("pointsRedeemed", "points redeemed", summary.pointsRedeemed.description, true),
      ("pointsOutstanding", "points outstanding", summary.pointsOutstanding.description, true),
      ("pendingRecords", "records pending confirmation", String(summary.pendingRecords), true),
    ]
  }

  // MARK: Party

  static func party(_ context: inout Context) throws(Failure) {
    if context.parsed.value("workplace") != nil || context.parsed.value("quarter") != nil {
      try quarterlyCard(&context)
      return
    }
    let communities = try context.readCommunities()
    let window = try context.window()
    // The target year: --year, else the window's last year, else the year of the latest service, else
    // of the latest event, else this year.
    let thisYear = try context.now().localDate.year
    let year =
      try context.integer("year") ?? window.to?.year ?? communities.compactMap(lastDate).max()?.year
      ?? communities.compactMap(\.lastEventDate).max()?.year ?? window.from?.year ?? thisYear
    let report = PartyParticipation(communities, window: window, year: year)
    let several = communities.count > 1
    let prefix: [Report.Column] = several ? [.init("community", "COMMUNITY")] : []
    let memberRows = report.members.map { row in
      (several ? [row.community] : []) + [
        row.member.rawValue, row.name, row.branch?.rawValue ?? "", row.checkIn?.description ?? "",
        row.workplace ?? "",
        String(row.records), hours(row.minutes),
      ] + kinds.map { String(row.activities[$0] ?? 0) } + [
        String(row.monthsActive), hours(row.yearMinutes), hours(row.target),
        Percent.text(row.yearMinutes.value, of: row.target.value),
      ]
    }
    let members = Report(
      columns: prefix + [
        .init("member", "MEMBER"), .init("name", "NAME"), .init("branch", "BRANCH"),
        .init("checkIn", "CHECKED IN"),
        .init("workplace", "WORKPLACE"), .init("records", "RECORDS", numeric: true),
        .init("hours", "HOURS", numeric: true),
      ] + kinds.map { .init($0.rawValue, $0.rawValue.uppercased(), numeric: true) } + [
        .init("monthsActive", "MONTHS", numeric: true), .init("yearHours", "\(year) HOURS", numeric: true),
        .init("targetHours", "TARGET", numeric: true), .init("progress", "PROGRESS", numeric: true),
      ],
      rows: memberRows)
    func branchRow(_ row: PartyParticipation.BranchRow) -> [String] {
      (several ? [row.community] : []) + [
        row.branch?.rawValue ?? "total", row.name, String(row.partyMembers), String(row.checkedIn),
        String(row.active),
        hours(row.minutes), Percent.text(row.minutes.value, of: row.communityMinutes.value),
      ]
    }
    var totals = branchRow(report.totals)
    if several { totals[0] = "" }
    let branches = Report(
      columns: prefix + [
        .init("branch", "BRANCH"), .init("name", "NAME"),
        .init("partyMembers", "PARTY MEMBERS", numeric: true),
        .init("checkedIn", "CHECKED IN", numeric: true), .init("active", "ACTIVE", numeric: true),
        .init("hours", "HOURS", numeric: true), .init("share", "SHARE OF ALL HOURS", numeric: true),
      ],
      rows: report.branches.map(branchRow), footer: [totals], includeFooterInData: true)
    func memberJSON(_ row: PartyParticipation.MemberRow) -> OutputJSON {
      .object(
        (several ? [("community", OutputJSON.string(row.community))] : []) + [
          ("member", .string(row.member.rawValue)), ("name", .string(row.name)),
          ("branch", row.branch.map { .string($0.rawValue) } ?? .null),
          ("checkIn", row.checkIn.map { .string($0.description) } ?? .null),
          ("workplace", row.workplace.map { .string($0) } ?? .null), ("records", .integer(row.records)),
          ("hours", .number(hours(row.minutes))),
          ("activities", .object(kinds.map { ($0.rawValue, .integer(row.activities[$0] ?? 0)) })),
          ("monthsActive", .integer(row.monthsActive)), ("yearHours", .number(hours(row.yearMinutes))),
          ("targetHours", .number(hours(row.target))),
          ("progress", .string(Percent.text(row.yearMinutes.value, of: row.target.value))),
        ])
    }
    func branchJSON(_ row: PartyParticipation.BranchRow) -> OutputJSON {
      .object(
        (several ? [("community", OutputJSON.string(row.community))] : []) + [
          ("branch", row.branch.map { .string($0.rawValue) } ?? .null), ("name", .string(row.name)),
          ("partyMembers", .integer(row.partyMembers)), ("checkedIn", .integer(row.checkedIn)),
          ("active", .integer(row.active)), ("hours", .number(hours(row.minutes))),
          ("communityHours", .number(hours(row.communityMinutes))),
          ("share", .string(Percent.text(row.minutes.value, of: row.communityMinutes.value))),
        ])
    }
    let document = Document(
      heading: context.heading("party-member participation", communities, window) + ["target year: \(year)"],
      sections: [("party members", members), ("branches", branches)],
      json: .object(
        context.windowJSON(communities, window) + [
          ("year", .integer(year)), ("members", .array(report.members.map(memberJSON))),
          ("branches", .array(report.branches.map(branchJSON))), ("totals", branchJSON(report.totals)),
        ]))
    context.output += document.render(try context.format())
  }

  static func lastDate(_ community: CommunityLedger) -> LocalDate? {
    let dates = community.state.records.values.map(\.entry.date)
    return dates.max()
  }

  static func quarterlyCard(_ context: inout Context) throws(Failure) {
    guard let workplace = context.parsed.value("workplace") else {
      throw .usage(.missingOption(path: context.parsed.path, option: "--workplace", valueName: "org"))
    }
    guard let quarterText = context.parsed.value("quarter") else {
      throw .usage(.missingOption(path: context.parsed.path, option: "--quarter", valueName: "quarter"))
    }
    guard let window = ReportWindow(quarter: quarterText) else {
      throw context.usage("quarter", quarterText, "expected a quarter such as 2025Q3")
    }
    for option in ["from", "to"] where context.parsed.value(option) != nil {
      throw context.usage(option, context.parsed.value(option) ?? "", "cannot be combined with --quarter")
    }
    let communities = try context.readCommunities()
    let card = QuarterlyServiceCard(communities, workplace: workplace, window: window)
    if card.members.isEmpty {
      var known: Set<String> = []
      for community in communities {
        for checkIns in community.state.checkIns.values { known.formUnion(checkIns.map(\.checkIn.workplace)) }
      }
      context.warn(
        "no party member checked in from '\(workplace)'"
          + (known.isEmpty ? "" : "; workplaces on record: " + known.sorted().joined(separator: ", ")))
    }
    let several = communities.count > 1
    let prefix: [Report.Column] = several ? [.init("community", "COMMUNITY")] : []
    let members = Report(
      columns: prefix + [
        .init("member", "MEMBER"), .init("name", "NAME"), .init("branch", "BRANCH"),
        .init("checkIn", "CHECKED IN"),
        .init("records", "RECORDS", numeric: true), .init("hours", "HOURS", numeric: true),
      ] + kinds.map { .init($0.rawValue, $0.rawValue.uppercased(), numeric: true) },
      rows: card.members.map { row in
        (several ? [row.community] : []) + [
          row.member.rawValue, row.name, row.branch.rawValue, row.checkIn.description, String(row.records),
          hours(row.minutes),
        ] + kinds.map { String(row.activities[$0] ?? 0) }
      },
      footer: [
        (several ? [""] : []) + [
          "total", "\(card.members.count) members", "", "",
          String(card.members.reduce(0) { $0 + $1.records }),
          hours(card.members.reduce(Minutes.zero) { $0 + $1.minutes }),
        ] + kinds.map { kind in String(card.members.reduce(0) { $0 + ($1.activities[kind] ?? 0) }) }
      ], includeFooterInData: true)
    let services = Report(
      columns: prefix + [
        .init("member", "MEMBER"), .init("name", "NAME"), .init("date", "DATE"),
        .init("category", "CATEGORY"),
        .init("hours", "HOURS", numeric: true), .init("team", "TEAM"), .init("confirmedBy", "CONFIRMED BY"),
      ],
      rows: card.services.map { line in
        (several ? [line.community] : []) + [
          line.member.rawValue, line.name, line.date.description, line.category, hours(line.minutes),
          line.team?.rawValue ?? "", line.confirmedBy?.rawValue ?? "",
        ]
      })
    let heading = [
      "quarterly service card (在职党员社区服务季度反馈): \(communities.map(\.name).joined(separator: ", "))",
      "to: \(workplace)",
      "quarter: \(quarterText.uppercased()) (\(window.from?.description ?? "") to \(window.to?.description ?? ""))",
      "as of seq \(communities.map { "\($0.state.lastSeq)" }.joined(separator: ", "))",
    ]
    let json = OutputJSON.object(
      [
        ("workplace", .string(workplace)), ("quarter", .string(quarterText.uppercased())),
      ] + context.windowJSON(communities, window) + [
        (
          "members",
          .array(
            card.members.map { row in
              .object(
                (several ? [("community", OutputJSON.string(row.community))] : []) + [
                  ("member", .string(row.member.rawValue)), ("name", .string(row.name)),
                  ("branch", .string(row.branch.rawValue)),
                  ("checkIn", .string(row.checkIn.description)), ("records", .integer(row.records)),
                  ("hours", .number(hours(row.minutes))),
                  ("activities", .object(kinds.map { ($0.rawValue, .integer(row.activities[$0] ?? 0)) })),
                  (
                    "services",
                    .array(
                      card.services.filter { $0.member == row.member && $0.community == row.community }.map {
                        line in
                        .object([
                          ("date", .string(line.date.description)), ("category", .string(line.category)),
                          ("hours", .number(hours(line.minutes))),
                          ("team", line.team.map { .string($0.rawValue) } ?? .null),
                          ("confirmedBy", line.confirmedBy.map { .string($0.rawValue) } ?? .null),
                        ])
                      })
                  ),
                ])
            })
        )
      ])
    let document = Document(
      heading: heading, sections: [("members", members), ("service", services)], json: json)
    context.output += document.render(try context.format())
  }

  // MARK: One member's handbook

  static func show(_ context: inout Context) throws(Failure) {
    let communities = try context.readCommunities()
    guard let community = communities.first else { return }
    let member = MemberID(context.positional(0))
    guard let handbook = PartyHandbook(member: member, in: community.state),
      let registration = community.state.members[member]?.registration
    else { throw .rejected(.unknownMember(member)) }
    func describe(_ kind: HandbookEntry.Kind) -> (String, String, String) {
      switch kind {
      case .checkIn: ("check-in", "双报到", "")
      case .service(let category, let minutes, let team):
        ("service", category + (team.map { " (\($0))" } ?? ""), hours(minutes))
      case .activity(let kind): ("activity", kind.rawValue, "")
      }
    }
    let entries = Report(
      columns: [
        .init("date", "DATE"), .init("seq", "SEQ", numeric: true), .init("id", "ID"), .init("kind", "KIND"),
        .init("what", "WHAT"), .init("hours", "HOURS", numeric: true), .init("status", "STATUS"),
        .init("recordedBy", "RECORDED BY"), .init("decidedBy", "DECIDED BY"), .init("note", "NOTE"),
      ],
      rows: handbook.entries.map { entry in
        let (kind, what, time) = describe(entry.kind)
        return [
          entry.date.description, String(entry.seq), entry.id, kind, what, time, entry.status,
          entry.recordedBy?.rawValue ?? "", entry.decidedBy?.rawValue ?? "", entry.note,
        ]
      })
    let years = Report(
      columns: [
        .init("year", "YEAR"), .init("records", "RECORDS", numeric: true),
        .init("hours", "HOURS", numeric: true),
        .init("targetHours", "TARGET", numeric: true), .init("progress", "PROGRESS", numeric: true),
      ] + kinds.map { .init($0.rawValue, $0.rawValue.uppercased(), numeric: true) },
      rows: handbook.years.map { year in
        [
          String(year.year), String(year.records), hours(year.minutes), hours(year.target),
          Percent.text(year.minutes.value, of: year.target.value),
        ] + kinds.map { String(year.activities[$0] ?? 0) }
      })
    let party =
      registration.isPartyMember
      ? "party member, branch \(registration.branch?.rawValue ?? "-")" : "not a party member"
    let json = OutputJSON.object([
      ("community", .string(community.name)), ("member", .string(member.rawValue)),
      ("name", .string(handbook.name)),
      ("partyMember", .bool(registration.isPartyMember)),
      ("branch", registration.branch.map { .string($0.rawValue) } ?? .null),
      (
        "entries",
        .array(
          handbook.entries.map { entry in
            let (kind, what, time) = describe(entry.kind)
            return .object([
              ("date", .string(entry.date.description)), ("seq", .integer(entry.seq)),
              ("id", .string(entry.id)),
              ("kind", .string(kind)), ("what", .string(what)),
              ("hours", time.isEmpty ? .null : .number(time)),
              ("status", .string(entry.status)),
              ("recordedBy", entry.recordedBy.map { .string($0.rawValue) } ?? .null),
              ("decidedBy", entry.decidedBy.map { .string($0.rawValue) } ?? .null),
              ("note", .string(entry.note)),
            ])
          })
      ),
      (
        "years",
        .array(
          handbook.years.map { year in
            .object(
              [
                ("year", .integer(year.year)), ("records", .integer(year.records)),
                ("hours", .number(hours(year.minutes))),
                ("targetHours", .number(hours(year.target))),
                ("progress", .string(Percent.text(year.minutes.value, of: year.target.value))),
              ] + kinds.map { ($0.rawValue, .integer(year.activities[$0] ?? 0)) })
          })
      ),
    ])
    let document = Document(
      heading: ["党员手册 / party member's handbook: \(member) \(handbook.name) (\(party)), \(community.name)"],
      sections: [("entries", entries), ("totals by year", years)], json: json)
    context.output += document.render(try context.format())
  }
}
