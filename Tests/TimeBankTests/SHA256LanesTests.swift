import Testing

@_spi(Measuring) @testable import TimeBank

@Suite struct SHA256LanesTests {
  // MARK: - Fixtures

  /// `messages` laid out as `SHA256Vectors.batchDigests` does, hashed as one batch with the lanes.
  ///
  /// Messages are hashed with `longMessageByteCount` as the length from which they go to the scalar
  /// code (`digests(of:into:using: .portable)` for the default, which is the lanes' public path).
  private static func laneDigests(
    of messages: [[UInt8]], offset: Int = 0, gaps: [Int] = [],
    longMessageByteCount: Int = SHA256.longMessageByteCount, nilEmpty: Bool = false
  ) -> [SHA256.Digest] {
    SHA256Vectors.batchDigests(of: messages, offset: offset, gaps: gaps, nilEmpty: nilEmpty) { ranges, digests in
      if longMessageByteCount == SHA256.longMessageByteCount {
        SHA256.digests(of: ranges, into: digests, using: .portable)
      } else {
        SHA256.laneDigests(of: ranges, into: digests, longMessageByteCount: longMessageByteCount)
      }
    }
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

  /// The padding boundaries, against digests computed independently with Python's hashlib
  /// (`SHA256Vectors.paddingBoundaries`).
  @Test func paddingBoundariesMatchPublishedDigests() {
    let expected = SHA256Vectors.paddingBoundaries.map { ($0.count, $0.hex) }
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
    let messages = SHA256Vectors.repeatedAndOverlapping
    let digests = Self.laneDigests(of: messages)
    #expect(digests == Self.scalarDigests(of: messages))
    #expect(digests.prefix(9).allSatisfy { $0.hex == SHA256Vectors.abcHex })
  }

  /// An empty batch writes nothing.
  @Test func emptyBatchLeavesTheDigestsAlone() {
    #expect(Self.laneDigests(of: []).isEmpty)
  }
}
