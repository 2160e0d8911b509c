/// The figures the community office prints: volunteers, people served, hours, teams, cards, points.
public struct CommunitySummary: Equatable, Sendable {
  public var communities: [String]
  /// Members registered and not left, as of the report.
  public var registeredVolunteers = 0
  public var partyMemberVolunteers = 0
  /// Confirmed service in the window.
  public var peopleServed = 0
  public var confirmedMinutes = Minutes.zero
  public var confirmedRecords = 0
  public var serviceTeams = 0
  public var selfOrganisedGroups = 0
  public var cards: [CardKind: Int] = [:]
  /// Points, as of the report (balances, not windowed).
  public var pointsIssued = Points.zero
  public var pointsRedeemed = Points.zero
  public var pointsOutstanding: Points { pointsIssued - pointsRedeemed }
  /// Records awaiting confirmation, as of the report.
  public var pendingRecords = 0

  /// Adds up the figures of every community.
  /// - Complexity: O(m + r + c) in members, records and cards.
  public init(_ communities: [CommunityLedger], window: ReportWindow) {
    self.communities = communities.map(\.name)
    for community in communities {
      let state = community.state
      for member in state.members.values where member.isActive {
        registeredVolunteers += 1
        if member.registration.isPartyMember { partyMemberVolunteers += 1 }
      }
      community.forEachConfirmedRecord(in: window) { _, record, _ in
        peopleServed += record.entry.peopleServed
        confirmedMinutes += record.entry.minutes
        confirmedRecords += 1
      }
      state.records.forEachValue { record in if record.status == .pending { pendingRecords += 1 } }
      for team in state.teams.values {
        if team.kind == .serviceTeam { serviceTeams += 1 } else { selfOrganisedGroups += 1 }
      }
      for card in state.cards.values { cards[card.kind, default: 0] += 1 }
      pointsIssued += -state.balance(of: .issued)
      pointsRedeemed += state.balance(of: .redeemed)
    }
  }
}
