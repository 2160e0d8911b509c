import TimeBank

/// The shape of a synthetic community for a requested number of events: how many members, how many
/// simulated days, and the mix of activity it aims for.
///
/// The daily load stays near a thousand events whatever the size, so a bigger log is a longer history
/// of the same community, not a busier day: the office's weekly batches keep their size, and only the
/// history the ledger carries grows.
struct CommunityPlan: Equatable, Sendable {
  /// The smallest size accepted: the roster alone is a thousand members.
  static let minimumEvents = 1000
  /// The largest size accepted (a decade of a very busy community is well under this).
  static let maximumEvents = 20_000_000

  /// Shares of the activity (everything but setup, registrations, team joins and check-ins).
  static let serviceShare = 0.70
  static let transferShare = 0.15
  static let redemptionShare = 0.15

  /// The first simulated day.
  static let firstDate = LocalDate(year: 2020, month: 1, day: 1) ?? LocalDate(daysSinceEpoch: 18_262)

  let requestedEvents: Int
  let seed: UInt64
  /// N/200, clamped to 1,000...5,000.
  let memberCount: Int
  /// N/1,000, clamped to 10...1,460 (four years at most).
  let dayCount: Int
  /// Members are registered over the first tenth of the history (at most 60 days).
  let registrationDays: Int
  /// The office enters a week of service at a time (from the sign-in sheets) and holds a weekly
  /// exchange day: one batch per actor per week keeps a million events to about 1,300 batches. A short
  /// history (under 70 days) is entered daily instead, so it still has enough exchange days.
  let sessionDays: Int
  /// At most this many members give points away in person in a week (each is its own batch).
  let giversPerSession = 4

  init(events: Int, seed: UInt64) {
    requestedEvents = events
    self.seed = seed
    memberCount = min(5000, max(1000, events / 200))
    dayCount = min(1460, max(10, events / 1000))
    registrationDays = max(1, min(60, dayCount / 10))
    sessionDays = max(1, min(7, dayCount / 10))
  }
}
