import Foundation

/// What a generated log holds and how long it took to write; saved next to the log as
/// `<log>.meta.json`, so `run` can reuse a log of the same size and seed and still report how fast it
/// was generated.
struct GenerationSummary: Equatable, Sendable {
  /// Bumped whenever the generator would write different bytes, so an old log is not reused.
  static let generatorVersion = 1

  var requestedEvents: Int
  var seed: UInt64
  var events: Int
  var bytes: Int
  var members: Int
  var teams: Int
  var days: Int
  var firstDate: String
  var lastDate: String
  var counts: EventCounts
  var seconds: Double
  /// The member whose balance the cold `balance` benchmark reads.
  var balanceMember: String
  /// The member with the most points, who pays for the append benchmark, and whom it pays.
  var payer: String
  var payerBalance: Int64
  var payee: String
  var headHash: String

  var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

  /// The side file of a log.
  static func metaPath(for log: String) -> String { log + ".meta.json" }

  var json: [String: Any] {
    [
      "generatorVersion": GenerationSummary.generatorVersion, "requestedEvents": requestedEvents,
      "seed": String(seed), "events": events, "bytes": bytes, "members": members, "teams": teams,
      "days": days, "firstDate": firstDate, "lastDate": lastDate, "seconds": seconds,
      "eventsPerSecond": eventsPerSecond, "balanceMember": balanceMember, "payer": payer,
      "payerBalanceHundredths": payerBalance, "payee": payee, "headHash": headHash,
      "counts": [
        "serviceRecorded": counts.recorded, "serviceConfirmed": counts.confirmed,
        "serviceRejected": counts.rejected, "pointsTransferred": counts.transfers,
        "rewardRedeemed": counts.redemptions, "rewardRestocked": counts.restocks,
        "memberRegistered": counts.registrations, "teamJoined": counts.teamJoins,
        "partyReported": counts.checkIns, "other": counts.other,
      ],
    ]
  }

  init(
    requestedEvents: Int, seed: UInt64, events: Int, bytes: Int, members: Int, teams: Int, days: Int,
    firstDate: String, lastDate: String, counts: EventCounts, seconds: Double, balanceMember: String,
    payer: String, payerBalance: Int64, payee: String, headHash: String
  ) {
    self.requestedEvents = requestedEvents
    self.seed = seed
    self.events = events
    self.bytes = bytes
    self.members = members
    self.teams = teams
    self.days = days
    self.firstDate = firstDate
    self.lastDate = lastDate
    self.counts = counts
    self.seconds = seconds
    self.balanceMember = balanceMember
    self.payer = payer
    self.payerBalance = payerBalance
    self.payee = payee
    self.headHash = headHash
  }

  /// Reads a side file; nil when it is missing, unreadable or from another generator version.
  init?(contentsOf path: String) {
    guard let data = FileManager.default.contents(atPath: path),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      object["generatorVersion"] as? Int == GenerationSummary.generatorVersion,
      let requested = object["requestedEvents"] as? Int, let seedText = object["seed"] as? String,
      let seed = UInt64(seedText), let events = object["events"] as? Int,
      let bytes = object["bytes"] as? Int,
      let seconds = object["seconds"] as? Double, let balanceMember = object["balanceMember"] as? String,
      let payer = object["payer"] as? String, let payee = object["payee"] as? String,
      let payerBalance = object["payerBalanceHundredths"] as? Int,
      let headHash = object["headHash"] as? String
    else { return nil }
    let counts = object["counts"] as? [String: Int] ?? [:]
    var restored = EventCounts()
    restored.recorded = counts["serviceRecorded"] ?? 0
    restored.confirmed = counts["serviceConfirmed"] ?? 0
    restored.rejected = counts["serviceRejected"] ?? 0
    restored.transfers = counts["pointsTransferred"] ?? 0
    restored.redemptions = counts["rewardRedeemed"] ?? 0
    restored.restocks = counts["rewardRestocked"] ?? 0
    restored.registrations = counts["memberRegistered"] ?? 0
    restored.teamJoins = counts["teamJoined"] ?? 0
    restored.checkIns = counts["partyReported"] ?? 0
    restored.total = events
    self.init(
      requestedEvents: requested, seed: seed, events: events, bytes: bytes,
      members: object["members"] as? Int ?? 0, teams: object["teams"] as? Int ?? 0,
      days: object["days"] as? Int ?? 0, firstDate: object["firstDate"] as? String ?? "",
      lastDate: object["lastDate"] as? String ?? "", counts: restored, seconds: seconds,
      balanceMember: balanceMember, payer: payer, payerBalance: Int64(payerBalance), payee: payee,
      headHash: headHash)
  }

  /// Writes the side file.
  func write(to path: String) throws(BenchError) {
    do {
      let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
      try data.write(to: URL(fileURLWithPath: path))
    } catch {
      throw .io("\(path): cannot write the generation summary (\(error.localizedDescription))")
    }
  }

  /// The lines `generate` prints.
  var lines: [String] {
    let megabytes = Double(bytes) / 1_000_000
    return [
      "events    \(Format.grouped(events)) (asked for \(Format.grouped(requestedEvents))), "
        + "\(Format.decimal(megabytes, 1)) MB",
      "community \(members) members, \(teams) teams, \(days) days from \(firstDate) to \(lastDate)",
      "mix       service \(Format.decimal(counts.percent(counts.service), 1))% "
        + "(recorded \(Format.grouped(counts.recorded)), confirmed \(Format.grouped(counts.confirmed)), "
        + "rejected \(Format.grouped(counts.rejected))), "
        + "transfers \(Format.decimal(counts.percent(counts.transfers), 1))%, "
        + "redemptions \(Format.decimal(counts.percent(counts.redemptions), 1))% of "
        + "\(Format.grouped(counts.activity)) activity events; "
        + "\(Format.grouped(counts.other)) setup, registration, team-join, check-in and restock events",
      "generated in \(Format.decimal(seconds, 2)) s: \(Format.grouped(Int(eventsPerSecond))) events/s, "
        + "\(Format.decimal(megabytes / max(seconds, 1e-9), 2)) MB/s",
    ]
  }
}
