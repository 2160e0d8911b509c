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
    if let asOfSeq, asOfSeq < 0 { throw usage("as-of-seq", String(asOfSeq), words(.reasonSeq)) }
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
  func heading(_ title: MessageKey, _ communities: [CommunityLedger], _ window: ReportWindow) -> [String] {
    var lines = [
      words(
        .reportTitle, ["title": words(title), "communities": communities.map(\.name).joined(separator: ", ")])
    ]
    let from = window.from?.description ?? words(.windowStart)
    let to = window.to?.description ?? words(.windowEnd)
    let dates =
      window.from == nil && window.to == nil
      ? words(.windowAll) : words(.windowRange, ["from": from, "to": to])
    lines.append(words(.reportServiceDates, ["dates": dates]))
    lines.append(
      words(.reportAsOfSeq, ["seqs": communities.map { "\($0.state.lastSeq)" }.joined(separator: ", ")]))
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
    let words = context.words
    let communities = try context.readCommunities()
    let window = try context.window()
    let statistics = TeamStatistics(communities, window: window)
    let several = communities.count > 1
    let prefix: [Report.Column] = several ? [.init("community", words(.columnCommunity))] : []
    func lead(_ row: TeamStatistics.Row) -> [String] { several ? [row.community] : [] }
    func main(_ row: TeamStatistics.Row) -> [String] {
      lead(row) + [
        row.team?.rawValue ?? "-", row.name, row.kind?.rawValue ?? "", String(row.membersNow),
        String(row.activeMembers),
        String(row.records), hours(row.minutes), row.points.description, String(row.peopleServed),
      ]
    }
    // In English for CSV, in the reader's language in the table.
    func totals(_ words: Localizer) -> [String] {
      var totals = main(statistics.totals)
      totals[several ? 1 : 0] = words(.total)
      totals[several ? 2 : 1] = words(.allTeams)
      if several { totals[0] = "" }
      return totals
    }
    var teams = Report(
      columns: prefix + [
        .init("team", words(.columnTeam)), .init("name", words(.columnName)),
        .init("kind", words(.columnKind), display: words.kindDisplay),
        .init("membersNow", words(.columnMembers), numeric: true),
        .init("activeMembers", words(.columnActive), numeric: true),
        .init("records", words(.columnRecords), numeric: true),
        .init("hours", words(.columnHours), numeric: true),
        .init("points", words(.columnPoints), numeric: true),
        .init("peopleServed", words(.columnServed), numeric: true),
      ],
      rows: statistics.rows.map(main), footer: [totals(.english)], includeFooterInData: true)
    teams.tableFooter = [totals(words)]
    let teamColumns: [Report.Column] = prefix + [.init("team", words(.columnTeam))]
    let byCategory = Report(
      columns: teamColumns + [
        .init("category", words(.columnCategory)), .init("hours", words(.columnHours), numeric: true),
      ],
      rows: statistics.rows.flatMap { row in
        row.byCategory.map { lead(row) + [row.team?.rawValue ?? "-", $0.category, hours($0.minutes)] }
      })
    let byMonth = Report(
      columns: teamColumns + [
        .init("month", words(.columnMonth)), .init("hours", words(.columnHours), numeric: true),
      ],
      rows: statistics.rows.flatMap { row in
        row.byMonth.map { lead(row) + [row.team?.rawValue ?? "-", $0.month, hours($0.minutes)] }
      })
    let top = Report(
      columns: teamColumns + [
        .init("rank", words(.columnRank), numeric: true), .init("member", words(.columnMember)),
        .init("name", words(.columnPersonName)),
        .init("hours", words(.columnHours), numeric: true),
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
      heading: context.heading(.reportTeamsTitle, communities, window),
      sections: [
        (words(.sectionTeams), teams), (words(.sectionHoursByCategory), byCategory),
        (words(.sectionHoursByMonth), byMonth), (words(.sectionTopVolunteers), top),
      ],
      json: .object(
        context.windowJSON(communities, window) + [
          ("teams", .array(statistics.rows.map(json))), ("totals", json(statistics.totals)),
        ]))
    context.output += document.render(try context.format())
  }

  // MARK: Community

  static func community(_ context: inout Context) throws(Failure) {
    let words = context.words
    let communities = try context.readCommunities()
    let window = try context.window()
    let summary = CommunitySummary(communities, window: window)
    let figures = communityFigures(summary, words)
    let table = figuresTable(figures, words)
    let csv = Report(
      columns: [.init("figure", "figure"), .init("value", "value")], rows: figures.map { [$0.0, $0.2] })
    let json = OutputJSON.object(
      context.windowJSON(communities, window) + figures.map { ($0.0, $0.3 ? .number($0.2) : .string($0.2)) })
    let format = try context.format()
    switch format {
    case .table:
      var table = table
      if window.from != nil || window.to != nil {
        table.notes = [words(.reportCommunityWindowNote)]
      }
      let document = Document(
        heading: context.heading(.reportCommunityTitle, communities, window),
        sections: [(words(.sectionFigures), table)],
        json: json)
      context.output += document.render(.table)
    case .csv: context.output += csv.render(.csv)
    case .json: context.output += json.render()
    }
  }

  /// The table of community figures: label and value.
  static func figuresTable(_ figures: [(String, String, String, Bool)], _ words: Localizer) -> Report {
    Report(
      columns: [.init("figure", words(.columnFigure)), .init("value", words(.columnValue), numeric: true)],
      rows: figures.map { [$0.1, $0.2] })
  }

  /// Each figure: its JSON/CSV key, its label, its value, and whether the value is a number.
  static func communityFigures(_ summary: CommunitySummary, _ words: Localizer) -> [(
    String, String, String, Bool
  )] {
    [
      (
        "registeredVolunteers", words(.figureRegisteredVolunteers), String(summary.registeredVolunteers), true
      ),
      (
        "partyMemberVolunteers", words(.figurePartyMemberVolunteers), String(summary.partyMemberVolunteers),
        true
      ),
      (
        "partyMemberShare", words(.figurePartyMemberShare),
        Percent.text(summary.partyMemberVolunteers, of: summary.registeredVolunteers), false
      ),
      ("peopleServed", words(.figurePeopleServed), String(summary.peopleServed), true),
      ("confirmedHours", words(.figureConfirmedHours), hours(summary.confirmedMinutes), true),
      ("confirmedRecords", words(.figureConfirmedRecords), String(summary.confirmedRecords), true),
      ("serviceTeams", words(.figureServiceTeams), String(summary.serviceTeams), true),
      ("selfOrganisedGroups", words(.figureSelfOrganisedGroups), String(summary.selfOrganisedGroups), true),
      (
        "partyOrganisationCards", words(.figurePartyOrganisationCards),
        String(summary.cards[.partyOrganisation] ?? 0), true
      ),
      ("enterpriseCards", words(.figureEnterpriseCards), String(summary.cards[.enterprise] ?? 0), true),
      ("courtyardCards", words(.figureCourtyardCards), String(summary.cards[.courtyard] ?? 0), true),
      ("pointsIssued", words(.figurePointsIssued), summary.pointsIssued.description, true),
      ("pointsRedeemed", words(.figurePointsRedeemed), summary.pointsRedeemed.description, true),
      ("pointsOutstanding", words(.figurePointsOutstanding), summary.pointsOutstanding.description, true),
      ("pendingRecords", words(.figurePendingRecords), String(summary.pendingRecords), true),
    ]
  }

  // MARK: Party

  static func party(_ context: inout Context) throws(Failure) {
    let words = context.words
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
    let prefix: [Report.Column] = several ? [.init("community", words(.columnCommunity))] : []
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
        .init("member", words(.columnMember)), .init("name", words(.columnPersonName)),
        .init("branch", words(.columnBranch)),
        .init("checkIn", words(.columnCheckedIn)),
        .init("workplace", words(.columnWorkplace)), .init("records", words(.columnRecords), numeric: true),
        .init("hours", words(.columnHours), numeric: true),
      ] + kindColumns(words) + [
        .init("monthsActive", words(.columnMonths), numeric: true),
        .init("yearHours", words(.columnYearHours, ["year": year]), numeric: true),
        .init("targetHours", words(.columnTarget), numeric: true),
        .init("progress", words(.columnProgress), numeric: true),
      ],
      rows: memberRows)
    func branchRow(_ row: PartyParticipation.BranchRow, _ words: Localizer = .english) -> [String] {
      (several ? [row.community] : []) + [
        row.branch?.rawValue ?? words(.total), row.name, String(row.partyMembers), String(row.checkedIn),
        String(row.active),
        hours(row.minutes), Percent.text(row.minutes.value, of: row.communityMinutes.value),
      ]
    }
    func totals(_ words: Localizer) -> [String] {
      var totals = branchRow(report.totals, words)
      if several { totals[0] = "" }
      return totals
    }
    var branches = Report(
      columns: prefix + [
        .init("branch", words(.columnBranch)), .init("name", words(.columnName)),
        .init("partyMembers", words(.columnPartyMembers), numeric: true),
        .init("checkedIn", words(.columnCheckedIn), numeric: true),
        .init("active", words(.columnActive), numeric: true),
        .init("hours", words(.columnHours), numeric: true),
        .init("share", words(.columnShareOfAllHours), numeric: true),
      ],
      rows: report.branches.map { branchRow($0) }, footer: [totals(.english)], includeFooterInData: true)
    branches.tableFooter = [totals(words)]
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
      heading: context.heading(.reportPartyTitle, communities, window) + [
        words(.reportTargetYear, ["year": year])
      ],
      sections: [(words(.sectionPartyMembers), members), (words(.sectionBranches), branches)],
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
    let words = context.words
    guard let workplace = context.parsed.value("workplace") else {
      throw .usage(.missingOption(path: context.parsed.path, option: "--workplace", valueName: "org"))
    }
    guard let quarterText = context.parsed.value("quarter") else {
      throw .usage(.missingOption(path: context.parsed.path, option: "--quarter", valueName: "quarter"))
    }
    guard let window = ReportWindow(quarter: quarterText) else {
      throw context.usage("quarter", quarterText, words(.reasonQuarter))
    }
    for option in ["from", "to"] where context.parsed.value(option) != nil {
      throw context.usage(option, context.parsed.value(option) ?? "", words(.reasonNotWithQuarter))
    }
    let communities = try context.readCommunities()
    let card = QuarterlyServiceCard(communities, workplace: workplace, window: window)
    if card.members.isEmpty {
      var known: Set<String> = []
      for community in communities {
        for checkIns in community.state.checkIns.values { known.formUnion(checkIns.map(\.checkIn.workplace)) }
      }
      context.warn(
        words(.quarterlyNoMember, ["workplace": workplace])
          + (known.isEmpty
            ? "" : words(.quarterlyKnownWorkplaces, ["workplaces": known.sorted().joined(separator: ", ")])))
    }
    let several = communities.count > 1
    let prefix: [Report.Column] = several ? [.init("community", words(.columnCommunity))] : []
    func totals(_ words: Localizer) -> [String] {
      (several ? [""] : []) + [
        words(.total), words(.quarterlyMemberCount, ["count": card.members.count]), "", "",
        String(card.members.reduce(0) { $0 + $1.records }),
        hours(card.members.reduce(Minutes.zero) { $0 + $1.minutes }),
      ] + kinds.map { kind in String(card.members.reduce(0) { $0 + ($1.activities[kind] ?? 0) }) }
    }
    var members = Report(
      columns: prefix + [
        .init("member", words(.columnMember)), .init("name", words(.columnPersonName)),
        .init("branch", words(.columnBranch)),
        .init("checkIn", words(.columnCheckedIn)),
        .init("records", words(.columnRecords), numeric: true),
        .init("hours", words(.columnHours), numeric: true),
      ] + kindColumns(words),
      rows: card.members.map { row in
        (several ? [row.community] : []) + [
          row.member.rawValue, row.name, row.branch.rawValue, row.checkIn.description, String(row.records),
          hours(row.minutes),
        ] + kinds.map { String(row.activities[$0] ?? 0) }
      },
      footer: [totals(.english)], includeFooterInData: true)
    members.tableFooter = [totals(words)]
    let services = Report(
      columns: prefix + [
        .init("member", words(.columnMember)), .init("name", words(.columnPersonName)),
        .init("date", words(.columnDate)),
        .init("category", words(.columnCategory)),
        .init("hours", words(.columnHours), numeric: true), .init("team", words(.columnTeam)),
        .init("confirmedBy", words(.columnConfirmedBy)),
      ],
      rows: card.services.map { line in
        (several ? [line.community] : []) + [
          line.member.rawValue, line.name, line.date.description, line.category, hours(line.minutes),
          line.team?.rawValue ?? "", line.confirmedBy?.rawValue ?? "",
        ]
      })
    let heading = [
      words(.quarterlyTitle, ["communities": communities.map(\.name).joined(separator: ", ")]),
      words(.quarterlyTo, ["workplace": workplace]),
      words(
        .quarterlyQuarter,
        [
          "quarter": quarterText.uppercased(), "from": window.from?.description ?? "",
          "to": window.to?.description ?? "",
        ]),
      words(.reportAsOfSeq, ["seqs": communities.map { "\($0.state.lastSeq)" }.joined(separator: ", ")]),
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
      heading: heading, sections: [(words(.sectionMembers), members), (words(.sectionService), services)],
      json: json)
    context.output += document.render(try context.format())
  }

  // MARK: One member's handbook

  static func show(_ context: inout Context) throws(Failure) {
    let words = context.words
    let communities = try context.readCommunities()
    guard let community = communities.first else { return }
    let member = MemberID(context.positional(0))
    guard let handbook = PartyHandbook(member: member, in: community.state),
      let registration = community.state.members[member]?.registration
    else { throw .rejected(.unknownMember(member)) }
    // JSON and CSV keep the English identifiers; tables word them in the reader's language.
    func describe(_ kind: HandbookEntry.Kind, _ words: Localizer = .english) -> (String, String, String) {
      switch kind {
      case .checkIn: (words(.handbookCheckIn), words(.handbookCheckInWhat), "")
      case .service(let category, let minutes, let team):
        (words(.handbookService), category + (team.map { " (\($0))" } ?? ""), hours(minutes))
      case .activity(let kind): (words(.handbookActivity), activityName(kind, words), "")
      }
    }
    var entries = Report(
      columns: [
        .init("date", words(.columnDate)), .init("seq", words(.columnSeq), numeric: true),
        .init("id", words(.columnID)), .init("kind", words(.columnKind)),
        .init("what", words(.columnWhat)), .init("hours", words(.columnHours), numeric: true),
        .init("status", words(.columnStatus), display: words.statusDisplay),
        .init("recordedBy", words(.columnRecordedBy)), .init("decidedBy", words(.columnDecidedBy)),
        .init("note", words(.columnNote)),
      ],
      rows: handbook.entries.map { entry in
        let (kind, what, time) = describe(entry.kind)
        return [
          entry.date.description, String(entry.seq), entry.id, kind, what, time, entry.status,
          entry.recordedBy?.rawValue ?? "", entry.decidedBy?.rawValue ?? "", entry.note,
        ]
      })
    entries.tableRows = zip(handbook.entries, entries.rows).map { entry, row in
      let (kind, what, _) = describe(entry.kind, words)
      var shown = row
      shown[3] = kind
      shown[4] = what
      return shown
    }
    let years = Report(
      columns: [
        .init("year", words(.columnYear)), .init("records", words(.columnRecords), numeric: true),
        .init("hours", words(.columnHours), numeric: true),
        .init("targetHours", words(.columnTarget), numeric: true),
        .init("progress", words(.columnProgress), numeric: true),
      ] + kindColumns(words),
      rows: handbook.years.map { year in
        [
          String(year.year), String(year.records), hours(year.minutes), hours(year.target),
          Percent.text(year.minutes.value, of: year.target.value),
        ] + kinds.map { String(year.activities[$0] ?? 0) }
      })
    let party =
      registration.isPartyMember
      ? words(.partyMemberOfBranch, ["branch": registration.branch?.rawValue ?? "-"])
      : words(.notAPartyMember)
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
      heading: [
        words(
          .handbookTitle,
          ["member": member, "name": handbook.name, "party": party, "community": community.name])
      ],
      sections: [(words(.sectionEntries), entries), (words(.sectionTotalsByYear), years)], json: json)
    context.output += document.render(try context.format())
  }

  // MARK: Party activities

  /// One numeric column per kind of party activity (dues, donation, ...), keyed by the kind.
  static func kindColumns(_ words: Localizer) -> [Report.Column] {
    kinds.map { kind in
      let title: MessageKey =
        switch kind {
        case .dues: .columnDues
        case .donation: .columnDonation
        case .meeting: .columnMeeting
        case .wish: .columnWish
        case .study: .columnStudy
        }
      return .init(kind.rawValue, words(title), numeric: true)
    }
  }

  /// The name of a kind of party activity: `dues` in English, 党费 in Chinese.
  static func activityName(_ kind: PartyActivityKind, _ words: Localizer) -> String {
    switch kind {
    case .dues: words(.activityDues)
    case .donation: words(.activityDonation)
    case .meeting: words(.activityMeeting)
    case .wish: words(.activityWish)
    case .study: words(.activityStudy)
    }
  }
}
