/// What the article community's ledger holds, counted by the generator as it writes it, so a test can
/// check the reports against the construction rather than against the report code.
public struct ArticleFigures: Equatable, Sendable {
  public var registeredVolunteers = 0
  public var partyMemberVolunteers = 0
  public var peopleServed = 0
  public var confirmedMinutes = 0
  public var confirmedRecords = 0
  public var serviceTeams = 0
  public var selfOrganisedGroups = 0
  public var partyOrganisationCards = 0
  public var enterpriseCards = 0
  public var courtyardCards = 0
  public var pendingRecords = 0
}

/// Builds a one-year ledger of the community the seed articles describe: 612 registered volunteers,
/// 234 of them party members, 3,012 people served, 6,300 confirmed service hours, 8 self-organised
/// groups (and 4 service teams), 12 unit party-organisation cards, 3 enterprise cards and 15 courtyard
/// cards — with rejected, reversed and still-pending records that must not count, party check-ins and
/// activities, transfers and redemptions. Deterministic: its own timeline, never the clock.
///
/// `timebank demo --preset article` writes it; `Fixtures/article/` holds a copy with golden reports.
public struct ArticleCommunity {
  public static let community = "朝阳社区"
  public static let admin = ActorID("admin")
  public static let coordinators = [ActorID("coord-a"), ActorID("coord-b")]
  public static let secretaries = [ActorID("sec-1"), ActorID("sec-2"), ActorID("sec-3")]
  public static let branches = [BranchID("b1"), BranchID("b2"), BranchID("b3")]
  /// The workplaces party members report from; each has a party-organisation card.
  public static let workplaces = [
    "区税务局机关党委", "区人民法院党组", "市第一医院党委", "朝阳小学党支部", "区供电公司党委", "区图书馆党支部",
    "区检察院党组", "区公安分局党委", "市自来水公司党委", "区疾控中心党支部", "朝阳街道党工委", "区市场监管局党组",
  ]

  /// 2,520 confirmed records alternating 120 and 180 minutes: 1,260 × 300 = 378,000 minutes = 6,300 h.
  static let confirmedRecordCount = 2_520
  /// 492 records served two people, the other 2,028 one: 984 + 2,028 = 3,012 people served.
  static let recordsServingTwo = 492

  private var script: LedgerScript
  private var figures = ArticleFigures()
  private var members: [MemberID] = []
  private var teamOf: [MemberID: TeamID] = [:]
  private var branchOf: [MemberID: BranchID] = [:]
  private var recordSerial = 0

  /// Writes the ledger to a new file at `path` (never over an existing file).
  /// - Returns: the ledger (still locked) and the figures it was built to show.
  public static func build(at path: String) throws(LedgerError) -> (ledger: Ledger, figures: ArticleFigures) {
    let opening = Command(
      id: "open", event: .ledgerOpened(community: community, timeZone: "Asia/Shanghai", policy: Policy()))
    let ledger = try Ledger.create(path, opening: opening, actor: admin, at: LedgerScript.time(2025, 1, 1, 8))
    var article = ArticleCommunity(script: LedgerScript(ledger: ledger))
    try article.run()
    return (ledger, article.figures)
  }

  private init(script: LedgerScript) { self.script = script }

  private mutating func run() throws(LedgerError) {
    try setUp()
    try register()
    try serve()
    try partyLife()
    try exchanges()
  }

  private mutating func setUp() throws(LedgerError) {
    let at = LedgerScript.time(2025, 1, 1, 9)
    let admin = Self.admin
    for (index, branch) in Self.branches.enumerated() {
      script.add(
        admin, at, "branch-\(branch)",
        .branchCreated(branch: branch, name: "朝阳社区第\(["一", "二", "三"][index])党支部"))
    }
    let serviceTeams = ["助老服务队", "环境保护队", "平安巡逻队", "助残服务队"]
    let selfOrganised = ["夕阳红合唱团", "太极拳队", "书画社", "编织互助组", "广场舞队", "读书会", "象棋社", "义剪组"]
    for (index, name) in serviceTeams.enumerated() {
      script.add(
        admin, at, "team-s\(index + 1)",
        .teamCreated(team: TeamID("s\(index + 1)"), name: name, kind: .serviceTeam))
      figures.serviceTeams += 1
    }
    for (index, name) in selfOrganised.enumerated() {
      script.add(
        admin, at, "team-g\(index + 1)",
        .teamCreated(team: TeamID("g\(index + 1)"), name: name, kind: .selfOrganised))
      figures.selfOrganisedGroups += 1
    }
    for (index, workplace) in Self.workplaces.enumerated() {
      let card = CardID("p\(index + 1)")
      script.add(
        admin, at, "card-\(card)",
        .cardOpened(card: card, name: "\(workplace)储蓄卡", kind: .partyOrganisation, holder: workplace))
      figures.partyOrganisationCards += 1
    }
    for (index, name) in ["朝阳便民超市", "康乐药房", "老街坊饺子馆"].enumerated() {
      let card = CardID("e\(index + 1)")
      script.add(
        admin, at, "card-\(card)",
        .cardOpened(card: card, name: "\(name)企业卡", kind: .enterprise, holder: name))
      figures.enterpriseCards += 1
    }
    for number in 1...15 {
      let card = CardID("y\(number)")
      script.add(
        admin, at, "card-\(card)",
        .cardOpened(card: card, name: "\(number)号院院落集体卡", kind: .courtyard, holder: "\(number)号院居民"))
      figures.courtyardCards += 1
    }
    for coordinator in Self.coordinators {
      script.add(
        admin, at, "grant-\(coordinator)", .roleGranted(actor: coordinator, role: .coordinator, scope: .all))
    }
    for (secretary, branch) in zip(Self.secretaries, Self.branches) {
      script.add(
        admin, at, "grant-\(secretary)",
        .roleGranted(actor: secretary, role: .secretary, scope: .branch(branch)))
    }
    for (item, name, kind, price) in [
      ("rice", "大米5kg", RewardKind.goods, Int64(2000)), ("oil", "食用油", .goods, 1500),
      ("haircut", "理发", .service, 500),
      ("repair", "家电维修", .service, 1000),
    ] {
      script.add(
        admin, at, "item-\(item)",
        .rewardListed(
          RewardListing(
            item: ItemID(item), name: name, kind: kind, price: Points(hundredths: price), stock: 200)))
    }
    try script.flush()
  }

  /// 612 volunteers registered over the first week of January, each in one of the twelve teams; the
  /// party members are the first 234 numbers visited by stepping 7 at a time modulo 612 (7 and 612 are
  /// coprime, so the 234 are distinct), spread over the three branches.
  private mutating func register() throws(LedgerError) {
    let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
    let givens = [
      "秀英", "桂兰", "建国", "志强", "丽华", "海燕", "明", "芳", "伟", "军", "玉珍", "国庆", "淑芬", "红梅", "德华", "立新", "春生",
    ]
    var party: Set<Int> = []
    var index = 0
    while party.count < 234 {
      party.insert(index)
      index = (index + 7) % 612
    }
    for number in 0..<612 {
      let id = MemberID(String(format: "v%03d", number + 1))
      let day = 2 + number / 102
      let joined = LedgerScript.date(2025, 1, day)
      let isParty = party.contains(number)
      let branch = isParty ? Self.branches[number % 3] : nil
      let name = String(surnames[(number * 7) % surnames.count]) + givens[(number * 5) % givens.count]
      let at = LedgerScript.time(2025, 1, day, 10)
      script.add(
        Self.coordinators[0], at, "reg-\(id)",
        .memberRegistered(
          MemberRegistration(member: id, name: name, isPartyMember: isParty, branch: branch, joined: joined)))
      let team = number % 12 < 4 ? TeamID("s\(number % 12 + 1)") : TeamID("g\(number % 12 - 3)")
      script.add(Self.coordinators[0], at, "join-\(id)", .teamJoined(team: team, member: id, date: joined))
      members.append(id)
      teamOf[id] = team
      if let branch { branchOf[id] = branch }
      figures.registeredVolunteers += 1
      if isParty { figures.partyMemberVolunteers += 1 }
    }
    try script.flush()
  }

  private static let categories: [String: [String]] = [
    "s1": ["助老", "陪诊"], "s2": ["环境整治", "垃圾分类"], "s3": ["治安巡逻", "交通劝导"], "s4": ["助残", "康复陪护"],
    "g1": ["文艺演出"], "g2": ["健身指导"], "g3": ["书画教学"], "g4": ["编织互助"], "g5": ["文艺演出"], "g6": ["读书分享"],
    "g7": ["棋艺交流"], "g8": ["义务理发"],
  ]

  /// Eight records a day from 8 January to 19 November: confirmed ones that make the figures, and a few
  /// rejected, reversed and pending ones that must not count.
  private mutating func serve() throws(LedgerError) {
    let start = LedgerScript.date(2025, 1, 8).daysSinceEpoch
    var confirmed = 0
    var extra = 0
    var day = start
    while confirmed < Self.confirmedRecordCount {
      let date = LocalDate(daysSinceEpoch: day)
      let recordedAt = LedgerScript.time(date.year, date.month, date.day, 18)
      let confirmedAt = LedgerScript.time(date.year, date.month, date.day, 20)
      var decisions: [(ActorID, String, Event)] = []
      for _ in 0..<8 where confirmed < Self.confirmedRecordCount {
        let k = confirmed
        // Record k is member k mod 612's: every volunteer serves four or five times in the year.
        let member = members[k % members.count]
        let minutes = k % 2 == 0 ? 120 : 180
        let served = k < Self.recordsServingTwo ? 2 : 1
        let id = "r\(k + 1)"
        try record(
          id, member: member, date: date, minutes: minutes, served: served, at: recordedAt, recorder: k % 2)
        decisions.append(
          (Self.coordinators[(k + 1) % 2], "ok-\(id)", .serviceConfirmed(record: RecordID(id), points: .zero))
        )
        confirmed += 1
        figures.confirmedRecords += 1
        figures.confirmedMinutes += minutes
        figures.peopleServed += served
      }
      // Every 20th day: one record rejected; every 60th: one confirmed and then reversed.
      if (day - start) % 20 == 10 {
        extra += 1
        let id = "x\(extra)"
        let member = members[(extra * 37) % members.count]
        try record(id, member: member, date: date, minutes: 60, served: 1, at: recordedAt, recorder: 0)
        decisions.append(
          (Self.coordinators[1], "no-\(id)", .serviceRejected(record: RecordID(id), reason: "签到表上无此人")))
      }
      if (day - start) % 60 == 30 {
        extra += 1
        let id = "x\(extra)"
        let member = members[(extra * 41) % members.count]
        try record(id, member: member, date: date, minutes: 90, served: 3, at: recordedAt, recorder: 1)
        decisions.append(
          (Self.coordinators[0], "ok-\(id)", .serviceConfirmed(record: RecordID(id), points: .zero)))
        decisions.append(
          (Self.coordinators[0], "undo-\(id)", .serviceReversed(record: RecordID(id), reason: "重复登记")))
      }
      try script.flush()
      for (actor, id, event) in decisions { script.add(actor, confirmedAt, id, event) }
      try script.flush()
      day += 1
    }
    // The last week's sign-in sheets are recorded but not yet confirmed.
    let last = LocalDate(daysSinceEpoch: day)
    for number in 1...12 {
      let member = members[(number * 53) % members.count]
      try record(
        "p\(number)", member: member, date: last, minutes: 60, served: 1,
        at: LedgerScript.time(last.year, last.month, last.day, 18), recorder: number % 2)
      figures.pendingRecords += 1
    }
    try script.flush()
  }

  private mutating func record(
    _ id: String, member: MemberID, date: LocalDate, minutes: Int, served: Int, at: Timestamp, recorder: Int
  ) throws(LedgerError) {
    recordSerial += 1
    let team = teamOf[member] ?? TeamID("s1")
    let categories = Self.categories[team.rawValue] ?? ["其他"]
    let category = categories[recordSerial % categories.count]
    // Party members bank one record in four on a workplace's card; the hours stay theirs.
    let number = Int(member.rawValue.dropFirst()) ?? 0
    let creditTo: AccountID? =
      branchOf[member] != nil && recordSerial % 4 == 0 ? .card(CardID("p\(number % 12 + 1)")) : nil
    script.add(
      Self.coordinators[recorder], at, id,
      .serviceRecorded(
        ServiceEntry(
          member: member, date: date, minutes: Minutes(minutes), category: category, team: team,
          peopleServed: served,
          place: "朝阳社区\(number % 15 + 1)号院", creditTo: creditTo)))
  }

  /// Check-ins from the twelve workplaces, and a third-quarter meeting and one other activity each.
  private mutating func partyLife() throws(LedgerError) {
    let partyMembers = members.filter { branchOf[$0] != nil }
    let checkInAt = LedgerScript.time(2025, 12, 31, 9)
    for (index, member) in partyMembers.enumerated() {
      guard let branch = branchOf[member] else { continue }
      let date = LedgerScript.date(2025, 1 + index % 6, 10)
      script.add(
        Self.coordinators[0], checkInAt, "checkin-\(member)",
        .partyReported(
          PartyCheckIn(member: member, branch: branch, workplace: Self.workplaces[index % 12], date: date)))
    }
    try script.flush()
    let kinds: [PartyActivityKind] = [.dues, .donation, .wish, .study]
    var decisions: [(ActorID, String, Event)] = []
    for (index, member) in partyMembers.enumerated() {
      guard let branch = branchOf[member], let secretaryIndex = Self.branches.firstIndex(of: branch) else {
        continue
      }
      let secretary = Self.secretaries[secretaryIndex]
      let activities: [(String, PartyActivityKind, LocalDate)] = [
        ("meet-\(member)", .meeting, LedgerScript.date(2025, 7 + index % 3, 15)),
        ("act-\(member)", kinds[index % 4], LedgerScript.date(2025, 1 + index % 12, 20)),
      ]
      for (id, kind, date) in activities {
        script.add(
          Self.coordinators[1], LedgerScript.time(2025, 12, 31, 10), id,
          .partyActivityRecorded(PartyActivity(member: member, kind: kind, date: date)))
        decisions.append((secretary, "ok-\(id)", .partyActivityConfirmed(activity: ActivityID(id))))
      }
    }
    try script.flush()
    for (actor, id, event) in decisions { script.add(actor, LedgerScript.time(2025, 12, 31, 11), id, event) }
    try script.flush()
  }

  /// Gifts between volunteers, a donation to a courtyard card, redemptions and one cancellation.
  private mutating func exchanges() throws(LedgerError) {
    let at = LedgerScript.time(2025, 12, 31, 14)
    // Volunteers who are not party members keep all their points in their own accounts.
    let plain = members.filter { branchOf[$0] == nil }
    for number in 0..<20 {
      let from = plain[number * 29 % plain.count]
      let to = members[(number * 29 + 1) % members.count]
      script.add(
        ActorID(from.rawValue), at, "gift-\(number + 1)",
        .pointsTransferred(
          from: .member(from), to: .member(to), points: Points(hundredths: 100), memo: "邻里互助"))
    }
    script.add(
      ActorID(plain[305].rawValue), at, "donate-1",
      .pointsTransferred(
        from: .member(plain[305]), to: .card(CardID("y1")), points: Points(hundredths: 200), memo: "捐给1号院"))
    try script.flush()
    let redeemAt = LedgerScript.time(2025, 12, 31, 15)
    for number in 0..<30 {
      let member = plain[(number * 19 + 3) % plain.count]
      script.add(
        Self.coordinators[number % 2], redeemAt, "redeem-\(number + 1)",
        .rewardRedeemed(account: .member(member), item: ItemID("haircut"), quantity: 1, points: .zero))
    }
    try script.flush()
    script.add(
      Self.coordinators[0], LedgerScript.time(2025, 12, 31, 16), "cancel-1",
      .redemptionCancelled(redemption: RedemptionID("redeem-1"), reason: "误操作，退回积分"))
    try script.flush()
  }
}
