/// Number formatting for tables and messages, without locale surprises.
enum Format {
  /// `1234567` as `1,234,567`.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }

  /// A fixed number of decimals, rounded half away from zero.
  static func decimal(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
    if decimals > 0 {
      let fraction = String(Int(scaled) - whole * Int(scale))
      text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return text
  }

  /// A rate with three significant figures or more, grouped: `1,234,000` or `12.3`.
  static func rate(_ value: Double) -> String {
    value >= 1000 ? grouped(Int(value.rounded())) : decimal(value, value >= 100 ? 0 : 1)
  }
}
