import Foundation
import Testing

@testable import TimeBank

/// The auditor remembers the ledger zone's UTC offset up to the zone's next transition
/// (`LedgerState.LocalDateCache`) instead of asking the zone for every line.
@Suite struct LocalDateCacheTests {
  /// Zones without transitions since 1991, with daylight saving time, with changes of their standard
  /// offset (Pyongyang 2015 and 2018, Moscow 2011 and 2014, Apia's jump over the date line in 2011),
  /// and with a half-hour daylight saving shift (Lord Howe).
  static let zones = [
    "Asia/Shanghai", "America/New_York", "Asia/Pyongyang", "Europe/Moscow", "Pacific/Apia",
    "Australia/Lord_Howe",
  ]

  /// Instants from 1960 to 2030 in steps of up to 11 hours, forwards as a replay reads them, then in
  /// random order: every date is the one the zone gives for that instant.
  @Test(arguments: zones)
  func theCacheGivesTheZonesDate(zoneName: String) throws {
    let zone = try #require(TimeZone(identifier: zoneName))
    var cache = LedgerState.LocalDateCache()
    var random = SeededGenerator(seed: 20_251_207)
    var mismatches: [Int64] = []
    var offsets: Set<Int> = []
    func check(_ seconds: Int64) {
      let instant = Timestamp(secondsSinceEpoch: seconds, offsetSeconds: 0)
      if cache.localDate(of: instant, in: zone, named: zoneName)
        != LedgerState.localDate(of: instant, in: zone)
      {
        mismatches.append(seconds)
      }
    }
    var seconds: Int64 = -315_619_200  // 1960-01-01T00:00:00Z
    while seconds < 1_893_456_000 {  // 2030-01-01
      check(seconds)
      offsets.insert(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
      seconds += Int64.random(in: 1...40_000, using: &random)
    }
    for _ in 0..<20_000 { check(Int64.random(in: -315_619_200..<1_893_456_000, using: &random)) }
    #expect(mismatches.count == 0, "\(zoneName): first at \(Array(mismatches.prefix(5)))")
    // The sweep crossed the zone's changes of offset (Shanghai had daylight saving time until 1991).
    #expect(offsets.count >= 2, "\(zoneName)")
  }

  /// Around each transition, to the second: just before, at and just after it.
  @Test(arguments: zones)
  func theCacheChangesAtTheTransitionToTheSecond(zoneName: String) throws {
    let zone = try #require(TimeZone(identifier: zoneName))
    var cache = LedgerState.LocalDateCache()
    var transitions = 0
    var date = Date(timeIntervalSince1970: -315_619_200)
    while let next = zone.nextDaylightSavingTimeTransition(after: date),
      next.timeIntervalSince1970 < 1_893_456_000
    {
      let at = Int64(next.timeIntervalSince1970)
      // Local midnight lies on the transition's side or the other by an hour or so: instants each
      // side, in local-time steps, catch an offset kept a second too long.
      for delta in [-7_201, -3_601, -1_801, -1, 0, 1, 1_799, 3_599, 7_199] as [Int64] {
        let instant = Timestamp(secondsSinceEpoch: at + delta, offsetSeconds: 0)
        #expect(
          cache.localDate(of: instant, in: zone, named: zoneName)
            == LedgerState.localDate(of: instant, in: zone),
          "\(zoneName) at \(at) + \(delta)")
      }
      transitions += 1
      date = next
    }
    #expect(transitions > 0, "\(zoneName)")
  }

  /// One cache asked about two zones in turn starts again for each: the zone's name is part of what
  /// it remembers.
  @Test func aChangeOfZoneIsNotAnsweredFromTheOldOne() throws {
    let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
    let newYork = try #require(TimeZone(identifier: "America/New_York"))
    var cache = LedgerState.LocalDateCache()
    // 2025-06-30T20:00:00Z: 1 July in Shanghai, 30 June in New York.
    let instant = Timestamp(secondsSinceEpoch: 1_751_313_600, offsetSeconds: 0)
    #expect(
      cache.localDate(of: instant, in: shanghai, named: "Asia/Shanghai")
        == LocalDate(year: 2025, month: 7, day: 1))
    #expect(
      cache.localDate(of: instant, in: newYork, named: "America/New_York")
        == LocalDate(year: 2025, month: 6, day: 30))
    #expect(
      cache.localDate(of: instant, in: shanghai, named: "Asia/Shanghai")
        == LocalDate(year: 2025, month: 7, day: 1))
  }
}
