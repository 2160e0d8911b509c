/// One `--name` option (or flag) that a command accepts.
///
/// Every command also accepts `-h/--help`, and the root accepts `--version`; those are
/// built in and are not listed in `CommandSpec.options`.
struct OptionSpec: Sendable {
  /// The long name without dashes, e.g. `hours` for `--hours`.
  var name: String
  /// The placeholder shown for the value, e.g. `hours` for `--hours <hours>`;
  /// `nil` makes the option a flag that takes no value.
  var valueName: String?
  /// One line for the OPTIONS section of the help text.
  var help: String
  /// Whether the option may be given more than once; its values are then kept in order.
  var isRepeatable: Bool = false
  /// A one-letter spelling, e.g. `h` for `-h`.
  var short: Character? = nil
  /// Whether the parser refuses the command when the option is missing.
  ///
  /// Required options are shown in the usage line, e.g. `--date <date>`.
  var isRequired: Bool = false

  /// Whether the option is a flag, that is, takes no value.
  var isFlag: Bool { valueName == nil }

  /// The option as written in help and in messages: `--hours <hours>`, or `--quiet` for a flag.
  var synopsis: String {
    guard let valueName else { return "--\(name)" }
    return "--\(name) <\(valueName)>"
  }
}

/// One positional argument of a command, e.g. `<member>`.
struct PositionalSpec: Sendable {
  /// The placeholder shown in usage and help, e.g. `member` for `<member>`.
  var name: String
  /// One line for the ARGUMENTS section of the help text.
  var help: String
  /// Whether the command runs without it; optional positionals follow the required ones.
  var isOptional = false
  /// Whether it takes all remaining arguments; only the last positional may be variadic.
  var isVariadic = false

  /// The positional as written in help and in messages, e.g. `<member>`.
  var synopsis: String { "<\(name)>" }
}

/// A command of the command line: its words, arguments, options and subcommands.
///
/// The root spec is the tool itself; a command with subcommands is a group that only
/// dispatches (it takes no positionals and no options of its own besides `--help`).
struct CommandSpec: Sendable {
  /// The word that selects the command, e.g. `record` in `timebank service record`.
  var name: String
  /// One line for listings and for the OVERVIEW line of the help text.
  var summary: String
  /// Extra help paragraph(s), printed as given under the OVERVIEW line.
  var discussion: String = ""
  /// The positional arguments in the order they are given.
  var positionals: [PositionalSpec] = []
  /// The options in the order help lists them.
  var options: [OptionSpec] = []
  /// The subcommands in the order help lists them.
  var subcommands: [CommandSpec] = []

  /// The subcommand named `name`, if there is one.
  func subcommand(named name: String) -> CommandSpec? {
    subcommands.first { $0.name == name }
  }

  /// The command reached by walking `path` down from this one, or `nil` if a word of the
  /// path names no subcommand.
  ///
  /// - Complexity: O(*n* × *m*), where *n* is the length of the path and *m* the number
  ///   of subcommands on each level.
  func command(at path: [String]) -> CommandSpec? {
    var command = self
    for word in path {
      guard let next = command.subcommand(named: word) else { return nil }
      command = next
    }
    return command
  }

  /// The option named `name` (without dashes), if the command has one.
  func option(named name: String) -> OptionSpec? {
    options.first { $0.name == name }
  }

  /// A usage error for a value that a command refused after parsing, naming the option or
  /// argument the way help shows it.
  ///
  /// Call it on the root spec, e.g.
  /// `throw root.invalidValue("abc", for: "hours", at: parsed.path, reason: "not a number")`
  /// gives `invalid value 'abc' for '--hours <hours>': not a number`.
  ///
  /// - Parameters:
  ///   - value: The value as the user gave it.
  ///   - name: An option name without dashes (`hours`) or a positional name (`points`);
  ///     options win when a command has both with the same name.
  ///   - path: The command the value was given to, e.g. `["service", "record"]`.
  ///   - reason: What is wrong with the value, e.g. `amount must be positive`.
  func invalidValue(
    _ value: String, for name: String, at path: [String], reason: String
  ) -> UsageError {
    let command = self.command(at: path)
    let label: String
    if let option = command?.option(named: name) {
      label = option.synopsis
    } else if let positional = command?.positionals.first(where: { $0.name == name }) {
      label = positional.synopsis
    } else {
      label = "--\(name)"
    }
    return .invalidValue(path: path, option: label, value: value, reason: reason)
  }
}
