import TimeBank

/// Handlers of the commands that write the log in another program's format.
enum ExportCommands {
  /// The formats `export --format` takes; more will come.
  static let formats = ["ledger"]

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
      throw context.usage("format", format, "expected ledger (a ledger-cli / hledger journal)")
    }
    // Not `readLog()`: it validates `--format` as a report format (table, json or csv).
    let contents = try context.readLog(at: context.logPath)
    context.output += LedgerJournal.text(of: contents.records)
  }
}
