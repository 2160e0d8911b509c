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
      throw usage("to", to.description, "is before --from \(from)")
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
      guard seq >= 0 else { throw usage("as-of-seq", String(seq), "expected a seq of 0 or more") }
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
      let loaded = try Snapshot.load(LogFile.openForReading(path))
      if let tail = loaded.tornTail { warnTornTail(path, tail) }
      return loaded
    } catch {
      throw .log(error)
    }
  }

  mutating func warnTornTail(_ path: String, _ tail: TornTail) {
    warn(
      "\(path):\(tail.line): ignoring a torn last line (\(tail.length) bytes, a crash mid-write?); "
        + "run 'timebank repair'")
  }

  mutating func show(_ report: Report) throws(Failure) {
    output += report.render(try format())
  }
}

/// Handlers of the commands that only read the log.
enum ViewCommands {
  static func hours(_ minutes: Minutes) -> String { minutes.hoursText }

  static func listMembers(_ context: inout Context) throws(Failure) {
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
          .init("member", "MEMBER"), .init("name", "NAME"), .init("party", "PARTY"),
          .init("branch", "BRANCH"),
          .init("teams", "TEAMS"), .init("joined", "JOINED"), .init("left", "LEFT"),
          .init("hours", "HOURS", numeric: true), .init("balance", "BALANCE", numeric: true),
        ], rows: rows))
  }

  static func showMember(_ context: inout Context) throws(Failure) {
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
        .init("record", "RECORD"), .init("date", "DATE"), .init("hours", "HOURS", numeric: true),
        .init("category", "CATEGORY"), .init("team", "TEAM"), .init("status", "STATUS"),
        .init("points", "POINTS", numeric: true), .init("creditTo", "CREDIT TO"),
        .init("recordedBy", "RECORDED BY"),
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
      ? "party member, branch \(member.registration.branch?.rawValue ?? "-")" : "not a party member"
    if try context.format() == .table {
      context.print(
        "\(id) \(member.name) (\(party)); joined \(member.registration.joined)"
          + (member.left.map { "; left \($0)" } ?? ""))
      context.print("teams: \(member.teams.sorted().map(\.rawValue).joined(separator: ", "))")
      context.print(
        "confirmed hours: \(hours(member.confirmedMinutes)) (\(balance.stars ?? 0) stars); "
          + "balance \(balance.balance) points, pending \(balance.pending)"
      )
      context.print("")
      report.notes = []
    }
    try context.show(report)
  }

  static func listTeams(_ context: inout Context) throws(Failure) {
    let state = try context.viewState().state
    let rows = state.teams.keys.sorted().compactMap { id -> [String]? in
      guard let team = state.teams[id] else { return nil }
      return [id.rawValue, team.name, team.kind.rawValue, String(team.members.count)]
    }
    try context.show(
      Report(
        columns: [
          .init("team", "TEAM"), .init("name", "NAME"), .init("kind", "KIND"),
          .init("members", "MEMBERS", numeric: true),
        ],
        rows: rows))
  }

  static func listBranches(_ context: inout Context) throws(Failure) {
    let state = try context.viewState().state
    let rows = state.branches.keys.sorted().map { id in
      let count = state.members.values.filter {
        $0.registration.branch == id && $0.registration.isPartyMember
      }.count
      return [id.rawValue, state.branches[id] ?? "", String(count)]
    }
    try context.show(
      Report(
        columns: [
          .init("branch", "BRANCH"), .init("name", "NAME"),
          .init("partyMembers", "PARTY MEMBERS", numeric: true),
        ], rows: rows))
  }

  static func listCards(_ context: inout Context) throws(Failure) {
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
          .init("card", "CARD"), .init("name", "NAME"), .init("kind", "KIND"), .init("holder", "HOLDER"),
          .init("balance", "BALANCE", numeric: true),
        ], rows: rows))
  }

  static func listRoles(_ context: inout Context) throws(Failure) {
    let state = try context.viewState().state
    var rows: [[String]] = []
    for actor in state.roles.keys.sorted() {
      let grants = (state.roles[actor] ?? []).sorted {
        ($0.role.rawValue, $0.scope.description) < ($1.role.rawValue, $1.scope.description)
      }
      for grant in grants { rows.append([actor.rawValue, grant.role.rawValue, grant.scope.description]) }
    }
    try context.show(
      Report(columns: [.init("actor", "ACTOR"), .init("role", "ROLE"), .init("scope", "SCOPE")], rows: rows))
  }

  static func showPolicy(_ context: inout Context) throws(Failure) {
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
          .init("effective", "EFFECTIVE"), .init("pointsPerHour", "POINTS/HOUR", numeric: true),
          .init("categoryRates", "CATEGORY RATES"),
          .init("dailyCapHours", "DAILY CAP H", numeric: true),
          .init("partyTargetHours", "PARTY TARGET H", numeric: true),
        ], rows: rows))
  }

  static func listService(_ context: inout Context) throws(Failure) {
    let (state, records) = try context.viewState(needsRecords: true)
    let status = context.parsed.value("status")
    if let status, !["pending", "confirmed", "rejected", "reversed"].contains(status) {
      throw context.usage("status", status, "expected pending, confirmed, rejected or reversed")
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
          .init("record", "RECORD"), .init("member", "MEMBER"), .init("date", "DATE"),
          .init("hours", "HOURS", numeric: true),
          .init("category", "CATEGORY"), .init("team", "TEAM"), .init("served", "SERVED", numeric: true),
          .init("status", "STATUS"), .init("points", "POINTS", numeric: true),
          .init("recordedBy", "RECORDED BY"),
        ], rows: rows))
  }

  static func listRewards(_ context: inout Context) throws(Failure) {
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
          .init("item", "ITEM"), .init("name", "NAME"), .init("kind", "KIND"),
          .init("price", "PRICE", numeric: true),
          .init("stock", "STOCK", numeric: true), .init("status", "STATUS"),
        ], rows: rows))
  }

  static let balanceColumns: [Report.Column] = [
    .init("account", "ACCOUNT"), .init("name", "NAME"), .init("balance", "BALANCE", numeric: true),
    .init("pending", "PENDING", numeric: true), .init("earned", "EARNED", numeric: true),
    .init("received", "RECEIVED", numeric: true), .init("sent", "SENT", numeric: true),
    .init("redeemed", "REDEEMED", numeric: true), .init("hours", "HOURS", numeric: true),
    .init("stars", "STARS", numeric: true),
  ]

  static func balanceRow(_ balance: AccountBalance) -> [String] {
    [
      balance.account.description, balance.name, balance.balance.description, balance.pending.description,
      balance.totals.earned.description, balance.totals.received.description, balance.totals.sent.description,
      balance.totals.redeemed.description, balance.confirmedMinutes.map(hours) ?? "",
      balance.stars.map(String.init) ?? "",
    ]
  }

  static func balanceReport(_ state: LedgerState) -> Report {
    let balances = Balances.all(in: state)
    let total = balances.reduce(Points.zero) { $0 + $1.balance }
    return Report(
      columns: balanceColumns, rows: balances.map(balanceRow),
      footer: [["total", "(all accounts)", total.description, "", "", "", "", "", "", ""]])
  }

  static func balance(_ context: inout Context) throws(Failure) {
    let state = try context.viewState().state
    if context.parsed.positionals.isEmpty {
      try context.show(balanceReport(state))
      return
    }
    let account = try context.account("account", context.positional(0), in: state)
    guard let balance = Balances.balance(of: account, in: state) else {
      if case .card(let id) = account { throw .rejected(.unknownCard(id)) }
      throw .rejected(.unknownAccount(account))
    }
    try context.show(Report(columns: balanceColumns, rows: [balanceRow(balance)]))
  }

  static func statement(_ context: inout Context) throws(Failure) {
    let contents = try context.readLog()
    let state = LedgerState(replaying: contents.records)
    let account = try context.account("account", context.positional(0), in: state)
    guard state.exists(account) else { throw .rejected(.unknownAccount(account)) }
    let from = try context.date("from")
    let to = try context.date("to")
    if let from, let to, from > to { throw context.usage("to", to.description, "is before --from \(from)") }
    let statement = Statement(account: account, records: contents.records, from: from, to: to)
    var report = Report(
      columns: [
        .init("seq", "SEQ", numeric: true), .init("date", "DATE"), .init("kind", "KIND"),
        .init("counterparty", "COUNTERPARTY"),
        .init("amount", "AMOUNT", numeric: true, signed: true), .init("balance", "BALANCE", numeric: true),
        .init("description", "DESCRIPTION"),
      ],
      rows: statement.lines.map { line in
        [
          String(line.seq), line.date.description, line.kind.rawValue, line.counterparty.description,
          line.amount.description, line.balance.description,
          line.description,
        ]
      })
    report.notes = ["opening balance \(statement.opening); closing balance \(statement.closing)"]
    try context.show(report)
  }

  static func log(_ context: inout Context) throws(Failure) {
    let contents = try context.readLog()
    let tail = try context.integer("tail") ?? 20
    guard tail >= 0 else { throw context.usage("tail", String(tail), "expected 0 or more") }
    let records = tail == 0 ? contents.records[...] : contents.records.suffix(tail)
    try context.show(
      Report(
        columns: [
          .init("seq", "SEQ", numeric: true), .init("at", "AT"), .init("actor", "ACTOR"),
          .init("type", "TYPE"),
          .init("id", "ID"), .init("data", "DATA"),
        ],
        rows: records.map {
          [
            String($0.seq), $0.at.description, $0.actor.rawValue, $0.event.typeName, $0.id,
            JSONValue.object($0.event.data).jsonText,
          ]
        }))
  }

  static func audit(_ context: inout Context) throws(Failure) {
    var checkpoints: [Checkpoint] = []
    for text in context.parsed.values("expect") {
      guard let checkpoint = Checkpoint(text) else {
        throw context.usage(
          "expect", text, "expected SEQ:HASH with the 64 hex digits of a published checkpoint")
      }
      checkpoints.append(checkpoint)
    }
    let report: AuditReport
    do throws(LogError) {
      let file = try LogFile.openForReading(context.logPath)
      guard try file.length() > 0 else { throw LogError.empty(path: context.logPath) }
      // Progress on a terminal only (never into a file or a pipe), unless --quiet.
      let showsProgress = isatty(STDERR_FILENO) == 1 && !context.parsed.has("quiet")
      report = try Audit.run(
        file, expecting: checkpoints,
        progress: showsProgress
          ? { step in
            let percent = step.bytes * 100 / max(step.totalBytes, 1)
            FileHandle.standardError.write(Data("\raudit: \(percent)% (\(step.events) events)".utf8))
          } : nil
      ).report
      if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    } catch {
      throw .log(error)
    }
    try context.show(auditReport(report, path: context.logPath))
    if let failure = report.failure {
      throw .other(
        "\(context.logPath):\(failure.line): seq \(failure.seq): \(Messages.describe(failure.problem))",
        exitCode: Messages.verificationFailed)
    }
    if let tail = report.tornTail {
      throw .log(.tornTail(path: context.logPath, tail))
    }
  }

  static func auditReport(_ report: AuditReport, path: String) -> Report {
    let result = report.failure != nil ? "FAILED" : report.tornTail != nil ? "TORN TAIL" : "OK"
    var rows = [
      ["log", path], ["events verified", String(report.events)], ["bytes", String(report.bytes)],
      ["head hash", report.headHash],
    ]
    if report.failure == nil {
      rows += [
        ["hash chain, seq, unique ids", "ok"], ["rules and roles at every seq", "ok"],
        ["double entry (balances sum to zero)", "ok"], ["no account below zero", "ok"],
        ["points issued", report.issued.description], ["points redeemed", report.redeemed.description],
        ["points outstanding", report.outstanding.description],
      ]
    } else if let failure = report.failure {
      rows += [
        ["first bad line", "line \(failure.line), seq \(failure.seq)"],
        ["problem", Messages.describe(failure.problem)],
      ]
    }
    if let tail = report.tornTail {
      rows.append(["torn tail", "line \(tail.line), \(tail.length) bytes at offset \(tail.offset)"])
    }
    rows.append(["result", result])
    return Report(columns: [.init("check", "CHECK"), .init("result", "RESULT")], rows: rows)
  }

  /// A short text for the notice board: anyone holding it can later check that the log was not
  /// rewritten up to that point.
  static func checkpoint(_ context: inout Context) throws(Failure) {
    let contents = try context.readLog()
    guard let last = contents.records.last else { throw .log(.empty(path: context.logPath)) }
    let state = LedgerState(replaying: contents.records)
    var minutes = Minutes.zero
    for member in state.members.values { minutes += member.confirmedMinutes }
    let issued = -state.balance(of: .issued)
    let redeemed = state.balance(of: .redeemed)
    context.print("\(state.community) 时间银行公示 / time bank checkpoint")
    context.print("seq:        \(last.seq)")
    context.print("as of:      \(state.localDate(of: last.at)) (last event at \(last.at))")
    context.print("head hash:  \(last.hash)")
    context.print("volunteers: \(state.members.count); confirmed hours: \(minutes.hoursText)")
    context.print("points:     issued \(issued), redeemed \(redeemed), outstanding \(issued - redeemed)")
    context.print("verify:     timebank audit --expect \(last.seq):\(last.hash)")
  }

  static func repair(_ context: inout Context) throws(Failure) {
    do {
      if let result = try Repair.run(context.logPath) {
        context.print(
          "moved \(result.tail.length) torn bytes (line \(result.tail.line)) to \(result.sideFile); "
            + "\(context.logPath) now ends at byte \(result.tail.offset)")
      } else {
        context.print("\(context.logPath): no torn tail; nothing to repair")
      }
    } catch {
      throw .log(error)
    }
  }

  static func demo(_ context: inout Context) throws(Failure) {
    let path: String
    if let out = context.parsed.value("out") {
      path = out
    } else {
      let directory = NSTemporaryDirectory() + "timebank-demo-" + UUID().uuidString
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw .other("could not create a temporary directory \(directory)", exitCode: Messages.ioError)
      }
      path = directory + "/timebank.jsonl"
    }
    let preset = context.parsed.value("preset") ?? "sample"
    guard preset == "sample" || preset == "article" else {
      throw context.usage("preset", preset, "expected sample or article")
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
      context.print("demo ledger of \(state.community) written to \(path) (\(state.lastSeq) events)")
      context.print("")
      context.print(preset == "article" ? "community summary:" : "balances:")
    }
    if preset == "article" {
      let summary = CommunitySummary(
        [CommunityLedger(name: state.community, state: state)], window: ReportWindow())
      try context.show(ReportCommands.figuresTable(ReportCommands.communityFigures(summary)))
    } else {
      try context.show(balanceReport(state))
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
      context.print("audit:")
      try context.show(auditReport(audit, path: path))
      context.print("")
      context.print(
        "try: timebank balance \(state.members.keys.sorted().first?.rawValue ?? "m01") --log \(path)")
      context.print("     timebank report teams --log \(path)")
      context.print("     timebank audit --log \(path)")
    }
    if audit.failure != nil { throw .auditFailed }
  }
}
