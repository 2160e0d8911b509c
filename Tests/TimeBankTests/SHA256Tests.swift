import Testing

@_spi(Measuring) import TimeBank

@Suite struct SHA256Tests {
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
    let message = SHA256Vectors.pattern(count: count)
    #expect(SHA256.hexDigest(message) == expected)
    #expect(message.withUnsafeBytes { SHA256.hexDigest($0) } == expected)
  }

  // MARK: - Incremental hashing and input kinds

  @Test func unevenIncrementalUpdatesMatchOneShot() {
    let message = SHA256Vectors.pattern(count: 1000)
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
    let message = SHA256Vectors.pattern(count: 300)
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
    #expect(SHA256.hash(lazyBytes) == SHA256.hash(SHA256Vectors.pattern(count: count)))
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

  // MARK: - Every length against an independent textbook implementation

  @Test func everyLengthUpTo300MatchesTextbookImplementation() {
    for count in 0...300 {
      let message = SHA256Vectors.pattern(count: count)
      let expected = TextbookSHA256.hash(message)
      let digest = SHA256.digest(message)
      #expect(digest.bytes == expected, "digest, length \(count)")
      #expect(message.withUnsafeBytes { SHA256.digest($0) } == digest, "raw digest, length \(count)")
      #expect(SHA256.hash(message) == expected, "hash, length \(count)")
      #expect(message.withUnsafeBytes { SHA256.hash($0) } == expected, "raw hash, length \(count)")
      #expect(SHA256.hexDigest(message) == TextbookSHA256.hex(expected), "hexDigest, length \(count)")
      #expect(digest.hex == hexString(expected), "hex, length \(count)")
      #expect(digest.matches(hex: hexString(expected)), "matches, length \(count)")
      for implementation in SHA256.Implementation.allCases where implementation.isAvailable {
        let bytes = message.withUnsafeBytes { SHA256.digest($0, using: implementation) }.bytes
        #expect(bytes == expected, "\(implementation), length \(count)")
      }

      // The streaming API, fed in pieces of 1, 2, 3... bytes so that every split point is crossed.
      var hasher = SHA256()
      var offset = 0
      var piece = 1
      while offset < count {
        let end = min(offset + piece, count)
        hasher.update(message[offset..<end])
        offset = end
        piece += 1
      }
      #expect(hasher.finalizeDigest() == digest, "streaming, length \(count)")
      #expect(hasher.finalize() == expected, "streaming bytes, length \(count)")
    }
  }

  @Test func textbookImplementationReproducesPublishedVectors() {
    // Guards the reference itself, so that agreement with it means something.
    #expect(
      TextbookSHA256.hex(TextbookSHA256.hash(Array("abc".utf8)))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      TextbookSHA256.hex(TextbookSHA256.hash(SHA256Vectors.pattern(count: 1000)))
        == "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371")
  }

  // MARK: - Digest values and in-place hex comparison

  /// The NIST examples, checked through the allocation-free API.
  @Test(arguments: [
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
    (
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    ),
  ])
  func digestAPIOnPublishedVectors(message: String, expected: String) {
    let bytes = Array(message.utf8)
    let digest = bytes.withUnsafeBytes { SHA256.digest($0) }
    #expect(digest.hex == expected)
    #expect(digest.description == expected)
    #expect(digest.matches(hex: expected))
    #expect(Array(expected.utf8).withUnsafeBytes { digest.matches(hex: $0) })
    #expect(SHA256.digest(message.utf8) == digest)
  }

  @Test func oneMillionAThroughDigestAPI() {
    let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    #expect(message.withUnsafeBytes { SHA256.digest($0) }.matches(hex: expected))
    var hasher = SHA256()
    for start in stride(from: 0, to: message.count, by: 999) {
      hasher.update(message[start..<min(start + 999, message.count)])
    }
    #expect(hasher.finalizeDigest().hex == expected)
  }

  @Test func digestBytesAndEquality() {
    let abc = SHA256.digest(Array("abc".utf8))
    #expect(abc.bytes.count == SHA256.Digest.byteCount)
    #expect(abc.bytes == SHA256.hash(Array("abc".utf8)))
    #expect(abc.bytes.first == 0xba)
    #expect(abc.bytes.last == 0xad)
    #expect(abc == SHA256.digest("abc".utf8))
    #expect(abc != SHA256.digest(Array("abd".utf8)))
    #expect(Set([abc, SHA256.digest("abc".utf8), SHA256.digest([UInt8]())]).count == 2)
  }

  @Test func matchesRejectsAMismatchInTheLastHexDigit() {
    let digest = SHA256.digest(Array("abc".utf8))
    let good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    let lastDigitOff = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ac"
    let firstDigitOff = "ca7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    #expect(digest.matches(hex: good))
    #expect(!digest.matches(hex: lastDigitOff))
    #expect(!digest.matches(hex: firstDigitOff))
    #expect(!Array(lastDigitOff.utf8).withUnsafeBytes { digest.matches(hex: $0) })

    // Every single-character change anywhere in the text is noticed.
    var text = Array(good.utf8)
    for index in text.indices {
      let original = text[index]
      text[index] = original == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
      #expect(!text.withUnsafeBytes { digest.matches(hex: $0) }, "changed character \(index)")
      text[index] = original
    }
    #expect(text.withUnsafeBytes { digest.matches(hex: $0) })
  }

  @Test func matchesRejectsUppercaseAndMalformedText() {
    let digest = SHA256.digest(Array("abc".utf8))
    let good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    #expect(!digest.matches(hex: good.uppercased()))
    #expect(!digest.matches(hex: "Ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    #expect(!digest.matches(hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aD"))
    #expect(!digest.matches(hex: ""))
    #expect(!digest.matches(hex: String(good.dropLast())))
    #expect(!digest.matches(hex: good + "0"))
    #expect(!digest.matches(hex: " " + good.dropLast()))
    #expect(!digest.matches(hex: UnsafeRawBufferPointer(start: nil, count: 0)))
    // A substring that is exactly the digest matches; its surroundings are not read.
    let line = "{\"hash\":\"\(good)\"}"
    let start = line.index(line.startIndex, offsetBy: 9)
    let end = line.index(start, offsetBy: 64)
    #expect(digest.matches(hex: line[start..<end]))
  }

  @Test func writeHexFillsExactlySixtyFourBytes() {
    let digest = SHA256.digest([UInt8]())
    var output = [UInt8](repeating: UInt8(ascii: "#"), count: 70)
    output.withUnsafeMutableBytes { digest.writeHex(to: $0) }
    #expect(String(decoding: output[0..<64], as: UTF8.self) == SHA256.hexDigest([UInt8]()))
    #expect(output[64...].allSatisfy { $0 == UInt8(ascii: "#") })
  }

  @Test func hexUsesEveryDigit() {
    // The digests of the first 64 lengths contain all sixteen digits between them; each spelling
    // must agree with the generic `hexString` of the digest bytes.
    var seen = Set<Character>()
    for count in 0..<64 {
      let digest = SHA256.digest(SHA256Vectors.pattern(count: count))
      #expect(digest.hex == hexString(digest.bytes))
      seen.formUnion(digest.hex)
    }
    #expect(seen == Set("0123456789abcdef"))
  }
}

/// A deliberately plain SHA-256 (FIPS 180-4) used only to check the optimized one: arrays, loops
/// and the formulas exactly as printed in the standard, sharing no code with `SHA256`.
private enum TextbookSHA256 {
  static let k: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]

  static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 - n))
  }

  static func hash(_ message: [UInt8]) -> [UInt8] {
    // 5.1.1 Padding.
    var padded = message
    padded.append(0x80)
    while padded.count % 64 != 56 {
      padded.append(0)
    }
    let bitLength = UInt64(message.count) * 8
    for shift in stride(from: 56, through: 0, by: -8) {
      padded.append(UInt8((bitLength >> UInt64(shift)) & 0xff))
    }

    // 5.3.3 Initial hash value.
    var hash: [UInt32] = [
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]

    // 6.2.2 Hash computation, one 512-bit block at a time.
    for blockStart in stride(from: 0, to: padded.count, by: 64) {
      var w = [UInt32](repeating: 0, count: 64)
      for t in 0..<16 {
        let i = blockStart + t * 4
        w[t] =
          UInt32(padded[i]) << 24 | UInt32(padded[i + 1]) << 16 | UInt32(padded[i + 2]) << 8
          | UInt32(padded[i + 3])
      }
      for t in 16..<64 {
        let sigma0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
        let sigma1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w[t] = sigma1 &+ w[t - 7] &+ sigma0 &+ w[t - 16]
      }
      var a = hash[0], b = hash[1], c = hash[2], d = hash[3]
      var e = hash[4], f = hash[5], g = hash[6], h = hash[7]
      for t in 0..<64 {
        let bigSigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let ch = (e & f) ^ (~e & g)
        let t1 = h &+ bigSigma1 &+ ch &+ k[t] &+ w[t]
        let bigSigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let maj = (a & b) ^ (a & c) ^ (b & c)
        let t2 = bigSigma0 &+ maj
        h = g
        g = f
        f = e
        e = d &+ t1
        d = c
        c = b
        b = a
        a = t1 &+ t2
      }
      hash[0] = hash[0] &+ a
      hash[1] = hash[1] &+ b
      hash[2] = hash[2] &+ c
      hash[3] = hash[3] &+ d
      hash[4] = hash[4] &+ e
      hash[5] = hash[5] &+ f
      hash[6] = hash[6] &+ g
      hash[7] = hash[7] &+ h
    }

    var digest: [UInt8] = []
    for word in hash {
      digest.append(UInt8(word >> 24))
      digest.append(UInt8((word >> 16) & 0xff))
      digest.append(UInt8((word >> 8) & 0xff))
      digest.append(UInt8(word & 0xff))
    }
    return digest
  }

  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 / 16)], digits[Int($0 % 16)]] })
  }
}
