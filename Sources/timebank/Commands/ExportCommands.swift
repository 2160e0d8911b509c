import TimeBank

/// Handlers of the commands that write the log in another program's format.
enum ExportCommands {
  /// The formats `export --format` takes.
  static let formats = ["ledger", "csv"]

  /// `timebank export --format ledger`: every points posting as a ledger-cli / hledger journal on
  /// stdout (see `LedgerJournal`), so `hledger -f FILE bal` shows the balances of `timebank balance`.
  ///
  /// - Throws: a usage error when `--format` is missing or not a format in `formats`; `.log` when the
  ///   log cannot be read or fails verification (a torn tail is reported and left out).
  /// - Complexity: O(n) in the size of the log.
  static func export(_ context: inout Context) throws(Failure) {
    guard let format = context.parsed.value("format") else {
      throw .usage(.missingOption(path: context.parsed.path, option: "--format", valueName: "format"))
    }
    guard formats.contains(format) else {
      throw context.usage("format", format, context.words(.reasonExportFormat))
    }
    let what = context.parsed.value("what") ?? "log"
    guard what == "log" || what == "postings" else {
      throw context.usage("what", what, context.words(.reasonExportWhat))
    }
    // Not `readLog()`: it validates `--format` as a report format (table, json or csv).
    let contents = try context.readLog(at: context.logPath)
    switch format {
    case "ledger":
      context.output += LedgerJournal.text(of: contents.records)
    default:
      // Excel opens a CSV as UTF-8 (Chinese intact) only when it starts with a byte-order mark.
      let bom = context.parsed.has("bom") ? "\u{FEFF}" : ""
      context.output += bom + (what == "log" ? logCSV(contents.records) : postingsCSV(contents.records))
    }
  }

  /// The whole log, a row a line, every member as it is stored (`data` as its JSON text).
  static func logCSV(_ records: [EventRecord]) -> String {
    CSVWriter.render(
      header: ["seq", "id", "type", "at", "actor", "data", "prev", "hash"],
      rows: records.map { record in
        [
          String(record.seq), record.id, record.event.typeName, record.at.description, record.actor.rawValue,
          JSONValue.object(record.event.data).jsonText, record.prev, record.hash,
        ]
      })
  }

  /// Every posting: from one account to another, a row each.
  static func postingsCSV(_ records: [EventRecord]) -> String {
    CSVWriter.render(
      header: ["seq", "date", "type", "id", "kind", "from", "to", "points", "note"],
      rows: PostingList.rows(of: records).map { row in
        [
          String(row.seq), row.date.description, row.type, row.id, row.kind.rawValue, row.from.description,
          row.to.description, row.points.description, row.note,
        ]
      })
  }
}
