/// Writes tables as CSV (RFC 4180) for spreadsheets and scripts.
///
/// A field is quoted when it contains a comma, a double quote, a carriage return or a line
/// feed, and quotes inside it are doubled; other fields are written as they are, in UTF-8.
///
/// Records end with `"\n"`, not the `"\r\n"` of RFC 4180: the output is meant for Unix
/// tools (`grep`, `cut`, `diff` against golden files) as much as for spreadsheets, and
/// spreadsheet programs read both. A line break inside a quoted field is kept as given.
enum CSVWriter {
  /// The header record, then one record per row; every record ends with `"\n"`.
  ///
  /// An empty `header` writes no header record. Rows are written with as many fields as
  /// they have; keeping them as long as the header is the caller's job.
  ///
  /// - Parameters:
  ///   - header: The column titles.
  ///   - rows: The records, one array of fields each.
  /// - Complexity: O(*n*) in the total length of the fields.
  static func render(header: [String], rows: [[String]]) -> String {
    let records = header.isEmpty ? rows : [header] + rows
    return records.map { record in
      record.map(field).joined(separator: ",") + "\n"
    }.joined()
  }

  /// `text` as one CSV field: quoted, with its quotes doubled, if it contains a comma, a
  /// double quote, a carriage return or a line feed; otherwise unchanged.
  ///
  /// - Complexity: O(*n*) in the length of `text`.
  static func field(_ text: String) -> String {
    // Scalars, not Characters: "\r\n" is one Character, and a quote followed by a
    // combining mark is another, so a Character-level search would miss them.
    let scalars = text.unicodeScalars
    guard scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
      return text
    }
    var quoted = String.UnicodeScalarView()
    quoted.append("\"")
    for scalar in scalars {
      quoted.append(scalar)
      if scalar == "\"" { quoted.append("\"") }
    }
    quoted.append("\"")
    return String(quoted)
  }
}
