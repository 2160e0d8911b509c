// SHA-256 as specified in FIPS 180-4, section 6.2.
//
// The package depends on Foundation only, so the hash is implemented here by hand. The hot path
// (`compress`) walks 64-byte blocks through unsafe pointers, keeps the eight working variables in
// locals and uses a stack-allocated message schedule, so it allocates nothing per block.

/// The 64 round constants K0...K63 (FIPS 180-4, section 4.2.2).
private let sha256RoundConstants: [UInt32] = [
  0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
  0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
  0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
  0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
  0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
  0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
  0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
  0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
]

/// SHA-256 (FIPS 180-4), written by hand because the package is Foundation only.
///
/// Feed data with `update(_:)` as often as needed, then call `finalize()` for the 32-byte digest;
/// the static `hash(_:)` and `hexDigest(_:)` helpers do both in one call.
public struct SHA256: Sendable {
  /// The eight 32-bit words of the intermediate hash value H0...H7.
  private struct State: Sendable {
    var h0: UInt32 = 0x6a09_e667
    var h1: UInt32 = 0xbb67_ae85
    var h2: UInt32 = 0x3c6e_f372
    var h3: UInt32 = 0xa54f_f53a
    var h4: UInt32 = 0x510e_527f
    var h5: UInt32 = 0x9b05_688c
    var h6: UInt32 = 0x1f83_d9ab
    var h7: UInt32 = 0x5be0_cd19
  }

  /// Inline storage for one partial 64-byte block (no heap allocation).
  private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

  /// The size of one message block in bytes.
  private static let blockSize = 64

  /// The running intermediate hash value.
  private var state = State()
  /// Bytes of a not yet complete block; only the first `pendingCount` bytes are meaningful.
  private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
  /// Number of bytes buffered in `pending`, always below `blockSize`.
  private var pendingCount = 0
  /// Total message length in bytes so far (the bit length is taken modulo 2^64, as in the standard).
  private var totalLength: UInt64 = 0

  /// Creates a hasher with the initial hash value of FIPS 180-4, section 5.3.3.
  public init() {}

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
          Self.compress(&state, blocks: base, count: 1)
        }
      }
      pendingCount = 0
    }

    // Hash whole blocks straight from the caller's memory.
    let wholeBlocks = remaining / Self.blockSize
    if wholeBlocks > 0 {
      Self.compress(&state, blocks: input, count: wholeBlocks)
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

  /// Returns the 32-byte digest of everything passed to `update` so far, leaving this hasher unchanged.
  ///
  /// The padding is applied to a copy, so more data may still be appended afterwards.
  public func finalize() -> [UInt8] {
    var copy = self
    let bitLength = totalLength &* 8

    // Padding (FIPS 180-4, section 5.1.1): a single 1 bit, zeros up to 56 mod 64, then the length.
    var padding: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    let paddingCount = pendingCount < 56 ? 56 - pendingCount : 120 - pendingCount
    withUnsafeMutableBytes(of: &padding) { $0[0] = 0x80 }
    withUnsafeBytes(of: padding) { bytes in
      // `paddingCount` is at most 64 (when `pendingCount` is 56), which fits the 64-byte buffer.
      copy.update(UnsafeRawBufferPointer(rebasing: bytes[0..<paddingCount]))
    }
    withUnsafeBytes(of: bitLength.bigEndian) { copy.update($0) }

    let words = [
      copy.state.h0, copy.state.h1, copy.state.h2, copy.state.h3,
      copy.state.h4, copy.state.h5, copy.state.h6, copy.state.h7,
    ]
    return [UInt8](unsafeUninitializedCapacity: 32) { output, initializedCount in
      for (index, word) in words.enumerated() {
        output[index * 4] = UInt8(truncatingIfNeeded: word >> 24)
        output[index * 4 + 1] = UInt8(truncatingIfNeeded: word >> 16)
        output[index * 4 + 2] = UInt8(truncatingIfNeeded: word >> 8)
        output[index * 4 + 3] = UInt8(truncatingIfNeeded: word)
      }
      initializedCount = 32
    }
  }

  /// Returns the 32-byte SHA-256 digest of a byte sequence.
  ///
  /// - Complexity: O(*n*), where *n* is the number of bytes.
  public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// Returns the 32-byte SHA-256 digest of a raw buffer.
  ///
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
    var hasher = SHA256()
    hasher.update(buffer)
    return hasher.finalize()
  }

  /// Returns the SHA-256 digest of a byte sequence as 64 lowercase hexadecimal characters.
  ///
  /// - Complexity: O(*n*), where *n* is the number of bytes.
  public static func hexDigest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    hexString(hash(bytes))
  }

  /// Returns the SHA-256 digest of a raw buffer as 64 lowercase hexadecimal characters.
  ///
  /// - Complexity: O(*n*), where *n* is `buffer.count`.
  public static func hexDigest(_ buffer: UnsafeRawBufferPointer) -> String {
    hexString(hash(buffer))
  }

  /// Runs the compression function (FIPS 180-4, section 6.2.2) over `count` consecutive 64-byte blocks.
  ///
  /// - Complexity: O(`count`).
  private static func compress(_ state: inout State, blocks: UnsafeRawPointer, count: Int) {
    sha256RoundConstants.withUnsafeBufferPointer { constants in
      guard let k = constants.baseAddress else { return }
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
        guard let w = schedule.baseAddress else { return }
        var h0 = state.h0, h1 = state.h1, h2 = state.h2, h3 = state.h3
        var h4 = state.h4, h5 = state.h5, h6 = state.h6, h7 = state.h7
        var block = blocks

        for _ in 0..<count {
          // Message schedule W0...W63.
          for t in 0..<16 {
            w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
          }
          for t in 16..<64 {
            let x = w[t - 15], y = w[t - 2]
            let s0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3)
            let s1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
          }

          var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
          // Eight rounds per iteration with the variables rotated through the argument list, so
          // the shuffle `h = g, g = f, ...` of the standard costs no register moves.
          var t = 0
          while t < 64 {
            Self.round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
            Self.round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
            Self.round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
            Self.round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
            Self.round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
            Self.round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
            Self.round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
            Self.round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
            t += 8
          }

          h0 &+= a
          h1 &+= b
          h2 &+= c
          h3 &+= d
          h4 &+= e
          h5 &+= f
          h6 &+= g
          h7 &+= h
          block += 64
        }

        state = State(h0: h0, h1: h1, h2: h2, h3: h3, h4: h4, h5: h5, h6: h6, h7: h7)
      }
    }
  }
  /// One round of the compression function; the caller rotates the variable roles between calls.
  ///
  /// Computes T1 from `e, f, g, h` and the round input `kw` (K_t + W_t), then stores `d + T1` in `d`
  /// and `T1 + T2` in `h`, which the next call treats as the new `e` and `a`.
  @inline(__always)
  private static func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
  ) {
    let bigSigma1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))
    let choose = g ^ (e & (f ^ g))  // equals (e & f) ^ (~e & g)
    let t1 = h &+ bigSigma1 &+ choose &+ kw
    let bigSigma0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))
    let majority = (a & b) | (c & (a | b))  // equals (a & b) ^ (a & c) ^ (b & c)
    d &+= t1
    h = t1 &+ bigSigma0 &+ majority
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
