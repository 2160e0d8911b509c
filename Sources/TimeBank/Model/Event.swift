/// The kind of a team: a volunteer service team (志愿服务队) or a self-organised group (自组织).
public enum TeamKind: String, Hashable, Sendable, CaseIterable {
  case serviceTeam = "service-team"
  case selfOrganised = "self-org"
}

/// The kind of a collective card.
public enum CardKind: String, Hashable, Sendable, CaseIterable {
  /// 单位党组织储蓄卡
  case partyOrganisation = "party-org"
  /// 企业卡
  case enterprise
  /// 院落集体卡
  case courtyard
}

/// The kind of a reward: goods (实物) or a service (服务).
public enum RewardKind: String, Hashable, Sendable, CaseIterable {
  case goods
  case service
}

/// The kinds of party-member activity a branch secretary confirms.
public enum PartyActivityKind: String, Hashable, Sendable, CaseIterable {
  /// 交纳党费
  case dues
  /// 奉献爱心
  case donation
  /// 组织生活
  case meeting
  /// 认领微心愿
  case wish
  /// 学习
  case study
}

/// A party member reporting to the community (在职党员回社区报到, 双报到).
public struct PartyCheckIn: Equatable, Sendable {
  public var member: MemberID
  /// The community party branch the member reports to.
  public var branch: BranchID
  /// The member's own workplace party organisation, which receives the quarterly service card.
  public var workplace: String
  public var date: LocalDate

  public init(member: MemberID, branch: BranchID, workplace: String, date: LocalDate) {
    self.member = member
    self.branch = branch
    self.workplace = workplace
    self.date = date
  }
}

/// A party member's activity, as recorded (not yet confirmed).
public struct PartyActivity: Equatable, Sendable {
  public var member: MemberID
  public var kind: PartyActivityKind
  public var date: LocalDate
  public var note: String?

  public init(member: MemberID, kind: PartyActivityKind, date: LocalDate, note: String? = nil) {
    self.member = member
    self.kind = kind
    self.date = date
    self.note = note
  }
}

/// A party member's activity; it is the id of its `party.activity.recorded` event.
public struct ActivityID: StringIdentifier {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A member's registration, as recorded.
public struct MemberRegistration: Equatable, Sendable {
  public var member: MemberID
  public var name: String
  public var isPartyMember: Bool
  public var branch: BranchID?
  public var joined: LocalDate

  public init(member: MemberID, name: String, isPartyMember: Bool, branch: BranchID?, joined: LocalDate) {
    self.member = member
    self.name = name
    self.isPartyMember = isPartyMember
    self.branch = branch
    self.joined = joined
  }
}

/// The fields of a member that `member.changed` may change; nil means unchanged.
public struct MemberChange: Equatable, Sendable {
  public var member: MemberID
  public var name: String?
  public var isPartyMember: Bool?
  public var branch: BranchID?

  public init(member: MemberID, name: String? = nil, isPartyMember: Bool? = nil, branch: BranchID? = nil) {
    self.member = member
    self.name = name
    self.isPartyMember = isPartyMember
    self.branch = branch
  }
}

/// Service given by a member, as recorded (not yet confirmed).
///
/// The ledger keeps one per service record, hundreds of thousands in a large log, so the fields are
/// laid out to leave no padding and the two that are seldom set (`note`, `replaces`) share one
/// reference, nil when neither is: 112 bytes instead of 144.
public struct ServiceEntry: Equatable, Sendable {
  public var member: MemberID
  public var minutes: Minutes
  public var category: String
  public var team: TeamID?
  public var peopleServed: Int
  public var place: String?
  /// The note and the record replaced, when either is set.
  private var seldom: Seldom?
  /// The account the points go to: the member's own, or a card.
  public var creditTo: AccountID
  public var date: LocalDate

  public var note: String? {
    get { seldom?.note }
    set { seldom = Seldom.make(note: newValue, replaces: replaces) }
  }

  /// The record this one corrects, when a reversed record is recorded anew.
  public var replaces: RecordID? {
    get { seldom?.replaces }
    set { seldom = Seldom.make(note: note, replaces: newValue) }
  }

  /// `note` and `replaces`, never both nil (that is a nil `seldom`), and never changed once made.
  private final class Seldom: Equatable, Sendable {
    let note: String?
    let replaces: RecordID?

    private init(note: String?, replaces: RecordID?) {
      self.note = note
      self.replaces = replaces
    }

    static func make(note: String?, replaces: RecordID?) -> Seldom? {
      note == nil && replaces == nil ? nil : Seldom(note: note, replaces: replaces)
    }

    static func == (lhs: Seldom, rhs: Seldom) -> Bool { lhs.note == rhs.note && lhs.replaces == rhs.replaces }
  }

  public init(
    member: MemberID, date: LocalDate, minutes: Minutes, category: String, team: TeamID? = nil,
    peopleServed: Int = 0, place: String? = nil, creditTo: AccountID? = nil, note: String? = nil,
    replaces: RecordID? = nil
  ) {
    self.member = member
    self.date = date
    self.minutes = minutes
    self.category = category
    self.team = team
    self.peopleServed = peopleServed
    self.place = place
    self.creditTo = creditTo ?? .member(member)
    seldom = Seldom.make(note: note, replaces: replaces)
  }
}

/// A reward offered in the catalogue.
public struct RewardListing: Equatable, Sendable {
  public var item: ItemID
  public var name: String
  public var kind: RewardKind
  public var price: Points
  public var stock: Int

  public init(item: ItemID, name: String, kind: RewardKind, price: Points, stock: Int) {
    self.item = item
    self.name = name
    self.kind = kind
    self.price = price
    self.stock = stock
  }
}

/// Everything that can happen in a time bank; one case per event type of the log.
public enum Event: Equatable, Sendable {
  case ledgerOpened(community: String, timeZone: String, policy: Policy)
  case policyChanged(effective: LocalDate, policy: Policy)
  case roleGranted(actor: ActorID, role: Role, scope: RoleScope)
  case roleRevoked(actor: ActorID, role: Role, scope: RoleScope)
  case memberRegistered(MemberRegistration)
  case memberChanged(MemberChange)
  case memberLeft(member: MemberID, date: LocalDate)
  case teamCreated(team: TeamID, name: String, kind: TeamKind)
  case teamJoined(team: TeamID, member: MemberID, date: LocalDate)
  case teamLeft(team: TeamID, member: MemberID, date: LocalDate)
  case branchCreated(branch: BranchID, name: String)
  case cardOpened(card: CardID, name: String, kind: CardKind, holder: String)
  case serviceRecorded(ServiceEntry)
  /// `points` is computed from the policy when the record is confirmed, and stored.
  case serviceConfirmed(record: RecordID, points: Points)
  case serviceRejected(record: RecordID, reason: String)
  case serviceReversed(record: RecordID, reason: String)
  case pointsTransferred(from: AccountID, to: AccountID, points: Points, memo: String?)
  case rewardListed(RewardListing)
  case rewardRestocked(item: ItemID, quantity: Int)
  case rewardWithdrawn(item: ItemID, reason: String?)
  /// `points` is the price times the quantity at the moment of redemption, stored.
  case rewardRedeemed(account: AccountID, item: ItemID, quantity: Int, points: Points)
  case redemptionCancelled(redemption: RedemptionID, reason: String)
  case partyReported(PartyCheckIn)
  case partyActivityRecorded(PartyActivity)
  case partyActivityConfirmed(activity: ActivityID)
  case partyActivityRejected(activity: ActivityID, reason: String)
}

/// One line of the log: an event and its envelope.
public struct EventRecord: Equatable, Sendable {
  /// 1, 2, 3, ... with no gaps.
  public var seq: Int
  /// The idempotency key, unique in the whole log.
  public var id: String
  public var at: Timestamp
  public var actor: ActorID
  public var event: Event
  /// The previous line's hash (64 zeros for `seq` 1).
  public var prev: String
  public var hash: String

  public init(
    seq: Int, id: String, at: Timestamp, actor: ActorID, event: Event, prev: String, hash: String
  ) {
    self.seq = seq
    self.id = id
    self.at = at
    self.actor = actor
    self.event = event
    self.prev = prev
    self.hash = hash
  }
}
