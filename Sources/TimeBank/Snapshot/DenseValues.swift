/// The values of a `DenseTable`: an array of plain values, not optionals, that lends a value in place.
///
/// `[Value?]` let a table move a value out and back, but its tag byte pads an 8-byte value (an event's
/// number, `Minutes`) to 16 bytes: about 10 MB of the peak of a million-line audit. Here a value is
/// changed where it is kept (one uniqueness check, no move), and only `subscript(optionalAt:)`, which
/// lets a value be set to nil, moves it out for as long as it is lent.
///
/// Copies share their storage until one of them changes (copy on write, as an array does).
struct DenseValues<Value: Sendable>: Sendable {
  private var storage = Storage(capacity: 0)

  var count: Int { storage.count }

  /// Makes room for `capacity` values. The memory is reserved but not written, so the pages of a
  /// generous guess cost nothing until values fill them.
  mutating func reserveCapacity(_ capacity: Int) {
    makeUnique(capacity: Swift.max(capacity, storage.count))
  }

  mutating func append(_ value: consuming Value) {
    let count = storage.count
    makeUnique(capacity: count < storage.capacity ? count + 1 : 2 * storage.capacity)
    (storage.elements + count).initialize(to: value)
    storage.count = count + 1
  }

  /// The value at `position`, read and changed where it is kept (not copied, not moved out and back).
  subscript(position: Int) -> Value {
    _read {
      checkPosition(position)
      yield storage.elements[position]
    }
    _modify {
      checkPosition(position)
      makeUnique(capacity: storage.count)
      yield &storage.elements[position]
    }
  }

  /// The value at `position` lent as an optional: set to nil, it is removed as
  /// `removeByMovingLast(at:)` removes it.
  ///
  /// For `StoredTable`'s `subscript(key)`, whose `_modify` lends an optional.
  subscript(optionalAt position: Int) -> Value? {
    get { self[position] }
    _modify {
      checkPosition(position)
      makeUnique(capacity: storage.count)
      var value: Value? = (storage.elements + position).move()
      // Also when the caller throws: a position below the count must never be left without a value.
      defer {
        if let kept = value.take() {
          (storage.elements + position).initialize(to: kept)
        } else {
          fillGap(at: position)
        }
      }
      yield &value
    }
  }

  /// Removes the value at `position` and returns it; the last value moves into its place, so every
  /// other value keeps its position (which `DenseTable`'s index records).
  mutating func removeByMovingLast(at position: Int) -> Value {
    checkPosition(position)
    makeUnique(capacity: storage.count)
    let removed = (storage.elements + position).move()
    fillGap(at: position)
    return removed
  }

  /// Calls `body` with the values where they are kept.
  func withUnsafeBufferPointer<Result, Failure: Error>(
    _ body: (UnsafeBufferPointer<Value>) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    try body(UnsafeBufferPointer(start: storage.elements, count: storage.count))
  }

  @inline(__always)
  private func checkPosition(_ position: Int) {
    precondition(UInt(bitPattern: position) < UInt(bitPattern: storage.count), "a position past the values")
  }

  /// Moves the last value into `position`, whose value was moved out, and counts one value fewer.
  private func fillGap(at position: Int) {
    let last = storage.count - 1
    if position != last {
      (storage.elements + position).moveInitialize(from: storage.elements + last, count: 1)
    }
    storage.count = last
  }

  /// Makes the storage this value's own, with room for `capacity` values: the check before every change,
  /// so that a change never shows through a copy.
  @inline(__always)
  private mutating func makeUnique(capacity: Int) {
    if !isKnownUniquelyReferenced(&storage) || capacity > storage.capacity { reallocate(capacity: capacity) }
  }

  @inline(never)
  private mutating func reallocate(capacity: Int) {
    let fresh = Storage(capacity: Swift.max(capacity, storage.capacity))
    if isKnownUniquelyReferenced(&storage) {
      fresh.elements.moveInitialize(from: storage.elements, count: storage.count)
      fresh.count = storage.count
      storage.count = 0  // moved: the old storage must not deinitialize them
    } else {
      fresh.elements.initialize(from: storage.elements, count: storage.count)
      fresh.count = storage.count
    }
    storage = fresh
  }

  /// Memory for `capacity` values, of which the first `count` are initialized.
  ///
  /// Unchecked `Sendable`: its values are changed only through a storage that one `DenseValues` holds
  /// alone (`makeUnique`), so storage shared between threads is only read.
  private final class Storage: @unchecked Sendable {
    let elements: UnsafeMutablePointer<Value>
    let capacity: Int
    var count = 0

    init(capacity: Int) {
      // Never zero: an empty table's storage is still a real allocation.
      self.capacity = Swift.max(capacity, 1)
      elements = .allocate(capacity: self.capacity)
    }

    deinit {
      elements.deinitialize(count: count)
      elements.deallocate()
    }
  }
}
