/// A volunteer service certificate (志愿服务记录证明): what the log says one member gave in a window of
/// service dates, as of one `seq`.
///
/// 《志愿服务记录与证明出具办法》 Art. 15 asks a certificate to state the service time, the service
/// content and the recording unit; here those are the confirmed records in the window (date, category,
/// hours, team, place), their total, and the community that keeps the log. Only confirmed records
/// count: pending, rejected and reversed ones are not service the community vouches for.
///
/// A certificate is a pure function of (the log up to `seq`, member, window). Its verification code
/// (`Code`) carries `seq`, member and window, so `verify(_:against:)` can re-derive it from the log
/// alone. The issue date and the clock are the caller's business: nothing here reads a clock.
public struct Certificate: Equatable, Sendable {
  /// One confirmed service record on the certificate.
  public struct Activity: Equatable, Sendable {
    public var record: RecordID
    /// The `seq` of its `service.recorded` line.
    public var seq: Int
    public var date: LocalDate
    public var minutes: Minutes
    public var category: String
    public var team: TeamID?
    /// The team's name as the ledger knew it at the certificate's `seq`.
    public var teamName: String?
    public var place: String?
    public var peopleServed: Int
  }

  /// Why no certificate can be made for a member and window.
  public enum Refusal: Error, Equatable, Sendable {
    /// The member was not registered (at the certificate's `seq`).
    case unknownMember(MemberID)
    /// The member has no confirmed service in the window: there is nothing to certify.
    case nothingCertified(member: MemberID, window: ReportWindow)
  }

  /// Why a code is not a certificate of this log.
  public enum Mismatch: Equatable, Sendable {
    /// No such member was registered at the code's `seq`.
    case unknownMember
    /// The member had no confirmed service in the code's window at its `seq`.
    case nothingCertified
    /// The log at the code's `seq` gives a certificate with another digest: the code was not issued
    /// from this log, or was mistyped.
    case digestMismatch(computed: String)
    /// The certificate's content matches but the head digits do not: they were mistyped.
    case headMismatch
  }

  /// What checking a code against a log found.
  public enum Verification: Equatable, Sendable {
    /// The log gives exactly the certificate the code was issued for.
    case genuine(Certificate)
    /// The log is not the log the code was issued from.
    case noSuchCertificate(Mismatch)
    /// The log's line at the code's `seq` no longer has the hash the certificate was issued on: the
    /// log was changed (an edit with the chain rewritten after it) since the certificate was issued.
    case logChanged(seq: Int, issuedOn: String, found: String)
    /// The log ends before the code's `seq`: it was cut short since, or it is another log.
    case logTooShort(seq: Int, lastSeq: Int)
  }

  public var member: MemberID
  /// The member's name as the ledger knew it at `seq`.
  public var name: String
  /// The recording unit (记录单位): the community that keeps the log.
  public var community: String
  /// The service dates certified, both ends inclusive; an open end means "from the first record" or
  /// "up to `seq`".
  public var window: ReportWindow
  /// The confirmed records in the window, in log order.
  public var activities: [Activity]
  /// The last `seq` of the log the certificate was made from.
  public var seq: Int
  /// The hash of the line at `seq`; it commits to every line before it.
  public var headHash: String

  /// The certificate for `member`'s confirmed service in `window`, from the state of the log at its
  /// last `seq`.
  /// - Throws: `Refusal.unknownMember` when the member is not registered, `Refusal.nothingCertified`
  ///   when it has no confirmed record in the window.
  /// - Complexity: O(r log r) in the number of service records.
  public init(member: MemberID, window: ReportWindow, in state: LedgerState) throws(Refusal) {
    guard let registration = state.members[member]?.registration else { throw .unknownMember(member) }
    let activities = state.records.compactMap { id, record -> Activity? in
      guard record.entry.member == member, case .confirmed = record.status,
        window.contains(record.entry.date)
      else { return nil }
      let entry = record.entry
      return Activity(
        record: id, seq: record.seq, date: entry.date, minutes: entry.minutes, category: entry.category,
        team: entry.team, teamName: entry.team.flatMap { state.teams[$0]?.name }, place: entry.place,
        peopleServed: entry.peopleServed)
    }
    guard !activities.isEmpty else { throw .nothingCertified(member: member, window: window) }
    self.member = member
    name = registration.name
    community = state.community
    self.window = window
    // By service date, then in log order: how a volunteer reads their record.
    self.activities = activities.sorted { ($0.date, $0.seq) < ($1.date, $1.seq) }
    seq = state.lastSeq
    headHash = state.headHash
  }

  /// The total confirmed service time certified.
  /// - Complexity: O(n) in the number of activities.
  public var totalMinutes: Minutes { activities.reduce(.zero) { $0 + $1.minutes } }

  /// The first and last service dates of the activities.
  public var serviceDates: ClosedRange<LocalDate>? {
    guard let first = activities.map(\.date).min(), let last = activities.map(\.date).max() else {
      return nil
    }
    return first...last
  }

  /// The verification code: `seq`, member, window, the start of the head hash, and the digest.
  public var code: Code {
    Code(
      seq: seq, member: member, window: window, head: String(headHash.prefix(Code.headLength)),
      digest: digest)
  }

  /// The first `Code.digestLength` hex digits of SHA-256 over `canonicalText`.
  public var digest: String {
    String(SHA256.hexDigest(Array(canonicalText.utf8)).prefix(Code.digestLength))
  }

  /// What the digest is taken over, one `name=value` per line: the format version, `seq`, the full
  /// head hash, member, window (`-` for an open end), total minutes and every record id in order.
  ///
  /// Identifiers never contain a line break, so this text is unambiguous. The head hash alone
  /// commits to everything else; the rest is there so the digest also says what was certified.
  public var canonicalText: String {
    var lines = [
      "timebank-certificate-v1", "seq=\(seq)", "head=\(headHash)", "member=\(member.rawValue)",
      "from=\(window.from?.description ?? "-")", "to=\(window.to?.description ?? "-")",
      "minutes=\(totalMinutes.value)",
    ]
    lines += activities.map { "record=\($0.record.rawValue)" }
    return lines.map { $0 + "\n" }.joined()
  }

  /// The certificate number (证明编号) for filing: `<initials>-<year>-<member>-<seq>`.
  ///
  /// The initials are those of the community's Latin-letter words (`Sunny Court` gives `SC`), else
  /// `ZM` (志愿服务证明) for a name without any (every Chinese name). Deterministic for a given issue
  /// year; two certificates of one member at one `seq` share it, so the verification code, not the
  /// number, is what names a certificate uniquely.
  /// - Parameter issued: the issue date, whose year is part of the number.
  public func number(issued: LocalDate) -> String {
    "\(Self.initials(of: community))-\(issued.year)-\(member.rawValue)-\(seq)"
  }

  /// Records on this certificate that `state` (a later state of the same log) no longer has as
  /// confirmed, e.g. reversed after the certificate was issued, with their status now.
  /// - Complexity: O(n) in the number of activities.
  public func noLongerConfirmed(in state: LedgerState) -> [(record: RecordID, status: RecordStatus)] {
    activities.compactMap { activity in
      guard let status = state.records[activity.record]?.status else { return nil }
      if case .confirmed = status { return nil }
      return (activity.record, status)
    }
  }

  /// Checks a code against a verified log: re-derives the certificate from the log as it was at the
  /// code's `seq` (`Replay.prefix(asOfSeq:)`) and compares.
  ///
  /// Later events never matter: a certificate issued at `seq` N stays verifiable however long the log
  /// grows. A log whose line N has another hash than the code's head digits was changed since (or the
  /// code was mistyped there); when only the digest differs, the code is not a certificate of this log.
  /// - Parameter records: the log's records, as `readVerified()` gives them (`seq` 1, 2, 3, ...).
  /// - Complexity: O(n) in the number of records up to the code's `seq`.
  public static func verify(_ code: Code, against records: [EventRecord]) -> Verification {
    let prefix = Replay.prefix(records, asOfSeq: code.seq)
    guard let last = prefix.last, last.seq == code.seq else {
      return .logTooShort(seq: code.seq, lastSeq: records.last?.seq ?? 0)
    }
    let state = LedgerState(replaying: prefix)
    let isSameHead = last.hash.hasPrefix(code.head)
    let changed = Verification.logChanged(seq: code.seq, issuedOn: code.head, found: last.hash)
    let certificate: Certificate
    do {
      certificate = try Certificate(member: code.member, window: code.window, in: state)
    } catch {
      guard isSameHead else { return changed }
      switch error {
      case .unknownMember: return .noSuchCertificate(.unknownMember)
      case .nothingCertified: return .noSuchCertificate(.nothingCertified)
      }
    }
    switch (isSameHead, certificate.digest == code.digest) {
    case (true, true): return .genuine(certificate)
    // The digest covers the whole head hash, so it can only match when the head digits were mistyped.
    case (false, true): return .noSuchCertificate(.headMismatch)
    case (false, false): return changed
    case (true, false): return .noSuchCertificate(.digestMismatch(computed: certificate.digest))
    }
  }

  static func initials(of community: String) -> String {
    var initials = ""
    var previousIsLetter = false
    for scalar in community.unicodeScalars {
      let isLetter = scalar.isASCII && scalar.properties.isAlphabetic
      if isLetter && !previousIsLetter { initials += String(scalar).uppercased() }
      previousIsLetter = isLetter
    }
    return initials.isEmpty ? "ZM" : String(initials.prefix(6))
  }
}

extension Certificate {
  /// A certificate's verification code (验证码): everything `verify` needs besides the log.
  ///
  /// Written `SEQ-MEMBER-FROM-TO-HEAD-DIGEST`, e.g. `912-m03-20250301-20250630-1a2b3c-3fa9c2e81b7d`:
  /// - `SEQ`: the log's last `seq` when it was issued, readable so a clerk can find the line;
  /// - `MEMBER`: the member id (it may itself contain `-`: the code is read from both ends);
  /// - `FROM`, `TO`: the window as `YYYYMMDD`, `0` for an open end (no `*`, which a shell expands);
  /// - `HEAD`: the first 6 hex digits of the hash at `SEQ`, so a changed log is told apart from a code
  ///   that is not a certificate;
  /// - `DIGEST`: the first 12 hex digits of SHA-256 over the certificate's `canonicalText`.
  public struct Code: Equatable, Sendable, CustomStringConvertible {
    /// Hex digits of the head hash in a code.
    public static let headLength = 6
    /// Hex digits of the digest in a code.
    public static let digestLength = 12

    public var seq: Int
    public var member: MemberID
    public var window: ReportWindow
    /// The first `headLength` hex digits of the hash at `seq`.
    public var head: String
    /// The first `digestLength` hex digits of the certificate's digest.
    public var digest: String

    public init(seq: Int, member: MemberID, window: ReportWindow, head: String, digest: String) {
      self.seq = seq
      self.member = member
      self.window = window
      self.head = head
      self.digest = digest
    }

    /// Parses a code as `description` writes it; hex digits may be typed in either case.
    ///
    /// Nil unless: `SEQ` is a positive number, `MEMBER` a valid identifier, `FROM` and `TO` real
    /// dates as `YYYYMMDD` (or `0`) with `FROM` not after `TO`, and `HEAD` and `DIGEST` hex digits
    /// of the right lengths.
    public init?(_ text: String) {
      let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
      guard parts.count >= 6, let seq = Code.number(parts[0]), seq > 0 else { return nil }
      let count = parts.count
      let member = parts[1..<(count - 4)].joined(separator: "-")
      guard IdentifierSyntax.problem(with: member) == nil,
        let from = Code.date(parts[count - 4]), let to = Code.date(parts[count - 3]),
        let head = Code.hex(parts[count - 2], length: Code.headLength),
        let digest = Code.hex(parts[count - 1], length: Code.digestLength)
      else { return nil }
      if let from, let to, from > to { return nil }
      self.init(
        seq: seq, member: MemberID(member), window: ReportWindow(from: from, to: to), head: head,
        digest: digest)
    }

    public var description: String {
      [String(seq), member.rawValue, Code.text(window.from), Code.text(window.to), head, digest]
        .joined(separator: "-")
    }

    private static func text(_ date: LocalDate?) -> String {
      guard let date else { return "0" }
      return LocalDate.pad(date.year, 4) + LocalDate.pad(date.month, 2) + LocalDate.pad(date.day, 2)
    }

    /// `.some(nil)` for `0` (an open end), `.some(date)` for a real `YYYYMMDD`, nil otherwise.
    private static func date(_ text: String) -> LocalDate?? {
      if text == "0" { return .some(nil) }
      let bytes = Array(text.utf8)
      guard bytes.count == 8, let year = LocalDate.number(bytes[0..<4]),
        let month = LocalDate.number(bytes[4..<6]), let day = LocalDate.number(bytes[6..<8]),
        let date = LocalDate(year: year, month: month, day: day)
      else { return nil }
      return .some(date)
    }

    private static func number(_ text: String) -> Int? {
      let bytes = Array(text.utf8)
      guard (1...18).contains(bytes.count) else { return nil }
      return LocalDate.number(bytes[...])
    }

    private static func hex(_ text: String, length: Int) -> String? {
      let lower = text.lowercased()
      guard lower.utf8.count == length,
        lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
      else { return nil }
      return lower
    }
  }
}
