import TimeBank

/// The output formats every view accepts.
enum OutputFormat: String, CaseIterable {
  case table, json, csv
}

/// A view's rows, ready to render as an aligned table, JSON or CSV.
struct Report {
  struct Column {
    /// The stable field name used in JSON and as the CSV header.
    var key: String
    /// The table heading.
    var title: String
    /// Numeric columns are right-aligned in tables and bare numbers in JSON.
    var isNumeric = false
    /// Tables show a `+` on positive amounts (JSON and CSV keep plain numbers).
    var isSigned = false
    /// How tables show a cell, e.g. a status in the reader's language; JSON and CSV keep the value
    /// itself, which programs read.
    var display: (@Sendable (String) -> String)?

    init(
      _ key: String, _ title: String, numeric: Bool = false, signed: Bool = false,
      display: (@Sendable (String) -> String)? = nil
    ) {
      self.key = key
      self.title = title
      self.isNumeric = numeric
      self.isSigned = signed
      self.display = display
    }
  }

  var columns: [Column]
  var rows: [[String]]
  /// Rows printed under a rule in tables (a totals row); included as ordinary rows in CSV and JSON
  /// only when `includeFooterInData` is set.
  var footer: [[String]] = []
  var includeFooterInData = false
  /// The rows as tables show them, when they differ from the data (labels in the reader's language,
  /// while JSON and CSV keep the English that programs read); `nil` for `rows`.
  var tableRows: [[String]]? = nil
  /// The footer as tables show it, when it differs from the data (see `tableRows`); `nil` for `footer`.
  var tableFooter: [[String]]? = nil
  /// Lines printed after a table (not in JSON or CSV).
  var notes: [String] = []

  func render(_ format: OutputFormat) -> String {
    switch format {
    case .table:
      let table = TextTable(
        columns: columns.map { TextTable.Column(title: $0.title, alignment: $0.isNumeric ? .right : .left) },
        rows: (tableRows ?? rows).map(signedForTable), footer: tableFooter ?? footer)
      return table.render() + notes.map { $0 + "\n" }.joined()
    case .csv:
      return CSVWriter.render(header: columns.map(\.key), rows: dataRows)
    case .json:
      return renderJSON()
    }
  }

  /// The row as a table shows it: signed amounts with their `+`, cells through their column's `display`.
  private func signedForTable(_ row: [String]) -> [String] {
    zip(columns, row).map { column, cell in
      if let display = column.display { return display(cell) }
      let isPositive = !cell.hasPrefix("-") && cell.contains(where: { $0 != "0" && $0 != "." })
      return column.isSigned && isPositive ? "+" + cell : cell
    }
  }

  private var dataRows: [[String]] { includeFooterInData ? rows + footer : rows }

  /// A JSON array with one object per line; numeric cells are written as bare JSON numbers (they are
  /// already decimal text such as `12.50`), everything else as strings.
  private func renderJSON() -> String {
    let rows = dataRows
    var text = "[\n"
    for (index, row) in rows.enumerated() {
      var bytes: [UInt8] = [UInt8(ascii: "{")]
      for (columnIndex, column) in columns.enumerated() {
        if columnIndex > 0 { bytes.append(UInt8(ascii: ",")) }
        JSONValue.writeString(column.key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        let cell = columnIndex < row.count ? row[columnIndex] : ""
        if column.isNumeric && !cell.isEmpty {
          bytes.append(contentsOf: cell.utf8)
        } else if column.isNumeric {
          bytes.append(contentsOf: "null".utf8)
        } else {
          JSONValue.writeString(cell, to: &bytes)
        }
      }
      bytes.append(UInt8(ascii: "}"))
      text += "  " + String(decoding: bytes, as: UTF8.self) + (index + 1 < rows.count ? ",\n" : "\n")
    }
    return text + "]\n"
  }
}
