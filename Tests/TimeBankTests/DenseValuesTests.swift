import Testing

@testable import TimeBank

/// The tables' in-memory values (`DenseValues`, plain values behind a copy-on-write storage of its own)
/// against plain dictionaries: random changes through every way in, copies changed apart, values lent
/// in place and set to nil, and every value released once, when its last table is gone.
@Suite struct DenseValuesTests {
  /// How many tokens of one test are alive (a test runs on one thread; each has its own count).
  final class LiveCount: @unchecked Sendable {
    var count = 0
  }

  /// A reference a value holds, counted: a value the storage forgets to release keeps its token alive,
  /// and one it releases twice frees its token under the model's feet.
  final class Token: Sendable {
    let live: LiveCount
    init(_ live: LiveCount) {
      self.live = live
      live.count += 1
    }
    deinit { live.count -= 1 }
  }

  /// A value with a reference in it, equal when its number and token are the same.
  struct Tracked: Equatable, Sendable {
    var number: Int
    var token: Token

    static func == (lhs: Tracked, rhs: Tracked) -> Bool {
      lhs.number == rhs.number && lhs.token === rhs.token
    }
  }

  struct Failure: Error {}

  /// Sets the value lent through `_modify` to nil (what `table[key] = nil` does through `set`).
  private static func clear(_ value: inout Tracked?) { value = nil }

  /// Sets the value lent through `_modify`, to nil or not, then throws.
  private static func set(_ value: inout Tracked?, to newValue: Tracked?, thenThrow: Bool) throws {
    value = newValue
    if thenThrow { throw Failure() }
  }

  /// Random changes, through every entry point, to up to four copies of a table, each held to its own
  /// dictionary; copies are made and dropped along the way, so storage is shared and then written.
  @Test(arguments: [1, 2, 3])
  func copiesOfATableBehaveLikeDictionaries(seed: UInt64) {
    let live = LiveCount()
    do {
      var random = SeededGenerator(seed: seed)
      var tables = [StoredTable<Int, Tracked>()]
      var models: [[Int: Tracked]] = [[:]]
      for step in 0..<6_000 {
        let which = Int.random(in: 0..<tables.count, using: &random)
        let key = Int.random(in: 0..<120, using: &random)
        let fresh = Tracked(number: step, token: Token(live))
        switch Int.random(in: 0..<13, using: &random) {
        case 0:
          tables[which][key] = fresh
          models[which][key] = fresh
        case 1:
          #expect(
            tables[which].updateValue(fresh, forKey: key) == models[which].updateValue(fresh, forKey: key))
        case 2:
          #expect(tables[which].removeValue(forKey: key) == models[which].removeValue(forKey: key))
        case 3:
          // In place through `_modify`; nothing for a key that is not there.
          tables[which][key]?.number += 1
          models[which][key]?.number += 1
        case 4:
          tables[which][key]?.token = fresh.token
          models[which][key]?.token = fresh.token
        case 5:
          // Set to nil through `_modify`: the entry goes, the last one takes its place.
          Self.clear(&tables[which][key])
          models[which][key] = nil
        case 6:
          // A value (or nil) set through `_modify`, kept even when the caller throws after setting it.
          let newValue = Bool.random(using: &random) ? fresh : nil
          let thenThrow = Bool.random(using: &random)
          try? Self.set(&tables[which][key], to: newValue, thenThrow: thenThrow)
          models[which][key] = newValue
        case 7:
          // The default is made inside the closure: a class reference captured by a `default:` closure
          // that is not called leaks in a debug build with Swift 6.3.1 (with a Dictionary as well).
          tables[which][key, default: Tracked(number: step, token: Token(live))].number += 1
          if models[which][key] == nil {
            #expect(tables[which][key]?.number == step + 1)
            models[which][key] = tables[which][key]
          } else {
            models[which][key]?.number += 1
          }
        case 8:
          let expected = models[which][key].map { $0.number + 1 }
          if models[which][key] != nil { models[which][key]?.number += 1 }
          let changed = tables[which].modify(key) { value -> Int in
            value.number += 1
            return value.number
          }
          #expect(changed == expected)
        case 9:
          // A copy, or a copy dropped for another, so that storage is shared when the next change comes.
          if tables.count < 4 {
            tables.append(tables[which])
            models.append(models[which])
          } else {
            let other = Int.random(in: 0..<tables.count, using: &random)
            tables[other] = tables[which]
            models[other] = models[which]
          }
        case 10:
          let capacity = Int.random(in: 0..<400, using: &random)
          if Bool.random(using: &random) {
            tables[which].reserveCapacity(capacity)
          } else {
            tables[which].reserveRoom(for: capacity)
          }
        case 11:
          #expect(tables[which].read(key) { $0.number } == models[which][key]?.number)
          #expect(tables[which].contains(key) == (models[which][key] != nil))
        default:
          #expect(tables[which][key] == models[which][key])
        }
        #expect(tables[which].count == models[which].count)
        if step % 500 == 0 || step == 5_999 {
          for (table, model) in zip(tables, models) { Self.expect(table, holds: model) }
          // Every value of every table is one of the models' (shared when copies share it): any other
          // live token is one a table forgot to release.
          var held = Set(models.flatMap { $0.values.map { ObjectIdentifier($0.token) } })
          held.insert(ObjectIdentifier(fresh.token))
          #expect(live.count == held.count)
        }
      }
    }
    #expect(live.count == 0)
  }

  /// Every entry once, the same through each way of listing them (iteration, `forEachEntry`,
  /// `forEachValue`, in the order they are kept), and each equal to the model's.
  private static func expect(_ table: StoredTable<Int, Tracked>, holds model: [Int: Tracked]) {
    #expect(table.dictionary == model)
    let listed = table.map(\.key)
    #expect(listed.count == model.count)
    var entries: [Int] = []
    table.forEachEntry { key, value in
      entries.append(key)
      #expect(value == model[key])
    }
    #expect(entries == listed)
    var numbers: [Int] = []
    table.forEachValue { numbers.append($0.number) }
    #expect(numbers == listed.compactMap { model[$0]?.number })
  }

  /// A copy changed through each in-place way (`_modify` through optional chaining, set to nil through
  /// `_modify`, `default:`, `modify`, `DenseTable.subscript(valueAt:)`) leaves the original as it was.
  @Test func aChangeToACopyLeavesTheOriginalAsItWas() {
    let live = LiveCount()
    do {
      var original = StoredTable<Int, Tracked>()
      for key in 0..<10 { original[key] = Tracked(number: key, token: Token(live)) }
      let before = original.dictionary
      let replacement = Token(live)

      var copy = original
      copy[3]?.number = 300
      copy[4]?.token = replacement
      #expect(original.dictionary == before)

      copy = original
      Self.clear(&copy[5])
      #expect(copy[5] == nil && copy.count == 9)
      #expect(original.dictionary == before)

      copy = original
      copy[6, default: Tracked(number: 0, token: Token(live))].number = 600
      #expect(copy[6]?.number == 600)
      #expect(original.dictionary == before)

      copy = original
      _ = copy.modify(7) { $0.number = 700 }
      #expect(copy[7]?.number == 700)
      #expect(original.dictionary == before)

      var dense = original.changes
      let denseBefore = Array(dense.map(\.value))
      var denseCopy = dense
      denseCopy[valueAt: 2].number = 200
      #expect(Array(dense.map(\.value)) == denseBefore)
      dense[valueAt: 1].token = replacement
      #expect(denseCopy[valueAt: 1] == denseBefore[1])
      #expect(original.dictionary == before)
    }
    #expect(live.count == 0)
  }

  /// A change that throws keeps what it did before throwing, whether in place (`modify`,
  /// `subscript(valueAt:)`) or through an optional (`_modify` of `subscript(key)`): no value is lost
  /// or kept twice on the way out.
  @Test func aChangeThatThrowsKeepsWhatItDid() {
    let live = LiveCount()
    do {
      var table = StoredTable<Int, Tracked>()
      for key in 0..<5 { table[key] = Tracked(number: key, token: Token(live)) }

      #expect(throws: Failure.self) {
        try table.modify(1) { value in
          value.number = 100
          throw Failure()
        }
      }
      #expect(table[1]?.number == 100)

      let replacement = Tracked(number: 200, token: Token(live))
      #expect(throws: Failure.self) { try Self.set(&table[2], to: replacement, thenThrow: true) }
      #expect(table[2] == replacement)

      #expect(throws: Failure.self) { try Self.set(&table[0], to: nil, thenThrow: true) }
      #expect(table[0] == nil)
      #expect(table.count == 4)
      #expect(Set(table.map(\.key)) == [1, 2, 3, 4])

      #expect(throws: Failure.self) { try Self.set(&table[9], to: replacement, thenThrow: true) }
      #expect(table[9] == replacement)
      #expect(table.count == 5)
    }
    #expect(live.count == 0)
  }

  /// `DenseValues` on its own against an array: appends, changes in place, removals that move the
  /// last value into the gap, set to nil through `subscript(optionalAt:)`, reservations and copies.
  @Test func denseValuesBehaveLikeAnArray() {
    let live = LiveCount()
    do {
      var random = SeededGenerator(seed: 7)
      var values = DenseValues<Tracked>()
      var model: [Tracked] = []
      var copies: [(DenseValues<Tracked>, [Tracked])] = []
      for step in 0..<5_000 {
        let fresh = Tracked(number: step, token: Token(live))
        let position = model.isEmpty ? nil : Int.random(in: 0..<model.count, using: &random)
        switch (Int.random(in: 0..<7, using: &random), position) {
        case (0, _), (1, nil), (2, nil), (3, nil), (4, nil):
          values.append(fresh)
          model.append(fresh)
        case (1, let position?):
          values[position].number += 1
          model[position].number += 1
        case (2, let position?):
          #expect(values.removeByMovingLast(at: position) == model[position])
          model.swapAt(position, model.count - 1)
          model.removeLast()
        case (3, let position?):
          values[optionalAt: position] = nil
          model.swapAt(position, model.count - 1)
          model.removeLast()
        case (4, let position?):
          values[optionalAt: position]?.token = fresh.token
          model[position].token = fresh.token
        case (5, _):
          values.reserveCapacity(Int.random(in: 0..<6_000, using: &random))
        default:
          copies.append((values, model))
          if copies.count > 3 { copies.removeFirst() }
        }
        #expect(values.count == model.count)
      }
      for (values, model) in copies + [(values, model)] {
        #expect(values.withUnsafeBufferPointer { Array($0) } == model)
      }
    }
    #expect(live.count == 0)
  }
}

/// The tables' key hash (`TableHash`): every byte of a key counts, wherever its bytes are kept.
@Suite struct TableHashTests {
  /// Keys of 0 to 24 bytes, each byte changed in turn (a bit low and a bit high), hash apart from the
  /// key and from each other, and a string hashes as its bytes, whether kept inline or on the heap.
  @Test func everyByteCounts() {
    let seed: UInt64 = 0x1234_5678_9abc_def0
    for length in 0...24 {
      let key = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
      let hash = key.withUnsafeBytes { TableHash.bytes($0, seed: seed) }
      var seen: Set<UInt64> = [hash]
      for index in key.indices {
        for bit in [0, 6] as [UInt8] {
          var changed = key
          changed[index] ^= 1 << bit
          let changedHash = changed.withUnsafeBytes { TableHash.bytes($0, seed: seed) }
          #expect(seen.insert(changedHash).inserted, "length \(length), byte \(index), bit \(bit)")
        }
      }
      // One byte longer (a zero byte) is another key.
      let longer = (key + [0]).withUnsafeBytes { TableHash.bytes($0, seed: seed) }
      #expect(longer != hash, "length \(length)")
      // Up to 15 bytes a string is kept inside its value, longer ones on the heap: both as the bytes.
      let text = String(decoding: key, as: UTF8.self)
      #expect(TableHash.string(text, seed: seed) == hash, "length \(length)")
      #expect(TableHash.string(text, seed: seed ^ 1) != hash, "length \(length)")
    }
  }
}

/// Reading ahead the index slots a replay will look up (`DenseTable.readSlots`): the slot read for a
/// key is the one its search starts at.
@Suite struct ReadAheadTests {
  /// A table of one key, in an index of 8 slots: its own slot holds it, the slot next to it is empty,
  /// and an empty table reads nothing.
  @Test func theSlotReadIsTheKeysHome() {
    var table = DenseTable<RecordID, Int>()
    let key = RecordID("s1")
    let hash = DenseTable<RecordID, Int>.slotHash(of: key)
    [hash].withUnsafeBufferPointer { #expect(table.readSlots($0) == 0) }
    table.append(1, forKey: key)
    [hash].withUnsafeBufferPointer { #expect(table.readSlots($0) != 0) }
    // The slot after its home (the index wraps around at 8).
    [hash &+ 1].withUnsafeBufferPointer { #expect(table.readSlots($0) == 0) }
    // Keys of every home: the sum counts each occupied home once per key asked about.
    var many = DenseTable<RecordID, Int>()
    for index in 0..<1_000 { many.append(index, forKey: RecordID("s\(index)")) }
    let hashes = (0..<1_000).map { DenseTable<RecordID, Int>.slotHash(of: RecordID("s\($0)")) }
    hashes.withUnsafeBufferPointer { #expect(many.readSlots($0) != 0) }
  }
}
