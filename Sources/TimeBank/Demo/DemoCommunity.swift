/// Builds the sample community ledger `timebank demo` shows: about 40 volunteers (a dozen of them
/// party members), four teams, a party branch, a card of each kind, four months of recorded and
/// confirmed service, transfers, a reward catalogue with redemptions, one rejected and one reversed
/// record. Deterministic: its own fixed timeline and seed, never the clock.
public struct DemoCommunity {
  public static let community = "幸福里社区"
  public static let admin = ActorID("admin")
  /// Coordinator for every team.
  public static let coordinator = ActorID("zhao")
  /// A second coordinator for every team, so records can be confirmed by someone else (four eyes).
  public static let secondCoordinator = ActorID("sun")
  /// Coordinator for the elder-care team only.
  public static let teamCoordinator = ActorID("li")
  /// Secretary of the party branch.
  public static let secretary = ActorID("wang")

  private var random = SeededGenerator(seed: 20_250_301)
  private var script: LedgerScript
  private var members: [MemberID] = []
  private var partyMembers: [MemberID] = []
  private var teamOf: [MemberID: TeamID] = [:]
  private var recordCount = 0

  /// Writes the demo ledger to a new file at `path` (never over an existing file).
  ///
  /// - Returns: the ledger, still holding its lock, for the caller to read.
  /// - Throws: `LedgerError` if the file exists or cannot be written (a rule refusing the demo's own
  ///   commands would be a bug, and is reported the same way).
  public static func build(at path: String) throws(LedgerError) -> Ledger {
    let opening = Command(
      id: "open",
      event: .ledgerOpened(
        community: community, timeZone: "Asia/Shanghai",
        policy: Policy(categoryRates: ["助老": Points(hundredths: 150)])))
    let ledger = try Ledger.create(path, opening: opening, actor: admin, at: time(2025, 3, 1, 9))
    var demo = DemoCommunity(ledger: ledger)
    try demo.run()
    return ledger
  }

  private init(ledger: Ledger) { script = LedgerScript(ledger: ledger) }

  private var ledger: Ledger { script.ledger }

  static func time(_ year: Int, _ month: Int, _ day: Int, _ hour: Int) -> Timestamp {
    LedgerScript.time(year, month, day, hour)
  }

  private mutating func add(_ actor: ActorID, _ at: Timestamp, _ id: String, _ event: Event) {
    script.add(actor, at, id, event)
  }

  private mutating func flush() throws(LedgerError) { try script.flush() }

  private mutating func run() throws(LedgerError) {
    let setup = DemoCommunity.time(2025, 3, 1, 10)
    let admin = DemoCommunity.admin
    add(admin, setup, "branch-1", .branchCreated(branch: BranchID("b1"), name: "幸福里社区第一党支部"))
    let teams: [(String, String, TeamKind)] = [
      ("elder", "助老服务队", .serviceTeam), ("green", "环保志愿队", .serviceTeam),
      ("patrol", "平安巡逻队", .serviceTeam), ("arts", "夕阳红文艺队", .selfOrganised),
    ]
    for (id, name, kind) in teams {
      add(admin, setup, "team-\(id)", .teamCreated(team: TeamID(id), name: name, kind: kind))
    }
    add(
      admin, setup, "card-tax",
      .cardOpened(card: CardID("tax"), name: "区税务局党组织储蓄卡", kind: .partyOrganisation, holder: "区税务局机关党委"))
    add(
      admin, setup, "card-shop",
      .cardOpened(card: CardID("shop"), name: "便民超市企业卡", kind: .enterprise, holder: "幸福里便民超市"))
    add(
      admin, setup, "card-yard3",
      .cardOpened(card: CardID("yard3"), name: "3号院院落集体卡", kind: .courtyard, holder: "3号院居民"))
    add(
      admin, setup, "grant-zhao",
      .roleGranted(actor: DemoCommunity.coordinator, role: .coordinator, scope: .all))
    add(
      admin, setup, "grant-sun",
      .roleGranted(actor: DemoCommunity.secondCoordinator, role: .coordinator, scope: .all))
    add(
      admin, setup, "grant-li",
      .roleGranted(actor: DemoCommunity.teamCoordinator, role: .coordinator, scope: .team(TeamID("elder"))))
    add(
      admin, setup, "grant-wang",
      .roleGranted(actor: DemoCommunity.secretary, role: .secretary, scope: .branch(BranchID("b1"))))
    let rewards: [(String, String, RewardKind, Int64, Int)] = [
      ("rice", "东北大米5kg", .goods, 2000, 30), ("oil", "食用油1.8L", .goods, 1500, 20),
      ("haircut", "理发服务", .service, 500, 50), ("repair", "上门家电维修", .service, 1000, 10),
    ]
    for (id, name, kind, price, stock) in rewards {
      add(
        admin, setup, "item-\(id)",
        .rewardListed(
          RewardListing(
            item: ItemID(id), name: name, kind: kind, price: Points(hundredths: price), stock: stock)))
    }
    try flush()

    // Forty volunteers; every third is a party member of branch b1.
    let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    let givens = ["秀英", "桂兰", "建国", "志强", "丽华", "海燕", "明", "芳", "伟", "军", "玉珍", "国庆", "淑芬", "红梅", "德华"]
    let registration = DemoCommunity.time(2025, 3, 2, 9)
    for index in 1...40 {
      let id = MemberID("m\(index < 10 ? "0" : "")\(index)")
      let name = String(surnames[(index * 7) % surnames.count]) + givens[(index * 4) % givens.count]
      let isParty = index % 3 == 0
      members.append(id)
      if isParty { partyMembers.append(id) }
      add(
        DemoCommunity.coordinator, registration, "reg-\(id)",
        .memberRegistered(
          MemberRegistration(
            member: id, name: name, isPartyMember: isParty, branch: isParty ? BranchID("b1") : nil,
            joined: LocalDate(year: 2025, month: 3, day: 2) ?? LocalDate(daysSinceEpoch: 0))))
      let team = TeamID(teams[index % teams.count].0)
      teamOf[id] = team
      add(
        DemoCommunity.coordinator, registration, "join-\(id)",
        .teamJoined(
          team: team, member: id,
          date: LocalDate(year: 2025, month: 3, day: 2) ?? LocalDate(daysSinceEpoch: 0)))
    }
    try flush()

    // Service through March to June: twice a week, each team goes out and its coordinator records it.
    var day = (LocalDate(year: 2025, month: 3, day: 4) ?? LocalDate(daysSinceEpoch: 0)).daysSinceEpoch
    let end = (LocalDate(year: 2025, month: 6, day: 28) ?? LocalDate(daysSinceEpoch: 0)).daysSinceEpoch
    let categories: [TeamID: [String]] = [
      TeamID("elder"): ["助老", "陪诊"], TeamID("green"): ["环境整治", "垃圾分类"],
      TeamID("patrol"): ["治安巡逻", "交通劝导"], TeamID("arts"): ["文艺演出", "文化活动"],
    ]
    // Party life happens on its own days; keep the log in time order, as a real one is.
    var partyDays =
      [(DemoCommunity.time(2025, 3, 5, 16), 0)] + (3...6).map { (DemoCommunity.time(2025, $0, 25, 16), $0) }
    while day <= end {
      let date = LocalDate(daysSinceEpoch: day)
      let recordedAt = DemoCommunity.time(date.year, date.month, date.day, 18)
      while let (at, month) = partyDays.first, at < recordedAt {
        partyDays.removeFirst()
        if month == 0 { try checkIns() } else { try partyActivities(month: month) }
      }
      var confirmations: [(RecordID, ActorID)] = []
      for member in members where Int.random(in: 0..<10, using: &random) < 3 {
        guard let team = teamOf[member] else { continue }
        let minutes = [60, 90, 120, 150, 180, 240][Int.random(in: 0..<6, using: &random)]
        let category = categories[team]?[Int.random(in: 0..<2, using: &random)] ?? "其他"
        // Party members of the tax bureau bank one record in three on their unit's card.
        let creditTo: AccountID? =
          partyMembers.contains(member) && Int.random(in: 0..<3, using: &random) == 0
          ? .card(CardID("tax")) : nil
        recordCount += 1
        let id = RecordID("s\(recordCount)")
        let recorder =
          team == TeamID("elder") && recordCount % 2 == 0
          ? DemoCommunity.teamCoordinator : DemoCommunity.coordinator
        add(
          recorder, recordedAt, id.rawValue,
          .serviceRecorded(
            ServiceEntry(
              member: member, date: date, minutes: Minutes(minutes), category: category, team: team,
              peopleServed: Int.random(in: 1...8, using: &random),
              place: "幸福里\(Int.random(in: 1...6, using: &random))号院", creditTo: creditTo)))
        // Someone other than the recorder confirms: the elder team's own coordinator, the branch
        // secretary for party members, or the second coordinator.
        let confirmer =
          recorder == DemoCommunity.teamCoordinator
          ? DemoCommunity.coordinator
          : team == TeamID("elder")
            ? DemoCommunity.teamCoordinator
            : partyMembers.contains(member) ? DemoCommunity.secretary : DemoCommunity.secondCoordinator
        confirmations.append((id, confirmer))
      }
      try flush()
      let confirmedAt = DemoCommunity.time(date.year, date.month, date.day, 21)
      for (id, confirmer) in confirmations {
        if id.rawValue == "s7" {
          add(confirmer, confirmedAt, "reject-\(id)", .serviceRejected(record: id, reason: "签到表上没有此人"))
        } else {
          add(confirmer, confirmedAt, "confirm-\(id)", .serviceConfirmed(record: id, points: .zero))
        }
      }
      try flush()
      day += Int.random(in: 3...4, using: &random)
    }
    for (_, month) in partyDays { try partyActivities(month: month) }
    try exchanges()
  }

  /// Party members check in from their workplaces (双报到).
  private mutating func checkIns() throws(LedgerError) {
    let workplaces = ["区税务局机关党委", "市第一医院党委", "幸福里小学党支部"]
    let checkInDate = LocalDate(year: 2025, month: 3, day: 5) ?? LocalDate(daysSinceEpoch: 0)
    for (index, member) in partyMembers.enumerated() {
      add(
        DemoCommunity.coordinator, DemoCommunity.time(2025, 3, 5, 16), "checkin-\(member)",
        .partyReported(
          PartyCheckIn(
            member: member, branch: BranchID("b1"), workplace: workplaces[index % workplaces.count],
            date: checkInDate)))
    }
    try flush()
  }

  /// A month's meetings, dues (March and June), and one wish, donation or study per member over the
  /// months, recorded by the coordinator on the 25th and confirmed by the branch secretary an hour later.
  private mutating func partyActivities(month: Int) throws(LedgerError) {
    let extras: [PartyActivityKind] = [.wish, .donation, .study]
    do {
      let recordedAt = DemoCommunity.time(2025, month, 25, 16)
      var ids: [ActivityID] = []
      for (index, member) in partyMembers.enumerated() {
        var kinds: [PartyActivityKind] = [.meeting]
        if month == 3 || month == 6 { kinds.append(.dues) }
        if month == 3 + index % 4 { kinds.append(extras[index % extras.count]) }
        // One member in four misses May's meeting.
        if month == 5 && index % 4 == 1 { kinds.removeFirst() }
        for kind in kinds {
          let id = ActivityID("act-\(month)-\(member)-\(kind.rawValue)")
          add(
            DemoCommunity.coordinator, recordedAt, id.rawValue,
            .partyActivityRecorded(
              PartyActivity(
                member: member, kind: kind,
                date: LocalDate(year: 2025, month: month, day: 25) ?? LocalDate(daysSinceEpoch: 0),
                note: kind == .wish ? "认领3号院独居老人微心愿" : nil)))
          ids.append(id)
        }
      }
      try flush()
      for id in ids {
        add(
          DemoCommunity.secretary, DemoCommunity.time(2025, month, 25, 17), "ok-\(id)",
          .partyActivityConfirmed(activity: id))
      }
      try flush()
    }
  }

  private mutating func exchanges() throws(LedgerError) {
    // A reversed record, and its correction recorded anew, linked to it.
    let reversed = RecordID("s12")
    if let record = ledger.state.records[reversed], case .confirmed = record.status {
      let at = DemoCommunity.time(2025, 6, 29, 10)
      add(
        DemoCommunity.coordinator, at, "reverse-s12",
        .serviceReversed(record: reversed, reason: "时长登记错误，应为1小时"))
      var corrected = record.entry
      corrected.minutes = Minutes(60)
      corrected.replaces = reversed
      add(DemoCommunity.coordinator, at, "s12-corrected", .serviceRecorded(corrected))
      try flush()
      add(
        DemoCommunity.secondCoordinator, DemoCommunity.time(2025, 6, 29, 11), "confirm-s12-corrected",
        .serviceConfirmed(record: RecordID("s12-corrected"), points: .zero))
      try flush()
    }
    // Point exchanges: gifts between volunteers, a donation to the courtyard card, the card paying out.
    let transferAt = DemoCommunity.time(2025, 6, 30, 9)
    let rich = members.sorted {
      ledger.state.balance(of: .member($0)) > ledger.state.balance(of: .member($1))
    }
    for (index, giver) in rich.prefix(4).enumerated() {
      let receiver = members[(index * 11 + 5) % members.count]
      add(
        ActorID(giver.rawValue), transferAt, "gift-\(giver)",
        .pointsTransferred(
          from: .member(giver), to: .member(receiver), points: Points(hundredths: 300), memo: "赠送给邻居"))
    }
    if let donor = rich.dropFirst(4).first {
      add(
        ActorID(donor.rawValue), transferAt, "donate-\(donor)",
        .pointsTransferred(
          from: .member(donor), to: .card(CardID("yard3")), points: Points(hundredths: 500), memo: "捐给3号院集体"))
    }
    try flush()
    add(
      DemoCommunity.admin, DemoCommunity.time(2025, 6, 30, 10), "yard3-pays",
      .pointsTransferred(
        from: .card(CardID("yard3")), to: .member(members[0]), points: Points(hundredths: 200), memo: "院落集体奖励"
      ))
    try flush()
    // Redemptions: volunteers at the desk, and a coordinator handing out goods.
    let redeemAt = DemoCommunity.time(2025, 6, 30, 15)
    for (index, member) in rich.dropFirst(5).prefix(10).enumerated() {
      let item = ["rice", "oil", "haircut", "repair"][index % 4]
      let actor = index % 2 == 0 ? ActorID(member.rawValue) : DemoCommunity.coordinator
      add(
        actor, redeemAt, "redeem-\(member)",
        .rewardRedeemed(account: .member(member), item: ItemID(item), quantity: 1, points: .zero))
    }
    add(
      DemoCommunity.admin, redeemAt, "redeem-tax",
      .rewardRedeemed(account: .card(CardID("tax")), item: ItemID("rice"), quantity: 2, points: .zero))
    try flush()
    if let first = rich.dropFirst(5).first {
      add(
        DemoCommunity.coordinator, DemoCommunity.time(2025, 6, 30, 16), "cancel-\(first)",
        .redemptionCancelled(redemption: RedemptionID("redeem-\(first)"), reason: "库存登记错误，退回积分"))
    }
    add(
      DemoCommunity.admin, DemoCommunity.time(2025, 6, 30, 17), "restock-rice",
      .rewardRestocked(item: ItemID("rice"), quantity: 20))
    try flush()
  }
}
