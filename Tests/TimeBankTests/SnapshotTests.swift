import Foundation
import Testing

@testable import TimeBank

/// The snapshot cache: a state loaded from `<log>.snapshot` plus the lines after it must equal the state
/// replayed from the first line, and a snapshot that no longer matches the log, or is damaged, must be
/// ignored.
@Suite struct SnapshotTests {
  /// The demo ledger on disk, its lines, and the state a full replay gives.
  private struct Demo {
    let directory: TestDirectory
    let path: String
    let records: [EventRecord]
    let replayed: LedgerState

    init() throws {
      directory = try TestDirectory()
      path = directory.file("demo.jsonl")
      _ = try DemoCommunity.build(at: path)
      records = try TestSupport.recordsOnDisk(path)
      replayed = LedgerState(replaying: records)
    }

    var snapshotPath: String { Snapshot.path(for: path) }

    /// Writes the snapshot of the state after line `seq`.
    func writeSnapshot(after seq: Int) throws {
      let state = LedgerState(replaying: records.prefix(seq))
      try #require(Snapshot.write(state, offset: try offset(after: seq), logPath: path))
    }

    /// Where line `seq` ends in the file.
    func offset(after seq: Int) throws -> Int {
      let bytes = try TestSupport.bytes(of: path)
      var lines = 0
      for (index, byte) in bytes.enumerated() where byte == 0x0A {
        lines += 1
        if lines == seq { return index + 1 }
      }
      Issue.record("no line \(seq)")
      return 0
    }

    func load() throws -> LoadedLedger { try Snapshot.load(LogFile.openForReading(path)) }
  }

  /// The state read back from the snapshot bytes written for it.
  static func roundTrip(_ state: LedgerState) throws -> LedgerState {
    let bytes = try #require(Snapshot.encode(state, offset: 1))
    return try Snapshot.decode(MappedSnapshot(copying: bytes)).state
  }

  @Test func theStateSurvivesTheRoundTripThroughSnapshotBytes() throws {
    let demo = try Demo()
    for seq in [1, 2, 40, 500, demo.records.count] {
      let state = LedgerState(replaying: demo.records.prefix(seq))
      let decoded = try Self.roundTrip(state)
      #expect(decoded == state, "after seq \(seq)")
    }
    // The article ledger holds every kind of party record and card as well.
    let article = try LogFile.openForReading(Self.articlePath).readVerified().records
    let state = LedgerState(replaying: article)
    #expect(try Self.roundTrip(state) == state)
  }

  @Test func cutOrDamagedSnapshotBytesAreRefused() throws {
    let demo = try Demo()
    let bytes = try #require(Snapshot.encode(demo.replayed, offset: 1))
    for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
      #expect(throws: SnapshotDecodingError.self) {
        try Snapshot.decode(MappedSnapshot(copying: Array(bytes.prefix(cut))))
      }
    }
    #expect(throws: SnapshotDecodingError.self) { try Snapshot.decode(MappedSnapshot(copying: bytes + [0])) }
  }

  @Test func loadingFromASnapshotEqualsReplayingEveryLine() throws {
    let demo = try Demo()
    for seq in [1, 7, 300, demo.records.count - 1, demo.records.count] {
      try demo.writeSnapshot(after: seq)
      let loaded = try demo.load()
      #expect(loaded.snapshotSeq == seq)
      #expect(loaded.state == demo.replayed, "snapshot after seq \(seq)")
      #expect(loaded.validLength == (try TestSupport.bytes(of: demo.path)).count)
      #expect(loaded.lastEventAt == demo.records.last?.at)
    }
  }

  @Test func aSnapshotWrittenFromALoadedOneHoldsTheOldEntriesAndTheChanges() throws {
    let demo = try Demo()
    // From a snapshot at `first`, replay to `second` (records confirmed or rejected since, ids and
    // balances added), write a snapshot of that state, whose tables copy the first one's entries and
    // override the changed ones, then load it.
    for (first, second) in [(300, 700), (700, demo.records.count), (1_000, 1_001), (5, 6)] {
      try demo.writeSnapshot(after: first)
      let file = try LogFile.openForReading(demo.path)
      let cached = try #require(try Snapshot.read(for: file, committedLength: try file.length()))
      var state = cached.state
      #expect(state.records.base != nil)
      for record in demo.records[first..<second] { state.apply(record) }
      let expected = LedgerState(replaying: demo.records.prefix(second))
      #expect(state == expected, "\(first) then \(second)")
      try #require(Snapshot.write(state, offset: try demo.offset(after: second), logPath: demo.path))
      let again = try #require(try Snapshot.read(for: file, committedLength: try file.length()))
      #expect(again.state.lastSeq == second)
      #expect(again.state == expected, "\(first) then \(second)")
      #expect(!again.state.isFromDamagedSnapshot)
    }
  }

  @Test func aTableOverASnapshotCountsAndListsEachKeyOnce() throws {
    let demo = try Demo()
    let loaded = try Snapshot.decode(MappedSnapshot(copying: try #require(Snapshot.encode(demo.replayed, offset: 1))))
    var ids = loaded.state.ids
    let original = demo.replayed.ids.dictionary
    #expect(ids.count == original.count && ids.base != nil)
    let someKey = try #require(original.keys.min())
    // Changing an entry of the snapshot keeps the count; a new key adds one; removing it takes it away.
    ids[someKey] = -1
    #expect(ids.count == original.count)
    #expect(ids[someKey] == -1)
    #expect(ids.updateValue(7, forKey: "new-key") == nil)
    #expect(ids.count == original.count + 1)
    var expected = original
    expected[someKey] = -1
    expected["new-key"] = 7
    #expect(ids.dictionary == expected)
    #expect(ids.map(\.key).count == expected.count)  // each key listed once
    #expect(ids.removeValue(forKey: "new-key") == 7)
    #expect(ids.count == original.count)
    #expect(ids["new-key"] == nil)
    // The snapshot itself is untouched: another table over it still reads the old value.
    #expect(loaded.state.ids[someKey] == original[someKey])
  }

  /// Random sets, in-place changes, removals and lookups on a table, in memory and over a snapshot, give
  /// what a plain dictionary gives: the dense in-memory part keeps every key at its value, also after a
  /// removal moves another entry into the freed place.
  @Test(arguments: [false, true])
  func aTableBehavesLikeADictionary(overASnapshot: Bool) throws {
    let demo = try Demo()
    var table: StoredTable<String, Int>
    var model: [String: Int]
    if overASnapshot {
      let bytes = try #require(Snapshot.encode(demo.replayed, offset: 1))
      table = try Snapshot.decode(MappedSnapshot(copying: bytes)).state.ids
      model = demo.replayed.ids.dictionary
    } else {
      table = StoredTable()
      model = [:]
    }
    let baseKeys = Set(model.keys)
    let oldKeys = Array(model.keys.sorted().prefix(50))
    var random = SeededGenerator(seed: overASnapshot ? 11 : 12)
    for step in 0..<4_000 {
      let key =
        Int.random(in: 0..<4, using: &random) == 0 && !oldKeys.isEmpty
        ? oldKeys[Int.random(in: 0..<oldKeys.count, using: &random)] : "k\(Int.random(in: 0..<300, using: &random))"
      switch Int.random(in: 0..<8, using: &random) {
      case 0:
        table[key] = step
        model[key] = step
      case 6:
        // In place through `modify`, which returns what the change returns, and nil for a missing key.
        let expected = model[key].map { $0 * 2 }
        if model[key] != nil { model[key]! *= 2 }
        #expect(table.modify(key) { value -> Int in
          value *= 2
          return value
        } == expected)
      case 7:
        #expect(table.contains(key) == (model[key] != nil))
        // Read in place: the value for a key that has one, nil (without calling the closure) otherwise.
        #expect(table.read(key) { $0 + 1 } == model[key].map { $0 + 1 })
      case 1:
        #expect(table.updateValue(step, forKey: key) == model.updateValue(step, forKey: key))
      case 2:
        table[key]? += 1  // in place, through `_modify`; nothing for a key that is not there
        model[key]? += 1
      case 3:
        table[key, default: 1_000] += 1
        model[key, default: 1_000] += 1
      case 4 where !baseKeys.contains(key):
        #expect(table.removeValue(forKey: key) == model.removeValue(forKey: key))
      case 5 where !baseKeys.contains(key) && model[key] != nil:
        table[key] = nil
        model[key] = nil
      default:
        #expect(table[key] == model[key])
      }
      #expect(table.count == model.count)
    }
    #expect(table.dictionary == model)
    #expect(table.map(\.key).count == model.count)  // each key listed once
    // Every value lent once, whether it is kept in the snapshot or among the changes.
    var lent: [Int] = []
    table.forEachValue { lent.append($0) }
    #expect(lent.sorted() == model.values.sorted())
    for (key, value) in model { #expect(table[key] == value) }
  }

  /// A key whose hash the test chooses: few distinct hashes make long probe runs, so insertion,
  /// growth and removal (backward shift, and the last entry moving into the freed place) are exercised
  /// where keys crowd each other.
  struct CrowdedKey: TableKey {
    var number: Int
    var hashes: Int
    func tableHash(seed: UInt64) -> UInt64 { UInt64(number % hashes) << 32 | UInt64(number % hashes) }
  }

  /// The in-memory index against a dictionary, with a hash that puts many keys on the same slot.
  @Test(arguments: [1, 3, 64, 1 << 20])
  func theDenseIndexFindsEveryKeyWhenHashesCollide(distinctHashes: Int) {
    var table = StoredTable<CrowdedKey, Int>()
    var model: [Int: Int] = [:]
    var random = SeededGenerator(seed: UInt64(distinctHashes))
    let keyRange = distinctHashes == 1 ? 0..<60 : 0..<600
    for step in 0..<6_000 {
      let number = Int.random(in: keyRange, using: &random)
      let key = CrowdedKey(number: number, hashes: distinctHashes)
      switch Int.random(in: 0..<5, using: &random) {
      case 0, 1:
        #expect(table.updateValue(step, forKey: key) == model.updateValue(step, forKey: number))
      case 2:
        #expect(table.removeValue(forKey: key) == model.removeValue(forKey: number))
      case 3:
        table[key]? += 1
        model[number]? += 1
      default:
        #expect(table[key] == model[number])
      }
    }
    #expect(table.count == model.count)
    for number in keyRange { #expect(table[CrowdedKey(number: number, hashes: distinctHashes)] == model[number]) }
    #expect(Set(table.map(\.key.number)) == Set(model.keys))
  }

  @Test func aSnapshotTheLogNoLongerMatchesIsIgnored() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: 500)
    var snapshot = try TestSupport.bytes(of: demo.snapshotPath)

    // The hash it names is not the hash of line 500 any more (as if the log had been rewritten).
    let hashStart = Snapshot.headerLength - 64
    snapshot[hashStart] = snapshot[hashStart] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
    try Data(snapshot).write(to: URL(fileURLWithPath: demo.snapshotPath))
    var loaded = try demo.load()
    #expect(loaded.snapshotSeq == nil)
    #expect(loaded.state == demo.replayed)

    // A snapshot of another log of the same community: its line 500 is not this log's line 500.
    let other = try TestDirectory()
    let otherPath = other.file("demo.jsonl")
    _ = try DemoCommunity.build(at: otherPath)
    let otherRecords = try TestSupport.recordsOnDisk(otherPath)
    var changed = otherRecords.prefix(499).map { $0 }
    changed.append(demo.records[499])
    try #require(Snapshot.write(LedgerState(replaying: changed), offset: demo.offset(after: 499), logPath: demo.path))
    loaded = try demo.load()
    #expect(loaded.snapshotSeq == nil)
    #expect(loaded.state == demo.replayed)
  }

  @Test func aDamagedOrCutSnapshotFileIsIgnored() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: 800)
    let good = try TestSupport.bytes(of: demo.snapshotPath)
    let cases: [(String, [UInt8])] = [
      ("empty", []),
      ("header only", Array(good.prefix(Snapshot.headerLength))),
      ("cut", Array(good.dropLast(10))),
      ("a byte of the small part flipped", { var bytes = good; bytes[Snapshot.headerLength + 9] ^= 0x20; return bytes }()),
      ("a page checksum flipped", { var bytes = good; bytes[good.count - 3] ^= 0x01; return bytes }()),
      ("a header byte flipped", { var bytes = good; bytes[70] ^= 0x01; return bytes }()),
      ("a seq beyond the log", { var bytes = good; bytes[8] = 0xFF; bytes[9] = 0xFF; return bytes }()),
      ("another magic", { var bytes = good; bytes[0] = UInt8(ascii: "X"); return bytes }()),
    ]
    for (name, bytes) in cases {
      try Data(bytes).write(to: URL(fileURLWithPath: demo.snapshotPath))
      let loaded = try demo.load()
      #expect(loaded.snapshotSeq == nil, "\(name)")
      #expect(loaded.state == demo.replayed, "\(name)")
    }
  }

  /// The table area of a snapshot file: where it starts and how long it is (header fields 40 and 48).
  private static func tableArea(of bytes: [UInt8]) -> Range<Int> {
    func number(_ offset: Int) -> Int {
      bytes[offset..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
    return number(40)..<(number(40) + number(48))
  }

  @Test func aDamagedTablePageIsCaughtWhenRead() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: demo.records.count)
    let good = try TestSupport.bytes(of: demo.snapshotPath)
    let area = Self.tableArea(of: good)
    try #require(area.count > 4 * MappedSnapshot.pageSize)
    // Undamaged, every entry reads back and nothing is reported.
    var loaded = try demo.load()
    #expect(loaded.snapshotSeq == demo.records.count)
    #expect(loaded.state == demo.replayed)
    #expect(!loaded.state.isFromDamagedSnapshot)
    for page in stride(from: area.lowerBound, to: area.upperBound, by: MappedSnapshot.pageSize) {
      var bytes = good
      bytes[min(page + 1234, area.upperBound - 1)] ^= 0x04
      try Data(bytes).write(to: URL(fileURLWithPath: demo.snapshotPath))
      loaded = try demo.load()
      #expect(loaded.snapshotSeq == demo.records.count)  // the small part is whole: it loads
      // Looking every entry up reads every page of slots; comparing reads every entry.
      let state = loaded.state
      var same = demo.replayed.ids.allSatisfy { state.ids[$0.key] == $0.value }
      same = demo.replayed.records.allSatisfy { state.records[$0.key] == $0.value } && same
      same = demo.replayed.redemptions.allSatisfy { state.redemptions[$0.key] == $0.value } && same
      same = demo.replayed.minutesByDay.allSatisfy { state.minutesByDay[$0.key] == $0.value } && same
      same = state == demo.replayed && same
      #expect(!same, "page at \(page)")
      #expect(state.isFromDamagedSnapshot, "page at \(page)")
    }
  }

  @Test func aWriterDecidesAgainWithoutADamagedSnapshot() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: demo.records.count)
    let good = try TestSupport.bytes(of: demo.snapshotPath)
    let log = try TestSupport.bytes(of: demo.path)
    let area = Self.tableArea(of: good)
    var caught = 0
    for page in stride(from: area.lowerBound, to: area.upperBound, by: MappedSnapshot.pageSize) {
      var bytes = good
      bytes[min(page + 777, area.upperBound - 1)] ^= 0x10
      try Data(bytes).write(to: URL(fileURLWithPath: demo.snapshotPath))
      // Retrying every line of the log: each must be found already recorded, whichever page of the
      // ids or records is damaged; a missed lookup would append a line twice or refuse a retry.
      let ledger = try Ledger.open(demo.path)
      ledger.refreshesSnapshot = false
      if ledger.state.isFromDamagedSnapshot { Issue.record("damage seen before any lookup") }
      for record in demo.records {
        let outcome = try ledger.execute(Command(id: record.id, event: record.event), actor: record.actor, at: record.at)
        #expect(outcome == .alreadyRecorded(record), "page at \(page), line \(record.seq)")
      }
      if !ledger.state.isFromDamagedSnapshot, ledger.state.records.base == nil { caught += 1 }
      #expect(try TestSupport.bytes(of: demo.path) == log, "page at \(page)")
    }
    // Some of those retries met a damaged page and decided again from the log alone.
    #expect(caught > 0)
  }

  @Test func aSnapshotPastTheCommittedBatchIsIgnored() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: 1000)
    // A batch journal says a batch starting at line 900 was never finished: it ends before line 1000.
    let length = (try TestSupport.bytes(of: demo.path)).count
    let start = try demo.offset(after: 899)
    try LogFile.writeJournal(for: demo.path, offset: start, length: length - start + 100)
    let loaded = try demo.load()
    #expect(loaded.snapshotSeq == nil)
    #expect(loaded.state == LedgerState(replaying: demo.records.prefix(899)))
    #expect(loaded.tornTail == TornTail(line: 900, offset: start, length: length - start))
  }

  @Test func linesAfterTheSnapshotAreStillVerified() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: 600)
    var bytes = try TestSupport.bytes(of: demo.path)
    let lineStart = try demo.offset(after: 700)
    // Change one digit of the time in line 701, leaving its hash as it was.
    let colon = try #require(bytes[lineStart...].firstIndex(of: UInt8(ascii: "T")))
    bytes[colon + 1] = bytes[colon + 1] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
    try Data(bytes).write(to: URL(fileURLWithPath: demo.path))
    #expect {
      _ = try demo.load()
    } throws: { error in
      guard case .corrupt(_, let corruption) = error as? LogError else { return false }
      return corruption.line == 701
    }
  }

  @Test func anIDUsedBeforeTheSnapshotCannotBeUsedAgainAfterIt() throws {
    let demo = try Demo()
    try demo.writeSnapshot(after: demo.records.count)
    // Re-chain a copy of line 10 (same id) onto the end of the log.
    let original = demo.records[9]
    let last = try #require(demo.records.last)
    let line = LogLine.encode(
      seq: last.seq + 1, id: original.id, at: last.at, actor: original.actor, event: original.event,
      prev: last.hash)
    let handle = try #require(FileHandle(forWritingAtPath: demo.path))
    handle.seekToEndOfFile()
    handle.write(Data(line.bytes))
    try handle.close()
    #expect {
      _ = try demo.load()
    } throws: { error in
      guard case .corrupt(_, let corruption) = error as? LogError else { return false }
      return corruption == LogCorruption(
        line: last.seq + 1, seq: last.seq + 1, problem: .duplicateID(original.id, firstSeq: 10))
    }
  }

  @Test func aWriterKeepsTheSnapshotFreshAndRetriesStillFindTheirLine() throws {
    let c = try TestCommunity()
    let joined = try TestSupport.date("2025-01-01")
    let snapshotPath = Snapshot.path(for: c.path)
    #expect(!FileManager.default.fileExists(atPath: snapshotPath))
    var registered = 0
    while c.ledger.state.lastSeq < Snapshot.refreshInterval + 50 {
      let batch = (0..<100).map { index in
        let member = MemberID("v\(registered + index)")
        return Command(
          id: "reg-\(member)",
          event: .memberRegistered(
            MemberRegistration(member: member, name: "志愿者", isPartyMember: false, branch: nil, joined: joined)))
      }
      _ = try c.ledger.execute(batch, actor: TestCommunity.coordinator, at: c.now)
      registered += 100
    }
    #expect(FileManager.default.fileExists(atPath: snapshotPath))
    let records = try TestSupport.recordsOnDisk(c.path)

    // (The community's ledger still holds the lock: a reader loads what a second writer would.)
    let reopened = c.ledger
    let loaded = try Snapshot.load(LogFile.openForReading(c.path))
    #expect(loaded.state == LedgerState(replaying: records))
    #expect(loaded.snapshotSeq != nil)
    #expect((loaded.snapshotSeq ?? 0) >= Snapshot.refreshInterval)

    // A retry of a command written long before the snapshot finds its line in the log.
    let early = try #require(records.first { $0.id == "reg-v7" })
    let retry = Command(
      id: "reg-v7",
      event: .memberRegistered(
        MemberRegistration(member: MemberID("v7"), name: "志愿者", isPartyMember: false, branch: nil, joined: joined)))
    #expect(try reopened.execute(retry, actor: TestCommunity.coordinator, at: c.now) == .alreadyRecorded(early))
    var changed = retry
    changed.event = .memberRegistered(
      MemberRegistration(member: MemberID("v7"), name: "别人", isPartyMember: false, branch: nil, joined: joined))
    #expect {
      _ = try reopened.execute(changed, actor: TestCommunity.coordinator, at: c.now)
    } throws: { error in
      guard case .rejected(.idReused(let id, let seq, let field, _, _), _) = error as? LedgerError else {
        return false
      }
      return id == "reg-v7" && seq == early.seq && field == "name"
    }

    // A refused batch leaves the state as the log says, however far it got.
    let before = reopened.state
    let bad = [
      Command(
        id: "late-1",
        event: .memberRegistered(
          MemberRegistration(member: MemberID("late1"), name: "甲", isPartyMember: false, branch: nil, joined: joined))),
      Command(
        id: "late-2",
        event: .memberRegistered(
          MemberRegistration(member: MemberID("late1"), name: "乙", isPartyMember: false, branch: nil, joined: joined))),
    ]
    #expect(throws: LedgerError.self) { _ = try reopened.execute(bad, actor: TestCommunity.coordinator, at: c.now) }
    #expect(reopened.state == before)
    #expect(try TestSupport.recordsOnDisk(c.path) == records)
  }

  @Test func everyLineCanBeFoundBySeq() throws {
    let demo = try Demo()
    let file = try LogFile.openForReading(demo.path)
    let length = (try TestSupport.bytes(of: demo.path)).count
    for record in demo.records {
      #expect(try file.line(seq: record.seq, within: length) == record)
    }
    #expect(try file.line(seq: demo.records.count + 1, within: length) == nil)
    #expect(try file.line(seq: 0, within: length) == nil)
    #expect(try file.line(endingAt: length) == demo.records.last)
    #expect(try file.line(endingAt: length - 1) == nil)
  }

  static var articlePath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/article/article.jsonl").path
  }
}
