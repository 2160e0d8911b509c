import Foundation
import TimeBank

/// Handlers of `timebank import services|members FILE.csv`: a sheet from Excel or WPS, all rows or none.
enum ImportCommands {
  /// `timebank import services FILE.csv`: one service record per row.
  static func services(_ context: inout Context) throws(Failure) {
    try run(&context, kind: .services)
  }

  /// `timebank import members FILE.csv`: one registration per row (and a team join when it names one).
  static func members(_ context: inout Context) throws(Failure) {
    try run(&context, kind: .members)
  }

  /// Reads, decodes and decides the sheet under the log's lock; appends only when no row has a problem.
  ///
  /// - Throws: exit 64 when the file is not readable as CSV or its header is not usable; 1 when rows
  ///   have bad values or the rules refuse them (every one is listed); 74 for I/O.
  private static func run(_ context: inout Context, kind: SheetKind) throws(Failure) {
    let words = context.words
    let parsed = context.parsed
    let file = context.positional(0)
    let encoding = try parsed.value("encoding").map { (name: String) throws(Failure) in
      guard let encoding = TextEncoding(name: name) else {
        throw context.usage("encoding", name, words(.reasonEncoding))
      }
      return encoding
    }
    let team = try parsed.value("team").map { (text: String) throws(Failure) in
      TeamID(try context.identifier("team", text))
    }
    let defaults = SheetDefaults(category: parsed.value("category"), team: team)
    let isCheck = parsed.has("check")
    // JSON and CSV output is the rows alone, for other programs; the summary is for people.
    let isTable = try context.format() == .table
    let actor = try context.actor()
    let now = try context.now()
    let text = try decodedText(of: file, encoding: encoding, words)
    let sheet: Sheet
    do {
      sheet = try SheetImport.read(kind, from: text)
    } catch {
      throw .other(describe(error, file: file, kind: kind, words), exitCode: Messages.usage)
    }
    let ledger: Ledger
    do {
      ledger = try Ledger.open(context.logPath)
    } catch {
      throw Failure(error)
    }
    let result: SheetImportResult
    let progress = context.progress(.progressImport)
    do {
      result = try ledger.importSheet(
        sheet, defaults: defaults, actor: actor, at: now, checkOnly: isCheck, progress: progress?.report)
    } catch {
      progress?.finish()
      throw Failure(error)
    }
    progress?.finish()
    let decision = result.decision
    if !decision.problems.isEmpty {
      throw problems(decision.problems, file: file, kind: kind, headerLine: sheet.headerLine, words)
    }
    let fresh = decision.rows.filter { !$0.isAlreadyRecorded }
    let already = decision.rows.count - fresh.count
    if isCheck {
      try context.show(table(decision.rows, kind: kind, state: ledger.state, status: "would append", words))
      guard isTable else { return }
      context.print(
        words(
          .importWouldAppend,
          [
            "file": file, "rows": rows(fresh.count, words), "events": events(fresh, words),
            "already": already,
          ]))
      return
    }
    let outcomes = result.outcomes
    let seqs = outcomes.compactMap { outcome -> Int? in
      if case .appended(let record) = outcome { return record.seq } else { return nil }
    }
    try context.show(table(decision.rows, kind: kind, state: ledger.state, status: "appended", words))
    guard isTable else { return }
    var seqText = ""
    if let first = seqs.first, let last = seqs.last {
      seqText =
        first == last
        ? words(.importSeq, ["seq": first]) : words(.importSeqs, ["first": first, "last": last])
    }
    context.print(
      words(
        .importAppended,
        ["file": file, "rows": rows(fresh.count, words), "seqs": seqText, "already": already]))
  }

  /// The file's text: read with Foundation, then decoded (UTF-8 with or without BOM, or GB18030).
  private static func decodedText(
    of file: String, encoding: TextEncoding?, _ words: Localizer
  ) throws(Failure) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
      throw .other(words(.importNoSuchFile, ["file": file]), exitCode: Messages.ioError)
    }
    guard !isDirectory.boolValue else {
      throw .other(words(.importIsADirectory, ["file": file]), exitCode: Messages.ioError)
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
      throw .other(words(.importUnreadable, ["file": file]), exitCode: Messages.ioError)
    }
    do {
      return try TextDecoding.decode([UInt8](data), as: encoding).text
    } catch .invalid(let encoding?, let offset, let line) {
      let other = encoding == .utf8 ? TextEncoding.gb18030 : .utf8
      throw .other(
        words(
          .importNotValidText,
          [
            "file": file, "line": line, "encoding": encoding.rawValue.uppercased(), "offset": offset,
            "other": other.rawValue,
          ]), exitCode: Messages.usage)
    } catch .invalid(nil, let offset, let line) {
      throw .other(
        words(.importNeitherEncoding, ["file": file, "line": line, "offset": offset]),
        exitCode: Messages.usage)
    } catch {
      throw .other(words(.importNoGB18030), exitCode: Messages.ioError)
    }
  }

  // MARK: Wording

  static func describe(_ error: SheetError, file: String, kind: SheetKind, _ words: Localizer) -> String {
    switch error {
    case .csv(.unterminatedQuote(let line)):
      words(.sheetUnterminatedQuote, ["file": file, "line": line])
    case .csv(.textAfterQuote(let line, let character)):
      words(.sheetTextAfterQuote, ["file": file, "line": line, "character": character])
    case .empty:
      words(.sheetEmpty, ["file": file, "example": example(kind, words)])
    case .noHeader(let line):
      words(.sheetNoHeader, ["file": file, "line": line, "example": example(kind, words)])
    }
  }

  static func example(_ kind: SheetKind, _ words: Localizer) -> String {
    switch kind {
    case .services: words(.sheetServicesExample)
    case .members: words(.sheetMembersExample)
    }
  }

  /// Every problem as its own `error:` line, then how many rows had problems; exit 64 when the header
  /// is among them, else 1.
  static func problems(
    _ problems: [SheetProblem], file: String, kind: SheetKind, headerLine: Int, _ words: Localizer
  ) -> Failure {
    var lines = problems.map { problem in
      words(
        .sheetProblem,
        [
          "file": file, "line": problem.line,
          "column": problem.column.map { words(.sheetColumn, ["column": $0]) } ?? "",
          "problem": describe(problem.reason, kind, words),
        ])
    }
    let badRows = Set(problems.filter { !$0.isHeaderProblem }.map(\.line)).count
    let isHeaderBad = problems.contains(where: \.isHeaderProblem)
    let summary: String
    switch (isHeaderBad, badRows > 0) {
    case (true, true): summary = words(.sheetHeaderAndRowsBad, ["file": file, "rows": rows(badRows, words)])
    case (true, false): summary = words(.sheetHeaderBad, ["file": file])
    default: summary = words(.sheetRowsBad, ["file": file, "rows": rows(badRows, words)])
    }
    lines.append(summary)
    // Each problem is an error line of its own; the CLI writes the first `error: ` prefix.
    let separator = "\n" + words(.errorLine, ["message": ""])
    return .other(
      lines.joined(separator: separator), exitCode: isHeaderBad ? Messages.usage : Messages.refused)
  }

  static func describe(_ reason: SheetProblem.Reason, _ kind: SheetKind, _ words: Localizer) -> String {
    switch reason {
    case .unknownColumn:
      words(
        .sheetUnknownColumn,
        ["columns": list(SheetImport.columnNames(kind).map { $0.joined(separator: "/") }, words)])
    case .duplicateColumn: words(.sheetDuplicateColumn)
    case .missingColumn(let alternatives):
      words(.sheetMissingColumn, ["columns": list(alternatives, words, last: .listOr)])
    case .unnamedColumn(let position): words(.sheetUnnamedColumn, ["position": position])
    case .tooManyFields(let found, let expected):
      words(.sheetTooManyFields, ["found": found, "expected": expected])
    case .noValue: words(.sheetNoValue)
    case .notADate(let text): words(.sheetNotADate, ["value": text])
    case .notHours(let text): words(.sheetNotHours, ["value": text])
    case .notMinutes(let text): words(.sheetNotMinutes, ["value": text])
    case .notACount(let text): words(.sheetNotACount, ["value": text])
    case .notYesOrNo(let text): words(.sheetNotYesOrNo, ["value": text])
    case .hoursAndMinutes(let other): words(.sheetHoursAndMinutes, ["other": other])
    case .invalidIdentifier(let text, let problem):
      words(.sheetInvalidIdentifier, ["value": text, "problem": problem])
    case .unknownName(let name): words(.sheetUnknownName, ["name": name])
    case .ambiguousName(let name, let members):
      words(
        .sheetAmbiguousName,
        ["count": members.count, "name": name, "members": list(members.map(\.rawValue), words)])
    case .nameMismatch(let member, let registered, let given):
      words(.sheetNameMismatch, ["member": member, "registered": registered, "given": given])
    case .rejected(let rejection): Messages(words: words).refusal(rejection)
    }
  }

  /// `a, b and c` (or `or`): 甲、乙和丙 in Chinese.
  static func list(_ items: [String], _ words: Localizer, last: MessageKey = .listAnd) -> String {
    guard items.count > 1, let final = items.last else { return items.first ?? "" }
    return words(last, ["items": items.dropLast().joined(separator: words(.listSeparator)), "last": final])
  }

  static func rows(_ count: Int, _ words: Localizer) -> String {
    words(count == 1 ? .importOneRow : .importRows, ["count": count])
  }

  static func events(_ rows: [SheetRow], _ words: Localizer) -> String {
    let count = rows.reduce(0) { $0 + $1.pending.count }
    return words(count == 1 ? .importOneEvent : .importEvents, ["count": count])
  }

  // MARK: The table of rows

  /// The rows as they are (or would be) recorded.
  static func table(
    _ rows: [SheetRow], kind: SheetKind, state: LedgerState, status: String, _ words: Localizer
  ) -> Report {
    switch kind {
    case .services:
      let cells = rows.map { row -> [String] in
        guard case .serviceRecorded(let entry)? = row.commands.first?.event else { return [] }
        return [
          String(row.line), row.commands.first?.id ?? "", entry.member.rawValue,
          state.members[entry.member]?.name ?? "", entry.date.description, entry.minutes.hoursText,
          entry.category, entry.team?.rawValue ?? "", String(entry.peopleServed), entry.place ?? "",
          entry.note ?? "", row.isAlreadyRecorded ? "already recorded" : status,
        ]
      }
      return Report(
        columns: [
          .init("line", words(.columnLine), numeric: true), .init("id", words(.columnID)),
          .init("member", words(.columnMember)),
          .init("name", words(.columnPersonName)), .init("date", words(.columnDate)),
          .init("hours", words(.columnHours), numeric: true),
          .init("category", words(.columnCategory)), .init("team", words(.columnTeam)),
          .init("served", words(.columnServed), numeric: true),
          .init("place", words(.columnPlace)), .init("note", words(.columnNote)),
          .init("status", words(.columnStatus), display: words.statusDisplay),
        ], rows: cells)
    case .members:
      let cells = rows.map { row -> [String] in
        guard case .memberRegistered(let registration)? = row.commands.first?.event else { return [] }
        var team = ""
        if case .teamJoined(let joined, _, _)? = row.commands.dropFirst().first?.event {
          team = joined.rawValue
        }
        return [
          String(row.line), row.commands.first?.id ?? "", registration.member.rawValue, registration.name,
          registration.isPartyMember ? "yes" : "no", registration.branch?.rawValue ?? "",
          registration.joined.description, team, row.isAlreadyRecorded ? "already recorded" : status,
        ]
      }
      return Report(
        columns: [
          .init("line", words(.columnLine), numeric: true), .init("id", words(.columnID)),
          .init("member", words(.columnMember)),
          .init("name", words(.columnPersonName)),
          .init("party", words(.columnParty), display: { words.yesOrNo($0 == "yes") }),
          .init("branch", words(.columnBranch)),
          .init("joined", words(.columnJoined)), .init("team", words(.columnTeam)),
          .init("status", words(.columnStatus), display: words.statusDisplay),
        ], rows: cells)
    }
  }
}
