/// How confirmed minutes become points, and the limits the office works within.
public struct Policy: Equatable, Sendable {
  /// Points for one hour of confirmed service, unless the category has its own rate.
  public var pointsPerHour: Points
  /// Per-category rates in points per hour, e.g. `助老: 1.50`.
  public var categoryRates: [String: Points]
  /// The most service one member may have recorded on one day, across all records.
  public var dailyCap: Minutes
  /// The service hours a party member is asked to give in a year (used by the party report).
  public var partyAnnualTarget: Minutes

  public init(
    pointsPerHour: Points = Points(hundredths: 100), categoryRates: [String: Points] = [:],
    dailyCap: Minutes = Minutes(12 * 60), partyAnnualTarget: Minutes = Minutes(50 * 60)
  ) {
    self.pointsPerHour = pointsPerHour
    self.categoryRates = categoryRates
    self.dailyCap = dailyCap
    self.partyAnnualTarget = partyAnnualTarget
  }

  /// The rate for a category: its own, or the general one.
  public func rate(for category: String) -> Points { categoryRates[category] ?? pointsPerHour }

  /// The points `minutes` of service in `category` earn under this policy.
  public func points(for minutes: Minutes, category: String) -> Points {
    Points.forService(minutes: minutes.value, rate: rate(for: category))
  }
}

/// A policy and the first date it applies to (service dates on or after it).
public struct PolicyPeriod: Equatable, Sendable {
  public var effective: LocalDate?
  public var policy: Policy
}
