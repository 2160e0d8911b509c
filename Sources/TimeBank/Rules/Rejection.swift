/// Why a command may not happen: one case per rule, with the data to explain it. The CLI words them.
public enum Rejection: Error, Equatable, Sendable {
  /// `actor` lacks the role the action needs; `needs` describes it, e.g. "admin".
  case notAuthorised(actor: ActorID, action: String, needs: String)
  /// Four eyes: nobody confirms a record they recorded.
  case confirmOwnRecording(record: RecordID, actor: ActorID)
  /// Nobody records, or confirms, their own service.
  case ownService(member: MemberID, actor: ActorID)
  /// A member account may only be spent by that member (or handed out by a coordinator).
  case notAccountHolder(account: AccountID, actor: ActorID)

  case unknownMember(MemberID)
  case unknownTeam(TeamID)
  case unknownBranch(BranchID)
  case unknownCard(CardID)
  case unknownItem(ItemID)
  case unknownRecord(RecordID)
  case unknownRedemption(RedemptionID)
  case unknownAccount(AccountID)
  /// `kind` is "member", "team", "branch", "card" or "item".
  case alreadyExists(kind: String, id: String)

  /// A service date after the day it is recorded.
  case futureDate(field: String, date: LocalDate, today: LocalDate)
  /// A date before the member joined.
  case beforeJoined(member: MemberID, date: LocalDate, joined: LocalDate)
  /// The member left the community on `left`.
  case memberLeft(member: MemberID, left: LocalDate)
  case notInTeam(member: MemberID, team: TeamID)
  case alreadyInTeam(member: MemberID, team: TeamID)
  case nonPositiveMinutes(Minutes)
  /// The day's records for the member would exceed the policy's daily cap.
  case dailyCapExceeded(
    member: MemberID, date: LocalDate, alreadyRecorded: Minutes, adding: Minutes, cap: Minutes)
  case nonPositivePoints(field: String, Points)
  case nonPositiveQuantity(field: String, Int)
  case sameAccount(AccountID)
  /// Points may not be moved into or out of a system account by hand.
  case systemAccount(AccountID)
  case insufficientPoints(account: AccountID, balance: Points, needed: Points)
  case insufficientStock(item: ItemID, stock: Int, requested: Int)
  case rewardWithdrawn(ItemID)
  /// A record is not in the state the action needs, e.g. confirming a confirmed record.
  case recordNotPending(record: RecordID, status: String, action: String)
  case redemptionAlreadyCancelled(RedemptionID)
  case creditToOtherMember(record: String, account: AccountID)
  case replacesUnreversedRecord(RecordID)
  /// A stored computed value (points) differs from what the rules compute; found by audit.
  case computedValueMismatch(field: String, stored: String, expected: String)
  /// A free-text or id field is not acceptable: empty, too long, or holding control characters.
  case invalidField(field: String, problem: String)
  case roleAlreadyHeld(actor: ActorID, role: Role, scope: RoleScope)
  case roleNotHeld(actor: ActorID, role: Role, scope: RoleScope)
  case roleScopeInvalid(role: Role, scope: RoleScope)
  case lastAdmin(ActorID)
  case unknownTimeZone(String)
  case unknownActivity(ActivityID)
  /// Party check-ins and activities are for party members.
  case notAPartyMember(MemberID)
  case activityNotPending(activity: ActivityID, status: String, action: String)
  /// The same member already checked in to this branch on this date.
  case alreadyCheckedIn(member: MemberID, branch: BranchID, date: LocalDate)
  /// A ledger opens once, with its first line.
  case ledgerAlreadyOpened
  case nothingToChange(MemberID)
  /// The same id was used before for different content; `field` is the first that differs.
  case idReused(id: String, seq: Int, field: String, stored: String, given: String)
}
