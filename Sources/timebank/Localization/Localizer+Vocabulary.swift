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

  /// The column `display` that shows a status in this language.
  var statusDisplay: @Sendable (String) -> String { { self.status($0) } }
}
