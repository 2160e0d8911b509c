/// Which side of its column a cell keeps to.
enum ColumnAlignment: Sendable {
  /// Text starts at the column's left edge (names, dates).
  case left
  /// Text ends at the column's right edge (amounts, counts), so digits line up.
  case right
}

/// A table of text in aligned columns, for terminals.
///
/// ```
/// Member  Hours
/// ------  -----
/// 张三     12.50
/// Ann      3.00
/// ------  -----
/// Total   15.50
/// ```
///
/// Columns are measured in display width (`displayWidth(_:)`), so Chinese names line up
/// with Latin ones in a monospaced terminal.
struct TextTable {
  /// One column: its title and its alignment.
  struct Column {
    /// The text of the header line.
    var title: String
    /// Which side of the column its cells, and its title, keep to.
    var alignment: ColumnAlignment
  }

  /// The columns, left to right.
  var columns: [Column]
  /// The body, one array of cells per row, in column order.
  var rows: [[String]]
  /// Rows after the body, separated from it by a rule line, e.g. totals.
  var footer: [[String]] = []

  /// Columns are separated by this many spaces.
  private static let gap = 2

  /// The table as text: the header, a rule of `-` under each column, the rows, then (if
  /// any) a second rule and the footer rows.
  ///
  /// Columns are separated by two spaces; no line has trailing spaces and every line
  /// ends with `"\n"`. A row with fewer cells than columns is filled with empty cells and
  /// cells beyond the last column are not shown. Line breaks and tabs inside a cell are
  /// shown as spaces, so a row stays on one line.
  ///
  /// - Complexity: O(*n*) in the total length of the cells.
  func render() -> String {
    let header = columns.map(\.title)
    let body = rows.map(normalized)
    let footer = footer.map(normalized)
    let widths = columns.indices.map { column in
      ([header] + body + footer).map { displayWidth($0[column]) }.max() ?? 0
    }
    let rule = line(widths.map { String(repeating: "-", count: $0) }, widths: widths)
    var lines = [line(header, widths: widths), rule] + body.map { line($0, widths: widths) }
    if !footer.isEmpty {
      lines += [rule] + footer.map { line($0, widths: widths) }
    }
    return lines.map { $0 + "\n" }.joined()
  }

  /// `cells` with exactly one cell per column, each on one line.
  private func normalized(_ cells: [String]) -> [String] {
    columns.indices.map { column in
      guard column < cells.count else { return "" }
      // Characters, so that "\r\n" becomes one space.
      return String(cells[column].map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
  }

  /// One line of the table: the cells padded to their column widths, without trailing spaces.
  private func line(_ cells: [String], widths: [Int]) -> String {
    let padded = zip(columns, zip(cells, widths)).map { column, cellAndWidth in
      let (cell, width) = cellAndWidth
      let padding = String(repeating: " ", count: max(0, width - displayWidth(cell)))
      return column.alignment == .left ? cell + padding : padding + cell
    }
    let text = padded.joined(separator: String(repeating: " ", count: Self.gap))
    return String(text.reversed().drop(while: { $0 == " " }).reversed())
  }
}

/// The number of terminal columns `text` takes in a monospaced font.
///
/// Each grapheme cluster counts as wide as its first Unicode scalar:
/// - 2 for East Asian Wide and Fullwidth characters: CJK ideographs (with extensions and
///   compatibility ideographs), CJK radicals, symbols and punctuation (U+3000–303F),
///   Hiragana, Katakana, Bopomofo, Hangul, fullwidth forms (U+FF01–FF60, U+FFE0–FFE6) and
///   emoji (U+1F300–1F64F, U+1F680–1F6FF, U+1F900–1F9FF);
/// - 0 for combining marks (general category Mn and Me), zero-width characters (U+200B–200F,
///   U+2060–2064, U+FEFF), variation selectors and controls;
/// - 1 for everything else.
///
/// So `"张三"` is 4, `"张三abc"` 7, `"ｈｉ"` 4, and `"e\u{301}"` (é) 1.
///
/// - Complexity: O(*n*) in the length of `text`.
func displayWidth(_ text: String) -> Int {
  text.reduce(0) { width, character in
    width + (character.unicodeScalars.first.map(displayWidth(of:)) ?? 0)
  }
}

/// The number of terminal columns one scalar takes; see `displayWidth(_:)`.
private func displayWidth(of scalar: Unicode.Scalar) -> Int {
  switch scalar.properties.generalCategory {
  case .nonspacingMark, .enclosingMark, .control:
    return 0
  default:
    break
  }
  switch scalar.value {
  case 0x200B...0x200F, 0x2060...0x2064, 0xFEFF, 0xFE00...0xFE0F, 0xE0100...0xE01EF:
    return 0
  case 0x1100...0x115F,  // Hangul Jamo initial consonants
    0x2E80...0x303F,  // CJK radicals, Kangxi radicals, CJK symbols and punctuation
    0x3040...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul Jamo, CJK enclosed, compatibility
    0x3400...0x4DBF,  // CJK Unified Ideographs Extension A
    0x4E00...0x9FFF,  // CJK Unified Ideographs
    0xA000...0xA4CF,  // Yi
    0xAC00...0xD7A3,  // Hangul syllables
    0xF900...0xFAFF,  // CJK Compatibility Ideographs
    0xFE30...0xFE4F,  // CJK Compatibility Forms
    0xFF01...0xFF60,  // Fullwidth forms
    0xFFE0...0xFFE6,  // Fullwidth signs
    0x1F300...0x1F64F,  // Miscellaneous symbols and pictographs, emoticons
    0x1F680...0x1F6FF,  // Transport and map symbols
    0x1F900...0x1F9FF,  // Supplemental symbols and pictographs
    0x20000...0x2FFFD,  // CJK Unified Ideographs Extensions B–F, compatibility supplement
    0x30000...0x3FFFD:  // CJK Unified Ideographs Extensions G and later
    return 2
  default:
    return 1
  }
}
