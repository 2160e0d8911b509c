import Foundation
import TimeBank

/// Writes a deterministic synthetic community log through the library's real write path
/// (`Ledger.create`, then `LedgerScript` batches), so every byte is what the real commands write and
/// every rule is checked as it is written.
///
/// Service happens every day; the office enters it weekly, the way paper sign-in sheets are typed in.
/// A week is a handful of batches, each one actor at one time:
/// - first day, 09:00: a coordinator registers the week's new members (the first tenth of the history);
/// - last day, 08:00: the admin restocks rewards running low and pays out from collective cards;
/// - 10:00, the exchange day (兑换日): the coordinator at the desk hands out redemptions to members
///   who can afford them;
/// - 12:00: a few members give points to neighbours or donate to their courtyard card, each as
///   itself (only a member may spend from its own account);
/// - 18:00: the week's recorder (coordinators take turns) enters the week's service, dated each day,
///   with a member's first team join and a party member's first check-in (双报到) before it;
/// - 21:00: another coordinator confirms it (four eyes), rejecting one record in 200.
///
/// Every rule holds by construction: one record per member per service date of at most 4 hours (the
/// daily cap is 12), spending only what the generator's own bookkeeping says an account holds (checked
/// against the ledger at the end), restocking before stock runs out, and service dates on or before
/// the day they are entered.
struct CommunityGenerator {
  /// A member of the synthetic community and the generator's own bookkeeping for it.
  private struct Member {
    let id: MemberID
    let name: String
    let isPartyMember: Bool
    let branch: Int
    let team: Int
    let courtyard: Int
    let workplace: Int
    /// The card a non-party member sometimes banks service on (courtyard or enterprise).
    let bankCard: Int
    var balance: Int64 = 0
    var hasJoinedTeam = false
    var hasCheckedIn = false
    var lastServiceDay = -1
    var isEarner = false
  }

  /// Where a confirmed record's points go, in the generator's bookkeeping.
  private enum Credit {
    case member
    case card(Int)
  }

  /// A record written today, to be confirmed (or rejected) in the evening.
  private struct RecordedToday {
    let id: RecordID
    let member: Int
    let points: Int64
    let credit: Credit
  }

  let plan: CommunityPlan
  private var random: SeededGenerator
  private var script: LedgerScript
  private var members: [Member] = []
  private var registered = 0
  private var earners: [Int] = []
  private var cardBalances: [Int64]
  private var stock: [Int]
  private(set) var counts = EventCounts()
  private var recordNumber = 0
  private var transferNumber = 0
  private var redemptionNumber = 0
  private var restockNumber = 0
  private let policy = Policy()

  /// Writes a new log at `path` (never over an existing file) and returns what it holds.
  ///
  /// - Throws: `BenchError.generator` when the library refuses a command (a bug in the generator, named
  ///   with the rule) or the file cannot be written, `.usage` for a size out of range.
  /// - Complexity: O(n) commands, each decided and written by the library; the batches themselves
  ///   cost whatever `Ledger.execute` costs per batch.
  static func generate(_ plan: CommunityPlan, at path: String) throws(BenchError) -> GenerationSummary {
    guard (CommunityPlan.minimumEvents...CommunityPlan.maximumEvents).contains(plan.requestedEvents) else {
      throw .usage(
        "--events must be between \(CommunityPlan.minimumEvents) and \(CommunityPlan.maximumEvents)")
    }
    let started = Stopwatch()
    let opening = Command(
      id: "open",
      event: .ledgerOpened(
        community: CommunityCatalogue.community, timeZone: "Asia/Shanghai", policy: Policy()))
    var generator: CommunityGenerator
    do {
      let ledger = try Ledger.create(
        path, opening: opening, actor: CommunityCatalogue.admin, at: time(day: 0, hour: 7))
      // One snapshot at the end rather than one every few thousand lines: the log is the same either way.
      ledger.refreshesSnapshot = false
      generator = CommunityGenerator(plan: plan, ledger: ledger)
      generator.counts.add(opening.event)
      var session = 0
      repeat {
        try generator.simulate(session: session)
        session += 1
      } while generator.counts.total < plan.requestedEvents
      try generator.checkBookkeeping()
      ledger.writeSnapshot()
      return try generator.summary(path: path, days: session * plan.sessionDays, seconds: started.seconds)
    } catch let error as LedgerError {
      throw .generator(path: path, error)
    } catch {
      throw error as? BenchError ?? .io("\(path): \(error)")
    }
  }

  private init(plan: CommunityPlan, ledger: Ledger) {
    self.plan = plan
    random = SeededGenerator(seed: plan.seed)
    script = LedgerScript(ledger: ledger)
    cardBalances = Array(repeating: 0, count: CommunityCatalogue.cards.count)
    stock = CommunityCatalogue.rewards.map(\.stock)
  }

  /// An instant on a simulated day, at Shanghai's +08:00.
  static func time(day: Int, hour: Int) -> Timestamp {
    let days = Int64(CommunityPlan.firstDate.daysSinceEpoch + day)
    return Timestamp(secondsSinceEpoch: days * 86_400 + Int64(hour - 8) * 3600, offsetSeconds: 8 * 3600)
  }

  private mutating func add(_ actor: ActorID, _ at: Timestamp, _ id: String, _ event: Event) {
    counts.add(event)
    script.add(actor, at, id, event)
  }

  private mutating func roll(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }

  // MARK: A session

  /// One office session: the days `first...last` of service, entered on the last day.
  private mutating func simulate(session: Int) throws(LedgerError) {
    let firstDay = session * plan.sessionDays
    let lastDay = firstDay + plan.sessionDays - 1
    if session == 0 { queueSetup(at: .init(day: 0, hour: 8)) }
    queueRegistrations(upTo: lastDay, at: .init(day: firstDay, hour: 9))

    // This session's share of what is left, so the log ends near the requested size whatever the
    // setup cost.
    let remainingSessions = max(1, (plan.dayCount - firstDay + plan.sessionDays - 1) / plan.sessionDays)
    let left = max(0, plan.requestedEvents - counts.total)
    let budget = (left + remainingSessions - 1) / remainingSessions
    let records = max(1, Int((Double(budget) * CommunityPlan.serviceShare / 2).rounded()))
    // Transfers and redemptions catch up with the service written so far, including this session's.
    let serviceAfter = Double(counts.service + 2 * records)
    let transferQuota = max(
      0,
      Int((serviceAfter * CommunityPlan.transferShare / CommunityPlan.serviceShare).rounded())
        - counts.transfers)
    let redemptionQuota = max(
      0,
      Int((serviceAfter * CommunityPlan.redemptionShare / CommunityPlan.serviceShare).rounded())
        - counts.redemptions)
    let givers = min(plan.giversPerSession, transferQuota / 3)

    let office = CommunityCatalogue.coordinators
    queueRestocks(at: .init(day: lastDay, hour: 8), expecting: redemptionQuota)
    queueCardPayouts(max(0, transferQuota - givers * 2), at: .init(day: lastDay, hour: 8))
    queueRedemptions(
      redemptionQuota, by: office[(session + 2) % office.count], at: .init(day: lastDay, hour: 10))
    queueGifts(givers: givers, at: .init(day: lastDay, hour: 12))
    let recorder = office[session % office.count]
    var recorded: [RecordedToday] = []
    for day in firstDay...lastDay {
      // The session's records spread over its days; each day's members are distinct.
      let count =
        records * (day - firstDay + 1) / plan.sessionDays - records * (day - firstDay) / plan.sessionDays
      recorded += queueService(count, day: day, by: recorder, at: .init(day: lastDay, hour: 18))
    }
    queueDecisions(recorded, by: office[(session + 1) % office.count], at: .init(day: lastDay, hour: 21))
    try script.flush()
  }

  /// Branches, teams, cards, roles and the reward catalogue, by the admin on the first morning.
  private mutating func queueSetup(at: Timestamp) {
    let admin = CommunityCatalogue.admin
    for branch in CommunityCatalogue.branches {
      add(admin, at, "branch-\(branch.id)", .branchCreated(branch: branch.id, name: branch.name))
    }
    for team in CommunityCatalogue.teams {
      add(admin, at, "team-\(team.id)", .teamCreated(team: team.id, name: team.name, kind: team.kind))
    }
    for card in CommunityCatalogue.cards {
      add(
        admin, at, "card-\(card.id)",
        .cardOpened(card: card.id, name: card.name, kind: card.kind, holder: card.holder))
    }
    for coordinator in CommunityCatalogue.coordinators {
      add(
        admin, at, "grant-\(coordinator)", .roleGranted(actor: coordinator, role: .coordinator, scope: .all))
    }
    for (secretary, branch) in zip(CommunityCatalogue.secretaries, CommunityCatalogue.branches) {
      add(
        admin, at, "grant-\(secretary)",
        .roleGranted(actor: secretary, role: .secretary, scope: .branch(branch.id)))
    }
    for listing in CommunityCatalogue.rewards {
      add(admin, at, "item-\(listing.item)", .rewardListed(listing))
    }
  }

  /// The roster grows over the first days (members who serve up to `lastDay` are registered at the
  /// start of the session); about a third of the members are party members.
  private mutating func queueRegistrations(upTo lastDay: Int, at: Timestamp) {
    let end = plan.memberCount * min(plan.registrationDays, lastDay + 1) / plan.registrationDays
    let date = at.localDate
    let registrar = CommunityCatalogue.coordinators[0]
    let surnames = CommunityCatalogue.surnames
    let givenNames = CommunityCatalogue.givenNames
    while members.count < end {
      let number = members.count + 1
      let isParty = roll(0..<100) < 35
      let member = Member(
        id: MemberID("m" + CommunityGenerator.padded(number, 5)),
        name: String(surnames[roll(0..<surnames.count)]) + givenNames[roll(0..<givenNames.count)],
        isPartyMember: isParty, branch: roll(0..<CommunityCatalogue.branches.count),
        team: roll(0..<CommunityCatalogue.teams.count),
        courtyard: roll(0..<CommunityCatalogue.courtyardCount),
        workplace: roll(0..<CommunityCatalogue.workplaces.count),
        bankCard: roll(0..<5) == 0
          ? CommunityCatalogue.enterpriseCard(roll(0..<CommunityCatalogue.enterprises.count))
          : CommunityCatalogue.courtyardCard(roll(0..<CommunityCatalogue.courtyardCount)))
      members.append(member)
      add(
        registrar, at, "reg-\(member.id)",
        .memberRegistered(
          MemberRegistration(
            member: member.id, name: member.name, isPartyMember: isParty,
            branch: isParty ? CommunityCatalogue.branches[member.branch].id : nil, joined: date)))
    }
    registered = members.count
  }

  /// Restocks, by the admin in the morning, any reward that the day's redemptions could run out of.
  private mutating func queueRestocks(at: Timestamp, expecting redemptions: Int) {
    let threshold = 100 + 4 * redemptions / max(1, stock.count)
    for (index, listing) in CommunityCatalogue.rewards.enumerated() where stock[index] < threshold {
      let quantity = 10 * threshold
      restockNumber += 1
      add(
        CommunityCatalogue.admin, at, "restock\(restockNumber)",
        .rewardRestocked(item: listing.item, quantity: quantity))
      stock[index] += quantity
    }
  }

  /// Collective cards paying members out (院落集体奖励, 单位党组织奖励, 企业爱心积分), by the admin.
  private mutating func queueCardPayouts(_ count: Int, at: Timestamp) {
    guard registered > 0 else { return }
    let admin = CommunityCatalogue.admin
    for _ in 0..<count {
      for _ in 0..<6 {
        let card = roll(0..<cardBalances.count)
        let amount = Int64(50 * roll(1..<5))
        guard cardBalances[card] >= amount else { continue }
        let receiver = roll(0..<registered)
        let kind = CommunityCatalogue.cards[card].kind
        transferNumber += 1
        add(
          admin, at, "t\(transferNumber)",
          .pointsTransferred(
            from: .card(CommunityCatalogue.cards[card].id), to: .member(members[receiver].id),
            points: Points(hundredths: amount), memo: CommunityCatalogue.payoutMemos[kind]))
        cardBalances[card] -= amount
        credit(member: receiver, amount)
        break
      }
    }
  }

  /// Members redeeming rewards at the community desk; the coordinator on duty hands them out.
  private mutating func queueRedemptions(_ count: Int, by desk: ActorID, at: Timestamp) {
    let rewards = CommunityCatalogue.rewards
    for _ in 0..<count where !earners.isEmpty {
      for _ in 0..<6 {
        let member = earners[roll(0..<earners.count)]
        let item = roll(0..<rewards.count)
        let quantity = rewards[item].kind == .goods && roll(0..<5) == 0 ? 2 : 1
        let cost = rewards[item].price.hundredths * Int64(quantity)
        guard members[member].balance >= cost, stock[item] >= quantity else { continue }
        redemptionNumber += 1
        add(
          desk, at, "r\(redemptionNumber)",
          .rewardRedeemed(
            account: .member(members[member].id), item: rewards[item].item, quantity: quantity,
            points: .zero)
        )
        members[member].balance -= cost
        stock[item] -= quantity
        break
      }
    }
  }

  /// A few members, each acting as itself, give points to neighbours or donate to their courtyard card.
  private mutating func queueGifts(givers: Int, at: Timestamp) {
    guard registered > 1, !earners.isEmpty else { return }
    var today: [Int] = []
    for _ in 0..<givers {
      for _ in 0..<6 {
        let giver = earners[roll(0..<earners.count)]
        guard members[giver].balance >= 500, !today.contains(giver) else { continue }
        today.append(giver)
        let actor = ActorID(members[giver].id.rawValue)
        for _ in 0..<(1 + roll(0..<3)) {
          let amount = Int64(50 * roll(1..<3))
          guard members[giver].balance >= amount else { break }
          transferNumber += 1
          members[giver].balance -= amount
          if roll(0..<4) == 0 {
            let courtyard = members[giver].courtyard
            let card = CommunityCatalogue.courtyardCard(courtyard)
            add(
              actor, at, "t\(transferNumber)",
              .pointsTransferred(
                from: .member(members[giver].id), to: .card(CommunityCatalogue.cards[card].id),
                points: Points(hundredths: amount), memo: "捐给\(courtyard + 1)号院集体"))
            cardBalances[card] += amount
          } else {
            var receiver = roll(0..<registered - 1)
            if receiver >= giver { receiver += 1 }
            let memos = CommunityCatalogue.giftMemos
            add(
              actor, at, "t\(transferNumber)",
              .pointsTransferred(
                from: .member(members[giver].id), to: .member(members[receiver].id),
                points: Points(hundredths: amount), memo: memos[roll(0..<memos.count)]))
            credit(member: receiver, amount)
          }
        }
        break
      }
    }
  }

  /// One day's service, entered from the sign-in sheet by the coordinator on duty: one record per member
  /// at most, 1 to 4 hours, with the member's first team join and first check-in when due.
  private mutating func queueService(_ wanted: Int, day: Int, by recorder: ActorID, at: Timestamp)
    -> [RecordedToday]
  {
    let date = LocalDate(daysSinceEpoch: CommunityPlan.firstDate.daysSinceEpoch + day)
    let count = min(wanted, registered / 2)
    var recorded: [RecordedToday] = []
    recorded.reserveCapacity(count)
    let durations = [60, 90, 120, 120, 150, 180, 240]
    for _ in 0..<count {
      var index = roll(0..<registered)
      while members[index].lastServiceDay == day { index = roll(0..<registered) }
      members[index].lastServiceDay = day
      let member = members[index]
      let team = CommunityCatalogue.teams[member.team]
      if !member.hasJoinedTeam {
        add(recorder, at, "join-\(member.id)", .teamJoined(team: team.id, member: member.id, date: date))
        members[index].hasJoinedTeam = true
      }
      if member.isPartyMember && !member.hasCheckedIn {
        let branch = CommunityCatalogue.branches[member.branch].id
        let workplace = CommunityCatalogue.cards[CommunityCatalogue.unitCard(member.workplace)].holder
        add(
          recorder, at, "report-\(member.id)",
          .partyReported(PartyCheckIn(member: member.id, branch: branch, workplace: workplace, date: date)))
        members[index].hasCheckedIn = true
      }
      let minutes = Minutes(durations[roll(0..<durations.count)])
      let category = team.categories[roll(0..<team.categories.count)]
      // Party members bank one record in three on their unit's card; others one in five on a
      // courtyard or enterprise card. The hours stay the member's.
      var credit = Credit.member
      if member.isPartyMember ? roll(0..<3) == 0 : roll(0..<5) == 0 {
        let unit = CommunityCatalogue.unitCard(member.workplace)
        credit = .card(member.isPartyMember ? unit : member.bankCard)
      }
      let creditTo: AccountID? =
        switch credit {
        case .member: nil
        case .card(let card): .card(CommunityCatalogue.cards[card].id)
        }
      recordNumber += 1
      let id = RecordID("s\(recordNumber)")
      add(
        recorder, at, id.rawValue,
        .serviceRecorded(
          ServiceEntry(
            member: member.id, date: date, minutes: minutes, category: category, team: team.id,
            peopleServed: 1 + roll(0..<10), place: "\(member.courtyard + 1)号院", creditTo: creditTo)))
      let points = policy.points(for: minutes, category: category).hundredths
      recorded.append(RecordedToday(id: id, member: index, points: points, credit: credit))
    }
    return recorded
  }

  /// Another coordinator confirms the day's records in the evening (four eyes).
  private mutating func queueDecisions(_ recorded: [RecordedToday], by confirmer: ActorID, at: Timestamp) {
    for record in recorded {
      if roll(0..<200) == 0 {
        add(confirmer, at, "\(record.id)-no", .serviceRejected(record: record.id, reason: "签到表上没有此人"))
        continue
      }
      add(confirmer, at, "\(record.id)-ok", .serviceConfirmed(record: record.id, points: .zero))
      switch record.credit {
      case .member: credit(member: record.member, record.points)
      case .card(let card): cardBalances[card] += record.points
      }
    }
  }

  private mutating func credit(member: Int, _ amount: Int64) {
    members[member].balance += amount
    if !members[member].isEarner {
      members[member].isEarner = true
      earners.append(member)
    }
  }

  // MARK: The end

  /// Compares the generator's bookkeeping with the ledger's own balances, so a drift is a loud bug
  /// rather than a quietly different benchmark.
  private func checkBookkeeping() throws(BenchError) {
    let state = script.ledger.state
    for member in members where state.balance(of: .member(member.id)).hundredths != member.balance {
      throw .internalError(
        "the generator's bookkeeping says \(member.id) holds \(Points(hundredths: member.balance)), "
          + "the ledger says \(state.balance(of: .member(member.id)))")
    }
    for (index, card) in CommunityCatalogue.cards.enumerated()
    where state.balance(of: .card(card.id)).hundredths != cardBalances[index] {
      throw .internalError("the generator's bookkeeping disagrees with the ledger on card \(card.id)")
    }
  }

  private func summary(path: String, days: Int, seconds: Double) throws(BenchError) -> GenerationSummary {
    let ledger = script.ledger
    var attributes = stat()
    guard stat(path, &attributes) == 0 else {
      throw .io("\(path): cannot stat the generated log (\(String(cString: strerror(errno))))")
    }
    // The richest member pays for the append benchmark; the first member is whose balance is read.
    var richest = 0
    for index in members.indices where members[index].balance > members[richest].balance { richest = index }
    let receiver = richest == 0 ? 1 : 0
    return GenerationSummary(
      requestedEvents: plan.requestedEvents, seed: plan.seed, events: ledger.state.lastSeq,
      bytes: Int(attributes.st_size), members: members.count, teams: CommunityCatalogue.teams.count,
      days: days, firstDate: CommunityPlan.firstDate.description,
      lastDate: LocalDate(daysSinceEpoch: CommunityPlan.firstDate.daysSinceEpoch + days - 1).description,
      counts: counts, seconds: seconds, balanceMember: members[0].id.rawValue,
      payer: members[richest].id.rawValue, payerBalance: members[richest].balance,
      payee: members[receiver].id.rawValue, headHash: ledger.state.headHash)
  }

  static func padded(_ number: Int, _ width: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}

extension Timestamp {
  /// An instant on a simulated day (see `CommunityGenerator.time(day:hour:)`).
  fileprivate init(day: Int, hour: Int) {
    self = CommunityGenerator.time(day: day, hour: hour)
  }
}
