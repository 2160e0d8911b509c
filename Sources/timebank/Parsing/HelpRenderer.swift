/// Writes the help text and the usage line of each command, from the root `CommandSpec`.
///
/// The output is deterministic (golden files pin it): nothing is wrapped, help strings are
/// kept as given, and the help column is aligned by display width, so labels in Chinese
/// line up too. Section titles and the help of the built-in options are worded by `words`.
struct HelpRenderer {
  /// The name the tool is run by, written at the start of every usage line.
  static let defaultToolName = "timebank"

  /// The spec of the tool itself.
  let root: CommandSpec
  /// Options every command accepts that the parser never sees (`--lang`), listed in every
  /// command's help before `-h, --help`.
  var globalOptions: [OptionSpec] = []
  /// The language of the section titles and of the built-in options' help.
  var words = Localizer.english
  /// The name the tool is run by, written at the start of every usage line.
  let toolName = HelpRenderer.defaultToolName

  /// Where help strings start, counted from the start of the line, unless a label is longer.
  private static let helpColumn = 26
  /// The indentation of the entries in each section.
  private static let indentation = "  "

  /// The help of the command at `path` (`[]` for the tool), ending with a newline.
  ///
  /// Sections, separated by blank lines: OVERVIEW, the discussion if any, USAGE,
  /// ARGUMENTS (if the command has positionals), OPTIONS (always: `-h, --help` is built in),
  /// SUBCOMMANDS (if it has any). A path that names no command gets the help of the
  /// deepest command it does name.
  ///
  /// - Complexity: O(*n*) in the size of the spec.
  func help(for path: [String]) -> String {
    let (command, knownPath) = resolve(path)
    var sections = [words(.helpOverview, ["summary": command.summary])]
    // Trailing newlines would add blank lines; the lines themselves are kept as given.
    let discussion = String(command.discussion.reversed().drop(while: \.isNewline).reversed())
    if !discussion.isEmpty {
      sections.append(discussion)
    }
    sections.append(words(.helpUsage, ["usage": usageLine(for: knownPath)]))
    let arguments = command.positionals.map { positional in
      (label: positional.synopsis + (positional.isVariadic ? " ..." : ""), help: positional.help)
    }
    var options = command.options.map { option in
      let short = option.short.map { "-\($0), " } ?? ""
      return (label: short + option.synopsis, help: option.help)
    }
    if knownPath.isEmpty {
      options.append((label: "--version", help: words(.optionVersion)))
    }
    options += globalOptions.map { (label: $0.synopsis, help: $0.help) }
    options.append((label: "-h, --help", help: words(.optionHelp)))
    let subcommands = command.subcommands.map { (label: $0.name, help: $0.summary) }
    let widestLabel = (arguments + options + subcommands).map { displayWidth($0.label) }.max() ?? 0
    let column = max(Self.helpColumn, Self.indentation.count + widestLabel + 2)
    let titled = [
      (words(.helpArguments), arguments), (words(.helpOptions), options),
      (words(.helpSubcommands), subcommands),
    ]
    for (title, entries) in titled where !entries.isEmpty {
      let lines = entries.map { Self.entry(label: $0.label, help: $0.help, column: column) }
      sections.append(title + "\n" + lines.joined(separator: "\n"))
    }
    return sections.joined(separator: "\n\n") + "\n"
  }

  /// The usage line of the command at `path`, without `USAGE: `, e.g.
  /// `timebank service record <member> --date <date> [<options>]`.
  ///
  /// Positionals are written `<name>`, optional ones `[<name>]`, a variadic one
  /// `<name> ...`; then the required options; then `[<options>]` if the command has any
  /// other option of its own. A group is written `timebank member <subcommand>`.
  func usageLine(for path: [String]) -> String {
    let (command, knownPath) = resolve(path)
    var words = [toolName] + knownPath
    if !command.subcommands.isEmpty {
      words.append("<subcommand>")
      return words.joined(separator: " ")
    }
    for positional in command.positionals {
      let variadic = positional.isVariadic ? " ..." : ""
      words.append(
        positional.isOptional
          ? "[\(positional.synopsis)\(variadic)]" : positional.synopsis + variadic)
    }
    words += command.options.filter(\.isRequired).map(\.synopsis)
    if command.options.contains(where: { !$0.isRequired }) {
      words.append("[<options>]")
    }
    return words.joined(separator: " ")
  }

  /// What the CLI prints to stderr for a usage error, ending with a newline:
  ///
  ///     error: missing value for '--hours <hours>'
  ///     Usage: timebank service record <member> --date <date> [<options>]
  ///       See 'timebank service record --help'.
  func errorReport(for error: UsageError) -> String {
    let (_, knownPath) = resolve(error.path)
    let command = ([toolName] + knownPath).joined(separator: " ")
    return [
      words(.errorLine, ["message": error.message(in: words)]),
      words(.usageErrorUsage, ["usage": usageLine(for: knownPath)]),
      words(.usageErrorSeeHelp, ["command": command]),
    ].map { $0 + "\n" }.joined()
  }

  /// The command at `path`, and the part of `path` that names commands.
  private func resolve(_ path: [String]) -> (command: CommandSpec, path: [String]) {
    var command = root
    var knownPath: [String] = []
    for word in path {
      guard let next = command.subcommand(named: word) else { break }
      command = next
      knownPath.append(word)
    }
    return (command, knownPath)
  }

  /// One entry of a section: the label, then the help from `column` on; further lines of
  /// the help start at `column` as well.
  private static func entry(label: String, help: String, column: Int) -> String {
    let start = indentation + label
    guard !help.isEmpty else { return start }
    let padding = String(repeating: " ", count: column - displayWidth(start))
    let margin = String(repeating: " ", count: column)
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let continued = lines.dropFirst().map { $0.isEmpty ? "" : margin + $0 }
    let first = lines.first.map { $0.isEmpty ? start : start + padding + $0 } ?? start
    return ([first] + continued).joined(separator: "\n")
  }
}
