/// A subcommand's arguments: `--name value` or `--name=value` options, and positionals; `--` ends the
/// options.
struct BenchArguments {
  private(set) var positionals: [String] = []
  private var options: [String: String] = [:]

  /// Parses `arguments`, accepting only the options named in `known`.
  /// - Throws: `.usage` for an unknown option or one without its value.
  init(_ arguments: ArraySlice<String>, known: Set<String>) throws(BenchError) {
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      if argument == "--" {
        positionals.append(contentsOf: rest)
        break
      }
      guard argument.hasPrefix("--") else {
        positionals.append(argument)
        continue
      }
      var name = String(argument.dropFirst(2))
      var value: String?
      if let equals = name.firstIndex(of: "=") {
        value = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      guard known.contains(name) else {
        let list = known.sorted().map { "--" + $0 }.joined(separator: ", ")
        throw .usage("unknown option '--\(name)' (expected one of \(list))")
      }
      if value == nil { value = rest.popFirst() }
      guard let value, !value.isEmpty else { throw .usage("missing value for '--\(name)'") }
      options[name] = value
    }
  }

  func value(_ name: String) -> String? { options[name] }

  /// A count such as `100000`, `100_000`, `100k` or `1M`.
  func count(_ name: String) throws(BenchError) -> Int? {
    guard let text = options[name] else { return nil }
    guard let value = BenchArguments.count(text) else {
      throw .usage("invalid value '\(text)' for '--\(name)': expected a count such as 100000, 100k or 1M")
    }
    return value
  }

  func seed() throws(BenchError) -> UInt64? {
    guard let text = options["seed"] else { return nil }
    guard let value = UInt64(text) else {
      throw .usage("invalid value '\(text)' for '--seed': expected a whole number of 0 or more")
    }
    return value
  }

  static func count(_ text: String) -> Int? {
    var digits = text.filter { $0 != "_" }
    var multiplier = 1
    switch digits.last {
    case "k", "K": multiplier = 1000
    case "m", "M": multiplier = 1_000_000
    default: break
    }
    if multiplier > 1 { digits.removeLast() }
    guard let value = Int(digits), value > 0 else { return nil }
    let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
    return overflow ? nil : product
  }
}
