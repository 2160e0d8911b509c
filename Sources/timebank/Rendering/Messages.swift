import Foundation
import TimeBank

/// Everything that ends a command without success, with the exit code DESIGN.md gives it.
enum Failure: Error {
  case usage(UsageError)
  case rejected(Rejection)
  case log(LogError)
  /// `audit` found a problem; its report is already on stdout.
  case auditFailed
  /// Anything else, already worded.
  case other(String, exitCode: Int32)

  init(_ error: LedgerError) {
    switch error {
    case .log(let error): self = .log(error)
    case .rejected(let rejection, _): self = .rejected(rejection)
    }
  }
}

/// The one place that says how failures are worded and which exit code each gets.
enum Messages {
  static let refused: Int32 = 1
  static let verificationFailed: Int32 = 2
  static let usage: Int32 = 64
  static let ioError: Int32 = 74

  static func exitCode(for failure: Failure) -> Int32 {
    switch failure {
    case .usage: usage
    case .rejected: refused
    case .auditFailed: verificationFailed
    case .other(_, let code): code
    case .log(let error):
      switch error {
      case .corrupt, .tornTail, .empty: verificationFailed
      case .alreadyExists: refused
      case .io, .missing, .notARegularFile: ioError
      }
    }
  }

  static func describe(_ failure: Failure) -> String {
    switch failure {
    case .usage(let error): error.message
    case .rejected(let rejection): "refused: " + describe(rejection) + " [rule: \(rule(of: rejection))]"
    case .log(let error): describe(error)
    case .auditFailed: "audit failed"
    case .other(let message, _): message
    }
  }

  static func describe(_ error: LogError) -> String {
    switch error {
    case .io(let path, let operation, let code):
      "\(path): could not \(operation): \(String(cString: strerror(code)))"
    case .missing(let path):
      "\(path): no such log; create one with 'timebank init' or give --log PATH"
    case .alreadyExists(let path):
      "\(path): a file already exists there; a new ledger never overwrites one"
    case .notARegularFile(let path):
      "\(path): not a regular file"
    case .empty(let path):
      "\(path): the log is empty (it has no ledger.opened line)"
    case .corrupt(let path, let corruption):
      "\(path):\(corruption.line): seq \(corruption.seq): log failed verification: "
        + describe(corruption.problem)
    case .tornTail(let path, let tail):
      "\(path):\(tail.line): the log ends in a torn line (\(tail.length) bytes, a crash mid-write?); "
        + "writing is refused until 'timebank repair' moves it to a side file"
    }
  }

  static func describe(_ problem: LineProblem) -> String {
    switch problem {
    case .unreadable(let why): "unreadable line: \(why)"
    case .malformed(let why): "malformed line: \(why)"
    case .hashMismatch(let stored, let computed):
      "hash mismatch: the line says \(stored.prefix(16))…, its bytes hash to \(computed.prefix(16))… "
        + "(the line was changed)"
    case .seqGap(let expected, let found):
      "seq \(found) where \(expected) was expected (a line is missing or moved)"
    case .prevMismatch(let expected, let found):
      "prev \(found.prefix(16))… does not match the previous line's hash \(expected.prefix(16))… "
        + "(lines removed, moved or rewritten)"
    case .duplicateID(let id, let first): "id '\(id)' was already used at seq \(first)"
    case .badEvent(let error): "field '\(error.field)' \(error.problem)"
    case .misplacedLedgerOpened: "the first line, and only the first, must be ledger.opened"
    }
  }

  static func describe(_ problem: AuditProblem) -> String {
    switch problem {
    case .chain(let problem): describe(problem)
    case .rule(let rejection): "the rules would refuse this event: " + describe(rejection)
    case .invariant(let text): "invariant broken: " + text
    case .checkpoint(let seq, let expected, let found?):
      "the published checkpoint \(seq):\(expected.prefix(16))… does not match: the log now has "
        + "\(found.prefix(16))… at seq \(seq) (the log was rewritten after the checkpoint)"
    case .checkpoint(let seq, let expected, nil):
      "the published checkpoint \(seq):\(expected.prefix(16))… does not match: the log has no seq \(seq) "
        + "(it was cut short)"
    }
  }

  /// The name of the rule a refusal enforces, printed after the message.
  static func rule(of rejection: Rejection) -> String {
    switch rejection {
    case .notAuthorised: "authorisation"
    case .confirmOwnRecording, .ownService: "four eyes"
    case .notAccountHolder: "account holder"
    case .unknownMember, .unknownTeam, .unknownBranch, .unknownCard, .unknownItem, .unknownRecord,
      .unknownRedemption, .unknownAccount:
      "must exist"
    case .alreadyExists: "unique ids"
    case .futureDate: "no future dates"
    case .beforeJoined, .memberLeft: "membership dates"
    case .notInTeam, .alreadyInTeam: "team membership"
    case .nonPositiveMinutes, .nonPositivePoints, .nonPositiveQuantity: "positive amounts"
    case .dailyCapExceeded: "daily cap"
    case .sameAccount, .systemAccount, .creditToOtherMember: "accounts"
    case .insufficientPoints: "no overdraft"
    case .insufficientStock: "stock"
    case .rewardWithdrawn: "catalogue"
    case .recordNotPending, .redemptionAlreadyCancelled, .replacesUnreversedRecord: "record states"
    case .computedValueMismatch: "computed points"
    case .invalidField, .unknownTimeZone, .nothingToChange: "valid input"
    case .ledgerAlreadyOpened: "one opening"
    case .unknownActivity: "must exist"
    case .notAPartyMember: "party members only"
    case .activityNotPending, .alreadyCheckedIn: "record states"
    case .roleAlreadyHeld, .roleNotHeld, .roleScopeInvalid, .lastAdmin: "roles"
    case .idReused: "idempotency"
    }
  }

  static func describe(_ rejection: Rejection) -> String {
    switch rejection {
    case .notAuthorised(let actor, let action, let needs):
      "'\(actor)' may not \(action): that needs the role \(needs)"
    case .confirmOwnRecording(let record, let actor):
      "'\(actor)' recorded \(record) and so may not confirm it; someone else must"
    case .ownService(let member, let actor):
      "'\(actor)' may not record or confirm service of \(member), their own"
    case .notAccountHolder(let account, let actor):
      "'\(actor)' may not spend from \(account): only its member may"
    case .unknownMember(let id): "no member '\(id)'"
    case .unknownTeam(let id): "no team '\(id)'"
    case .unknownBranch(let id): "no branch '\(id)'"
    case .unknownCard(let id): "no card '\(id)'"
    case .unknownItem(let id): "no reward item '\(id)'"
    case .unknownRecord(let id): "no service record '\(id)'"
    case .unknownRedemption(let id): "no redemption '\(id)'"
    case .unknownAccount(let id): "no account '\(id)'"
    case .alreadyExists(let kind, let id): "\(kind) '\(id)' already exists"
    case .futureDate(let field, let date, let today):
      "\(field) \(date) is in the future (today is \(today) in the ledger's time zone)"
    case .beforeJoined(let member, let date, let joined):
      "\(date) is before \(member) joined on \(joined)"
    case .memberLeft(let member, let left): "\(member) left the community on \(left)"
    case .notInTeam(let member, let team): "\(member) is not in team '\(team)'"
    case .alreadyInTeam(let member, let team): "\(member) is already in team '\(team)'"
    case .nonPositiveMinutes(let minutes):
      "service time must be more than zero (got \(minutes.value) minutes)"
    case .dailyCapExceeded(let member, let date, let already, let adding, let cap):
      "\(member) would have \(already.value + adding.value) minutes recorded on \(date) "
        + "(\(already.value) already + \(adding.value) new), over the daily cap of \(cap.value) minutes "
        + "(\(cap.hoursText) h)"
    case .nonPositivePoints(let field, let points): "\(field) must be more than zero (got \(points))"
    case .nonPositiveQuantity(let field, let quantity): "\(field) must be more than zero (got \(quantity))"
    case .sameAccount(let account): "cannot transfer from \(account) to itself"
    case .systemAccount(let account):
      "\(account) is a system account; points move through it only by the rules"
    case .insufficientPoints(let account, let balance, let needed):
      "insufficient points: \(account) has \(balance), needs \(needed)"
    case .insufficientStock(let item, let stock, let requested):
      "not enough stock of '\(item)': \(stock) left, \(requested) asked for"
    case .rewardWithdrawn(let item): "reward '\(item)' has been withdrawn"
    case .recordNotPending(let record, let status, let action):
      "cannot \(action) \(record): it is \(status)"
    case .redemptionAlreadyCancelled(let id): "redemption '\(id)' is already cancelled"
    case .creditToOtherMember(_, let account):
      "points for a member's service may go to the member or a card, not to \(account)"
    case .replacesUnreversedRecord(let id):
      "--replaces \(id): only a reversed record of the same member can be replaced"
    case .computedValueMismatch(let field, let stored, let expected):
      "\(field) is \(stored) but the rules give \(expected)"
    case .invalidField(let field, let problem): "\(field) \(problem)"
    case .roleAlreadyHeld(let actor, let role, let scope): "'\(actor)' already holds \(role) (\(scope))"
    case .roleNotHeld(let actor, let role, let scope): "'\(actor)' does not hold \(role) (\(scope))"
    case .roleScopeInvalid(let role, let scope): "the role \(role) cannot have the scope \(scope)"
    case .lastAdmin(let actor): "'\(actor)' is the last admin; grant admin to someone else first"
    case .unknownTimeZone(let zone): "unknown time zone '\(zone)'"
    case .unknownActivity(let id): "no party activity '\(id)'"
    case .notAPartyMember(let member): "\(member) is not a party member"
    case .activityNotPending(let activity, let status, let action):
      "cannot \(action) \(activity): it is \(status)"
    case .alreadyCheckedIn(let member, let branch, let date):
      "\(member) already checked in to \(branch) on \(date)"
    case .ledgerAlreadyOpened: "this ledger is already open; ledger.opened is only ever its first line"
    case .nothingToChange(let member):
      "nothing to change for \(member): give --name, --party, --not-party or --branch"
    case .idReused(let id, let seq, let field, let stored, let given):
      "id '\(id)' was already used at seq \(seq) with different content: \(field) was \(stored), now \(given)"
    }
  }
}
