/// One record of a CSV file: its fields, and the physical line it starts on.
public struct CSVRecord: Equatable, Sendable {
  /// The line (from 1) the record starts on; a quoted field with line breaks makes the next record
  /// start more than one line later.
  public var line: Int
  /// The fields, unquoted, in order.
  public var fields: [String]

  public init(line: Int, fields: [String]) {
    self.line = line
    self.fields = fields
  }
}

/// Why a text cannot be read as CSV.
public enum CSVError: Error, Equatable, Sendable {
  /// A quoted field opened on `line` is never closed.
  case unterminatedQuote(line: Int)
  /// A closing quote on `line` is followed by `character` instead of a separator or line break.
  case textAfterQuote(line: Int, character: String)
}

/// An RFC 4180 reader over text: fields separated by a comma or a tab, quoted fields holding separators,
/// `""` for a quote and line breaks; records ended by CRLF, LF or a lone CR.
///
/// Line breaks inside a quoted field are kept as `\n`. A quote inside an unquoted field is kept as it is
/// (Excel writes `5"` that way); text after a closing quote is an error, since it means the quoting is
/// not what the writer meant.
public struct CSVReader: Sendable {
  /// The field separator: `,` or a tab.
  public var separator: Unicode.Scalar

  public init(separator: Unicode.Scalar) {
    self.separator = separator
  }

  /// A reader whose separator is the one the first line of `text` uses: a tab when that line has more
  /// tabs than commas outside quotes, else a comma.
  ///
  /// - Complexity: O(n) in the length of the first line.
  public init(detectingSeparatorIn text: String) {
    var commas = 0
    var tabs = 0
    var isQuoted = false
    for scalar in text.unicodeScalars {
      if scalar == "\"" {
        isQuoted.toggle()
      } else if !isQuoted {
        if scalar == "\n" || scalar == "\r" { break }
        if scalar == "," { commas += 1 }
        if scalar == "\t" { tabs += 1 }
      }
    }
    self.init(separator: tabs > commas ? "\t" : ",")
  }

  /// The records of `text`, each with the line it starts on. A final line break does not start a
  /// record; an empty line in the middle is a record of one empty field.
  ///
  /// - Throws: `CSVError` for an unterminated quote or text after a closing quote.
  /// - Complexity: O(n) in the length of `text`.
  public func records(in text: String) throws(CSVError) -> [CSVRecord] {
    var records: [CSVRecord] = []
    var fields: [String] = []
    var field = String.UnicodeScalarView()
    var line = 1
    var recordLine = 1
    var quoteLine = 1
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar?
    /// Quoted: inside quotes. Closed: just after a closing quote. Started: the record has begun.
    var isQuoted = false
    var isClosed = false
    var hasStarted = false

    func next() -> Unicode.Scalar? {
      if let scalar = pending {
        pending = nil
        return scalar
      }
      return scalars.next()
    }
    func endRecord() {
      fields.append(String(field))
      records.append(CSVRecord(line: recordLine, fields: fields))
      fields = []
      field = String.UnicodeScalarView()
      isClosed = false
      hasStarted = false
    }

    while let scalar = next() {
      if isQuoted {
        switch scalar {
        case "\"":
          if let following = next() {
            if following == "\"" {
              field.append("\"")
            } else {
              isQuoted = false
              isClosed = true
              pending = following
            }
          } else {
            isQuoted = false
            isClosed = true
          }
        case "\r":
          // CRLF (or a lone CR) inside quotes is one line break, kept as LF.
          if let following = next(), following != "\n" { pending = following }
          field.append("\n")
          line += 1
        case "\n":
          field.append("\n")
          line += 1
        default:
          field.append(scalar)
        }
        continue
      }
      switch scalar {
      case separator:
        fields.append(String(field))
        field = String.UnicodeScalarView()
        isClosed = false
        hasStarted = true
      case "\r", "\n":
        if scalar == "\r", let following = next(), following != "\n" { pending = following }
        endRecord()
        line += 1
        recordLine = line
      case "\"" where field.isEmpty && !isClosed:
        isQuoted = true
        quoteLine = line
        hasStarted = true
      default:
        if isClosed { throw .textAfterQuote(line: line, character: String(scalar)) }
        field.append(scalar)
        hasStarted = true
      }
    }
    if isQuoted { throw .unterminatedQuote(line: quoteLine) }
    if hasStarted || !field.isEmpty || isClosed { endRecord() }
    return records
  }
}
