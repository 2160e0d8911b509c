import Foundation

/// A registered member as the ledger knows it now.
public struct MemberState: Equatable, Sendable {
  public var registration: MemberRegistration
  public var left: LocalDate?
  public var teams: Set<TeamID> = []
  /// Confirmed (and not reversed) service: the volunteer's permanent record.
  public var confirmedMinutes = Minutes.zero

  public var id: MemberID { registration.member }
  public var name: String { registration.name }
  public var isActive: Bool { left == nil }
}

/// A team and who is in it now.
public struct TeamState: Equatable, Sendable {
  public var name: String
  public var kind: TeamKind
  public var members: Set<MemberID> = []
}

/// A collective card.
public struct CardState: Equatable, Sendable {
  public var name: String
  public var kind: CardKind
  public var holder: String
}

/// Where a service record stands.
public enum RecordStatus: Equatable, Sendable {
  case pending
  case confirmed(points: Points)
  case rejected
  case reversed(points: Points)

  /// The word used in messages and views.
  public var name: String {
    switch self {
    case .pending: "pending"
    case .confirmed: "confirmed"
    case .rejected: "rejected"
    case .reversed: "reversed"
    }
  }
}

/// A service record, who recorded it, and where it stands.
public struct RecordState: Equatable, Sendable {
  public var entry: ServiceEntry
  public var recordedBy: ActorID
  public var status: RecordStatus
  /// Who confirmed or rejected it, and (for a reversal) who reversed it last.
  public var decidedBy: ActorID? = nil
  /// The `seq` of its `service.recorded` line.
  public var seq = 0
  /// Whether it still counts toward the member's daily cap (pending or confirmed).
  public var countsTowardCap: Bool {
    switch status {
    case .pending, .confirmed: true
    case .rejected, .reversed: false
    }
  }
}

/// Where a party activity stands.
public enum ActivityStatus: String, Equatable, Sendable {
  case pending, confirmed, rejected
}

/// A party member's activity, who recorded and who decided on it.
public struct ActivityState: Equatable, Sendable {
  public var activity: PartyActivity
  public var recordedBy: ActorID
  public var status: ActivityStatus = .pending
  public var decidedBy: ActorID? = nil
  /// The `seq` of its `party.activity.recorded` line.
  public var seq = 0
}

/// A party member's check-in, who recorded it, and its `seq`.
public struct CheckInState: Equatable, Sendable {
  public var checkIn: PartyCheckIn
  public var recordedBy: ActorID
  public var seq: Int
  /// The id of its `party.reported` line.
  public var id = ""
}

/// A reward in the catalogue and its stock now.
public struct RewardState: Equatable, Sendable {
  public var listing: RewardListing
  public var stock: Int
  public var isWithdrawn = false
}

/// A redemption and whether it was cancelled.
public struct RedemptionState: Equatable, Sendable {
  public var account: AccountID
  public var item: ItemID
  public var quantity: Int
  public var points: Points
  public var isCancelled = false
}

/// An account's movements so far, split the way a volunteer reads them.
public struct AccountTotals: Equatable, Sendable {
  /// Points for confirmed service, less reversals.
  public var earned = Points.zero
  public var received = Points.zero
  public var sent = Points.zero
  /// Points spent on rewards, less cancelled redemptions.
  public var redeemed = Points.zero

  /// The `seq` of every line that moved this account's points, in log order, so a statement reads just
  /// those lines. Kept for members' and cards' accounts; the system accounts `@issued` and `@redeemed`,
  /// which nearly every line moves, leave it empty.
  public var postingSeqs: [Int] = []

  public var balance: Points { earned + received - sent - redeemed }

  /// A column of the totals.
  enum Column { case earned, received, sent, redeemed }

  /// Adds `points` to `column`, and the line `seq` to the posting lines when given.
  /// - Returns: the balance before and after.
  @discardableResult
  mutating func book(_ points: Points, in column: Column, seq: Int?) -> (before: Points, after: Points) {
    let before = balance
    switch column {
    case .earned: earned += points
    case .received: received += points
    case .sent: sent += points
    case .redeemed: redeemed += points
    }
    if let seq { postingSeqs.append(seq) }
    return (before, balance)
  }
}

/// Why points move.
public enum PostingKind: String, Equatable, Sendable {
  case service, reversal, transfer, redemption, refund
}

/// One movement of points from one account to another: a double-entry posting.
public struct Transfer: Equatable, Sendable {
  public var from: AccountID
  public var to: AccountID
  public var points: Points
  public var kind: PostingKind
}

/// A member and a service date: the key of the minutes recorded that day, for the daily cap.
public struct MemberDay: Hashable, Sendable {
  public var member: MemberID
  public var date: LocalDate

  public init(_ member: MemberID, _ date: LocalDate) {
    self.member = member
    self.date = date
  }
}

/// The whole ledger as of some `seq`: a pure fold over the log's events, used by every rule and view.
public struct LedgerState: Equatable, Sendable {
  public var community = ""
  public var timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone.gmt
  public var timeZoneName = "Asia/Shanghai"
  /// The opening policy, then each change, in log order.
  public var policies: [PolicyPeriod] = []
  public var roles: [ActorID: Set<RoleGrant>] = [:]
  public var members = StoredTable<MemberID, MemberState>()
  public var teams = StoredTable<TeamID, TeamState>()
  public var branches: [BranchID: String] = [:]
  public var cards: [CardID: CardState] = [:]
  public var records = StoredTable<RecordID, RecordState>()
  public var rewards: [ItemID: RewardState] = [:]
  public var redemptions = StoredTable<RedemptionID, RedemptionState>()
  public var accounts = StoredTable<AccountID, AccountTotals>()
  /// Party members' check-ins (双报到), in log order.
  public var checkIns: [MemberID: [CheckInState]] = [:]
  public var activities: [ActivityID: ActivityState] = [:]
  /// Minutes recorded per member per service date, for the daily cap (pending and confirmed only).
  public var minutesByDay = StoredTable<MemberDay, Minutes>()
  /// Every event id so far and its `seq`.
  public var ids = StoredTable<String, Int>()
  /// Points that pending records would earn, per account they credit, under the policies now (kept as
  /// events arrive, and worked out again when the policy changes).
  public internal(set) var pendingPoints = StoredTable<AccountID, Points>()
  public var lastSeq = 0
  public var headHash = LogLine.genesisHash

  public init() {}

  /// The state after replaying `records` in order.
  /// - Complexity: O(n) in the number of records.
  public init(replaying records: some Sequence<EventRecord>) {
    self.init()
    for record in records { apply(record) }
  }

  /// Makes room, before a replay from the first line, for the entries a log of `length` bytes may
  /// hold, so that the large tables do not copy themselves again and again as they grow (at a million
  /// lines, regrowing the records alone moved about 70 MB into freshly faulted pages). The guesses are
  /// generous: reserved room takes memory only once it is filled.
  mutating func reserveRoom(forLogLength length: Int) {
    // Lines are a few hundred bytes. These are guesses, not limits: service records and the days they
    // fall on are at most half of the lines in a usual mix, redemptions fewer; a table that outgrows
    // its room grows as before.
    let lines = min(length / 300, 1 << 24)
    records.reserveRoom(for: lines / 2)
    minutesByDay.reserveRoom(for: lines / 2)
    redemptions.reserveRoom(for: lines / 4)
  }

  // MARK: Reading

  /// The policy that applies to service on `date`: the change with the latest effective date on or
  /// before it (of two with the same date, the later in the log), else the opening policy.
  /// - Complexity: O(p) in the number of policy changes.
  public func policy(on date: LocalDate) -> Policy { Self.withPolicy(on: date, in: policies) { $0 } }

  /// What `body` reads from the policy for `date`, lent where it is: the fold and the rules ask for a
  /// rate or the daily cap on nearly every line, and a copy of the policy counts its rates up and down.
  static func withPolicy<Result>(
    on date: LocalDate, in policies: [PolicyPeriod], _ body: (borrowing Policy) -> Result
  ) -> Result {
    policies.withUnsafeBufferPointer { periods in
      guard !periods.isEmpty else { return body(Policy()) }
      var chosen = 0
      var latest: LocalDate?
      for index in periods.indices.dropFirst() {
        guard let effective = periods[index].effective, effective <= date else { continue }
        if let current = latest, effective < current { continue }
        latest = effective
        chosen = index
      }
      return body(periods[chosen].policy)
    }
  }

  /// The policy in force now (the latest change, whatever its date).
  public var currentPolicy: Policy { policies.last?.policy ?? Policy() }

  /// The balance of an account (zero for one never used).
  public func balance(of account: AccountID) -> Points { accounts[account]?.balance ?? .zero }

  /// Whether an account exists: a registered member, an opened card, or a system account.
  @inline(__always)
  public func exists(_ account: AccountID) -> Bool {
    switch account {
    case .member(let id): members[id] != nil
    case .card(let id): cards[id] != nil
    case .issued, .redeemed: true
    }
  }

  /// Whether `actor` holds `role` in a scope accepted by `covers`.
  @inline(__always)
  public func holds(_ actor: ActorID, _ role: Role, where covers: (RoleScope) -> Bool = { _ in true }) -> Bool
  {
    roles[actor]?.contains { $0.role == role && covers($0.scope) } ?? false
  }

  /// The calendar date of an instant in the ledger's time zone.
  public func localDate(of instant: Timestamp) -> LocalDate { Self.localDate(of: instant, in: timeZone) }

  /// The calendar date of an instant in `zone`.
  static func localDate(of instant: Timestamp, in zone: TimeZone) -> LocalDate {
    inZone(instant, zone).localDate
  }

  /// The local dates of instants in one zone, remembering the zone's UTC offset from the last instant
  /// it was asked about up to the zone's next transition (of daylight saving time or of its standard
  /// offset: `nextDaylightSavingTimeTransition(after:)` gives both), so that a replay, whose instants
  /// mostly move forward, asks the zone (ICU, behind a lock) once per transition, not once per line.
  struct LocalDateCache {
    private var zoneName = ""
    private var validFrom = Int64.max
    private var validUntil = Int64.min
    private var offset = 0

    /// `LedgerState.localDate(of:in:)`, for the zone `zone` whose identifier is `name`.
    mutating func localDate(of instant: Timestamp, in zone: TimeZone, named name: String) -> LocalDate {
      let seconds = instant.secondsSinceEpoch
      if seconds < validFrom || seconds >= validUntil || name != zoneName {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        zoneName = name
        offset = zone.secondsFromGMT(for: date)
        validFrom = seconds
        let next = zone.nextDaylightSavingTimeTransition(after: date)
        validUntil = max(seconds + 1, next.map { Int64($0.timeIntervalSince1970.rounded(.down)) } ?? .max)
      }
      return instant.atOffset(offset).localDate
    }
  }

  /// The instant written at the ledger's UTC offset for that moment.
  public func inLedgerZone(_ instant: Timestamp) -> Timestamp { Self.inZone(instant, timeZone) }

  /// The instant written at `zone`'s UTC offset for that moment.
  private static func inZone(_ instant: Timestamp, _ zone: TimeZone) -> Timestamp {
    let date = Date(timeIntervalSince1970: TimeInterval(instant.secondsSinceEpoch))
    return instant.atOffset(zone.secondsFromGMT(for: date))
  }

  /// Points that pending records of `account` would earn under the policy for their dates.
  public func pendingPoints(of account: AccountID) -> Points { pendingPoints[account] ?? .zero }

  /// Points that pending records would earn, for every account they credit.
  public func pendingPointsByAccount() -> [AccountID: Points] { pendingPoints.dictionary }

  /// Works out what a replay from the first line with `keepingTotals: false` left alone (see
  /// `apply`): the points pending records would earn, per account, and each member's confirmed
  /// minutes, from the records, in one pass over them where they are kept.
  /// - Complexity: O(r) in the number of records.
  mutating func settleTotals() {
    var pending = StoredTable<AccountID, Points>()
    var minutes = StoredTable<MemberID, Minutes>()
    let policies = self.policies
    records.forEachValue { record in
      Self.countPending(record, in: &pending, policies: policies)
      if case .confirmed = record.status { minutes[record.entry.member, default: .zero] += record.entry.minutes }
    }
    pendingPoints = pending
    minutes.forEachEntry { member, total in members.modify(member) { $0.confirmedMinutes = total } }
  }

  /// Points that pending records would earn, worked out from every record (after a policy change).
  ///
  /// Like the running count, it has an entry for every account a record credits, zero once all of
  /// that account's records are decided, so the two give equal states.
  /// - Complexity: O(r) in the number of records.
  func computedPendingPoints() -> StoredTable<AccountID, Points> {
    var pending = StoredTable<AccountID, Points>()
    let policies = self.policies
    records.forEachValue { Self.countPending($0, in: &pending, policies: policies) }
    return pending
  }

  /// Adds what `record` would earn, if pending, to its account's entry in `pending` (made if missing).
  private static func countPending(
    _ record: borrowing RecordState, in pending: inout StoredTable<AccountID, Points>, policies: [PolicyPeriod]
  ) {
    let points = record.status == .pending ? pointsIfConfirmed(record.entry, policies: policies) : .zero
    pending[record.entry.creditTo, default: .zero] += points
  }

  /// What confirming a service entry would earn under the policy for its date.
  private func pointsIfConfirmed(_ entry: ServiceEntry) -> Points { Self.pointsIfConfirmed(entry, policies: policies) }

  private static func pointsIfConfirmed(_ entry: borrowing ServiceEntry, policies: [PolicyPeriod]) -> Points {
    withPolicy(on: entry.date, in: policies) { $0.points(for: entry.minutes, category: entry.category) }
  }

  /// Moves the pending points of `entry`'s account by `sign` times what it would earn.
  private mutating func countPending(_ entry: ServiceEntry, _ sign: Int64) {
    let points = pointsIfConfirmed(entry)
    pendingPoints[entry.creditTo, default: .zero] += Points(hundredths: sign * points.hundredths)
  }

  /// The points movements an event makes, worked out from the state before it.
  public func transfers(for event: Event) -> [Transfer] {
    transfer(for: event).map { [$0] } ?? []
  }

  /// The movement a line made, worked out from the state after it (or any later state): what a
  /// statement needs to read lines on their own. Unlike `transfer(for:)`, which asks the state before
  /// the event, a reversal and a cancelled redemption are found in their settled form.
  public func settledTransfer(for event: Event) -> Transfer? {
    switch event {
    case .serviceReversed(let id, _):
      guard let record = records[id], case .reversed(let points) = record.status else { return nil }
      return Transfer(from: record.entry.creditTo, to: .issued, points: points, kind: .reversal)
    case .redemptionCancelled(let id, _):
      guard let redemption = redemptions[id], redemption.isCancelled else { return nil }
      return Transfer(from: .redeemed, to: redemption.account, points: redemption.points, kind: .refund)
    default:
      return transfer(for: event)
    }
  }

  /// The one points movement an event makes, if any (no event makes more than one).
  public func transfer(for event: Event) -> Transfer? {
    switch event {
    case .serviceConfirmed(let id, let points):
      // Two fields read in place, not the whole record copied out.
      guard let creditTo = records.read(id, { $0.entry.creditTo }) else { return nil }
      return Transfer(from: .issued, to: creditTo, points: points, kind: .service)
    case .serviceReversed(let id, _):
      let confirmed = records.read(id) { record -> (AccountID, Points)? in
        guard case .confirmed(let points) = record.status else { return nil }
        return (record.entry.creditTo, points)
      }
      guard let (creditTo, points) = confirmed ?? nil else { return nil }
      return Transfer(from: creditTo, to: .issued, points: points, kind: .reversal)
    case .pointsTransferred(let from, let to, let points, _):
      return Transfer(from: from, to: to, points: points, kind: .transfer)
    case .rewardRedeemed(let account, _, _, let points):
      return Transfer(from: account, to: .redeemed, points: points, kind: .redemption)
    case .redemptionCancelled(let id, _):
      guard let redemption = redemptions[id], !redemption.isCancelled else { return nil }
      return Transfer(from: .redeemed, to: redemption.account, points: redemption.points, kind: .refund)
    default:
      return nil
    }
  }

  /// Reads the index slots of the large tables (records, minutes per member and day, redemptions)
  /// that each of `lines` will be looked up in first, and returns what they hold, summed (see
  /// `DenseTable.readSlots(_:)`): the keys are hashed first, then the slots read in three short loops.
  static func readSlots(of lines: UnsafeBufferPointer<EventRecord>, in state: borrowing LedgerState) -> UInt64 {
    guard let base = lines.baseAddress else { return 0 }
    return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 3 * lines.count) { hashes in
      var records = 0
      var redemptions = lines.count
      var days = 2 * lines.count
      for offset in 0..<lines.count {
        let line = base + offset
        switch line.pointee.event {
        case .serviceRecorded(let entry):
          hashes[records] = StoredTable<RecordID, RecordState>.slotHash(of: RecordID(line.pointee.id))
          records += 1
          hashes[days] = StoredTable<MemberDay, Minutes>.slotHash(of: MemberDay(entry.member, entry.date))
          days += 1
        case .serviceConfirmed(let id, _), .serviceRejected(let id, _), .serviceReversed(let id, _):
          hashes[records] = StoredTable<RecordID, RecordState>.slotHash(of: id)
          records += 1
        case .rewardRedeemed:
          hashes[redemptions] = StoredTable<RedemptionID, RedemptionState>.slotHash(
            of: RedemptionID(line.pointee.id))
          redemptions += 1
        case .redemptionCancelled(let id, _):
          hashes[redemptions] = StoredTable<RedemptionID, RedemptionState>.slotHash(of: id)
          redemptions += 1
        default:
          break
        }
      }
      let all = UnsafeBufferPointer(hashes)
      return state.records.readSlots(UnsafeBufferPointer(rebasing: all[0..<records]))
        &+ state.redemptions.readSlots(UnsafeBufferPointer(rebasing: all[lines.count..<redemptions]))
        &+ state.minutesByDay.readSlots(UnsafeBufferPointer(rebasing: all[(2 * lines.count)..<days]))
    }
  }

  // MARK: The fold

  /// Applies one event of the log. Trusts the event: `Rules` decides whether it may happen.
  public mutating func apply(_ record: EventRecord) {
    apply(record, transfer: transfer(for: record.event), recordingID: true)
  }

  /// The balances of the two accounts a transfer moved, before and after it.
  struct PostedBalances {
    var before: (from: Points, to: Points)
    var after: (from: Points, to: Points)
  }

  /// Applies one event whose movement the caller has already worked out with `transfer(for:)`.
  ///
  /// - Parameter recordingID: false when the caller keeps the ids itself (a replay from `LogStream`,
  ///   whose chain check already holds every id, hands them over: one dictionary of ids instead of two).
  /// - Returns: the balances the transfer moved, so the auditor need not look them up again.
  @discardableResult
  /// - Parameter keepingHead: false when the caller sets `headHash` itself after a batch of lines (the
  ///   auditor): a line's hash was made on another core, and counting a reference to it on every line
  ///   waited for that core's cache.
  /// - Parameter keepingPostings: false to leave the accounts' `postingSeqs` as they are (the auditor,
  ///   whose state no statement reads: 8 MB and one array per account touched on every posting).
  /// - Parameter keepingTotals: false to leave `pendingPoints` and the members' `confirmedMinutes` as
  ///   they are, for a replay from the first line that calls `settleTotals()` at its end (the auditor:
  ///   no rule reads them, and keeping them cost two more lookups and a policy rate on most lines).
  mutating func apply(
    _ record: borrowing EventRecord, transfer: Transfer?, recordingID: Bool, keepingHead: Bool = true,
    keepingPostings: Bool = true, keepingTotals: Bool = true
  ) -> PostedBalances? {
    let posted = transfer.map { post($0, seq: keepingPostings ? record.seq : nil) }
    switch record.event {
    case .ledgerOpened(let community, let zoneName, let policy):
      self.community = community
      timeZoneName = zoneName
      if let zone = TimeZone(identifier: zoneName) { timeZone = zone }
      policies = [PolicyPeriod(effective: nil, policy: policy)]
      roles[record.actor, default: []].insert(RoleGrant(role: .admin, scope: .all))
    case .policyChanged(let effective, let policy):
      policies.append(PolicyPeriod(effective: effective, policy: policy))
      if keepingTotals { pendingPoints = computedPendingPoints() }
    case .roleGranted(let actor, let role, let scope):
      roles[actor, default: []].insert(RoleGrant(role: role, scope: scope))
    case .roleRevoked(let actor, let role, let scope):
      roles[actor]?.remove(RoleGrant(role: role, scope: scope))
    case .memberRegistered(let registration):
      members[registration.member] = MemberState(registration: registration)
    case .memberChanged(let change):
      if let name = change.name { members[change.member]?.registration.name = name }
      if let party = change.isPartyMember { members[change.member]?.registration.isPartyMember = party }
      if let branch = change.branch { members[change.member]?.registration.branch = branch }
    case .memberLeft(let member, let date):
      members[member]?.left = date
      // Someone who left the community is no longer in its teams.
      for team in members[member]?.teams ?? [] { teams[team]?.members.remove(member) }
      members[member]?.teams = []
    case .teamCreated(let team, let name, let kind):
      teams[team] = TeamState(name: name, kind: kind)
    case .teamJoined(let team, let member, _):
      teams[team]?.members.insert(member)
      members[member]?.teams.insert(team)
    case .teamLeft(let team, let member, _):
      teams[team]?.members.remove(member)
      members[member]?.teams.remove(team)
    case .branchCreated(let branch, let name):
      branches[branch] = name
    case .cardOpened(let card, let name, let kind, let holder):
      cards[card] = CardState(name: name, kind: kind, holder: holder)
    case .serviceRecorded(let entry):
      // Moved in (through the optional subscript's setter, the record was copied once more).
      records.updateValue(
        RecordState(entry: entry, recordedBy: record.actor, status: .pending, seq: record.seq),
        forKey: RecordID(record.id))
      minutesByDay[MemberDay(entry.member, entry.date), default: .zero] += entry.minutes
      if keepingTotals { countPending(entry, 1) }
    case .serviceConfirmed(let id, let points):
      // The record changes in place (one lookup, no copy of it back and forth); what else moves with
      // it is worked out from what the change returns: the fields needed, not the entry (a copy of
      // it, or of the line the closure would otherwise capture, counts every text up and down).
      let actor = record.actor
      guard keepingTotals else {
        records.modify(id) { stored in
          stored.status = .confirmed(points: points)
          stored.decidedBy = actor
        }
        break
      }
      let policies = self.policies
      let decided = records.modify(id) { stored in
        defer {
          stored.status = .confirmed(points: points)
          stored.decidedBy = actor
        }
        let pending = stored.status == .pending ? Self.pointsIfConfirmed(stored.entry, policies: policies) : nil
        return (member: stored.entry.member, minutes: stored.entry.minutes, creditTo: stored.entry.creditTo, pending: pending)
      }
      if let decided {
        if let pending = decided.pending {
          pendingPoints[decided.creditTo, default: .zero] -= pending
        }
        // `modify`, not `members[id]?.…`: the optional subscript moves the member out and back.
        members.modify(decided.member) { $0.confirmedMinutes += decided.minutes }
      }
    case .serviceRejected(let id, _):
      let actor = record.actor
      let decided = records.modify(id) { stored in
        defer {
          stored.status = .rejected
          stored.decidedBy = actor
        }
        return (entry: stored.entry, wasPending: stored.status == .pending)
      }
      if let decided {
        if decided.wasPending && keepingTotals { countPending(decided.entry, -1) }
        let day = MemberDay(decided.entry.member, decided.entry.date)
        minutesByDay.modify(day) { $0 -= decided.entry.minutes }
      }
    case .serviceReversed(let id, _):
      let actor = record.actor
      let reversed = records.modify(id) { stored -> ServiceEntry? in
        guard case .confirmed(let points) = stored.status else { return nil }
        stored.status = .reversed(points: points)
        stored.decidedBy = actor
        return stored.entry
      }
      if let entry = reversed ?? nil {
        if keepingTotals { members.modify(entry.member) { $0.confirmedMinutes -= entry.minutes } }
        minutesByDay.modify(MemberDay(entry.member, entry.date)) { $0 -= entry.minutes }
      }
    case .pointsTransferred:
      break
    case .rewardListed(let listing):
      rewards[listing.item] = RewardState(listing: listing, stock: listing.stock)
    case .rewardRestocked(let item, let quantity):
      rewards[item]?.stock += quantity
    case .rewardWithdrawn(let item, _):
      rewards[item]?.isWithdrawn = true
    case .rewardRedeemed(let account, let item, let quantity, let points):
      rewards[item]?.stock -= quantity
      redemptions[RedemptionID(record.id)] = RedemptionState(
        account: account, item: item, quantity: quantity, points: points)
    case .redemptionCancelled(let id, _):
      let cancelled = redemptions.modify(id) { redemption -> (item: ItemID, quantity: Int)? in
        guard !redemption.isCancelled else { return nil }
        redemption.isCancelled = true
        return (redemption.item, redemption.quantity)
      }
      if let (item, quantity) = cancelled ?? nil { rewards[item]?.stock += quantity }
    case .partyReported(let checkIn):
      checkIns[checkIn.member, default: []].append(
        CheckInState(checkIn: checkIn, recordedBy: record.actor, seq: record.seq, id: record.id))
    case .partyActivityRecorded(let activity):
      activities[ActivityID(record.id)] = ActivityState(
        activity: activity, recordedBy: record.actor, seq: record.seq)
    case .partyActivityConfirmed(let id):
      activities[id]?.status = .confirmed
      activities[id]?.decidedBy = record.actor
    case .partyActivityRejected(let id, _):
      activities[id]?.status = .rejected
      activities[id]?.decidedBy = record.actor
    }
    if recordingID { ids[record.id] = record.seq }
    lastSeq = record.seq
    if keepingHead { headHash = record.hash }
    return posted
  }

  /// - Parameter seq: the line, added to the posting lines of members' and cards' accounts; nil to add
  ///   none.
  private mutating func post(_ transfer: Transfer, seq: Int?) -> PostedBalances {
    let from: AccountTotals.Column
    let to: AccountTotals.Column
    var points = transfer.points
    switch transfer.kind {
    case .service: (from, to) = (.sent, .earned)
    case .transfer: (from, to) = (.sent, .received)
    case .redemption: (from, to) = (.redeemed, .received)
    case .reversal:
      (from, to) = (.earned, .sent)
      points = .zero - points
    case .refund:
      (from, to) = (.received, .redeemed)
      points = .zero - points
    }
    // One access to each account: its column and its posting lines (kept for members and cards only).
    let fromBalance = accounts[transfer.from, default: AccountTotals()].book(
      points, in: from, seq: transfer.from.isSystem ? nil : seq)
    let isSameAccount = transfer.to == transfer.from
    let toBalance = accounts[transfer.to, default: AccountTotals()].book(
      points, in: to, seq: transfer.to.isSystem || isSameAccount ? nil : seq)
    if isSameAccount {
      return PostedBalances(before: (fromBalance.before, fromBalance.before), after: (toBalance.after, toBalance.after))
    }
    return PostedBalances(before: (fromBalance.before, toBalance.before), after: (fromBalance.after, toBalance.after))
  }

}
