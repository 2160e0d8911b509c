/// What a spreadsheet records: hours of service, or members to register.
public enum SheetKind: String, Equatable, Sendable {
  /// One `service.recorded` per row (`timebank import services`).
  case services
  /// One `member.registered` per row, and a `team.joined` when it names a team (`import members`).
  case members
}

/// A column of a sheet, as its header names it (in Chinese or English).
public enum SheetField: String, Hashable, Sendable, CaseIterable {
  /// A member's id (编号/member); in a members sheet, the new member's id (编号/id).
  case member
  /// A member's name, resolved to an id (姓名/name in a services sheet).
  case memberName
  case date, hours, minutes, category, team, served, place, note
  /// The new member's name (姓名/name in a members sheet).
  case name
  case party, branch, joined
  /// A column kept for people, not for the ledger: 序号 (row number), 签名 (signature).
  case ignored
}

/// Values a sheet may leave out, given on the command line.
public struct SheetDefaults: Equatable, Sendable {
  /// The category of rows with no 类别 (or no such column).
  public var category: String?
  /// The team of rows with no 服务队 (or no such column); for members, a team to join.
  public var team: TeamID?

  public init(category: String? = nil, team: TeamID? = nil) {
    self.category = category
    self.team = team
  }
}

/// One thing wrong with a sheet: where (line, column) and why.
public struct SheetProblem: Equatable, Sendable {
  /// The physical line (from 1) the row starts on; the header's line for header problems.
  public var line: Int
  /// The header of the column, as written in the file; nil when the problem is the whole row's.
  public var column: String?
  public var reason: Reason

  public init(line: Int, column: String?, reason: Reason) {
    self.line = line
    self.column = column
    self.reason = reason
  }

  /// Why a header or a row is not acceptable. The command line words them.
  public enum Reason: Equatable, Sendable {
    /// The header names no column this kind of sheet has.
    case unknownColumn
    /// Two headers name the same column.
    case duplicateColumn
    /// No header names a column the sheet needs; any of `alternatives` would do.
    case missingColumn(alternatives: [String])
    /// A column without a header holds values; `position` counts from 1.
    case unnamedColumn(position: Int)
    /// The row has more non-empty fields than the header has columns.
    case tooManyFields(found: Int, expected: Int)
    /// A value the row needs is empty.
    case noValue
    case notADate(String)
    /// Not hours, or not a whole number of minutes in hours (1.333).
    case notHours(String)
    case notMinutes(String)
    case notACount(String)
    /// Not 是/否, yes/no, true/false, 1/0.
    case notYesOrNo(String)
    /// Both 时长 and 分钟 are filled in; `other` is the header of the second.
    case hoursAndMinutes(other: String)
    case invalidIdentifier(String, problem: String)
    /// No registered member has this name.
    case unknownName(String)
    /// More than one member has this name; `members` are their ids, sorted.
    case ambiguousName(String, members: [MemberID])
    /// The id and the name of a row name different people.
    case nameMismatch(member: MemberID, registered: String, given: String)
    /// The rules refuse the row's command, as `Ledger.execute` would.
    case rejected(Rejection)
  }

  /// Whether the problem is with the header line (so the sheet has no usable header).
  public var isHeaderProblem: Bool {
    switch reason {
    case .unknownColumn, .duplicateColumn, .missingColumn, .unnamedColumn: true
    default: false
    }
  }
}

/// Why a text cannot be read as a sheet at all.
public enum SheetError: Error, Equatable, Sendable {
  case csv(CSVError)
  /// The text has no line with anything on it.
  case empty
  /// No cell of the first non-blank line (at `line`) names a column of this kind of sheet.
  case noHeader(line: Int)
}

/// One column of a sheet: its header as written, and what it holds (nil for an empty header).
public struct SheetColumn: Equatable, Sendable {
  /// The header as written, trimmed; messages name the column by it.
  public var header: String
  /// What the column holds; nil when the header is empty.
  public var field: SheetField?

  public init(header: String, field: SheetField?) {
    self.header = header
    self.field = field
  }
}

/// A sheet read from text: its columns, its data rows, and what is wrong with its header.
public struct Sheet: Equatable, Sendable {
  public var kind: SheetKind
  /// The line of the header: the first line with anything on it.
  public var headerLine: Int
  /// The columns, in the order of the header.
  public var columns: [SheetColumn]
  /// The records after the header, blank ones left out.
  public var rows: [CSVRecord]
  /// Unknown, repeated or unnamed columns; `SheetImport.decide` adds the missing ones.
  public var headerProblems: [SheetProblem]
}

/// A row that can be recorded: its commands (one, or for a member who joins a team, two).
public struct SheetRow: Equatable, Sendable {
  /// The physical line the row starts on.
  public var line: Int
  /// Everything the row records.
  public var commands: [Command]
  /// The commands not yet in the log: the ones to append.
  public var pending: [Command]

  /// Every command of the row is already in the log with the same content.
  public var isAlreadyRecorded: Bool { pending.isEmpty }

  public init(line: Int, commands: [Command], pending: [Command]) {
    self.line = line
    self.commands = commands
    self.pending = pending
  }
}

/// The outcome of deciding a sheet against a ledger: the good rows and every problem.
public struct SheetDecision: Equatable, Sendable {
  /// The rows that can be recorded, in file order.
  public var rows: [SheetRow]
  /// Every problem, header first, then by line.
  public var problems: [SheetProblem]

  /// The batch to hand to `Ledger.execute` (the commands not yet in the log); append it only when
  /// `problems` is empty.
  public var commands: [Command] { rows.flatMap(\.pending) }
}

/// Spreadsheet import: headers to rows to `Command`s, with the row checks and stable ids.
///
/// Pure: no I/O and no clock; the ledger's state, its records and the time are parameters. Each row
/// gets an id derived from what it records (`imp-` and 16 hex digits of SHA-256, with `-2`, `-3`, ...
/// for a repeat of the same row in one file), so importing a sheet again appends nothing.
public enum SheetImport {
  /// The headers each kind of sheet knows, lowercased; the first two of each are the ones messages use.
  static func aliases(for kind: SheetKind) -> [(names: [String], field: SheetField)] {
    let ignored = (["序号", "no.", "no", "#", "签名", "signature"], SheetField.ignored)
    switch kind {
    case .services:
      return [
        (["姓名", "name"], .memberName), (["编号", "member", "member id"], .member),
        (["日期", "date", "服务日期"], .date), (["时长", "hours", "服务时长"], .hours),
        (["分钟", "minutes"], .minutes), (["类别", "category", "服务类别"], .category),
        (["服务队", "team"], .team), (["服务人数", "served"], .served),
        (["地点", "place", "服务地点"], .place), (["备注", "note"], .note), ignored,
      ]
    case .members:
      return [
        (["编号", "id", "member"], .member), (["姓名", "name"], .name), (["党员", "party"], .party),
        (["支部", "branch"], .branch), (["入会日期", "joined"], .joined), (["服务队", "team"], .team),
        ignored,
      ]
    }
  }

  /// The Chinese and English header of each column a kind of sheet takes, in order (序号 and 签名,
  /// which are ignored, left out).
  public static func columnNames(_ kind: SheetKind) -> [[String]] {
    aliases(for: kind).filter { $0.field != .ignored }.map { Array($0.names.prefix(2)) }
  }

  // MARK: Reading

  /// Reads the header and the rows of a sheet from decoded text (comma or tab separated, as the header
  /// line shows).
  ///
  /// - Throws: `SheetError` when the text is not CSV, is empty, or its first line names no column.
  ///   Lesser header problems (an unknown or repeated column, a missing one) are in `headerProblems`.
  /// - Complexity: O(n) in the length of the text.
  public static func read(_ kind: SheetKind, from text: String) throws(SheetError) -> Sheet {
    let records: [CSVRecord]
    do {
      records = try CSVReader(detectingSeparatorIn: text).records(in: text)
    } catch {
      throw .csv(error)
    }
    let nonBlank = records.filter { !isBlank($0) }
    guard let header = nonBlank.first else { throw .empty }
    let rows = Array(nonBlank.dropFirst())
    let known = aliases(for: kind)
    var columns: [SheetColumn] = []
    var problems: [SheetProblem] = []
    var seen: Set<SheetField> = []
    for (position, cell) in header.fields.enumerated() {
      let title = trimmed(cell)
      guard !title.isEmpty else {
        columns.append(SheetColumn(header: "", field: nil))
        let isUsed = rows.contains { position < $0.fields.count && !trimmed($0.fields[position]).isEmpty }
        if isUsed {
          problems.append(
            SheetProblem(line: header.line, column: nil, reason: .unnamedColumn(position: position + 1)))
        }
        continue
      }
      let field = known.first { $0.names.contains(title.lowercased()) }?.field
      columns.append(SheetColumn(header: title, field: field))
      guard let field else {
        problems.append(SheetProblem(line: header.line, column: title, reason: .unknownColumn))
        continue
      }
      if field != .ignored && !seen.insert(field).inserted {
        problems.append(SheetProblem(line: header.line, column: title, reason: .duplicateColumn))
      }
    }
    guard columns.contains(where: { $0.field != nil }) else { throw .noHeader(line: header.line) }
    return Sheet(kind: kind, headerLine: header.line, columns: columns, rows: rows, headerProblems: problems)
  }

  static func isBlank(_ record: CSVRecord) -> Bool { record.fields.allSatisfy { trimmed($0).isEmpty } }

  /// The text without leading and trailing white space (including the ideographic space U+3000 and
  /// line breaks) or a stray byte order mark.
  static func trimmed(_ text: String) -> String {
    var scalars = Substring(text).unicodeScalars
    let isSpace: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace || $0 == "\u{FEFF}" }
    while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
    while let last = scalars.last, isSpace(last) { scalars.removeLast() }
    return String(scalars)
  }

  // MARK: Deciding

  /// Turns every row into commands and decides them in order against a scratch copy of `state`, the
  /// way `Ledger.execute` does, so that every bad row is found, not only the first.
  ///
  /// A row with a problem is left out of the scratch state, so later rows are decided as if it were
  /// not there. A row whose id is already in the log with the same content is already recorded, even
  /// when someone else imported it; with other content (a hand-made `--id imp-...`) it is refused.
  /// - Parameters:
  ///   - sheet: the sheet, from `read(_:from:)`.
  ///   - defaults: the category and team of rows that have none.
  ///   - state: the ledger's state now.
  ///   - storedRecord: the log's line with a given `seq` (for comparing rows imported before); the
  ///     ledger reads it from the log when asked, rather than keeping every line in memory.
  ///   - actor: who imports.
  ///   - now: when; today's date in the ledger's time zone limits the dates.
  ///   - progress: called now and then with (rows decided, rows in all), so a terminal can show how far
  ///     a large sheet has got.
  /// - Returns: the good rows and every problem; append `commands` only when there are no problems.
  /// - Complexity: O(r · m) for r rows and m members (for names), plus the rules.
  public static func decide(
    _ sheet: Sheet, defaults: SheetDefaults = SheetDefaults(), state: LedgerState,
    storedRecord: @escaping (Int) -> EventRecord?, actor: ActorID, at now: Timestamp,
    progress: ((Int, Int) -> Void)? = nil
  ) -> SheetDecision {
    var problems = sheet.headerProblems + missingColumns(in: sheet, defaults: defaults)
    let stamped = state.inLedgerZone(now)
    var builder = RowBuilder(
      sheet: sheet, defaults: defaults, state: state, storedRecord: storedRecord, today: stamped.localDate)
    var scratch = state
    var newRecords: [EventRecord] = []
    var rows: [SheetRow] = []
    for (index, record) in sheet.rows.enumerated() {
      if let progress, index % progressInterval == 0 { progress(index, sheet.rows.count) }
      guard let built = builder.build(record, problems: &problems) else { continue }
      var rowScratch = scratch
      var rowRecords = newRecords
      var pending: [Command] = []
      var refusal: SheetProblem?
      for command in built.commands {
        let id = command.id ?? ""
        if let seq = rowScratch.ids[id] {
          let stored = seq <= state.lastSeq ? storedRecord(seq) : rowRecords[seq - state.lastSeq - 1]
          guard let stored else {
            let rejection = Rejection.idReused(
              id: id, seq: seq, field: "id", stored: "(line \(seq) could not be read)", given: id)
            refusal = built.problem(.rejected(rejection), key: nil)
            break
          }
          // The same row imported by someone else is still the same row: compare all but the actor.
          let difference = Ledger.difference(stored: stored, actor: stored.actor, event: command.event)
          if let difference {
            let rejection = Rejection.idReused(
              id: id, seq: seq, field: difference.field, stored: difference.stored,
              given: difference.given)
            refusal = built.problem(.rejected(rejection), key: difference.field)
            break
          }
          continue
        }
        pending.append(command)
        let event = Rules.complete(command.event, in: rowScratch)
        do {
          try Rules.validate(event, actor: actor, at: stamped, in: rowScratch)
        } catch {
          refusal = built.problem(.rejected(error), key: key(of: error, kind: sheet.kind))
          break
        }
        let line = LogLine.encode(
          seq: rowScratch.lastSeq + 1, id: id, at: stamped, actor: actor, event: event,
          prev: rowScratch.headHash)
        let written = EventRecord(
          seq: rowScratch.lastSeq + 1, id: id, at: stamped, actor: actor, event: event,
          prev: rowScratch.headHash, hash: line.hash)
        rowScratch.apply(written)
        rowRecords.append(written)
      }
      if let refusal {
        problems.append(refusal)
        continue
      }
      scratch = rowScratch
      newRecords = rowRecords
      rows.append(SheetRow(line: record.line, commands: built.commands, pending: pending))
    }
    progress?(sheet.rows.count, sheet.rows.count)
    // Stable: header problems first, then each row's problems in the order its columns were checked.
    let sorted = problems.enumerated().sorted {
      ($0.element.line, $0.offset) < ($1.element.line, $1.offset)
    }
    return SheetDecision(rows: rows, problems: sorted.map(\.element))
  }

  /// How many rows `decide` decides between two calls of its `progress`.
  static let progressInterval = 100

  /// The columns the sheet needs and does not have.
  static func missingColumns(in sheet: Sheet, defaults: SheetDefaults) -> [SheetProblem] {
    let present = Set(sheet.columns.compactMap(\.field))
    var needed: [[SheetField]]
    switch sheet.kind {
    case .services:
      needed = [[.memberName, .member], [.date], [.hours, .minutes]]
      if defaults.category == nil { needed.append([.category]) }
    case .members:
      needed = [[.member], [.name]]
    }
    let known = aliases(for: sheet.kind)
    return needed.filter { $0.allSatisfy { !present.contains($0) } }.map { fields in
      let names =
        fields.compactMap { field in known.first { $0.field == field }?.names[0] }
        + fields.compactMap { field in known.first { $0.field == field }?.names[1] }
      return SheetProblem(line: sheet.headerLine, column: nil, reason: .missingColumn(alternatives: names))
    }
  }

  /// The event data key a rejection is about, so it can be reported in that key's column.
  static func key(of rejection: Rejection, kind: SheetKind) -> String? {
    switch rejection {
    case .unknownMember, .ownService, .alreadyExists, .notAPartyMember: "member"
    case .futureDate(let field, _, _): kind == .members ? "joined" : field
    case .beforeJoined, .memberLeft: kind == .members ? "joined" : "date"
    case .nonPositiveMinutes, .dailyCapExceeded: "minutes"
    case .unknownTeam, .notInTeam, .alreadyInTeam: "team"
    case .unknownBranch: "branch"
    case .unknownCard, .creditToOtherMember: "creditTo"
    case .invalidField(let field, _): field
    default: nil
    }
  }

  /// The stable id of a row: `imp-` and the first 16 hex digits of the SHA-256 of its fields.
  static func stableID(_ fields: [String]) -> String {
    "imp-" + String(SHA256.hexDigest(Array(fields.joined(separator: "\u{1F}").utf8)).prefix(16))
  }

  // MARK: Values

  /// A date as Excel and WPS write them: `2025-06-28`, `2025/6/28`, `2025.6.28` or `2025年6月28日`,
  /// optionally followed by a midnight time (`2025/6/28 0:00`); nil unless it is a real date.
  public static func date(_ text: String) -> LocalDate? {
    var text = trimmed(text)
    if let space = text.firstIndex(of: " ") {
      let time = text[text.index(after: space)...].trimmingPrefix(" ")
      guard ["0:00", "00:00", "0:00:00", "00:00:00"].contains(String(time)) else { return nil }
      text = String(text[..<space])
    }
    var parts: [Substring]
    if text.contains("年") {
      guard text.hasSuffix("日") || text.last?.isNumber == true else { return nil }
      let body = text.hasSuffix("日") ? text.dropLast() : Substring(text)
      guard let year = body.firstIndex(of: "年"), let month = body.firstIndex(of: "月"), year < month else {
        return nil
      }
      parts = [
        body[..<year], body[body.index(after: year)..<month], body[body.index(after: month)...],
      ]
    } else {
      guard let separator = text.first(where: { "-/.".contains($0) }) else { return nil }
      parts = text.split(separator: separator, omittingEmptySubsequences: false)
    }
    guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
      (1...2).contains(parts[2].count),
      parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    return LocalDate(year: year, month: month, day: day)
  }

  /// 是/否, yes/no, y/n, true/false, 1/0 (any case); nil for anything else.
  public static func yesOrNo(_ text: String) -> Bool? {
    switch trimmed(text).lowercased() {
    case "是", "yes", "y", "true", "1": true
    case "否", "no", "n", "false", "0": false
    default: nil
    }
  }
}

/// A row turned into commands, with the columns it used, for placing rule refusals.
struct BuiltRow {
  var line: Int
  var commands: [Command]
  /// The header of the column each event data key came from in this row.
  var columns: [String: String]

  func problem(_ reason: SheetProblem.Reason, key: String?) -> SheetProblem {
    SheetProblem(line: line, column: key.flatMap { columns[$0] }, reason: reason)
  }
}

/// Builds rows into commands, finding the format problems of each, and numbering repeats.
struct RowBuilder {
  let sheet: Sheet
  let defaults: SheetDefaults
  let state: LedgerState
  let storedRecord: (Int) -> EventRecord?
  let today: LocalDate
  /// How many times each stable id has been given so far in this file.
  var occurrences: [String: Int] = [:]

  /// The key of the event data a sheet field fills.
  static func key(of field: SheetField) -> String? {
    switch field {
    case .member, .memberName: "member"
    case .hours, .minutes: "minutes"
    case .date, .category, .team, .served, .place, .note, .name, .party, .branch, .joined: field.rawValue
    case .ignored: nil
    }
  }

  /// The row's commands, or nil (with its problems appended) when a value is bad or missing.
  mutating func build(_ record: CSVRecord, problems: inout [SheetProblem]) -> BuiltRow? {
    let count = problems.count
    var cells: [SheetField: (text: String, header: String)] = [:]
    for (position, column) in sheet.columns.enumerated() {
      guard let field = column.field, field != .ignored, cells[field] == nil else { continue }
      let text = position < record.fields.count ? SheetImport.trimmed(record.fields[position]) : ""
      cells[field] = (text, column.header)
    }
    let extra = record.fields.dropFirst(sheet.columns.count)
    if extra.contains(where: { !SheetImport.trimmed($0).isEmpty }) {
      let found =
        record.fields.count - record.fields.reversed().prefix { SheetImport.trimmed($0).isEmpty }.count
      problems.append(
        SheetProblem(
          line: record.line, column: nil,
          reason: .tooManyFields(found: found, expected: sheet.columns.count)))
    }
    var columns: [String: String] = [:]
    for (field, cell) in cells {
      if let key = RowBuilder.key(of: field), columns[key] == nil { columns[key] = cell.header }
    }
    var row = RowReader(line: record.line, cells: cells)
    let built: BuiltRow?
    switch sheet.kind {
    case .services: built = service(&row, columns: &columns)
    case .members: built = member(&row, columns: &columns)
    }
    problems += row.problems
    guard let built, problems.count == count else { return nil }
    return built
  }

  private mutating func service(_ row: inout RowReader, columns: inout [String: String]) -> BuiltRow? {
    let member = resolveMember(&row, columns: &columns)
    let date = row.value(.date, required: true, SheetImport.date, SheetProblem.Reason.notADate)
    var minutes: Minutes?
    let hoursText = row.text(.hours)
    let minutesText = row.text(.minutes)
    switch (hoursText, minutesText) {
    case (_?, _?):
      row.report(.hours, .hoursAndMinutes(other: row.cells[.minutes]?.header ?? ""))
    case (let text?, nil):
      columns["minutes"] = row.cells[.hours]?.header
      minutes = Minutes(hours: text)
      if minutes == nil { row.report(.hours, .notHours(text)) }
    case (nil, let text?):
      columns["minutes"] = row.cells[.minutes]?.header
      minutes = Int(text).flatMap { $0.magnitude <= 1_000_000 ? Minutes($0) : nil }
      if minutes == nil { row.report(.minutes, .notMinutes(text)) }
    case (nil, nil):
      if row.cells[.hours] != nil {
        row.report(.hours, .noValue)
      } else if row.cells[.minutes] != nil {
        row.report(.minutes, .noValue)
      }
    }
    let category = row.text(.category) ?? defaults.category
    if category == nil, row.cells[.category] != nil { row.report(.category, .noValue) }
    let team = row.text(.team).map(TeamID.init) ?? defaults.team
    var served = 0
    if let text = row.text(.served) {
      if let count = Int(text), count.magnitude <= 1_000_000_000 {
        served = count
      } else {
        row.report(.served, .notACount(text))
      }
    }
    guard let member, let date, let minutes, let category, row.problems.isEmpty else { return nil }
    let place = row.text(.place)
    let note = row.text(.note)
    let key = stableID([
      "service", member.rawValue, date.description, String(minutes.value), category, team?.rawValue ?? "",
      String(served), place ?? "", note ?? "",
    ])
    let entry = ServiceEntry(
      member: member, date: date, minutes: minutes, category: category, team: team, peopleServed: served,
      place: place, note: note)
    return BuiltRow(
      line: row.line, commands: [Command(id: key, event: .serviceRecorded(entry))], columns: columns)
  }

  /// The member of a services row: its id (编号), else the one member with its name (姓名).
  private func resolveMember(_ row: inout RowReader, columns: inout [String: String]) -> MemberID? {
    let name = row.text(.memberName)
    if let id = row.text(.member) {
      if let problem = IdentifierSyntax.problem(with: id) {
        row.report(.member, .invalidIdentifier(id, problem: problem))
        return nil
      }
      let member = MemberID(id)
      columns["member"] = row.cells[.member]?.header
      if let name, let registered = state.members[member]?.name, registered != name {
        row.report(.memberName, .nameMismatch(member: member, registered: registered, given: name))
        return nil
      }
      return member
    }
    guard let name else {
      // With neither column, the header's problem says so.
      if row.cells[.member] != nil {
        row.report(.member, .noValue)
      } else if row.cells[.memberName] != nil {
        row.report(.memberName, .noValue)
      }
      return nil
    }
    columns["member"] = row.cells[.memberName]?.header
    let matches = state.members.values.filter { $0.name == name }.map(\.id).sorted()
    switch matches.count {
    case 1: return matches[0]
    case 0: row.report(.memberName, .unknownName(name))
    default: row.report(.memberName, .ambiguousName(name, members: matches))
    }
    return nil
  }

  private mutating func member(_ row: inout RowReader, columns: inout [String: String]) -> BuiltRow? {
    var member: MemberID?
    if let id = row.text(.member) {
      if let problem = IdentifierSyntax.problem(with: id) {
        row.report(.member, .invalidIdentifier(id, problem: problem))
      } else {
        member = MemberID(id)
      }
    } else if row.cells[.member] != nil {
      row.report(.member, .noValue)
    }
    let name = row.text(.name)
    if name == nil, row.cells[.name] != nil { row.report(.name, .noValue) }
    let party = row.value(.party, required: false, SheetImport.yesOrNo, SheetProblem.Reason.notYesOrNo)
    let branch = row.text(.branch).map(BranchID.init)
    let joinedText = row.text(.joined)
    let joined = row.value(.joined, required: false, SheetImport.date, SheetProblem.Reason.notADate)
    let team = row.text(.team).map(TeamID.init) ?? defaults.team
    guard let member, let name, row.problems.isEmpty else { return nil }
    let isPartyMember = party ?? false
    let key = stableID([
      "member", member.rawValue, name, isPartyMember ? "1" : "0", branch?.rawValue ?? "",
      joined?.description ?? "", team?.rawValue ?? "",
    ])
    // A row without a date joins today, and keeps the date it was first imported with.
    var date = joined ?? today
    if joinedText == nil, let seq = state.ids[key], seq <= state.lastSeq,
      case .memberRegistered(let stored)? = storedRecord(seq)?.event
    {
      date = stored.joined
    }
    let registration = MemberRegistration(
      member: member, name: name, isPartyMember: isPartyMember, branch: branch, joined: date)
    var commands = [Command(id: key, event: .memberRegistered(registration))]
    if let team {
      commands.append(Command(id: key + "-team", event: .teamJoined(team: team, member: member, date: date)))
    }
    if columns["date"] == nil { columns["date"] = columns["joined"] }
    return BuiltRow(line: row.line, commands: commands, columns: columns)
  }

  /// The id of a row, numbered when the same row came before in this file.
  private mutating func stableID(_ fields: [String]) -> String {
    let base = SheetImport.stableID(fields)
    let occurrence = occurrences[base, default: 0] + 1
    occurrences[base] = occurrence
    return occurrence == 1 ? base : "\(base)-\(occurrence)"
  }
}

/// The cells of one row, and the format problems found reading them.
struct RowReader {
  let line: Int
  let cells: [SheetField: (text: String, header: String)]
  var problems: [SheetProblem] = []

  init(line: Int, cells: [SheetField: (text: String, header: String)]) {
    self.line = line
    self.cells = cells
  }

  /// The cell's text, or nil when the column is absent or the cell empty.
  func text(_ field: SheetField) -> String? {
    guard let text = cells[field]?.text, !text.isEmpty else { return nil }
    return text
  }

  mutating func report(_ field: SheetField, _ reason: SheetProblem.Reason) {
    problems.append(SheetProblem(line: line, column: cells[field]?.header, reason: reason))
  }

  /// The cell parsed, or nil (reporting why: empty when required, or not parseable).
  mutating func value<Value>(
    _ field: SheetField, required: Bool, _ parse: (String) -> Value?,
    _ failure: (String) -> SheetProblem.Reason
  ) -> Value? {
    guard let text = text(field) else {
      if required, cells[field] != nil { report(field, .noValue) }
      return nil
    }
    guard let value = parse(text) else {
      report(field, failure(text))
      return nil
    }
    return value
  }
}

/// What importing a sheet did: the decision, and the outcome of each command when it was appended.
public struct SheetImportResult: Equatable, Sendable {
  /// The rows, and every problem (when there is one, nothing was appended).
  public var decision: SheetDecision
  /// One outcome per command of `decision.commands` (the rows not already recorded); empty when
  /// nothing was appended (problems, or a check only).
  public var outcomes: [Outcome]
}

extension Ledger {
  /// Imports a sheet under this ledger's lock: decides every row, and appends all of them with one write
  /// only when no row has a problem. The decision itself is `SheetImport.decide`; this only writes.
  ///
  /// - Parameters:
  ///   - checkOnly: decide, and append nothing (a dry run).
  ///   - progress: called now and then while the rows are decided with (rows decided, rows in all).
  /// - Returns: the decision (with every problem) and, when appended, the outcomes.
  /// - Throws: `LedgerError.log` when the log cannot be written. A refusal at write time (not expected:
  ///   the rows were just decided on the same state) comes back as a problem on its row.
  /// - Complexity: that of `SheetImport.decide`, plus the write.
  public func importSheet(
    _ sheet: Sheet, defaults: SheetDefaults = SheetDefaults(), actor: ActorID, at now: Timestamp,
    checkOnly: Bool = false, progress: ((Int, Int) -> Void)? = nil
  ) throws(LedgerError) -> SheetImportResult {
    var decision = SheetImport.decide(
      sheet, defaults: defaults, state: state, storedRecord: { try? self.storedRecord($0) }, actor: actor,
      at: now, progress: progress)
    guard decision.problems.isEmpty, !checkOnly else {
      return SheetImportResult(decision: decision, outcomes: [])
    }
    do {
      return SheetImportResult(
        decision: decision, outcomes: try execute(decision.commands, actor: actor, at: now))
    } catch .rejected(let rejection, let index) {
      let lines = decision.rows.flatMap { row in row.pending.map { _ in row.line } }
      let line = index < lines.count ? lines[index] : sheet.headerLine
      decision.problems = [SheetProblem(line: line, column: nil, reason: .rejected(rejection))]
      return SheetImportResult(decision: decision, outcomes: [])
    }
  }
}
