/// `--lang zh|en` (or `--lang=zh`): accepted by every command anywhere before `--`, and taken off the
/// command line before it is parsed, so that even a parse error is worded in the language asked for.
enum LanguageOption {
  /// The option's name without dashes.
  static let name = "lang"
  /// The placeholder of its value in help: `--lang <lang>`.
  static let valueName = "lang"

  /// What a command line asked for with `--lang`, and the command line without it.
  struct Extracted: Equatable {
    /// The language `--lang` named, `nil` when it was not given.
    var language: Language?
    /// The command line with every `--lang` and its value removed.
    var arguments: [String]
  }

  /// Takes `--lang VALUE` and `--lang=VALUE` off `arguments` (words after `--` are left alone).
  ///
  /// - Parameters:
  ///   - arguments: The command line without the program name.
  ///   - words: The wording of the error's reason (the environment's language: `--lang` was not
  ///     understood).
  /// - Throws: `UsageError` when the value is missing or not `zh` or `en`, or `--lang` is given twice.
  /// - Complexity: O(*n*) in the number of arguments.
  static func extract(from arguments: [String], words: Localizer) throws(UsageError) -> Extracted {
    // The command the error concerns: the leading words (HelpRenderer keeps those that name commands).
    let path = Array(arguments.prefix { !$0.hasPrefix("-") })
    var rest: [String] = []
    var value: String?
    var index = 0
    while index < arguments.count {
      let word = arguments[index]
      index += 1
      if word == "--" {
        rest += arguments[(index - 1)...]
        break
      }
      let given: String
      if word == "--\(name)" {
        guard index < arguments.count, !arguments[index].hasPrefix("--") else {
          throw .missingValue(path: path, option: "--\(name)", valueName: valueName)
        }
        given = arguments[index]
        index += 1
      } else if word.hasPrefix("--\(name)=") {
        given = String(word.dropFirst(name.count + 3))
      } else {
        rest.append(word)
        continue
      }
      if value != nil { throw .duplicateOption(path: path, option: "--\(name)") }
      value = given
    }
    guard let value else { return Extracted(language: nil, arguments: rest) }
    guard let language = Language(rawValue: value) else {
      throw .invalidValue(
        path: path, option: "--\(name) <\(valueName)>", value: value, reason: words(.expectedLanguage))
    }
    return Extracted(language: language, arguments: rest)
  }
}
