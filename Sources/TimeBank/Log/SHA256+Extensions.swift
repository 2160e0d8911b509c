// SHA-256 with the SHA extensions of x86-64 processors (Intel since Goldmont and Ice Lake, AMD since
// Zen), and the choice between them and the portable code.
//
// SHA256RNDS2 runs two rounds of the compression function (FIPS 180-4, section 6.2.2) on a hash value
// held in two XMM registers, A, B, E, F in one and C, D, G, H in the other; SHA256MSG1 and SHA256MSG2
// compute the message schedule four words at a time. Within one message every SHA256RNDS2 waits for
// the one before, so hashing one message at a time runs at the instruction's latency, not at its
// throughput. `digests(of:into:using:)` therefore hashes two messages at a time: their blocks are
// compressed in the same loop, two independent chains that the processor overlaps. Written block
// after block rather than round by round: interleaved by hand, the two messages' state and schedule
// need more than the 16 XMM registers, and the spills made it slower than the single path.
//
// The intrinsics come from the toolchain's clang module `_Builtin_intrinsics.intel`, which the
// compiler accepts only with `-Xcc -msha` (see Package.swift). That flag enables the SHA instructions
// and nothing else (they imply only SSE2), and the compiler never emits them unless asked through
// the intrinsics, so the rest of the module keeps the x86-64 baseline and the portable code still
// runs on processors without the extensions. For the same reason the byte swap and the lane
// shuffles are plain Swift SIMD code, which LLVM lowers with SSE2: clang's `_mm_alignr_epi8`,
// `_mm_blend_epi16` and `_mm_shuffle_epi32` are macros Swift cannot import, and `-mssse3` for
// `_mm_shuffle_epi8` would let the compiler use SSSE3 anywhere in the module. (Measured on an AMD
// EPYC, SSSE3's PSHUFB and PALIGNR would make the two-message path about a fifth faster, a few
// hundredths of a second of a million-line audit.) Whether the processor has the extensions is asked
// once, with CPUID.

#if arch(x86_64)
  import _Builtin_intrinsics.intel
  import _Builtin_intrinsics.intel.cpuid
#endif

extension SHA256 {
  /// The code that runs the compression function. All of them give the same digests.
  @_spi(Measuring)
  public enum Implementation: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Plain Swift, on any processor: one message at a time, or four in SIMD lanes.
    case portable
    /// The SHA extensions of x86-64 processors (SHA256RNDS2, SHA256MSG1, SHA256MSG2).
    case shaExtensions

    /// The fastest implementation this processor can run: the SHA extensions when it has them.
    public static let preferred: Implementation =
      Implementation.shaExtensions.isAvailable ? .shaExtensions : .portable

    /// Whether this processor can run the implementation.
    public var isAvailable: Bool {
      switch self {
      case .portable: true
      case .shaExtensions: Self.processorHasSHAExtensions
      }
    }

    public var description: String {
      switch self {
      case .portable: "portable"
      case .shaExtensions: "SHA extensions"
      }
    }

    /// CPUID leaf 7, sub-leaf 0, EBX bit 29 (Intel SDM, volume 2A, CPUID; AMD APM, volume 3, E.3.6):
    /// SHA256RNDS2, SHA256MSG1 and SHA256MSG2 are there. They work on XMM registers, which every
    /// x86-64 operating system saves, so no XGETBV check is needed.
    private static let processorHasSHAExtensions: Bool = {
      #if arch(x86_64)
        var eax: UInt32 = 0
        var ebx: UInt32 = 0
        var ecx: UInt32 = 0
        var edx: UInt32 = 0
        // Returns 0 when the processor has no leaf 7.
        guard __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 else { return false }
        return ebx & (1 << 29) != 0
      #else
        return false
      #endif
    }()
  }
}

#if arch(x86_64)
  extension SHA256 {
    /// Four 32-bit words in one XMM register.
    typealias QuadWords = SIMD4<UInt32>

    /// A hash value in the layout of SHA256RNDS2: A, B, E, F in one register and C, D, G, H in the
    /// other, each with its first letter in the highest lane.
    struct ExtensionState {
      var abef: QuadWords
      var cdgh: QuadWords

      @inline(__always)
      init(_ digest: Digest) {
        abef = QuadWords(digest.h5, digest.h4, digest.h1, digest.h0)
        cdgh = QuadWords(digest.h7, digest.h6, digest.h3, digest.h2)
      }

      @inline(__always)
      var digest: Digest {
        Digest(
          h0: abef[3], h1: abef[2], h2: cdgh[3], h3: cdgh[2],
          h4: abef[1], h5: abef[0], h6: cdgh[1], h7: cdgh[0])
      }
    }

    // MARK: - One message

    /// Runs the compression function over `count` consecutive 64-byte blocks starting at `blocks`
    /// (any alignment) with the SHA extensions, which the processor must have.
    ///
    /// - Complexity: O(`count`).
    static func compressWithExtensions(_ state: inout Digest, blocks: UnsafeRawPointer, count: Int) {
      var lanes = ExtensionState(state)
      var block = blocks
      for _ in 0..<count {
        compressBlock(&lanes, block)
        block += 64
      }
      state = lanes.digest
    }

    /// Runs the compression function on the 64-byte block at `block` (any alignment).
    ///
    /// The schedule is a rolling window of four registers, W[t-16]...W[t-1]; each group of four
    /// rounds after the first four replaces the oldest register with the next four words.
    @inline(__always)
    private static func compressBlock(_ state: inout ExtensionState, _ block: UnsafeRawPointer) {
      let saved = state
      var w0 = bigEndianWords(block, 0)
      var w1 = bigEndianWords(block, 1)
      var w2 = bigEndianWords(block, 2)
      var w3 = bigEndianWords(block, 3)
      fourRounds(&state, w0, QuadWords(0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5))
      fourRounds(&state, w1, QuadWords(0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5))
      fourRounds(&state, w2, QuadWords(0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3))
      fourRounds(&state, w3, QuadWords(0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174))
      w0 = nextWords(w0, w1, w2, w3)
      fourRounds(&state, w0, QuadWords(0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc))
      w1 = nextWords(w1, w2, w3, w0)
      fourRounds(&state, w1, QuadWords(0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da))
      w2 = nextWords(w2, w3, w0, w1)
      fourRounds(&state, w2, QuadWords(0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7))
      w3 = nextWords(w3, w0, w1, w2)
      fourRounds(&state, w3, QuadWords(0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967))
      w0 = nextWords(w0, w1, w2, w3)
      fourRounds(&state, w0, QuadWords(0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13))
      w1 = nextWords(w1, w2, w3, w0)
      fourRounds(&state, w1, QuadWords(0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85))
      w2 = nextWords(w2, w3, w0, w1)
      fourRounds(&state, w2, QuadWords(0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3))
      w3 = nextWords(w3, w0, w1, w2)
      fourRounds(&state, w3, QuadWords(0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070))
      w0 = nextWords(w0, w1, w2, w3)
      fourRounds(&state, w0, QuadWords(0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5))
      w1 = nextWords(w1, w2, w3, w0)
      fourRounds(&state, w1, QuadWords(0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3))
      w2 = nextWords(w2, w3, w0, w1)
      fourRounds(&state, w2, QuadWords(0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208))
      w3 = nextWords(w3, w0, w1, w2)
      fourRounds(&state, w3, QuadWords(0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2))
      state.abef &+= saved.abef
      state.cdgh &+= saved.cdgh
    }

    /// Runs four rounds: `words` holds W[t]...W[t+3] and `constants` K[t]...K[t+3], first in the
    /// lowest lane.
    @inline(__always)
    private static func fourRounds(
      _ state: inout ExtensionState, _ words: QuadWords, _ constants: QuadWords
    ) {
      let sums = words &+ constants
      // SHA256RNDS2 runs two rounds with the sums in the two lowest lanes and returns the new A, B,
      // E, F; the new C, D, G, H are the old A, B, E, F.
      let middle = rounds(cdgh: state.cdgh, abef: state.abef, sums)
      let last = rounds(cdgh: state.abef, abef: middle, QuadWords(sums[2], sums[3], sums[2], sums[3]))
      state.cdgh = middle
      state.abef = last
    }

    /// Returns the next four schedule words W[t]...W[t+3] (section 6.2.2, step 1) from the sixteen
    /// before them: `w0` holds W[t-16]...W[t-13], and so on to `w3`, W[t-4]...W[t-1].
    @inline(__always)
    private static func nextWords(
      _ w0: QuadWords, _ w1: QuadWords, _ w2: QuadWords, _ w3: QuadWords
    ) -> QuadWords {
      // SHA256MSG1 adds σ0 of W[t-15]...W[t-12] to W[t-16]...W[t-13]; W[t-7]...W[t-4] straddle `w2`
      // and `w3`; SHA256MSG2 adds σ1 of W[t-2], W[t-1] and of the first two words it computes.
      let partial = scheduleStart(w0, w1) &+ QuadWords(w2[1], w2[2], w2[3], w3[0])
      return scheduleEnd(partial, w3)
    }

    /// Reads the `index`-th four big-endian words of `block`.
    ///
    /// Without SSSE3's byte shuffle, the bytes of each 16-bit half are swapped with two shifts (added:
    /// they share no bits), then the halves of each word with two 16-bit shuffles: six instructions,
    /// against nine for the byte shuffle as LLVM writes it in SSE2.
    @inline(__always)
    private static func bigEndianWords(_ block: UnsafeRawPointer, _ index: Int) -> QuadWords {
      let halves = block.loadUnaligned(fromByteOffset: index * 16, as: SIMD8<UInt16>.self)
      let s = (halves &<< 8) &+ (halves &>> 8)
      return unsafeBitCast(SIMD8<UInt16>(s[1], s[0], s[3], s[2], s[5], s[4], s[7], s[6]), to: QuadWords.self)
    }

    /// SHA256RNDS2.
    @inline(__always)
    private static func rounds(cdgh: QuadWords, abef: QuadWords, _ sums: QuadWords) -> QuadWords {
      unsafeBitCast(
        _mm_sha256rnds2_epu32(
          unsafeBitCast(cdgh, to: __m128i.self), unsafeBitCast(abef, to: __m128i.self),
          unsafeBitCast(sums, to: __m128i.self)),
        to: QuadWords.self)
    }

    /// SHA256MSG1.
    @inline(__always)
    private static func scheduleStart(_ w0: QuadWords, _ w1: QuadWords) -> QuadWords {
      unsafeBitCast(
        _mm_sha256msg1_epu32(unsafeBitCast(w0, to: __m128i.self), unsafeBitCast(w1, to: __m128i.self)),
        to: QuadWords.self)
    }

    /// SHA256MSG2.
    @inline(__always)
    private static func scheduleEnd(_ partial: QuadWords, _ w3: QuadWords) -> QuadWords {
      unsafeBitCast(
        _mm_sha256msg2_epu32(unsafeBitCast(partial, to: __m128i.self), unsafeBitCast(w3, to: __m128i.self)),
        to: QuadWords.self)
    }
  }

  extension SHA256 {
    // MARK: - Two messages at a time

    /// Writes the digest of each message to the same index of `digests`, two messages at a time
    /// with the SHA extensions, which the processor must have.
    ///
    /// Each message's whole blocks are read where they are; its one or two padding blocks are built
    /// in a buffer on the stack. Two streams each work through one message at a time; the two are
    /// compressed together for as many blocks as both have left, then the one that ran out moves on
    /// to its padding or to the next message. When no message is left, the other stream finishes
    /// alone.
    ///
    /// - Precondition: `digests.count >= messages.count`.
    /// - Complexity: O(*n*) where *n* is the total number of bytes; allocates nothing on the heap.
    static func extensionDigests(
      of messages: UnsafeBufferPointer<UnsafeRawBufferPointer>,
      into digests: UnsafeMutableBufferPointer<Digest>
    ) {
      precondition(digests.count >= messages.count, "one digest is needed for each message")
      guard !messages.isEmpty else { return }
      withUnsafeTemporaryAllocation(byteCount: 2 * paddingByteCount, alignment: 16) { padding in
        guard let padding = padding.baseAddress else { return }
        var first = ExtensionStream(padding: padding)
        var second = ExtensionStream(padding: padding + paddingByteCount)
        first.start(messages, 0)
        guard messages.count > 1 else {
          first.finishAlone(into: digests)
          return
        }
        second.start(messages, 1)
        var nextMessage = 2
        while true {
          let count = min(first.blocksLeft, second.blocksLeft)
          compressPair(&first.state, first.cursor, &second.state, second.cursor, count: count)
          let firstDone = first.advance(by: count)
          let secondDone = second.advance(by: count)
          if firstDone {
            digests[first.message] = first.state.digest
          }
          if secondDone {
            digests[second.message] = second.state.digest
          }
          if firstDone {
            guard nextMessage < messages.count else {
              if !secondDone { second.finishAlone(into: digests) }
              return
            }
            first.start(messages, nextMessage)
            nextMessage += 1
          }
          if secondDone {
            guard nextMessage < messages.count else {
              first.finishAlone(into: digests)
              return
            }
            second.start(messages, nextMessage)
            nextMessage += 1
          }
        }
      }
    }

    /// Runs the compression function over `count` blocks of two messages at once: the blocks at
    /// `firstBlocks` into `first` and those at `secondBlocks` into `second` (any alignment).
    ///
    /// The two blocks of a step are independent, so the processor runs the second's rounds while
    /// the first's wait for SHA256RNDS2, and the other way round.
    ///
    /// - Complexity: O(`count`).
    private static func compressPair(
      _ first: inout ExtensionState, _ firstBlocks: UnsafeRawPointer,
      _ second: inout ExtensionState, _ secondBlocks: UnsafeRawPointer, count: Int
    ) {
      var firstBlock = firstBlocks
      var secondBlock = secondBlocks
      for _ in 0..<count {
        compressBlock(&first, firstBlock)
        compressBlock(&second, secondBlock)
        firstBlock += 64
        secondBlock += 64
      }
    }

    /// One message on its way through `extensionDigests`: its hash value so far, and the blocks
    /// still to compress.
    private struct ExtensionStream {
      /// `paddingByteCount` bytes of this stream's own, for the padding blocks of its message.
      let padding: UnsafeMutableRawPointer
      /// The hash value so far.
      var state = ExtensionState(.initial)
      /// The next block to compress.
      var cursor: UnsafeRawPointer
      /// The number of blocks to compress from `cursor` on, more than 0.
      var blocksLeft = 0
      /// The padding blocks still to come after those, or 0 once `cursor` is on them.
      var paddingBlocks = 0
      /// The index of the message in the batch.
      var message = 0

      init(padding: UnsafeMutableRawPointer) {
        self.padding = padding
        cursor = UnsafeRawPointer(padding)
      }

      /// Starts on `messages[index]`: builds its padding blocks and points at its first block.
      @inline(__always)
      mutating func start(_ messages: UnsafeBufferPointer<UnsafeRawBufferPointer>, _ index: Int) {
        let bytes = messages[index]
        let wholeBlocks = bytes.count / 64
        let tailBlocks = SHA256.writePadding(
          tail: bytes.baseAddress.map { $0 + wholeBlocks * 64 }, count: bytes.count - wholeBlocks * 64,
          messageLength: UInt64(truncatingIfNeeded: bytes.count), to: padding)
        state = ExtensionState(.initial)
        message = index
        if let base = bytes.baseAddress, wholeBlocks > 0 {
          cursor = base
          blocksLeft = wholeBlocks
          paddingBlocks = tailBlocks
        } else {
          cursor = UnsafeRawPointer(padding)
          blocksLeft = tailBlocks
          paddingBlocks = 0
        }
      }

      /// Moves on past `count` compressed blocks, to the padding blocks when the message's own are
      /// done; returns whether the whole message is done.
      @inline(__always)
      mutating func advance(by count: Int) -> Bool {
        blocksLeft -= count
        guard blocksLeft == 0 else {
          cursor += count * 64
          return false
        }
        guard paddingBlocks > 0 else { return true }
        cursor = UnsafeRawPointer(padding)
        blocksLeft = paddingBlocks
        paddingBlocks = 0
        return false
      }

      /// Compresses the rest of the message alone and stores its digest.
      mutating func finishAlone(into digests: UnsafeMutableBufferPointer<Digest>) {
        repeat {
          let count = blocksLeft
          var block = cursor
          for _ in 0..<count {
            SHA256.compressBlock(&state, block)
            block += 64
          }
        } while !advance(by: blocksLeft)
        digests[message] = state.digest
      }
    }
  }
#else
  extension SHA256 {
    /// Only x86-64 processors have the SHA extensions; `Implementation.isAvailable` is false here.
    static func compressWithExtensions(_ state: inout Digest, blocks: UnsafeRawPointer, count: Int) {
      preconditionFailure("the SHA extensions exist only on x86-64")
    }

    /// Only x86-64 processors have the SHA extensions; `Implementation.isAvailable` is false here.
    static func extensionDigests(
      of messages: UnsafeBufferPointer<UnsafeRawBufferPointer>,
      into digests: UnsafeMutableBufferPointer<Digest>
    ) {
      preconditionFailure("the SHA extensions exist only on x86-64")
    }
  }
#endif
