import TimeBank

/// The command line as a function: arguments and environment in; stdout, stderr and exit code out.
enum CLI {
  struct Result {
    var exitCode: Int32
    var output: String
    var errors: String
  }

  typealias Handler = @Sendable (inout Context) throws(Failure) -> Void

  static let handlers: [[String]: Handler] = [
    ["init"]: WriteCommands.initialise,
    ["policy", "set"]: WriteCommands.setPolicy,
    ["policy", "show"]: ViewCommands.showPolicy,
    ["member", "add"]: WriteCommands.addMember,
    ["member", "change"]: WriteCommands.changeMember,
    ["member", "leave"]: WriteCommands.memberLeaves,
    ["member", "list"]: ViewCommands.listMembers,
    ["member", "show"]: ViewCommands.showMember,
    ["team", "add"]: WriteCommands.addTeam,
    ["team", "join"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.joinOrLeaveTeam(&context, joining: true)
    },
    ["team", "leave"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.joinOrLeaveTeam(&context, joining: false)
    },
    ["team", "list"]: ViewCommands.listTeams,
    ["branch", "add"]: WriteCommands.addBranch,
    ["branch", "list"]: ViewCommands.listBranches,
    ["card", "open"]: WriteCommands.openCard,
    ["card", "list"]: ViewCommands.listCards,
    ["role", "grant"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.changeRole(&context, granting: true)
    },
    ["role", "revoke"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.changeRole(&context, granting: false)
    },
    ["role", "list"]: ViewCommands.listRoles,
    ["service", "record"]: WriteCommands.recordService,
    ["service", "confirm"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.decideService(&context, "confirm")
    },
    ["service", "reject"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.decideService(&context, "reject")
    },
    ["service", "reverse"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.decideService(&context, "reverse")
    },
    ["service", "list"]: ViewCommands.listService,
    ["transfer"]: WriteCommands.transfer,
    ["reward", "add"]: WriteCommands.addReward,
    ["reward", "restock"]: WriteCommands.restockReward,
    ["reward", "withdraw"]: WriteCommands.withdrawReward,
    ["reward", "list"]: ViewCommands.listRewards,
    ["redeem"]: WriteCommands.redeem,
    ["redemption", "cancel"]: WriteCommands.cancelRedemption,
    ["party", "report"]: WriteCommands.reportToCommunity,
    ["party", "activity"]: WriteCommands.recordActivity,
    ["party", "confirm"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.decideActivity(&context, confirming: true)
    },
    ["party", "reject"]: { (context: inout Context) throws(Failure) in
      try WriteCommands.decideActivity(&context, confirming: false)
    },
    ["party", "show"]: ReportCommands.show,
    ["report", "teams"]: ReportCommands.teams,
    ["report", "party"]: ReportCommands.party,
    ["report", "community"]: ReportCommands.community,
    ["balance"]: ViewCommands.balance,
    ["statement"]: ViewCommands.statement,
    ["log"]: ViewCommands.log,
    ["audit"]: ViewCommands.audit,
    ["repair"]: ViewCommands.repair,
    ["checkpoint"]: ViewCommands.checkpoint,
    ["demo"]: ViewCommands.demo,
    ["completion"]: CompletionCommands.completion,
    ["export"]: ExportCommands.export,
    ["certificate", "issue"]: CertificateCommands.issue,
    ["certificate", "verify"]: CertificateCommands.verify,
    ["import", "services"]: ImportCommands.services,
    ["import", "members"]: ImportCommands.members,
  ]

  /// Parses, validates and runs one command line, in the language of `--lang`, else of the
  /// environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
  static func run(_ arguments: [String], environment: [String: String]) -> Result {
    let preferred = Localizer(Language.preferred(by: environment))
    do {
      let extracted = try LanguageOption.extract(from: arguments, words: preferred)
      let words = extracted.language.map(Localizer.init) ?? preferred
      return run(extracted.arguments, environment: environment, words: words)
    } catch {
      return Result(
        exitCode: Messages.usage, output: "", errors: helpRenderer(preferred).errorReport(for: error))
    }
  }

  /// The help renderer of the command line in the language of `words`.
  static func helpRenderer(_ words: Localizer) -> HelpRenderer {
    HelpRenderer(root: CommandTable.root(words), globalOptions: [CommandTable.lang(words)], words: words)
  }

  private static func run(_ arguments: [String], environment: [String: String], words: Localizer) -> Result {
    // `timebank help service record` is `timebank service record --help`.
    if arguments.first == "help" {
      return run(Array(arguments.dropFirst()) + ["--help"], environment: environment, words: words)
    }
    let help = helpRenderer(words)
    let parser = ArgumentParser(root: help.root, globalOptionNames: [LanguageOption.name])
    let parsed: ParsedCommand
    do {
      switch try parser.parse(arguments) {
      case .help(let path): return Result(exitCode: 0, output: help.help(for: path), errors: "")
      case .version: return Result(exitCode: 0, output: CommandTable.version + "\n", errors: "")
      case .command(let command): parsed = command
      }
    } catch {
      return Result(exitCode: Messages.usage, output: "", errors: help.errorReport(for: error))
    }
    guard let handler = handlers[parsed.path] else {
      let message = words(.usageNoHandler, ["command": parsed.path.joined(separator: " ")])
      return Result(
        exitCode: Messages.usage, output: "", errors: words(.errorLine, ["message": message]) + "\n")
    }
    var context = Context(parsed: parsed, environment: environment, words: words)
    let result = run(handler, in: &context, help: help)
    // A view that read a damaged page of a snapshot (a checksum that failed) may have missed entries:
    // it runs again from the log alone, and only that run is shown.
    guard context.snapshotChecks.contains(where: { $0() }) else { return result }
    var again = Context(parsed: parsed, environment: environment, words: words)
    again.usesSnapshots = false
    return run(handler, in: &again, help: help)
  }

  private static func run(
    _ handler: (inout Context) throws(Failure) -> Void, in context: inout Context, help: HelpRenderer
  ) -> Result {
    let words = context.words
    do {
      try handler(&context)
      return Result(exitCode: 0, output: context.output, errors: context.warnings)
    } catch {
      let errors: String
      if case .usage(let usage) = error {
        errors = help.errorReport(for: usage)
      } else {
        errors = words(.errorLine, ["message": context.messages.describe(error)]) + "\n"
      }
      return Result(
        exitCode: Messages.exitCode(for: error), output: context.output, errors: context.warnings + errors)
    }
  }
}
