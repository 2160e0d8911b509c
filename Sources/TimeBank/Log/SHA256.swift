// SHA-256 as specified in FIPS 180-4, section 6.2.
//
// The package depends on Foundation only, so the hash is implemented here by hand. Everything goes
// through one compression function (`compress`), which runs either the portable code here or, on
// x86-64 processors that have them, the SHA extensions (SHA256+Extensions.swift). In the portable
// code the 64 rounds are fully unrolled with the round constants as literals, the eight working
// variables and the 16-word rolling message schedule live in locals, words are read big-endian
// straight from the caller's memory, and all arithmetic wraps, so hashing allocates nothing and
// performs no bounds checks. `SHA256.digest(_:)` returns a small `Digest` value that can be compared
// with stored hexadecimal text in place.

/// SHA-256 (FIPS 180-4), written by hand because the package is Foundation only.
///
/// For one-shot hashing use `digest(_:)`, which allocates nothing, or the `hash(_:)` and
/// `hexDigest(_:)` helpers. For streaming, feed data with `update(_:)` as often as needed, then call
/// `finalizeDigest()` or `finalize()`.
public struct SHA256: Sendable {
  /// A SHA-256 digest: the final hash value H0...H7 as eight 32-bit words, without heap storage.
  ///
  /// Two digests are equal when all 256 bits are equal. `hex` spells the digest the usual way,
  /// as 64 lowercase hexadecimal characters, and `matches(hex:)` compares with such text in place.
  public struct Digest: Hashable, Sendable, CustomStringConvertible {
    var h0: UInt32, h1: UInt32, h2: UInt32, h3: UInt32
    var h4: UInt32, h5: UInt32, h6: UInt32, h7: UInt32

    /// The initial hash value of FIPS 180-4, section 5.3.3.
    static let initial = Digest(
      h0: 0x6a09_e667, h1: 0xbb67_ae85, h2: 0x3c6e_f372, h3: 0xa54f_f53a,
      h4: 0x510e_527f, h5: 0x9b05_688c, h6: 0x1f83_d9ab, h7: 0x5be0_cd19)

    /// The number of bytes in a digest.
    public static let byteCount = 32

    /// The number of characters in the hexadecimal spelling of a digest.
    public static let hexCount = 64

    /// The 32 digest bytes, most significant byte of H0 first.
    ///
    /// - Complexity: O(1); allocates the returned array.
    public var bytes: [UInt8] {
      [UInt8](unsafeUninitializedCapacity: Self.byteCount) { output, initializedCount in
        if let base = output.baseAddress {
          let raw = UnsafeMutableRawPointer(base)
          @inline(__always) func store(_ word: UInt32, at index: Int) {
            raw.storeBytes(of: word.bigEndian, toByteOffset: index * 4, as: UInt32.self)
          }
          store(h0, at: 0)
          store(h1, at: 1)
          store(h2, at: 2)
          store(h3, at: 3)
          store(h4, at: 4)
          store(h5, at: 5)
          store(h6, at: 6)
          store(h7, at: 7)
        }
        initializedCount = Self.byteCount
      }
    }

    /// The digest as 64 lowercase hexadecimal characters.
    ///
    /// - Complexity: O(1); allocates the returned string.
    public var hex: String {
      String(unsafeUninitializedCapacity: Self.hexCount) { output in
        writeHex(to: UnsafeMutableRawBufferPointer(output))
        return Self.hexCount
      }
    }

    /// The digest as 64 lowercase hexadecimal characters, the same as `hex`.
    ///
    /// - Complexity: O(1); allocates the returned string.
    public var description: String { hex }

    /// Writes the 64 lowercase hexadecimal characters of the digest as ASCII to the start of `buffer`.
    ///
    /// - Precondition: `buffer.count >= 64`.
    /// - Complexity: O(1); allocates nothing.
    public func writeHex(to buffer: UnsafeMutableRawBufferPointer) {
      precondition(buffer.count >= Self.hexCount, "a hex digest needs 64 bytes")
      guard let base = buffer.baseAddress else { return }
      @inline(__always) func store(_ word: UInt32, at index: Int) {
        base.storeBytes(of: Self.hexASCII(word).littleEndian, toByteOffset: index * 8, as: UInt64.self)
      }
      store(h0, at: 0)
      store(h1, at: 1)
      store(h2, at: 2)
      store(h3, at: 3)
      store(h4, at: 4)
      store(h5, at: 5)
      store(h6, at: 6)
      store(h7, at: 7)
    }

    /// Returns whether `hex` is exactly the 64 lowercase hexadecimal ASCII characters of this digest.
    ///
    /// Any other length, uppercase digits and non-hexadecimal bytes never match.
    ///
    /// - Complexity: O(1); allocates nothing.
    public func matches(hex: UnsafeRawBufferPointer) -> Bool {
      guard hex.count == Self.hexCount, let base = hex.baseAddress else { return false }
      @inline(__always) func text(_ index: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
      }
      var difference = text(0) ^ Self.hexASCII(h0)
      difference |= text(1) ^ Self.hexASCII(h1)
      difference |= text(2) ^ Self.hexASCII(h2)
      difference |= text(3) ^ Self.hexASCII(h3)
      difference |= text(4) ^ Self.hexASCII(h4)
      difference |= text(5) ^ Self.hexASCII(h5)
      difference |= text(6) ^ Self.hexASCII(h6)
      difference |= text(7) ^ Self.hexASCII(h7)
      return difference == 0
    }

    /// Returns whether `hex` is exactly the 64 lowercase hexadecimal characters of this digest.
    ///
    /// Reads the UTF-8 storage of native strings in place; any other length, uppercase digits and
    /// non-hexadecimal characters never match.
    ///
    /// - Complexity: O(1) when the text is stored contiguously (native strings and their
    ///   substrings); otherwise O(*n*) with one copy of the *n* characters.
    public func matches<Text: StringProtocol>(hex: Text) -> Bool {
      if let result = hex.utf8.withContiguousStorageIfAvailable({
        matches(hex: UnsafeRawBufferPointer($0))
      }) {
        return result
      }
      var copy = String(hex)
      return copy.withUTF8 { matches(hex: UnsafeRawBufferPointer($0)) }
    }

    /// Spells one word as eight lowercase hexadecimal ASCII digits packed into a `UInt64`, first
    /// digit in the least significant byte (so that a little-endian store writes them in order).
    @inline(__always)
    static func hexASCII(_ word: UInt32) -> UInt64 {
      // Spread the eight nibbles over eight bytes, nibble i in byte i, then reverse the bytes so
      // that the most significant nibble comes first.
      var nibbles = UInt64(word)
      nibbles = (nibbles | (nibbles &<< 16)) & 0x0000_ffff_0000_ffff
      nibbles = (nibbles | (nibbles &<< 8)) & 0x00ff_00ff_00ff_00ff
      nibbles = (nibbles | (nibbles &<< 4)) & 0x0f0f_0f0f_0f0f_0f0f
      nibbles = nibbles.byteSwapped
      // 1 in every byte whose nibble is 10 or more; such digits are 'a' - '0' - 10 = 39 further on.
      let letters = ((nibbles &+ 0x0606_0606_0606_0606) &>> 4) & 0x0101_0101_0101_0101
      return nibbles &+ 0x3030_3030_3030_3030 &+ letters &* 39
    }
  }

  /// Inline storage for one partial 64-byte block (no heap allocation).
  private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

  /// The size of one message block in bytes.
  private static let blockSize = 64

  /// The running intermediate hash value.
  private var state = Digest.initial
  /// Bytes of a not yet complete block; only the first `pendingCount` bytes are meaningful.
  private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
  /// Number of bytes buffered in `pending`, always below `blockSize`.
  private var pendingCount = 0
  /// Total message length in bytes so far (the bit length is taken modulo 2^64, as in the standard).
  private var totalLength: UInt64 = 0

  /// Creates a hasher with the initial hash value of FIPS 180-4, section 5.3.3.
  public init() {}

  // MARK: - One-shot hashing

  /// Returns the SHA-256 digest of a raw buffer without allocating.
  ///
  /// This is the fastest way to hash one message that is already in memory; it uses the CPU's SHA
  /// extensions when it has them (`Implementation.preferred`).
  ///
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  public static func digest(_ buffer: UnsafeRawBufferPointer) -> Digest {
    digest(buffer, using: .preferred)
  }

  /// Returns the SHA-256 digest of a raw buffer, computed with the given implementation.
  ///
  /// Every implementation gives the same digest; this is for benchmarks and tests that compare them.
  ///
  /// - Parameters:
  ///   - buffer: The message.
  ///   - implementation: The code that runs the compression function.
  /// - Precondition: `implementation.isAvailable`.
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  @_spi(Measuring)
  public static func digest(
    _ buffer: UnsafeRawBufferPointer, using implementation: Implementation
  ) -> Digest {
    precondition(implementation.isAvailable, "this processor cannot run \(implementation)")
    var state = Digest.initial
    guard let base = buffer.baseAddress else {
      return finish(state, tail: nil, tailCount: 0, totalLength: 0, using: implementation)
    }
    let wholeBlocks = buffer.count / blockSize
    if wholeBlocks > 0 {
      compress(&state, blocks: base, count: wholeBlocks, using: implementation)
    }
    let consumed = wholeBlocks * blockSize
    return finish(
      state, tail: base + consumed, tailCount: buffer.count - consumed,
      totalLength: UInt64(truncatingIfNeeded: buffer.count), using: implementation)
  }

  /// Returns the SHA-256 digest of a byte sequence, reading contiguous storage in place.
  ///
  /// - Complexity: O(*n*), where *n* is the number of bytes.
  public static func digest<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
    if let result = bytes.withContiguousStorageIfAvailable({ digest(UnsafeRawBufferPointer($0)) }) {
      return result
    }
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalizeDigest()
  }

  /// Returns the 32-byte SHA-256 digest of a byte sequence.
  ///
  /// - Complexity: O(*n*), where *n* is the number of bytes.
  public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
    digest(bytes).bytes
  }

  /// Returns the 32-byte SHA-256 digest of a raw buffer.
  ///
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
    digest(buffer).bytes
  }

  /// Returns the SHA-256 digest of a byte sequence as 64 lowercase hexadecimal characters.
  ///
  /// - Complexity: O(*n*), where *n* is the number of bytes.
  public static func hexDigest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    digest(bytes).hex
  }

  /// Returns the SHA-256 digest of a raw buffer as 64 lowercase hexadecimal characters.
  ///
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  public static func hexDigest(_ buffer: UnsafeRawBufferPointer) -> String {
    digest(buffer).hex
  }

  // MARK: - Streaming

  /// Appends the bytes of a sequence to the message, using contiguous storage directly when available.
  ///
  /// - Complexity: O(*n*), where *n* is the number of bytes.
  public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
      update(UnsafeRawBufferPointer(buffer))
    }
    if done != nil { return }

    // Slow path for non-contiguous sequences: copy through a small stack buffer.
    let chunkSize = 4096
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunkSize) { chunk in
      guard let base = chunk.baseAddress else { return }
      var filled = 0
      for byte in bytes {
        base[filled] = byte
        filled += 1
        if filled == chunkSize {
          update(UnsafeRawBufferPointer(start: base, count: filled))
          filled = 0
        }
      }
      if filled > 0 {
        update(UnsafeRawBufferPointer(start: base, count: filled))
      }
    }
  }

  /// Appends the bytes of a raw buffer to the message.
  ///
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  public mutating func update(_ buffer: UnsafeRawBufferPointer) {
    guard var input = buffer.baseAddress, buffer.count > 0 else { return }
    var remaining = buffer.count
    totalLength &+= UInt64(truncatingIfNeeded: remaining)

    // Top up a partially filled block first.
    if pendingCount > 0 {
      let take = min(Self.blockSize - pendingCount, remaining)
      let offset = pendingCount
      withUnsafeMutableBytes(of: &pending) { block in
        block.baseAddress?.advanced(by: offset).copyMemory(from: input, byteCount: take)
      }
      pendingCount += take
      input += take
      remaining -= take
      guard pendingCount == Self.blockSize else { return }
      let full = pending
      withUnsafeBytes(of: full) { block in
        if let base = block.baseAddress {
          Self.compress(&state, blocks: base, count: 1, using: .preferred)
        }
      }
      pendingCount = 0
    }

    // Hash whole blocks straight from the caller's memory.
    let wholeBlocks = remaining / Self.blockSize
    if wholeBlocks > 0 {
      Self.compress(&state, blocks: input, count: wholeBlocks, using: .preferred)
      input += wholeBlocks * Self.blockSize
      remaining -= wholeBlocks * Self.blockSize
    }

    // Keep the tail for later.
    if remaining > 0 {
      let tail = remaining
      withUnsafeMutableBytes(of: &pending) { block in
        block.baseAddress?.copyMemory(from: input, byteCount: tail)
      }
      pendingCount = tail
    }
  }

  /// Returns the digest of everything passed to `update` so far, leaving this hasher unchanged.
  ///
  /// The padding is applied to a copy, so more data may still be appended afterwards.
  ///
  /// - Complexity: O(1); allocates nothing.
  public func finalizeDigest() -> Digest {
    let block = pending
    return withUnsafeBytes(of: block) { bytes in
      Self.finish(
        state, tail: bytes.baseAddress, tailCount: pendingCount, totalLength: totalLength, using: .preferred)
    }
  }

  /// Returns the 32-byte digest of everything passed to `update` so far, leaving this hasher unchanged.
  ///
  /// The padding is applied to a copy, so more data may still be appended afterwards.
  ///
  /// - Complexity: O(1).
  public func finalize() -> [UInt8] {
    finalizeDigest().bytes
  }

  // MARK: - Compression

  /// Pads the last `tailCount` (< 64) message bytes and compresses the one or two resulting blocks
  /// into `state`, which must already cover every earlier byte.
  private static func finish(
    _ state: Digest, tail: UnsafeRawPointer?, tailCount: Int, totalLength: UInt64,
    using implementation: Implementation
  ) -> Digest {
    var state = state
    withUnsafeTemporaryAllocation(byteCount: paddingByteCount, alignment: 16) { padding in
      guard let base = padding.baseAddress else { return }
      let blockCount = writePadding(tail: tail, count: tailCount, messageLength: totalLength, to: base)
      compress(&state, blocks: base, count: blockCount, using: implementation)
    }
    return state
  }

  /// Room for the padding blocks of any message: two blocks.
  static var paddingByteCount: Int { 128 }

  /// Writes the last `count` (< 64) bytes of a message of `messageLength` bytes, read at `tail`, and
  /// their padding (FIPS 180-4, section 5.1.1: a single 1 bit, zeros up to 56 mod 64, then the
  /// 64-bit big-endian bit length of the message) to `blocks`, and returns the number of blocks
  /// written: 1, or 2 when the tail is 56 bytes or more.
  ///
  /// - Parameters:
  ///   - tail: The last bytes of the message (those after its whole blocks); may be nil when `count`
  ///     is 0.
  ///   - count: The number of bytes at `tail`, below 64.
  ///   - messageLength: The length of the whole message in bytes (taken modulo 2^61, as in the standard).
  ///   - blocks: At least `paddingByteCount` bytes, any alignment.
  /// - Complexity: O(1).
  @inline(__always)
  static func writePadding(
    tail: UnsafeRawPointer?, count: Int, messageLength: UInt64, to blocks: UnsafeMutableRawPointer
  ) -> Int {
    let blockCount = count < 56 ? 1 : 2
    blocks.initializeMemory(as: UInt8.self, repeating: 0, count: blockCount * blockSize)
    if let tail, count > 0 {
      blocks.copyMemory(from: tail, byteCount: count)
    }
    blocks.storeBytes(of: 0x80, toByteOffset: count, as: UInt8.self)
    blocks.storeBytes(
      of: (messageLength &* 8).bigEndian, toByteOffset: blockCount * blockSize - 8, as: UInt64.self)
    return blockCount
  }

  /// Runs the compression function over `count` (> 0) consecutive 64-byte blocks starting at
  /// `blocks` (any alignment) with the given implementation, which must be available.
  ///
  /// - Complexity: O(`count`).
  @inline(__always)
  static func compress(
    _ state: inout Digest, blocks: UnsafeRawPointer, count: Int, using implementation: Implementation
  ) {
    switch implementation {
    case .portable: compressPortably(&state, blocks: blocks, count: count)
    case .shaExtensions: compressWithExtensions(&state, blocks: blocks, count: count)
    }
  }

  /// Runs the compression function (FIPS 180-4, section 6.2.2) over `count` consecutive 64-byte
  /// blocks starting at `blocks` (any alignment).
  ///
  /// The 64 rounds are written out; `round` rotates the roles of the working variables through its
  /// argument list instead of moving values, and `expand` computes the next schedule word in place
  /// in a rolling window of 16 words (W[t] replaces W[t - 16]).
  ///
  /// - Complexity: O(`count`).
  private static func compressPortably(_ state: inout Digest, blocks: UnsafeRawPointer, count: Int) {
    var h0 = state.h0, h1 = state.h1, h2 = state.h2, h3 = state.h3
    var h4 = state.h4, h5 = state.h5, h6 = state.h6, h7 = state.h7
    var block = blocks
    for _ in 0..<count {
      @inline(__always) func word(_ index: Int) -> UInt32 {
        UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
      }
      var w0 = word(0), w1 = word(1), w2 = word(2), w3 = word(3)
      var w4 = word(4), w5 = word(5), w6 = word(6), w7 = word(7)
      var w8 = word(8), w9 = word(9), w10 = word(10), w11 = word(11)
      var w12 = word(12), w13 = word(13), w14 = word(14), w15 = word(15)
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7

      round(a, b, c, &d, e, f, g, &h, 0x428a_2f98, w0)
      round(h, a, b, &c, d, e, f, &g, 0x7137_4491, w1)
      round(g, h, a, &b, c, d, e, &f, 0xb5c0_fbcf, w2)
      round(f, g, h, &a, b, c, d, &e, 0xe9b5_dba5, w3)
      round(e, f, g, &h, a, b, c, &d, 0x3956_c25b, w4)
      round(d, e, f, &g, h, a, b, &c, 0x59f1_11f1, w5)
      round(c, d, e, &f, g, h, a, &b, 0x923f_82a4, w6)
      round(b, c, d, &e, f, g, h, &a, 0xab1c_5ed5, w7)
      round(a, b, c, &d, e, f, g, &h, 0xd807_aa98, w8)
      round(h, a, b, &c, d, e, f, &g, 0x1283_5b01, w9)
      round(g, h, a, &b, c, d, e, &f, 0x2431_85be, w10)
      round(f, g, h, &a, b, c, d, &e, 0x550c_7dc3, w11)
      round(e, f, g, &h, a, b, c, &d, 0x72be_5d74, w12)
      round(d, e, f, &g, h, a, b, &c, 0x80de_b1fe, w13)
      round(c, d, e, &f, g, h, a, &b, 0x9bdc_06a7, w14)
      round(b, c, d, &e, f, g, h, &a, 0xc19b_f174, w15)
      round(a, b, c, &d, e, f, g, &h, 0xe49b_69c1, expand(&w0, w1, w9, w14))
      round(h, a, b, &c, d, e, f, &g, 0xefbe_4786, expand(&w1, w2, w10, w15))
      round(g, h, a, &b, c, d, e, &f, 0x0fc1_9dc6, expand(&w2, w3, w11, w0))
      round(f, g, h, &a, b, c, d, &e, 0x240c_a1cc, expand(&w3, w4, w12, w1))
      round(e, f, g, &h, a, b, c, &d, 0x2de9_2c6f, expand(&w4, w5, w13, w2))
      round(d, e, f, &g, h, a, b, &c, 0x4a74_84aa, expand(&w5, w6, w14, w3))
      round(c, d, e, &f, g, h, a, &b, 0x5cb0_a9dc, expand(&w6, w7, w15, w4))
      round(b, c, d, &e, f, g, h, &a, 0x76f9_88da, expand(&w7, w8, w0, w5))
      round(a, b, c, &d, e, f, g, &h, 0x983e_5152, expand(&w8, w9, w1, w6))
      round(h, a, b, &c, d, e, f, &g, 0xa831_c66d, expand(&w9, w10, w2, w7))
      round(g, h, a, &b, c, d, e, &f, 0xb003_27c8, expand(&w10, w11, w3, w8))
      round(f, g, h, &a, b, c, d, &e, 0xbf59_7fc7, expand(&w11, w12, w4, w9))
      round(e, f, g, &h, a, b, c, &d, 0xc6e0_0bf3, expand(&w12, w13, w5, w10))
      round(d, e, f, &g, h, a, b, &c, 0xd5a7_9147, expand(&w13, w14, w6, w11))
      round(c, d, e, &f, g, h, a, &b, 0x06ca_6351, expand(&w14, w15, w7, w12))
      round(b, c, d, &e, f, g, h, &a, 0x1429_2967, expand(&w15, w0, w8, w13))
      round(a, b, c, &d, e, f, g, &h, 0x27b7_0a85, expand(&w0, w1, w9, w14))
      round(h, a, b, &c, d, e, f, &g, 0x2e1b_2138, expand(&w1, w2, w10, w15))
      round(g, h, a, &b, c, d, e, &f, 0x4d2c_6dfc, expand(&w2, w3, w11, w0))
      round(f, g, h, &a, b, c, d, &e, 0x5338_0d13, expand(&w3, w4, w12, w1))
      round(e, f, g, &h, a, b, c, &d, 0x650a_7354, expand(&w4, w5, w13, w2))
      round(d, e, f, &g, h, a, b, &c, 0x766a_0abb, expand(&w5, w6, w14, w3))
      round(c, d, e, &f, g, h, a, &b, 0x81c2_c92e, expand(&w6, w7, w15, w4))
      round(b, c, d, &e, f, g, h, &a, 0x9272_2c85, expand(&w7, w8, w0, w5))
      round(a, b, c, &d, e, f, g, &h, 0xa2bf_e8a1, expand(&w8, w9, w1, w6))
      round(h, a, b, &c, d, e, f, &g, 0xa81a_664b, expand(&w9, w10, w2, w7))
      round(g, h, a, &b, c, d, e, &f, 0xc24b_8b70, expand(&w10, w11, w3, w8))
      round(f, g, h, &a, b, c, d, &e, 0xc76c_51a3, expand(&w11, w12, w4, w9))
      round(e, f, g, &h, a, b, c, &d, 0xd192_e819, expand(&w12, w13, w5, w10))
      round(d, e, f, &g, h, a, b, &c, 0xd699_0624, expand(&w13, w14, w6, w11))
      round(c, d, e, &f, g, h, a, &b, 0xf40e_3585, expand(&w14, w15, w7, w12))
      round(b, c, d, &e, f, g, h, &a, 0x106a_a070, expand(&w15, w0, w8, w13))
      round(a, b, c, &d, e, f, g, &h, 0x19a4_c116, expand(&w0, w1, w9, w14))
      round(h, a, b, &c, d, e, f, &g, 0x1e37_6c08, expand(&w1, w2, w10, w15))
      round(g, h, a, &b, c, d, e, &f, 0x2748_774c, expand(&w2, w3, w11, w0))
      round(f, g, h, &a, b, c, d, &e, 0x34b0_bcb5, expand(&w3, w4, w12, w1))
      round(e, f, g, &h, a, b, c, &d, 0x391c_0cb3, expand(&w4, w5, w13, w2))
      round(d, e, f, &g, h, a, b, &c, 0x4ed8_aa4a, expand(&w5, w6, w14, w3))
      round(c, d, e, &f, g, h, a, &b, 0x5b9c_ca4f, expand(&w6, w7, w15, w4))
      round(b, c, d, &e, f, g, h, &a, 0x682e_6ff3, expand(&w7, w8, w0, w5))
      round(a, b, c, &d, e, f, g, &h, 0x748f_82ee, expand(&w8, w9, w1, w6))
      round(h, a, b, &c, d, e, f, &g, 0x78a5_636f, expand(&w9, w10, w2, w7))
      round(g, h, a, &b, c, d, e, &f, 0x84c8_7814, expand(&w10, w11, w3, w8))
      round(f, g, h, &a, b, c, d, &e, 0x8cc7_0208, expand(&w11, w12, w4, w9))
      round(e, f, g, &h, a, b, c, &d, 0x90be_fffa, expand(&w12, w13, w5, w10))
      round(d, e, f, &g, h, a, b, &c, 0xa450_6ceb, expand(&w13, w14, w6, w11))
      round(c, d, e, &f, g, h, a, &b, 0xbef9_a3f7, expand(&w14, w15, w7, w12))
      round(b, c, d, &e, f, g, h, &a, 0xc671_78f2, expand(&w15, w0, w8, w13))

      h0 &+= a
      h1 &+= b
      h2 &+= c
      h3 &+= d
      h4 &+= e
      h5 &+= f
      h6 &+= g
      h7 &+= h
      block += blockSize
    }
    state = Digest(h0: h0, h1: h1, h2: h2, h3: h3, h4: h4, h5: h5, h6: h6, h7: h7)
  }

  /// One round of the compression function; the caller rotates the variable roles between calls.
  ///
  /// Computes T1 from `e, f, g, h`, the round constant `k` and the schedule word `w`, then stores
  /// `d + T1` in `d` and `T1 + T2` in `h`, which the next call treats as the new `e` and `a`.
  @inline(__always)
  private static func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ k: UInt32, _ w: UInt32
  ) {
    let bigSigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
    let choose = g ^ (e & (f ^ g))  // equals (e & f) ^ (~e & g)
    let t1 = h &+ k &+ w &+ choose &+ bigSigma1
    let bigSigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
    // Equals (a & b) ^ (a & c) ^ (b & c); `b ^ c` is the previous round's `a ^ b`, so the compiler
    // computes one of the two exclusive ors only once.
    let majority = ((a ^ b) & (b ^ c)) ^ b
    d &+= t1
    h = t1 &+ (bigSigma0 &+ majority)
  }

  /// Computes schedule word W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] in place of
  /// W[t-16], which `w16` holds on entry, and returns it.
  @inline(__always)
  private static func expand(_ w16: inout UInt32, _ w15: UInt32, _ w7: UInt32, _ w2: UInt32) -> UInt32 {
    let smallSigma0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
    let smallSigma1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
    w16 = w16 &+ smallSigma0 &+ w7 &+ smallSigma1
    return w16
  }

  /// Rotates `x` right by `n` bits (0 < n < 32).
  @inline(__always)
  private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x &>> n) | (x &<< (32 &- n))
  }
}

/// Returns the lowercase hexadecimal representation of a byte sequence, two characters per byte.
///
/// - Complexity: O(*n*), where *n* is the number of bytes.
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
  let digits: [UInt8] = Array("0123456789abcdef".utf8)
  var ascii: [UInt8] = []
  ascii.reserveCapacity(bytes.underestimatedCount * 2)
  for byte in bytes {
    ascii.append(digits[Int(byte >> 4)])
    ascii.append(digits[Int(byte & 0x0f)])
  }
  return String(decoding: ascii, as: UTF8.self)
}
