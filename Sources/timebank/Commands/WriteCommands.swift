import TimeBank

extension Context {
  /// The one write path of the command line: open (lock, verify), build the event from the current
  /// state, decide and append, then say what happened.
  mutating func write(_ build: (LedgerState, LocalDate) throws(Failure) -> Event) throws(Failure) {
    let actor = try actor()
    let now = try now()
    let id = try parsed.value("id").map { (text: String) throws(Failure) in try identifier("id", text) }
    let ledger: Ledger
    do {
      ledger = try Ledger.open(logPath)
    } catch {
      throw Failure(error)
    }
    let event = try build(ledger.state, ledger.state.localDate(of: now))
    let outcome: Outcome
    do {
      outcome = try ledger.execute(Command(id: id, event: event), actor: actor, at: now)
    } catch {
      throw Failure(error)
    }
    report(outcome, state: ledger.state)
  }

  mutating func report(_ outcome: Outcome, state: LedgerState) {
    let record = outcome.record
    switch outcome {
    case .alreadyRecorded:
      print(
        words(.outcomeAlreadyRecorded, ["type": record.event.typeName, "id": record.id, "seq": record.seq]))
    case .appended:
      print(words(.outcomeRecorded, ["type": record.event.typeName, "id": record.id, "seq": record.seq]))
      switch record.event {
      case .serviceRecorded(let entry):
        print(
          words(
            .outcomeServiceRecorded,
            [
              "id": record.id, "member": entry.member, "date": entry.date, "hours": entry.minutes.hoursText,
              "category": entry.category,
            ]))
      case .serviceConfirmed(let id, let points):
        if let entry = state.records[id]?.entry {
          print(
            words(
              .outcomeServiceConfirmed,
              [
                "points": points, "account": entry.creditTo, "hours": entry.minutes.hoursText,
                "member": entry.member,
              ]))
        }
      case .pointsTransferred(let from, let to, let points, _):
        print(
          words(
            .outcomeTransferred,
            [
              "points": points, "from": from, "fromBalance": state.balance(of: from), "to": to,
              "toBalance": state.balance(of: to),
            ]))
      case .rewardRedeemed(let account, _, _, let points):
        print(
          words(
            .outcomeRedeemed,
            ["points": points, "account": account, "balance": state.balance(of: account), "id": record.id]))
      default:
        break
      }
    }
  }
}

/// Handlers of the commands that append to the log.
enum WriteCommands {
  static func initialise(_ context: inout Context) throws(Failure) {
    let actor = try context.actor()
    let now = try context.now()
    var policy = Policy()
    if let text = context.parsed.value("points-per-hour") {
      policy.pointsPerHour = try context.points("points-per-hour", text)
    }
    if let text = context.parsed.value("daily-cap-hours") {
      policy.dailyCap = try context.hours("daily-cap-hours", text)
    }
    if let text = context.parsed.value("party-target-hours") {
      policy.partyAnnualTarget = try context.hours("party-target-hours", text)
    }
    let event = Event.ledgerOpened(
      community: context.parsed.value("community") ?? "",
      timeZone: context.parsed.value("time-zone") ?? "Asia/Shanghai",
      policy: policy)
    let id = try context.parsed.value("id").map { (text: String) throws(Failure) in
      try context.identifier("id", text)
    }
    do {
      let ledger = try Ledger.create(
        context.logPath, opening: Command(id: id ?? "open", event: event), actor: actor, at: now)
      context.print(
        context.words(
          .outcomeCreated, ["path": context.logPath, "community": ledger.state.community, "actor": actor]))
    } catch {
      throw Failure(error)
    }
  }

  static func setPolicy(_ context: inout Context) throws(Failure) {
    let parsed = context.parsed
    var rates: [String: Points] = [:]
    for assignment in parsed.values("rate") {
      guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
        throw context.usage("rate", assignment, context.words(.reasonRate))
      }
      rates[String(assignment[..<equals])] = try context.points(
        "rate", String(assignment[assignment.index(after: equals)...]))
    }
    let effective = try context.date("effective")
    let perHour = try parsed.value("points-per-hour").map { (text: String) throws(Failure) in
      try context.points("points-per-hour", text)
    }
    let cap = try parsed.value("daily-cap-hours").map { (text: String) throws(Failure) in
      try context.hours("daily-cap-hours", text)
    }
    let target = try parsed.value("party-target-hours").map { (text: String) throws(Failure) in
      try context.hours("party-target-hours", text)
    }
    try context.write { state, _ throws(Failure) in
      var policy = state.currentPolicy
      if let perHour { policy.pointsPerHour = perHour }
      policy.categoryRates.merge(rates) { $1 }
      if let cap { policy.dailyCap = cap }
      if let target { policy.partyAnnualTarget = target }
      return .policyChanged(effective: effective ?? LocalDate(daysSinceEpoch: 0), policy: policy)
    }
  }

  static func addMember(_ context: inout Context) throws(Failure) {
    let id = MemberID(try context.identifier("member", context.positional(0)))
    let joined = try context.date("joined")
    let name = context.parsed.value("name") ?? ""
    let isParty = context.parsed.has("party")
    let branch = context.parsed.value("branch").map(BranchID.init)
    try context.write { _, today in
      .memberRegistered(
        MemberRegistration(
          member: id, name: name, isPartyMember: isParty, branch: branch, joined: joined ?? today))
    }
  }

  static func changeMember(_ context: inout Context) throws(Failure) {
    let parsed = context.parsed
    if parsed.has("party") && parsed.has("not-party") {
      throw context.usage("not-party", "", context.words(.reasonPartyOrNot))
    }
    let party: Bool? = parsed.has("party") ? true : parsed.has("not-party") ? false : nil
    let change = MemberChange(
      member: MemberID(context.positional(0)), name: parsed.value("name"), isPartyMember: party,
      branch: parsed.value("branch").map(BranchID.init))
    try context.write { _, _ in .memberChanged(change) }
  }

  static func memberLeaves(_ context: inout Context) throws(Failure) {
    let member = MemberID(context.positional(0))
    let date = try context.date("date")
    try context.write { _, today in .memberLeft(member: member, date: date ?? today) }
  }

  static func addTeam(_ context: inout Context) throws(Failure) {
    let team = TeamID(try context.identifier("team", context.positional(0)))
    let kindText = context.parsed.value("kind") ?? TeamKind.serviceTeam.rawValue
    guard let kind = TeamKind(rawValue: kindText) else {
      throw context.usage("kind", kindText, context.words(.reasonTeamKind))
    }
    let name = context.parsed.value("name") ?? ""
    try context.write { _, _ in .teamCreated(team: team, name: name, kind: kind) }
  }

  static func joinOrLeaveTeam(_ context: inout Context, joining: Bool) throws(Failure) {
    let team = TeamID(context.positional(0))
    let member = MemberID(context.positional(1))
    let date = try context.date("date")
    try context.write { _, today in
      joining
        ? .teamJoined(team: team, member: member, date: date ?? today)
        : .teamLeft(team: team, member: member, date: date ?? today)
    }
  }

  static func addBranch(_ context: inout Context) throws(Failure) {
    let branch = BranchID(try context.identifier("branch", context.positional(0)))
    let name = context.parsed.value("name") ?? ""
    try context.write { _, _ in .branchCreated(branch: branch, name: name) }
  }

  static func openCard(_ context: inout Context) throws(Failure) {
    let card = CardID(try context.identifier("card", context.positional(0)))
    let kindText = context.parsed.value("kind") ?? ""
    guard let kind = CardKind(rawValue: kindText) else {
      throw context.usage("kind", kindText, context.words(.reasonCardKind))
    }
    let name = context.parsed.value("name") ?? ""
    let holder = context.parsed.value("holder") ?? ""
    try context.write { _, _ in .cardOpened(card: card, name: name, kind: kind, holder: holder) }
  }

  static func changeRole(_ context: inout Context, granting: Bool) throws(Failure) {
    let grantee = ActorID(context.positional(0))
    guard let role = Role(rawValue: context.positional(1)) else {
      throw context.usage("role", context.positional(1), context.words(.reasonRole))
    }
    let scopeText = context.parsed.value("scope") ?? "all"
    guard let scope = RoleScope(scopeText) else {
      throw context.usage("scope", scopeText, context.words(.reasonScope))
    }
    try context.write { _, _ in
      granting
        ? .roleGranted(actor: grantee, role: role, scope: scope)
        : .roleRevoked(actor: grantee, role: role, scope: scope)
    }
  }

  static func recordService(_ context: inout Context) throws(Failure) {
    let parsed = context.parsed
    let minutes: Minutes
    switch (parsed.value("hours"), parsed.value("minutes")) {
    case (let hours?, nil): minutes = try context.hours("hours", hours)
    case (nil, let text?):
      guard let value = Int(text), value.magnitude <= 1_000_000 else {
        throw context.usage("minutes", text, context.words(.reasonMinutes))
      }
      minutes = Minutes(value)
    case (nil, nil): throw .usage(.missingOption(path: parsed.path, option: "--hours", valueName: "hours"))
    case (_?, _?):
      throw context.usage("minutes", parsed.value("minutes") ?? "", context.words(.reasonHoursOrMinutes))
    }
    guard let date = try context.date("date") else {
      throw .usage(.missingOption(path: parsed.path, option: "--date", valueName: "date"))
    }
    var served = 0
    if let count = try context.integer("served") { served = count }
    let member = MemberID(context.positional(0))
    let creditText = parsed.value("credit-to")
    let lookup = context
    try context.write { state, _ throws(Failure) in
      let creditTo = try creditText.map { (text: String) throws(Failure) in
        try lookup.account("credit-to", text, in: state)
      }
      return .serviceRecorded(
        ServiceEntry(
          member: member, date: date, minutes: minutes, category: parsed.value("category") ?? "",
          team: parsed.value("team").map(TeamID.init), peopleServed: served, place: parsed.value("place"),
          creditTo: creditTo, note: parsed.value("note"),
          replaces: parsed.value("replaces").map(RecordID.init)))
    }
  }

  static func decideService(_ context: inout Context, _ decision: String) throws(Failure) {
    let record = RecordID(context.positional(0))
    let reason = context.parsed.value("reason") ?? ""
    try context.write { _, _ in
      switch decision {
      case "confirm": .serviceConfirmed(record: record, points: .zero)
      case "reject": .serviceRejected(record: record, reason: reason)
      default: .serviceReversed(record: record, reason: reason)
      }
    }
  }

  static func transfer(_ context: inout Context) throws(Failure) {
    let points = try context.points("points", context.positional(2))
    let memo = context.parsed.value("memo")
    let fromText = context.positional(0)
    let toText = context.positional(1)
    let lookup = context
    try context.write { state, _ throws(Failure) in
      .pointsTransferred(
        from: try lookup.account("from", fromText, in: state),
        to: try lookup.account("to", toText, in: state),
        points: points, memo: memo)
    }
  }

  static func addReward(_ context: inout Context) throws(Failure) {
    let item = ItemID(try context.identifier("item", context.positional(0)))
    let kindText = context.parsed.value("kind") ?? ""
    guard let kind = RewardKind(rawValue: kindText) else {
      throw context.usage("kind", kindText, context.words(.reasonRewardKind))
    }
    let price = try context.points("price", context.parsed.value("price") ?? "")
    let stock = try context.integer("stock") ?? 0
    let name = context.parsed.value("name") ?? ""
    try context.write { _, _ in
      .rewardListed(RewardListing(item: item, name: name, kind: kind, price: price, stock: stock))
    }
  }

  static func restockReward(_ context: inout Context) throws(Failure) {
    let item = ItemID(context.positional(0))
    let quantity = try context.integer("quantity") ?? 0
    try context.write { _, _ in .rewardRestocked(item: item, quantity: quantity) }
  }

  static func withdrawReward(_ context: inout Context) throws(Failure) {
    let item = ItemID(context.positional(0))
    let reason = context.parsed.value("reason")
    try context.write { _, _ in .rewardWithdrawn(item: item, reason: reason) }
  }

  static func redeem(_ context: inout Context) throws(Failure) {
    let quantity = try context.integer("qty") ?? 1
    let item = ItemID(context.positional(1))
    let accountText = context.positional(0)
    let lookup = context
    try context.write { state, _ throws(Failure) in
      .rewardRedeemed(
        account: try lookup.account("account", accountText, in: state), item: item, quantity: quantity,
        points: .zero)
    }
  }

  static func reportToCommunity(_ context: inout Context) throws(Failure) {
    let member = MemberID(context.positional(0))
    let branch = BranchID(context.parsed.value("branch") ?? "")
    let workplace = context.parsed.value("workplace") ?? ""
    let date = try context.date("date")
    try context.write { _, today in
      .partyReported(PartyCheckIn(member: member, branch: branch, workplace: workplace, date: date ?? today))
    }
  }

  static func recordActivity(_ context: inout Context) throws(Failure) {
    let member = MemberID(context.positional(0))
    let kindText = context.parsed.value("kind") ?? ""
    guard let kind = PartyActivityKind(rawValue: kindText) else {
      throw context.usage("kind", kindText, context.words(.reasonActivityKind))
    }
    let date = try context.date("date")
    let note = context.parsed.value("note")
    try context.write { _, today in
      .partyActivityRecorded(PartyActivity(member: member, kind: kind, date: date ?? today, note: note))
    }
  }

  static func decideActivity(_ context: inout Context, confirming: Bool) throws(Failure) {
    let activity = ActivityID(context.positional(0))
    let reason = context.parsed.value("reason") ?? ""
    try context.write { _, _ in
      confirming
        ? .partyActivityConfirmed(activity: activity)
        : .partyActivityRejected(activity: activity, reason: reason)
    }
  }

  static func cancelRedemption(_ context: inout Context) throws(Failure) {
    let redemption = RedemptionID(context.positional(0))
    let reason = context.parsed.value("reason") ?? ""
    try context.write { _, _ in .redemptionCancelled(redemption: redemption, reason: reason) }
  }
}
