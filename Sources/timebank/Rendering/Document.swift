import TimeBank

/// JSON for output (reports), with numbers kept as the exact decimal text the ledger prints.
indirect enum OutputJSON {
  case string(String)
  /// A number already written as decimal text, e.g. `12.50`.
  case number(String)
  case bool(Bool)
  case null
  case array([OutputJSON])
  case object([(String, OutputJSON)])

  static func integer(_ value: Int) -> OutputJSON { .number(String(value)) }

  /// Pretty-printed with two-space indentation and a final newline.
  func render() -> String { render(indent: "") + "\n" }

  private func render(indent: String) -> String {
    let inner = indent + "  "
    switch self {
    case .string(let text):
      var bytes: [UInt8] = []
      JSONValue.writeString(text, to: &bytes)
      return String(decoding: bytes, as: UTF8.self)
    case .number(let text): return text
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return "null"
    case .array(let values):
      if values.isEmpty { return "[]" }
      return "[\n" + values.map { inner + $0.render(indent: inner) }.joined(separator: ",\n") + "\n" + indent
        + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let lines = members.map { key, value in
        inner + OutputJSON.string(key).render(indent: inner) + ": " + value.render(indent: inner)
      }
      return "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
    }
  }
}

/// A report made of titled sections, each a table; JSON is built separately so it can nest.
struct Document {
  /// Lines printed above the tables (table format only).
  var heading: [String] = []
  var sections: [(title: String, report: Report)] = []
  var json: OutputJSON

  func render(_ format: OutputFormat) -> String {
    switch format {
    case .json:
      return json.render()
    case .csv:
      return sections.map { $0.report.render(.csv) }.joined(separator: "\n")
    case .table:
      var parts: [String] = []
      if !heading.isEmpty { parts.append(heading.map { $0 + "\n" }.joined()) }
      for section in sections {
        parts.append(section.title + "\n" + section.report.render(.table))
      }
      return parts.joined(separator: "\n")
    }
  }
}
