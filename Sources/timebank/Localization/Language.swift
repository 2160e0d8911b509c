/// The languages the command line speaks: Simplified Chinese or English.
enum Language: String, CaseIterable, Sendable {
  case zh, en

  /// The environment variables that choose the language of messages, strongest first (POSIX: a
  /// non-empty `LC_ALL` overrides everything; `LC_MESSAGES` is the category of messages; `LANG` is the
  /// default for every category).
  static let environmentVariables = ["LC_ALL", "LC_MESSAGES", "LANG"]

  /// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is
  /// set and not empty decides, Chinese when it starts with `zh` (`zh_CN.UTF-8`, `zh_CN`, `zh`), else
  /// English; English when none is set.
  static func preferred(by environment: [String: String]) -> Language {
    for name in environmentVariables {
      guard let value = environment[name], !value.isEmpty else { continue }
      return value.lowercased().hasPrefix("zh") ? .zh : .en
    }
    return .en
  }
}
