/// A command line that cannot be run as written; the CLI prints it and exits with 64.
///
/// Every case carries the path of the command it concerns (`["service", "record"]`, or
/// `[]` for the tool itself) so the caller can print that command's usage line, and the
/// data its message needs. `message` is the one place that words these errors.
enum UsageError: Error, Equatable, Sendable {
  /// An option the command does not know, as typed (e.g. `--huors`), with the spelling
  /// of a close option name (e.g. `--hours`) if there is one.
  case unknownOption(path: [String], option: String, suggestion: String?)
  /// An option that takes a value was given last, or followed by another option.
  case missingValue(path: [String], option: String, valueName: String)
  /// A required positional argument is missing; `name` is its name without brackets.
  case missingArgument(path: [String], name: String)
  /// A required option is missing; `option` is written with dashes, e.g. `--date`.
  case missingOption(path: [String], option: String, valueName: String?)
  /// An argument was given beyond the positionals the command takes.
  case unexpectedArgument(path: [String], argument: String)
  /// A word names no subcommand of the group at `path`; `suggestion` is a close name.
  case unknownCommand(path: [String], name: String, suggestion: String?)
  /// A group was given without one of its subcommands.
  case missingSubcommand(path: [String], subcommands: [String])
  /// An option that is not repeatable was given twice; `option` is written with dashes.
  case duplicateOption(path: [String], option: String)
  /// A flag was written with `=value`; `flag` is written with dashes, e.g. `--quiet`.
  case flagWithValue(path: [String], flag: String, value: String)
  /// A command refused a value after parsing. `option` is the option or argument as help
  /// writes it: `--hours <hours>`, `--quiet`, or `<points>`.
  ///
  /// `CommandSpec.invalidValue(_:for:at:reason:)` fills `option` in from the spec.
  case invalidValue(path: [String], option: String, value: String, reason: String)

  /// The path of the command the error concerns, `[]` for the tool itself.
  var path: [String] {
    switch self {
    case .unknownOption(let path, _, _), .missingValue(let path, _, _),
      .missingArgument(let path, _), .missingOption(let path, _, _),
      .unexpectedArgument(let path, _), .unknownCommand(let path, _, _),
      .missingSubcommand(let path, _), .duplicateOption(let path, _),
      .flagWithValue(let path, _, _), .invalidValue(let path, _, _, _):
      return path
    }
  }

  /// The error in one line, without the `error: ` prefix, in the language of `words`, e.g.
  /// `unknown option '--huors'. Did you mean '--hours'?`.
  func message(in words: Localizer) -> String {
    switch self {
    case .unknownOption(_, let option, let suggestion):
      return words(.usageUnknownOption, ["option": option]) + Self.didYouMean(suggestion, words)
    case .missingValue(_, let option, let valueName):
      return words(.usageMissingValue, ["option": "\(option) <\(valueName)>"])
    case .missingArgument(_, let name):
      return words(.usageMissingArgument, ["argument": "<\(name)>"])
    case .missingOption(_, let option, let valueName):
      return words(.usageMissingOption, ["option": valueName.map { "\(option) <\($0)>" } ?? option])
    case .unexpectedArgument(_, let argument):
      return words(.usageUnexpectedArgument, ["argument": argument])
    case .unknownCommand(_, let name, let suggestion):
      return words(.usageUnknownCommand, ["command": name]) + Self.didYouMean(suggestion, words)
    case .missingSubcommand(let path, let subcommands):
      let command = ([HelpRenderer.defaultToolName] + path).joined(separator: " ")
      return words(
        .usageMissingSubcommand, ["command": command, "subcommands": subcommands.joined(separator: ", ")])
    case .duplicateOption(_, let option):
      return words(.usageDuplicateOption, ["option": option])
    case .flagWithValue(_, let flag, _):
      return words(.usageFlagWithValue, ["flag": flag])
    case .invalidValue(_, let option, let value, let reason):
      return words(.usageInvalidValue, ["value": value, "option": option, "reason": reason])
    }
  }

  /// `. Did you mean 'x'?` to end a message, or nothing: the first sentence only gets its
  /// full stop when a second one follows, so a message without a suggestion reads as one.
  private static func didYouMean(_ suggestion: String?, _ words: Localizer) -> String {
    guard let suggestion else { return "" }
    return words(.usageDidYouMean, ["suggestion": suggestion])
  }
}
