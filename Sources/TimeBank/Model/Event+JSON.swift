/// Why an event's `type` or `data` could not be read.
public struct EventDecodingError: Error, Equatable, Sendable {
  /// The member of `data` at fault, or `type`.
  public var field: String
  public var problem: String

  public init(field: String, problem: String) {
    self.field = field
    self.problem = problem
  }
}

extension Event {
  /// Every event type name, in catalogue order.
  public static let typeNames = [
    "ledger.opened", "policy.changed", "role.granted", "role.revoked", "member.registered",
    "member.changed", "member.left", "team.created", "team.joined", "team.left", "branch.created",
    "card.opened", "service.recorded", "service.confirmed", "service.rejected", "service.reversed",
    "points.transferred", "reward.listed", "reward.restocked", "reward.withdrawn", "reward.redeemed",
    "redemption.cancelled", "party.reported", "party.activity.recorded", "party.activity.confirmed",
    "party.activity.rejected",
  ]

  /// The dotted type name written in the log.
  public var typeName: String {
    switch self {
    case .ledgerOpened: "ledger.opened"
    case .policyChanged: "policy.changed"
    case .roleGranted: "role.granted"
    case .roleRevoked: "role.revoked"
    case .memberRegistered: "member.registered"
    case .memberChanged: "member.changed"
    case .memberLeft: "member.left"
    case .teamCreated: "team.created"
    case .teamJoined: "team.joined"
    case .teamLeft: "team.left"
    case .branchCreated: "branch.created"
    case .cardOpened: "card.opened"
    case .serviceRecorded: "service.recorded"
    case .serviceConfirmed: "service.confirmed"
    case .serviceRejected: "service.rejected"
    case .serviceReversed: "service.reversed"
    case .pointsTransferred: "points.transferred"
    case .rewardListed: "reward.listed"
    case .rewardRestocked: "reward.restocked"
    case .rewardWithdrawn: "reward.withdrawn"
    case .rewardRedeemed: "reward.redeemed"
    case .redemptionCancelled: "redemption.cancelled"
    case .partyReported: "party.reported"
    case .partyActivityRecorded: "party.activity.recorded"
    case .partyActivityConfirmed: "party.activity.confirmed"
    case .partyActivityRejected: "party.activity.rejected"
    }
  }

  /// Members of `data` that the ledger computes rather than the user gives; an idempotent retry is
  /// compared on everything else.
  public var computedFields: Set<String> {
    switch self {
    case .serviceConfirmed, .rewardRedeemed: ["points"]
    default: []
    }
  }

  /// The event's own fields, in the order they are written.
  public var data: JSONObject {
    var data = JSONObject()
    switch self {
    case .ledgerOpened(let community, let timeZone, let policy):
      data.append("community", .string(community))
      data.append("timeZone", .string(timeZone))
      data.append("policy", .object(policy.json))
    case .policyChanged(let effective, let policy):
      data.append("effective", .string(effective.description))
      data.append("policy", .object(policy.json))
    case .roleGranted(let actor, let role, let scope), .roleRevoked(let actor, let role, let scope):
      data.append("actor", .string(actor.rawValue))
      data.append("role", .string(role.rawValue))
      data.append("scope", .string(scope.description))
    case .memberRegistered(let registration):
      data.append("member", .string(registration.member.rawValue))
      data.append("name", .string(registration.name))
      data.append("party", .bool(registration.isPartyMember))
      data.append("branch", ifPresent: registration.branch.map { .string($0.rawValue) })
      data.append("joined", .string(registration.joined.description))
    case .memberChanged(let change):
      data.append("member", .string(change.member.rawValue))
      data.append("name", ifPresent: change.name.map { .string($0) })
      data.append("party", ifPresent: change.isPartyMember.map { .bool($0) })
      data.append("branch", ifPresent: change.branch.map { .string($0.rawValue) })
    case .memberLeft(let member, let date):
      data.append("member", .string(member.rawValue))
      data.append("date", .string(date.description))
    case .teamCreated(let team, let name, let kind):
      data.append("team", .string(team.rawValue))
      data.append("name", .string(name))
      data.append("kind", .string(kind.rawValue))
    case .teamJoined(let team, let member, let date), .teamLeft(let team, let member, let date):
      data.append("team", .string(team.rawValue))
      data.append("member", .string(member.rawValue))
      data.append("date", .string(date.description))
    case .branchCreated(let branch, let name):
      data.append("branch", .string(branch.rawValue))
      data.append("name", .string(name))
    case .cardOpened(let card, let name, let kind, let holder):
      data.append("card", .string(card.rawValue))
      data.append("name", .string(name))
      data.append("kind", .string(kind.rawValue))
      data.append("holder", .string(holder))
    case .serviceRecorded(let entry):
      data.append("member", .string(entry.member.rawValue))
      data.append("date", .string(entry.date.description))
      data.append("minutes", .integer(Int64(entry.minutes.value)))
      data.append("category", .string(entry.category))
      data.append("team", ifPresent: entry.team.map { .string($0.rawValue) })
      data.append("served", .integer(Int64(entry.peopleServed)))
      data.append("place", ifPresent: entry.place.map { .string($0) })
      data.append("creditTo", .string(entry.creditTo.description))
      data.append("note", ifPresent: entry.note.map { .string($0) })
      data.append("replaces", ifPresent: entry.replaces.map { .string($0.rawValue) })
    case .serviceConfirmed(let record, let points):
      data.append("record", .string(record.rawValue))
      data.append("points", .string(points.description))
    case .serviceRejected(let record, let reason), .serviceReversed(let record, let reason):
      data.append("record", .string(record.rawValue))
      data.append("reason", .string(reason))
    case .pointsTransferred(let from, let to, let points, let memo):
      data.append("from", .string(from.description))
      data.append("to", .string(to.description))
      data.append("points", .string(points.description))
      data.append("memo", ifPresent: memo.map { .string($0) })
    case .rewardListed(let listing):
      data.append("item", .string(listing.item.rawValue))
      data.append("name", .string(listing.name))
      data.append("kind", .string(listing.kind.rawValue))
      data.append("price", .string(listing.price.description))
      data.append("stock", .integer(Int64(listing.stock)))
    case .rewardRestocked(let item, let quantity):
      data.append("item", .string(item.rawValue))
      data.append("quantity", .integer(Int64(quantity)))
    case .rewardWithdrawn(let item, let reason):
      data.append("item", .string(item.rawValue))
      data.append("reason", ifPresent: reason.map { .string($0) })
    case .rewardRedeemed(let account, let item, let quantity, let points):
      data.append("account", .string(account.description))
      data.append("item", .string(item.rawValue))
      data.append("quantity", .integer(Int64(quantity)))
      data.append("points", .string(points.description))
    case .redemptionCancelled(let redemption, let reason):
      data.append("redemption", .string(redemption.rawValue))
      data.append("reason", .string(reason))
    case .partyReported(let checkIn):
      data.append("member", .string(checkIn.member.rawValue))
      data.append("branch", .string(checkIn.branch.rawValue))
      data.append("workplace", .string(checkIn.workplace))
      data.append("date", .string(checkIn.date.description))
    case .partyActivityRecorded(let activity):
      data.append("member", .string(activity.member.rawValue))
      data.append("kind", .string(activity.kind.rawValue))
      data.append("date", .string(activity.date.description))
      data.append("note", ifPresent: activity.note.map { .string($0) })
    case .partyActivityConfirmed(let activity):
      data.append("activity", .string(activity.rawValue))
    case .partyActivityRejected(let activity, let reason):
      data.append("activity", .string(activity.rawValue))
      data.append("reason", .string(reason))
    }
    return data
  }

  /// Reads an event from its type name and `data` object.
  ///
  /// - Throws: `EventDecodingError` naming the field that is missing, of the wrong kind, or unknown.
  public init(typeName: String, data: JSONObject) throws(EventDecodingError) {
    let fields = FieldReader(data)
    // The kinds of nearly every line come first: a switch over strings tries its cases in order.
    switch typeName {
    case "service.recorded":
      let member = MemberID(try fields.string("member"))
      self = .serviceRecorded(
        ServiceEntry(
          member: member, date: try fields.date("date"), minutes: Minutes(try fields.integer("minutes")),
          category: try fields.string("category"), team: try fields.optionalString("team").map(TeamID.init),
          peopleServed: try fields.integer("served"), place: try fields.optionalString("place"),
          creditTo: try fields.account("creditTo"), note: try fields.optionalString("note"),
          replaces: try fields.optionalString("replaces").map(RecordID.init)))
    case "service.confirmed":
      self = .serviceConfirmed(
        record: RecordID(try fields.string("record")), points: try fields.points("points"))
    case "service.rejected", "service.reversed":
      let record = RecordID(try fields.string("record"))
      let reason = try fields.string("reason")
      self =
        typeName == "service.rejected"
        ? .serviceRejected(record: record, reason: reason) : .serviceReversed(record: record, reason: reason)
    case "points.transferred":
      self = .pointsTransferred(
        from: try fields.account("from"), to: try fields.account("to"), points: try fields.points("points"),
        memo: try fields.optionalString("memo"))
    case "reward.redeemed":
      self = .rewardRedeemed(
        account: try fields.account("account"), item: ItemID(try fields.string("item")),
        quantity: try fields.integer("quantity"), points: try fields.points("points"))
    case "ledger.opened":
      self = .ledgerOpened(
        community: try fields.string("community"), timeZone: try fields.string("timeZone"),
        policy: try Policy(json: try fields.object("policy")))
    case "policy.changed":
      self = .policyChanged(
        effective: try fields.date("effective"), policy: try Policy(json: try fields.object("policy")))
    case "role.granted", "role.revoked":
      let actor = ActorID(try fields.string("actor"))
      guard let role = Role(rawValue: try fields.string("role")) else {
        throw EventDecodingError(field: "role", problem: "is not admin, coordinator or secretary")
      }
      guard let scope = RoleScope(try fields.string("scope")) else {
        throw EventDecodingError(field: "scope", problem: "is not all, team:<id> or branch:<id>")
      }
      self =
        typeName == "role.granted"
        ? .roleGranted(actor: actor, role: role, scope: scope)
        : .roleRevoked(actor: actor, role: role, scope: scope)
    case "member.registered":
      self = .memberRegistered(
        MemberRegistration(
          member: MemberID(try fields.string("member")), name: try fields.string("name"),
          isPartyMember: try fields.bool("party"),
          branch: try fields.optionalString("branch").map(BranchID.init),
          joined: try fields.date("joined")))
    case "member.changed":
      self = .memberChanged(
        MemberChange(
          member: MemberID(try fields.string("member")), name: try fields.optionalString("name"),
          isPartyMember: try fields.optionalBool("party"),
          branch: try fields.optionalString("branch").map(BranchID.init)))
    case "member.left":
      self = .memberLeft(member: MemberID(try fields.string("member")), date: try fields.date("date"))
    case "team.created":
      guard let kind = TeamKind(rawValue: try fields.string("kind")) else {
        throw EventDecodingError(field: "kind", problem: "is not service-team or self-org")
      }
      self = .teamCreated(
        team: TeamID(try fields.string("team")), name: try fields.string("name"), kind: kind)
    case "team.joined", "team.left":
      let team = TeamID(try fields.string("team"))
      let member = MemberID(try fields.string("member"))
      let date = try fields.date("date")
      self =
        typeName == "team.joined"
        ? .teamJoined(team: team, member: member, date: date)
        : .teamLeft(team: team, member: member, date: date)
    case "branch.created":
      self = .branchCreated(branch: BranchID(try fields.string("branch")), name: try fields.string("name"))
    case "card.opened":
      guard let kind = CardKind(rawValue: try fields.string("kind")) else {
        throw EventDecodingError(field: "kind", problem: "is not party-org, enterprise or courtyard")
      }
      self = .cardOpened(
        card: CardID(try fields.string("card")), name: try fields.string("name"), kind: kind,
        holder: try fields.string("holder"))
    case "reward.listed":
      guard let kind = RewardKind(rawValue: try fields.string("kind")) else {
        throw EventDecodingError(field: "kind", problem: "is not goods or service")
      }
      self = .rewardListed(
        RewardListing(
          item: ItemID(try fields.string("item")), name: try fields.string("name"), kind: kind,
          price: try fields.points("price"), stock: try fields.integer("stock")))
    case "reward.restocked":
      self = .rewardRestocked(
        item: ItemID(try fields.string("item")), quantity: try fields.integer("quantity"))
    case "reward.withdrawn":
      self = .rewardWithdrawn(
        item: ItemID(try fields.string("item")), reason: try fields.optionalString("reason"))
    case "redemption.cancelled":
      self = .redemptionCancelled(
        redemption: RedemptionID(try fields.string("redemption")), reason: try fields.string("reason"))
    case "party.reported":
      self = .partyReported(
        PartyCheckIn(
          member: MemberID(try fields.string("member")), branch: BranchID(try fields.string("branch")),
          workplace: try fields.string("workplace"), date: try fields.date("date")))
    case "party.activity.recorded":
      guard let kind = PartyActivityKind(rawValue: try fields.string("kind")) else {
        throw EventDecodingError(field: "kind", problem: "is not dues, donation, meeting, wish or study")
      }
      self = .partyActivityRecorded(
        PartyActivity(
          member: MemberID(try fields.string("member")), kind: kind, date: try fields.date("date"),
          note: try fields.optionalString("note")))
    case "party.activity.confirmed":
      self = .partyActivityConfirmed(activity: ActivityID(try fields.string("activity")))
    case "party.activity.rejected":
      self = .partyActivityRejected(
        activity: ActivityID(try fields.string("activity")), reason: try fields.string("reason"))
    default:
      throw EventDecodingError(field: "type", problem: "'\(typeName)' is not an event type")
    }
    try fields.checkNoUnknownMembers()
  }
}

extension Policy {
  /// The policy as written in `ledger.opened` and `policy.changed`; category rates sorted by name.
  public var json: JSONObject {
    var object = JSONObject()
    object.append("pointsPerHour", .string(pointsPerHour.description))
    var rates = JSONObject()
    for category in categoryRates.keys.sorted() {
      rates.append(category, .string(categoryRates[category, default: .zero].description))
    }
    object.append("categoryRates", .object(rates))
    object.append("dailyCapMinutes", .integer(Int64(dailyCap.value)))
    object.append("partyAnnualTargetMinutes", .integer(Int64(partyAnnualTarget.value)))
    return object
  }

  /// Reads a policy written by `json`.
  public init(json: JSONObject) throws(EventDecodingError) {
    let fields = FieldReader(json, prefix: "policy.")
    var rates: [String: Points] = [:]
    for member in try fields.object("categoryRates").members {
      guard case .string(let text) = member.value, let rate = Points(text) else {
        throw EventDecodingError(
          field: "policy.categoryRates.\(member.key)", problem: "is not an amount of points")
      }
      rates[member.key] = rate
    }
    self.init(
      pointsPerHour: try fields.points("pointsPerHour"), categoryRates: rates,
      dailyCap: Minutes(try fields.integer("dailyCapMinutes")),
      partyAnnualTarget: Minutes(try fields.integer("partyAnnualTargetMinutes")))
    try fields.checkNoUnknownMembers()
  }
}

/// Reads typed fields out of a `data` object and remembers which ones it read, so unknown members
/// are reported instead of silently dropped.
final class FieldReader {
  private let object: JSONObject
  private let prefix: String
  /// Which members were read, one bit per index (the first member named by each key asked for); an
  /// event's object has about ten, so a bit set costs less than a list of keys.
  private var readMembers: UInt64 = 0
  /// The keys asked for, kept only for an object too long for `readMembers` (never an event's).
  private var readKeys: [String] = []

  init(_ object: JSONObject, prefix: String = "") {
    self.object = object
    self.prefix = prefix
  }

  private func value(_ key: String) -> JSONValue? {
    let members = object.members
    guard members.count <= 64 else {
      readKeys.append(key)
      return object[key]
    }
    guard let index = members.firstIndex(where: { $0.key == key }) else { return nil }
    readMembers |= 1 << UInt64(index)
    return members[index].value
  }

  private func failure(_ key: String, _ problem: String) -> EventDecodingError {
    EventDecodingError(field: prefix + key, problem: problem)
  }

  func string(_ key: String) throws(EventDecodingError) -> String {
    guard let value = value(key) else { throw failure(key, "is missing") }
    guard case .string(let text) = value else { throw failure(key, "is not a string") }
    return text
  }

  func optionalString(_ key: String) throws(EventDecodingError) -> String? {
    guard let value = value(key) else { return nil }
    guard case .string(let text) = value else { throw failure(key, "is not a string") }
    return text
  }

  func integer(_ key: String) throws(EventDecodingError) -> Int {
    guard let value = value(key) else { throw failure(key, "is missing") }
    guard case .integer(let number) = value else { throw failure(key, "is not an integer") }
    return try checked(key, Result { () throws(Problem) in try FieldReader.integer(number) })
  }

  func bool(_ key: String) throws(EventDecodingError) -> Bool {
    guard let value = value(key) else { throw failure(key, "is missing") }
    guard case .bool(let flag) = value else { throw failure(key, "is not true or false") }
    return flag
  }

  func optionalBool(_ key: String) throws(EventDecodingError) -> Bool? {
    guard value(key) != nil else { return nil }
    return try bool(key)
  }

  func object(_ key: String) throws(EventDecodingError) -> JSONObject {
    guard let value = value(key) else { throw failure(key, "is missing") }
    guard case .object(let object) = value else { throw failure(key, "is not an object") }
    return object
  }

  func date(_ key: String) throws(EventDecodingError) -> LocalDate {
    try checkedText(key, FieldReader.date)
  }

  func points(_ key: String) throws(EventDecodingError) -> Points {
    try checkedText(key, FieldReader.points)
  }

  func account(_ key: String) throws(EventDecodingError) -> AccountID {
    try checkedText(key, FieldReader.account)
  }

  /// The value `rule` makes of the string `key`, or the error naming `key` and the rule's problem.
  private func checkedText<Value>(
    _ key: String, _ rule: (UnsafeBufferPointer<UInt8>) throws(Problem) -> Value
  ) throws(EventDecodingError) -> Value {
    var text = try string(key)
    let result = text.withUTF8 { bytes in Result { () throws(Problem) -> Value in try rule(bytes) } }
    return try checked(key, result)
  }

  private func checked<Value>(_ key: String, _ result: Result<Value, Problem>) throws(EventDecodingError)
    -> Value
  {
    switch result {
    case .success(let value): return value
    case .failure(let problem): throw failure(key, problem.wording)
    }
  }

  // MARK: The rules for values, shared with `FastLineDecoder`

  /// Why a value breaks the rule for its field, worded for `EventDecodingError.problem`.
  struct Problem: Error, Equatable {
    var wording: String
    init(_ wording: String) { self.wording = wording }
  }

  /// The largest magnitude of any integer in an event (minutes, people served, stock, quantity): one
  /// billion. Anything larger is not a value the rules could have written, and could overflow a fold.
  static let integerLimit: Int64 = 1_000_000_000

  /// An integer field's value: within `integerLimit` in magnitude.
  static func integer(_ number: Int64) throws(Problem) -> Int {
    guard let result = Int(exactly: number) else { throw Problem("is not an integer") }
    guard number.magnitude <= integerLimit.magnitude else {
      throw Problem("is out of range (more than \(integerLimit) in magnitude)")
    }
    return result
  }

  /// A date field's value, from the UTF-8 of its string: exactly `YYYY-MM-DD`, a day that exists.
  static func date(_ text: UnsafeBufferPointer<UInt8>) throws(Problem) -> LocalDate {
    guard let date = LocalDate(utf8: text) else { throw Problem("is not a date YYYY-MM-DD") }
    return date
  }

  /// An amount of points, from the UTF-8 of its string: written exactly as `Points.description`
  /// writes it (two decimals, no `+`, no leading zero), at most `Points.maximum` in magnitude.
  static func points(_ text: UnsafeBufferPointer<UInt8>) throws(Problem) -> Points {
    guard let hundredths = FixedPoint.parse(utf8: text, decimals: 2),
      FixedPoint.isFormatted(text, value: hundredths, decimals: 2)
    else { throw Problem("is not an amount of points written with two decimals") }
    guard hundredths.magnitude <= Points.maximum.hundredths.magnitude else {
      throw Problem("is out of range (more than \(Points.maximum) points)")
    }
    return Points(hundredths: hundredths)
  }

  /// An account, from the (well-formed) UTF-8 of its string: `member:<id>`, `card:<id>`, `@issued`
  /// or `@redeemed`.
  static func account(_ text: UnsafeBufferPointer<UInt8>) throws(Problem) -> AccountID {
    guard let account = AccountID(utf8: text) else {
      throw Problem("is not an account (member:<id>, card:<id>, @issued, @redeemed)")
    }
    return account
  }

  /// Throws for the first member that repeats an earlier key or that no field read.
  func checkNoUnknownMembers() throws(EventDecodingError) {
    let members = object.members
    if members.count > 64 {
      // A long object cannot be an event's; find what is wrong with it without a quadratic search.
      var seen: Set<String> = []
      let read = Set(readKeys)
      for member in members {
        if !seen.insert(member.key).inserted { throw failure(member.key, "appears twice") }
        if !read.contains(member.key) { throw failure(member.key, "is not a field of this event") }
      }
      return
    }
    // A member that was read is the first with its key, so only the others need a closer look.
    for (index, member) in members.enumerated() where readMembers & (1 << UInt64(index)) == 0 {
      for earlier in members[..<index] where earlier.key == member.key {
        throw failure(member.key, "appears twice")
      }
      throw failure(member.key, "is not a field of this event")
    }
  }
}
