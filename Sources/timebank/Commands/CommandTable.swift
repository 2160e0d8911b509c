/// The whole command line: every command, its arguments and options, and its help in the language of
/// `words` (the wording is in `English.table` and `Chinese.table`; this file holds only the structure).
enum CommandTable {
  static let version = "timebank 0.1.0"

  /// `--lang zh|en`: accepted by every command, taken off the command line before it is parsed (see
  /// `LanguageOption`), and listed in every command's help.
  static func lang(_ words: Localizer) -> OptionSpec {
    OptionSpec(name: LanguageOption.name, valueName: LanguageOption.valueName, help: words(.optionLang))
  }

  /// The command line with its help worded by `words`.
  ///
  /// - Complexity: O(*n*) in the number of commands and options; built anew on every call.
  static func root(_ words: Localizer) -> CommandSpec {
    let log = OptionSpec(name: "log", valueName: "path", help: words(.optionLog))
    let actor = OptionSpec(name: "actor", valueName: "id", help: words(.optionActor))
    let id = OptionSpec(name: "id", valueName: "key", help: words(.optionID))
    let format = OptionSpec(name: "format", valueName: "format", help: words(.optionFormat))
    let asOf = OptionSpec(name: "as-of", valueName: "date", help: words(.optionAsOf))
    let asOfSeq = OptionSpec(name: "as-of-seq", valueName: "seq", help: words(.optionAsOfSeq))
    let writing = [log, actor, id]
    let reportOptions = [
      option("from", "date", words(.optionReportFrom)), option("to", "date", words(.optionReportTo)),
      asOf, asOfSeq,
      OptionSpec(name: "log", valueName: "path", help: words(.optionLogRepeatable), isRepeatable: true),
      format,
    ]
    let viewing = [log, format]
    let why = words(.optionReason)

    return CommandSpec(
      name: "timebank", summary: words(.rootSummary), discussion: words(.rootDiscussion),
      subcommands: [
        CommandSpec(
          name: "init", summary: words(.initSummary),
          options: [
            option("community", "name", words(.initCommunity), required: true),
            option("points-per-hour", "points", words(.initPointsPerHour)),
            option("time-zone", "zone", words(.initTimeZone)),
            option("daily-cap-hours", "hours", words(.initDailyCap)),
            option("party-target-hours", "hours", words(.initPartyTarget)),
          ] + writing),
        CommandSpec(
          name: "policy", summary: words(.policySummary),
          subcommands: [
            CommandSpec(
              name: "set", summary: words(.policySetSummary), discussion: words(.policySetDiscussion),
              options: [
                option("effective", "date", words(.policySetEffective), required: true),
                option("points-per-hour", "points", words(.policySetPointsPerHour)),
                OptionSpec(
                  name: "rate", valueName: "category=points", help: words(.policySetRate), isRepeatable: true),
                option("daily-cap-hours", "hours", words(.policySetDailyCap)),
                option("party-target-hours", "hours", words(.policySetPartyTarget)),
              ] + writing),
            CommandSpec(name: "show", summary: words(.policyShowSummary), options: viewing),
          ]),
        CommandSpec(
          name: "import", summary: words(.importSummary),
          subcommands: [
            CommandSpec(
              name: "services", summary: words(.importServicesSummary),
              discussion: words(.importServicesDiscussion),
              positionals: [argument("file", words(.importFile))],
              options: [
                option("encoding", "encoding", words(.importEncoding)),
                flag("check", words(.importCheck)),
                option("category", "category", words(.importCategory)),
                option("team", "team", words(.importServicesTeam)),
                flag("quiet", words(.optionQuiet)),
                log, actor, format,
              ]),
            CommandSpec(
              name: "members", summary: words(.importMembersSummary),
              discussion: words(.importMembersDiscussion),
              positionals: [argument("file", words(.importFile))],
              options: [
                option("encoding", "encoding", words(.importEncoding)),
                flag("check", words(.importCheck)),
                option("team", "team", words(.importMembersTeam)),
                flag("quiet", words(.optionQuiet)),
                log, actor, format,
              ]),
          ]),
        CommandSpec(
          name: "member", summary: words(.memberSummary),
          subcommands: [
            CommandSpec(
              name: "add", summary: words(.memberAddSummary),
              positionals: [argument("member", words(.memberAddMember))],
              options: [
                option("name", "name", words(.memberAddName), required: true),
                flag("party", words(.memberAddParty)),
                option("branch", "branch", words(.memberAddBranch)),
                option("joined", "date", words(.memberAddJoined)),
              ] + writing),
            CommandSpec(
              name: "change", summary: words(.memberChangeSummary),
              positionals: [argument("member", words(.memberChangeMember))],
              options: [
                option("name", "name", words(.memberChangeName)),
                flag("party", words(.memberChangeParty)),
                flag("not-party", words(.memberChangeNotParty)),
                option("branch", "branch", words(.memberChangeBranch)),
              ] + writing),
            CommandSpec(
              name: "leave", summary: words(.memberLeaveSummary),
              positionals: [argument("member", words(.memberLeaveMember))],
              options: [option("date", "date", words(.memberLeaveDate))] + writing),
            CommandSpec(name: "list", summary: words(.memberListSummary), options: viewing),
            CommandSpec(
              name: "show", summary: words(.memberShowSummary),
              positionals: [argument("member", words(.memberShowMember))], options: viewing),
          ]),
        CommandSpec(
          name: "team", summary: words(.teamSummary),
          subcommands: [
            CommandSpec(
              name: "add", summary: words(.teamAddSummary),
              positionals: [argument("team", words(.teamAddTeam))],
              options: [
                option("name", "name", words(.teamAddName), required: true),
                option("kind", "kind", words(.teamAddKind)),
              ] + writing),
            CommandSpec(
              name: "join", summary: words(.teamJoinSummary),
              positionals: [
                argument("team", words(.argumentTeam)), argument("member", words(.argumentMember)),
              ],
              options: [option("date", "date", words(.teamJoinDate))] + writing),
            CommandSpec(
              name: "leave", summary: words(.teamLeaveSummary),
              positionals: [
                argument("team", words(.argumentTeam)), argument("member", words(.argumentMember)),
              ],
              options: [option("date", "date", words(.memberLeaveDate))] + writing),
            CommandSpec(name: "list", summary: words(.teamListSummary), options: viewing),
          ]),
        CommandSpec(
          name: "branch", summary: words(.branchSummary),
          subcommands: [
            CommandSpec(
              name: "add", summary: words(.branchAddSummary),
              positionals: [argument("branch", words(.branchAddBranch))],
              options: [option("name", "name", words(.branchAddName), required: true)] + writing),
            CommandSpec(name: "list", summary: words(.branchListSummary), options: viewing),
          ]),
        CommandSpec(
          name: "card", summary: words(.cardSummary),
          subcommands: [
            CommandSpec(
              name: "open", summary: words(.cardOpenSummary),
              positionals: [argument("card", words(.cardOpenCard))],
              options: [
                option("name", "name", words(.cardOpenName), required: true),
                option("kind", "kind", words(.cardOpenKind), required: true),
                option("holder", "holder", words(.cardOpenHolder), required: true),
              ] + writing),
            CommandSpec(name: "list", summary: words(.cardListSummary), options: viewing),
          ]),
        CommandSpec(
          name: "role", summary: words(.roleSummary),
          subcommands: [
            CommandSpec(
              name: "grant", summary: words(.roleGrantSummary),
              positionals: [
                argument("actor", words(.roleGrantActor)), argument("role", words(.argumentRole)),
              ],
              options: [option("scope", "scope", words(.roleGrantScope))] + writing),
            CommandSpec(
              name: "revoke", summary: words(.roleRevokeSummary),
              positionals: [
                argument("actor", words(.roleRevokeActor)), argument("role", words(.argumentRole)),
              ],
              options: [option("scope", "scope", words(.roleRevokeScope))] + writing),
            CommandSpec(name: "list", summary: words(.roleListSummary), options: viewing),
          ]),
        CommandSpec(
          name: "service", summary: words(.serviceSummary),
          subcommands: [
            CommandSpec(
              name: "record", summary: words(.serviceRecordSummary),
              discussion: words(.serviceRecordDiscussion),
              positionals: [argument("member", words(.serviceRecordMember))],
              options: [
                option("hours", "hours", words(.serviceRecordHours)),
                option("minutes", "minutes", words(.serviceRecordMinutes)),
                option("date", "date", words(.serviceRecordDate), required: true),
                option("category", "category", words(.serviceRecordCategory), required: true),
                option("team", "team", words(.serviceRecordTeam)),
                option("served", "count", words(.serviceRecordServed)),
                option("place", "place", words(.serviceRecordPlace)),
                option("credit-to", "account", words(.serviceRecordCreditTo)),
                option("note", "text", words(.optionNote)),
                option("replaces", "record", words(.serviceRecordReplaces)),
              ] + writing),
            CommandSpec(
              name: "confirm", summary: words(.serviceConfirmSummary),
              positionals: [argument("record", words(.argumentRecord))], options: writing),
            CommandSpec(
              name: "reject", summary: words(.serviceRejectSummary),
              positionals: [argument("record", words(.argumentRecord))],
              options: [option("reason", "text", why, required: true)] + writing),
            CommandSpec(
              name: "reverse", summary: words(.serviceReverseSummary),
              positionals: [argument("record", words(.argumentRecord))],
              options: [option("reason", "text", why, required: true)] + writing),
            CommandSpec(
              name: "list", summary: words(.serviceListSummary),
              options: [
                option("status", "status", words(.serviceListStatus)),
                option("member", "member", words(.serviceListMember)),
              ] + viewing),
          ]),
        CommandSpec(
          name: "transfer", summary: words(.transferSummary),
          positionals: [
            argument("from", words(.transferFrom)), argument("to", words(.transferTo)),
            argument("points", words(.transferPoints)),
          ],
          options: [option("memo", "text", words(.transferMemo))] + writing),
        CommandSpec(
          name: "reward", summary: words(.rewardSummary),
          subcommands: [
            CommandSpec(
              name: "add", summary: words(.rewardAddSummary),
              positionals: [argument("item", words(.rewardAddItem))],
              options: [
                option("name", "name", words(.rewardAddName), required: true),
                option("kind", "kind", words(.rewardAddKind), required: true),
                option("price", "points", words(.rewardAddPrice), required: true),
                option("stock", "count", words(.rewardAddStock)),
              ] + writing),
            CommandSpec(
              name: "restock", summary: words(.rewardRestockSummary),
              positionals: [argument("item", words(.argumentItem))],
              options: [option("quantity", "count", words(.rewardRestockQuantity), required: true)] + writing),
            CommandSpec(
              name: "withdraw", summary: words(.rewardWithdrawSummary),
              positionals: [argument("item", words(.argumentItem))],
              options: [option("reason", "text", why)] + writing),
            CommandSpec(name: "list", summary: words(.rewardListSummary), options: viewing),
          ]),
        CommandSpec(
          name: "redeem", summary: words(.redeemSummary), discussion: words(.redeemDiscussion),
          positionals: [argument("account", words(.redeemAccount)), argument("item", words(.argumentItem))],
          options: [option("qty", "count", words(.redeemQuantity))] + writing),
        CommandSpec(
          name: "redemption", summary: words(.redemptionSummary),
          subcommands: [
            CommandSpec(
              name: "cancel", summary: words(.redemptionCancelSummary),
              positionals: [argument("redemption", words(.redemptionCancelRedemption))],
              options: [option("reason", "text", why, required: true)] + writing)
          ]),
        CommandSpec(
          name: "party", summary: words(.partySummary),
          subcommands: [
            CommandSpec(
              name: "report", summary: words(.partyReportSummary),
              positionals: [argument("member", words(.argumentPartyMember))],
              options: [
                option("branch", "branch", words(.partyReportBranch), required: true),
                option("workplace", "org", words(.partyReportWorkplace), required: true),
                option("date", "date", words(.partyReportDate)),
              ] + writing),
            CommandSpec(
              name: "activity", summary: words(.partyActivitySummary),
              discussion: words(.partyActivityDiscussion),
              positionals: [argument("member", words(.argumentPartyMember))],
              options: [
                option("kind", "kind", words(.partyActivityKind), required: true),
                option("date", "date", words(.partyActivityDate)), option("note", "text", words(.optionNote)),
              ] + writing),
            CommandSpec(
              name: "confirm", summary: words(.partyConfirmSummary),
              positionals: [argument("activity", words(.argumentActivity))], options: writing),
            CommandSpec(
              name: "reject", summary: words(.partyRejectSummary),
              positionals: [argument("activity", words(.argumentActivity))],
              options: [option("reason", "text", why, required: true)] + writing),
            CommandSpec(
              name: "show", summary: words(.partyShowSummary),
              positionals: [argument("member", words(.argumentMember))], options: [asOf, asOfSeq] + viewing),
          ]),
        CommandSpec(
          name: "report", summary: words(.reportSummary),
          subcommands: [
            CommandSpec(
              name: "teams", summary: words(.reportTeamsSummary), discussion: words(.reportTeamsDiscussion),
              options: reportOptions),
            CommandSpec(
              name: "party", summary: words(.reportPartySummary), discussion: words(.reportPartyDiscussion),
              options: [
                option("year", "year", words(.reportPartyYear)),
                option("workplace", "org", words(.reportPartyWorkplace)),
                option("quarter", "quarter", words(.reportPartyQuarter)),
              ] + reportOptions),
            CommandSpec(name: "community", summary: words(.reportCommunitySummary), options: reportOptions),
          ]),
        CommandSpec(
          name: "certificate", summary: words(.certificateSummary),
          subcommands: [
            CommandSpec(
              name: "issue", summary: words(.certificateIssueSummary),
              discussion: words(.certificateIssueDiscussion),
              positionals: [argument("member", words(.certificateIssueMember))],
              options: [
                option("from", "date", words(.certificateIssueFrom)),
                option("to", "date", words(.certificateIssueTo)),
                option("format", "format", words(.certificateIssueFormat)), log,
              ]),
            CommandSpec(
              name: "verify", summary: words(.certificateVerifySummary),
              discussion: words(.certificateVerifyDiscussion),
              positionals: [argument("code", words(.certificateVerifyCode))],
              options: [log]),
          ]),
        CommandSpec(
          name: "balance", summary: words(.balanceSummary),
          positionals: [argument("account", words(.balanceAccount), optional: true)],
          options: [asOf, asOfSeq] + viewing),
        CommandSpec(
          name: "statement", summary: words(.statementSummary),
          positionals: [argument("account", words(.statementAccount))],
          options: [
            option("from", "date", words(.statementFrom)),
            option("to", "date", words(.statementTo)),
          ] + viewing),
        CommandSpec(
          name: "log", summary: words(.logSummary),
          options: [option("tail", "count", words(.logTail))] + viewing),
        CommandSpec(
          name: "audit", summary: words(.auditSummary), discussion: words(.auditDiscussion),
          options: [
            OptionSpec(name: "expect", valueName: "seq:hash", help: words(.auditExpect), isRepeatable: true),
            flag("quiet", words(.optionQuiet)),
          ] + viewing),
        CommandSpec(
          name: "export", summary: words(.exportSummary), discussion: words(.exportDiscussion),
          options: [
            option("format", "format", words(.exportFormat), required: true),
            option("what", "what", words(.exportWhat)),
            flag("bom", words(.exportBOM)), log,
          ]),
        CommandSpec(
          name: "checkpoint", summary: words(.checkpointSummary), discussion: words(.checkpointDiscussion),
          options: [log]),
        CommandSpec(name: "repair", summary: words(.repairSummary), options: [log]),
        CommandSpec(
          name: "demo", summary: words(.demoSummary),
          options: [
            option("out", "path", words(.demoOut)),
            option("preset", "preset", words(.demoPreset)),
          ] + [format]),
        CommandSpec(
          name: "completion", summary: words(.completionSummary),
          positionals: [argument("shell", words(.completionShell))]),
      ])
  }

  static func flag(_ name: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, valueName: nil, help: help)
  }
  static func option(_ name: String, _ value: String, _ help: String, required: Bool = false) -> OptionSpec {
    OptionSpec(name: name, valueName: value, help: help, isRequired: required)
  }
  static func argument(_ name: String, _ help: String, optional: Bool = false) -> PositionalSpec {
    PositionalSpec(name: name, help: help, isOptional: optional)
  }
}
