import Foundation
import Testing

@testable import TimeBank

/// The volunteer service certificate (志愿服务记录证明): what it certifies, its verification code, and
/// verifying a code against the log — untouched, grown, edited, or rewritten.
@Suite struct CertificateTests {
  typealias C = TestCommunity

  /// June 2025, the window most tests certify.
  static func june() throws -> ReportWindow {
    ReportWindow(from: try TestSupport.date("2025-06-01"), to: try TestSupport.date("2025-06-30"))
  }

  /// The test community with m1 (张三) given, in this order:
  /// - `a`: 2025-06-10, 90 min, 助老, team elder, place 3号院 — confirmed;
  /// - `b`: 2025-06-05, 120 min, 环境整治 — confirmed (earlier date, later seq);
  /// - `c`: 2025-05-20, 60 min — confirmed, but outside June;
  /// - `d`: 2025-06-12, 45 min — pending;
  /// - `e`: 2025-06-13, 30 min — rejected;
  /// - `f`: 2025-06-14, 75 min — confirmed, then reversed;
  /// and m2 (李四) `g`: 2025-06-11, 240 min — confirmed.
  static func community() throws -> TestCommunity {
    let c = try C()
    let entry = ServiceEntry(
      member: C.m1, date: try TestSupport.date("2025-06-10"), minutes: Minutes(90), category: "助老",
      team: C.elder, peopleServed: 2, place: "3号院")
    try c.run(.serviceRecorded(entry), id: "a", by: C.coordinator)
    try c.confirm(RecordID("a"))
    try c.earn(C.m1, minutes: 120, on: "2025-06-05", id: "b")
    try c.earn(C.m1, minutes: 60, on: "2025-05-20", id: "c")
    try c.record(C.m1, minutes: 45, on: "2025-06-12", id: "d")
    try c.record(C.m1, minutes: 30, on: "2025-06-13", id: "e")
    try c.run(.serviceRejected(record: RecordID("e"), reason: "重复"), id: "reject-e", by: C.secondCoordinator)
    try c.earn(C.m1, minutes: 75, on: "2025-06-14", id: "f")
    try c.run(.serviceReversed(record: RecordID("f"), reason: "录错"), id: "reverse-f", by: C.coordinator)
    try c.earn(C.m2, minutes: 240, on: "2025-06-11", id: "g")
    return c
  }

  // MARK: - Helpers that work on the bytes, as a tamperer would

  static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
  }

  static func join(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }

  /// The 64 hex digits a line ends with (`...,"hash":"<64>"}`).
  static func storedHash(_ line: [UInt8]) -> String {
    String(decoding: line.suffix(66).prefix(64), as: UTF8.self)
  }

  /// Every line from `from` (0-based) on re-hashed and re-linked, as someone who knows the rule would
  /// after editing a line: the chain is whole again.
  static func rechain(_ lines: [[UInt8]], from: Int) -> [[UInt8]] {
    var result = lines
    for index in from..<lines.count {
      var text = String(decoding: result[index], as: UTF8.self)
      if index > 0, let range = text.range(of: #""prev":"[0-9a-f]{64}""#, options: .regularExpression) {
        text.replaceSubrange(range, with: "\"prev\":\"\(storedHash(result[index - 1]))\"")
      }
      let marker = ",\"hash\":\""
      guard let hashRange = text.range(of: marker, options: .backwards) else { continue }
      let body = Array(text[..<hashRange.lowerBound].utf8)
      result[index] = body + Array("\(marker)\(SHA256.hexDigest(body))\"}".utf8)
    }
    return result
  }

  // MARK: - What a certificate says

  @Test func certifiesConfirmedRecordsInTheWindowOnly() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    // a and b only: c is in May, d pending, e rejected, f reversed, g is m2's. By date: b, then a.
    #expect(certificate.activities.map(\.record) == [RecordID("b"), RecordID("a")])
    #expect(certificate.totalMinutes == Minutes(120 + 90))
    #expect(certificate.name == "张三")
    #expect(certificate.community == "幸福里社区")
    let a = try #require(certificate.activities.last)
    #expect(a.date == (try TestSupport.date("2025-06-10")))
    #expect(a.minutes == Minutes(90))
    #expect(a.category == "助老")
    #expect(a.team == C.elder)
    #expect(a.teamName == "助老服务队")
    #expect(a.place == "3号院")
    #expect(a.peopleServed == 2)
    let onDisk = try TestSupport.recordsOnDisk(c.path)
    let last = try #require(onDisk.last)
    #expect(certificate.seq == last.seq)
    #expect(certificate.headHash == last.hash)
    let first = try TestSupport.date("2025-06-05")
    #expect(certificate.serviceDates == first...(try TestSupport.date("2025-06-10")))
  }

  @Test func anOpenWindowCertifiesEveryConfirmedRecord() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: ReportWindow(), in: c.state)
    #expect(certificate.activities.map(\.record) == [RecordID("c"), RecordID("b"), RecordID("a")])
    #expect(certificate.totalMinutes == Minutes(60 + 120 + 90))
    let fromJune = try Certificate(
      member: C.m1, window: ReportWindow(from: try TestSupport.date("2025-06-06")), in: c.state)
    #expect(fromJune.activities.map(\.record) == [RecordID("a")])
  }

  @Test func refusesAnUnknownMemberAndAWindowWithoutConfirmedService() throws {
    let c = try Self.community()
    #expect(throws: Certificate.Refusal.unknownMember(MemberID("nobody"))) {
      try Certificate(member: MemberID("nobody"), window: ReportWindow(), in: c.state)
    }
    // m4 has no service at all; m1 in July has none either.
    #expect(throws: Certificate.Refusal.nothingCertified(member: C.m4, window: ReportWindow())) {
      try Certificate(member: C.m4, window: ReportWindow(), in: c.state)
    }
    let july = ReportWindow(from: try TestSupport.date("2025-07-01"), to: nil)
    #expect(throws: Certificate.Refusal.nothingCertified(member: C.m1, window: july)) {
      try Certificate(member: C.m1, window: july, in: c.state)
    }
  }

  @Test func numberIsInitialsYearMemberAndSeq() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    let seq = try #require(try TestSupport.recordsOnDisk(c.path).last).seq
    #expect(certificate.number(issued: try TestSupport.date("2025-07-01")) == "ZM-2025-m1-\(seq)")
    #expect(Certificate.initials(of: "Sunny Court community") == "SCC")
    #expect(Certificate.initials(of: "幸福里社区") == "ZM")
  }

  // MARK: - The verification code

  @Test func codeIsSeqMemberWindowHeadAndDigestOfTheContent() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    let last = try #require(try TestSupport.recordsOnDisk(c.path).last)
    // The digest's input, spelled out here rather than taken from the code under test.
    let canonical =
      "timebank-certificate-v1\nseq=\(last.seq)\nhead=\(last.hash)\nmember=m1\nfrom=2025-06-01\n"
      + "to=2025-06-30\nminutes=210\nrecord=b\nrecord=a\n"
    let digest = String(SHA256.hexDigest(Array(canonical.utf8)).prefix(12))
    let expected = "\(last.seq)-m1-20250601-20250630-\(last.hash.prefix(6))-\(digest)"
    #expect(certificate.code.description == expected)
    // The same log gives the same code, every time.
    let replayed = LedgerState(replaying: try TestSupport.recordsOnDisk(c.path))
    let again = try Certificate(member: C.m1, window: try Self.june(), in: replayed)
    #expect(again.code.description == expected)
  }

  @Test func codeChangesWhenAnythingCertifiedChanges() throws {
    let c = try Self.community()
    let june = try Self.june()
    var codes: [String] = []
    func issue(_ window: ReportWindow, _ member: MemberID = C.m1) throws {
      codes.append(try Certificate(member: member, window: window, in: c.state).code.description)
    }
    try issue(june)
    try issue(ReportWindow(from: try TestSupport.date("2025-06-01")))  // another window, same records
    try issue(ReportWindow())  // another window, more records
    try issue(june, C.m2)  // another member
    // The same window after an event that does not touch m1's service: the log, so the seq, moved on.
    try c.run(
      .pointsTransferred(from: .member(C.m1), to: .member(C.m2), points: Points(hundredths: 10), memo: nil),
      id: "gift", by: ActorID("m1"))
    try issue(june)
    // A new confirmed record in the window.
    try c.earn(C.m1, minutes: 15, on: "2025-06-20", id: "h")
    try issue(june)
    // A certified record reversed.
    try c.run(.serviceReversed(record: RecordID("a"), reason: "录错"), id: "reverse-a", by: C.coordinator)
    try issue(june)
    #expect(Set(codes).count == codes.count, "\(codes)")
  }

  @Test func codeTextRoundTripsAndRejectsMalformedCodes() throws {
    let window = ReportWindow(from: try TestSupport.date("2025-03-01"), to: nil)
    let code = Certificate.Code(
      seq: 912, member: MemberID("m-03-x"), window: window, head: "1a2b3c", digest: "3fa9c2e81b7d")
    #expect(code.description == "912-m-03-x-20250301-0-1a2b3c-3fa9c2e81b7d")
    #expect(Certificate.Code("912-m-03-x-20250301-0-1a2b3c-3fa9c2e81b7d") == code)
    // Hex may be typed in capitals.
    #expect(Certificate.Code("912-m-03-x-20250301-0-1A2B3C-3FA9C2E81B7D") == code)
    for bad in [
      "", "912", "912-m03-0-0-1a2b3c", "0-m03-0-0-1a2b3c-3fa9c2e81b7d", "x-m03-0-0-1a2b3c-3fa9c2e81b7d",
      "912--0-0-1a2b3c-3fa9c2e81b7d", "912-m03-20250230-0-1a2b3c-3fa9c2e81b7d",
      "912-m03-2025-06-01-0-1a2b3c-3fa9c2e81b7d", "912-m03-20250630-20250601-1a2b3c-3fa9c2e81b7d",
      "912-m03-*-*-1a2b3c-3fa9c2e81b7d", "912-m03-0-0-1a2b3-3fa9c2e81b7d", "912-m03-0-0-1a2b3c-3fa9c2e81b7g",
      "912-m:03-0-0-1a2b3c-3fa9c2e81b7d",
    ] {
      #expect(Certificate.Code(bad) == nil, "\(bad)")
    }
  }

  // MARK: - Verifying a code against the log

  @Test func verifiesOnTheUntouchedLog() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    let code = try #require(Certificate.Code(certificate.code.description))
    #expect(
      Certificate.verify(code, against: try TestSupport.recordsOnDisk(c.path)) == .genuine(certificate))
  }

  @Test func stillVerifiesAfterMoreEventsAreAppended() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    let issuedAt = certificate.seq
    // Later: more service in June, and one certified record reversed.
    try c.earn(C.m1, minutes: 15, on: "2025-06-20", id: "h")
    try c.run(.serviceReversed(record: RecordID("a"), reason: "录错"), id: "reverse-a", by: C.coordinator)
    let records = try TestSupport.recordsOnDisk(c.path)
    #expect(records.count > issuedAt)
    #expect(Certificate.verify(certificate.code, against: records) == .genuine(certificate))
    // It stands as issued; the later state says which of its records no longer count.
    let later = certificate.noLongerConfirmed(in: LedgerState(replaying: records))
    #expect(later.map(\.record) == [RecordID("a")])
    #expect(later.map(\.status) == [.reversed(points: Points(hundredths: 225))])
  }

  @Test func aByteChangedBeforeTheIssueSeqFailsVerificationOfTheLog() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    var lines = Self.lines(try c.bytes())
    // 90 minutes of record a become 900: one byte added, no hash recomputed.
    let index = try #require(
      lines.firstIndex { String(decoding: $0, as: UTF8.self).contains("\"id\":\"a\"") })
    #expect(index + 1 < certificate.seq)
    let edited = String(decoding: lines[index], as: UTF8.self)
    #expect(edited.contains("\"minutes\":90,"))
    lines[index] = Array(edited.replacingOccurrences(of: "\"minutes\":90,", with: "\"minutes\":900,").utf8)
    let error = try #require(throws: LogCorruption.self) { try LogReader.verify(Self.join(lines)) }
    // The reader names the changed line, which comes before the certificate's seq.
    #expect(error.seq == index + 1)
    #expect(error.line == index + 1)
  }

  @Test func aRewrittenChainIsALogChangedSinceIssue() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    var lines = Self.lines(try c.bytes())
    let index = try #require(
      lines.firstIndex { String(decoding: $0, as: UTF8.self).contains("\"id\":\"a\"") })
    let edited = String(decoding: lines[index], as: UTF8.self)
    lines[index] = Array(edited.replacingOccurrences(of: "\"minutes\":90,", with: "\"minutes\":900,").utf8)
    lines = Self.rechain(lines, from: index)
    // The chain is whole again, so the reader accepts it ...
    let records = try LogReader.verify(Self.join(lines)).records
    #expect(records.count == certificate.seq)
    // ... but the line at the certificate's seq no longer has the hash it was issued on.
    #expect(
      Certificate.verify(certificate.code, against: records)
        == .logChanged(
          seq: certificate.seq, issuedOn: String(certificate.headHash.prefix(6)),
          found: Self.storedHash(lines[certificate.seq - 1])))
  }

  @Test func aLogCutShortBeforeTheIssueSeqIsALogChanged() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    let records = try TestSupport.recordsOnDisk(c.path)
    let cut = Array(records.dropLast(2))
    #expect(
      Certificate.verify(certificate.code, against: cut)
        == .logTooShort(seq: certificate.seq, lastSeq: certificate.seq - 2))
  }

  @Test func aCodeThatMatchesNoCertificateIsNoSuchCertificate() throws {
    let c = try Self.community()
    let certificate = try Certificate(member: C.m1, window: try Self.june(), in: c.state)
    let records = try TestSupport.recordsOnDisk(c.path)
    let code = certificate.code
    func verify(_ change: (inout Certificate.Code) -> Void) -> Certificate.Verification {
      var changed = code
      change(&changed)
      return Certificate.verify(changed, against: records)
    }
    // Another member, window, or digest than the ones issued.
    guard case .noSuchCertificate(.digestMismatch) = verify({ $0.member = C.m2 }) else {
      Issue.record("another member verified")
      return
    }
    guard case .noSuchCertificate(.digestMismatch) = verify({ $0.window = ReportWindow() }) else {
      Issue.record("another window verified")
      return
    }
    let flipped = code.digest.hasPrefix("0") ? "1" + code.digest.dropFirst() : "0" + code.digest.dropFirst()
    guard case .noSuchCertificate(.digestMismatch) = verify({ $0.digest = flipped }) else {
      Issue.record("another digest verified")
      return
    }
    #expect(verify({ $0.member = MemberID("nobody") }) == .noSuchCertificate(.unknownMember))
    #expect(verify({ $0.member = C.m4 }) == .noSuchCertificate(.nothingCertified))
    // The right content with mistyped head digits is not the certificate either, nor a changed log.
    let head = code.head.hasPrefix("0") ? "1" + code.head.dropFirst() : "0" + code.head.dropFirst()
    #expect(verify({ $0.head = head }) == .noSuchCertificate(.headMismatch))
    // An earlier seq: the log then gives another certificate (or the head digits differ).
    switch verify({ $0.seq -= 1 }) {
    case .noSuchCertificate, .logChanged: break
    default: Issue.record("a certificate at another seq verified")
    }
  }
}
