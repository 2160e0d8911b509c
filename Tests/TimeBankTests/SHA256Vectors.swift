import Testing

@_spi(Measuring) @testable import TimeBank

/// The published SHA-256 test vectors (FIPS 180-4's examples and NIST's million 'a') and the
/// deterministic bytes the SHA-256 tests hash, shared by the scalar, lane and SHA-extension tests.
enum SHA256Vectors {
  static let abc = [UInt8]("abc".utf8)
  static let twoBlock = [UInt8]("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
  static let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

  static let abcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
  static let twoBlockHex = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
  static let emptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
  static let millionAHex = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

  /// Digests of `pattern(count:)` at the padding boundaries, computed independently with Python's
  /// hashlib: `hashlib.sha256(bytes((i * 7 + 3) & 0xff for i in range(n))).hexdigest()`.
  static let paddingBoundaries: [(count: Int, hex: String)] = [
    (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
    (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
    (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
    (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
    (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
    (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
    (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
    (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
  ]

  /// "abc" nine times, then overlapping pieces of one pattern, as the log lines' ranges.
  static var repeatedAndOverlapping: [[UInt8]] {
    let text = pattern(count: 800)
    var messages: [[UInt8]] = Array(repeating: abc, count: 9)
    for start in stride(from: 0, to: 500, by: 37) {
      messages.append(Array(text[start..<start + 55 + start % 200]))
    }
    return messages
  }

  /// The deterministic test pattern: byte i is (i * 7 + 3) mod 256.
  static func pattern(count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
  }

  /// Random bytes from a seeded generator, so that a failing case can be replayed.
  static func randomBytes(count: Int, using generator: inout SeededGenerator) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
  }

  /// Copies `messages` one after another into one buffer, starting `offset` bytes in and with `gaps[i]`
  /// bytes of 0xee after message i (so starts fall on every alignment and a reader that runs past the
  /// end of a message hashes the wrong bytes), and hashes them as one batch with `hash`.
  ///
  /// Empty messages are passed with a nil base address when `nilEmpty` is set. The digest buffer has
  /// one more entry than there are messages, which must be left as it was.
  static func batchDigests(
    of messages: [[UInt8]], offset: Int = 0, gaps: [Int] = [], nilEmpty: Bool = false,
    hash: (UnsafeBufferPointer<UnsafeRawBufferPointer>, UnsafeMutableBufferPointer<SHA256.Digest>) -> Void
  ) -> [SHA256.Digest] {
    var storage = [UInt8](repeating: 0xee, count: offset)
    var starts: [Int] = []
    for (index, message) in messages.enumerated() {
      starts.append(storage.count)
      storage += message
      storage += [UInt8](repeating: 0xee, count: index < gaps.count ? gaps[index] : 1)
    }
    let sentinel = SHA256.digest([UInt8]("sentinel".utf8))
    var digests = [SHA256.Digest](repeating: sentinel, count: messages.count + 1)
    storage.withUnsafeBytes { bytes in
      let ranges: [UnsafeRawBufferPointer] = messages.indices.map { index in
        if nilEmpty && messages[index].isEmpty {
          return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(
          rebasing: bytes[starts[index]..<starts[index] + messages[index].count])
      }
      ranges.withUnsafeBufferPointer { ranges in
        digests.withUnsafeMutableBufferPointer { digests in hash(ranges, digests) }
      }
    }
    #expect(digests.last == sentinel, "the entry after the last message was overwritten")
    return Array(digests.dropLast())
  }
}
