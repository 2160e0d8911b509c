import Foundation
import Testing

@testable import TimeBank

/// Small helpers shared by the TimeBank unit tests. Everything is namespaced here, so other test files
/// can add their own helpers without clashing.
enum TestSupport {
  /// A time, or a recorded test failure (and a thrown error) when the text is not one.
  static func time(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> Timestamp
  {
    try #require(Timestamp(text), "not a timestamp: \(text)", sourceLocation: sourceLocation)
  }

  /// A calendar date, or a recorded test failure (and a thrown error) when the text is not one.
  static func date(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> LocalDate
  {
    try #require(LocalDate(text), "not a date: \(text)", sourceLocation: sourceLocation)
  }

  /// The bytes of a file, read without a lock (the way an auditor reads a log).
  static func bytes(of path: String) throws -> [UInt8] {
    try LogFile.openForReading(path).readAll()
  }

  /// A short fingerprint of some bytes (their count and SHA-256), so a failed comparison prints two
  /// lines rather than two whole logs.
  static func fingerprint(_ bytes: [UInt8]) -> String {
    "\(bytes.count) bytes, sha256 \(SHA256.hexDigest(bytes))"
  }

  /// The records of a log file, read back and verified from its bytes.
  static func recordsOnDisk(_ path: String) throws -> [EventRecord] {
    try LogFile.openForReading(path).readVerified().records
  }
}

/// A fresh directory under the system's temporary directory, removed when the value is released.
final class TestDirectory {
  let path: String

  init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/timebank-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// A path inside the directory (the file is not created).
  func file(_ name: String) -> String { path + "/" + name }
}

/// A small community on a real log file in a temporary directory, built with the real `Ledger` API:
///
/// - `admin` opened the ledger (1.00 point per hour, 助老 at 1.50, the default 12-hour daily cap);
/// - branches `b1`, `b2`; teams `elder` (service team) and `green` (self-organised group);
/// - cards `tax` (party-org), `shop` (enterprise) and `yard3` (courtyard);
/// - coordinators `zhao` and `sun` for all teams, `li` for `elder` only, `zhou` for `green` only;
///   secretaries `wang` of `b1` and `chen` of `b2`;
/// - members, all joined 2025-01-01 and put in their teams on 2025-05-01:
///   `m1` 张三 (party, b1, elder), `m2` 李四 (green), `m3` 王五 (party, b2, elder), `m4` 赵六 (no team),
///   and `sun` 孙七 (elder) — the coordinator `sun` is also a volunteer;
/// - rewards `rice` (goods, 20.00, stock 5) and `haircut` (service, 5.00, stock 2).
///
/// Setup is written at `setupTime`, 2025-06-01 09:00 in Shanghai; tests act at `now`, 2025-06-30 18:00.
final class TestCommunity {
  static let admin = ActorID("admin")
  static let coordinator = ActorID("zhao")
  static let secondCoordinator = ActorID("sun")
  static let elderCoordinator = ActorID("li")
  static let greenCoordinator = ActorID("zhou")
  static let secretary = ActorID("wang")
  static let otherSecretary = ActorID("chen")

  static let m1 = MemberID("m1")
  static let m2 = MemberID("m2")
  static let m3 = MemberID("m3")
  static let m4 = MemberID("m4")
  /// The volunteer who is also the coordinator `sun`.
  static let sunMember = MemberID("sun")

  static let b1 = BranchID("b1")
  static let b2 = BranchID("b2")
  static let elder = TeamID("elder")
  static let green = TeamID("green")
  static let tax = CardID("tax")
  static let shop = CardID("shop")
  static let yard = CardID("yard3")
  static let rice = ItemID("rice")
  static let haircut = ItemID("haircut")

  /// The opening policy: 1.00 point per hour, 助老 at 1.50, 12 hours a day, 50 hours a year.
  static let policy = Policy(
    pointsPerHour: Points(hundredths: 100), categoryRates: ["助老": Points(hundredths: 150)])

  let directory: TestDirectory
  let path: String
  let ledger: Ledger
  let setupTime: Timestamp
  /// When tests act unless they say otherwise: 2025-06-30 18:00 in Shanghai.
  let now: Timestamp

  /// Builds the community; `policy` and `timeZone` go into `ledger.opened`.
  init(policy: Policy = TestCommunity.policy, timeZone: String = "Asia/Shanghai") throws {
    directory = try TestDirectory()
    path = directory.file("timebank.jsonl")
    setupTime = try TestSupport.time("2025-06-01T09:00:00+08:00")
    now = try TestSupport.time("2025-06-30T18:00:00+08:00")
    let opening = Command(
      id: "open", event: .ledgerOpened(community: "幸福里社区", timeZone: timeZone, policy: policy))
    ledger = try Ledger.create(path, opening: opening, actor: Self.admin, at: setupTime)
    try build()
  }

  private func build() throws {
    let joined = try TestSupport.date("2025-01-01")
    // Well before the setup time in any time zone, so a ledger in another zone builds the same way.
    let teamDay = try TestSupport.date("2025-05-01")
    let admin: [Command] = [
      Command(id: "branch-b1", event: .branchCreated(branch: Self.b1, name: "第一党支部")),
      Command(id: "branch-b2", event: .branchCreated(branch: Self.b2, name: "第二党支部")),
      Command(
        id: "team-elder", event: .teamCreated(team: Self.elder, name: "助老服务队", kind: .serviceTeam)),
      Command(
        id: "team-green", event: .teamCreated(team: Self.green, name: "环保小组", kind: .selfOrganised)),
      Command(
        id: "card-tax",
        event: .cardOpened(card: Self.tax, name: "税务局党组织储蓄卡", kind: .partyOrganisation, holder: "区税务局")),
      Command(
        id: "card-shop",
        event: .cardOpened(card: Self.shop, name: "便民超市企业卡", kind: .enterprise, holder: "超市")
      ),
      Command(
        id: "card-yard3",
        event: .cardOpened(card: Self.yard, name: "3号院集体卡", kind: .courtyard, holder: "3号院")
      ),
      Command(
        id: "grant-zhao", event: .roleGranted(actor: Self.coordinator, role: .coordinator, scope: .all)),
      Command(
        id: "grant-sun",
        event: .roleGranted(actor: Self.secondCoordinator, role: .coordinator, scope: .all)),
      Command(
        id: "grant-li",
        event: .roleGranted(actor: Self.elderCoordinator, role: .coordinator, scope: .team(Self.elder))),
      Command(
        id: "grant-zhou",
        event: .roleGranted(actor: Self.greenCoordinator, role: .coordinator, scope: .team(Self.green))),
      Command(
        id: "grant-wang",
        event: .roleGranted(actor: Self.secretary, role: .secretary, scope: .branch(Self.b1))),
      Command(
        id: "grant-chen",
        event: .roleGranted(actor: Self.otherSecretary, role: .secretary, scope: .branch(Self.b2))),
      Command(
        id: "item-rice",
        event: .rewardListed(
          RewardListing(
            item: Self.rice, name: "东北大米5kg", kind: .goods, price: Points(hundredths: 2000), stock: 5))),
      Command(
        id: "item-haircut",
        event: .rewardListed(
          RewardListing(
            item: Self.haircut, name: "理发服务", kind: .service, price: Points(hundredths: 500), stock: 2))
      ),
    ]
    _ = try ledger.execute(admin, actor: Self.admin, at: setupTime)
    let people: [(MemberID, String, Bool, BranchID?, TeamID?)] = [
      (Self.m1, "张三", true, Self.b1, Self.elder), (Self.m2, "李四", false, nil, Self.green),
      (Self.m3, "王五", true, Self.b2, Self.elder), (Self.m4, "赵六", false, nil, nil),
      (Self.sunMember, "孙七", false, nil, Self.elder),
    ]
    var registrations: [Command] = []
    for (member, name, isParty, branch, team) in people {
      let registration = MemberRegistration(
        member: member, name: name, isPartyMember: isParty, branch: branch, joined: joined)
      registrations.append(Command(id: "reg-\(member)", event: .memberRegistered(registration)))
      if let team {
        registrations.append(
          Command(id: "join-\(member)", event: .teamJoined(team: team, member: member, date: teamDay)))
      }
    }
    _ = try ledger.execute(registrations, actor: Self.coordinator, at: setupTime)
  }

  // MARK: Acting

  /// Executes one command as `actor`, at `now` unless told otherwise.
  @discardableResult
  func run(_ event: Event, id: String? = nil, by actor: ActorID, at time: Timestamp? = nil) throws
    -> Outcome
  {
    try ledger.execute(Command(id: id, event: event), actor: actor, at: time ?? now)
  }

  /// Records service as `by` (the all-teams coordinator unless told otherwise) and returns the record id.
  @discardableResult
  func record(
    _ member: MemberID, minutes: Int, on date: String, category: String = "环境整治", team: TeamID? = nil,
    creditTo: AccountID? = nil, id: String, by actor: ActorID = TestCommunity.coordinator,
    at time: Timestamp? = nil
  ) throws -> RecordID {
    let entry = ServiceEntry(
      member: member, date: try TestSupport.date(date), minutes: Minutes(minutes), category: category,
      team: team,
      creditTo: creditTo)
    try run(.serviceRecorded(entry), id: id, by: actor, at: time)
    return RecordID(id)
  }

  /// Confirms a record as `by` (the second coordinator unless told otherwise); the points are computed.
  @discardableResult
  func confirm(_ record: RecordID, by actor: ActorID = TestCommunity.secondCoordinator) throws
    -> Outcome
  {
    try run(.serviceConfirmed(record: record, points: .zero), id: "confirm-\(record)", by: actor)
  }

  /// Gives `member` confirmed service of `minutes` in a category at the general rate (1.00 per hour).
  func earn(_ member: MemberID, minutes: Int, on date: String = "2025-06-20", id: String) throws {
    try confirm(try record(member, minutes: minutes, on: date, id: id))
  }

  // MARK: Looking

  /// The log file's bytes as they are on disk now.
  func bytes() throws -> [UInt8] { try TestSupport.bytes(of: path) }

  /// The fingerprint of the log file's bytes as they are on disk now.
  func fingerprint() throws -> String { TestSupport.fingerprint(try bytes()) }

  var state: LedgerState { ledger.state }

  func balance(_ account: AccountID) -> Points { ledger.state.balance(of: account) }

  /// Expects `event` by `actor` to be refused with exactly `rejection`, and the log file and the
  /// ledger's state to be unchanged afterwards.
  func expectRefused(
    _ rejection: Rejection, _ event: Event, id: String? = nil, by actor: ActorID,
    at time: Timestamp? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = try bytes()
    let stateBefore = ledger.state
    let recordsBefore = (try ledger.records()).count
    #expect(throws: LedgerError.rejected(rejection, index: 0), sourceLocation: sourceLocation) {
      try self.ledger.execute(Command(id: id, event: event), actor: actor, at: time ?? self.now)
    }
    let after = try bytes()
    #expect(
      TestSupport.fingerprint(after) == TestSupport.fingerprint(before), "the log file changed",
      sourceLocation: sourceLocation)
    #expect(ledger.state == stateBefore, "the ledger's state changed", sourceLocation: sourceLocation)
    #expect((try ledger.records()).count == recordsBefore, sourceLocation: sourceLocation)
  }
}
