/// What is wrong with one line of the log.
public enum LineProblem: Error, Equatable, Sendable {
  /// The bytes are not JSON ending in the hash: what a torn write leaves (a torn tail when last).
  case unreadable(String)
  /// The line is JSON with a hash, but not of the log's shape: members, kinds or values are wrong.
  case malformed(String)
  /// `hash` is not the SHA-256 of the line's body.
  case hashMismatch(stored: String, computed: String)
  /// `seq` does not follow the previous line's.
  case seqGap(expected: Int, found: Int)
  /// `prev` is not the previous line's `hash`.
  case prevMismatch(expected: String, found: String)
  /// The `id` was already used by an earlier line.
  case duplicateID(String, firstSeq: Int)
  /// `type` or `data` is not a known event.
  case badEvent(EventDecodingError)
  /// The first line must be `ledger.opened`, and only the first.
  case misplacedLedgerOpened
}

/// Encodes and decodes single lines: `BODY,"hash":"<64 hex>"}\n` where the hash is SHA-256 of BODY.
public enum LogLine {
  /// The `prev` of the first line.
  public static let genesisHash = String(repeating: "0", count: 64)
  /// The fixed text between BODY and the hash.
  static let hashMarker = Array(",\"hash\":\"".utf8)
  /// Bytes after BODY: the marker, 64 hex digits, `"}`.
  static let suffixLength = hashMarker.count + 64 + 2
  static let memberOrder = ["seq", "id", "type", "at", "actor", "data", "prev", "hash"]

  /// The bytes of one line (ending in `\n`) and its hash.
  public static func encode(
    seq: Int, id: String, at: Timestamp, actor: ActorID, event: Event, prev: String
  ) -> (bytes: [UInt8], hash: String) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(256)
    bytes.append(contentsOf: "{\"seq\":\(seq),\"id\":".utf8)
    JSONValue.writeString(id, to: &bytes)
    bytes.append(contentsOf: ",\"type\":".utf8)
    JSONValue.writeString(event.typeName, to: &bytes)
    bytes.append(contentsOf: ",\"at\":".utf8)
    JSONValue.writeString(at.description, to: &bytes)
    bytes.append(contentsOf: ",\"actor\":".utf8)
    JSONValue.writeString(actor.rawValue, to: &bytes)
    bytes.append(contentsOf: ",\"data\":".utf8)
    event.data.write(to: &bytes)
    bytes.append(contentsOf: ",\"prev\":".utf8)
    JSONValue.writeString(prev, to: &bytes)
    let hash = SHA256.hexDigest(bytes)
    bytes.append(contentsOf: hashMarker)
    bytes.append(contentsOf: hash.utf8)
    bytes.append(contentsOf: "\"}\n".utf8)
    return (bytes, hash)
  }

  /// Decodes one line (without its `\n`), checking its shape and that its hash matches its body.
  ///
  /// Chain checks (`seq`, `prev`, unique ids) are the reader's; this looks at one line alone.
  /// - Complexity: O(n) in the length of the line.
  public static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> EventRecord {
    guard line.count > suffixLength else { throw .unreadable("line too short to hold a hash") }
    let bodyEnd = line.count - suffixLength
    for (offset, byte) in hashMarker.enumerated() where line[bodyEnd + offset] != byte {
      throw .unreadable("line does not end with ,\"hash\":\"<64 hex digits>\"}")
    }
    let value: JSONValue
    do {
      value = try JSONScanner.parse(line)
    } catch {
      throw .unreadable("\(error.problem) at column \(error.offset + 1)")
    }
    guard case .object(let object) = value else { throw .malformed("line is not a JSON object") }
    let keys = object.members.map(\.key)
    guard keys == memberOrder else {
      throw .malformed("members must be \(memberOrder.joined(separator: ", ")) in that order")
    }
    guard case .integer(let seq) = object.members[0].value, seq > 0, let seqValue = Int(exactly: seq),
      case .string(let id) = object.members[1].value,
      case .string(let type) = object.members[2].value,
      case .string(let atText) = object.members[3].value,
      case .string(let actor) = object.members[4].value,
      case .object(let data) = object.members[5].value,
      case .string(let prev) = object.members[6].value,
      case .string(let hash) = object.members[7].value
    else { throw .malformed("a member has the wrong kind of value") }
    guard let at = Timestamp(atText) else { throw .malformed("'at' is not an ISO 8601 time with offset") }
    guard isHex64(hash), isHex64(prev) else { throw .malformed("'hash' and 'prev' must be 64 lowercase hex") }
    let computed = SHA256.digest(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<bodyEnd])))
    guard computed.matches(hex: hash) else { throw .hashMismatch(stored: hash, computed: computed.hex) }
    let event: Event
    do {
      event = try Event(typeName: type, data: data)
    } catch {
      throw .badEvent(error)
    }
    return EventRecord(
      seq: seqValue, id: id, at: at, actor: ActorID(actor), event: event, prev: prev, hash: hash)
  }

  /// The bytes the hash covers: all of `line` (without its `\n`) before `,"hash":"…"}`, or nothing for
  /// a line too short to hold a hash.
  static func body(of line: UnsafeBufferPointer<UInt8>) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<max(0, line.count - suffixLength)]))
  }

  static func isHex64(_ text: String) -> Bool {
    text.utf8.count == 64
      && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }
}
