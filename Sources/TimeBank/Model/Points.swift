/// An amount of points in fixed-point hundredths (0.01 point), printed `12.50`. Never a `Double`.
public struct Points: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The amount in hundredths of a point.
  public var hundredths: Int64

  public init(hundredths: Int64) { self.hundredths = hundredths }

  public static let zero = Points(hundredths: 0)

  /// The largest amount one posting, price or stored value may hold: ten billion points. Bounding every
  /// amount in the log keeps every sum over even a million events far from `Int64` overflow.
  public static let maximum = Points(hundredths: 1_000_000_000_000)

  /// The largest rate a policy may set: 100,000 points an hour.
  public static let maximumRate = Points(hundredths: 10_000_000)

  /// Parses `12`, `12.5`, `12.50` or `-3.25`: at most two decimals, no exponent, no thousands separators.
  public init?(_ text: String) {
    guard let value = FixedPoint.parse(text, decimals: 2) else { return nil }
    hundredths = value
  }

  public var description: String { FixedPoint.format(hundredths, decimals: 2) }

  public static func < (lhs: Points, rhs: Points) -> Bool { lhs.hundredths < rhs.hundredths }
  public static func + (lhs: Points, rhs: Points) -> Points {
    Points(hundredths: lhs.hundredths + rhs.hundredths)
  }
  public static func - (lhs: Points, rhs: Points) -> Points {
    Points(hundredths: lhs.hundredths - rhs.hundredths)
  }
  public static func += (lhs: inout Points, rhs: Points) { lhs.hundredths += rhs.hundredths }
  public static func -= (lhs: inout Points, rhs: Points) { lhs.hundredths -= rhs.hundredths }
  public static prefix func - (value: Points) -> Points { Points(hundredths: -value.hundredths) }

  /// The amount multiplied by a count, or nil on overflow.
  public func multiplied(by count: Int) -> Points? {
    let (result, overflow) = hundredths.multipliedReportingOverflow(by: Int64(count))
    return overflow ? nil : Points(hundredths: result)
  }

  /// Points earned for `minutes` of service at `rate` points per hour, rounded half away from zero
  /// on 0.01 (四舍五入).
  ///
  /// `minutes × rate.hundredths / 60` is computed exactly in integers before rounding.
  public static func forService(minutes: Int, rate: Points) -> Points {
    let numerator = Int64(minutes) * rate.hundredths
    return Points(hundredths: FixedPoint.divideRoundingHalfAwayFromZero(numerator, by: 60))
  }
}

/// Decimal fixed-point text, shared by points (two decimals) and hours (minutes as hours).
public enum FixedPoint {
  /// The largest absolute value accepted when parsing, in units of the last decimal: 10^15.
  public static let limit: Int64 = 1_000_000_000_000_000

  /// Parses an optionally signed decimal with at most `decimals` fraction digits into an integer of
  /// units of 10^-decimals, or nil when the text is not such a number or is too large.
  public static func parse(_ text: String, decimals: Int) -> Int64? {
    var text = text
    return text.withUTF8 { parse(utf8: $0, decimals: decimals) }
  }

  /// Parses the same text as `parse(_:decimals:)` from its UTF-8 bytes, without making a `String`.
  public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, decimals: Int) -> Int64? {
    var bytes = bytes[...]
    var negative = false
    if bytes.first == UInt8(ascii: "-") {
      negative = true
      bytes = bytes.dropFirst()
    } else if bytes.first == UInt8(ascii: "+") {
      bytes = bytes.dropFirst()
    }
    var whole: Int64 = 0
    var fraction: Int64 = 0
    var fractionDigits = 0
    var sawDigit = false
    var sawPoint = false
    for byte in bytes {
      if byte == UInt8(ascii: ".") {
        if sawPoint { return nil }
        sawPoint = true
        continue
      }
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      sawDigit = true
      let digit = Int64(byte - UInt8(ascii: "0"))
      if sawPoint {
        fractionDigits += 1
        if fractionDigits > decimals { return nil }
        fraction = fraction * 10 + digit
      } else {
        whole = whole * 10 + digit
        if whole > limit { return nil }
      }
    }
    guard sawDigit else { return nil }
    var scale: Int64 = 1
    for _ in 0..<decimals { scale *= 10 }
    for _ in fractionDigits..<decimals { fraction *= 10 }
    let value = whole * scale + fraction
    if value > limit { return nil }
    return negative ? -value : value
  }

  /// Whether `bytes` are exactly what `format(value, decimals:)` writes, compared digit by digit
  /// without making the `String`.
  /// - Complexity: O(n) in the number of bytes.
  public static func isFormatted(_ bytes: UnsafeBufferPointer<UInt8>, value: Int64, decimals: Int) -> Bool {
    // From the last byte back: `decimals` fraction digits and the point, then the whole part (at least
    // one digit, so zero is `0`), then the sign of a negative value, and nothing before it.
    var magnitude = value.magnitude
    var index = bytes.count
    @inline(__always) func next(_ expected: UInt8) -> Bool {
      index -= 1
      return index >= 0 && bytes[index] == expected
    }
    if decimals > 0 {
      for _ in 0..<decimals {
        guard next(UInt8(ascii: "0") + UInt8(magnitude % 10)) else { return false }
        magnitude /= 10
      }
      guard next(UInt8(ascii: ".")) else { return false }
    }
    repeat {
      guard next(UInt8(ascii: "0") + UInt8(magnitude % 10)) else { return false }
      magnitude /= 10
    } while magnitude > 0
    if value < 0 { guard next(UInt8(ascii: "-")) else { return false } }
    return index == 0
  }

  /// Formats an integer of units of 10^-decimals as a decimal with exactly `decimals` fraction digits.
  public static func format(_ value: Int64, decimals: Int) -> String {
    var scale: Int64 = 1
    for _ in 0..<decimals { scale *= 10 }
    let magnitude = value.magnitude
    let whole = magnitude / UInt64(scale)
    let sign = value < 0 ? "-" : ""
    if decimals == 0 { return sign + String(whole) }
    var fraction = String(magnitude % UInt64(scale))
    while fraction.count < decimals { fraction = "0" + fraction }
    return sign + String(whole) + "." + fraction
  }

  /// `numerator / denominator` rounded half away from zero; `denominator` must be positive.
  public static func divideRoundingHalfAwayFromZero(_ numerator: Int64, by denominator: Int64) -> Int64 {
    let magnitude = (numerator.magnitude * 2 + denominator.magnitude) / (denominator.magnitude * 2)
    return numerator < 0 ? -Int64(magnitude) : Int64(magnitude)
  }
}
