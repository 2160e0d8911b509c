import Foundation

/// A dictionary whose older entries may stay in a snapshot file, read one at a time when asked for.
///
/// The state's large tables (service records, redemptions, event ids, minutes per member and day) grow
/// with the log. Decoding all of them to answer one `balance` or to append one line would cost time in
/// proportion to the log; a `StoredTable` instead looks an entry up in the snapshot's on-disk hash
/// table (`base`) and keeps only what changed since in memory (`changes`).
///
/// Entries are never removed from the base: a key can be removed only if it was added since.
public struct StoredTable<Key: TableKey, Value: Sendable>: Sendable {
  /// The table as the snapshot left it, or nil (a state rebuilt from the first line).
  var base: TableSection<Key, Value>?
  /// Entries added or changed since the snapshot.
  private(set) var changes = DenseTable<Key, Value>()
  /// Keys of `changes` that are not in the base.
  private var added = 0

  public init() {}

  init(base: TableSection<Key, Value>?) { self.base = base }

  /// A table holding `dictionary`'s entries, all in memory.
  public init(_ dictionary: [Key: Value]) {
    changes.reserveCapacity(dictionary.count)
    for (key, value) in dictionary { changes.updateValue(value, forKey: key) }
    added = dictionary.count
  }

  public var count: Int { (base?.count ?? 0) + added }
  public var isEmpty: Bool { count == 0 }

  public mutating func reserveCapacity(_ capacity: Int) { changes.reserveCapacity(capacity) }

  /// Makes room for about `capacity` more entries in memory, without writing an index for all of them
  /// yet: for a guess that may be well above what comes (the arrays take memory only as they fill).
  mutating func reserveRoom(for capacity: Int) { changes.reserveCapacity(capacity, indexing: 0) }

  public subscript(key: Key) -> Value? {
    get {
      if let value = changes[key] { return value }
      return base?.lookup(key)
    }
    set {
      if let newValue {
        updateValue(newValue, forKey: key)
      } else {
        removeValue(forKey: key)
      }
    }
    // In place, so `table[key]?.field = x` neither copies the value nor looks the key up twice.
    _modify {
      var index = changes.index(forKey: key)
      if index == nil, let old = base?.lookup(key) { index = changes.append(old, forKey: key) }
      if let index {
        let count = changes.count
        // Set to nil, the entry has left the changes (also when the caller throws after setting it).
        defer {
          if changes.count < count {
            precondition(base?.contains(key) != true, "an entry of the snapshot cannot be removed")
            added -= 1
          }
        }
        yield &changes[optionalAt: index]
      } else {
        var value: Value? = nil
        // Kept also when the caller throws after setting it, as an entry that was here keeps its change.
        defer {
          if let value = value.take() {
            changes.append(value, forKey: key)
            added += 1
          }
        }
        yield &value
      }
    }
  }

  public subscript(key: Key, default value: @autoclosure () -> Value) -> Value {
    get { self[key] ?? value() }
    set { updateValue(newValue, forKey: key) }
    // In place, so appending to an array value does not copy it.
    _modify {
      var index = changes.index(forKey: key)
      if index == nil {
        if let old = base?.lookup(key) {
          index = changes.append(old, forKey: key)
        } else {
          index = changes.append(value(), forKey: key)
          added += 1
        }
      }
      yield &changes[valueAt: index.unsafelyUnwrapped]
    }
  }

  /// What `body` reads from the value for `key`, without copying the value out of the table; nil,
  /// without calling `body`, when the key has no value.
  ///
  /// For the rules and the fold, which read a field or two of a large value (a service record is about
  /// 200 bytes, and copying one counts each of its strings up and down again).
  public func read<Result, Failure: Error>(
    _ key: Key, _ body: (borrowing Value) throws(Failure) -> Result
  ) throws(Failure) -> Result? {
    if let index = changes.index(forKey: key) { return try changes.read(at: index, body) }
    guard let value = base?.lookup(key) else { return nil }
    return try body(value)
  }

  /// Calls `body` with every value, without copying the values out into an array or a sequence's
  /// elements, in no particular order (each value's references are still counted as it is lent).
  public func forEachValue(_ body: (borrowing Value) -> Void) {
    // Entries changed since the snapshot are read from the changes, once.
    base?.forEach { key, value in
      if changes.index(forKey: key) == nil { body(value) }
    }
    changes.forEachValue(body)
  }

  /// Calls `body` with every key and its value, as `forEachValue` lends them, in no particular order
  /// (the reports read a few fields of each of hundreds of thousands of records).
  public func forEachEntry(_ body: (Key, borrowing Value) -> Void) {
    base?.forEach { key, value in
      if changes.index(forKey: key) == nil { body(key, value) }
    }
    changes.forEachEntry(body)
  }

  /// `DenseTable.slotHash(of:)`.
  static func slotHash(of key: Key) -> UInt32 { DenseTable<Key, Value>.slotHash(of: key) }

  /// `DenseTable.readSlots(_:)` of the entries changed since the snapshot.
  func readSlots(_ hashes: UnsafeBufferPointer<UInt32>) -> UInt64 { changes.readSlots(hashes) }

  /// Whether `key` has a value (without copying the value out).
  public func contains(_ key: Key) -> Bool {
    changes.index(forKey: key) != nil || base?.contains(key) == true
  }

  /// Changes the value for `key` in place, looking the key up once, and returns what `body` returns;
  /// nil, without calling `body`, when the key has no value.
  public mutating func modify<Result>(_ key: Key, _ body: (inout Value) throws -> Result) rethrows -> Result? {
    var index = changes.index(forKey: key)
    if index == nil, let old = base?.lookup(key) { index = changes.append(old, forKey: key) }
    guard let index else { return nil }
    return try body(&changes[valueAt: index])
  }

  /// Sets the value for `key` and returns the one it replaces, if any.
  @discardableResult
  public mutating func updateValue(_ value: consuming Value, forKey key: Key) -> Value? {
    // The value is moved in, not copied (a service record is about 200 bytes).
    if let old = changes.updateValue(value, forKey: key) { return old }
    guard let base, let old = base.lookup(key) else {
      added += 1
      return nil
    }
    return old
  }

  /// Removes a key added since the snapshot.
  /// - Precondition: the key is not in the base (the ledger never forgets an entry it wrote).
  /// - Complexity: O(n) in the number of changes (the ledger removes a key only when it refuses a line).
  @discardableResult
  public mutating func removeValue(forKey key: Key) -> Value? {
    guard let old = changes.remove(key) else {
      precondition(base?.contains(key) != true, "an entry of the snapshot cannot be removed")
      return nil
    }
    if base?.contains(key) != true { added -= 1 }
    return old
  }

  /// The entries that satisfy `isIncluded`, as a dictionary.
  public func filter(_ isIncluded: ((key: Key, value: Value)) throws -> Bool) rethrows -> [Key: Value] {
    var result: [Key: Value] = [:]
    for entry in self where try isIncluded(entry) { result[entry.key] = entry.value }
    return result
  }

  /// Every entry, as a dictionary.
  public var dictionary: [Key: Value] { filter { _ in true } }

  /// Every value, in no particular order, one at a time (a table can hold hundreds of thousands).
  public var values: LazyMapSequence<StoredTable, Value> { lazy.map(\.value) }
  /// Every key, in no particular order.
  public var keys: [Key] { map(\.key) }
}

/// A key a `DenseTable` finds by a hash of its own, not `Hasher`.
///
/// The ledger's keys are short identifiers looked up several times per event; SipHash's set-up and
/// finish cost more than the lookups themselves. `tableHash(seed:)` must give equal keys equal hashes;
/// a poor hash only costs time (keys are always compared), never a wrong answer.
public protocol TableKey: Hashable, Sendable {
  /// 64 well-mixed bits of the key, for a table seeded with `seed`.
  func tableHash(seed: UInt64) -> UInt64
}

/// The hash behind `TableKey`: a multiply-and-fold over 8 bytes at a time (after wyhash), seeded once
/// per process so that crafted identifiers cannot make every key of a log collide.
enum TableHash {
  static let seed = UInt64.random(in: 1...UInt64.max)

  private static let k0: UInt64 = 0xa076_1d64_78bd_642f
  private static let k1: UInt64 = 0xe703_7ed1_a0b4_28db

  /// Both halves of the 128-bit product, folded.
  @inline(__always)
  static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    return product.high ^ product.low
  }

  /// The hash of `bytes`.
  static func bytes(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
    var hash = mix(seed ^ k0, UInt64(bytes.count) ^ k1)
    guard let base = bytes.baseAddress else { return hash }
    var offset = 0
    while offset + 8 <= bytes.count {
      hash = mix(hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ k0, k1 ^ seed)
      offset += 8
    }
    if offset < bytes.count {
      // The last 1 to 7 bytes in at most three loads (most ids are shorter than 8 bytes), in the order
      // they come; the length was mixed in first, so no two tails of one length give one value.
      let rest = bytes.count - offset
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      if rest & 4 != 0 {
        tail = UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        shift = 32
      }
      if rest & 2 != 0 {
        tail |= UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) << shift
        offset += 2
        shift += 16
      }
      if rest & 1 != 0 { tail |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << shift }
      hash = mix(hash ^ tail ^ k1, k0 ^ seed)
    }
    return mix(hash, k1)
  }

  /// The hash of a string's UTF-8 bytes (read in place: identifiers are small strings or native ones).
  static func string(_ text: String, seed: UInt64) -> UInt64 {
    if let hash = text.utf8.withContiguousStorageIfAvailable({ bytes(UnsafeRawBufferPointer($0), seed: seed) }) {
      return hash
    }
    var copy = text
    return copy.withUTF8 { bytes(UnsafeRawBufferPointer($0), seed: seed) }
  }
}

extension String: TableKey {
  public func tableHash(seed: UInt64) -> UInt64 { TableHash.string(self, seed: seed) }
}

extension Int: TableKey {
  public func tableHash(seed: UInt64) -> UInt64 { TableHash.mix(UInt64(bitPattern: Int64(self)) ^ seed, 0xe703_7ed1_a0b4_28db) }
}

extension StringIdentifier {
  public func tableHash(seed: UInt64) -> UInt64 { TableHash.string(rawValue, seed: seed) }
}

extension MemberID: TableKey {}
extension TeamID: TableKey {}
extension RecordID: TableKey {}
extension RedemptionID: TableKey {}

extension AccountID: TableKey {
  public func tableHash(seed: UInt64) -> UInt64 {
    switch self {
    case .member(let id): id.tableHash(seed: seed)
    case .card(let id): id.tableHash(seed: seed ^ 1)
    case .issued: TableHash.mix(seed ^ 2, 0xa076_1d64_78bd_642f)
    case .redeemed: TableHash.mix(seed ^ 3, 0xa076_1d64_78bd_642f)
    }
  }
}

extension MemberDay: TableKey {
  public func tableHash(seed: UInt64) -> UInt64 {
    member.tableHash(seed: seed ^ UInt64(UInt32(bitPattern: date.bits)))
  }
}

/// Entries kept in memory: keys and values side by side (in the order they came), found
/// through an open-addressing index of positions. A lookup hashes the key once (`TableKey`), probes
/// 8-byte index slots that also hold 32 bits of each key's hash, and compares keys only when those
/// match; growing moves index slots, never keys or values.
struct DenseTable<Key: TableKey, Value: Sendable>: Sendable {
  /// Linear-probing index: 0 for an empty slot, else the key's hash's top 32 bits, then its position
  /// plus one in the low 32. Its count is a power of two (or zero, before the first entry).
  private var index: [UInt64] = []
  private var keyList: [Key] = []
  private var values = DenseValues<Value>()

  var count: Int { values.count }

  /// Makes room for `capacity` entries without moving keys or values, and sizes the index for
  /// `indexed` of them (all, by default). The index is written at once, so it costs its memory now;
  /// the key and value arrays cost memory only as they fill.
  mutating func reserveCapacity(_ capacity: Int, indexing indexed: Int? = nil) {
    keyList.reserveCapacity(capacity)
    values.reserveCapacity(capacity)
    let size = Self.indexSize(for: indexed ?? capacity)
    if size > index.count { rebuildIndex(size: size) }
  }

  /// The index size that holds `count` keys at most three quarters full.
  private static func indexSize(for count: Int) -> Int {
    var size = 8
    while size * 3 < count * 4 { size <<= 1 }
    return size
  }

  @inline(__always)
  private static func hash(_ key: Key) -> UInt32 { UInt32(truncatingIfNeeded: key.tableHash(seed: TableHash.seed) >> 32) }

  /// The index slot of `key` and its position, or the empty slot where it would go and nil.
  @inline(__always)
  private func find(_ key: Key, hash: UInt32) -> (slot: Int, position: Int?) {
    guard !index.isEmpty else { return (0, nil) }
    return index.withUnsafeBufferPointer { index in
      let mask = index.count - 1
      var slot = Int(hash) & mask
      while true {
        let entry = index[slot]
        if entry == 0 { return (slot, nil) }
        if UInt32(truncatingIfNeeded: entry >> 32) == hash {
          let position = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
          if keyList[position] == key { return (slot, position) }
        }
        slot = (slot + 1) & mask
      }
    }
  }

  private static func entry(hash: UInt32, position: Int) -> UInt64 { UInt64(hash) << 32 | UInt64(position + 1) }

  /// Puts every key's position in a fresh index of `size` slots.
  private mutating func rebuildIndex(size: Int) {
    var fresh = [UInt64](repeating: 0, count: size)
    let mask = size - 1
    fresh.withUnsafeMutableBufferPointer { fresh in
      for entry in index where entry != 0 {
        var slot = Int(truncatingIfNeeded: entry >> 32) & mask
        while fresh[slot] != 0 { slot = (slot + 1) & mask }
        fresh[slot] = entry
      }
    }
    index = fresh
  }

  func index(forKey key: Key) -> Int? { find(key, hash: Self.hash(key)).position }

  /// The part of `key`'s hash that chooses its index slot (see `readSlots(_:)`).
  static func slotHash(of key: Key) -> UInt32 { hash(key) }

  /// Reads the index slots where searches for keys of these `slotHash`es start, and returns what they
  /// hold, summed: a hint, not an answer. A replay reads ahead the slots the next lines will look up,
  /// in a loop short enough that the cache misses of a large table overlap instead of coming one per
  /// line (see `Audit`).
  func readSlots(_ hashes: UnsafeBufferPointer<UInt32>) -> UInt64 {
    guard !index.isEmpty else { return 0 }
    return index.withUnsafeBufferPointer { index in
      let mask = index.count - 1
      var sum: UInt64 = 0
      for hash in hashes { sum &+= index[Int(hash) & mask] }
      return sum
    }
  }

  subscript(key: Key) -> Value? { index(forKey: key).map { values[$0] } }

  /// The value at `index` lent as an optional: set to nil, its entry is removed as `remove(_:)` removes
  /// it. For `StoredTable`'s `subscript(key)`.
  subscript(optionalAt index: Int) -> Value? {
    get { values[index] }
    _modify {
      let count = values.count
      // The key follows its value out (also when the caller throws after setting it to nil).
      defer { if values.count < count { removeKey(at: index) } }
      yield &values[optionalAt: index]
    }
  }

  /// What `body` reads from the value at `index` where it is (not copied out).
  func read<Result, Failure: Error>(
    at index: Int, _ body: (borrowing Value) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    try body(values[index])
  }

  /// Calls `body` with every value where it is, in the order they are kept.
  func forEachValue(_ body: (borrowing Value) -> Void) {
    values.withUnsafeBufferPointer { values in
      for value in values { body(value) }
    }
  }

  /// Calls `body` with every key and its value where it is, in the order they are kept.
  func forEachEntry(_ body: (Key, borrowing Value) -> Void) {
    keyList.withUnsafeBufferPointer { keys in
      values.withUnsafeBufferPointer { values in
        for index in values.indices { body(keys[index], values[index]) }
      }
    }
  }

  /// The value at `index`, changed in place (neither copied nor moved out and back).
  subscript(valueAt index: Int) -> Value {
    get { values[index] }
    _modify { yield &values[index] }
  }

  /// Adds `key` at the empty index slot `slot` that `find` gave; returns its position.
  private mutating func insert(_ value: consuming Value, forKey key: Key, hash: UInt32, slot: Int) -> Int {
    let position = values.count
    if (position + 1) * 4 > index.count * 3 {
      rebuildIndex(size: Self.indexSize(for: position + 1))
      let fresh = find(key, hash: hash)
      index[fresh.slot] = Self.entry(hash: hash, position: position)
    } else {
      index[slot] = Self.entry(hash: hash, position: position)
    }
    keyList.append(key)
    values.append(value)
    return position
  }

  /// Adds a key that is not here yet and returns its position.
  @discardableResult
  mutating func append(_ value: consuming Value, forKey key: Key) -> Int {
    let hash = Self.hash(key)
    let found = find(key, hash: hash)
    precondition(found.position == nil, "a key is appended once")
    return insert(value, forKey: key, hash: hash, slot: found.slot)
  }

  /// Sets the value for `key` (hashing it once) and returns the one it replaces, if any.
  @discardableResult
  mutating func updateValue(_ value: consuming Value, forKey key: Key) -> Value? {
    let hash = Self.hash(key)
    let found = find(key, hash: hash)
    guard let position = found.position else {
      _ = insert(value, forKey: key, hash: hash, slot: found.slot)
      return nil
    }
    var old = value
    swap(&old, &values[position])
    return old
  }

  /// Removes `key`'s entry, moving the last entry into its place, and returns its value.
  /// - Complexity: O(1) on average.
  @discardableResult
  mutating func remove(_ key: Key) -> Value? {
    guard let position = index(forKey: key) else { return nil }
    removeKey(at: position)
    return values.removeByMovingLast(at: position)
  }

  /// Removes the key at `position` from the index and the keys, moving the last key into its place as
  /// `DenseValues.removeByMovingLast(at:)` moves the last value.
  private mutating func removeKey(at position: Int) {
    removeFromIndex(at: find(keyList[position], hash: Self.hash(keyList[position])).slot)
    let last = keyList.count - 1
    if position != last {
      // The last entry moves into the freed position: its index slot says so.
      let moved = keyList[last]
      let hash = Self.hash(moved)
      let slot = find(moved, hash: hash).slot
      index[slot] = Self.entry(hash: hash, position: position)
      keyList.swapAt(position, last)
    }
    keyList.removeLast()
  }

  /// Empties index slot `slot`, moving back later entries of its run that probing could no longer
  /// reach (backward-shift deletion, so no tombstones are left).
  private mutating func removeFromIndex(at slot: Int) {
    let mask = index.count - 1
    var hole = slot
    var next = (slot + 1) & mask
    while index[next] != 0 {
      let home = Int(truncatingIfNeeded: index[next] >> 32) & mask
      // The entry at `next` may fill the hole when its home is not in the cyclic range (hole, next].
      if (next - home) & mask >= (next - hole) & mask {
        index[hole] = index[next]
        hole = next
      }
      next = (next + 1) & mask
    }
    index[hole] = 0
  }

  /// Every key, in the order they are kept.
  var keys: [Key] { keyList }
}

extension DenseTable: Sequence {
  struct Iterator: IteratorProtocol {
    fileprivate var position = 0
    fileprivate let keys: [Key]
    fileprivate let values: DenseValues<Value>

    mutating func next() -> (key: Key, value: Value)? {
      guard position < values.count else { return nil }
      defer { position += 1 }
      return (keys[position], values[position])
    }
  }

  func makeIterator() -> Iterator { Iterator(keys: keyList, values: values) }
  var underestimatedCount: Int { values.count }
}

extension StoredTable: Sequence {
  public struct Iterator: IteratorProtocol {
    private var baseEntries: IndexingIterator<[(key: Key, value: Value)]>
    private var changed: DenseTable<Key, Value>.Iterator

    fileprivate init(_ table: StoredTable) {
      var fromBase: [(key: Key, value: Value)] = []
      if let base = table.base {
        fromBase.reserveCapacity(base.count)
        base.forEach { key, value in
          if table.changes[key] == nil { fromBase.append((key, value)) }
        }
      }
      baseEntries = fromBase.makeIterator()
      changed = table.changes.makeIterator()
    }

    public mutating func next() -> (key: Key, value: Value)? {
      if let entry = baseEntries.next() { return entry }
      return changed.next()
    }
  }

  public func makeIterator() -> Iterator { Iterator(self) }
  /// Only the changes are sure to be listed: a damaged snapshot page cuts the base's entries short
  /// (and `Sequence.map` traps if fewer elements come than this promises).
  public var underestimatedCount: Int { changes.count }
}

extension StoredTable: Equatable where Value: Equatable {
  /// Same keys with the same values, wherever each entry is kept. A table whose snapshot turned out
  /// damaged on the way equals nothing (its entries could not all be read).
  public static func == (lhs: StoredTable, rhs: StoredTable) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for (key, value) in lhs where rhs[key] != value { return false }
    return lhs.base?.file.isDamaged != true && rhs.base?.file.isDamaged != true
  }
}

extension StoredTable: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (Key, Value)...) {
    self.init()
    for (key, value) in elements { self[key] = value }
  }
}

/// How the entries of one table are written as bytes in a snapshot, and read back.
struct TableCodec<Key, Value>: Sendable {
  var writeKey: @Sendable (Key, inout SnapshotWriter) -> Void
  var readKey: @Sendable (inout SnapshotReader) throws(SnapshotDecodingError) -> Key
  var writeValue: @Sendable (Value, inout SnapshotWriter) -> Void
  var readValue: @Sendable (inout SnapshotReader) throws(SnapshotDecodingError) -> Value
}

/// One table of a mapped snapshot: an open-addressing hash table of slots, then the entries.
///
/// A slot is 8 bytes: the top 24 bits of the key's hash, then (in the low 40 bits) the entry's offset
/// after the slots plus one; 0 is an empty slot. An entry is the key's length and the value's length
/// (4 bytes each), then the key's bytes and the value's. Every byte is read through
/// `MappedSnapshot.checked`, which verifies its page's checksum first.
final class TableSection<Key: TableKey, Value: Sendable>: Sendable {
  let file: MappedSnapshot
  /// File offsets: the first slot, and the entries (just after the last slot) to `end`.
  let slotsStart: Int
  let entriesStart: Int
  let end: Int
  let slotCount: Int
  let count: Int
  let codec: TableCodec<Key, Value>

  init(file: MappedSnapshot, start: Int, slotCount: Int, count: Int, length: Int, codec: TableCodec<Key, Value>) {
    self.file = file
    slotsStart = start
    entriesStart = start + slotCount * 8
    end = start + length
    self.slotCount = slotCount
    self.count = count
    self.codec = codec
  }

  func contains(_ key: Key) -> Bool { lookup(key) != nil }

  /// The value stored for `key`, or nil when there is none or its bytes are damaged (then the snapshot
  /// is reported damaged and the command runs again without it).
  func lookup(_ key: Key) -> Value? {
    var encoded = SnapshotWriter(capacity: 32)
    codec.writeKey(key, &encoded)
    return encoded.bytes.withUnsafeBytes { wanted -> Value? in
      let hash = TableSection.hash(wanted)
      let mask = slotCount - 1
      var index = Int(truncatingIfNeeded: hash) & mask
      for _ in 0..<slotCount {
        guard let slotBytes = file.checked(slotsStart + index * 8, count: 8) else { return nil }
        let slot = UInt64(littleEndian: slotBytes.loadUnaligned(as: UInt64.self))
        if slot == 0 { return nil }
        if slot >> 40 == hash >> 40 {
          guard let entry = self.entry(at: entriesStart + Int(slot & 0xFF_FFFF_FFFF) - 1) else { return nil }
          if entry.key.elementsEqual(wanted) {
            var reader = SnapshotReader(entry.value)
            guard let value = try? codec.readValue(&reader), reader.isAtEnd else {
              file.reportDamage()
              return nil
            }
            return value
          }
        }
        index = (index + 1) & mask
      }
      return nil
    }
  }

  /// Calls `body` with every entry, in slot order; stops early if the bytes are damaged.
  func forEach(_ body: (Key, Value) -> Void) {
    forEachEntry { _, key, value in
      guard let key = try? decode(key, with: codec.readKey), let value = try? decode(value, with: codec.readValue)
      else {
        file.reportDamage()
        return false
      }
      body(key, value)
      return true
    }
  }

  /// Calls `body` with every entry's hash, key bytes and value bytes, in the order they are stored;
  /// `body` returns false to stop.
  func forEachEntry(_ body: (UInt64, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool) {
    var offset = entriesStart
    while offset < end {
      guard let entry = entry(at: offset) else { return }
      guard body(TableSection.hash(entry.key), entry.key, entry.value) else { return }
      offset += 8 + entry.key.count + entry.value.count
    }
  }

  private func decode<T>(
    _ bytes: UnsafeRawBufferPointer, with read: (inout SnapshotReader) throws(SnapshotDecodingError) -> T
  ) throws(SnapshotDecodingError) -> T {
    var reader = SnapshotReader(bytes)
    let value = try read(&reader)
    guard reader.isAtEnd else { throw reader.failure("bytes after an entry") }
    return value
  }

  /// The key and value bytes of the entry at file offset `offset`, checked.
  private func entry(at offset: Int) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? {
    guard offset >= entriesStart, offset + 8 <= end, let lengths = file.checked(offset, count: 8) else {
      file.reportDamage()
      return nil
    }
    let keyLength = Int(UInt32(littleEndian: lengths.loadUnaligned(as: UInt32.self)))
    let valueLength = Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    let total = 8 + keyLength + valueLength
    guard offset + total <= end, let bytes = file.checked(offset, count: total) else {
      file.reportDamage()
      return nil
    }
    return (
      UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + keyLength)]),
      UnsafeRawBufferPointer(rebasing: bytes[(8 + keyLength)..<total])
    )
  }

  /// A 64-bit hash of a key's bytes (FNV-1a, then a final mix so the low bits spread well).
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    hash ^= hash >> 33
    hash = hash &* 0xff51_afd7_ed55_8ccd
    hash ^= hash >> 33
    return hash
  }
}

extension StoredTable {
  /// Writes the table as a `TableSection` at the end of `out` (which must be 8-aligned there): the
  /// base's entries are copied byte for byte, except those changed since, then the changes.
  /// - Returns: the section's slot count and length in bytes, or nil when the base turned out damaged
  ///   (a snapshot written from it would be missing entries).
  /// - Complexity: O(n) in the number of entries.
  func writeSection(to out: inout SnapshotWriter, codec: TableCodec<Key, Value>) -> (slotCount: Int, length: Int)?
  {
    let start = out.bytes.count
    var slotCount = 8
    while slotCount < count * 2 { slotCount <<= 1 }
    out.zeros(slotCount * 8)
    let entriesStart = out.bytes.count
    var placed: [(hash: UInt64, offset: Int)] = []
    placed.reserveCapacity(count)
    func append(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, hash: UInt64) {
      placed.append((hash, out.bytes.count - entriesStart + 1))
      out.fixed32(UInt32(key.count))
      out.fixed32(UInt32(value.count))
      out.raw(key)
      out.raw(value)
    }
    if let base {
      var changedHashes = Set<UInt64>()
      changedHashes.reserveCapacity(changes.count)
      for key in changes.keys {
        var encoded = SnapshotWriter(capacity: 32)
        codec.writeKey(key, &encoded)
        changedHashes.insert(encoded.bytes.withUnsafeBytes { TableSection<Key, Value>.hash($0) })
      }
      base.forEachEntry { hash, key, value in
        if changedHashes.contains(hash) {
          var reader = SnapshotReader(key)
          if let decoded = try? codec.readKey(&reader), changes[decoded] != nil { return true }
        }
        append(key: key, value: value, hash: hash)
        return true
      }
    }
    for (key, value) in changes {
      var encodedKey = SnapshotWriter(capacity: 32)
      codec.writeKey(key, &encodedKey)
      var encodedValue = SnapshotWriter(capacity: 64)
      codec.writeValue(value, &encodedValue)
      encodedKey.bytes.withUnsafeBytes { keyBytes in
        encodedValue.bytes.withUnsafeBytes { valueBytes in
          append(key: keyBytes, value: valueBytes, hash: TableSection<Key, Value>.hash(keyBytes))
        }
      }
    }
    guard placed.count == count, base?.file.isDamaged != true else { return nil }
    out.fillSlots(at: start, count: slotCount, with: placed)
    return (slotCount, out.bytes.count - start)
  }
}

extension LedgerState {
  /// Whether this state was loaded from a snapshot whose tables turned out damaged since (a page that
  /// failed its checksum): then lookups may have missed entries, and whatever was decided with it must
  /// be decided again from the log (`Snapshot.load(_:usingSnapshot: false)`).
  public var isFromDamagedSnapshot: Bool { snapshotDamageCheck() }

  /// A check of `isFromDamagedSnapshot` that keeps only the snapshot's file, not the state.
  public var snapshotDamageCheck: @Sendable () -> Bool {
    let files = [
      records.base?.file, redemptions.base?.file, ids.base?.file, minutesByDay.base?.file, members.base?.file,
      teams.base?.file, accounts.base?.file, pendingPoints.base?.file,
    ].compactMap { $0 }
    return { files.contains { $0.isDamaged } }
  }
}
