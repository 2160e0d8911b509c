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

/// The one place that says how failures are worded (in the language of `words`) and which exit code
/// each gets.
struct Messages {
  static let refused: Int32 = 1
  static let verificationFailed: Int32 = 2
  static let usage: Int32 = 64
  static let ioError: Int32 = 74

  /// The language of every message.
  let words: Localizer

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

  func describe(_ failure: Failure) -> String {
    switch failure {
    case .usage(let error): error.message(in: words)
    case .rejected(let rejection): refusal(rejection)
    case .log(let error): describe(error)
    case .auditFailed: words(.auditFailed)
    case .other(let message, _): message
    }
  }

  /// `refused: <why> [rule: <rule>]`; the rule's name is a stable key, never translated.
  func refusal(_ rejection: Rejection) -> String {
    words(.refused, ["reason": describe(rejection), "rule": Self.rule(of: rejection)])
  }

  func describe(_ error: LogError) -> String {
    switch error {
    case .io(let path, let operation, let code):
      words(.logIO, ["path": path, "operation": operation, "reason": String(cString: strerror(code))])
    case .missing(let path): words(.logMissing, ["path": path])
    case .alreadyExists(let path): words(.logAlreadyExists, ["path": path])
    case .notARegularFile(let path): words(.logNotARegularFile, ["path": path])
    case .empty(let path): words(.logEmpty, ["path": path])
    case .corrupt(let path, let corruption):
      words(
        .logCorrupt,
        [
          "path": path, "line": corruption.line, "seq": corruption.seq,
          "problem": describe(corruption.problem),
        ])
    case .tornTail(let path, let tail):
      words(.logTornTail, ["path": path, "line": tail.line, "length": tail.length])
    }
  }

  func describe(_ problem: LineProblem) -> String {
    switch problem {
    case .unreadable(let why): words(.lineUnreadable, ["detail": why])
    case .malformed(let why): words(.lineMalformed, ["detail": why])
    case .hashMismatch(let stored, let computed):
      words(.lineHashMismatch, ["stored": stored.prefix(16), "computed": computed.prefix(16)])
    case .seqGap(let expected, let found): words(.lineSeqGap, ["expected": expected, "found": found])
    case .prevMismatch(let expected, let found):
      words(.linePrevMismatch, ["expected": expected.prefix(16), "found": found.prefix(16)])
    case .duplicateID(let id, let first): words(.lineDuplicateID, ["id": id, "seq": first])
    case .badEvent(let error): words(.lineBadEvent, ["field": error.field, "problem": error.problem])
    case .misplacedLedgerOpened: words(.lineMisplacedLedgerOpened)
    }
  }

  func describe(_ problem: AuditProblem) -> String {
    switch problem {
    case .chain(let problem): describe(problem)
    case .rule(let rejection): words(.auditRule, ["reason": describe(rejection)])
    case .invariant(let text): words(.auditInvariant, ["detail": text])
    case .checkpoint(let seq, let expected, let found?):
      words(
        .auditCheckpointRewritten, ["seq": seq, "expected": expected.prefix(16), "found": found.prefix(16)])
    case .checkpoint(let seq, let expected, nil):
      words(.auditCheckpointCut, ["seq": seq, "expected": expected.prefix(16)])
    }
  }

  /// The name of the rule a refusal enforces, printed after the message: a stable key, the same in
  /// every language.
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

  func describe(_ rejection: Rejection) -> String {
    switch rejection {
    case .notAuthorised(let actor, let action, let needs):
      words(.rejectNotAuthorised, ["actor": actor, "action": action, "role": needs])
    case .confirmOwnRecording(let record, let actor):
      words(.rejectConfirmOwnRecording, ["actor": actor, "record": record])
    case .ownService(let member, let actor): words(.rejectOwnService, ["actor": actor, "member": member])
    case .notAccountHolder(let account, let actor):
      words(.rejectNotAccountHolder, ["actor": actor, "account": account])
    case .unknownMember(let id): words(.rejectUnknownMember, ["id": id])
    case .unknownTeam(let id): words(.rejectUnknownTeam, ["id": id])
    case .unknownBranch(let id): words(.rejectUnknownBranch, ["id": id])
    case .unknownCard(let id): words(.rejectUnknownCard, ["id": id])
    case .unknownItem(let id): words(.rejectUnknownItem, ["id": id])
    case .unknownRecord(let id): words(.rejectUnknownRecord, ["id": id])
    case .unknownRedemption(let id): words(.rejectUnknownRedemption, ["id": id])
    case .unknownAccount(let id): words(.rejectUnknownAccount, ["id": id])
    case .alreadyExists(let kind, let id): words(.rejectAlreadyExists, ["kind": words.thing(kind), "id": id])
    case .futureDate(let field, let date, let today):
      words(.rejectFutureDate, ["field": field, "date": date, "today": today])
    case .beforeJoined(let member, let date, let joined):
      words(.rejectBeforeJoined, ["member": member, "date": date, "joined": joined])
    case .memberLeft(let member, let left): words(.rejectMemberLeft, ["member": member, "date": left])
    case .notInTeam(let member, let team): words(.rejectNotInTeam, ["member": member, "team": team])
    case .alreadyInTeam(let member, let team): words(.rejectAlreadyInTeam, ["member": member, "team": team])
    case .nonPositiveMinutes(let minutes): words(.rejectNonPositiveMinutes, ["minutes": minutes.value])
    case .dailyCapExceeded(let member, let date, let already, let adding, let cap):
      words(
        .rejectDailyCapExceeded,
        [
          "member": member, "date": date, "total": already.value + adding.value, "already": already.value,
          "adding": adding.value, "cap": cap.value, "capHours": cap.hoursText,
        ])
    case .nonPositivePoints(let field, let points):
      words(.rejectNonPositiveAmount, ["field": field, "amount": points])
    case .nonPositiveQuantity(let field, let quantity):
      words(.rejectNonPositiveAmount, ["field": field, "amount": quantity])
    case .sameAccount(let account): words(.rejectSameAccount, ["account": account])
    case .systemAccount(let account): words(.rejectSystemAccount, ["account": account])
    case .insufficientPoints(let account, let balance, let needed):
      words(.rejectInsufficientPoints, ["account": account, "balance": balance, "needed": needed])
    case .insufficientStock(let item, let stock, let requested):
      words(.rejectInsufficientStock, ["item": item, "stock": stock, "requested": requested])
    case .rewardWithdrawn(let item): words(.rejectRewardWithdrawn, ["item": item])
    case .recordNotPending(let record, let status, let action):
      words(.rejectNotPending, ["action": action, "id": record, "status": words.status(status)])
    case .redemptionAlreadyCancelled(let id): words(.rejectRedemptionAlreadyCancelled, ["id": id])
    case .creditToOtherMember(_, let account): words(.rejectCreditToOtherMember, ["account": account])
    case .replacesUnreversedRecord(let id): words(.rejectReplacesUnreversedRecord, ["id": id])
    case .computedValueMismatch(let field, let stored, let expected):
      words(.rejectComputedValueMismatch, ["field": field, "stored": stored, "expected": expected])
    case .invalidField(let field, let problem):
      words(.rejectInvalidField, ["field": field, "problem": problem])
    case .roleAlreadyHeld(let actor, let role, let scope):
      words(.rejectRoleAlreadyHeld, ["actor": actor, "role": role.rawValue, "scope": scope])
    case .roleNotHeld(let actor, let role, let scope):
      words(.rejectRoleNotHeld, ["actor": actor, "role": role.rawValue, "scope": scope])
    case .roleScopeInvalid(let role, let scope):
      words(.rejectRoleScopeInvalid, ["role": role.rawValue, "scope": scope])
    case .lastAdmin(let actor): words(.rejectLastAdmin, ["actor": actor])
    case .unknownTimeZone(let zone): words(.rejectUnknownTimeZone, ["zone": zone])
    case .unknownActivity(let id): words(.rejectUnknownActivity, ["id": id])
    case .notAPartyMember(let member): words(.rejectNotAPartyMember, ["member": member])
    case .activityNotPending(let activity, let status, let action):
      words(.rejectNotPending, ["action": action, "id": activity, "status": words.status(status)])
    case .alreadyCheckedIn(let member, let branch, let date):
      words(.rejectAlreadyCheckedIn, ["member": member, "branch": branch, "date": date])
    case .ledgerAlreadyOpened: words(.rejectLedgerAlreadyOpened)
    case .nothingToChange(let member): words(.rejectNothingToChange, ["member": member])
    case .idReused(let id, let seq, let field, let stored, let given):
      words(.rejectIDReused, ["id": id, "seq": seq, "field": field, "stored": stored, "given": given])
    }
  }
}
