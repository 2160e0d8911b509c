import TimeBank

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

  /// The deterministic test pattern: byte i is (i * 7 + 3) mod 256.
  static func pattern(count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
  }

  /// Random bytes from a seeded generator, so that a failing case can be replayed.
  static func randomBytes(count: Int, using generator: inout SeededGenerator) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
  }
}
