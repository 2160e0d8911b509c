import Foundation
import Testing

@testable import TimeBank

/// `LedgerJournal`: the export of every points posting as a ledger-cli / hledger journal.
///
/// The journals are read back with the small parser below, written from the journal syntax that
/// ledger and hledger accept and sharing no code with the export (amounts are parsed digit by digit,
/// not with `Points`), and their sums are compared with the ledger's own balances. Nothing here needs
/// ledger or hledger installed.
@Suite struct LedgerJournalTests {
  // MARK: - A small community, written out in full

  /// Every kind of posting once, with a memo that needs cleaning, one event after midnight.
  @Test func smallCommunityGivesExactlyThisJournal() throws {
    let community = try TestCommunity()
    let (records, head) = try Self.smallScenario(community)
    let expected = """
      ; 幸福里社区 time bank: every points posting, as a ledger-cli / hledger journal.
      ; Written by 'timebank export --format ledger' from the log alone; the same log gives the same text.
      ; Log: seq 1 to 35, head hash \(head).
      ; One transaction per event that moves points (6): dated by the local day of the
      ; event in Asia/Shanghai, described by the event's type and id, then | and a note, tagged
      ; with its seq. Amounts are points (PTS). Accounts are named as in timebank, member:<id> and
      ; card:<id>, except @issued and @redeemed, here system:issued and system:redeemed (a leading @
      ; cannot name an account on the command line: ledger reads it as a payee, hledger as a file).
      ; To check it against the log:
      ;   timebank audit --log LOG --expect 35:\(head)
      ;   (passes only if the log still has this head), then compare
      ;   hledger -f THIS bal   or   ledger -f THIS bal --flat
      ;   with 'timebank balance --log LOG': the same balances (an account at zero may be left out).

      commodity PTS
          format 1.00 PTS
      tag seq

      account member:m1
          ; 张三
      account member:m2
          ; 李四
      account member:m3
          ; 王五
      account member:m4
          ; 赵六
      account member:sun
          ; 孙七
      account card:shop
          ; 便民超市企业卡 (enterprise card held by 超市)
      account card:tax
          ; 税务局党组织储蓄卡 (party-org card held by 区税务局)
      account card:yard3
          ; 3号院集体卡 (courtyard card held by 3号院)
      account system:issued
          ; @issued in timebank, where points for confirmed service come from
      account system:redeemed
          ; @redeemed in timebank, where points spent on rewards go

      2025-06-30 service.confirmed confirm-r1 | r1: m1 张三 助老 4.0h on 2025-06-20
          ; seq: 27
          member:m1  6.00 PTS
          system:issued  -6.00 PTS

      2025-06-30 service.confirmed confirm-r2 | r2: m3 王五 环境整治 1.0h on 2025-06-21
          ; seq: 30
          card:tax  1.00 PTS
          system:issued  -1.00 PTS

      2025-06-30 points.transferred gift-1 | 生日；快乐 礼物
          ; seq: 31
          member:m2  1.00 PTS
          member:m1  -1.00 PTS

      2025-07-01 reward.redeemed red-1 | haircut 理发服务 ×1
          ; seq: 32
          system:redeemed  5.00 PTS
          member:m1  -5.00 PTS

      2025-07-01 redemption.cancelled cancel-1 | red-1 cancelled: 缺货
          ; seq: 33
          member:m1  5.00 PTS
          system:redeemed  -5.00 PTS

      2025-07-01 service.reversed reverse-r2 | r2: m3 王五 环境整治 1.0h on 2025-06-21, reversed: 记错了
          ; seq: 34
          system:issued  1.00 PTS
          card:tax  -1.00 PTS

      """
    let text = LedgerJournal.text(of: records)
    #expect(text == expected)
    if text != expected { Self.printFirstDifference(text, expected) }
  }

  /// The local day in the ledger's time zone, not the day of the offset a line happens to be written in.
  @Test func transactionsAreDatedInTheLedgersTimeZone() throws {
    let community = try TestCommunity()
    var (records, _) = try Self.smallScenario(community)
    // 2025-07-01 01:30 in Shanghai is still 2025-06-30 in UTC.
    let index = try #require(records.firstIndex { $0.id == "red-1" })
    records[index].at = records[index].at.atOffset(0)
    #expect(records[index].at.description == "2025-06-30T17:30:00Z")
    let journal = try Journal(LedgerJournal.text(of: records))
    let redemption = try #require(journal.transactions.first { $0.seq == records[index].seq })
    #expect(redemption.date == "2025-07-01")
    // A ledger in New York, where 2025-06-30 09:00 in Shanghai is 2025-06-29 21:00; even written at
    // Shanghai's offset, that instant is dated 2025-06-29.
    let newYork = try TestCommunity(timeZone: "America/New_York")
    let morning = try TestSupport.time("2025-06-30T09:00:00+08:00")
    let record = try newYork.record(TestCommunity.m2, minutes: 60, on: "2025-06-20", id: "r9", at: morning)
    try newYork.run(
      .serviceConfirmed(record: record, points: .zero), id: "confirm-r9",
      by: TestCommunity.secondCoordinator, at: morning)
    var newYorkRecords = (try newYork.ledger.records())
    let last = newYorkRecords.count - 1
    #expect(newYorkRecords[last].at.description == "2025-06-29T21:00:00-04:00")
    #expect(try Journal(LedgerJournal.text(of: newYorkRecords)).transactions.map(\.date) == ["2025-06-29"])
    newYorkRecords[last].at = newYorkRecords[last].at.atOffset(8 * 3600)
    #expect(newYorkRecords[last].at.description == "2025-06-30T09:00:00+08:00")
    #expect(try Journal(LedgerJournal.text(of: newYorkRecords)).transactions.map(\.date) == ["2025-06-29"])
  }

  @Test func sameRecordsGiveTheSameTextAndTheFileGivesWhatTheLedgerHeld() throws {
    let community = try TestCommunity()
    let (records, _) = try Self.smallScenario(community)
    let onDisk = try TestSupport.recordsOnDisk(community.path)
    #expect(LedgerJournal.text(of: records) == LedgerJournal.text(of: records))
    #expect(LedgerJournal.text(of: onDisk) == LedgerJournal.text(of: records))
    #expect(LedgerJournal.text(of: onDisk[...]) == LedgerJournal.text(of: records))
  }

  @Test func aLogWithoutPostingsHasNoTransactions() throws {
    let community = try TestCommunity()
    let text = LedgerJournal.text(of: (try community.ledger.records()))
    let journal = try Journal(text)
    #expect(journal.transactions.isEmpty)
    #expect(text.contains("; Log: seq 1 to 25, head hash \((try community.ledger.records())[24].hash).\n"))
    #expect(text.contains("moves points (0)"))
    #expect(
      text.hasSuffix(
        "account system:redeemed\n    ; @redeemed in timebank, where points spent on rewards go\n"))
    let empty = LedgerJournal.text(of: [EventRecord]())
    #expect(empty.contains("; Log: empty.\n"))
    #expect(empty.contains(";   timebank audit --log LOG\n"))
    #expect(try Journal(empty).transactions.isEmpty)
  }

  @Test func accountNamesAreOursExceptTheSystemAccounts() {
    #expect(LedgerJournal.accountName(.member(MemberID("m01"))) == "member:m01")
    #expect(LedgerJournal.accountName(.card(CardID("yard3"))) == "card:yard3")
    #expect(LedgerJournal.accountName(.member(MemberID("张三#1"))) == "member:张三#1")
    #expect(LedgerJournal.accountName(.issued) == "system:issued")
    #expect(LedgerJournal.accountName(.redeemed) == "system:redeemed")
  }

  @Test func freeTextBecomesOneLineWithoutSemicolonsOrRunsOfSpaces() {
    #expect(LedgerJournal.singleLine("  生日;快乐\n\t礼物  x\r\n") == "生日；快乐 礼物 x")
    #expect(LedgerJournal.singleLine("a\u{2028}b\u{3000}\u{3000}c") == "a b c")
    #expect(LedgerJournal.singleLine("plain") == "plain")
    #expect(LedgerJournal.singleLine(" \n ").isEmpty)
  }

  // MARK: - The demo and the article ledgers, summed

  @Test func demoJournalBalancesAreTheLedgersBalances() throws {
    let directory = try TestDirectory()
    let path = directory.file("demo.jsonl")
    _ = try DemoCommunity.build(at: path)
    try Self.expectJournalMatchesLedger(try TestSupport.recordsOnDisk(path))
    withExtendedLifetime(directory) {}
  }

  @Test func articleJournalBalancesAreTheLedgersBalances() throws {
    let directory = try TestDirectory()
    let path = directory.file("article.jsonl")
    _ = try ArticleCommunity.build(at: path)
    try Self.expectJournalMatchesLedger(try TestSupport.recordsOnDisk(path))
    withExtendedLifetime(directory) {}
  }

  @Test func parserRefusesWhatLedgerWouldRefuse() {
    let good = "2025-01-02 x\n    member:a  1.00 PTS\n    member:b  -1.00 PTS\n"
    #expect(throws: Never.self) { _ = try Journal(good) }
    for bad in [
      "2025-01-02 x\n    member:a  1.00 PTS\n    member:b  -2.00 PTS\n",  // does not balance
      "2025-01-02 x\n    member:a  1.0 PTS\n    member:b  -1.0 PTS\n",  // one decimal
      "2025-01-02 x\n    member:a 1.00 PTS\n    member:b  -1.00 PTS\n",  // one space: no amount
      "2025-01-02 x\n    member:a\t1.00 PTS\n    member:b  -1.00 PTS\n",  // a tab
      "2025-01-02 x\n    member:a  1.00 USD\n    member:b  -1.00 USD\n",  // another commodity
      "2025-01-02 x\n    member:a  1.00 PTS\n",  // one posting
      "2025-13-02 x\n    member:a  1.00 PTS\n    member:b  -1.00 PTS\n",  // no such month
      "    member:a  1.00 PTS\n",  // a posting outside a transaction
    ] {
      #expect(throws: JournalError.self, "\(bad)") { _ = try Journal(bad) }
    }
  }

  // MARK: - Helpers

  /// Posts one of each kind on the test community (setup is seq 1...25) and returns the log's records
  /// and its head hash as the ledger wrote them:
  /// 26 `r1` m1 4 h 助老 (1.50/h), 27 confirmed: 6.00 to m1;
  /// 28 `r2` m3 1 h 环境整治 to card:tax, 29 `r3` m4 rejected later, 30 `r2` confirmed: 1.00 to card:tax;
  /// 31 m1 gives m2 1.00 with a memo holding `;`, a newline, a tab and trailing spaces;
  /// then at 2025-07-01 01:30: 32 m1 redeems a haircut (5.00), 33 it is cancelled, 34 `r2` is reversed,
  /// 35 `r3` is rejected.
  static func smallScenario(_ community: TestCommunity) throws -> ([EventRecord], String) {
    let m1 = TestCommunity.m1
    let r1 = try community.record(m1, minutes: 240, on: "2025-06-20", category: "助老", id: "r1")
    try community.confirm(r1)
    let r2 = try community.record(
      TestCommunity.m3, minutes: 60, on: "2025-06-21", creditTo: .card(TestCommunity.tax), id: "r2")
    let r3 = try community.record(TestCommunity.m4, minutes: 30, on: "2025-06-22", id: "r3")
    try community.confirm(r2)
    try community.run(
      .pointsTransferred(
        from: .member(m1), to: .member(TestCommunity.m2), points: Points(hundredths: 100),
        memo: "生日;快乐\n\t礼物  "),
      id: "gift-1", by: ActorID("m1"))
    let afterMidnight = try TestSupport.time("2025-07-01T01:30:00+08:00")
    try community.run(
      .rewardRedeemed(account: .member(m1), item: TestCommunity.haircut, quantity: 1, points: .zero),
      id: "red-1", by: ActorID("m1"), at: afterMidnight)
    try community.run(
      .redemptionCancelled(redemption: RedemptionID("red-1"), reason: "缺货"), id: "cancel-1",
      by: TestCommunity.coordinator, at: afterMidnight)
    try community.run(
      .serviceReversed(record: r2, reason: "记错了"), id: "reverse-r2", by: TestCommunity.secondCoordinator,
      at: afterMidnight)
    try community.run(
      .serviceRejected(record: r3, reason: "重复"), id: "reject-r3", by: TestCommunity.secondCoordinator,
      at: afterMidnight)
    let records = (try community.ledger.records())
    // The rejection moves no points: the head is the line after the last transaction.
    #expect(records.count == 35)
    return (records, records[34].hash)
  }

  /// Parses the journal of `records`, and checks it against the ledger's own view of the same log:
  /// every transaction balances, one transaction per event that moves points (by type), seq tags in
  /// log order, and per account the sum of the postings is the account's balance.
  static func expectJournalMatchesLedger(
    _ records: [EventRecord], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let journal = try Journal(LedgerJournal.text(of: records))
    let movingTypes: Set = [
      "service.confirmed", "service.reversed", "points.transferred", "reward.redeemed",
      "redemption.cancelled",
    ]
    let moving = records.filter { movingTypes.contains($0.event.typeName) }
    #expect(moving.count > 20, sourceLocation: sourceLocation)
    #expect(journal.transactions.map(\.seq) == moving.map(\.seq), sourceLocation: sourceLocation)
    #expect(
      journal.transactions.map(\.description) == moving.map { "\($0.event.typeName) \($0.id)" },
      sourceLocation: sourceLocation)
    // Every `at` in these ledgers is written at Shanghai's offset, so its own date is the local day.
    #expect(
      journal.transactions.map(\.date) == moving.map { String($0.at.description.prefix(10)) },
      sourceLocation: sourceLocation)
    #expect(journal.transactions.allSatisfy { $0.postings.count == 2 }, sourceLocation: sourceLocation)

    let state = LedgerState(replaying: records)
    var expected: [String: Int64] = [:]
    for (account, totals) in state.accounts where totals.balance != .zero {
      expected[journalName(account)] = totals.balance.hundredths
    }
    let sums = journal.balances
    // Only the accounts that differ, so a failure prints a few lines rather than 600 accounts.
    let names = Set(sums.keys).union(expected.keys).sorted()
    let differences = names.filter { sums[$0, default: 0] != expected[$0, default: 0] }.map {
      "\($0): journal \(sums[$0, default: 0]), ledger \(expected[$0, default: 0])"
    }
    #expect(differences == [], sourceLocation: sourceLocation)
    #expect(expected.count > 10 && expected["system:issued", default: 0] < 0, sourceLocation: sourceLocation)
    #expect(expected.values.reduce(0, +) == 0, sourceLocation: sourceLocation)
    // And account by account as `timebank balance` lists them, accounts at zero included.
    let listed = Balances.all(in: state)
    let listedDifferences = listed.filter {
      sums[journalName($0.account), default: 0] != $0.balance.hundredths
    }
    #expect(listedDifferences.map(\.account) == [], sourceLocation: sourceLocation)
    // Every account is declared, as `hledger check --strict` and `ledger --pedantic` want.
    #expect(
      Set(listed.map { journalName($0.account) }) == Set(journal.declaredAccounts),
      sourceLocation: sourceLocation)
    #expect(Set(sums.keys).isSubset(of: Set(journal.declaredAccounts)), sourceLocation: sourceLocation)
  }

  /// Our names for the journal's accounts, written out here rather than taken from the export.
  static func journalName(_ account: AccountID) -> String {
    switch account {
    case .member(let id): "member:\(id.rawValue)"
    case .card(let id): "card:\(id.rawValue)"
    case .issued: "system:issued"
    case .redeemed: "system:redeemed"
    }
  }

  static func printFirstDifference(_ text: String, _ expected: String) {
    let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for (number, pair) in zip(actualLines, expectedLines).enumerated() where pair.0 != pair.1 {
      print("line \(number + 1):\n  got      \(pair.0)\n  expected \(pair.1)")
      return
    }
    print("lengths differ: \(actualLines.count) lines, expected \(expectedLines.count)")
  }
}

// MARK: - A tiny journal parser

/// Why a journal text is not one ledger or hledger would accept as we use them.
struct JournalError: Error, CustomStringConvertible {
  var line: Int
  var reason: String
  var description: String { "line \(line): \(reason)" }
}

/// A journal read back: transactions with their postings, and the declared accounts.
///
/// Accepts what the export writes and what the journal syntax allows it to write: top-level `;`
/// comments, `commodity` / `tag` / `account` directives with indented sub-lines, and transactions
/// `YYYY-MM-DD DESCRIPTION` followed by indented `; comment` lines and postings `ACCOUNT  AMOUNT PTS`
/// (account and amount apart by two spaces; an amount with exactly two decimals). Refuses tabs, a
/// transaction that does not balance or has fewer than two postings, and anything else.
struct Journal {
  struct Posting: Equatable {
    var account: String
    var hundredths: Int64
  }

  struct Transaction {
    var date: String
    /// The part of the description before ` | ` (hledger's payee).
    var description: String
    var seq: Int?
    var postings: [Posting] = []
  }

  var transactions: [Transaction] = []
  var declaredAccounts: [String] = []

  /// The sum of the postings of each account, in hundredths.
  var balances: [String: Int64] {
    var sums: [String: Int64] = [:]
    for transaction in transactions {
      for posting in transaction.postings { sums[posting.account, default: 0] += posting.hundredths }
    }
    return sums
  }

  init(_ text: String) throws {
    var current: Transaction?
    var inDirective = false
    var number = 0
    func finish() throws {
      guard let transaction = current else { return }
      guard transaction.postings.count >= 2 else {
        throw JournalError(line: number, reason: "a transaction with fewer than two postings")
      }
      let sum = transaction.postings.reduce(Int64(0)) { $0 + $1.hundredths }
      guard sum == 0 else { throw JournalError(line: number, reason: "a transaction sums to \(sum)") }
      transactions.append(transaction)
      current = nil
    }
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      let line = String(rawLine)
      guard !line.contains("\t") else { throw JournalError(line: number, reason: "a tab") }
      if line.isEmpty {
        try finish()
        inDirective = false
        continue
      }
      if line.hasPrefix("    ") {
        let body = String(line.dropFirst(4))
        if inDirective { continue }
        guard current != nil else { throw JournalError(line: number, reason: "an indented line alone") }
        if body.hasPrefix(";") {
          let comment = body.dropFirst().trimmingCharacters(in: .whitespaces)
          if comment.hasPrefix("seq: ") { current?.seq = Int(comment.dropFirst(5)) }
          continue
        }
        current?.postings.append(try Self.posting(body, line: number))
        continue
      }
      try finish()
      inDirective = false
      if line.hasPrefix(";") { continue }
      if line.hasPrefix("account ") {
        declaredAccounts.append(String(line.dropFirst("account ".count)))
        inDirective = true
      } else if line.hasPrefix("commodity ") || line.hasPrefix("tag ") {
        inDirective = true
      } else {
        current = try Self.transactionLine(line, line: number)
      }
    }
    try finish()
  }

  private static func transactionLine(_ line: String, line number: Int) throws -> Transaction {
    let parts = line.split(separator: " ", maxSplits: 1)
    guard parts.count == 2 else { throw JournalError(line: number, reason: "not DATE DESCRIPTION") }
    let date = String(parts[0])
    let digits = date.split(separator: "-")
    guard date.count == 10, digits.count == 3, let month = Int(digits[1]), let day = Int(digits[2]),
      Int(digits[0]) != nil, (1...12).contains(month), (1...31).contains(day)
    else { throw JournalError(line: number, reason: "not a date: \(date)") }
    let description = parts[1].components(separatedBy: " | ")[0]
    return Transaction(date: date, description: description)
  }

  private static func posting(_ body: String, line number: Int) throws -> Posting {
    guard let gap = body.range(of: "  ") else {
      throw JournalError(line: number, reason: "a posting without an amount")
    }
    let account = String(body[..<gap.lowerBound])
    let amount = body[gap.upperBound...]
    guard !account.isEmpty, !account.hasPrefix(" "), !amount.hasPrefix(" ") else {
      throw JournalError(line: number, reason: "more than two spaces")
    }
    guard amount.hasSuffix(" PTS") else { throw JournalError(line: number, reason: "not PTS: \(amount)") }
    var digits = amount.dropLast(4)
    let negative = digits.hasPrefix("-")
    if negative { digits = digits.dropFirst() }
    let halves = digits.split(separator: ".", omittingEmptySubsequences: false)
    guard halves.count == 2, halves[1].count == 2, !halves[0].isEmpty,
      halves.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
      let whole = Int64(halves[0]), let cents = Int64(halves[1])
    else { throw JournalError(line: number, reason: "not an amount with two decimals: \(amount)") }
    return Posting(account: account, hundredths: (whole * 100 + cents) * (negative ? -1 : 1))
  }
}
