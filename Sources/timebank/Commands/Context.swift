import Foundation
import TimeBank

/// One run of the command line: the parsed command, the environment, the language, and what to print.
struct Context {
  let parsed: ParsedCommand
  let environment: [String: String]
  /// The language of everything printed for people (labels, messages); never of JSON or CSV keys.
  let words: Localizer
  var output = ""
  var warnings = ""
  /// Whether views load the state from the log's snapshot (false when running again after a snapshot
  /// turned out damaged).
  var usesSnapshots = true
  /// For each state a view loaded from a snapshot: whether that snapshot turned out damaged.
  var snapshotChecks: [@Sendable () -> Bool] = []

  /// How failures are worded, in this run's language.
  var messages: Messages { Messages(words: words) }

  /// `--log`, else `$TIMEBANK_LOG`, else `timebank.jsonl` in the current directory.
  var logPath: String { parsed.value("log") ?? environment["TIMEBANK_LOG"] ?? "timebank.jsonl" }

  func usage(_ option: String, _ value: String, _ reason: String) -> Failure {
    .usage(CommandTable.root(words).invalidValue(value, for: option, at: parsed.path, reason: reason))
  }

  /// `--actor`, else `$TIMEBANK_ACTOR`.
  func actor() throws(Failure) -> ActorID {
    guard let text = parsed.value("actor") ?? environment["TIMEBANK_ACTOR"], !text.isEmpty else {
      throw .usage(.missingOption(path: parsed.path, option: "--actor", valueName: "id"))
    }
    if let problem = IdentifierSyntax.problem(with: text) {
      throw usage("actor", text, words(.reasonBadIdentifier, ["problem": problem]))
    }
    return ActorID(text)
  }

  /// `$TIMEBANK_NOW` (ISO 8601 with offset) when set, so fixtures and tests are deterministic;
  /// else the clock.
  func now() throws(Failure) -> Timestamp {
    if let text = environment["TIMEBANK_NOW"], !text.isEmpty {
      guard let timestamp = Timestamp(text) else {
        throw .other(words(.badNow, ["value": text]), exitCode: Messages.usage)
      }
      return timestamp
    }
    return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970), offsetSeconds: 0)
  }

  func format() throws(Failure) -> OutputFormat {
    guard let text = parsed.value("format") else { return .table }
    guard let format = OutputFormat(rawValue: text) else {
      throw usage("format", text, words(.reasonFormat))
    }
    return format
  }

  func positional(_ index: Int) -> String {
    index < parsed.positionals.count ? parsed.positionals[index] : ""
  }

  func date(_ option: String) throws(Failure) -> LocalDate? {
    guard let text = parsed.value(option) else { return nil }
    guard let date = LocalDate(text) else { throw usage(option, text, words(.reasonDate)) }
    return date
  }

  func integer(_ option: String) throws(Failure) -> Int? {
    guard let text = parsed.value(option) else { return nil }
    guard let value = Int(text), value.magnitude <= 1_000_000_000 else {
      throw usage(option, text, words(.reasonWholeNumber))
    }
    return value
  }

  func points(_ option: String, _ text: String) throws(Failure) -> Points {
    guard let points = Points(text) else {
      throw usage(option, text, words(.reasonPoints))
    }
    return points
  }

  func hours(_ option: String, _ text: String) throws(Failure) -> Minutes {
    guard let minutes = Minutes(hours: text) else {
      throw usage(option, text, words(.reasonHours))
    }
    return minutes
  }

  func identifier(_ name: String, _ text: String) throws(Failure) -> String {
    if let problem = IdentifierSyntax.problem(with: text) {
      throw usage(name, text, words(.reasonBadIdentifier, ["problem": problem]))
    }
    return text
  }

  /// Resolves `member:<id>`, `card:<id>`, `@issued`, `@redeemed`, or a bare id (a member if one has it,
  /// else a card).
  func account(_ name: String, _ text: String, in state: LedgerState) throws(Failure) -> AccountID {
    if let account = AccountID(text) { return account }
    if IdentifierSyntax.problem(with: text) == nil {
      if state.members[MemberID(text)] != nil { return .member(MemberID(text)) }
      if state.cards[CardID(text)] != nil { return .card(CardID(text)) }
      throw .rejected(.unknownMember(MemberID(text)))
    }
    throw usage(name, text, words(.reasonAccount))
  }

  mutating func print(_ line: String) { output += line + "\n" }
  mutating func warn(_ line: String) { warnings += words(.warningLine, ["message": line]) + "\n" }
}
