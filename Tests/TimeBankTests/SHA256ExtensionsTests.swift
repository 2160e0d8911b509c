import Foundation
import Testing

@_spi(Measuring) import TimeBank

/// SHA-256 with the processor's SHA extensions, one message at a time and two interleaved, against
/// the published vectors and the portable code. Tests that run the extensions are skipped on a
/// processor without them.
@Suite struct SHA256ExtensionsTests {
  // MARK: - Fixtures

  /// Whether this processor has the SHA extensions.
  private static let hasExtensions = SHA256.Implementation.shaExtensions.isAvailable

  /// The lengths every comparison covers: 0 to 300, the padding edges of the next blocks, around
  /// 4 KiB, and a long one.
  private static let lengths =
    Array(0...300) + [311, 312, 319, 320, 375, 376, 383, 384, 447, 448, 4095, 4096, 4097, 9000]

  /// `messages` laid out as `SHA256Vectors.batchDigests` does, hashed as one batch with
  /// `implementation`, or with the public `digests(of:into:)` when it is nil.
  private static func batchDigests(
    of messages: [[UInt8]], offset: Int = 0, gaps: [Int] = [], nilEmpty: Bool = false,
    using implementation: SHA256.Implementation? = .shaExtensions
  ) -> [SHA256.Digest] {
    SHA256Vectors.batchDigests(of: messages, offset: offset, gaps: gaps, nilEmpty: nilEmpty) { ranges, digests in
      if let implementation {
        SHA256.digests(of: ranges, into: digests, using: implementation)
      } else {
        SHA256.digests(of: ranges, into: digests)
      }
    }
  }

  /// The digest of `message` with `implementation`, read `offset` bytes into a buffer.
  private static func digest(
    _ message: [UInt8], offset: Int = 0, using implementation: SHA256.Implementation
  ) -> SHA256.Digest {
    let storage = [UInt8](repeating: 0xee, count: offset) + message + [0xee]
    return storage.withUnsafeBytes { bytes in
      SHA256.digest(
        UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + message.count]), using: implementation)
    }
  }

  /// The portable digests of `messages`, the reference.
  private static func portableDigests(of messages: [[UInt8]]) -> [SHA256.Digest] {
    messages.map { digest($0, using: .portable) }
  }

  // MARK: - Choosing the implementation

  @Test func portableIsAlwaysAvailableAndPreferredOnlyWithoutExtensions() {
    #expect(SHA256.Implementation.portable.isAvailable)
    #expect(SHA256.Implementation.preferred == (Self.hasExtensions ? .shaExtensions : .portable))
  }

  /// CPUID and the kernel's reading of it agree: `sha_ni` in the flags of /proc/cpuinfo.
  @Test func detectionAgreesWithProcCPUInfo() throws {
    #if os(Linux) && arch(x86_64)
      let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
      let flags = text.split(separator: "\n").first { $0.hasPrefix("flags") }
      let words = try #require(flags).split(separator: " ")
      #expect(words.contains("sha_ni") == Self.hasExtensions)
    #else
      #expect(!Self.hasExtensions || SHA256.Implementation.preferred == .shaExtensions)
    #endif
  }

  // MARK: - Published FIPS 180-4 / NIST example vectors



  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func publishedVectorsOneAtATime() {
    #expect(Self.digest(SHA256Vectors.abc, using: .shaExtensions).hex == SHA256Vectors.abcHex)
    #expect(Self.digest(SHA256Vectors.twoBlock, offset: 3, using: .shaExtensions).hex == SHA256Vectors.twoBlockHex)
    #expect(Self.digest([], using: .shaExtensions).hex == SHA256Vectors.emptyHex)
    #expect(
      SHA256.digest(UnsafeRawBufferPointer(start: nil, count: 0), using: .shaExtensions).hex == SHA256Vectors.emptyHex)
    #expect(Self.digest(SHA256Vectors.millionA, offset: 1, using: .shaExtensions).hex == SHA256Vectors.millionAHex)
  }

  /// Each short vector at every position of a batch among fillers of several lengths (first, second,
  /// later, last), so that either stream takes it, and with empty messages given with and without a
  /// base address.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func publishedVectorsInEveryPositionOfABatch() {
    let vectors: [([UInt8], String)] = [
      (SHA256Vectors.abc, SHA256Vectors.abcHex), (SHA256Vectors.twoBlock, SHA256Vectors.twoBlockHex), ([], SHA256Vectors.emptyHex),
    ]
    var generator = SeededGenerator(seed: 7)
    for (vector, expected) in vectors {
      for batchSize in 1...6 {
        for position in 0..<batchSize {
          var batch = (0..<batchSize).map { index in
            SHA256Vectors.randomBytes(count: 40 + 97 * index % 400, using: &generator)
          }
          batch[position] = vector
          for nilEmpty in [false, true] {
            let digests = Self.batchDigests(of: batch, offset: position, nilEmpty: nilEmpty)
            #expect(digests[position].hex == expected, "batch of \(batchSize), position \(position)")
            #expect(digests == Self.portableDigests(of: batch))
          }
        }
      }
    }
  }

  /// All four vectors in one batch: the million a's run in one stream while the other takes the rest.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func allPublishedVectorsInOneBatch() {
    let batch = [SHA256Vectors.millionA, SHA256Vectors.abc, SHA256Vectors.twoBlock, [], SHA256Vectors.abc, SHA256Vectors.pattern(count: 300)]
    let expected = [SHA256Vectors.millionAHex, SHA256Vectors.abcHex, SHA256Vectors.twoBlockHex, SHA256Vectors.emptyHex, SHA256Vectors.abcHex]
    let digests = Self.batchDigests(of: batch, offset: 5)
    #expect(digests.prefix(5).map(\.hex) == expected)
    #expect(digests == Self.portableDigests(of: batch))
    let reversed = Self.batchDigests(of: batch.reversed())
    #expect(reversed.suffix(5).map(\.hex) == expected.reversed())
  }

  /// The padding boundaries, against digests computed independently with Python's hashlib
  /// (`SHA256Vectors.paddingBoundaries`).
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func paddingBoundariesMatchPublishedDigests() {
    let expected = SHA256Vectors.paddingBoundaries.map { ($0.count, $0.hex) }
    let batch = expected.map { SHA256Vectors.pattern(count: $0.0) }
    for offset in 0..<4 {
      let single = batch.map { Self.digest($0, offset: offset, using: .shaExtensions) }
      #expect(single.map(\.hex) == expected.map(\.1), "one at a time, offset \(offset)")
      let digests = Self.batchDigests(of: batch, offset: offset, gaps: [3, 0, 1, 2, 7, 0, 5, 1])
      #expect(digests.map(\.hex) == expected.map(\.1), "batch, offset \(offset)")
      let reversed = Self.batchDigests(of: batch.reversed(), offset: offset)
      #expect(reversed.map(\.hex) == expected.map(\.1).reversed(), "reversed batch, offset \(offset)")
    }
  }

  // MARK: - Agreement with the portable code

  /// Every length 0...300 and the padding edges, one at a time, at sixteen start alignments.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func everyLengthOneAtATimeMatchesPortable() {
    var generator = SeededGenerator(seed: 300)
    for length in Self.lengths {
      let message = SHA256Vectors.randomBytes(count: length, using: &generator)
      let expected = Self.digest(message, using: .portable)
      for offset in 0..<16 {
        #expect(
          Self.digest(message, offset: offset, using: .shaExtensions) == expected,
          "length \(length), offset \(offset)")
      }
    }
  }

  /// Every length 0...300 and the padding edges, shuffled, in batches of every size from 1 to 50,
  /// at odd start alignments and with gaps between the messages.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"), arguments: 1...50)
  func everyLengthInBatchesMatchesPortable(batchSize: Int) {
    var generator = SeededGenerator(seed: UInt64(batchSize))
    let lengths = Self.lengths.shuffled(using: &generator)
    let messages = lengths.map { SHA256Vectors.randomBytes(count: $0, using: &generator) }
    let expected = Self.portableDigests(of: messages)
    var start = 0
    while start < messages.count {
      let end = min(start + batchSize, messages.count)
      let batch = Array(messages[start..<end])
      let gaps = batch.map { _ in Int.random(in: 0...9, using: &generator) }
      let offset = 2 * Int.random(in: 0...7, using: &generator) + 1
      let digests = Self.batchDigests(of: batch, offset: offset, gaps: gaps, nilEmpty: start % 2 == 0)
      #expect(digests == Array(expected[start..<end]), "lengths \(batch.map(\.count))")
      start = end
    }
  }

  /// Long messages next to short ones, so that the two streams finish at very different times.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func longAndShortMessagesMatchPortable() {
    var generator = SeededGenerator(seed: 42)
    let lengths = [10_000, 3, 70, 0, 5000, 64, 56, 200, 120, 4096, 1, 55, 119, 63, 8191, 100_000, 0, 1]
    let messages = lengths.map { SHA256Vectors.randomBytes(count: $0, using: &generator) }
    #expect(Self.batchDigests(of: messages, offset: 1) == Self.portableDigests(of: messages))
    #expect(
      Self.batchDigests(of: messages.reversed(), offset: 2) == Self.portableDigests(of: messages.reversed()))
  }

  /// The same message many times, and overlapping ranges of one buffer, as the log lines' ranges.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func repeatedAndOverlappingMessagesMatchPortable() {
    let messages = SHA256Vectors.repeatedAndOverlapping
    let text = SHA256Vectors.pattern(count: 800)
    let digests = Self.batchDigests(of: messages)
    #expect(digests == Self.portableDigests(of: messages))
    #expect(digests.prefix(9).allSatisfy { $0.hex == SHA256Vectors.abcHex })

    // The ranges themselves overlap: every suffix of one buffer, hashed in place.
    text.withUnsafeBytes { bytes in
      let ranges = (0..<300).map { UnsafeRawBufferPointer(rebasing: bytes[$0..<($0 + 200 + $0 % 70)]) }
      var digests = [SHA256.Digest](repeating: SHA256.digest([UInt8]()), count: ranges.count)
      ranges.withUnsafeBufferPointer { ranges in
        digests.withUnsafeMutableBufferPointer {
          SHA256.digests(of: ranges, into: $0, using: .shaExtensions)
        }
      }
      #expect(digests == ranges.map { SHA256.digest($0, using: .portable) })
    }
  }

  /// An empty batch writes nothing.
  @Test(.enabled(if: hasExtensions, "this processor has no SHA extensions"))
  func emptyBatchLeavesTheDigestsAlone() {
    #expect(Self.batchDigests(of: []).isEmpty)
  }

  // MARK: - The public entry points

  /// The streaming API (the preferred implementation) with the message split in two at every point,
  /// and in three around every block boundary, agrees with the portable one-shot digest.
  @Test func streamingSplitAtEveryPointMatchesPortable() {
    var generator = SeededGenerator(seed: 2)
    for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 200, 300] {
      let message = SHA256Vectors.randomBytes(count: length, using: &generator)
      let expected = Self.digest(message, using: .portable)
      for split in 0...length {
        var hasher = SHA256()
        hasher.update(message[..<split])
        hasher.update(message[split...])
        #expect(hasher.finalizeDigest() == expected, "length \(length), split at \(split)")
        for second in stride(from: split, through: min(length, split + 130), by: 13) {
          var pieces = SHA256()
          pieces.update(message[..<split])
          // Finalizing in between must not disturb the hasher.
          _ = pieces.finalizeDigest()
          pieces.update(message[split..<second])
          pieces.update(message[second...])
          #expect(pieces.finalizeDigest() == expected, "length \(length), split at \(split), \(second)")
        }
      }
    }
  }

  /// The public one-shot and batch functions give the digests of every implementation this
  /// processor has.
  @Test func publicEntryPointsMatchEveryImplementation() {
    var generator = SeededGenerator(seed: 3)
    let messages = (0..<100).map { SHA256Vectors.randomBytes(count: 250 + $0 * 17 % 171, using: &generator) }
    let expected = Self.portableDigests(of: messages)
    #expect(messages.map { SHA256.digest($0) } == expected)
    for implementation in SHA256.Implementation.allCases where implementation.isAvailable {
      #expect(messages.map { Self.digest($0, using: implementation) } == expected, "\(implementation)")
      #expect(Self.batchDigests(of: messages, using: implementation) == expected, "\(implementation)")
    }
    #expect(Self.batchDigests(of: messages, using: nil) == expected)
  }
}
