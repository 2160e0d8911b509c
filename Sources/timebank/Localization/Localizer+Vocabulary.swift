/// The words tables use for values that are identifiers in JSON and CSV (`pending`, `yes`), in the
/// reader's language.
extension Localizer {
  /// `yes` or `no`.
  func yesOrNo(_ value: Bool) -> String { self(value ? .valueYes : .valueNo) }

  /// A status as a table shows it: a service record's or activity's status (`pending`, `confirmed`,
  /// `rejected`, `reversed`), a reward's (`available`, `withdrawn`) or an import row's; anything
  /// else as it is.
  func status(_ name: String) -> String {
    switch name {
    case "pending": self(.statusPending)
    case "confirmed": self(.statusConfirmed)
    case "rejected": self(.statusRejected)
    case "reversed": self(.statusReversed)
    case "available": self(.statusAvailable)
    case "withdrawn": self(.statusWithdrawn)
    case "appended": self(.statusAppended)
    case "would append": self(.statusWouldAppend)
    case "already recorded": self(.statusAlreadyRecorded)
    default: name
    }
  }

  /// A kind as a table shows it: a team's (`service-team`, `self-org`), a card's (`party-org`,
  /// `enterprise`, `courtyard`), a reward's (`goods`, `service`) or a posting's (`service`, `reversal`,
  /// `transfer`, `redemption`, `refund`); anything else as it is. Commands take the English names.
  func kind(_ name: String) -> String {
    switch name {
    case "service-team": self(.kindServiceTeam)
    case "self-org": self(.kindSelfOrg)
    case "party-org": self(.kindPartyOrg)
    case "enterprise": self(.kindEnterprise)
    case "courtyard": self(.kindCourtyard)
    case "goods": self(.kindGoods)
    case "service": self(.kindService)
    case "reversal": self(.kindReversal)
    case "transfer": self(.kindTransfer)
    case "redemption": self(.kindRedemption)
    case "refund": self(.kindRefund)
    default: name
    }
  }

  /// The column `display` that shows a kind in this language.
  var kindDisplay: @Sendable (String) -> String { { self.kind($0) } }

  /// The column `display` that shows a status in this language.
  var statusDisplay: @Sendable (String) -> String { { self.status($0) } }
}
