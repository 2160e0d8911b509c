import Foundation

/// Why a snapshot's bytes could not be read back: it is then ignored and the state rebuilt.
struct SnapshotDecodingError: Error, Equatable {
  var problem: String
}

/// Writes a `LedgerState` as compact bytes: variable-length integers, length-prefixed strings.
///
/// The format is private to this version of the program (the header carries a version); a snapshot is a
/// cache, so nothing else reads it.
struct SnapshotWriter {
  var bytes: [UInt8] = []

  init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

  mutating func int(_ value: Int) {
    // ZigZag, then seven bits a byte.
    var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

  mutating func fixed32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func fixed64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func raw(_ buffer: UnsafeRawBufferPointer) { bytes.append(contentsOf: buffer) }
  mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

  /// Pads with zeros to a multiple of `alignment` bytes.
  mutating func align(_ alignment: Int) {
    let rest = bytes.count % alignment
    if rest != 0 { zeros(alignment - rest) }
  }

  /// Overwrites 8 bytes at `offset` with `value`.
  mutating func set64(_ value: UInt64, at offset: Int) {
    bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self) }
  }

  /// Fills the `count` slots at `start` (a power of two, zeroed) with entries by hash, linear probing:
  /// each slot holds the hash's top 24 bits and the entry's offset plus one.
  mutating func fillSlots(at start: Int, count: Int, with entries: [(hash: UInt64, offset: Int)]) {
    let mask = count - 1
    bytes.withUnsafeMutableBytes { raw in
      for (hash, offset) in entries {
        var index = Int(truncatingIfNeeded: hash) & mask
        while raw.loadUnaligned(fromByteOffset: start + index * 8, as: UInt64.self) != 0 {
          index = (index + 1) & mask
        }
        let slot = (hash >> 40) << 40 | UInt64(offset)
        raw.storeBytes(of: slot.littleEndian, toByteOffset: start + index * 8, as: UInt64.self)
      }
    }
  }

  mutating func string(_ value: String) {
    var value = value
    value.withUTF8 { utf8 in
      int(utf8.count)
      bytes.append(contentsOf: utf8)
    }
  }

  mutating func optional<T>(_ value: T?, _ write: (inout SnapshotWriter, T) -> Void) {
    guard let value else { return bool(false) }
    bool(true)
    write(&self, value)
  }

  mutating func points(_ value: Points) { int(Int(value.hundredths)) }
  mutating func minutes(_ value: Minutes) { int(value.value) }

  mutating func date(_ value: LocalDate) {
    int(value.year)
    int(value.month)
    int(value.day)
  }

  mutating func account(_ value: AccountID) {
    switch value {
    case .member(let id):
      int(0)
      string(id.rawValue)
    case .card(let id):
      int(1)
      string(id.rawValue)
    case .issued: int(2)
    case .redeemed: int(3)
    }
  }

  mutating func scope(_ value: RoleScope) {
    switch value {
    case .all: int(0)
    case .team(let id):
      int(1)
      string(id.rawValue)
    case .branch(let id):
      int(2)
      string(id.rawValue)
    }
  }

  mutating func policy(_ value: Policy) {
    points(value.pointsPerHour)
    int(value.categoryRates.count)
    for (category, rate) in value.categoryRates.sorted(by: { $0.key < $1.key }) {
      string(category)
      points(rate)
    }
    minutes(value.dailyCap)
    minutes(value.partyAnnualTarget)
  }

  mutating func entry(_ value: ServiceEntry) {
    string(value.member.rawValue)
    date(value.date)
    minutes(value.minutes)
    string(value.category)
    optional(value.team) { $0.string($1.rawValue) }
    int(value.peopleServed)
    optional(value.place) { $0.string($1) }
    account(value.creditTo)
    optional(value.note) { $0.string($1) }
    optional(value.replaces) { $0.string($1.rawValue) }
  }
}

/// Reads what `SnapshotWriter` wrote, refusing anything out of bounds or out of range.
struct SnapshotReader {
  private let bytes: UnsafeRawBufferPointer
  private(set) var index = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  var isAtEnd: Bool { index == bytes.count }

  func failure(_ problem: String) -> SnapshotDecodingError {
    SnapshotDecodingError(problem: "\(problem) at byte \(index)")
  }

  mutating func int() throws(SnapshotDecodingError) -> Int {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard index < bytes.count else { throw failure("unexpected end") }
      let byte = bytes[index]
      index += 1
      guard shift < 64 else { throw failure("integer too long") }
      result |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { break }
      shift += 7
    }
    let value = Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    return Int(value)
  }

  /// A count of things to follow, each taking at least one byte.
  mutating func count() throws(SnapshotDecodingError) -> Int {
    let value = try int()
    guard value >= 0, value <= bytes.count - index else { throw failure("bad count \(value)") }
    return value
  }

  mutating func bool() throws(SnapshotDecodingError) -> Bool {
    guard index < bytes.count else { throw failure("unexpected end") }
    defer { index += 1 }
    switch bytes[index] {
    case 0: return false
    case 1: return true
    default: throw failure("bad flag")
    }
  }

  mutating func string() throws(SnapshotDecodingError) -> String {
    let length = try count()
    defer { index += length }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)]), as: UTF8.self)
  }

  mutating func optional<T>(
    _ read: (inout SnapshotReader) throws(SnapshotDecodingError) -> T
  ) throws(SnapshotDecodingError) -> T? {
    try bool() ? try read(&self) : nil
  }

  mutating func points() throws(SnapshotDecodingError) -> Points { Points(hundredths: Int64(try int())) }
  mutating func minutes() throws(SnapshotDecodingError) -> Minutes { Minutes(try int()) }

  mutating func date() throws(SnapshotDecodingError) -> LocalDate {
    guard let date = LocalDate(year: try int(), month: try int(), day: try int()) else {
      throw failure("bad date")
    }
    return date
  }

  mutating func rawValue<T: RawRepresentable>(_ type: T.Type) throws(SnapshotDecodingError) -> T
  where T.RawValue == String {
    guard let value = T(rawValue: try string()) else { throw failure("bad \(T.self)") }
    return value
  }

  mutating func account() throws(SnapshotDecodingError) -> AccountID {
    switch try int() {
    case 0: return .member(MemberID(try string()))
    case 1: return .card(CardID(try string()))
    case 2: return .issued
    case 3: return .redeemed
    default: throw failure("bad account")
    }
  }

  mutating func scope() throws(SnapshotDecodingError) -> RoleScope {
    switch try int() {
    case 0: return .all
    case 1: return .team(TeamID(try string()))
    case 2: return .branch(BranchID(try string()))
    default: throw failure("bad scope")
    }
  }

  mutating func policy() throws(SnapshotDecodingError) -> Policy {
    let pointsPerHour = try points()
    var rates: [String: Points] = [:]
    for _ in 0..<(try count()) { rates[try string()] = try points() }
    return Policy(
      pointsPerHour: pointsPerHour, categoryRates: rates, dailyCap: try minutes(),
      partyAnnualTarget: try minutes())
  }

  mutating func entry() throws(SnapshotDecodingError) -> ServiceEntry {
    ServiceEntry(
      member: MemberID(try string()), date: try date(), minutes: try minutes(), category: try string(),
      team: try optional { reader throws(SnapshotDecodingError) in TeamID(try reader.string()) },
      peopleServed: try int(),
      place: try optional { reader throws(SnapshotDecodingError) in try reader.string() },
      creditTo: try account(),
      note: try optional { reader throws(SnapshotDecodingError) in try reader.string() },
      replaces: try optional { reader throws(SnapshotDecodingError) in RecordID(try reader.string()) })
  }
}

extension LedgerState {
  /// The small part of the state as snapshot bytes: all but the tables, which a snapshot keeps as
  /// `TableSection`s.
  /// - Complexity: O(n) in the size of that part (policies, roles, branches, cards, rewards, party
  ///   check-ins and activities).
  func snapshotCoreBytes() -> [UInt8] {
    var out = SnapshotWriter(capacity: 1 << 12)
    out.string(community)
    out.string(timeZoneName)
    out.int(policies.count)
    for period in policies {
      out.optional(period.effective) { $0.date($1) }
      out.policy(period.policy)
    }
    out.int(roles.count)
    for (actor, grants) in roles {
      out.string(actor.rawValue)
      out.int(grants.count)
      for grant in grants {
        out.string(grant.role.rawValue)
        out.scope(grant.scope)
      }
    }
    out.int(branches.count)
    for (id, name) in branches {
      out.string(id.rawValue)
      out.string(name)
    }
    out.int(cards.count)
    for (id, card) in cards {
      out.string(id.rawValue)
      out.string(card.name)
      out.string(card.kind.rawValue)
      out.string(card.holder)
    }
    out.int(rewards.count)
    for (id, reward) in rewards {
      out.string(id.rawValue)
      let listing = reward.listing
      out.string(listing.item.rawValue)
      out.string(listing.name)
      out.string(listing.kind.rawValue)
      out.points(listing.price)
      out.int(listing.stock)
      out.int(reward.stock)
      out.bool(reward.isWithdrawn)
    }
    out.int(checkIns.count)
    for (member, list) in checkIns {
      out.string(member.rawValue)
      out.int(list.count)
      for checkIn in list {
        out.string(checkIn.checkIn.member.rawValue)
        out.string(checkIn.checkIn.branch.rawValue)
        out.string(checkIn.checkIn.workplace)
        out.date(checkIn.checkIn.date)
        out.string(checkIn.recordedBy.rawValue)
        out.int(checkIn.seq)
        out.string(checkIn.id)
      }
    }
    out.int(activities.count)
    for (id, state) in activities {
      out.string(id.rawValue)
      out.string(state.activity.member.rawValue)
      out.string(state.activity.kind.rawValue)
      out.date(state.activity.date)
      out.optional(state.activity.note) { $0.string($1) }
      out.string(state.recordedBy.rawValue)
      out.string(state.status.rawValue)
      out.optional(state.decidedBy) { $0.string($1.rawValue) }
      out.int(state.seq)
    }
    out.int(lastSeq)
    out.string(headHash)
    return out.bytes
  }

  /// The small part of the state written by `snapshotCoreBytes()`, with empty large tables.
  /// - Throws: `SnapshotDecodingError` when the bytes are not a whole, well-formed snapshot.
  /// - Complexity: O(n) in the size of the bytes.
  init(snapshotCore bytes: UnsafeRawBufferPointer) throws(SnapshotDecodingError) {
    self.init()
    var input = SnapshotReader(bytes)
    community = try input.string()
    timeZoneName = try input.string()
    guard let zone = TimeZone(identifier: timeZoneName) else { throw input.failure("unknown time zone") }
    timeZone = zone
    for _ in 0..<(try input.count()) {
      let effective = try input.optional { reader throws(SnapshotDecodingError) in try reader.date() }
      policies.append(PolicyPeriod(effective: effective, policy: try input.policy()))
    }
    for _ in 0..<(try input.count()) {
      let actor = ActorID(try input.string())
      var grants: Set<RoleGrant> = []
      for _ in 0..<(try input.count()) {
        grants.insert(RoleGrant(role: try input.rawValue(Role.self), scope: try input.scope()))
      }
      roles[actor] = grants
    }
    for _ in 0..<(try input.count()) { branches[BranchID(try input.string())] = try input.string() }
    for _ in 0..<(try input.count()) {
      let id = CardID(try input.string())
      cards[id] = CardState(
        name: try input.string(), kind: try input.rawValue(CardKind.self), holder: try input.string())
    }
    for _ in 0..<(try input.count()) {
      let id = ItemID(try input.string())
      let listing = RewardListing(
        item: ItemID(try input.string()), name: try input.string(), kind: try input.rawValue(RewardKind.self),
        price: try input.points(), stock: try input.int())
      rewards[id] = RewardState(listing: listing, stock: try input.int(), isWithdrawn: try input.bool())
    }
    for _ in 0..<(try input.count()) {
      let member = MemberID(try input.string())
      var list: [CheckInState] = []
      for _ in 0..<(try input.count()) {
        let checkIn = PartyCheckIn(
          member: MemberID(try input.string()), branch: BranchID(try input.string()),
          workplace: try input.string(), date: try input.date())
        list.append(
          CheckInState(
            checkIn: checkIn, recordedBy: ActorID(try input.string()), seq: try input.int(),
            id: try input.string()))
      }
      checkIns[member] = list
    }
    for _ in 0..<(try input.count()) {
      let id = ActivityID(try input.string())
      let activity = PartyActivity(
        member: MemberID(try input.string()), kind: try input.rawValue(PartyActivityKind.self),
        date: try input.date(),
        note: try input.optional { reader throws(SnapshotDecodingError) in try reader.string() })
      activities[id] = ActivityState(
        activity: activity, recordedBy: ActorID(try input.string()),
        status: try input.rawValue(ActivityStatus.self),
        decidedBy: try input.optional { reader throws(SnapshotDecodingError) in ActorID(try reader.string()) },
        seq: try input.int())
    }
    lastSeq = try input.int()
    headHash = try input.string()
    guard input.isAtEnd else { throw input.failure("bytes after the state") }
  }
}

extension TableCodec where Key == RecordID, Value == RecordState {
  static let records = TableCodec(
    writeKey: { key, out in out.string(key.rawValue) },
    readKey: { input throws(SnapshotDecodingError) in RecordID(try input.string()) },
    writeValue: { record, out in
      out.entry(record.entry)
      out.string(record.recordedBy.rawValue)
      switch record.status {
      case .pending: out.int(0)
      case .confirmed(let points):
        out.int(1)
        out.points(points)
      case .rejected: out.int(2)
      case .reversed(let points):
        out.int(3)
        out.points(points)
      }
      out.optional(record.decidedBy) { $0.string($1.rawValue) }
      out.int(record.seq)
    },
    readValue: { input throws(SnapshotDecodingError) in
      let entry = try input.entry()
      let recordedBy = ActorID(try input.string())
      let status: RecordStatus
      switch try input.int() {
      case 0: status = .pending
      case 1: status = .confirmed(points: try input.points())
      case 2: status = .rejected
      case 3: status = .reversed(points: try input.points())
      default: throw input.failure("bad record status")
      }
      let decidedBy = try input.optional { reader throws(SnapshotDecodingError) in ActorID(try reader.string()) }
      return RecordState(
        entry: entry, recordedBy: recordedBy, status: status, decidedBy: decidedBy, seq: try input.int())
    })
}

extension TableCodec where Key == RedemptionID, Value == RedemptionState {
  static let redemptions = TableCodec(
    writeKey: { key, out in out.string(key.rawValue) },
    readKey: { input throws(SnapshotDecodingError) in RedemptionID(try input.string()) },
    writeValue: { redemption, out in
      out.account(redemption.account)
      out.string(redemption.item.rawValue)
      out.int(redemption.quantity)
      out.points(redemption.points)
      out.bool(redemption.isCancelled)
    },
    readValue: { input throws(SnapshotDecodingError) in
      RedemptionState(
        account: try input.account(), item: ItemID(try input.string()), quantity: try input.int(),
        points: try input.points(), isCancelled: try input.bool())
    })
}

extension TableCodec where Key == String, Value == Int {
  static let ids = TableCodec(
    writeKey: { key, out in out.string(key) },
    readKey: { input throws(SnapshotDecodingError) in try input.string() },
    writeValue: { seq, out in out.int(seq) },
    readValue: { input throws(SnapshotDecodingError) in try input.int() })
}

extension TableCodec where Key == MemberDay, Value == Minutes {
  static let minutesByDay = TableCodec(
    writeKey: { key, out in
      out.string(key.member.rawValue)
      out.date(key.date)
    },
    readKey: { input throws(SnapshotDecodingError) in MemberDay(MemberID(try input.string()), try input.date()) },
    writeValue: { minutes, out in out.minutes(minutes) },
    readValue: { input throws(SnapshotDecodingError) in try input.minutes() })
}

extension TableCodec where Key == MemberID, Value == MemberState {
  static let members = TableCodec(
    writeKey: { key, out in out.string(key.rawValue) },
    readKey: { input throws(SnapshotDecodingError) in MemberID(try input.string()) },
    writeValue: { member, out in
      let registration = member.registration
      out.string(registration.member.rawValue)
      out.string(registration.name)
      out.bool(registration.isPartyMember)
      out.optional(registration.branch) { $0.string($1.rawValue) }
      out.date(registration.joined)
      out.optional(member.left) { $0.date($1) }
      out.int(member.teams.count)
      for team in member.teams.sorted() { out.string(team.rawValue) }
      out.minutes(member.confirmedMinutes)
    },
    readValue: { input throws(SnapshotDecodingError) in
      let registration = MemberRegistration(
        member: MemberID(try input.string()), name: try input.string(), isPartyMember: try input.bool(),
        branch: try input.optional { reader throws(SnapshotDecodingError) in BranchID(try reader.string()) },
        joined: try input.date())
      var member = MemberState(registration: registration)
      member.left = try input.optional { reader throws(SnapshotDecodingError) in try reader.date() }
      let teamCount = try input.count()
      member.teams.reserveCapacity(teamCount)
      for _ in 0..<teamCount { member.teams.insert(TeamID(try input.string())) }
      member.confirmedMinutes = try input.minutes()
      return member
    })
}

extension TableCodec where Key == TeamID, Value == TeamState {
  static let teams = TableCodec(
    writeKey: { key, out in out.string(key.rawValue) },
    readKey: { input throws(SnapshotDecodingError) in TeamID(try input.string()) },
    writeValue: { team, out in
      out.string(team.name)
      out.string(team.kind.rawValue)
      out.int(team.members.count)
      for member in team.members.sorted() { out.string(member.rawValue) }
    },
    readValue: { input throws(SnapshotDecodingError) in
      var team = TeamState(name: try input.string(), kind: try input.rawValue(TeamKind.self))
      let count = try input.count()
      team.members.reserveCapacity(count)
      for _ in 0..<count { team.members.insert(MemberID(try input.string())) }
      return team
    })
}

extension TableCodec where Key == AccountID, Value == AccountTotals {
  static let accounts = TableCodec(
    writeKey: { key, out in out.account(key) },
    readKey: { input throws(SnapshotDecodingError) in try input.account() },
    writeValue: { totals, out in
      out.points(totals.earned)
      out.points(totals.received)
      out.points(totals.sent)
      out.points(totals.redeemed)
      // The posting lines: their count, then each `seq` less the one before.
      out.int(totals.postingSeqs.count)
      var previous = 0
      for seq in totals.postingSeqs {
        out.int(seq - previous)
        previous = seq
      }
    },
    readValue: { input throws(SnapshotDecodingError) in
      var totals = AccountTotals(
        earned: try input.points(), received: try input.points(), sent: try input.points(),
        redeemed: try input.points())
      let count = try input.count()
      totals.postingSeqs.reserveCapacity(count)
      var previous = 0
      for _ in 0..<count {
        previous += try input.int()
        totals.postingSeqs.append(previous)
      }
      return totals
    })
}

extension TableCodec where Key == AccountID, Value == Points {
  static let pendingPoints = TableCodec(
    writeKey: { key, out in out.account(key) },
    readKey: { input throws(SnapshotDecodingError) in try input.account() },
    writeValue: { points, out in out.points(points) },
    readValue: { input throws(SnapshotDecodingError) in try input.points() })
}
