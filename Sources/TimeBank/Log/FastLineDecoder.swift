/// Reads a line in exactly the layout the log writes, straight from its bytes.
///
/// `LogLine.decode` parses any JSON and then checks the shape; that is the reference, and the one that
/// words a problem. This reader accepts only the canonical layout (`{"seq":N,"id":"…","type":"…",
/// "at":"…","actor":"…","data":{…},"prev":"<hex>","hash":"<hex>"}`, strings without escapes) and
/// returns nil for anything else, so the caller asks `LogLine.decode` what is wrong. Whatever it accepts,
/// `LogLine.decode` accepts too, with the same record: tests compare the two on written, mutated and
/// random lines.
enum FastLineDecoder {
  /// Bytes from `,"prev":"` to the end of the line: the two hashes and what surrounds them.
  private static let trailerLength = 9 + 64 + 10 + 64 + 2
  /// The UTF-8 bytes of each of `Event.typeNames`, in the same order.
  private static let typeNameBytes = Event.typeNames.map { Array($0.utf8) }

  /// The line's record when it is in the canonical layout and its hash matches its body, else nil.
  /// - Complexity: O(n) in the length of the line.
  ///
  /// - Parameter bodyDigest: the SHA-256 of the line's body (all before `,"hash":`) when the caller
  ///   hashed many lines at once (`SHA256.digests(of:into:)`); nil to hash it here.
  static func decode(_ line: UnsafeBufferPointer<UInt8>, bodyDigest: SHA256.Digest? = nil) -> EventRecord? {
    var reader = Reader(line: line)
    guard reader.skip("{\"seq\":"), let seq = reader.positiveInteger(),
      reader.skip(",\"id\":\""), let id = reader.plainString(),
      reader.skip(",\"type\":\""), let type = reader.typeName(),
      reader.skip(",\"at\":\""), let at = reader.timestamp(),
      reader.skip(",\"actor\":\""), let actor = reader.plainString(),
      reader.skip(",\"data\":")
    else { return nil }
    let count = line.count
    let prevStart = count - trailerLength
    guard prevStart > reader.index else { return nil }
    var trailer = Reader(line: line, index: prevStart)
    guard trailer.skip(",\"prev\":\""), let prev = trailer.hex64(),
      trailer.skip("\",\"hash\":\""), let hash = trailer.hex64(),
      trailer.skip("\"}"), trailer.index == count
    else { return nil }
    guard
      case .object(let data)? = try? JSONScanner.parse(
        UnsafeBufferPointer(rebasing: line[reader.index..<prevStart]), depth: 1)
    else { return nil }
    let digest = bodyDigest ?? SHA256.digest(LogLine.body(of: line))
    guard digest.matches(hex: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[hash]))) else {
      return nil
    }
    guard let event = try? Event(typeName: type, data: data) else { return nil }
    return EventRecord(
      seq: seq, id: id, at: at, actor: ActorID(actor), event: event,
      prev: String(decoding: UnsafeBufferPointer(rebasing: line[prev]), as: UTF8.self),
      hash: String(decoding: UnsafeBufferPointer(rebasing: line[hash]), as: UTF8.self))
  }

  /// A cursor over one line.
  private struct Reader {
    let line: UnsafeBufferPointer<UInt8>
    var index = 0

    /// Steps over `literal` if the line has it here.
    mutating func skip(_ literal: StaticString) -> Bool {
      let length = literal.utf8CodeUnitCount
      guard index + length <= line.count else { return false }
      let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
      for offset in 0..<length where line[index + offset] != expected[offset] { return false }
      index += length
      return true
    }

    /// A JSON integer of 1...18 digits, greater than zero, as the log writes `seq`.
    mutating func positiveInteger() -> Int? {
      let start = index
      var value = 0
      while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
        // 18 digits always fit in an Int; longer numbers are left to the reference reader.
        guard index - start < 18 else { return nil }
        value = value * 10 + Int(line[index] - UInt8(ascii: "0"))
        index += 1
      }
      guard index > start, line[start] != UInt8(ascii: "0") else { return nil }
      return value
    }

    /// The bytes up to the next `"`, which it steps over, when they hold no escape or control
    /// character and are well-formed UTF-8.
    mutating func plainBytes() -> Range<Int>? {
      let start = index
      while index < line.count {
        let byte = line[index]
        if byte == UInt8(ascii: "\"") {
          let range = start..<index
          guard UTF8Validation.isValid(UnsafeBufferPointer(rebasing: line[range])) else { return nil }
          index += 1
          return range
        }
        guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
        index += 1
      }
      return nil
    }

    mutating func plainString() -> String? {
      guard let range = plainBytes() else { return nil }
      return String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    /// One of `Event.typeNames`, as that very string (nothing to allocate); nil for any other text,
    /// which the reference reader then words.
    mutating func typeName() -> String? {
      guard let range = plainBytes() else { return nil }
      let text = UnsafeBufferPointer(rebasing: line[range])
      for (index, bytes) in FastLineDecoder.typeNameBytes.enumerated()
      where bytes.count == text.count && bytes.elementsEqual(text) {
        return Event.typeNames[index]
      }
      return nil
    }

    mutating func timestamp() -> Timestamp? {
      guard let range = plainBytes() else { return nil }
      return Timestamp(utf8: UnsafeBufferPointer(rebasing: line[range]))
    }

    /// 64 lowercase hex digits.
    mutating func hex64() -> Range<Int>? {
      guard index + 64 <= line.count else { return nil }
      for offset in index..<(index + 64) {
        let byte = line[offset]
        guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return nil }
      }
      defer { index += 64 }
      return index..<(index + 64)
    }
  }
}
