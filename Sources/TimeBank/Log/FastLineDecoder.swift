import Foundation

/// Reads a line in exactly the layout the log writes, straight from its bytes.
///
/// `LogLine.decode` parses any JSON and then checks the shape; that is the reference, and the one that
/// words a problem. This reader accepts only the canonical layout (`{"seq":N,"id":"…","type":"…",
/// "at":"…","actor":"…","data":{…},"prev":"<hex>","hash":"<hex>"}`, strings without escapes) and
/// returns nil for anything else, so the caller asks `LogLine.decode` what is wrong. Whatever it accepts,
/// `LogLine.decode` accepts too, with the same record: tests compare the two on written, mutated and
/// random lines.
///
/// The `data` of the hot event types is read from the bytes too (`FastLineDecoder+Events.swift`); any
/// other, or one not written exactly as the log writes it, goes through `JSONScanner` and
/// `Event(typeName:data:)`.
enum FastLineDecoder {
  /// Bytes from `,"prev":"` to the end of the line: the two hashes and what surrounds them.
  private static let trailerLength = 9 + 64 + 10 + 64 + 2

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
    // The hash needs no check of its own: only 64 lowercase hex digits can match the digest.
    guard trailer.skip(",\"prev\":\""), let prev = trailer.hex64(),
      trailer.skip("\",\"hash\":\""), let hash = trailer.take(64),
      trailer.skip("\"}"), trailer.index == count
    else { return nil }
    let digest = bodyDigest ?? SHA256.digest(LogLine.body(of: line))
    guard digest.matches(hex: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[hash]))) else {
      return nil
    }
    let data = UnsafeBufferPointer(rebasing: line[reader.index..<prevStart])
    guard
      let event = type.hot.flatMap({ event($0, data: data) }) ?? generalEvent(typeName: type.name, data: data)
    else { return nil }
    return EventRecord(
      seq: seq, id: id, at: at, actor: ActorID(actor), event: event,
      prev: String(decoding: UnsafeBufferPointer(rebasing: line[prev]), as: UTF8.self),
      hash: String(decoding: UnsafeBufferPointer(rebasing: line[hash]), as: UTF8.self))
  }

  /// The event of any type, through the JSON tree: what `LogLine.decode` does with `data`.
  private static func generalEvent(typeName: String, data: UnsafeBufferPointer<UInt8>) -> Event? {
    guard case .object(let object)? = try? JSONScanner.parse(data, depth: 1) else { return nil }
    return try? Event(typeName: typeName, data: object)
  }

  /// A cursor over one line (or one part of it).
  struct Reader {
    let line: UnsafeBufferPointer<UInt8>
    var index = 0

    /// Steps over `literal` if the line has it here.
    @inline(__always)
    mutating func skip(_ literal: StaticString) -> Bool {
      let length = literal.utf8CodeUnitCount
      guard index + length <= line.count, let base = line.baseAddress,
        memcmp(base + index, literal.utf8Start, length) == 0
      else { return false }
      index += length
      return true
    }

    /// The next `count` bytes, stepped over.
    mutating func take(_ count: Int) -> Range<Int>? {
      guard index + count <= line.count else { return nil }
      defer { index += count }
      return index..<(index + count)
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
      // Any byte of a multibyte character has its high bit set: only then is validation needed.
      var highBits: UInt8 = 0
      // Eight bytes at a time while none of them ends the string or is refused; the word that holds
      // such a byte is left to the byte loop.
      if let base = line.baseAddress {
        var words: UInt64 = 0
        while index + 8 <= line.count {
          let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
          guard !Reader.hasQuoteBackslashOrControl(word) else { break }
          words |= word
          index += 8
        }
        if words & 0x8080_8080_8080_8080 != 0 { highBits = 0x80 }
      }
      while index < line.count {
        let byte = line[index]
        if byte == UInt8(ascii: "\"") {
          let range = start..<index
          guard highBits < 0x80 || UTF8Validation.isValid(UnsafeBufferPointer(rebasing: line[range])) else {
            return nil
          }
          index += 1
          return range
        }
        guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
        highBits |= byte
        index += 1
      }
      return nil
    }

    mutating func plainString() -> String? {
      guard let range = plainBytes() else { return nil }
      return String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    /// One of `Event.typeNames` (its string is not allocated again); nil for any other text, which the
    /// reference reader then words.
    mutating func typeName() -> TypeName? {
      let start = index
      // A name is ASCII: matching one is the only check the bytes need.
      while index < line.count, line[index] != UInt8(ascii: "\"") { index += 1 }
      guard index < line.count, let base = line.baseAddress else { return nil }
      let length = index - start
      index += 1
      for candidate in FastLineDecoder.typeNameSearch
      where candidate.length == length && memcmp(base + start, candidate.bytes, length) == 0 {
        return candidate
      }
      return nil
    }

    mutating func timestamp() -> Timestamp? {
      guard let range = plainBytes() else { return nil }
      return Timestamp(utf8: UnsafeBufferPointer(rebasing: line[range]))
    }

    /// 64 lowercase hex digits, checked eight at a time.
    mutating func hex64() -> Range<Int>? {
      guard index + 64 <= line.count, let base = line.baseAddress else { return nil }
      var valid = true
      for word in 0..<8 {
        let bytes = UnsafeRawPointer(base + index).loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
        valid = valid && Reader.isLowercaseHex(bytes)
      }
      guard valid else { return nil }
      defer { index += 64 }
      return index..<(index + 64)
    }

    /// Whether any of the eight bytes of `word` is `"`, `\\` or below 0x20.
    ///
    /// `(x - 0x01…01) & ~x & 0x80…80` is nonzero exactly when some byte of `x` is zero (a borrow can
    /// only mark bytes above a zero one), and `(x - 0x20…20) & ~x & 0x80…80` when some byte is below 0x20.
    @inline(__always)
    static func hasQuoteBackslashOrControl(_ word: UInt64) -> Bool {
      let ones: UInt64 = 0x0101_0101_0101_0101
      let high: UInt64 = 0x8080_8080_8080_8080
      let quotes = word ^ (ones &* 0x22)
      let backslashes = word ^ (ones &* 0x5C)
      let zeroQuote = (quotes &- ones) & ~quotes
      let zeroBackslash = (backslashes &- ones) & ~backslashes
      let control = (word &- ones &* 0x20) & ~word
      return (zeroQuote | zeroBackslash | control) & high != 0
    }

    /// Whether all eight bytes of `word` are `0`...`9` or `a`...`f`.
    ///
    /// With every byte below 0x80, adding at most 0x50 to each carries into no other byte, so each
    /// byte's high bit says on its own whether the byte reached a bound.
    @inline(__always)
    static func isLowercaseHex(_ word: UInt64) -> Bool {
      let high: UInt64 = 0x8080_8080_8080_8080
      guard word & high == 0 else { return false }
      let atLeastDigit0 = word &+ 0x5050_5050_5050_5050  // byte + (0x80 - 0x30)
      let aboveDigit9 = word &+ 0x4646_4646_4646_4646  // byte + (0x80 - 0x3A)
      let atLeastA = word &+ 0x1F1F_1F1F_1F1F_1F1F  // byte + (0x80 - 0x61)
      let aboveF = word &+ 0x1919_1919_1919_1919  // byte + (0x80 - 0x67)
      let digit = atLeastDigit0 & ~aboveDigit9
      let letter = atLeastA & ~aboveF
      return (digit | letter) & high == high
    }
  }
}

extension FastLineDecoder {
  /// One of `Event.typeNames`, its bytes, and whether its `data` is read here.
  struct TypeName {
    let name: String
    let bytes: [UInt8]
    let length: Int
    let hot: HotType?
  }

  /// `Event.typeNames`, the hot types first, so a search usually ends at the first or second.
  static let typeNameSearch: [TypeName] = {
    let names = Event.typeNames.map { name in
      TypeName(
        name: name, bytes: Array(name.utf8), length: name.utf8.count,
        hot: HotType.allCases.first { $0.typeName == name })
    }
    return names.filter { $0.hot != nil } + names.filter { $0.hot == nil }
  }()
}
