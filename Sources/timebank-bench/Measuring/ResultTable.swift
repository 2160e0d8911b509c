/// The figures of a run as an aligned text table, with the machine above it.
struct ResultTable {
  let machine: Machine
  let results: [SizeResult]

  static let headers = [
    "SIZE", "EVENTS", "MB", "AUDIT s", "EVENTS/s", "MB/s", "AUDIT MB", "BALANCE ms", "BAL MB", "TEAMS ms",
    "PARTY ms", "COMMUNITY ms", "APPEND ms", "FSYNC ms", "GEN events/s",
  ]
  static let phaseHeaders = [
    "SIZE", "AUDIT.RUN s", "BALANCES s", "TEAMS s", "PARTY s", "COMMUNITY s",
    "AUDIT-ONLY MB", "GEN s", "GEN MB", "LOAD",
  ]

  var lines: [String] {
    let megabyte = 1_000_000.0
    let rows = results.map { result -> [String] in
      [
        Format.grouped(result.summary.requestedEvents), Format.grouped(result.summary.events),
        Format.decimal(Double(result.summary.bytes) / megabyte, 1), Format.decimal(result.auditSeconds, 3),
        Format.rate(result.auditEventsPerSecond), Format.decimal(result.auditMegabytesPerSecond, 1),
        Format.decimal(Double(result.auditPeakMemoryBytes) / megabyte, 0),
        Format.decimal(SizeResult.milliseconds(result.balance), 1),
        Format.decimal(Double(SizeResult.peak(result.balance)) / megabyte, 0),
        Format.decimal(result.reportMilliseconds("teams"), 1),
        Format.decimal(result.reportMilliseconds("party"), 1),
        Format.decimal(result.reportMilliseconds("community"), 1),
        Format.decimal(SizeResult.milliseconds(result.appends), 1),
        Format.decimal(1000 * Statistics.median(result.fsyncSeconds), 2),
        Format.rate(result.summary.eventsPerSecond) + (result.isReused ? "*" : ""),
      ]
    }
    let phases = results.map { result -> [String] in
      func median(_ key: KeyPath<AuditProbe, Double>) -> String {
        Format.decimal(Statistics.median(result.audits.map { $0[keyPath: key] }), 3)
      }
      return [
        Format.grouped(result.summary.requestedEvents), median(\.auditSeconds),
        median(\.balancesSeconds), median(\.teamsSeconds), median(\.partySeconds),
        median(\.communitySeconds),
        Format.decimal(Double(result.audits.map(\.auditPeakMemoryBytes).max() ?? 0) / megabyte, 0),
        Format.decimal(result.summary.seconds, 1),
        result.generationPeakMemoryBytes.map { Format.decimal(Double($0) / megabyte, 0) } ?? "-",
        result.loadAverages.map { Format.decimal($0, 1) }.joined(separator: "→"),
      ]
    }
    var lines = machine.lines + [""]
    lines += ResultTable.align([ResultTable.headers] + rows)
    lines += [
      "",
      "AUDIT: median of 3 child processes (Audit.run streaming the file: every hash, rule and invariant; "
        + "then every report projection built from the state it returns); "
        + "AUDIT MB: their peak VmHWM.",
      "BALANCE/TEAMS/PARTY/COMMUNITY/APPEND: the CLI as a cold process, spawn to reap, "
        + "medians of 5/3/3/3/5; "
        + "BAL MB: balance's ru_maxrss.",
      "APPEND: `timebank transfer` on a copy of the log, fsync included (the CLI always syncs); "
        + "FSYNC: one 320-byte write + fsync alone.",
      "MB = 1,000,000 bytes. GEN: in-process batches through Ledger.execute"
        + (results.contains(where: \.isReused) ? "; * = log reused, rate from when it was generated." : "."),
      "",
      "where the audit time goes (medians of the audit runs; the projections are built once each):",
    ]
    lines += ResultTable.align([ResultTable.phaseHeaders] + phases)
    lines.append(
      "LOAD: the 1-minute load average before and after the size was measured (other work on the machine).")
    return lines
  }

  /// Left-aligns the first column and right-aligns the rest, two spaces apart.
  static func align(_ rows: [[String]]) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    var widths = Array(repeating: 0, count: columns)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
      row.enumerated().map { index, cell in
        let padding = String(repeating: " ", count: widths[index] - cell.count)
        return index == 0 ? cell + padding : padding + cell
      }.joined(separator: "  ")
    }
  }
}
