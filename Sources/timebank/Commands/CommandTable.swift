/// The whole command line: every command, its arguments and options, and its help.
enum CommandTable {
  static let version = "timebank 0.1.0"

  static let log = OptionSpec(
    name: "log", valueName: "path", help: "The log file (default: $TIMEBANK_LOG, else ./timebank.jsonl).")
  static let actor = OptionSpec(
    name: "actor", valueName: "id", help: "Who is recording this (default: $TIMEBANK_ACTOR).")
  static let id = OptionSpec(
    name: "id", valueName: "key",
    help: "Idempotency key: retrying with the same key appends nothing (generated if omitted).")
  static let format = OptionSpec(
    name: "format", valueName: "format", help: "Output: table (default), json or csv.")
  static let asOf = OptionSpec(
    name: "as-of", valueName: "date", help: "Show the ledger as it stood at the end of this day.")
  static let asOfSeq = OptionSpec(
    name: "as-of-seq", valueName: "seq", help: "Show the ledger as it stood after this seq.")

  static let writing = [log, actor, id]
  static let reportOptions = [
    option("from", "date", "First service date counted."), option("to", "date", "Last service date counted."),
    asOf, asOfSeq,
    OptionSpec(
      name: "log", valueName: "path",
      help: "A log to read; give it several times to add up communities (default: $TIMEBANK_LOG).",
      isRepeatable: true),
    format,
  ]
  static let viewing = [log, format]

  static func flag(_ name: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, valueName: nil, help: help)
  }
  static func option(_ name: String, _ value: String, _ help: String, required: Bool = false) -> OptionSpec {
    OptionSpec(name: name, valueName: value, help: help, isRequired: required)
  }
  static func argument(_ name: String, _ help: String, optional: Bool = false) -> PositionalSpec {
    PositionalSpec(name: name, help: help, isOptional: optional)
  }

  static let root = CommandSpec(
    name: "timebank",
    summary: "A community time bank (时间银行): an append-only, hash-chained ledger of volunteer service.",
    discussion: """
      Volunteers earn points for confirmed service hours, exchange them, and redeem them for goods
      or services. Every change is one line of the log; every view is rebuilt from it.
      Exit codes: 0 done, 1 refused by a rule, 2 log failed verification, 64 usage error, 74 I/O error.
      """,
    subcommands: [
      CommandSpec(
        name: "init", summary: "Create a new ledger; the actor becomes its admin.",
        options: [
          option("community", "name", "The community's name.", required: true),
          option("points-per-hour", "points", "Points for one confirmed hour (default 1)."),
          option("time-zone", "zone", "IANA time zone for service dates (default Asia/Shanghai)."),
          option("daily-cap-hours", "hours", "Most service per member per day (default 12)."),
          option("party-target-hours", "hours", "Party members' annual service-hours target (default 50)."),
        ] + writing),
      CommandSpec(
        name: "policy", summary: "Change how hours become points, from a date on.",
        subcommands: [
          CommandSpec(
            name: "set", summary: "Record a policy change effective from a date (admin).",
            discussion: "Options not given keep their current value. Points already confirmed never change.",
            options: [
              option("effective", "date", "First service date the new policy applies to.", required: true),
              option("points-per-hour", "points", "Points for one confirmed hour."),
              OptionSpec(
                name: "rate", valueName: "category=points",
                help: "A category's own rate per hour (repeatable).",
                isRepeatable: true),
              option("daily-cap-hours", "hours", "Most service per member per day."),
              option("party-target-hours", "hours", "Party members' annual service-hours target."),
            ] + writing),
          CommandSpec(
            name: "show", summary: "Show the policies in force and when they began.", options: viewing),
        ]),
      CommandSpec(
        name: "import", summary: "Import a sheet saved from Excel or WPS as CSV: every row, or none.",
        subcommands: [
          CommandSpec(
            name: "services", summary: "Record service from a sheet, one row per record (coordinator).",
            discussion:
              "Headers, in Chinese or English: 姓名/name or 编号/member, 日期/date, 时长/hours or 分钟/minutes, "
              + "类别/category; optional 服务队/team, 服务人数/served, 地点/place, 备注/note. If any row is "
              + "bad, nothing is appended and every bad row is listed. Importing the same sheet again "
              + "appends nothing.",
            positionals: [argument("file", "The sheet: CSV, UTF-8 or GB18030, comma or tab separated.")],
            options: [
              option("encoding", "encoding", "utf-8 or gb18030 (default: detected)."),
              flag("check", "Show the rows as they would be recorded, and append nothing."),
              option("category", "category", "The category of rows that have none."),
              option("team", "team", "The team of rows that have none."),
              log, actor, format,
            ]),
          CommandSpec(
            name: "members", summary: "Register members from a sheet, one row per member (coordinator).",
            discussion:
              "Headers, in Chinese or English: 编号/id, 姓名/name; optional 党员/party (是/否), 支部/branch, "
              + "入会日期/joined (default: the day of the first import), 服务队/team (also join it).",
            positionals: [argument("file", "The sheet: CSV, UTF-8 or GB18030, comma or tab separated.")],
            options: [
              option("encoding", "encoding", "utf-8 or gb18030 (default: detected)."),
              flag("check", "Show the rows as they would be recorded, and append nothing."),
              option("team", "team", "A team for members whose row names none."),
              log, actor, format,
            ]),
        ]),
      CommandSpec(
        name: "member", summary: "Register and look after volunteers.",
        subcommands: [
          CommandSpec(
            name: "add", summary: "Register a volunteer (admin or coordinator).",
            positionals: [argument("member", "The new member's id, e.g. m001.")],
            options: [
              option("name", "name", "The member's name.", required: true),
              flag("party", "The member is a party member."),
              option("branch", "branch", "The member's party branch."),
              option("joined", "date", "The date the member joined (default: today)."),
            ] + writing),
          CommandSpec(
            name: "change", summary: "Change a member's name, party membership or branch.",
            positionals: [argument("member", "The member to change.")],
            options: [
              option("name", "name", "The new name."),
              flag("party", "The member is now a party member."),
              flag("not-party", "The member is not a party member."),
              option("branch", "branch", "The new party branch."),
            ] + writing),
          CommandSpec(
            name: "leave", summary: "Record that a member left the community.",
            positionals: [argument("member", "The member who left.")],
            options: [option("date", "date", "The date they left (default: today).")] + writing),
          CommandSpec(name: "list", summary: "List members.", options: viewing),
          CommandSpec(
            name: "show", summary: "Show one member: details, teams, hours, balance and records.",
            positionals: [argument("member", "The member to show.")], options: viewing),
        ]),
      CommandSpec(
        name: "team", summary: "Volunteer service teams (志愿服务队) and self-organised groups (自组织).",
        subcommands: [
          CommandSpec(
            name: "add", summary: "Create a team (admin).",
            positionals: [argument("team", "The new team's id.")],
            options: [
              option("name", "name", "The team's name.", required: true),
              option("kind", "kind", "service-team (default) or self-org."),
            ] + writing),
          CommandSpec(
            name: "join", summary: "Add a member to a team.",
            positionals: [argument("team", "The team."), argument("member", "The member.")],
            options: [option("date", "date", "The date they joined (default: today).")] + writing),
          CommandSpec(
            name: "leave", summary: "Take a member off a team.",
            positionals: [argument("team", "The team."), argument("member", "The member.")],
            options: [option("date", "date", "The date they left (default: today).")] + writing),
          CommandSpec(name: "list", summary: "List teams.", options: viewing),
        ]),
      CommandSpec(
        name: "branch", summary: "Party branches (党支部).",
        subcommands: [
          CommandSpec(
            name: "add", summary: "Create a party branch (admin).",
            positionals: [argument("branch", "The new branch's id.")],
            options: [option("name", "name", "The branch's name.", required: true)] + writing),
          CommandSpec(name: "list", summary: "List branches.", options: viewing),
        ]),
      CommandSpec(
        name: "card", summary: "Collective cards: party-org 单位党组织储蓄卡, enterprise 企业卡, courtyard 院落集体卡.",
        subcommands: [
          CommandSpec(
            name: "open", summary: "Open a collective card (admin).",
            positionals: [argument("card", "The new card's id.")],
            options: [
              option("name", "name", "The card's name.", required: true),
              option("kind", "kind", "party-org, enterprise or courtyard.", required: true),
              option("holder", "holder", "Who holds it: the unit, enterprise or courtyard.", required: true),
            ] + writing),
          CommandSpec(name: "list", summary: "List cards with their balances.", options: viewing),
        ]),
      CommandSpec(
        name: "role", summary: "Grant and revoke roles (admin); roles are recorded in the log.",
        subcommands: [
          CommandSpec(
            name: "grant", summary: "Grant a role.",
            positionals: [
              argument("actor", "Who receives the role."),
              argument("role", "admin, coordinator or secretary."),
            ],
            options: [
              option("scope", "scope", "all (default), team:<id> (coordinator) or branch:<id> (secretary).")
            ]
              + writing),
          CommandSpec(
            name: "revoke", summary: "Revoke a role.",
            positionals: [
              argument("actor", "Who loses the role."), argument("role", "admin, coordinator or secretary."),
            ],
            options: [option("scope", "scope", "The scope it was granted with (default all).")] + writing),
          CommandSpec(name: "list", summary: "List who holds which role now.", options: viewing),
        ]),
      CommandSpec(
        name: "service", summary: "Record, confirm, reject and reverse service.",
        subcommands: [
          CommandSpec(
            name: "record", summary: "Record service given by a member (coordinator).",
            discussion: "Prints the record's id; confirm, reject and reverse take it.",
            positionals: [argument("member", "The member who gave the service.")],
            options: [
              option("hours", "hours", "Service time in hours (e.g. 2 or 1.5)."),
              option("minutes", "minutes", "Service time in minutes (instead of --hours)."),
              option("date", "date", "The date of service, YYYY-MM-DD.", required: true),
              option("category", "category", "What kind of service, e.g. 助老.", required: true),
              option("team", "team", "The team it was given with."),
              option("served", "count", "How many people were served (default 0)."),
              option("place", "place", "Where."),
              option(
                "credit-to", "account", "Credit the points to a card (card:<id>) instead of the member."),
              option("note", "text", "A note."),
              option("replaces", "record", "The reversed record this one corrects."),
            ] + writing),
          CommandSpec(
            name: "confirm", summary: "Confirm a record; its points are computed now and stored.",
            positionals: [argument("record", "The record's id.")], options: writing),
          CommandSpec(
            name: "reject", summary: "Reject a pending record.",
            positionals: [argument("record", "The record's id.")],
            options: [option("reason", "text", "Why.", required: true)] + writing),
          CommandSpec(
            name: "reverse",
            summary: "Reverse a confirmed record: its points go back, its hours no longer count.",
            positionals: [argument("record", "The record's id.")],
            options: [option("reason", "text", "Why.", required: true)] + writing),
          CommandSpec(
            name: "list", summary: "List service records.",
            options: [
              option("status", "status", "Only pending, confirmed, rejected or reversed records."),
              option("member", "member", "Only this member's records."),
            ] + viewing),
        ]),
      CommandSpec(
        name: "transfer", summary: "Move points between accounts (a member from its own account).",
        positionals: [
          argument("from", "The paying account: a member id, member:<id> or card:<id>."),
          argument("to", "The receiving account."), argument("points", "How many points, e.g. 5 or 2.50."),
        ],
        options: [option("memo", "text", "What it is for.")] + writing),
      CommandSpec(
        name: "reward", summary: "The reward catalogue: goods (实物) and services (服务).",
        subcommands: [
          CommandSpec(
            name: "add", summary: "List a reward (admin).",
            positionals: [argument("item", "The new item's id.")],
            options: [
              option("name", "name", "The item's name.", required: true),
              option("kind", "kind", "goods or service.", required: true),
              option("price", "points", "Price in points.", required: true),
              option("stock", "count", "How many are available (default 0)."),
            ] + writing),
          CommandSpec(
            name: "restock", summary: "Add stock (admin).", positionals: [argument("item", "The item.")],
            options: [option("quantity", "count", "How many to add.", required: true)] + writing),
          CommandSpec(
            name: "withdraw", summary: "Take an item out of the catalogue (admin).",
            positionals: [argument("item", "The item.")],
            options: [option("reason", "text", "Why.")] + writing),
          CommandSpec(name: "list", summary: "List the catalogue.", options: viewing),
        ]),
      CommandSpec(
        name: "redeem", summary: "Redeem points for a reward.",
        discussion: "A member redeems from its own account; a coordinator may hand out for members in scope.",
        positionals: [argument("account", "The paying account."), argument("item", "The item.")],
        options: [option("qty", "count", "How many (default 1).")] + writing),
      CommandSpec(
        name: "redemption", summary: "Cancel redemptions.",
        subcommands: [
          CommandSpec(
            name: "cancel", summary: "Cancel a redemption: points back to the account, item back in stock.",
            positionals: [argument("redemption", "The redemption's id.")],
            options: [option("reason", "text", "Why.", required: true)] + writing)
        ]),
      CommandSpec(
        name: "party", summary: "Party members: check-ins (双报到), activities, and the 党员手册.",
        subcommands: [
          CommandSpec(
            name: "report", summary: "Record a party member's check-in to the community (在职党员回社区报到).",
            positionals: [argument("member", "The party member.")],
            options: [
              option("branch", "branch", "The community branch they report to.", required: true),
              option("workplace", "org", "Their workplace party organisation.", required: true),
              option("date", "date", "The date of the check-in (default: today)."),
            ] + writing),
          CommandSpec(
            name: "activity",
            summary: "Record a party activity (secretary, or a coordinator for the member).",
            discussion: "Kinds: dues 交纳党费, donation 奉献爱心, meeting 组织生活, wish 认领微心愿, study 学习.",
            positionals: [argument("member", "The party member.")],
            options: [
              option("kind", "kind", "dues, donation, meeting, wish or study.", required: true),
              option("date", "date", "The date (default: today)."), option("note", "text", "A note."),
            ] + writing),
          CommandSpec(
            name: "confirm",
            summary: "Confirm an activity (the secretary of the member's branch, not its recorder).",
            positionals: [argument("activity", "The activity's id.")], options: writing),
          CommandSpec(
            name: "reject", summary: "Reject an activity.",
            positionals: [argument("activity", "The activity's id.")],
            options: [option("reason", "text", "Why.", required: true)] + writing),
          CommandSpec(
            name: "show", summary: "One member's 党员手册: every record and activity, with the year's totals.",
            positionals: [argument("member", "The member.")], options: [asOf, asOfSeq] + viewing),
        ]),
      CommandSpec(
        name: "report", summary: "Reports for the office and the street office: teams, party, community.",
        subcommands: [
          CommandSpec(
            name: "teams",
            summary: "Per team: members, active members, records, hours, points, people served.",
            discussion: "Also hours by category and by month, and the top volunteers. Sorted by hours.",
            options: reportOptions),
          CommandSpec(
            name: "party",
            summary: "Per party member and per branch: check-ins, service, activities, target.",
            discussion: """
              With --workplace and --quarter: the quarterly service card for a workplace party organisation.
              """,
            options: [
              option(
                "year", "year", "The year for the annual hours target (default: the window's, or the latest)."
              ),
              option("workplace", "org", "Quarterly card: the workplace party organisation."),
              option("quarter", "quarter", "Quarterly card: the quarter, e.g. 2025Q3."),
            ] + reportOptions),
          CommandSpec(
            name: "community",
            summary: "Community totals: volunteers, people served, hours, teams, cards, points.",
            options: reportOptions),
        ]),
      CommandSpec(
        name: "certificate",
        summary: "Volunteer service certificates (志愿服务记录证明): issue one, verify one.",
        subcommands: [
          CommandSpec(
            name: "issue",
            summary: "A member's confirmed service in a window, as a certificate with a verification code.",
            discussion: """
              States the service time, content and recording unit (《志愿服务记录与证明出具办法》 Art. 15):
              confirmed records only. The code carries the log's seq and hash at issue.
              """,
            positionals: [argument("member", "The volunteer.")],
            options: [
              option("from", "date", "First service date certified."),
              option("to", "date", "Last service date certified."),
              option("format", "format", "text (default, Chinese) or html (one A4 page)."), log,
            ]),
          CommandSpec(
            name: "verify",
            summary: "Check a certificate's verification code against the log.",
            discussion: """
              Exit 0: genuine, and what it certifies. Exit 1: no such certificate. Exit 2: the log was
              changed since the certificate was issued.
              """,
            positionals: [argument("code", "The verification code printed on the certificate.")],
            options: [log]),
        ]),
      CommandSpec(
        name: "balance", summary: "Points balance, pending points, confirmed hours and star level.",
        positionals: [
          argument(
            "account", "A member id, member:<id> or card:<id> (default: every account).", optional: true)
        ],
        options: [asOf, asOfSeq] + viewing),
      CommandSpec(
        name: "statement", summary: "An account's postings with the running balance.",
        positionals: [argument("account", "A member id, member:<id>, card:<id>, @issued or @redeemed.")],
        options: [
          option("from", "date", "First day shown (earlier postings make the opening balance)."),
          option("to", "date", "Last day shown."),
        ] + viewing),
      CommandSpec(
        name: "log", summary: "The most recent events, readable.",
        options: [option("tail", "count", "How many events (default 20; 0 for all).")] + viewing),
      CommandSpec(
        name: "audit", summary: "Replay the log from the first byte and check everything.",
        discussion: """
          Checks every hash and prev link, seq continuity, unique ids, that every event was allowed by the
          rules and the roles its actor held at that seq, and that all balances sum to zero with none below
          zero. Exits 2 naming the first bad seq and line. With --expect, also checks that the log still
          has a published checkpoint's hash at its seq, which catches a whole chain rewritten after an edit.
          """,
        options: [
          OptionSpec(
            name: "expect", valueName: "seq:hash",
            help: "A published checkpoint the log must still match (repeatable).",
            isRepeatable: true),
          flag("quiet", "No progress on the terminal."),
        ] + viewing),
      CommandSpec(
        name: "export",
        summary: "Write the log or its postings for another program: ledger-cli / hledger, or CSV for Excel.",
        discussion: """
          --format ledger writes a ledger-cli / hledger journal to stdout: one transaction per event that
          moves points, in points (PTS), between accounts member:<id>, card:<id>, system:issued and
          system:redeemed (timebank's @issued and @redeemed). 'hledger -f FILE bal' or
          'ledger -f FILE bal --flat' then shows the balances of 'timebank balance'.
          """,
        options: [
          option("format", "format", "ledger (a ledger-cli / hledger journal) or csv.", required: true),
          option("what", "what", "With csv: log (every event, as stored; the default) or postings."),
          flag("bom", "With csv: start with a byte-order mark, so Excel reads the Chinese as UTF-8."), log,
        ]),
      CommandSpec(
        name: "checkpoint",
        summary: "Print a checkpoint for the notice board (公示): seq, date, head hash and totals.",
        discussion: """
          Publish it (post it, send it to the street office). Later, 'timebank audit --expect SEQ:HASH'
          fails if the log no longer has that hash at that seq, even if someone rewrote every hash after
          an edit.
          """,
        options: [log]),
      CommandSpec(
        name: "repair",
        summary: "Move a torn last line (left by a crash) to a side file and truncate the log.",
        options: [log]),
      CommandSpec(
        name: "demo", summary: "Build a sample community ledger and show its balances and audit.",
        options: [
          option(
            "out", "path", "Where to write the ledger (default: a new temporary directory). Never overwrites."
          ),
          option(
            "preset", "preset",
            "sample (default: 40 volunteers, four months) or article (the articles' year)."),
        ] + [format]),
      CommandSpec(
        name: "completion", summary: "Print a shell completion script: source <(timebank completion bash).",
        positionals: [argument("shell", "bash or zsh.")]),
    ])
}
