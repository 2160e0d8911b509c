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
    let parsed = context.parsed
    let file = context.positional(0)
    let encoding = try parsed.value("encoding").map { (name: String) throws(Failure) in
      guard let encoding = TextEncoding(name: name) else {
        throw context.usage("encoding", name, "expected utf-8 or gb18030")
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
    let text = try decodedText(of: file, encoding: encoding)
    let sheet: Sheet
    do {
      sheet = try SheetImport.read(kind, from: text)
    } catch {
      throw .other(describe(error, file: file, kind: kind), exitCode: Messages.usage)
    }
    let ledger: Ledger
    do {
      ledger = try Ledger.open(context.logPath)
    } catch {
      throw Failure(error)
    }
    let result: SheetImportResult
    do {
      result = try ledger.importSheet(sheet, defaults: defaults, actor: actor, at: now, checkOnly: isCheck)
    } catch {
      throw Failure(error)
    }
    let decision = result.decision
    if !decision.problems.isEmpty {
      throw problems(decision.problems, file: file, kind: kind, headerLine: sheet.headerLine)
    }
    let fresh = decision.rows.filter { !$0.isAlreadyRecorded }
    let already = decision.rows.count - fresh.count
    if isCheck {
      try context.show(table(decision.rows, kind: kind, state: ledger.state, status: "would append"))
      guard isTable else { return }
      context.print(
        "\(file): would append \(rows(fresh.count)) (\(events(fresh))), \(already) already recorded; "
          + "nothing appended (--check)")
      return
    }
    let outcomes = result.outcomes
    let seqs = outcomes.compactMap { outcome -> Int? in
      if case .appended(let record) = outcome { return record.seq } else { return nil }
    }
    try context.show(table(decision.rows, kind: kind, state: ledger.state, status: "appended"))
    var summary = "\(file): \(rows(fresh.count)) appended"
    if let first = seqs.first, let last = seqs.last {
      summary += first == last ? " (seq \(first))" : " (seq \(first)-\(last))"
    }
    if isTable { context.print(summary + ", \(already) already recorded") }
  }

  /// The file's text: read with Foundation, then decoded (UTF-8 with or without BOM, or GB18030).
  private static func decodedText(of file: String, encoding: TextEncoding?) throws(Failure) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
      throw .other("\(file): no such file", exitCode: Messages.ioError)
    }
    guard !isDirectory.boolValue else { throw .other("\(file): is a directory", exitCode: Messages.ioError) }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
      throw .other("\(file): could not read the file", exitCode: Messages.ioError)
    }
    do {
      return try TextDecoding.decode([UInt8](data), as: encoding).text
    } catch .invalid(let encoding?, let offset, let line) {
      let other = encoding == .utf8 ? TextEncoding.gb18030 : .utf8
      throw .other(
        "\(file):\(line): not valid \(encoding.rawValue.uppercased()) text at byte offset \(offset); "
          + "try --encoding \(other.rawValue)", exitCode: Messages.usage)
    } catch .invalid(nil, let offset, let line) {
      throw .other(
        "\(file):\(line): neither UTF-8 nor GB18030 text at byte offset \(offset); "
          + "save the sheet as CSV (UTF-8) and try again", exitCode: Messages.usage)
    } catch {
      throw .other("cannot read GB18030 text: the system's iconv lacks it", exitCode: Messages.ioError)
    }
  }

  // MARK: Wording

  static func describe(_ error: SheetError, file: String, kind: SheetKind) -> String {
    switch error {
    case .csv(.unterminatedQuote(let line)):
      "\(file):\(line): a quoted field starting on this line is never closed"
    case .csv(.textAfterQuote(let line, let character)):
      "\(file):\(line): '\(character)' after a closing quote; inside quotes, a quote is written \"\""
    case .empty:
      "\(file): the file is empty; expected a header line such as \(example(kind))"
    case .noHeader(let line):
      "\(file):\(line): no known column in the header; expected a header line such as \(example(kind))"
    }
  }

  static func example(_ kind: SheetKind) -> String {
    switch kind {
    case .services: "姓名,日期,时长,类别 (or member,date,hours,category)"
    case .members: "编号,姓名,党员,支部 (or id,name,party,branch)"
    }
  }

  /// Every problem as its own `error:` line, then how many rows had problems; exit 64 when the header
  /// is among them, else 1.
  static func problems(_ problems: [SheetProblem], file: String, kind: SheetKind, headerLine: Int)
    -> Failure
  {
    var lines = problems.map { problem in
      "\(file):\(problem.line): " + (problem.column.map { "\($0): " } ?? "") + describe(problem.reason, kind)
    }
    let badRows = Set(problems.filter { !$0.isHeaderProblem }.map(\.line)).count
    let isHeaderBad = problems.contains(where: \.isHeaderProblem)
    var summary = "\(file): "
    if isHeaderBad { summary += "the header has problems" + (badRows > 0 ? " and " : "") }
    if badRows > 0 { summary += "\(rows(badRows)) have problems" }
    lines.append(summary + "; nothing appended")
    return .other(
      lines.joined(separator: "\nerror: "), exitCode: isHeaderBad ? Messages.usage : Messages.refused)
  }

  static func describe(_ reason: SheetProblem.Reason, _ kind: SheetKind) -> String {
    switch reason {
    case .unknownColumn:
      "unknown column; this sheet takes "
        + list(SheetImport.columnNames(kind).map { $0.joined(separator: "/") })
    case .duplicateColumn: "a second column for the same thing"
    case .missingColumn(let alternatives): "missing column: " + list(alternatives, last: "or")
    case .unnamedColumn(let position): "column \(position) has values but no header"
    case .tooManyFields(let found, let expected): "the row has \(found) fields but the header \(expected)"
    case .noValue: "no value"
    case .notADate(let text): "'\(text)' is not a date"
    case .notHours(let text): "'\(text)' is not a number of hours in whole minutes, e.g. 2, 1.5 or 0.25"
    case .notMinutes(let text): "'\(text)' is not a whole number of minutes"
    case .notACount(let text): "'\(text)' is not a whole number"
    case .notYesOrNo(let text): "'\(text)' is not 是/否, yes/no, true/false or 1/0"
    case .hoursAndMinutes(let other): "give this or \(other), not both"
    case .invalidIdentifier(let text, let problem): "the id '\(text)' \(problem)"
    case .unknownName(let name): "no member is called \(name)"
    case .ambiguousName(let name, let members):
      "\(members.count) members are called \(name) (\(list(members.map(\.rawValue)))); use their id"
    case .nameMismatch(let member, let registered, let given):
      "\(member) is \(registered), not \(given)"
    case .rejected(let rejection):
      "refused: \(Messages.describe(rejection)) [rule: \(Messages.rule(of: rejection))]"
    }
  }

  /// `a, b and c` (or `or`).
  static func list(_ items: [String], last: String = "and") -> String {
    guard items.count > 1, let final = items.last else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " \(last) " + final
  }

  static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

  static func events(_ rows: [SheetRow]) -> String {
    let count = rows.reduce(0) { $0 + $1.pending.count }
    return count == 1 ? "1 event" : "\(count) events"
  }

  // MARK: The table of rows

  /// The rows as they are (or would be) recorded.
  static func table(_ rows: [SheetRow], kind: SheetKind, state: LedgerState, status: String) -> Report {
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
          .init("line", "LINE", numeric: true), .init("id", "ID"), .init("member", "MEMBER"),
          .init("name", "NAME"), .init("date", "DATE"), .init("hours", "HOURS", numeric: true),
          .init("category", "CATEGORY"), .init("team", "TEAM"), .init("served", "SERVED", numeric: true),
          .init("place", "PLACE"), .init("note", "NOTE"), .init("status", "STATUS"),
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
          .init("line", "LINE", numeric: true), .init("id", "ID"), .init("member", "MEMBER"),
          .init("name", "NAME"), .init("party", "PARTY"), .init("branch", "BRANCH"),
          .init("joined", "JOINED"), .init("team", "TEAM"), .init("status", "STATUS"),
        ], rows: cells)
    }
  }
}
