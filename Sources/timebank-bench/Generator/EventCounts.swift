import TimeBank

/// How many events of each kind a generator has written, for the mix it reports and steers by.
struct EventCounts: Equatable, Sendable {
  var total = 0
  var recorded = 0
  var confirmed = 0
  var rejected = 0
  var transfers = 0
  var redemptions = 0
  var restocks = 0
  var registrations = 0
  var teamJoins = 0
  var checkIns = 0

  /// Service events: recorded, confirmed and rejected.
  var service: Int { recorded + confirmed + rejected }
  /// The activity the mix is measured on: service, transfers and redemptions.
  var activity: Int { service + transfers + redemptions }
  /// Setup, registrations, team joins, check-ins and restocks.
  var other: Int { total - activity }

  mutating func add(_ event: Event) {
    total += 1
    switch event {
    case .serviceRecorded: recorded += 1
    case .serviceConfirmed: confirmed += 1
    case .serviceRejected: rejected += 1
    case .pointsTransferred: transfers += 1
    case .rewardRedeemed: redemptions += 1
    case .rewardRestocked: restocks += 1
    case .memberRegistered: registrations += 1
    case .teamJoined: teamJoins += 1
    case .partyReported: checkIns += 1
    default: break
    }
  }

  /// A share of the activity, in percent.
  func percent(_ part: Int) -> Double { activity == 0 ? 0 : 100 * Double(part) / Double(activity) }
}
