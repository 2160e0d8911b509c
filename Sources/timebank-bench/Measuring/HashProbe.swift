@_spi(Measuring) import TimeBank

/// `timebank-bench hash`: SHA-256 throughput on one thread, each way the library can hash, over
/// synthetic messages as long as log lines; checks that every way gives the same digests.
struct HashProbe {
  /// The options of `hash`.
  struct Options {
    var messages = 1_000_000
    var runs = 3
    var seed: UInt64 = 20_200_101
  }

  /// One way of hashing the messages.
  struct Way {
    let name: String
    let implementation: SHA256.Implementation
    /// Whether the messages go to `SHA256.digests(of:into:using:)` in batches, or to
    /// `SHA256.digest(_:using:)` one by one.
    let isBatch: Bool
  }

  /// The ways measured, in the order printed.
  static let ways = [
    Way(name: "portable, one at a time", implementation: .portable, isBatch: false),
    Way(name: "portable, 4 SIMD lanes", implementation: .portable, isBatch: true),
    Way(name: "SHA extensions, one at a time", implementation: .shaExtensions, isBatch: false),
    Way(name: "SHA extensions, 2 interleaved", implementation: .shaExtensions, isBatch: true),
  ]

  /// The shortest and longest message, about the range of the lines of a generated log.
  static let lengths = 250...420

  /// Messages per batch call: a step of the audit (4,096 lines) split between two worker threads.
  static let batchSize = 2048

  let options: Options

  /// Hashes the messages `runs` times each way and returns the lines to print.
  /// - Throws: `.disagreement` when two ways give different digests.
  func run() throws(BenchError) -> [String] {
    var generator = SeededGenerator(seed: options.seed)
    var lengths: [Int] = []
    lengths.reserveCapacity(options.messages)
    for _ in 0..<options.messages {
      lengths.append(Int.random(in: Self.lengths, using: &generator))
    }
    let byteCount = lengths.reduce(0, +)
    var bytes = [UInt8](repeating: 0, count: byteCount)
    for index in bytes.indices {
      // Printable ASCII, as in a log line; the hash does not care.
      bytes[index] = UInt8(truncatingIfNeeded: 32 + generator.next() % 95)
    }

    var rows = [["WAY", "MB/s", "RUNS (s)"]]
    var reference: [SHA256.Digest]?
    var referenceName = ""
    // `withUnsafeBytes` does not pass typed errors through: a disagreement comes out as its message.
    let disagreement: String? = bytes.withUnsafeBytes { buffer in
      var messages: [UnsafeRawBufferPointer] = []
      messages.reserveCapacity(lengths.count)
      var start = 0
      for length in lengths {
        messages.append(UnsafeRawBufferPointer(rebasing: buffer[start..<start + length]))
        start += length
      }
      for way in Self.ways {
        guard way.implementation.isAvailable else {
          rows.append([way.name, "-", "not available on this processor"])
          continue
        }
        var seconds: [Double] = []
        var digests: [SHA256.Digest] = []
        for _ in 0..<options.runs {
          let clock = Stopwatch()
          digests = Self.hash(messages, way: way)
          seconds.append(clock.seconds)
        }
        if let reference {
          guard digests == reference else {
            let index = digests.indices.first { digests[$0] != reference[$0] } ?? 0
            return "\(way.name) and \(referenceName) give different digests, first for message \(index) "
              + "(\(messages[index].count) bytes)"
          }
        } else {
          reference = digests
          referenceName = way.name
        }
        let megabytesPerSecond = Double(byteCount) / Statistics.median(seconds) / 1_000_000
        rows.append([
          way.name, Format.decimal(megabytesPerSecond, 0),
          seconds.map { Format.decimal($0, 3) }.joined(separator: " "),
        ])
      }
      return nil
    }
    if let disagreement { throw .disagreement(disagreement) }
    return [
      "hash: \(Format.grouped(options.messages)) messages of \(Self.lengths.lowerBound) to "
        + "\(Self.lengths.upperBound) bytes (\(Format.decimal(Double(byteCount) / 1_000_000, 1)) MB), "
        + "one thread; batches of \(Format.grouped(Self.batchSize)); median of \(options.runs) runs"
    ]
      + ResultTable.align(rows)
      + ["preferred on this processor: \(SHA256.Implementation.preferred); every way gives the same digests"]
  }

  /// The digests of `messages`, hashed `way`.
  private static func hash(_ messages: [UnsafeRawBufferPointer], way: Way) -> [SHA256.Digest] {
    guard way.isBatch else {
      return messages.map { SHA256.digest($0, using: way.implementation) }
    }
    var digests = [SHA256.Digest](repeating: SHA256.digest([UInt8]()), count: messages.count)
    messages.withUnsafeBufferPointer { messages in
      digests.withUnsafeMutableBufferPointer { digests in
        var start = 0
        while start < messages.count {
          let end = min(start + batchSize, messages.count)
          SHA256.digests(
            of: UnsafeBufferPointer(rebasing: messages[start..<end]),
            into: UnsafeMutableBufferPointer(rebasing: digests[start..<end]), using: way.implementation)
          start = end
        }
      }
    }
    return digests
  }
}
