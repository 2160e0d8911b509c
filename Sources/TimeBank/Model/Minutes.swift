/// A length of service time in whole minutes.
public struct Minutes: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var value: Int

  public init(_ value: Int) { self.value = value }

  public static let zero = Minutes(0)

  /// Parses hours such as `2`, `1.5` or `0.25`; nil unless it is a whole number of minutes.
  public init?(hours text: String) {
    guard let hundredths = FixedPoint.parse(text, decimals: 2) else { return nil }
    let scaled = hundredths * 60
    guard scaled % 100 == 0 else { return nil }
    value = Int(scaled / 100)
  }

  /// Hours with one decimal, rounded half away from zero: 90 minutes is `1.5`, 100 minutes `1.7`.
  public var hoursText: String {
    FixedPoint.format(FixedPoint.divideRoundingHalfAwayFromZero(Int64(value), by: 6), decimals: 1)
  }

  public var description: String { hoursText }

  public static func < (lhs: Minutes, rhs: Minutes) -> Bool { lhs.value < rhs.value }
  public static func + (lhs: Minutes, rhs: Minutes) -> Minutes { Minutes(lhs.value + rhs.value) }
  public static func - (lhs: Minutes, rhs: Minutes) -> Minutes { Minutes(lhs.value - rhs.value) }
  public static func += (lhs: inout Minutes, rhs: Minutes) { lhs.value += rhs.value }
  public static func -= (lhs: inout Minutes, rhs: Minutes) { lhs.value -= rhs.value }
}

/// The star level of a volunteer: 1 to 5 stars at 100, 300, 600, 1000 and 1500 confirmed hours.
public enum StarLevel {
  /// The hours needed for each star, in order.
  public static let thresholdsInHours = [100, 300, 600, 1000, 1500]

  /// Stars (0...5) earned by `minutes` of confirmed service.
  public static func stars(for minutes: Minutes) -> Int {
    thresholdsInHours.filter { minutes.value >= $0 * 60 }.count
  }
}
