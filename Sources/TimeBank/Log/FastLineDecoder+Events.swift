/// The `data` of the hot event types, read straight from the line's bytes.
///
/// Service records and their confirmations, transfers and redemptions are nearly every line of a log
/// (about 98% of the benchmark's). Their `data` is read here in exactly the layout `Event.data` and
/// `JSONObject.write` produce: the members in the order written, optional ones present or absent, no
/// whitespace, strings without escapes, integers without a leading zero or `-0`. Anything else is nil
/// and goes through `JSONScanner` and `Event(typeName:data:)`, which accept any order and word a
/// problem. The values themselves are checked by the same rules (`FieldReader.integer`, `.date`,
/// `.points`, `.account`), so what this reader accepts, the reference accepts with the same event.
extension FastLineDecoder {
  /// The event types whose `data` this file reads.
  enum HotType: CaseIterable {
    case serviceRecorded
    case serviceConfirmed
    case pointsTransferred
    case rewardRedeemed

    var typeName: String {
      switch self {
      case .serviceRecorded: "service.recorded"
      case .serviceConfirmed: "service.confirmed"
      case .pointsTransferred: "points.transferred"
      case .rewardRedeemed: "reward.redeemed"
      }
    }
  }

  /// The event of type `type` when `data` (the object, from `{` to `}`) is written exactly as the log
  /// writes it and its values follow the field rules; nil otherwise, for the general reader to decide.
  /// - Complexity: O(n) in the length of `data`.
  static func event(_ type: HotType, data: UnsafeBufferPointer<UInt8>) -> Event? {
    var reader = Reader(line: data)
    let event: Event?
    switch type {
    case .serviceRecorded: event = reader.serviceRecorded()
    case .serviceConfirmed: event = reader.serviceConfirmed()
    case .pointsTransferred: event = reader.pointsTransferred()
    case .rewardRedeemed: event = reader.rewardRedeemed()
    }
    guard reader.skip("}"), reader.index == data.count else { return nil }
    return event
  }
}

extension FastLineDecoder.Reader {
  // Each reads the members of one event's object up to its closing `}`, in the order `Event.data`
  // appends them.

  fileprivate mutating func serviceRecorded() -> Event? {
    guard skip("{\"member\":\""), let member = plainString(),
      skip(",\"date\":\""), let date = date(),
      skip(",\"minutes\":"), let minutes = integer(),
      skip(",\"category\":\""), let category = plainString(),
      let team = optionalString(",\"team\":\""),
      skip(",\"served\":"), let served = integer(),
      let place = optionalString(",\"place\":\""),
      skip(",\"creditTo\":\""), let creditTo = account(),
      let note = optionalString(",\"note\":\""),
      let replaces = optionalString(",\"replaces\":\"")
    else { return nil }
    return .serviceRecorded(
      ServiceEntry(
        member: MemberID(member), date: date, minutes: Minutes(minutes), category: category,
        team: team.map(TeamID.init), peopleServed: served, place: place, creditTo: creditTo, note: note,
        replaces: replaces.map(RecordID.init)))
  }

  fileprivate mutating func serviceConfirmed() -> Event? {
    guard skip("{\"record\":\""), let record = plainString(),
      skip(",\"points\":\""), let points = points()
    else { return nil }
    return .serviceConfirmed(record: RecordID(record), points: points)
  }

  fileprivate mutating func pointsTransferred() -> Event? {
    guard skip("{\"from\":\""), let from = account(),
      skip(",\"to\":\""), let to = account(),
      skip(",\"points\":\""), let points = points(),
      let memo = optionalString(",\"memo\":\"")
    else { return nil }
    return .pointsTransferred(from: from, to: to, points: points, memo: memo)
  }

  fileprivate mutating func rewardRedeemed() -> Event? {
    guard skip("{\"account\":\""), let account = account(),
      skip(",\"item\":\""), let item = plainString(),
      skip(",\"quantity\":"), let quantity = integer(),
      skip(",\"points\":\""), let points = points()
    else { return nil }
    return .rewardRedeemed(account: account, item: ItemID(item), quantity: quantity, points: points)
  }

  // MARK: Values

  /// The string of an optional member, whose text up to its value's opening quote is `opening`:
  /// `.some(nil)` when the next member is another, nil when this one's value cannot be read here.
  private mutating func optionalString(_ opening: StaticString) -> String?? {
    guard skip(opening) else { return .some(nil) }
    guard let text = plainString() else { return nil }
    return .some(text)
  }

  /// An integer as the log writes one (an optional `-`, then digits without a leading zero; never
  /// `-0`), under `FieldReader.integer`'s rule. More than ten digits are out of range anyway, and left
  /// to the reference reader to word.
  private mutating func integer() -> Int? {
    let negative = index < line.count && line[index] == UInt8(ascii: "-")
    if negative { index += 1 }
    let start = index
    var magnitude: Int64 = 0
    while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
      guard index - start < 10 else { return nil }
      magnitude = magnitude * 10 + Int64(line[index] - UInt8(ascii: "0"))
      index += 1
    }
    guard index > start, line[start] != UInt8(ascii: "0") || (index - start == 1 && !negative) else {
      return nil
    }
    return try? FieldReader.integer(negative ? -magnitude : magnitude)
  }

  /// The value of a string member under one of `FieldReader`'s rules, after its opening quote.
  private mutating func string<Value>(
    _ rule: (UnsafeBufferPointer<UInt8>) throws(FieldReader.Problem) -> Value
  ) -> Value? {
    guard let range = plainBytes() else { return nil }
    return try? rule(UnsafeBufferPointer(rebasing: line[range]))
  }

  private mutating func date() -> LocalDate? { string(FieldReader.date) }
  private mutating func points() -> Points? { string(FieldReader.points) }
  private mutating func account() -> AccountID? { string(FieldReader.account) }
}
