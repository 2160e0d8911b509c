/// A calendar date in the ledger's time zone, written `YYYY-MM-DD`.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// `year << 9 | month << 5 | day` in four bytes (a ledger holds hundreds of thousands of dates; three
  /// `Int`s took 24). The order of the packed values is the order of the dates.
  private let packed: Int32

  /// The packed value, for hashing.
  var bits: Int32 { packed }

  public var year: Int { Int(packed >> 9) }
  public var month: Int { Int((packed >> 5) & 0xF) }
  public var day: Int { Int(packed & 0x1F) }

  private init(unchecked year: Int, _ month: Int, _ day: Int) {
    packed = Int32(truncatingIfNeeded: year << 9 | month << 5 | day)
  }

  /// A date from its parts, or nil when it does not exist (2025-02-30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...LocalDate.daysIn(month: month, year: year)).contains(day)
    else { return nil }
    self.init(unchecked: year, month, day)
  }

  /// Parses exactly `YYYY-MM-DD`.
  public init?(_ text: String) {
    var text = text
    guard let date = text.withUTF8({ LocalDate(utf8: $0) }) else { return nil }
    self = date
  }

  /// Parses exactly `YYYY-MM-DD` from UTF-8 bytes (what `init(_:)` does, without making a `String`).
  public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let year = LocalDate.number(bytes, 0..<4), let month = LocalDate.number(bytes, 5..<7),
      let day = LocalDate.number(bytes, 8..<10)
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// The date `daysSinceEpoch` days after 1970-01-01 (negative before it).
  public init(daysSinceEpoch: Int) {
    // Howard Hinnant's civil_from_days.
    let z = daysSinceEpoch + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// Days from 1970-01-01 to this date.
  public var daysSinceEpoch: Int {
    // Howard Hinnant's days_from_civil.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The month as `YYYY-MM`, for monthly statistics.
  public var monthText: String { String(description.prefix(7)) }

  public var description: String {
    LocalDate.pad(year, 4) + "-" + LocalDate.pad(month, 2) + "-" + LocalDate.pad(day, 2)
  }

  public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.packed < rhs.packed }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// The decimal number written in `digits`, or nil unless every byte is a digit.
  static func number(_ digits: ArraySlice<UInt8>) -> Int? {
    digits.withUnsafeBufferPointer { number($0, 0..<$0.count) }
  }

  /// The decimal number written in `bytes[range]`, or nil unless every byte there is a digit.
  @inline(__always)
  static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    var value = 0
    for index in range {
      let byte = bytes[index]
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    var text = String(value)
    while text.count < width { text = "0" + text }
    return text
  }
}
