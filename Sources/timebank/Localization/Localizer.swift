/// Wording in one language: a message looked up by key in that language's table, with its
/// `{placeholders}` filled in.
///
/// ```
/// let words = Localizer(.zh)
/// words(.unknownMember, ["id": "m09"])   // 没有编号为 'm09' 的成员
/// ```
///
/// Every language has one table (`English.table`, `Chinese.table`) holding every `MessageKey`;
/// `LocalizationTests` checks that the tables have the same keys and each key the same placeholders.
struct Localizer: Sendable {
  /// The language of every message this localizer words.
  let language: Language

  static let english = Localizer(.en)
  static let chinese = Localizer(.zh)

  init(_ language: Language) {
    self.language = language
  }

  /// The table of `language`.
  static func table(of language: Language) -> [MessageKey: String] {
    switch language {
    case .en: English.table
    case .zh: Chinese.table
    }
  }

  /// The message `key` in this localizer's language, each `{name}` replaced by `arguments[name]`.
  ///
  /// A key missing from the table falls back to English (the tests make sure none is missing).
  ///
  /// - Complexity: O(*n*) in the length of the message.
  func callAsFunction(_ key: MessageKey, _ arguments: [String: any CustomStringConvertible] = [:]) -> String {
    let template = Self.table(of: language)[key] ?? English.table[key] ?? key.rawValue
    guard template.contains("{") else { return template }
    var result = ""
    var rest = template[...]
    while let open = rest.firstIndex(of: "{") {
      result += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else { break }
      let name = String(rest[rest.index(after: open)..<close])
      if let value = arguments[name] {
        result += value.description
      } else {
        assertionFailure("\(key): no argument for {\(name)}")
        result += rest[open...close]
      }
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }

  /// The names of the `{placeholders}` of a message, in order.
  static func placeholders(in template: String) -> [String] {
    var names: [String] = []
    var rest = template[...]
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
      names.append(String(rest[rest.index(after: open)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return names
  }
}
