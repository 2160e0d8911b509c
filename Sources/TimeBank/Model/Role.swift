/// A right an actor holds, recorded in the log by `role.granted` and `role.revoked`.
public enum Role: String, Hashable, Sendable, CaseIterable {
  /// Policy, teams, branches, cards, roles and the reward catalogue.
  case admin
  /// Registers members, records and confirms service, hands out redemptions, within a scope.
  case coordinator
  /// Party check-ins and activities; confirms party members' records, within a branch.
  case secretary
}

/// Where a role applies: everywhere, one team, or one branch.
public enum RoleScope: Hashable, Sendable, CustomStringConvertible {
  case all
  case team(TeamID)
  case branch(BranchID)

  /// Parses `all`, `team:<id>` or `branch:<id>`.
  public init?(_ text: String) {
    if text == "all" {
      self = .all
    } else if text.hasPrefix("team:") {
      self = .team(TeamID(String(text.dropFirst(5))))
    } else if text.hasPrefix("branch:") {
      self = .branch(BranchID(String(text.dropFirst(7))))
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .all: "all"
    case .team(let id): "team:\(id.rawValue)"
    case .branch(let id): "branch:\(id.rawValue)"
    }
  }
}

/// One role held by one actor in one scope.
public struct RoleGrant: Hashable, Sendable {
  public var role: Role
  public var scope: RoleScope
  public init(role: Role, scope: RoleScope) {
    self.role = role
    self.scope = scope
  }
}
