import Foundation

/// The rules of the time bank: what may happen, by whom, given the ledger so far.
///
/// `decide` (for commands) and `audit` (for the stored log) both call `validate`, so a log that passes
/// audit is exactly a log the program could have written.
public enum Rules {
  /// The longest name accepted (members, teams, cards, items), in characters.
  public static let maximumNameLength = 100
  /// The longest memo, note, reason or place accepted, in characters.
  public static let maximumTextLength = 500
  /// The most people one record may say were served.
  public static let maximumPeopleServed = 100_000
  /// The largest stock or quantity accepted.
  public static let maximumQuantity = 1_000_000

  /// The event with its computed fields filled in from the state: points at confirmation from the
  /// policy for the service date, points of a redemption from the price.
  public static func complete(_ event: Event, in state: LedgerState) -> Event {
    switch event {
    case .serviceConfirmed(let id, _):
      guard let record = state.records[id] else { return event }
      return .serviceConfirmed(record: id, points: expectedPoints(for: record.entry, in: state))
    case .rewardRedeemed(let account, let item, let quantity, _):
      guard let reward = state.rewards[item], let points = reward.listing.price.multiplied(by: quantity)
      else {
        return event
      }
      return .rewardRedeemed(account: account, item: item, quantity: quantity, points: points)
    default:
      return event
    }
  }

  static func expectedPoints(for entry: ServiceEntry, in state: LedgerState) -> Points {
    expectedPoints(for: entry, policies: state.policies)
  }

  static func expectedPoints(for entry: ServiceEntry, policies: [PolicyPeriod]) -> Points {
    LedgerState.withPolicy(on: entry.date, in: policies) { $0.points(for: entry.minutes, category: entry.category) }
  }

  /// Checks that `actor` may make `event` happen at `at`, given `state`.
  ///
  /// - Throws: the `Rejection` naming the first rule broken.
  /// - Complexity: O(1) for most events; O(r) for a role revocation, r the number of role holders.
  public static func validate(
    _ event: Event, actor: ActorID, at: Timestamp, in state: LedgerState
  ) throws(Rejection) {
    let today = LedgerState.localDate(of: at, in: state.timeZone)
    try validate(event, actor: actor, grants: state.roles[actor] ?? [], at: at, today: today, in: state)
  }

  /// `validate` when the caller has worked out `today`, the local date of `at` in the ledger's zone (the
  /// auditor keeps a `LedgerState.LocalDateCache`), and looked up the actor's roles: `grants` must be
  /// `state.roles[actor] ?? []` (the auditor keeps them while one actor writes line after line).
  ///
  /// The state is borrowed all the way down (see `Checker`): the auditor checks every line.
  static func validate(
    _ event: Event, actor: ActorID, grants: Set<RoleGrant>, at: Timestamp, today: LocalDate,
    in state: borrowing LedgerState
  ) throws(Rejection) {
    try validate(event, at: at, check: Checker(actor: actor, today: today, grants: grants), state: state)
  }

  private static func validate(
    _ event: Event, at: Timestamp, check: Checker, state: borrowing LedgerState
  ) throws(Rejection) {
    let actor = check.actor
    switch event {
    case .ledgerOpened(let community, let timeZone, let policy):
      guard state.lastSeq == 0 else { throw .ledgerAlreadyOpened }
      try check.name(community, field: "community")
      guard LedgerState.isKnownTimeZone(timeZone) else { throw .unknownTimeZone(timeZone) }
      try check.policy(policy)
    case .policyChanged(_, let policy):
      try check.admin("change the policy")
      try check.policy(policy)
    case .roleGranted(let grantee, let role, let scope):
      try check.admin("grant roles")
      try check.identifier(grantee.rawValue, field: "actor")
      try check.scope(scope, for: role, in: state)
      if state.holds(grantee, role, where: { $0 == scope }) {
        throw .roleAlreadyHeld(actor: grantee, role: role, scope: scope)
      }
    case .roleRevoked(let holder, let role, let scope):
      try check.admin("revoke roles")
      guard state.holds(holder, role, where: { $0 == scope }) else {
        throw .roleNotHeld(actor: holder, role: role, scope: scope)
      }
      if role == .admin, state.roles.filter({ $0.value.contains { $0.role == .admin } }).count == 1 {
        throw .lastAdmin(holder)
      }
    case .memberRegistered(let registration):
      try check.coordinatorAnywhere("register members")
      try check.identifier(registration.member.rawValue, field: "member")
      guard !state.members.contains(registration.member) else {
        throw .alreadyExists(kind: "member", id: registration.member.rawValue)
      }
      try check.name(registration.name, field: "name")
      if let branch = registration.branch { try check.branchExists(branch, in: state) }
      try check.notFuture(registration.joined, field: "joined")
    case .memberChanged(let change):
      try check.coordinatorAnywhere("change members")
      _ = try check.member(change.member, in: state)
      guard change.name != nil || change.isPartyMember != nil || change.branch != nil else {
        throw .nothingToChange(change.member)
      }
      if let name = change.name { try check.name(name, field: "name") }
      if let branch = change.branch { try check.branchExists(branch, in: state) }
    case .memberLeft(let id, let date):
      try check.coordinatorAnywhere("record that members left")
      let member = try check.activeMember(id, on: date, in: state)
      try check.notFuture(date, field: "date")
      _ = member
    case .teamCreated(let team, let name, _):
      try check.admin("create teams")
      try check.identifier(team.rawValue, field: "team")
      guard !state.teams.contains(team) else { throw .alreadyExists(kind: "team", id: team.rawValue) }
      try check.name(name, field: "name")
    case .teamJoined(let team, let id, let date), .teamLeft(let team, let id, let date):
      guard let teamState = state.teams[team] else { throw .unknownTeam(team) }
      try check.coordinator(for: team, action: "change team membership")
      _ = try check.activeMember(id, on: date, in: state)
      try check.notFuture(date, field: "date")
      let isMember = teamState.members.contains(id)
      if case .teamJoined = event, isMember { throw .alreadyInTeam(member: id, team: team) }
      if case .teamLeft = event, !isMember { throw .notInTeam(member: id, team: team) }
    case .branchCreated(let branch, let name):
      try check.admin("create branches")
      try check.identifier(branch.rawValue, field: "branch")
      guard state.branches[branch] == nil else { throw .alreadyExists(kind: "branch", id: branch.rawValue) }
      try check.name(name, field: "name")
    case .cardOpened(let card, let name, _, let holder):
      try check.admin("open cards")
      try check.identifier(card.rawValue, field: "card")
      guard state.cards[card] == nil else { throw .alreadyExists(kind: "card", id: card.rawValue) }
      try check.name(name, field: "name")
      try check.name(holder, field: "holder")
    case .serviceRecorded(let entry):
      try check.serviceRecord(entry, in: state)
    case .serviceConfirmed(let id, let points):
      let policies = state.policies
      try check.withPendingRecord(id, action: "confirm", in: state) { record throws(Rejection) in
        guard actor != record.recordedBy else { throw .confirmOwnRecording(record: id, actor: actor) }
        guard actor.asMember != record.entry.member else {
          throw .ownService(member: record.entry.member, actor: actor)
        }
        try check.mayConfirm(record, in: state)
        let expected = expectedPoints(for: record.entry, policies: policies)
        guard points == expected else {
          throw .computedValueMismatch(
            field: "points", stored: points.description, expected: expected.description)
        }
      }
    case .serviceRejected(let id, let reason):
      try check.withPendingRecord(id, action: "reject", in: state) { record throws(Rejection) in
        try check.mayConfirm(record, in: state)
      }
      try check.text(reason, field: "reason", required: true)
    case .serviceReversed(let id, let reason):
      guard let record = state.records[id] else { throw .unknownRecord(id) }
      guard case .confirmed(let points) = record.status else {
        throw .recordNotPending(record: id, status: record.status.name, action: "reverse")
      }
      if !check.holds(.admin) { try check.mayConfirm(record, in: state) }
      try check.text(reason, field: "reason", required: true)
      try check.canSpend(record.entry.creditTo, points, in: state)
    case .pointsTransferred(let from, let to, let points, let memo):
      guard from != to else { throw .sameAccount(from) }
      // The two accounts in turn (a loop over `[from, to]` allocated an array per transfer).
      if from.isSystem { throw .systemAccount(from) }
      try check.accountExists(from, in: state)
      if to.isSystem { throw .systemAccount(to) }
      try check.accountExists(to, in: state)
      if case .member(let id) = to, let left = state.members.read(id, { $0.left }) ?? nil {
        throw .memberLeft(member: id, left: left)
      }
      guard points > .zero else { throw .nonPositivePoints(field: "points", points) }
      try check.notTooLarge(points, field: "points")
      try check.maySpend(from, action: "transfer points", in: state)
      if let memo { try check.text(memo, field: "memo", required: false) }
      try check.canSpend(from, points, in: state)
    case .rewardListed(let listing):
      try check.admin("list rewards")
      try check.identifier(listing.item.rawValue, field: "item")
      guard state.rewards[listing.item] == nil else {
        throw .alreadyExists(kind: "item", id: listing.item.rawValue)
      }
      try check.name(listing.name, field: "name")
      guard listing.price > .zero else { throw .nonPositivePoints(field: "price", listing.price) }
      try check.notTooLarge(listing.price, field: "price")
      guard (0...maximumQuantity).contains(listing.stock) else {
        throw .invalidField(field: "stock", problem: "must be between 0 and \(maximumQuantity)")
      }
    case .rewardRestocked(let item, let quantity):
      try check.admin("restock rewards")
      _ = try check.availableReward(item, in: state)
      guard quantity > 0 else { throw .nonPositiveQuantity(field: "quantity", quantity) }
      guard quantity <= maximumQuantity else {
        throw .invalidField(field: "quantity", problem: "must be at most \(maximumQuantity)")
      }
    case .rewardWithdrawn(let item, let reason):
      try check.admin("withdraw rewards")
      _ = try check.availableReward(item, in: state)
      if let reason { try check.text(reason, field: "reason", required: false) }
    case .rewardRedeemed(let account, let item, let quantity, let points):
      if account.isSystem { throw .systemAccount(account) }
      try check.accountExists(account, in: state)
      let reward = try check.availableReward(item, in: state)
      guard quantity > 0 else { throw .nonPositiveQuantity(field: "quantity", quantity) }
      try check.maySpend(account, action: "redeem rewards", coordinatorMayHandOut: true, in: state)
      guard quantity <= reward.stock else {
        throw .insufficientStock(item: item, stock: reward.stock, requested: quantity)
      }
      let expected = reward.listing.price.multiplied(by: quantity)
      guard let expected, points == expected else {
        throw .computedValueMismatch(
          field: "points", stored: points.description, expected: expected?.description ?? "overflow")
      }
      try check.canSpend(account, points, in: state)
    case .redemptionCancelled(let id, let reason):
      guard let redemption = state.redemptions[id] else { throw .unknownRedemption(id) }
      guard !redemption.isCancelled else { throw .redemptionAlreadyCancelled(id) }
      try check.mayHandOut(redemption.account, action: "cancel redemptions", in: state)
      try check.text(reason, field: "reason", required: true)
    case .partyReported(let checkIn):
      try check.branchExists(checkIn.branch, in: state)
      _ = try check.partyMember(checkIn.member, on: checkIn.date, in: state)
      guard actor.asMember != checkIn.member else { throw .ownService(member: checkIn.member, actor: actor) }
      try check.partyRecorder(for: checkIn.member, branch: checkIn.branch, action: "record party check-ins", in: state)
      try check.name(checkIn.workplace, field: "workplace")
      try check.notFuture(checkIn.date, field: "date")
      let earlier = state.checkIns[checkIn.member] ?? []
      if earlier.contains(where: { $0.checkIn.branch == checkIn.branch && $0.checkIn.date == checkIn.date }) {
        throw .alreadyCheckedIn(member: checkIn.member, branch: checkIn.branch, date: checkIn.date)
      }
    case .partyActivityRecorded(let activity):
      let member = try check.partyMember(activity.member, on: activity.date, in: state)
      guard actor.asMember != activity.member else {
        throw .ownService(member: activity.member, actor: actor)
      }
      try check.partyRecorder(
        for: activity.member, branch: member.registration.branch, action: "record party activities", in: state)
      try check.notFuture(activity.date, field: "date")
      if let note = activity.note { try check.text(note, field: "note", required: false) }
    case .partyActivityConfirmed(let id), .partyActivityRejected(let id, _):
      guard let activity = state.activities[id] else { throw .unknownActivity(id) }
      let action = if case .partyActivityConfirmed = event { "confirm" } else { "reject" }
      guard activity.status == .pending else {
        throw .activityNotPending(activity: id, status: activity.status.rawValue, action: action)
      }
      guard actor != activity.recordedBy else {
        throw .confirmOwnRecording(record: RecordID(id.rawValue), actor: actor)
      }
      guard actor.asMember != activity.activity.member else {
        throw .ownService(member: activity.activity.member, actor: actor)
      }
      guard check.secretaryCovers(activity.activity.member, in: state) else {
        throw .notAuthorised(
          actor: actor, action: "\(action) party activities of \(activity.activity.member)",
          needs: "secretary of the member's branch")
      }
      if case .partyActivityRejected(_, let reason) = event {
        try check.text(reason, field: "reason", required: true)
      }
    }
  }
}

/// The individual checks, each throwing the rejection that names its rule.
///
/// The checks that read the ledger take it as a borrowed parameter (`in state:`), never through a
/// pointer or a copy: read through a pointer, each table the auditor's checks looked at was copied
/// first (its storage counted up and down again, on every line), since the compiler cannot tell that
/// nothing changes the state behind a pointer while a check reads it.
private struct Checker {
  let actor: ActorID
  let today: LocalDate
  /// The actor's roles, looked up once.
  let grants: Set<RoleGrant>

  /// Whether the actor holds `role` in a scope accepted by `covers` (`LedgerState.holds` for the actor).
  func holds(_ role: Role, where covers: (RoleScope) -> Bool = { _ in true }) -> Bool {
    grants.contains { $0.role == role && covers($0.scope) }
  }

  func admin(_ action: String) throws(Rejection) {
    guard holds(.admin) else {
      throw .notAuthorised(actor: actor, action: action, needs: "admin")
    }
  }

  func coordinatorAnywhere(_ action: String) throws(Rejection) {
    guard holds(.admin) || holds(.coordinator) else {
      throw .notAuthorised(actor: actor, action: action, needs: "admin or coordinator")
    }
  }

  func coordinator(for team: TeamID, action: String) throws(Rejection) {
    guard
      holds(.admin)
        || holds(.coordinator, where: { $0 == .all || $0 == .team(team) })
    else { throw .notAuthorised(actor: actor, action: action, needs: "coordinator for team:\(team)") }
  }

  /// Coordinator whose scope covers a record: all, the record's team, or (no team) one of the member's.
  func coordinatorCovers(_ entry: borrowing ServiceEntry, in state: borrowing LedgerState) -> Bool {
    guard entry.team == nil else { return coordinatorCovers(entry, memberTeams: []) }
    // The member's teams read out where the member is kept (a copy of the member would count its
    // texts up and down too).
    return coordinatorCovers(entry, memberTeams: state.members.read(entry.member) { $0.teams } ?? [])
  }

  /// `coordinatorCovers(_:)` when the caller has the member's teams already.
  func coordinatorCovers(_ entry: borrowing ServiceEntry, memberTeams: Set<TeamID>) -> Bool {
    holds(.coordinator) { scope in
      switch scope {
      case .all: true
      case .team(let team):
        entry.team == team || memberTeams.contains(team)
      case .branch: false
      }
    }
  }

  /// Secretary of the branch of a party member.
  func secretaryCovers(_ member: MemberID, in state: borrowing LedgerState) -> Bool {
    let party = state.members.read(member) { member -> (isPartyMember: Bool, branch: BranchID?) in
      (member.registration.isPartyMember, member.registration.branch)
    }
    guard let party, party.isPartyMember else { return false }
    return holds(.secretary) { scope in
      scope == .all || party.branch.map { scope == .branch($0) } == true
    }
  }

  func mayConfirm(_ record: borrowing RecordState, in state: borrowing LedgerState) throws(Rejection) {
    guard coordinatorCovers(record.entry, in: state) || secretaryCovers(record.entry.member, in: state) else {
      let scope = record.entry.team.map { "team:\($0)" } ?? "the member's team"
      throw .notAuthorised(
        actor: actor, action: "decide on service of \(record.entry.member)",
        needs: "coordinator for \(scope), or the secretary of the member's branch")
    }
  }

  /// Spending from an account: its member, or for a card the admin or a coordinator for all.
  func maySpend(
    _ account: AccountID, action: String, coordinatorMayHandOut: Bool = false, in state: borrowing LedgerState
  ) throws(Rejection) {
    switch account {
    case .member(let id):
      if actor.asMember == id { return }
      if coordinatorMayHandOut, coordinatorCoversMember(id, in: state) { return }
      throw .notAccountHolder(account: account, actor: actor)
    case .card:
      guard holds(.admin) || holds(.coordinator, where: { $0 == .all }) else {
        throw .notAuthorised(
          actor: actor, action: action + " from a card", needs: "admin or coordinator for all")
      }
    case .issued, .redeemed:
      throw .systemAccount(account)
    }
  }

  func mayHandOut(_ account: AccountID, action: String, in state: borrowing LedgerState) throws(Rejection) {
    if holds(.admin) { return }
    if case .member(let id) = account, coordinatorCoversMember(id, in: state) {
      return
    }
    if holds(.coordinator, where: { $0 == .all }) { return }
    throw .notAuthorised(
      actor: actor, action: action, needs: "admin or a coordinator for the account's member")
  }

  /// Coordinator whose scope covers a registered member: all, or a team the member is in.
  ///
  /// Membership is read from the team's side (`TeamState.members`; the fold keeps the two sides alike):
  /// a community has a few dozen teams, whose member sets stay in the caches, where each of thousands
  /// of members' own sets had to come from memory.
  func coordinatorCoversMember(_ member: MemberID, in state: borrowing LedgerState) -> Bool {
    guard state.members.contains(member) else { return false }
    return holds(.coordinator) { scope in
      switch scope {
      case .all: true
      case .team(let team): isInTeam(member, team, in: state) == true
      case .branch: false
      }
    }
  }

  /// Whether `member` is in `team` now; nil when there is no such team. See `coordinatorCoversMember`.
  func isInTeam(_ member: MemberID, _ team: TeamID, in state: borrowing LedgerState) -> Bool? {
    state.teams.read(team) { $0.members.contains(member) }
  }

  func serviceRecord(_ entry: ServiceEntry, in state: borrowing LedgerState) throws(Rejection) {
    // What the rules need of the member, read out where it is kept: lent to the checks themselves,
    // which the compiler cannot see through, the member was copied whole (its texts counted up and
    // down). Its teams only when the record names none (see `coordinatorCoversMember`).
    let member = state.members.read(entry.member) { member in
      (left: member.left, joined: member.registration.joined, teams: entry.team == nil ? member.teams : [])
    }
    guard let member else { throw .unknownMember(entry.member) }
    try serviceRecord(entry, left: member.left, joined: member.joined, teams: member.teams, in: state)
    guard entry.minutes.value > 0 else { throw .nonPositiveMinutes(entry.minutes) }
    let cap = LedgerState.withPolicy(on: entry.date, in: state.policies) { $0.dailyCap }
    let already = state.minutesByDay[MemberDay(entry.member, entry.date)] ?? .zero
    guard entry.minutes.value <= cap.value - already.value else {
      throw .dailyCapExceeded(
        member: entry.member, date: entry.date, alreadyRecorded: already, adding: entry.minutes, cap: cap)
    }
    try name(entry.category, field: "category")
    guard (0...Rules.maximumPeopleServed).contains(entry.peopleServed) else {
      throw .invalidField(field: "served", problem: "must be between 0 and \(Rules.maximumPeopleServed)")
    }
    if let place = entry.place { try text(place, field: "place", required: false) }
    if let note = entry.note { try text(note, field: "note", required: false) }
    switch entry.creditTo {
    case .member(let id):
      guard id == entry.member else { throw .creditToOtherMember(record: "new", account: entry.creditTo) }
    case .card(let id):
      guard state.cards[id] != nil else { throw .unknownCard(id) }
    case .issued, .redeemed:
      throw .systemAccount(entry.creditTo)
    }
    if let replaced = entry.replaces {
      guard let old = state.records[replaced] else { throw .unknownRecord(replaced) }
      guard case .reversed = old.status, old.entry.member == entry.member else {
        throw .replacesUnreversedRecord(replaced)
      }
    }
  }

  /// An active party member, on a date after joining.
  func partyMember(_ id: MemberID, on date: LocalDate, in state: borrowing LedgerState) throws(Rejection)
    -> MemberState
  {
    let member = try activeMember(id, on: date, in: state)
    guard member.registration.isPartyMember else { throw .notAPartyMember(id) }
    return member
  }

  /// Party records are kept by the secretary of the branch, or by a coordinator whose scope covers the
  /// member.
  func partyRecorder(
    for member: MemberID, branch: BranchID?, action: String, in state: borrowing LedgerState
  ) throws(Rejection) {
    let isSecretary = holds(.secretary) { scope in
      scope == .all || (branch.map { scope == .branch($0) } ?? false)
    }
    if isSecretary { return }
    if coordinatorCoversMember(member, in: state) { return }
    throw .notAuthorised(
      actor: actor, action: action, needs: "secretary of the branch, or a coordinator for the member's team")
  }

  /// The checks of `serviceRecord` that read the member, in the order the rules give them; `teams` are
  /// the member's teams when the record names no team.
  private func serviceRecord(
    _ entry: ServiceEntry, left: LocalDate?, joined: LocalDate, teams: Set<TeamID>, in state: borrowing LedgerState
  ) throws(Rejection) {
    var isInTeam = true
    if let team = entry.team {
      guard let inTeam = self.isInTeam(entry.member, team, in: state) else { throw .unknownTeam(team) }
      isInTeam = inTeam
    }
    guard actor.asMember != entry.member else { throw .ownService(member: entry.member, actor: actor) }
    guard coordinatorCovers(entry, memberTeams: entry.team == nil ? teams : []) else {
      let scope = entry.team.map { "team:\($0)" } ?? "one of the member's teams"
      throw .notAuthorised(actor: actor, action: "record service", needs: "coordinator for \(scope)")
    }
    // Someone who left is in no team any more; their service before leaving may still be recorded.
    if let team = entry.team, left == nil, !isInTeam {
      throw .notInTeam(member: entry.member, team: team)
    }
    try notFuture(entry.date, field: "date")
    guard entry.date >= joined else {
      throw .beforeJoined(member: entry.member, date: entry.date, joined: joined)
    }
    if let left = left, entry.date > left { throw .memberLeft(member: entry.member, left: left) }
  }

  func member(_ id: MemberID, in state: borrowing LedgerState) throws(Rejection) -> MemberState {
    guard let member = state.members[id] else { throw .unknownMember(id) }
    return member
  }

  func activeMember(_ id: MemberID, on date: LocalDate, in state: borrowing LedgerState) throws(Rejection)
    -> MemberState
  {
    let member = try self.member(id, in: state)
    if let left = member.left { throw .memberLeft(member: id, left: left) }
    guard date >= member.registration.joined else {
      throw .beforeJoined(member: id, date: date, joined: member.registration.joined)
    }
    return member
  }

  /// Calls `body` with the record `id`, read where it is (not copied), once it is known to be pending.
  func withPendingRecord(
    _ id: RecordID, action: String, in state: borrowing LedgerState,
    _ body: (borrowing RecordState) throws(Rejection) -> Void
  ) throws(Rejection) {
    let found: Void? = try state.records.read(id) { record throws(Rejection) in
      guard record.status == .pending else {
        throw .recordNotPending(record: id, status: record.status.name, action: action)
      }
      try body(record)
    }
    guard found != nil else { throw .unknownRecord(id) }
  }

  func availableReward(_ item: ItemID, in state: borrowing LedgerState) throws(Rejection) -> RewardState {
    guard let reward = state.rewards[item] else { throw .unknownItem(item) }
    guard !reward.isWithdrawn else { throw .rewardWithdrawn(item) }
    return reward
  }

  func accountExists(_ account: AccountID, in state: borrowing LedgerState) throws(Rejection) {
    switch account {
    case .member(let id): if !state.members.contains(id) { throw .unknownMember(id) }
    case .card(let id): if state.cards[id] == nil { throw .unknownCard(id) }
    case .issued, .redeemed: break
    }
  }

  func canSpend(_ account: AccountID, _ points: Points, in state: borrowing LedgerState) throws(Rejection) {
    // Read in place: `accounts[account]`, and so `state.balance(of:)`, would copy the posting lines.
    let balance = state.accounts.read(account) { $0.balance } ?? .zero
    guard balance >= points else {
      throw .insufficientPoints(account: account, balance: balance, needed: points)
    }
  }

  func branchExists(_ branch: BranchID, in state: borrowing LedgerState) throws(Rejection) {
    guard state.branches[branch] != nil else { throw .unknownBranch(branch) }
  }

  func notFuture(_ date: LocalDate, field: String) throws(Rejection) {
    guard date <= today else { throw .futureDate(field: field, date: date, today: today) }
  }

  func identifier(_ text: String, field: String) throws(Rejection) {
    if let problem = IdentifierSyntax.problem(with: text) {
      throw .invalidField(field: field, problem: problem)
    }
  }

  func name(_ text: String, field: String) throws(Rejection) {
    try self.text(text, field: field, required: true, limit: Rules.maximumNameLength)
    // General category Cc is exactly U+0000...U+001F and U+007F...U+009F (a stable Unicode set).
    if text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
      throw .invalidField(field: field, problem: "contains a control character (such as a line break)")
    }
  }

  func text(_ text: String, field: String, required: Bool, limit: Int = Rules.maximumTextLength)
    throws(Rejection)
  {
    if required && Checker.isBlank(text) { throw .invalidField(field: field, problem: "is empty") }
    // Counting characters means finding grapheme clusters; a text of at most `limit` bytes has at most
    // `limit` characters, so most texts need no count.
    if text.utf8.count > limit && text.count > limit {
      throw .invalidField(field: field, problem: "is longer than \(limit) characters")
    }
  }

  /// Whether every character of `text` is whitespace (`Character.isWhitespace`), deciding the common
  /// case from the bytes: a printable ASCII character, or a CJK ideograph (U+4E00...U+9FFF, a lead byte
  /// E4...E9), always begins a character that is not whitespace.
  static func isBlank(_ text: String) -> Bool {
    for byte in text.utf8 where (0x21...0x7E).contains(byte) || (0xE4...0xE9).contains(byte) {
      return false
    }
    return text.allSatisfy(\.isWhitespace)
  }

  func scope(_ scope: RoleScope, for role: Role, in state: borrowing LedgerState) throws(Rejection) {
    switch (role, scope) {
    case (.admin, .all), (.coordinator, .all), (.secretary, .all): break
    case (.coordinator, .team(let team)): if !state.teams.contains(team) { throw .unknownTeam(team) }
    case (.secretary, .branch(let branch)): try branchExists(branch, in: state)
    default: throw .roleScopeInvalid(role: role, scope: scope)
    }
  }

  func notTooLarge(_ points: Points, field: String) throws(Rejection) {
    guard points <= Points.maximum else {
      throw .invalidField(field: field, problem: "must be at most \(Points.maximum) points")
    }
  }

  func policy(_ policy: Policy) throws(Rejection) {
    guard policy.pointsPerHour >= .zero, policy.categoryRates.values.allSatisfy({ $0 >= .zero }) else {
      throw .invalidField(field: "policy", problem: "rates must not be negative")
    }
    guard policy.pointsPerHour <= Points.maximumRate,
      policy.categoryRates.values.allSatisfy({ $0 <= Points.maximumRate })
    else {
      throw .invalidField(
        field: "policy", problem: "rates must be at most \(Points.maximumRate) points an hour")
    }
    for category in policy.categoryRates.keys { try name(category, field: "policy.categoryRates") }
    guard (1...1440).contains(policy.dailyCap.value) else {
      throw .invalidField(field: "policy.dailyCapMinutes", problem: "must be between 1 and 1440")
    }
    guard (0...366 * 24 * 60).contains(policy.partyAnnualTarget.value) else {
      throw .invalidField(
        field: "policy.partyAnnualTargetMinutes", problem: "must be between 0 and a year's minutes")
    }
  }
}

extension LedgerState {
  /// Whether Foundation knows the IANA time zone name.
  public static func isKnownTimeZone(_ name: String) -> Bool { TimeZone(identifier: name) != nil }
}
