/// An instant written as ISO 8601 with an offset, `2025-06-30T18:00:00+08:00`, as stored in `at`.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Seconds since 1970-01-01T00:00:00Z.
  public let secondsSinceEpoch: Int64
  /// The offset from UTC the text was written in, in seconds.
  public let offsetSeconds: Int

  public init(secondsSinceEpoch: Int64, offsetSeconds: Int) {
    self.secondsSinceEpoch = secondsSinceEpoch
    self.offsetSeconds = offsetSeconds
  }

  /// Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM` (fractional seconds are not accepted).
  public init?(_ text: String) {
    var text = text
    guard let instant = text.withUTF8({ Timestamp(utf8: $0) }) else { return nil }
    self = instant
  }

  /// Parses the same text from UTF-8 bytes, without making a `String`.
  public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    guard bytes.count == 20 || bytes.count == 25,
      let date = LocalDate(utf8: UnsafeBufferPointer(rebasing: bytes[0..<10])),
      bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      let hour = LocalDate.number(bytes, 11..<13), let minute = LocalDate.number(bytes, 14..<16),
      let second = LocalDate.number(bytes, 17..<19), hour < 24, minute < 60, second < 60
    else { return nil }
    var offset = 0
    if bytes.count == 20 {
      guard bytes[19] == UInt8(ascii: "Z") else { return nil }
    } else {
      let sign = bytes[19]
      guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
        let offsetHours = LocalDate.number(bytes, 20..<22),
        let offsetMinutes = LocalDate.number(bytes, 23..<25), offsetHours < 24, offsetMinutes < 60
      else { return nil }
      offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
    }
    let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    self.init(secondsSinceEpoch: local - Int64(offset), offsetSeconds: offset)
  }

  /// The calendar date of this instant at its own offset.
  public var localDate: LocalDate {
    LocalDate(daysSinceEpoch: Int(floorDivide(secondsSinceEpoch + Int64(offsetSeconds), 86_400)))
  }

  /// The same instant written at another offset.
  public func atOffset(_ seconds: Int) -> Timestamp {
    Timestamp(secondsSinceEpoch: secondsSinceEpoch, offsetSeconds: seconds)
  }

  public var description: String {
    let local = secondsSinceEpoch + Int64(offsetSeconds)
    let date = LocalDate(daysSinceEpoch: Int(floorDivide(local, 86_400)))
    let secondOfDay = Int(local - floorDivide(local, 86_400) * 86_400)
    var text = date.description + "T" + LocalDate.pad(secondOfDay / 3600, 2) + ":"
    text += LocalDate.pad(secondOfDay / 60 % 60, 2) + ":" + LocalDate.pad(secondOfDay % 60, 2)
    if offsetSeconds == 0 { return text + "Z" }
    let magnitude = abs(offsetSeconds)
    text += offsetSeconds < 0 ? "-" : "+"
    return text + LocalDate.pad(magnitude / 3600, 2) + ":" + LocalDate.pad(magnitude / 60 % 60, 2)
  }

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
    lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
  }

  private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
  }
}
