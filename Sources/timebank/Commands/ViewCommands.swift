import Foundation
import TimeBank

extension Context {
  /// Reads and verifies the log without a lock; a torn tail is reported and ignored.
  mutating func readLog() throws(Failure) -> LogContents {
    try validateViewOptions()
    return try readLog(at: logPath)
  }

  /// Reads and verifies one log; a torn tail is reported and ignored.
  mutating func readLog(at path: String) throws(Failure) -> LogContents {
    do {
      let contents = try LogFile.openForReading(path).readVerified()
      if let tail = contents.tornTail { warnTornTail(path, tail) }
      return contents
    } catch {
      throw .log(error)
    }
  }

  /// Parse, then validate, then run: a bad option is a usage error even when the log is missing.
  func validateViewOptions() throws(Failure) {
    _ = try format()
    for option in ["as-of", "from", "to"] { _ = try date(option) }
    for option in ["as-of-seq", "tail", "year"] { _ = try integer(option) }
    if let from = try date("from"), let to = try date("to"), from > to {
      throw usage("to", to.description, words(.reasonBeforeFrom, ["from": from]))
    }
  }

  /// The state as of `--as-of` / `--as-of-seq` when the command has them.
  ///
  /// Without them, and unless the lines themselves are wanted, the state comes from the log's
  /// snapshot when it still matches the log (see `Snapshot`): only the lines after it are replayed,
  /// and `records` is empty.
  mutating func viewState(needsRecords: Bool = false) throws(Failure)
    -> (state: LedgerState, records: ArraySlice<EventRecord>)
  {
    try validateViewOptions()
    var asOfSeq: Int?
    if let seq = try integer("as-of-seq") {
      guard seq >= 0 else { throw usage("as-of-seq", String(seq), words(.reasonSeq)) }
      asOfSeq = seq
    }
    let asOf = try date("as-of")
    if asOf == nil, asOfSeq == nil, !needsRecords {
      return (try currentState(at: logPath).state, [])
    }
    let contents = try readLog()
    let records = Replay.prefix(contents.records, asOf: asOf, asOfSeq: asOfSeq)
    return (LedgerState(replaying: records), records)
  }

  /// The state after the last line of one log, from its snapshot when it still matches; a torn tail is
  /// reported and ignored.
  mutating func currentState(at path: String) throws(Failure) -> LoadedLedger {
    do {
      let loaded = try Snapshot.load(LogFile.openForReading(path), usingSnapshot: usesSnapshots)
      snapshotChecks.append(loaded.state.snapshotDamageCheck)
      if let tail = loaded.tornTail { warnTornTail(path, tail) }
      return loaded
    } catch {
      throw .log(error)
    }
  }

  mutating func warnTornTail(_ path: String, _ tail: TornTail) {
    warn(words(.logTornTailIgnored, ["path": path, "line": tail.line, "length": tail.length]))
  }

  mutating func show(_ report: Report) throws(Failure) {
    output += report.render(try format())
  }
}

/// Handlers of the commands that only read the log.
enum ViewCommands {
  static func hours(_ minutes: Minutes) -> String { minutes.hoursText }

  static func listMembers(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    let rows = state.members.keys.sorted().compactMap { id -> [String]? in
      guard let member = state.members[id] else { return nil }
      return [
        id.rawValue, member.name, member.registration.isPartyMember ? "yes" : "no",
        member.registration.branch?.rawValue ?? "",
        member.teams.sorted().map(\.rawValue).joined(separator: " "),
        member.registration.joined.description, member.left?.description ?? "",
        hours(member.confirmedMinutes),
        state.balance(of: .member(id)).description,
      ]
    }
    try context.show(
      Report(
        columns: [
          .init("member", words(.columnMember)), .init("name", words(.columnPersonName)),
          .init("party", words(.columnParty), display: { words.yesOrNo($0 == "yes") }),
          .init("branch", words(.columnBranch)),
          .init("teams", words(.columnTeams)), .init("joined", words(.columnJoined)),
          .init("left", words(.columnLeft)),
          .init("hours", words(.columnHours), numeric: true),
          .init("balance", words(.columnBalance), numeric: true),
        ], rows: rows))
  }

  static func showMember(_ context: inout Context) throws(Failure) {
    let words = context.words
    let (state, _) = try context.viewState()
    let id = MemberID(context.positional(0))
    guard let member = state.members[id], let balance = Balances.balance(of: .member(id), in: state) else {
      throw .rejected(.unknownMember(id))
    }
    let records = state.records.filter { $0.value.entry.member == id }.sorted {
      ($0.value.entry.date, $0.key) < ($1.value.entry.date, $1.key)
    }
    var report = Report(
      columns: [
        .init("record", words(.columnRecord)), .init("date", words(.columnDate)),
        .init("hours", words(.columnHours), numeric: true),
        .init("category", words(.columnCategory)), .init("team", words(.columnTeam)),
        .init("status", words(.columnStatus), display: words.statusDisplay),
        .init("points", words(.columnPoints), numeric: true), .init("creditTo", words(.columnCreditTo)),
        .init("recordedBy", words(.columnRecordedBy)),
      ],
      rows: records.map { id, record in
        var points = ""
        if case .confirmed(let value) = record.status { points = value.description }
        return [
          id.rawValue, record.entry.date.description, hours(record.entry.minutes), record.entry.category,
          record.entry.team?.rawValue ?? "", record.status.name, points, record.entry.creditTo.description,
          record.recordedBy.rawValue,
        ]
      })
    let party =
      member.registration.isPartyMember
      ? words(.partyMemberOfBranch, ["branch": member.registration.branch?.rawValue ?? "-"])
      : words(.notAPartyMember)
    if try context.format() == .table {
      context.print(
        words(
          .memberShowHeading,
          ["member": id, "name": member.name, "party": party, "joined": member.registration.joined])
          + (member.left.map { words(.memberShowLeft, ["date": $0]) } ?? ""))
      context.print(
        words(.memberShowTeams, ["teams": member.teams.sorted().map(\.rawValue).joined(separator: ", ")]))
      context.print(
        words(
          .memberShowTotals,
          [
            "hours": hours(member.confirmedMinutes), "stars": balance.stars ?? 0, "balance": balance.balance,
            "pending": balance.pending,
          ]))
      context.print("")
      report.notes = []
    }
    try context.show(report)
  }

  static func listTeams(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    let rows = state.teams.keys.sorted().compactMap { id -> [String]? in
      guard let team = state.teams[id] else { return nil }
      return [id.rawValue, team.name, team.kind.rawValue, String(team.members.count)]
    }
    try context.show(
      Report(
        columns: [
          .init("team", words(.columnTeam)), .init("name", words(.columnName)),
          .init("kind", words(.columnKind), display: words.kindDisplay),
          .init("members", words(.columnMembers), numeric: true),
        ],
        rows: rows))
  }

  static func listBranches(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    let rows = state.branches.keys.sorted().map { id in
      let count = state.members.values.reduce(0) {
        $0 + ($1.registration.branch == id && $1.registration.isPartyMember ? 1 : 0)
      }
      return [id.rawValue, state.branches[id] ?? "", String(count)]
    }
    try context.show(
      Report(
        columns: [
          .init("branch", words(.columnBranch)), .init("name", words(.columnName)),
          .init("partyMembers", words(.columnPartyMembers), numeric: true),
        ], rows: rows))
  }

  static func listCards(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    let rows = state.cards.keys.sorted().compactMap { id -> [String]? in
      guard let card = state.cards[id] else { return nil }
      return [
        id.rawValue, card.name, card.kind.rawValue, card.holder, state.balance(of: .card(id)).description,
      ]
    }
    try context.show(
      Report(
        columns: [
          .init("card", words(.columnCard)), .init("name", words(.columnName)),
          .init("kind", words(.columnKind), display: words.kindDisplay),
          .init("holder", words(.columnHolder)),
          .init("balance", words(.columnBalance), numeric: true),
        ], rows: rows))
  }

  static func listRoles(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    var rows: [[String]] = []
    for actor in state.roles.keys.sorted() {
      let grants = (state.roles[actor] ?? []).sorted {
        ($0.role.rawValue, $0.scope.description) < ($1.role.rawValue, $1.scope.description)
      }
      for grant in grants { rows.append([actor.rawValue, grant.role.rawValue, grant.scope.description]) }
    }
    try context.show(
      Report(
        columns: [
          .init("actor", words(.columnActor)), .init("role", words(.columnRole), display: words.roleDisplay),
          .init("scope", words(.columnScope)),
        ], rows: rows))
  }

  static func showPolicy(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    let rows = state.policies.map { period in
      let rates = period.policy.categoryRates.keys.sorted().map {
        "\($0)=\(period.policy.categoryRates[$0] ?? .zero)"
      }
      return [
        period.effective?.description ?? "opening", period.policy.pointsPerHour.description,
        rates.joined(separator: " "),
        hours(period.policy.dailyCap), hours(period.policy.partyAnnualTarget),
      ]
    }
    try context.show(
      Report(
        columns: [
          .init(
            "effective", words(.columnEffective), display: { $0 == "opening" ? words(.policyOpening) : $0 }),
          .init("pointsPerHour", words(.columnPointsPerHour), numeric: true),
          .init("categoryRates", words(.columnCategoryRates)),
          .init("dailyCapHours", words(.columnDailyCapHours), numeric: true),
          .init("partyTargetHours", words(.columnPartyTargetHours), numeric: true),
        ], rows: rows))
  }

  static func listService(_ context: inout Context) throws(Failure) {
    let words = context.words
    let (state, records) = try context.viewState(needsRecords: true)
    let status = context.parsed.value("status")
    if let status, !["pending", "confirmed", "rejected", "reversed"].contains(status) {
      throw context.usage("status", status, words(.reasonStatus))
    }
    let member = context.parsed.value("member").map(MemberID.init)
    var rows: [[String]] = []
    for record in records {
      guard case .serviceRecorded = record.event, let state = state.records[RecordID(record.id)] else {
        continue
      }
      if let status, state.status.name != status { continue }
      if let member, state.entry.member != member { continue }
      var points = ""
      if case .confirmed(let value) = state.status { points = value.description }
      rows.append([
        record.id, state.entry.member.rawValue, state.entry.date.description, hours(state.entry.minutes),
        state.entry.category, state.entry.team?.rawValue ?? "", String(state.entry.peopleServed),
        state.status.name,
        points, state.recordedBy.rawValue,
      ])
    }
    try context.show(
      Report(
        columns: [
          .init("record", words(.columnRecord)), .init("member", words(.columnMember)),
          .init("date", words(.columnDate)),
          .init("hours", words(.columnHours), numeric: true),
          .init("category", words(.columnCategory)), .init("team", words(.columnTeam)),
          .init("served", words(.columnServed), numeric: true),
          .init("status", words(.columnStatus), display: words.statusDisplay),
          .init("points", words(.columnPoints), numeric: true),
          .init("recordedBy", words(.columnRecordedBy)),
        ], rows: rows))
  }

  static func listRewards(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    let rows = state.rewards.keys.sorted().compactMap { id -> [String]? in
      guard let reward = state.rewards[id] else { return nil }
      return [
        id.rawValue, reward.listing.name, reward.listing.kind.rawValue, reward.listing.price.description,
        String(reward.stock), reward.isWithdrawn ? "withdrawn" : "available",
      ]
    }
    try context.show(
      Report(
        columns: [
          .init("item", words(.columnItem)), .init("name", words(.columnName)),
          .init("kind", words(.columnKind), display: words.kindDisplay),
          .init("price", words(.columnPrice), numeric: true),
          .init("stock", words(.columnStock), numeric: true),
          .init("status", words(.columnStatus), display: words.statusDisplay),
        ], rows: rows))
  }

  static func balanceColumns(_ words: Localizer) -> [Report.Column] {
    [
      .init("account", words(.columnAccount)), .init("name", words(.columnName)),
      .init("balance", words(.columnBalance), numeric: true),
      .init("pending", words(.columnPending), numeric: true),
      .init("earned", words(.columnEarned), numeric: true),
      .init("received", words(.columnReceived), numeric: true),
      .init("sent", words(.columnSent), numeric: true),
      .init("redeemed", words(.columnRedeemed), numeric: true),
      .init("hours", words(.columnHours), numeric: true),
      .init("stars", words(.columnStars), numeric: true),
    ]
  }

  static func balanceRow(_ balance: AccountBalance) -> [String] {
    [
      balance.account.description, balance.name, balance.balance.description, balance.pending.description,
      balance.totals.earned.description, balance.totals.received.description, balance.totals.sent.description,
      balance.totals.redeemed.description, balance.confirmedMinutes.map(hours) ?? "",
      balance.stars.map(String.init) ?? "",
    ]
  }

  static func balanceReport(_ state: LedgerState, _ words: Localizer) -> Report {
    let balances = Balances.all(in: state)
    let total = balances.reduce(Points.zero) { $0 + $1.balance }
    return Report(
      columns: balanceColumns(words), rows: balances.map(balanceRow),
      footer: [[words(.total), words(.allAccounts), total.description, "", "", "", "", "", "", ""]])
  }

  static func balance(_ context: inout Context) throws(Failure) {
    let words = context.words
    let state = try context.viewState().state
    if context.parsed.positionals.isEmpty {
      try context.show(balanceReport(state, words))
      return
    }
    let account = try context.account("account", context.positional(0), in: state)
    guard let balance = Balances.balance(of: account, in: state) else {
      if case .card(let id) = account { throw .rejected(.unknownCard(id)) }
      throw .rejected(.unknownAccount(account))
    }
    try context.show(Report(columns: balanceColumns(words), rows: [balanceRow(balance)]))
  }

  static func statement(_ context: inout Context) throws(Failure) {
    let words = context.words
    try context.validateViewOptions()
    let path = context.logPath
    // The state after the log (from its snapshot when it matches), then just the lines that moved
    // this account's points, found by `seq`: a volunteer's statement does not replay the whole log.
    let loaded = try context.currentState(at: path)
    let state = loaded.state
    let account = try context.account("account", context.positional(0), in: state)
    guard state.exists(account) else { throw .rejected(.unknownAccount(account)) }
    let from = try context.date("from")
    let to = try context.date("to")
    if let from, let to, from > to {
      throw context.usage("to", to.description, words(.reasonBeforeFrom, ["from": from]))
    }
    let statement: Statement
    do throws(LogError) {
      let file = try LogFile.openForReading(path)
      statement = try Statement(account: account, settledIn: state, from: from, to: to) { seq throws(LogError) in
        try file.existingLine(seq: seq, within: loaded.validLength)
      }
    } catch {
      throw .log(error)
    }
    var report = Report(
      columns: [
        .init("seq", words(.columnSeq), numeric: true), .init("date", words(.columnDate)),
        .init("kind", words(.columnKind), display: words.kindDisplay),
        .init("counterparty", words(.columnCounterparty)),
        .init("amount", words(.columnAmount), numeric: true, signed: true),
        .init("balance", words(.columnBalance), numeric: true),
        .init("description", words(.columnDescription)),
      ],
      rows: statement.lines.map { line in
        [
          String(line.seq), line.date.description, line.kind.rawValue, line.counterparty.description,
          line.amount.description, line.balance.description,
          line.description,
        ]
      })
    report.notes = [words(.statementBalances, ["opening": statement.opening, "closing": statement.closing])]
    try context.show(report)
  }

  static func log(_ context: inout Context) throws(Failure) {
    let words = context.words
    let contents = try context.readLog()
    let tail = try context.integer("tail") ?? 20
    guard tail >= 0 else { throw context.usage("tail", String(tail), words(.reasonZeroOrMore)) }
    let records = tail == 0 ? contents.records[...] : contents.records.suffix(tail)
    try context.show(
      Report(
        columns: [
          .init("seq", words(.columnSeq), numeric: true), .init("at", words(.columnAt)),
          .init("actor", words(.columnActor)),
          .init("type", words(.columnType)),
          .init("id", words(.columnID)), .init("data", words(.columnData)),
        ],
        rows: records.map {
          [
            String($0.seq), $0.at.description, $0.actor.rawValue, $0.event.typeName, $0.id,
            JSONValue.object($0.event.data).jsonText,
          ]
        }))
  }

  static func audit(_ context: inout Context) throws(Failure) {
    let words = context.words
    var checkpoints: [Checkpoint] = []
    for text in context.parsed.values("expect") {
      guard let checkpoint = Checkpoint(text) else {
        throw context.usage("expect", text, words(.reasonCheckpoint))
      }
      checkpoints.append(checkpoint)
    }
    let report: AuditReport
    let progress = context.progress(.progressAudit)
    do throws(LogError) {
      let file = try LogFile.openForReading(context.logPath)
      guard try file.length() > 0 else { throw LogError.empty(path: context.logPath) }
      // The audit streams the file, so progress is counted in megabytes read and verified.
      report = try Audit.run(
        file, expecting: checkpoints,
        progress: progress.map { progress in
          { step in progress.report(step.bytes / 1_000_000, step.totalBytes / 1_000_000) }
        }
      ).report
      progress?.finish()
    } catch {
      progress?.finish()
      throw .log(error)
    }
    try context.show(auditReport(report, path: context.logPath, words))
    if let failure = report.failure {
      throw .other(
        words(
          .auditFailure,
          [
            "path": context.logPath, "line": failure.line, "seq": failure.seq,
            "problem": context.messages.describe(failure.problem),
          ]),
        exitCode: Messages.verificationFailed)
    }
    if let tail = report.tornTail {
      throw .log(.tornTail(path: context.logPath, tail))
    }
  }

  /// The audit's findings, a check a row: in English for JSON and CSV (programs read them), in the
  /// reader's language in tables.
  static func auditReport(_ audit: AuditReport, path: String, _ words: Localizer) -> Report {
    func rows(_ words: Localizer) -> [[String]] {
      let ok = words(.auditOK)
      var rows = [
        [words(.auditLog), path], [words(.auditEventsVerified), String(audit.events)],
        [words(.auditBytes), String(audit.bytes)], [words(.auditHeadHash), audit.headHash],
      ]
      if let failure = audit.failure {
        rows += [
          [words(.auditFirstBadLine), words(.auditLineAndSeq, ["line": failure.line, "seq": failure.seq])],
          [words(.auditProblem), Messages(words: words).describe(failure.problem)],
        ]
      } else {
        rows += [
          [words(.auditChain), ok], [words(.auditRules), ok], [words(.auditDoubleEntry), ok],
          [words(.auditNoNegative), ok],
          [words(.auditIssued), audit.issued.description],
          [words(.auditRedeemed), audit.redeemed.description],
          [words(.auditOutstanding), audit.outstanding.description],
        ]
      }
      if let tail = audit.tornTail {
        rows.append([
          words(.auditTornTail),
          words(.auditTornTailAt, ["line": tail.line, "length": tail.length, "offset": tail.offset]),
        ])
      }
      let result: MessageKey =
        audit.failure != nil
        ? .auditResultFailed : audit.tornTail != nil ? .auditResultTornTail : .auditResultOK
      rows.append([words(.auditResult), words(result)])
      return rows
    }
    var report = Report(
      columns: [.init("check", words(.columnCheck)), .init("result", words(.columnResult))],
      rows: rows(.english))
    report.tableRows = rows(words)
    return report
  }

  /// A short text for the notice board: anyone holding it can later check that the log was not
  /// rewritten up to that point.
  static func checkpoint(_ context: inout Context) throws(Failure) {
    let words = context.words
    let contents = try context.readLog()
    guard let last = contents.records.last else { throw .log(.empty(path: context.logPath)) }
    let state = LedgerState(replaying: contents.records)
    var minutes = Minutes.zero
    for member in state.members.values { minutes += member.confirmedMinutes }
    let issued = -state.balance(of: .issued)
    let redeemed = state.balance(of: .redeemed)
    context.print(words(.checkpointTitle, ["community": state.community]))
    context.print(words(.checkpointSeq, ["seq": last.seq]))
    context.print(words(.checkpointAsOf, ["date": state.localDate(of: last.at), "at": last.at]))
    context.print(words(.checkpointHeadHash, ["hash": last.hash]))
    context.print(
      words(.checkpointVolunteers, ["volunteers": state.members.count, "hours": minutes.hoursText]))
    context.print(
      words(
        .checkpointPoints, ["issued": issued, "redeemed": redeemed, "outstanding": issued - redeemed]))
    context.print(words(.checkpointVerify, ["command": "timebank audit --expect \(last.seq):\(last.hash)"]))
  }

  static func repair(_ context: inout Context) throws(Failure) {
    let words = context.words
    do {
      if let result = try Repair.run(context.logPath) {
        context.print(
          words(
            .repairMoved,
            [
              "length": result.tail.length, "line": result.tail.line, "side": result.sideFile,
              "path": context.logPath, "offset": result.tail.offset,
            ]))
      } else {
        context.print(words(.repairNothing, ["path": context.logPath]))
      }
    } catch {
      throw .log(error)
    }
  }

  static func demo(_ context: inout Context) throws(Failure) {
    let words = context.words
    let path: String
    if let out = context.parsed.value("out") {
      path = out
    } else {
      let directory = NSTemporaryDirectory() + "timebank-demo-" + UUID().uuidString
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw .other(words(.demoNoDirectory, ["directory": directory]), exitCode: Messages.ioError)
      }
      path = directory + "/timebank.jsonl"
    }
    let preset = context.parsed.value("preset") ?? "sample"
    guard preset == "sample" || preset == "article" else {
      throw context.usage("preset", preset, words(.reasonPreset))
    }
    let format = try context.format()
    let ledger: Ledger
    do {
      ledger =
        preset == "article" ? try ArticleCommunity.build(at: path).ledger : try DemoCommunity.build(at: path)
    } catch {
      throw Failure(error)
    }
    let state = ledger.state
    if format == .table {
      context.print(
        words(.demoWritten, ["community": state.community, "path": path, "events": state.lastSeq]))
      context.print("")
      context.print(words(preset == "article" ? .demoCommunitySummary : .demoBalances))
    }
    if preset == "article" {
      let summary = CommunitySummary(
        [CommunityLedger(name: state.community, state: state)], window: ReportWindow())
      try context.show(ReportCommands.figuresTable(ReportCommands.communityFigures(summary, words), words))
    } else {
      try context.show(balanceReport(state, words))
    }
    let bytes: [UInt8]
    do {
      bytes = try LogFile.openForReading(path).readAll()
    } catch {
      throw .log(error)
    }
    let audit = Audit.run(bytes)
    if format == .table {
      context.print("")
      context.print(words(.demoAudit))
      try context.show(auditReport(audit, path: path, words))
      context.print("")
      let member = state.members.keys.sorted().first?.rawValue ?? "m01"
      context.print(words(.demoTry, ["command": "timebank balance \(member) --log \(path)"]))
      context.print(words(.demoTryMore, ["command": "timebank report teams --log \(path)"]))
      context.print(words(.demoTryMore, ["command": "timebank audit --log \(path)"]))
    }
    if audit.failure != nil { throw .auditFailed }
  }
}
