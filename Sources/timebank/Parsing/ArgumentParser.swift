/// A command line that parsed: which command, and what it was given.
///
/// Parsing checks only the shape of the line (known options, values present, the number of
/// positionals, required options); the command then checks the values themselves.
struct ParsedCommand: Equatable, Sendable {
  /// The words that selected the command, e.g. `["service", "record"]`.
  var path: [String]
  /// The positional arguments in order, including everything after `--`.
  var positionals: [String]
  /// The values of each option given, by option name without dashes, in the order given.
  var options: [String: [String]]
  /// The names, without dashes, of the flags given.
  var flags: Set<String>

  /// A parsed command with the given parts; the ones left out are empty.
  init(
    path: [String], positionals: [String] = [], options: [String: [String]] = [:],
    flags: Set<String> = []
  ) {
    self.path = path
    self.positionals = positionals
    self.options = options
    self.flags = flags
  }

  /// The last value given for the option `name` (without dashes), or `nil` if it was not given.
  func value(_ name: String) -> String? {
    options[name]?.last
  }

  /// All values given for the option `name` (without dashes), in order; empty if none.
  func values(_ name: String) -> [String] {
    options[name] ?? []
  }

  /// Whether the flag `name` (without dashes) was given.
  func has(_ flag: String) -> Bool {
    flags.contains(flag)
  }
}

/// What a command line asks for.
enum ParseOutcome: Equatable, Sendable {
  /// Run a command.
  case command(ParsedCommand)
  /// Print the help of the command at `path` (`[]` for the tool) to stdout and exit 0.
  case help(path: [String])
  /// Print the version and exit 0.
  case version
}

/// Turns the words of a command line into a `ParseOutcome`, following a `CommandSpec`.
///
/// The rules:
/// - leading words select subcommands; a group given no subcommand is an error;
/// - `-h` or `--help` anywhere before `--` asks for the help of the command selected so
///   far; `--version` is accepted by the root only;
/// - options are written `--name value` or `--name=value`; a flag takes no value;
/// - `--` ends the options: every later word is a positional, even `-5` or `--x`;
/// - a lone `-` is a positional, and so is a word like `-5` or `-12.50` that is not a known
///   short option, so that a command can say "amount must be positive" itself;
/// - an option's value is the next word unless that word starts with `--` or is a known
///   short option, which makes the value missing.
struct ArgumentParser {
  /// The spec of the tool itself; its subcommands are the top-level commands.
  let root: CommandSpec
  /// Options (names without dashes) that every command accepts but that are taken off the command
  /// line before it is parsed (`lang`); offered as suggestions for a mistyped option.
  var globalOptionNames: [String] = []

  /// The longest edit distance between a mistyped name and a name suggested for it.
  private static let maximumSuggestionDistance = 2

  /// Parses `arguments`, the command line without the program name.
  ///
  /// - Parameter arguments: The words of the command line, e.g.
  ///   `Array(CommandLine.arguments.dropFirst())`.
  /// - Returns: The command to run with its arguments, or a request for help or version.
  /// - Throws: `UsageError` for the first thing wrong with the line.
  /// - Complexity: O(*n* × *m*), where *n* is the number of arguments and *m* the number of
  ///   options of the command (more when a suggestion has to be found).
  func parse(_ arguments: [String]) throws(UsageError) -> ParseOutcome {
    var command = root
    var path: [String] = []
    var index = 0
    while !command.subcommands.isEmpty {
      guard index < arguments.count else {
        throw .missingSubcommand(path: path, subcommands: command.subcommands.map(\.name))
      }
      let word = arguments[index]
      index += 1
      if let subcommand = command.subcommand(named: word) {
        command = subcommand
        path.append(word)
        continue
      }
      if let outcome = try builtInOutcome(of: word, path: path) {
        return outcome
      }
      if word == "--" {
        throw .unexpectedArgument(path: path, argument: word)
      }
      if word.hasPrefix("-") && word != "-" {
        throw unknownOption(word, path: path, command: command)
      }
      let suggestion = Self.suggestion(for: word, among: command.subcommands.map(\.name))
      throw .unknownCommand(path: path, name: word, suggestion: suggestion)
    }
    let rest = Array(arguments[index...])
    if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "-h" || $0 == "--help" }) {
      return .help(path: path)
    }
    return try parseOptionsAndPositionals(rest, path: path, command: command)
  }

  /// Parses the words after the command's path: options, then the positional count.
  private func parseOptionsAndPositionals(
    _ words: [String], path: [String], command: CommandSpec
  ) throws(UsageError) -> ParseOutcome {
    var parsed = ParsedCommand(path: path)
    var index = 0
    var isPastOptions = false
    while index < words.count {
      let word = words[index]
      index += 1
      if isPastOptions || !isOptionLike(word, in: command) {
        parsed.positionals.append(word)
        continue
      }
      if word == "--" {
        isPastOptions = true
        continue
      }
      if let outcome = try builtInOutcome(of: word, path: path) {
        return outcome
      }
      let (spelling, inlineValue) = Self.split(word)
      guard let option = self.option(spelledAs: spelling, in: command) else {
        throw unknownOption(word, path: path, command: command)
      }
      let isGivenBefore = parsed.options[option.name] != nil || parsed.flags.contains(option.name)
      if isGivenBefore && !option.isRepeatable {
        throw .duplicateOption(path: path, option: "--\(option.name)")
      }
      guard let valueName = option.valueName else {
        if let inlineValue {
          throw .flagWithValue(path: path, flag: "--\(option.name)", value: inlineValue)
        }
        parsed.flags.insert(option.name)
        continue
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else if index < words.count && !isOptionName(words[index], in: command) {
        value = words[index]
        index += 1
      } else {
        throw .missingValue(path: path, option: "--\(option.name)", valueName: valueName)
      }
      parsed.options[option.name, default: []].append(value)
    }
    try checkPositionals(parsed.positionals, path: path, command: command)
    for option in command.options where option.isRequired {
      if parsed.options[option.name] == nil && !parsed.flags.contains(option.name) {
        throw .missingOption(path: path, option: "--\(option.name)", valueName: option.valueName)
      }
    }
    return .command(parsed)
  }

  /// Checks that the command got as many positionals as its spec takes.
  private func checkPositionals(
    _ positionals: [String], path: [String], command: CommandSpec
  ) throws(UsageError) {
    let specs = command.positionals
    if let missing = specs.indices.first(where: { $0 >= positionals.count && !specs[$0].isOptional }) {
      throw .missingArgument(path: path, name: specs[missing].name)
    }
    let takesAny = specs.last?.isVariadic ?? false
    if !takesAny && positionals.count > specs.count {
      throw .unexpectedArgument(path: path, argument: positionals[specs.count])
    }
  }

  /// The outcome of a built-in option (`--help`, `-h`, `--version` at the root), `nil` for
  /// any other word.
  private func builtInOutcome(of word: String, path: [String]) throws(UsageError) -> ParseOutcome? {
    let (spelling, inlineValue) = Self.split(word)
    let isHelp = spelling == "--help" || spelling == "-h"
    let isVersion = spelling == "--version" && path.isEmpty
    guard isHelp || isVersion else { return nil }
    if let inlineValue {
      throw .flagWithValue(path: path, flag: isHelp ? "--help" : "--version", value: inlineValue)
    }
    return isHelp ? .help(path: path) : .version
  }

  /// Whether `word` is read as an option (or `--`) rather than as a positional.
  ///
  /// A word that starts with `--` is an option; one that starts with a single `-` is an
  /// option unless it is `-` alone or a number such as `-5` or `-.5` that names no short
  /// option.
  private func isOptionLike(_ word: String, in command: CommandSpec) -> Bool {
    if word.hasPrefix("--") { return true }
    guard word.hasPrefix("-"), word != "-" else { return false }
    if option(spelledAs: Self.split(word).spelling, in: command) != nil { return true }
    let afterDash = word.dropFirst()
    let number = afterDash.first == "." ? afterDash.dropFirst() : afterDash
    let looksLikeNumber = number.first.map { $0.isASCII && $0.isNumber } ?? false
    return !looksLikeNumber
  }

  /// Whether `word` names an option, so it cannot be the value of the option before it.
  private func isOptionName(_ word: String, in command: CommandSpec) -> Bool {
    if word.hasPrefix("--") { return true }
    let spelling = Self.split(word).spelling
    return spelling == "-h" || option(spelledAs: spelling, in: command) != nil
  }

  /// The option `--name` or `-x` of the command, not counting the built-in ones.
  private func option(spelledAs spelling: String, in command: CommandSpec) -> OptionSpec? {
    if spelling.hasPrefix("--") {
      let name = String(spelling.dropFirst(2))
      return command.option(named: name)
    }
    guard spelling.hasPrefix("-"), spelling.count == 2, let letter = spelling.last else {
      return nil
    }
    return command.options.first { $0.short == letter }
  }

  /// An `unknownOption` error for `word`, suggesting a close option name of the command.
  private func unknownOption(_ word: String, path: [String], command: CommandSpec) -> UsageError {
    let spelling = Self.split(word).spelling
    let typed = String(spelling.drop(while: { $0 == "-" }))
    var names = command.options.map(\.name) + globalOptionNames + ["help"]
    if path.isEmpty { names.append("version") }
    let suggestion = Self.suggestion(for: typed, among: names).map { "--\($0)" }
    return .unknownOption(path: path, option: typed.isEmpty ? word : spelling, suggestion: suggestion)
  }

  /// Splits `--name=value` into `--name` and `value`; a word without `=` has no value.
  private static func split(_ word: String) -> (spelling: String, value: String?) {
    guard word.hasPrefix("-"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
    return (String(word[..<equals]), String(word[word.index(after: equals)...]))
  }

  /// The name among `candidates` that `typed` most likely meant: the closest one within
  /// an edit distance of 2 (and shorter than the name itself), else the first that starts
  /// with `typed`; ties go to the earlier candidate.
  ///
  /// - Complexity: O(*m* × *k*²), where *m* is the number of candidates and *k* the length
  ///   of the names.
  static func suggestion(for typed: String, among candidates: [String]) -> String? {
    guard !typed.isEmpty else { return nil }
    let lowercased = typed.lowercased()
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(lowercased, candidate.lowercased())
      let isClose = distance <= maximumSuggestionDistance && distance < candidate.count
      if isClose && distance < (best?.distance ?? Int.max) {
        best = (candidate, distance)
      }
    }
    if let best { return best.name }
    return candidates.first { $0.lowercased().hasPrefix(lowercased) }
  }

  /// The Levenshtein distance between `a` and `b`, counted in characters.
  ///
  /// - Complexity: O(*a* × *b*).
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    // `previous[j]` is the distance between the first i - 1 characters of `a` and the
    // first j of `b`; one row is kept at a time.
    var previous = Array(0...b.count)
    for (i, characterOfA) in a.enumerated() {
      var current = [i + 1]
      for (j, characterOfB) in b.enumerated() {
        let substitution = previous[j] + (characterOfA == characterOfB ? 0 : 1)
        current.append(min(previous[j + 1] + 1, current[j] + 1, substitution))
      }
      previous = current
    }
    return previous[b.count]
  }
}
