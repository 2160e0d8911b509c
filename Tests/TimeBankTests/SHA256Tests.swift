import Testing

import TimeBank

@Suite struct SHA256Tests {
  /// The deterministic test pattern used for the boundary vectors: byte i is (i * 7 + 3) mod 256.
  private static func pattern(count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
  }

  // MARK: - Published FIPS 180-4 / NIST example vectors

  @Test func emptyMessage() {
    #expect(
      SHA256.hexDigest([UInt8]())
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func abc() {
    #expect(
      SHA256.hexDigest(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func twoBlock448BitMessage() {
    let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    #expect(message.utf8.count == 56)
    #expect(
      SHA256.hexDigest(Array(message.utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func twoBlock896BitMessage() {
    let message =
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
      + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
    #expect(message.utf8.count == 112)
    #expect(
      SHA256.hexDigest(Array(message.utf8))
        == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
  }

  @Test func oneMillionA() {
    let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    #expect(SHA256.hexDigest(message) == expected)
    #expect(message.withUnsafeBytes { SHA256.hexDigest($0) } == expected)
  }

  // MARK: - Padding boundaries

  /// Expected digests were computed independently with Python's hashlib:
  /// `hashlib.sha256(bytes((i * 7 + 3) & 0xff for i in range(n))).hexdigest()`.
  @Test(arguments: [
    (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
    (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
    (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
    (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
    (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
    (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
  ])
  func boundaryLengths(count: Int, expected: String) {
    let message = Self.pattern(count: count)
    #expect(SHA256.hexDigest(message) == expected)
    #expect(message.withUnsafeBytes { SHA256.hexDigest($0) } == expected)
  }

  // MARK: - Incremental hashing and input kinds

  @Test func unevenIncrementalUpdatesMatchOneShot() {
    let message = Self.pattern(count: 1000)
    let oneShot = SHA256.hash(message)
    let chunkSizes = [1, 3, 64, 100, 0, 7, 63, 65, 128, 1, 55, 56]
    var hasher = SHA256()
    var offset = 0
    var index = 0
    while offset < message.count {
      let size = min(chunkSizes[index % chunkSizes.count], message.count - offset)
      hasher.update(message[offset..<(offset + size)])
      offset += size
      index += 1
    }
    #expect(hasher.finalize() == oneShot)
  }

  @Test func byteByByteAndRawBufferUpdatesMatchOneShot() {
    let message = Self.pattern(count: 300)
    var byteByByte = SHA256()
    for byte in message {
      byteByByte.update(CollectionOfOne(byte))
    }
    var raw = SHA256()
    message.withUnsafeBytes { buffer in
      raw.update(UnsafeRawBufferPointer(rebasing: buffer[0..<10]))
      raw.update(UnsafeRawBufferPointer(rebasing: buffer[10..<10]))
      raw.update(UnsafeRawBufferPointer(rebasing: buffer[10..<200]))
      raw.update(UnsafeRawBufferPointer(rebasing: buffer[200...]))
    }
    #expect(byteByByte.finalize() == SHA256.hash(message))
    #expect(raw.finalize() == SHA256.hash(message))
  }

  @Test func nonContiguousSequenceMatchesArray() {
    // `String.UTF8View` and lazy maps may not expose contiguous storage, exercising the slow path.
    let count = 10_000
    let lazyBytes = (0..<count).lazy.map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    #expect(SHA256.hash(lazyBytes) == SHA256.hash(Self.pattern(count: count)))
    #expect(
      SHA256.hexDigest("abc".utf8)
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func finalizeDoesNotConsumeTheHasher() {
    var hasher = SHA256()
    hasher.update(Array("ab".utf8))
    let partial = hasher.finalize()
    #expect(hasher.finalize() == partial)
    hasher.update(Array("c".utf8))
    #expect(
      hexString(hasher.finalize())
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(partial == SHA256.hash(Array("ab".utf8)))
  }

  @Test func digestIsThirtyTwoBytes() {
    let digest = SHA256.hash([UInt8]())
    #expect(digest.count == 32)
    #expect(digest.first == 0xe3)
    #expect(digest.last == 0x55)
  }

  // MARK: - UTF-8 text

  /// Expected digest computed independently with Python's hashlib:
  /// `hashlib.sha256("时间银行".encode("utf-8")).hexdigest()`.
  @Test func chineseUTF8String() {
    let text = "时间银行"
    #expect(Array(text.utf8).count == 12)
    #expect(
      SHA256.hexDigest(Array(text.utf8))
        == "a4e338c397157a1e5ad5869b53d052d1e8faa321af103d4050d0fa367cfe194b")
    #expect(
      SHA256.hexDigest(text.utf8)
        == "a4e338c397157a1e5ad5869b53d052d1e8faa321af103d4050d0fa367cfe194b")
  }

  // MARK: - hexString

  @Test func hexStringIsLowercaseAndPadded() {
    #expect(hexString([UInt8]()) == "")
    #expect(hexString([0x00, 0x01, 0x0a, 0xab, 0xff]) == "00010aabff")
    #expect(SHA256.hexDigest([UInt8]()).count == 64)
  }
}
