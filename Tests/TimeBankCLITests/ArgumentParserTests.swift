import Testing

@testable import timebank

/// A small command tree shaped like the real one, so these tests do not change when the
/// real commands do.
private let root = CommandSpec(
  name: "timebank",
  summary: "Keep the ledger of a community time bank.",
  subcommands: [
    CommandSpec(
      name: "service",
      summary: "Record and confirm service.",
      subcommands: [
        CommandSpec(
          name: "record",
          summary: "Record service given by a member.",
          discussion: "The record waits until a coordinator confirms it.",
          positionals: [PositionalSpec(name: "member", help: "The member who gave the service.")],
          options: [
            OptionSpec(
              name: "date", valueName: "date", help: "The day of the service (YYYY-MM-DD).",
              isRequired: true),
            OptionSpec(name: "hours", valueName: "hours", help: "Service time in hours (e.g. 2 or 1.5)."),
            OptionSpec(name: "minutes", valueName: "minutes", help: "Service time in minutes."),
            OptionSpec(name: "id", valueName: "key", help: "A key that makes a retry safe."),
            OptionSpec(
              name: "log", valueName: "path", help: "A log to append to; may be given more than once.",
              isRepeatable: true),
            OptionSpec(name: "quiet", valueName: nil, help: "Print nothing on success."),
          ]),
        CommandSpec(
          name: "confirm",
          summary: "Confirm recorded service.",
          positionals: [PositionalSpec(name: "record", help: "The record to confirm.")]),
      ]),
    CommandSpec(
      name: "member",
      summary: "Register and list members.",
      subcommands: [
        CommandSpec(
          name: "add", summary: "Register a member.",
          positionals: [PositionalSpec(name: "name", help: "The member's name.")]),
        CommandSpec(
          name: "list", summary: "List the members.",
          positionals: [
            PositionalSpec(
              name: "team", help: "Only members of these teams.", isOptional: true, isVariadic: true)
          ]),
        CommandSpec(
          name: "show", summary: "Show one member.",
          positionals: [PositionalSpec(name: "member", help: "The member to show.")],
          options: [
            OptionSpec(name: "format", valueName: "format", help: "table, json or csv.", short: "f")
          ]),
      ]),
    CommandSpec(
      name: "transfer",
      summary: "Move points between accounts.",
      positionals: [
        PositionalSpec(name: "from", help: "The account to take the points from."),
        PositionalSpec(name: "to", help: "The account to give the points to."),
        PositionalSpec(name: "points", help: "How many points, e.g. 12.50."),
      ],
      options: [
        OptionSpec(name: "memo", valueName: "text", help: "A note for both statements."),
        OptionSpec(name: "idempotency-key", valueName: "key", help: "A key that makes a retry safe."),
      ]),
  ])

private let parser = ArgumentParser(root: root)
private let record = ["service", "record"]

/// Parses `arguments` and returns the usage error, or `nil` if there was none.
private func usageError(_ arguments: [String]) -> UsageError? {
  do {
    _ = try parser.parse(arguments)
    return nil
  } catch {
    return error
  }
}

@Suite struct ArgumentParserTests {
  @Test func walksSubcommandsAndReadsSeparateValues() throws {
    let outcome = try parser.parse(["service", "record", "张三", "--date", "2024-05-01", "--hours", "2"])
    let expected = ParsedCommand(
      path: ["service", "record"], positionals: ["张三"],
      options: ["date": ["2024-05-01"], "hours": ["2"]])
    #expect(outcome == .command(expected))
  }

  @Test func readsValuesAfterEqualsSign() throws {
    let outcome = try parser.parse(["transfer", "a", "b", "1", "--memo=x=y", "--idempotency-key="])
    let expected = ParsedCommand(
      path: ["transfer"], positionals: ["a", "b", "1"],
      options: ["memo": ["x=y"], "idempotency-key": [""]])
    #expect(outcome == .command(expected))
  }

  @Test func optionsMayComeBeforeAndBetweenPositionals() throws {
    let outcome = try parser.parse(["transfer", "--memo", "gift", "a", "b", "--idempotency-key", "k1", "7"])
    let expected = ParsedCommand(
      path: ["transfer"], positionals: ["a", "b", "7"],
      options: ["memo": ["gift"], "idempotency-key": ["k1"]])
    #expect(outcome == .command(expected))
  }

  @Test func readsFlags() throws {
    let outcome = try parser.parse(["service", "record", "--quiet", "m1", "--date", "d"])
    let expected = ParsedCommand(
      path: ["service", "record"], positionals: ["m1"], options: ["date": ["d"]], flags: ["quiet"])
    #expect(outcome == .command(expected))
  }

  @Test func doubleDashEndsOptions() throws {
    let outcome = try parser.parse(["transfer", "--memo", "x", "--", "--from", "-h", "--"])
    let expected = ParsedCommand(
      path: ["transfer"], positionals: ["--from", "-h", "--"], options: ["memo": ["x"]])
    #expect(outcome == .command(expected))
  }

  @Test func negativeNumbersAndLoneDashArePositionals() throws {
    let transfer = try parser.parse(["transfer", "-", "b", "-12.50"])
    #expect(transfer == .command(ParsedCommand(path: ["transfer"], positionals: ["-", "b", "-12.50"])))
    let fraction = try parser.parse(["transfer", "a", "b", "-.5"])
    #expect(fraction == .command(ParsedCommand(path: ["transfer"], positionals: ["a", "b", "-.5"])))
  }

  @Test func negativeNumberIsAnOptionValue() throws {
    let outcome = try parser.parse(["service", "record", "m1", "--hours", "-5", "--date", "-"])
    let expected = ParsedCommand(
      path: ["service", "record"], positionals: ["m1"], options: ["hours": ["-5"], "date": ["-"]])
    #expect(outcome == .command(expected))
  }

  @Test func readsShortOptionWithValue() throws {
    let outcome = try parser.parse(["member", "show", "-f", "csv", "m1"])
    let expected = ParsedCommand(path: ["member", "show"], positionals: ["m1"], options: ["format": ["csv"]])
    #expect(outcome == .command(expected))
  }

  @Test func acceptsOptionalVariadicPositionals() throws {
    #expect(try parser.parse(["member", "list"]) == .command(ParsedCommand(path: ["member", "list"])))
    let many = try parser.parse(["member", "list", "t1", "t2", "t3"])
    #expect(many == .command(ParsedCommand(path: ["member", "list"], positionals: ["t1", "t2", "t3"])))
  }

  @Test func repeatableOptionKeepsValuesInOrder() throws {
    let outcome = try parser.parse(
      ["service", "record", "m1", "--date", "d", "--log", "a.jsonl", "--log=b.jsonl", "--log", "c.jsonl"])
    let expected = ParsedCommand(
      path: ["service", "record"], positionals: ["m1"],
      options: ["date": ["d"], "log": ["a.jsonl", "b.jsonl", "c.jsonl"]])
    #expect(outcome == .command(expected))
  }

  @Test func parsedCommandAnswersQuestions() {
    let parsed = ParsedCommand(
      path: ["service", "record"], positionals: ["m1"], options: ["log": ["a", "b"]], flags: ["quiet"])
    #expect(parsed.value("log") == "b")
    #expect(parsed.values("log") == ["a", "b"])
    #expect(parsed.value("hours") == nil)
    #expect(parsed.values("hours") == [])
    #expect(parsed.has("quiet"))
    #expect(!parsed.has("log"))
  }

  @Test func helpAtEveryLevel() throws {
    #expect(try parser.parse(["--help"]) == .help(path: []))
    #expect(try parser.parse(["-h"]) == .help(path: []))
    #expect(try parser.parse(["service", "--help"]) == .help(path: ["service"]))
    #expect(try parser.parse(["service", "-h", "record"]) == .help(path: ["service"]))
    #expect(try parser.parse(["service", "record", "-h"]) == .help(path: ["service", "record"]))
    #expect(try parser.parse(["member", "list", "--help"]) == .help(path: ["member", "list"]))
  }

  @Test func helpWinsOverOtherMistakes() throws {
    let outcome = try parser.parse(["service", "record", "--huors", "--help", "extra", "words"])
    #expect(outcome == .help(path: ["service", "record"]))
  }

  @Test func helpAfterDoubleDashIsAPositional() throws {
    let outcome = try parser.parse(["member", "add", "--", "-h"])
    #expect(outcome == .command(ParsedCommand(path: ["member", "add"], positionals: ["-h"])))
  }

  @Test func versionAtRootOnly() {
    #expect((try? parser.parse(["--version"])) == .version)
    let leafRoot = ArgumentParser(root: CommandSpec(name: "timebank", summary: "Tool."))
    #expect((try? leafRoot.parse(["--version"])) == .version)
    let error = usageError(["service", "--version"])
    #expect(error == .unknownOption(path: ["service"], option: "--version", suggestion: nil))
  }

  @Test func unknownOptionSuggestsCloseName() {
    let error = usageError(["service", "record", "m1", "--date", "d", "--huors", "2"])
    #expect(error == .unknownOption(path: record, option: "--huors", suggestion: "--hours"))
    #expect(error?.message(in: .english) == "unknown option '--huors'. Did you mean '--hours'?")
  }

  @Test func unknownOptionWithValueIsNamedWithoutIt() {
    let error = usageError(["service", "record", "m1", "--huors=2"])
    #expect(error == .unknownOption(path: record, option: "--huors", suggestion: "--hours"))
  }

  @Test func unknownOptionSuggestsNameItIsAPrefixOf() {
    let error = usageError(["service", "record", "m1", "--min", "30"])
    #expect(error == .unknownOption(path: record, option: "--min", suggestion: "--minutes"))
    #expect(error?.message(in: .english) == "unknown option '--min'. Did you mean '--minutes'?")
  }

  @Test func unknownOptionWithoutSuggestion() {
    let error = usageError(["transfer", "a", "b", "1", "--colour", "red"])
    #expect(error == .unknownOption(path: ["transfer"], option: "--colour", suggestion: nil))
    #expect(error?.message(in: .english) == "unknown option '--colour'")
  }

  @Test func unknownShortOption() {
    let error = usageError(["transfer", "a", "b", "1", "-x"])
    #expect(error == .unknownOption(path: ["transfer"], option: "-x", suggestion: nil))
    #expect(error?.message(in: .english) == "unknown option '-x'")
  }

  @Test func unknownOptionBeforeSubcommand() {
    let error = usageError(["--hlep", "service"])
    #expect(error == .unknownOption(path: [], option: "--hlep", suggestion: "--help"))
  }

  @Test func missingValueAtTheEnd() {
    let error = usageError(["service", "record", "m1", "--date", "d", "--hours"])
    #expect(error == .missingValue(path: record, option: "--hours", valueName: "hours"))
    #expect(error?.message(in: .english) == "missing value for '--hours <hours>'")
  }

  @Test func missingValueBeforeAnotherOption() {
    let error = usageError(["service", "record", "m1", "--hours", "--date", "d"])
    #expect(error == .missingValue(path: record, option: "--hours", valueName: "hours"))
    let beforeDoubleDash = usageError(["transfer", "a", "b", "1", "--memo", "--"])
    #expect(beforeDoubleDash == .missingValue(path: ["transfer"], option: "--memo", valueName: "text"))
  }

  @Test func missingArgument() {
    let error = usageError(["service", "record", "--date", "d"])
    #expect(error == .missingArgument(path: record, name: "member"))
    #expect(error?.message(in: .english) == "missing argument '<member>'")
    let third = usageError(["transfer", "a", "b"])
    #expect(third == .missingArgument(path: ["transfer"], name: "points"))
  }

  @Test func missingRequiredOption() {
    let error = usageError(["service", "record", "m1", "--hours", "2"])
    #expect(error == .missingOption(path: record, option: "--date", valueName: "date"))
    #expect(error?.message(in: .english) == "missing option '--date <date>'")
  }

  @Test func unexpectedArgument() {
    let error = usageError(["service", "confirm", "r1", "foo", "bar"])
    #expect(error == .unexpectedArgument(path: ["service", "confirm"], argument: "foo"))
    #expect(error?.message(in: .english) == "unexpected argument 'foo'")
  }

  @Test func unknownCommandSuggestsCloseName() {
    let error = usageError(["servce", "record"])
    #expect(error == .unknownCommand(path: [], name: "servce", suggestion: "service"))
    #expect(error?.message(in: .english) == "unknown command 'servce'. Did you mean 'service'?")
    let nested = usageError(["service", "recrod", "m1"])
    #expect(nested == .unknownCommand(path: ["service"], name: "recrod", suggestion: "record"))
  }

  @Test func unknownCommandWithoutSuggestion() {
    let error = usageError(["frobnicate"])
    #expect(error == .unknownCommand(path: [], name: "frobnicate", suggestion: nil))
    #expect(error?.message(in: .english) == "unknown command 'frobnicate'")
  }

  @Test func missingSubcommand() {
    let error = usageError(["member"])
    #expect(error == .missingSubcommand(path: ["member"], subcommands: ["add", "list", "show"]))
    #expect(
      error?.message(in: .english)
        == "missing subcommand for 'timebank member'; expected one of: add, list, show")
    let atRoot = usageError([])
    #expect(
      atRoot?.message(in: .english)
        == "missing subcommand for 'timebank'; expected one of: service, member, transfer")
  }

  @Test func duplicateOption() {
    let error = usageError(["service", "record", "m1", "--date", "d", "--id", "a", "--id=b"])
    #expect(error == .duplicateOption(path: record, option: "--id"))
    #expect(error?.message(in: .english) == "option '--id' given more than once")
    let flag = usageError(["service", "record", "m1", "--quiet", "--date", "d", "--quiet"])
    #expect(flag == .duplicateOption(path: record, option: "--quiet"))
  }

  @Test func flagWithValue() {
    let error = usageError(["service", "record", "m1", "--date", "d", "--quiet=yes"])
    #expect(error == .flagWithValue(path: record, flag: "--quiet", value: "yes"))
    #expect(error?.message(in: .english) == "flag '--quiet' does not take a value")
    let help = usageError(["service", "--help=me"])
    #expect(help == .flagWithValue(path: ["service"], flag: "--help", value: "me"))
  }

  @Test func invalidValueNamesOptionAsHelpDoes() {
    let error = root.invalidValue("abc", for: "hours", at: record, reason: "not a number")
    #expect(
      error == .invalidValue(path: record, option: "--hours <hours>", value: "abc", reason: "not a number"))
    #expect(error.message(in: .english) == "invalid value 'abc' for '--hours <hours>': not a number")
  }

  @Test func invalidValueNamesPositionalsFlagsAndUnknownNames() {
    let points = root.invalidValue("-5", for: "points", at: ["transfer"], reason: "amount must be positive")
    #expect(points.message(in: .english) == "invalid value '-5' for '<points>': amount must be positive")
    let flag = root.invalidValue("x", for: "quiet", at: record, reason: "r")
    #expect(flag.message(in: .english) == "invalid value 'x' for '--quiet': r")
    let unknown = root.invalidValue("x", for: "hours", at: ["no", "such"], reason: "r")
    #expect(unknown == .invalidValue(path: ["no", "such"], option: "--hours", value: "x", reason: "r"))
  }

  @Test func errorsKnowTheirCommand() {
    #expect(usageError(["service", "record", "--date"])?.path == ["service", "record"])
    #expect(usageError(["servce"])?.path == [])
  }

  @Test func editDistance() {
    #expect(ArgumentParser.editDistance("huors", "hours") == 2)
    #expect(ArgumentParser.editDistance("kitten", "sitting") == 3)
    #expect(ArgumentParser.editDistance("", "abc") == 3)
    #expect(ArgumentParser.editDistance("abc", "") == 3)
    #expect(ArgumentParser.editDistance("张三", "张四") == 1)
  }

  @Test func suggestionPrefersTheClosestName() {
    #expect(ArgumentParser.suggestion(for: "hour", among: ["hours", "hour-rate"]) == "hours")
    #expect(ArgumentParser.suggestion(for: "ID", among: ["id"]) == "id")
    #expect(ArgumentParser.suggestion(for: "x", among: ["id"]) == nil)
    #expect(ArgumentParser.suggestion(for: "", among: ["id"]) == nil)
  }
}

@Suite struct HelpRendererTests {
  private let renderer = HelpRenderer(root: root)

  @Test func helpOfACommand() {
    let expected = """
      OVERVIEW: Record service given by a member.

      The record waits until a coordinator confirms it.

      USAGE: timebank service record <member> --date <date> [<options>]

      ARGUMENTS:
        <member>                The member who gave the service.

      OPTIONS:
        --date <date>           The day of the service (YYYY-MM-DD).
        --hours <hours>         Service time in hours (e.g. 2 or 1.5).
        --minutes <minutes>     Service time in minutes.
        --id <key>              A key that makes a retry safe.
        --log <path>            A log to append to; may be given more than once.
        --quiet                 Print nothing on success.
        -h, --help              Show help information.

      """
    #expect(renderer.help(for: ["service", "record"]) == expected)
  }

  @Test func helpWidensTheColumnForALongLabel() {
    let expected = """
      OVERVIEW: Move points between accounts.

      USAGE: timebank transfer <from> <to> <points> [<options>]

      ARGUMENTS:
        <from>                   The account to take the points from.
        <to>                     The account to give the points to.
        <points>                 How many points, e.g. 12.50.

      OPTIONS:
        --memo <text>            A note for both statements.
        --idempotency-key <key>  A key that makes a retry safe.
        -h, --help               Show help information.

      """
    #expect(renderer.help(for: ["transfer"]) == expected)
  }

  @Test func helpOfTheRoot() {
    let expected = """
      OVERVIEW: Keep the ledger of a community time bank.

      USAGE: timebank <subcommand>

      OPTIONS:
        --version               Show the version.
        -h, --help              Show help information.

      SUBCOMMANDS:
        service                 Record and confirm service.
        member                  Register and list members.
        transfer                Move points between accounts.

      """
    #expect(renderer.help(for: []) == expected)
  }

  @Test func helpOfAGroup() {
    let expected = """
      OVERVIEW: Register and list members.

      USAGE: timebank member <subcommand>

      OPTIONS:
        -h, --help              Show help information.

      SUBCOMMANDS:
        add                     Register a member.
        list                    List the members.
        show                    Show one member.

      """
    #expect(renderer.help(for: ["member"]) == expected)
  }

  @Test func helpListsShortSpellingAndKeepsLinesOfHelp() {
    let spec = CommandSpec(
      name: "timebank", summary: "Tool.",
      options: [
        OptionSpec(
          name: "format", valueName: "format", help: "How to print:\ntable, json or csv.", short: "f")
      ])
    let expected = """
      OVERVIEW: Tool.

      USAGE: timebank [<options>]

      OPTIONS:
        -f, --format <format>   How to print:
                                table, json or csv.
        --version               Show the version.
        -h, --help              Show help information.

      """
    #expect(HelpRenderer(root: spec).help(for: []) == expected)
  }

  @Test func usageLines() {
    #expect(renderer.usageLine(for: []) == "timebank <subcommand>")
    #expect(renderer.usageLine(for: ["member"]) == "timebank member <subcommand>")
    #expect(renderer.usageLine(for: ["service", "confirm"]) == "timebank service confirm <record>")
    #expect(renderer.usageLine(for: ["member", "list"]) == "timebank member list [<team> ...]")
    #expect(renderer.usageLine(for: ["member", "show"]) == "timebank member show <member> [<options>]")
    #expect(renderer.usageLine(for: ["transfer"]) == "timebank transfer <from> <to> <points> [<options>]")
  }

  @Test func errorReport() {
    let error = UsageError.missingValue(path: ["service", "record"], option: "--hours", valueName: "hours")
    let expected = """
      error: missing value for '--hours <hours>'
      Usage: timebank service record <member> --date <date> [<options>]
        See 'timebank service record --help'.

      """
    #expect(renderer.errorReport(for: error) == expected)
  }

  @Test func errorReportAtTheRoot() {
    let error = UsageError.unknownCommand(path: [], name: "servce", suggestion: "service")
    let expected = """
      error: unknown command 'servce'. Did you mean 'service'?
      Usage: timebank <subcommand>
        See 'timebank --help'.

      """
    #expect(renderer.errorReport(for: error) == expected)
  }
}
