import Testing

@_spi(Measuring) @testable import TimeBank

@Suite struct SHA256LanesTests {
  // MARK: - Fixtures

  /// Copies `messages` one after another into one buffer, starting `offset` bytes in and with `gaps[i]`
  /// bytes of 0xee after message i (so starts fall on every alignment and a reader that runs past the
  /// end of a message hashes the wrong bytes), and hashes them as one batch with the lanes.
  ///
  /// Messages are hashed with `longMessageByteCount` as the length from which they go to the scalar
  /// code (`digests(of:into:using: .portable)` for the default, which is the lanes' public path). Empty messages are passed with a nil base address when `nilEmpty` is set. The digest buffer
  /// has one more entry than there are messages, which must be left as it was.
  private static func laneDigests(
    of messages: [[UInt8]], offset: Int = 0, gaps: [Int] = [],
    longMessageByteCount: Int = SHA256.longMessageByteCount, nilEmpty: Bool = false
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
        digests.withUnsafeMutableBufferPointer { digests in
          if longMessageByteCount == SHA256.longMessageByteCount {
            SHA256.digests(of: ranges, into: digests, using: .portable)
          } else {
            SHA256.laneDigests(of: ranges, into: digests, longMessageByteCount: longMessageByteCount)
          }
        }
      }
    }
    #expect(digests.last == sentinel, "the entry after the last message was overwritten")
    return Array(digests.dropLast())
  }

  /// The portable scalar digests of `messages`, the reference for the lanes.
  private static func scalarDigests(of messages: [[UInt8]]) -> [SHA256.Digest] {
    messages.map { message in message.withUnsafeBytes { SHA256.digest($0, using: .portable) } }
  }

  // MARK: - Published FIPS 180-4 / NIST example vectors, each in a batch with other messages



  /// The three short vectors, with fillers of several lengths around them, at every position within
  /// the first lane count of messages (each lane takes one of those first) and later in the batch.
  @Test func publishedVectorsInEveryLane() {
    let vectors: [([UInt8], String)] = [
      (SHA256Vectors.abc, SHA256Vectors.abcHex), (SHA256Vectors.twoBlock, SHA256Vectors.twoBlockHex), ([], SHA256Vectors.emptyHex),
    ]
    var generator = SeededGenerator(seed: 1)
    for (vector, expected) in vectors {
      for position in 0..<(SHA256.laneCount + 3) {
        var batch = (0..<(SHA256.laneCount + 4)).map { index in
          SHA256Vectors.randomBytes(count: 40 + 97 * index % 400, using: &generator)
        }
        batch[position] = vector
        for nilEmpty in [false, true] {
          let digests = Self.laneDigests(of: batch, nilEmpty: nilEmpty)
          #expect(digests[position].hex == expected, "position \(position)")
          #expect(digests == Self.scalarDigests(of: batch))
        }
      }
    }
  }

  /// All four vectors in one batch, one per lane, with the million a's sent through a lane as well
  /// (by lifting the length from which messages go to the scalar code) and, by default, not.
  @Test func allPublishedVectorsInOneBatch() {
    let batch = [SHA256Vectors.millionA, SHA256Vectors.abc, SHA256Vectors.twoBlock, [], SHA256Vectors.abc, SHA256Vectors.pattern(count: 300)]
    let expected = [SHA256Vectors.millionAHex, SHA256Vectors.abcHex, SHA256Vectors.twoBlockHex, SHA256Vectors.emptyHex, SHA256Vectors.abcHex]
    for longMessageByteCount in [Int.max, SHA256.longMessageByteCount] {
      let digests = Self.laneDigests(of: batch, longMessageByteCount: longMessageByteCount)
      #expect(digests.prefix(5).map(\.hex) == expected)
      #expect(digests == Self.scalarDigests(of: batch))
    }
  }

  /// The padding boundaries, against digests computed independently with Python's hashlib:
  /// `hashlib.sha256(bytes((i * 7 + 3) & 0xff for i in range(n))).hexdigest()`.
  @Test func paddingBoundariesMatchPublishedDigests() {
    let expected: [(Int, String)] = [
      (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
      (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
      (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
      (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
      (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
      (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
      (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
      (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
    ]
    let batch = expected.map { SHA256Vectors.pattern(count: $0.0) }
    for offset in 0..<4 {
      let digests = Self.laneDigests(of: batch, offset: offset, gaps: [3, 0, 1, 2, 7, 0, 5, 1])
      #expect(digests.map(\.hex) == expected.map(\.1), "offset \(offset)")
      let reversed = Self.laneDigests(of: batch.reversed(), offset: offset)
      #expect(reversed.map(\.hex) == expected.map(\.1).reversed(), "offset \(offset)")
    }
  }

  // MARK: - Agreement with the scalar digest

  /// Every length 0...300 and longer random ones, shuffled, in batches of many sizes (one message,
  /// fewer messages than lanes, a few, and all at once) at every start alignment.
  @Test(arguments: [1, 2, 3, 5, 8, 17, 64, 1000])
  func randomMessagesMatchScalarDigests(batchSize: Int) {
    var generator = SeededGenerator(seed: UInt64(batchSize))
    var lengths = Array(0...300)
    lengths += [55, 56, 63, 64, 119, 120, 127, 128, 129, 4095, 4096, 4097, 9000]
    lengths += (0..<40).map { _ in Int.random(in: 301...2000, using: &generator) }
    lengths.shuffle(using: &generator)
    let messages = lengths.map { SHA256Vectors.randomBytes(count: $0, using: &generator) }
    var start = 0
    while start < messages.count {
      let batch = Array(messages[start..<min(start + batchSize, messages.count)])
      let gaps = batch.map { _ in Int.random(in: 0...9, using: &generator) }
      let offset = Int.random(in: 0...15, using: &generator)
      let digests = Self.laneDigests(of: batch, offset: offset, gaps: gaps)
      #expect(digests == Self.scalarDigests(of: batch), "lengths \(batch.map(\.count))")
      start += batchSize
    }
  }

  /// Long messages sent through the lanes rather than the scalar code, next to short ones, so that
  /// lanes finish at very different times.
  @Test func longMessagesInLanesMatchScalarDigests() {
    var generator = SeededGenerator(seed: 42)
    let lengths = [10_000, 3, 70, 0, 5000, 64, 56, 200, 120, 4096, 1, 55, 119, 63, 8191]
    let messages = lengths.map { SHA256Vectors.randomBytes(count: $0, using: &generator) }
    let digests = Self.laneDigests(of: messages, offset: 1, longMessageByteCount: .max)
    #expect(digests == Self.scalarDigests(of: messages))
  }

  /// The same message many times, and overlapping ranges of one buffer, as the log lines' ranges.
  @Test func repeatedAndOverlappingMessagesMatchScalarDigests() {
    let text = SHA256Vectors.pattern(count: 800)
    var messages: [[UInt8]] = Array(repeating: SHA256Vectors.abc, count: 9)
    for start in stride(from: 0, to: 500, by: 37) {
      messages.append(Array(text[start..<start + 55 + start % 200]))
    }
    let digests = Self.laneDigests(of: messages)
    #expect(digests == Self.scalarDigests(of: messages))
    #expect(digests.prefix(9).allSatisfy { $0.hex == SHA256Vectors.abcHex })
  }

  /// An empty batch writes nothing.
  @Test func emptyBatchLeavesTheDigestsAlone() {
    #expect(Self.laneDigests(of: []).isEmpty)
  }
}
