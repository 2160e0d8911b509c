/// Every points posting of a log as a plain-text accounting journal that ledger-cli and hledger read,
/// so `hledger -f FILE bal` or `ledger -f FILE bal` shows the balances `timebank balance` shows.
///
/// The journal has, in order:
/// - a header comment: the community, the log's head `seq` and hash, how to check both;
/// - directives: `commodity PTS` (two decimals), `tag seq`, and one `account` per account (members,
///   then cards, each sorted by id, then the system accounts, with the member's or card's name), so
///   `ledger --pedantic` and `hledger check --strict` accept it;
/// - one transaction per event that moves points, in log order:
///
/// ```
/// 2025-03-04 service.confirmed confirm-s1 | s1: m01 赵丽华 环境整治 4.0h on 2025-03-04
///     ; seq: 110
///     member:m01  4.00 PTS
///     system:issued  -4.00 PTS
/// ```
///
/// dated by the local day of the event's `at` in the ledger's time zone, described by the event type
/// and id (hledger's payee) and, after ` | `, a short note (hledger's note); each `Transfer` of the
/// event gives two postings, the receiving account first, both with explicit amounts.
///
/// Account names: `member:<id>` and `card:<id>` as in timebank; the system accounts `@issued` and
/// `@redeemed` become `system:issued` and `system:redeemed`. Both programs read a leading `@` in a
/// journal, but on their command lines it cannot name an account: ledger's query language reads
/// `@issued` as a payee, and hledger reads `@FILE` as a file of arguments.
///
/// The text depends on the records alone (no clock, no file, no locale), so the same log gives the
/// same journal byte for byte.
public enum LedgerJournal {
  /// The commodity every amount is written in.
  public static let commodity = "PTS"

  /// The journal of `records`, a log read from its first line.
  ///
  /// - Parameter records: the events of one log, in order, starting with `ledger.opened`.
  /// - Returns: the journal text, ending in a newline.
  /// - Complexity: O(n + a log a) for n records and a accounts.
  public static func text(of records: some Sequence<EventRecord>) -> String {
    var state = LedgerState()
    var transactions = ""
    var transactionCount = 0
    var posted: Set<AccountID> = []
    for record in records {
      let transfers = state.transfers(for: record.event)
      if !transfers.isEmpty {
        transactionCount += 1
        transactions += "\n" + transaction(record, transfers, in: state)
        for transfer in transfers {
          posted.insert(transfer.from)
          posted.insert(transfer.to)
        }
      }
      state.apply(record)
    }
    return header(state, transactionCount: transactionCount) + "\n" + directives(state, posted: posted)
      + transactions
  }

  /// The journal's name for one of our accounts: `member:m01`, `card:tax`, `system:issued`,
  /// `system:redeemed`.
  ///
  /// The id is written unchanged: a valid id (see `IdentifierSyntax`) has no space, tab or colon, so
  /// the name is one account two levels deep for both programs. Every account that points move to or
  /// from has a valid id, since the log reader parses accounts with `AccountID(_:)`.
  public static func accountName(_ account: AccountID) -> String {
    switch account {
    case .member(let id): "member:" + id.rawValue
    case .card(let id): "card:" + id.rawValue
    case .issued: "system:issued"
    case .redeemed: "system:redeemed"
    }
  }

  // MARK: Parts

  private static func header(_ state: LedgerState, transactionCount: Int) -> String {
    let seq = state.lastSeq
    let log = seq == 0 ? "; Log: empty." : "; Log: seq 1 to \(seq), head hash \(state.headHash)."
    let audit = "timebank audit --log LOG" + (seq == 0 ? "" : " --expect \(seq):\(state.headHash)")
    let lines = [
      "; \(singleLine(state.community)) time bank: every points posting, as a ledger-cli / hledger journal.",
      "; Written by 'timebank export --format ledger' from the log alone; the same log gives the same text.",
      log,
      "; One transaction per event that moves points (\(transactionCount)): dated by the local day of the",
      "; event in \(state.timeZoneName), described by the event's type and id, then | and a note, tagged",
      "; with its seq. Amounts are points (PTS). Accounts are named as in timebank, member:<id> and",
      "; card:<id>, except @issued and @redeemed, here system:issued and system:redeemed (a leading @",
      "; cannot name an account on the command line: ledger reads it as a payee, hledger as a file).",
      "; To check it against the log:",
      ";   \(audit)",
      ";   (passes only if the log still has this head), then compare",
      ";   hledger -f THIS bal   or   ledger -f THIS bal --flat",
      ";   with 'timebank balance --log LOG': the same balances (an account at zero may be left out).",
    ]
    return lines.map { $0 + "\n" }.joined()
  }

  private static func directives(_ state: LedgerState, posted: Set<AccountID>) -> String {
    var text = "commodity \(commodity)\n    format 1.00 \(commodity)\ntag seq\n\n"
    var accounts = posted
    // A member or card whose id is not valid (only a log written by hand can hold one) never has a
    // posting, and its name could break the journal: it is left out.
    for id in state.members.keys where IdentifierSyntax.problem(with: id.rawValue) == nil {
      accounts.insert(.member(id))
    }
    for id in state.cards.keys where IdentifierSyntax.problem(with: id.rawValue) == nil {
      accounts.insert(.card(id))
    }
    accounts.insert(.issued)
    accounts.insert(.redeemed)
    for account in accounts.sorted(by: { order($0) < order($1) }) {
      text += "account \(accountName(account))\n"
      if let note = accountNote(account, in: state) { text += "    ; \(singleLine(note))\n" }
    }
    return text
  }

  /// Members, then cards, each by id, then `@issued`, `@redeemed`: the order of `Balances.all`.
  private static func order(_ account: AccountID) -> (Int, String) {
    switch account {
    case .member(let id): (0, id.rawValue)
    case .card(let id): (1, id.rawValue)
    case .issued: (2, "")
    case .redeemed: (3, "")
    }
  }

  private static func accountNote(_ account: AccountID, in state: LedgerState) -> String? {
    switch account {
    case .member(let id):
      return state.members[id]?.name
    case .card(let id):
      guard let card = state.cards[id] else { return nil }
      return "\(card.name) (\(card.kind.rawValue) card held by \(card.holder))"
    case .issued:
      return "@issued in timebank, where points for confirmed service come from"
    case .redeemed:
      return "@redeemed in timebank, where points spent on rewards go"
    }
  }

  private static func transaction(_ record: EventRecord, _ transfers: [Transfer], in state: LedgerState)
    -> String
  {
    var description = "\(record.event.typeName) \(record.id)"
    let note = self.note(for: record.event, in: state)
    if !note.isEmpty { description += " | " + note }
    var text = "\(state.localDate(of: record.at)) \(singleLine(description))\n"
    text += "    ; seq: \(record.seq)\n"
    for transfer in transfers {
      text += "    \(accountName(transfer.to))  \(transfer.points) \(commodity)\n"
      text += "    \(accountName(transfer.from))  \(-transfer.points) \(commodity)\n"
    }
    return text
  }

  /// What the posting was for, as a volunteer or an auditor would want to read it.
  static func note(for event: Event, in state: LedgerState) -> String {
    switch event {
    case .serviceConfirmed(let id, _):
      return serviceNote(id, in: state)
    case .serviceReversed(let id, let reason):
      return serviceNote(id, in: state) + ", reversed: " + reason
    case .pointsTransferred(_, _, _, let memo):
      return memo ?? ""
    case .rewardRedeemed(_, let item, let quantity, _):
      let name = state.rewards[item]?.listing.name
      return "\(item)\(name.map { " " + $0 } ?? "") ×\(quantity)"
    case .redemptionCancelled(let id, let reason):
      return "\(id) cancelled: \(reason)"
    default:
      return ""
    }
  }

  private static func serviceNote(_ id: RecordID, in state: LedgerState) -> String {
    guard let entry = state.records[id]?.entry else { return id.rawValue }
    let name = state.members[entry.member]?.name
    return "\(id): \(entry.member)\(name.map { " " + $0 } ?? "") \(entry.category) "
      + "\(entry.minutes.hoursText)h on \(entry.date)"
  }

  // MARK: Text

  /// Free text made safe for a description or a comment: one line, no `;` (it would start a comment
  /// in hledger; the full-width `；` looks the same), no runs of spaces (two spaces end an account
  /// name or a description in ledger).
  /// - Complexity: O(k) in the length of the text.
  static func singleLine(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    var lastWasSpace = true
    for scalar in text.unicodeScalars {
      if isBlank(scalar) {
        if !lastWasSpace { result.append(" ") }
        lastWasSpace = true
        continue
      }
      result.append(scalar == ";" ? "；" : scalar)
      lastWasSpace = false
    }
    if result.last == " " { result.removeLast() }
    return String(result)
  }

  private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.properties.isWhitespace { return true }
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator, .spaceSeparator: return true
    default: return false
    }
  }
}
