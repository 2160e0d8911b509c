/// The words tables use for values that are identifiers in JSON and CSV (`pending`, `yes`,
/// `party-org`), in the reader's language. Commands still take the English identifiers.
extension Localizer {
  /// A service record's or activity's status (`pending`, `confirmed`, `rejected`, `reversed`), a
  /// reward's (`available`, `withdrawn`) or an import row's.
  private static let statuses: [String: MessageKey] = [
    "pending": .statusPending, "confirmed": .statusConfirmed, "rejected": .statusRejected,
    "reversed": .statusReversed, "available": .statusAvailable, "withdrawn": .statusWithdrawn,
    "reported": .statusReported, "appended": .statusAppended, "would append": .statusWouldAppend,
    "already recorded": .statusAlreadyRecorded,
  ]

  /// A team's kind (`service-team`, `self-org`), a card's (`party-org`, `enterprise`, `courtyard`), a
  /// reward's (`goods`, `service`) or a posting's (`service`, `reversal`, `transfer`, `redemption`,
  /// `refund`).
  private static let kinds: [String: MessageKey] = [
    "service-team": .kindServiceTeam, "self-org": .kindSelfOrg, "party-org": .kindPartyOrg,
    "enterprise": .kindEnterprise, "courtyard": .kindCourtyard, "goods": .kindGoods, "service": .kindService,
    "reversal": .kindReversal, "transfer": .kindTransfer, "redemption": .kindRedemption,
    "refund": .kindRefund,
  ]

  /// A role: `admin`, `coordinator`, `secretary`.
  private static let roles: [String: MessageKey] = [
    "admin": .roleAdmin, "coordinator": .roleCoordinator, "secretary": .roleSecretary,
  ]

  /// What a refusal says already exists: `member`, `team`, `branch`, `card`, `item`.
  private static let things: [String: MessageKey] = [
    "member": .thingMember, "team": .thingTeam, "branch": .thingBranch, "card": .thingCard,
    "item": .thingItem,
  ]

  /// A kind of thing the ledger holds, as a message names it; anything else as it is.
  func thing(_ name: String) -> String { Self.things[name].map { self($0) } ?? name }

  /// `yes` or `no`.
  func yesOrNo(_ value: Bool) -> String { self(value ? .valueYes : .valueNo) }

  /// A status as a table shows it; a value that is no known status as it is.
  func status(_ name: String) -> String { Self.statuses[name].map { self($0) } ?? name }

  /// A kind as a table shows it; a value that is no known kind as it is.
  func kind(_ name: String) -> String { Self.kinds[name].map { self($0) } ?? name }

  /// A role as a table shows it; a value that is no known role as it is.
  func role(_ name: String) -> String { Self.roles[name].map { self($0) } ?? name }

  /// The column `display` that shows a role in this language.
  var roleDisplay: @Sendable (String) -> String { { self.role($0) } }

  /// The column `display` that shows a status in this language.
  var statusDisplay: @Sendable (String) -> String { { self.status($0) } }

  /// The column `display` that shows a kind in this language.
  var kindDisplay: @Sendable (String) -> String { { self.kind($0) } }
}
