// Multi-buffer SHA-256: several independent messages hashed at once, one message per SIMD lane.
//
// The log audit hashes about a million short lines (250 to 420 bytes, six blocks each with the
// padding). One line is a chain of dependent compressions, but different lines are independent, so
// `digests(of:into:)` runs the compression function of FIPS 180-4, section 6.2.2, on `SIMD4<UInt32>`
// words, lane *i* holding the working variables of the message in lane *i*. This is the portable
// batch path: on processors with the SHA extensions, `digests(of:into:)` hashes two messages at a
// time with those instead (SHA256+Extensions.swift), about four times as fast.
//
// Lanes do not wait for each other. Each lane works through its own message: first the whole
// 64-byte blocks read straight from the caller's memory, then the one or two padding blocks
// (section 5.1.1) built in a small per-lane buffer. When a lane has compressed its last padding
// block, its digest is stored, the lane restarts from the initial hash value and takes the next
// message of the batch; once the batch is used up, idle lanes compress a block of zeros until the
// other lanes are done. Per block, each lane's 16 big-endian words are gathered into 16 vectors.
//
// Four lanes rather than eight: the package builds for the x86-64 baseline (SSE2, 16 vector
// registers), where a `SIMD8<UInt32>` is two registers. With `SIMD8` the working variables alone
// fill the register file and the compiler spills, and on the AMD EPYC this was measured on `SIMD8`
// was 10 to 20 percent slower than `SIMD4`.
//
// Rotations are written as `(x &>> n) &+ (x &<< (32 - n))`: the two halves have no bits in common,
// so the sum is the rotation, and LLVM keeps it as two vector shifts and an `or`. Spelled with `|`,
// LLVM recognises a vector rotate, which SSE2 lacks, and splits it into four scalar `rol`s.

extension SHA256 {
  /// One 32-bit word per lane.
  typealias LaneWords = SIMD4<UInt32>

  /// The number of messages hashed at the same time.
  static var laneCount: Int { LaneWords.scalarCount }

  /// Messages of at least this many bytes are hashed one at a time with the portable `digest(_:)`.
  ///
  /// A long message keeps its lane busy after the others have run out of messages, and a vector
  /// compression with one useful lane costs about twice a scalar one.
  static let longMessageByteCount = 4096

  /// Batches with fewer messages than this for the lanes are hashed one at a time with the portable
  /// `digest(_:)`.
  ///
  /// With fewer messages than lanes, the idle lanes compress blocks of zeros; measured on messages
  /// of similar length, the lanes win from three messages on.
  static let minimumLaneBatchCount = 3

  /// Writes the SHA-256 digest of each message to the same index of `digests`, hashing several
  /// messages at once.
  ///
  /// Uses the CPU's SHA extensions when it has them (`Implementation.preferred`), two messages at a
  /// time, and otherwise four messages at a time in SIMD lanes. The digests are exactly those of
  /// `digest(_:)`. Messages may have any length, zero included, any alignment, and may overlap or
  /// repeat. The work space (under 2 KiB) lives on the stack, so a worker thread can call this once
  /// per batch of line ranges; a few hundred lines or more per call amortise the end of the batch,
  /// when not every lane has a message left.
  ///
  /// - Parameters:
  ///   - messages: The byte ranges to hash.
  ///   - digests: Receives the digest of `messages[i]` at index `i`; entries at indices from
  ///     `messages.count` on are left unchanged.
  /// - Precondition: `digests.count >= messages.count`.
  /// - Complexity: O(*n*) where *n* is the total number of bytes; allocates nothing on the heap.
  public static func digests(
    of messages: UnsafeBufferPointer<UnsafeRawBufferPointer>,
    into digests: UnsafeMutableBufferPointer<Digest>
  ) {
    Self.digests(of: messages, into: digests, using: .preferred)
  }

  /// Writes the SHA-256 digest of each message to the same index of `digests`, hashing several
  /// messages at once with the given implementation.
  ///
  /// With `.portable`, four messages go through SIMD lanes at a time; messages of at least 4 KiB,
  /// and batches of fewer than three messages, are hashed one at a time. With `.shaExtensions`, two
  /// messages are hashed at a time, interleaved. Every implementation gives the same digests; this
  /// is for benchmarks and tests that compare them.
  ///
  /// - Parameters:
  ///   - messages: The byte ranges to hash.
  ///   - digests: Receives the digest of `messages[i]` at index `i`; entries at indices from
  ///     `messages.count` on are left unchanged.
  ///   - implementation: The code that runs the compression function.
  /// - Precondition: `digests.count >= messages.count` and `implementation.isAvailable`.
  /// - Complexity: O(*n*) where *n* is the total number of bytes; allocates nothing on the heap.
  @_spi(Measuring)
  public static func digests(
    of messages: UnsafeBufferPointer<UnsafeRawBufferPointer>,
    into digests: UnsafeMutableBufferPointer<Digest>,
    using implementation: Implementation
  ) {
    precondition(implementation.isAvailable, "this processor cannot run \(implementation)")
    switch implementation {
    case .portable:
      laneDigests(of: messages, into: digests, longMessageByteCount: longMessageByteCount)
    case .shaExtensions:
      extensionDigests(of: messages, into: digests)
    }
  }

  /// `digests(of:into:)` with the length from which messages are hashed one at a time as a
  /// parameter, so that tests can send long messages through the lanes too.
  ///
  /// - Precondition: `digests.count >= messages.count`.
  /// - Complexity: O(*n*) where *n* is the total number of bytes.
  static func laneDigests(
    of messages: UnsafeBufferPointer<UnsafeRawBufferPointer>,
    into digests: UnsafeMutableBufferPointer<Digest>,
    longMessageByteCount: Int
  ) {
    precondition(digests.count >= messages.count, "one digest is needed for each message")
    var laneMessageCount = 0
    for index in messages.indices {
      if messages[index].count >= longMessageByteCount {
        digests[index] = digest(messages[index], using: .portable)
      } else {
        laneMessageCount += 1
      }
    }
    if laneMessageCount < minimumLaneBatchCount {
      for index in messages.indices where messages[index].count < longMessageByteCount {
        digests[index] = digest(messages[index], using: .portable)
      }
      return
    }
    // Several allocations of at most 1 KiB each: `withUnsafeTemporaryAllocation` puts those on the
    // stack without first asking the runtime how much stack is left.
    let alignment = MemoryLayout<LaneWords>.alignment
    withUnsafeTemporaryAllocation(byteCount: LaneSpace.scheduleByteCount, alignment: alignment) {
      schedule in
      withUnsafeTemporaryAllocation(byteCount: LaneSpace.byteCount, alignment: alignment) { bytes in
        withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: laneCount) { cursors in
          withUnsafeTemporaryAllocation(of: LaneProgress.self, capacity: laneCount) { progress in
            guard let schedule = schedule.baseAddress, let bytes = bytes.baseAddress,
              let cursors = cursors.baseAddress, let progress = progress.baseAddress
            else { return }
            var space = LaneSpace(
              messages: messages, digests: digests, longMessageByteCount: longMessageByteCount,
              schedule: schedule, bytes: bytes, cursors: cursors, progress: progress)
            space.run()
          }
        }
      }
    }
  }
}

extension SHA256 {
  /// The lanes' work space for one batch: hands out the messages to the lanes and runs the lanes
  /// until every digest is stored.
  private struct LaneSpace {
    /// The batch.
    let messages: UnsafeBufferPointer<UnsafeRawBufferPointer>
    /// Where the digest of `messages[i]` goes.
    let digests: UnsafeMutableBufferPointer<Digest>
    /// Messages this long are not for the lanes; the caller has hashed them already.
    let longMessageByteCount: Int
    /// The hash values of all lanes: eight `LaneWords`, H0 to H7.
    let state: UnsafeMutableRawPointer
    /// The message schedule of the block being compressed: 64 `LaneWords`.
    let schedule: UnsafeMutableRawPointer
    /// `paddingStride` bytes per lane for the padding blocks of its message.
    let padding: UnsafeMutableRawPointer
    /// One block of zeros, for idle lanes to compress.
    let zeros: UnsafeRawPointer
    /// The address of each lane's next block.
    let cursors: UnsafeMutablePointer<UnsafeRawPointer>
    /// Where each lane is in its message.
    let progress: UnsafeMutablePointer<LaneProgress>
    /// The index of the first message not yet handed to a lane (or skipped as long).
    var nextMessage = 0

    /// The number of bytes set aside per lane for its padding blocks.
    static var paddingStride: Int { SHA256.paddingByteCount }

    /// The size of the message schedule: 64 `LaneWords`.
    static var scheduleByteCount: Int { 64 * MemoryLayout<LaneWords>.stride }

    /// The size of the rest of the raw work space: state, padding blocks and the block of zeros.
    static var byteCount: Int { 8 * MemoryLayout<LaneWords>.stride + laneCount * paddingStride + 64 }

    /// Lays out the work space over `schedule` (`scheduleByteCount` bytes) and `bytes` (`byteCount`
    /// bytes), both aligned for `LaneWords`, and initialises `cursors` and `progress` (`laneCount`
    /// each) to idle lanes.
    init(
      messages: UnsafeBufferPointer<UnsafeRawBufferPointer>,
      digests: UnsafeMutableBufferPointer<Digest>, longMessageByteCount: Int,
      schedule: UnsafeMutableRawPointer, bytes: UnsafeMutableRawPointer,
      cursors: UnsafeMutablePointer<UnsafeRawPointer>, progress: UnsafeMutablePointer<LaneProgress>
    ) {
      self.messages = messages
      self.digests = digests
      self.longMessageByteCount = longMessageByteCount
      self.schedule = schedule
      state = bytes
      padding = bytes + 8 * MemoryLayout<LaneWords>.stride
      let zeroBlock = padding + laneCount * Self.paddingStride
      zeroBlock.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
      zeros = UnsafeRawPointer(zeroBlock)
      self.cursors = cursors
      self.progress = progress
      cursors.initialize(repeating: zeros, count: laneCount)
      progress.initialize(repeating: LaneProgress(), count: laneCount)
    }

    /// Hashes every message shorter than `longMessageByteCount` into `digests`.
    ///
    /// - Complexity: O(*n*) where *n* is the total number of bytes of those messages.
    mutating func run() {
      var activeLanes = 0
      for lane in 0..<laneCount where start(lane) {
        activeLanes += 1
      }
      while activeLanes > 0 {
        SHA256.compressLanes(state, blocks: cursors, schedule: schedule)
        // Idle lanes stay on the block of zeros.
        for lane in 0..<laneCount where progress[lane].message >= 0 {
          cursors[lane] += 64
          progress[lane].blocksLeft -= 1
          guard progress[lane].blocksLeft == 0 else { continue }
          if progress[lane].paddingBlocks > 0 {
            // The message's own blocks are done; its padding blocks follow.
            cursors[lane] = UnsafeRawPointer(padding + lane * Self.paddingStride)
            progress[lane].blocksLeft = progress[lane].paddingBlocks
            progress[lane].paddingBlocks = 0
            continue
          }
          digests[progress[lane].message] = digest(lane: lane)
          if !start(lane) {
            cursors[lane] = zeros
            progress[lane] = LaneProgress()
            activeLanes -= 1
          }
        }
      }
    }

    /// Hands the next message, if any, to `lane`: resets the lane's hash value, builds its padding
    /// blocks and points the lane at its first block. Returns false when no message is left.
    private mutating func start(_ lane: Int) -> Bool {
      while nextMessage < messages.count && messages[nextMessage].count >= longMessageByteCount {
        nextMessage += 1
      }
      guard nextMessage < messages.count else { return false }
      let index = nextMessage
      nextMessage += 1
      let message = messages[index]

      let initial = Digest.initial
      @inline(__always) func reset(_ word: Int, to value: UInt32) {
        state.storeBytes(of: value, toByteOffset: (word * laneCount + lane) * 4, as: UInt32.self)
      }
      reset(0, to: initial.h0)
      reset(1, to: initial.h1)
      reset(2, to: initial.h2)
      reset(3, to: initial.h3)
      reset(4, to: initial.h4)
      reset(5, to: initial.h5)
      reset(6, to: initial.h6)
      reset(7, to: initial.h7)

      let wholeBlocks = message.count / 64
      let blocks = padding + lane * Self.paddingStride
      let paddingBlocks = SHA256.writePadding(
        tail: message.baseAddress.map { $0 + wholeBlocks * 64 }, count: message.count - wholeBlocks * 64,
        messageLength: UInt64(truncatingIfNeeded: message.count), to: blocks)

      if let start = message.baseAddress, wholeBlocks > 0 {
        cursors[lane] = start
        progress[lane] = LaneProgress(
          message: index, blocksLeft: wholeBlocks, paddingBlocks: paddingBlocks)
      } else {
        cursors[lane] = UnsafeRawPointer(blocks)
        progress[lane] = LaneProgress(message: index, blocksLeft: paddingBlocks, paddingBlocks: 0)
      }
      return true
    }

    /// Reads the hash value of `lane` out of the lanes' state.
    private func digest(lane: Int) -> Digest {
      @inline(__always) func word(_ index: Int) -> UInt32 {
        state.load(fromByteOffset: (index * laneCount + lane) * 4, as: UInt32.self)
      }
      return Digest(
        h0: word(0), h1: word(1), h2: word(2), h3: word(3),
        h4: word(4), h5: word(5), h6: word(6), h7: word(7))
    }
  }

  /// Where one lane is in its message.
  private struct LaneProgress {
    /// The index of the message in the batch, or -1 for an idle lane.
    var message = -1
    /// Blocks left to compress at the lane's cursor before it moves on.
    var blocksLeft = 0
    /// Padding blocks still to come after the message's own blocks, or 0 once the cursor is on them.
    var paddingBlocks = 0
  }
}

extension SHA256 {
  /// Runs the compression function (FIPS 180-4, section 6.2.2) once in every lane: on the hash
  /// values in `state` (eight `LaneWords`, H0 to H7) and, for each lane, the 64-byte block at
  /// `blocks[lane]` (any alignment).
  ///
  /// The message schedule W0...W63 of all lanes is computed first into `schedule` (64 `LaneWords`),
  /// then the 64 rounds, written out as in the scalar `compress`, read it from there. With the
  /// schedule in memory the eight working variables and the temporaries of a round fit in the 16
  /// SSE registers; keeping a rolling window of 16 schedule vectors in variables, as the scalar code
  /// does, made the compiler spill and was slower.
  ///
  /// - Complexity: O(1).
  fileprivate static func compressLanes(
    _ state: UnsafeMutableRawPointer, blocks: UnsafePointer<UnsafeRawPointer>,
    schedule: UnsafeMutableRawPointer
  ) {
    let stride = MemoryLayout<LaneWords>.stride
    @inline(__always) func hash(_ index: Int) -> LaneWords {
      state.load(fromByteOffset: index * stride, as: LaneWords.self)
    }
    @inline(__always) func w(_ index: Int) -> LaneWords {
      schedule.load(fromByteOffset: index * stride, as: LaneWords.self)
    }
    for index in 0..<16 {
      var words = LaneWords()
      for lane in 0..<LaneWords.scalarCount {
        words[lane] = UInt32(
          bigEndian: blocks[lane].loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
      }
      schedule.storeBytes(of: words, toByteOffset: index * stride, as: LaneWords.self)
    }
    for index in 16..<64 {
      let w15 = w(index - 15)
      let w2 = w(index - 2)
      let smallSigma0 = laneRotr(w15, 7) ^ laneRotr(w15, 18) ^ (w15 &>> 3)
      let smallSigma1 = laneRotr(w2, 17) ^ laneRotr(w2, 19) ^ (w2 &>> 10)
      let word = w(index - 16) &+ smallSigma0 &+ w(index - 7) &+ smallSigma1
      schedule.storeBytes(of: word, toByteOffset: index * stride, as: LaneWords.self)
    }
    var a = hash(0), b = hash(1), c = hash(2), d = hash(3)
    var e = hash(4), f = hash(5), g = hash(6), h = hash(7)

    laneRound(a, b, c, &d, e, f, g, &h, 0x428a_2f98, w(0))
    laneRound(h, a, b, &c, d, e, f, &g, 0x7137_4491, w(1))
    laneRound(g, h, a, &b, c, d, e, &f, 0xb5c0_fbcf, w(2))
    laneRound(f, g, h, &a, b, c, d, &e, 0xe9b5_dba5, w(3))
    laneRound(e, f, g, &h, a, b, c, &d, 0x3956_c25b, w(4))
    laneRound(d, e, f, &g, h, a, b, &c, 0x59f1_11f1, w(5))
    laneRound(c, d, e, &f, g, h, a, &b, 0x923f_82a4, w(6))
    laneRound(b, c, d, &e, f, g, h, &a, 0xab1c_5ed5, w(7))
    laneRound(a, b, c, &d, e, f, g, &h, 0xd807_aa98, w(8))
    laneRound(h, a, b, &c, d, e, f, &g, 0x1283_5b01, w(9))
    laneRound(g, h, a, &b, c, d, e, &f, 0x2431_85be, w(10))
    laneRound(f, g, h, &a, b, c, d, &e, 0x550c_7dc3, w(11))
    laneRound(e, f, g, &h, a, b, c, &d, 0x72be_5d74, w(12))
    laneRound(d, e, f, &g, h, a, b, &c, 0x80de_b1fe, w(13))
    laneRound(c, d, e, &f, g, h, a, &b, 0x9bdc_06a7, w(14))
    laneRound(b, c, d, &e, f, g, h, &a, 0xc19b_f174, w(15))
    laneRound(a, b, c, &d, e, f, g, &h, 0xe49b_69c1, w(16))
    laneRound(h, a, b, &c, d, e, f, &g, 0xefbe_4786, w(17))
    laneRound(g, h, a, &b, c, d, e, &f, 0x0fc1_9dc6, w(18))
    laneRound(f, g, h, &a, b, c, d, &e, 0x240c_a1cc, w(19))
    laneRound(e, f, g, &h, a, b, c, &d, 0x2de9_2c6f, w(20))
    laneRound(d, e, f, &g, h, a, b, &c, 0x4a74_84aa, w(21))
    laneRound(c, d, e, &f, g, h, a, &b, 0x5cb0_a9dc, w(22))
    laneRound(b, c, d, &e, f, g, h, &a, 0x76f9_88da, w(23))
    laneRound(a, b, c, &d, e, f, g, &h, 0x983e_5152, w(24))
    laneRound(h, a, b, &c, d, e, f, &g, 0xa831_c66d, w(25))
    laneRound(g, h, a, &b, c, d, e, &f, 0xb003_27c8, w(26))
    laneRound(f, g, h, &a, b, c, d, &e, 0xbf59_7fc7, w(27))
    laneRound(e, f, g, &h, a, b, c, &d, 0xc6e0_0bf3, w(28))
    laneRound(d, e, f, &g, h, a, b, &c, 0xd5a7_9147, w(29))
    laneRound(c, d, e, &f, g, h, a, &b, 0x06ca_6351, w(30))
    laneRound(b, c, d, &e, f, g, h, &a, 0x1429_2967, w(31))
    laneRound(a, b, c, &d, e, f, g, &h, 0x27b7_0a85, w(32))
    laneRound(h, a, b, &c, d, e, f, &g, 0x2e1b_2138, w(33))
    laneRound(g, h, a, &b, c, d, e, &f, 0x4d2c_6dfc, w(34))
    laneRound(f, g, h, &a, b, c, d, &e, 0x5338_0d13, w(35))
    laneRound(e, f, g, &h, a, b, c, &d, 0x650a_7354, w(36))
    laneRound(d, e, f, &g, h, a, b, &c, 0x766a_0abb, w(37))
    laneRound(c, d, e, &f, g, h, a, &b, 0x81c2_c92e, w(38))
    laneRound(b, c, d, &e, f, g, h, &a, 0x9272_2c85, w(39))
    laneRound(a, b, c, &d, e, f, g, &h, 0xa2bf_e8a1, w(40))
    laneRound(h, a, b, &c, d, e, f, &g, 0xa81a_664b, w(41))
    laneRound(g, h, a, &b, c, d, e, &f, 0xc24b_8b70, w(42))
    laneRound(f, g, h, &a, b, c, d, &e, 0xc76c_51a3, w(43))
    laneRound(e, f, g, &h, a, b, c, &d, 0xd192_e819, w(44))
    laneRound(d, e, f, &g, h, a, b, &c, 0xd699_0624, w(45))
    laneRound(c, d, e, &f, g, h, a, &b, 0xf40e_3585, w(46))
    laneRound(b, c, d, &e, f, g, h, &a, 0x106a_a070, w(47))
    laneRound(a, b, c, &d, e, f, g, &h, 0x19a4_c116, w(48))
    laneRound(h, a, b, &c, d, e, f, &g, 0x1e37_6c08, w(49))
    laneRound(g, h, a, &b, c, d, e, &f, 0x2748_774c, w(50))
    laneRound(f, g, h, &a, b, c, d, &e, 0x34b0_bcb5, w(51))
    laneRound(e, f, g, &h, a, b, c, &d, 0x391c_0cb3, w(52))
    laneRound(d, e, f, &g, h, a, b, &c, 0x4ed8_aa4a, w(53))
    laneRound(c, d, e, &f, g, h, a, &b, 0x5b9c_ca4f, w(54))
    laneRound(b, c, d, &e, f, g, h, &a, 0x682e_6ff3, w(55))
    laneRound(a, b, c, &d, e, f, g, &h, 0x748f_82ee, w(56))
    laneRound(h, a, b, &c, d, e, f, &g, 0x78a5_636f, w(57))
    laneRound(g, h, a, &b, c, d, e, &f, 0x84c8_7814, w(58))
    laneRound(f, g, h, &a, b, c, d, &e, 0x8cc7_0208, w(59))
    laneRound(e, f, g, &h, a, b, c, &d, 0x90be_fffa, w(60))
    laneRound(d, e, f, &g, h, a, b, &c, 0xa450_6ceb, w(61))
    laneRound(c, d, e, &f, g, h, a, &b, 0xbef9_a3f7, w(62))
    laneRound(b, c, d, &e, f, g, h, &a, 0xc671_78f2, w(63))

    @inline(__always) func add(_ index: Int, _ value: LaneWords) {
      state.storeBytes(of: hash(index) &+ value, toByteOffset: index * stride, as: LaneWords.self)
    }
    add(0, a)
    add(1, b)
    add(2, c)
    add(3, d)
    add(4, e)
    add(5, f)
    add(6, g)
    add(7, h)
  }

  /// One round of the compression function in every lane; the caller rotates the variable roles
  /// between calls, as in the scalar `round`.
  @inline(__always)
  private static func laneRound(
    _ a: LaneWords, _ b: LaneWords, _ c: LaneWords, _ d: inout LaneWords,
    _ e: LaneWords, _ f: LaneWords, _ g: LaneWords, _ h: inout LaneWords, _ k: UInt32, _ w: LaneWords
  ) {
    let bigSigma1 = laneRotr(e, 6) ^ laneRotr(e, 11) ^ laneRotr(e, 25)
    let choose = g ^ (e & (f ^ g))
    let t1 = h &+ (w &+ LaneWords(repeating: k)) &+ choose &+ bigSigma1
    let bigSigma0 = laneRotr(a, 2) ^ laneRotr(a, 13) ^ laneRotr(a, 22)
    let majority = ((a ^ b) & (b ^ c)) ^ b
    d &+= t1
    h = t1 &+ (bigSigma0 &+ majority)
  }

  /// Rotates every lane of `x` right by `n` bits (0 < n < 32).
  ///
  /// The halves are added rather than or-ed (the same value, as they share no bits) so that LLVM
  /// keeps two vector shifts instead of scalarising a vector rotate on SSE2.
  @inline(__always)
  private static func laneRotr(_ x: LaneWords, _ n: UInt32) -> LaneWords {
    (x &>> n) &+ (x &<< (32 &- n))
  }
}
