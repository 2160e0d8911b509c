import Foundation
import TimeBank

/// Handlers of `certificate issue` and `certificate verify`: the volunteer service certificate
/// (志愿服务记录证明) of 《志愿服务记录与证明出具办法》, as Chinese text or a one-page A4 HTML document.
enum CertificateCommands {
  /// The document formats a certificate is printed in.
  enum DocumentFormat: String {
    case text, html
  }

  /// `certificate issue MEMBER [--from D --to D] [--format text|html] [--log PATH]`.
  static func issue(_ context: inout Context) throws(Failure) {
    let words = context.words
    // Parse, then validate, then run: every bad option is reported before the log is read.
    let member = MemberID(try context.identifier("member", context.positional(0)))
    let window = ReportWindow(from: try context.date("from"), to: try context.date("to"))
    if let from = window.from, let to = window.to, from > to {
      throw context.usage("to", to.description, words(.reasonBeforeFrom, ["from": from]))
    }
    let format = try documentFormat(context)
    let now = try context.now()
    let contents = try context.readLog(at: context.logPath)
    let state = LedgerState(replaying: contents.records)
    let certificate: Certificate
    do {
      certificate = try Certificate(member: member, window: window, in: state)
    } catch {
      switch error {
      case .unknownMember(let member): throw .rejected(.unknownMember(member))
      case .nothingCertified(let member, let window):
        throw .other(
          words(.certificateNothing, ["member": member, "window": windowPhrase(window, words)]),
          exitCode: Messages.refused)
      }
    }
    let issued = state.localDate(of: now)
    switch format {
    case .text: context.output += text(certificate, issued: issued, words)
    case .html: context.output += html(certificate, issued: issued, words)
    }
  }

  /// `certificate verify CODE [--log PATH]`: exit 0 with what the certificate says, 1 when the code is
  /// no certificate of this log, 2 when the log was changed since the certificate was issued.
  static func verify(_ context: inout Context) throws(Failure) {
    let words = context.words
    let text = context.positional(0)
    guard let code = Certificate.Code(text.trimmingCharacters(in: .whitespaces)) else {
      throw context.usage("code", text, words(.reasonCertificateCode))
    }
    let path = context.logPath
    let contents = try context.readLog(at: path)
    switch Certificate.verify(code, against: contents.records) {
    case .genuine(let certificate):
      let count = certificate.activities.count
      context.print(words(.verifyGenuine, ["code": code]))
      context.print(words(.verifyMember, ["member": certificate.member, "name": certificate.name]))
      context.print(words(.verifyUnit, ["community": certificate.community]))
      context.print(words(.verifyPeriod, ["period": describe(certificate.window, periodInMessages, words)]))
      context.print(
        words(
          .verifyHours,
          [
            "hours": certificate.totalMinutes.hoursText,
            "records": words(count == 1 ? .verifyOneRecord : .verifyRecords, ["count": count]),
          ]))
      context.print(
        words(.verifyIssuedAt, ["seq": certificate.seq, "hash": certificate.headHash.prefix(16)]))
      let now = LedgerState(replaying: contents.records)
      for (record, status) in certificate.noLongerConfirmed(in: now) {
        context.print(
          words(
            .verifyNoLongerConfirmed,
            ["record": record, "status": words.status(status.name), "seq": certificate.seq]))
      }
    case .noSuchCertificate(let mismatch):
      let reason: String
      switch mismatch {
      case .unknownMember: reason = words(.verifyUnknownMember, ["member": code.member, "seq": code.seq])
      case .nothingCertified:
        reason = words(
          .verifyNothingCertified,
          ["member": code.member, "window": windowPhrase(code.window, words), "seq": code.seq])
      case .digestMismatch: reason = words(.verifyDigestMismatch, ["seq": code.seq])
      case .headMismatch: reason = words(.verifyHeadMismatch, ["head": code.head, "seq": code.seq])
      }
      throw .other(words(.verifyNoSuch, ["code": code, "reason": reason]), exitCode: Messages.refused)
    case .logChanged(let seq, let issuedOn, let found):
      throw .other(
        words(
          .verifyLogChanged,
          ["path": path, "seq": seq, "code": code, "found": found.prefix(16), "issued": issuedOn]),
        exitCode: Messages.verificationFailed)
    case .logTooShort(let seq, let lastSeq):
      throw .other(
        words(.verifyLogTooShort, ["path": path, "last": lastSeq, "code": code, "seq": seq]),
        exitCode: Messages.verificationFailed)
    }
  }

  /// `--format`: text (the default) or html. Read here, as the table|json|csv of `Context.format()`
  /// are not formats of a document.
  static func documentFormat(_ context: Context) throws(Failure) -> DocumentFormat {
    guard let text = context.parsed.value("format") else { return .text }
    guard let format = DocumentFormat(rawValue: text) else {
      throw context.usage("format", text, context.words(.reasonDocumentFormat))
    }
    return format
  }

  // MARK: Wording

  /// The wording of a window: one key for each of `from` and `to` given, `from` only, `to` only, and
  /// neither.
  struct WindowWording {
    var range, from, to, all: MessageKey
  }

  /// The window as the certificate's period line says it (in Chinese: the certificate is a Chinese
  /// document in every language).
  static let periodLine = WindowWording(
    range: .certificatePeriodRange, from: .certificatePeriodFrom, to: .certificatePeriodTo,
    all: .certificatePeriodAll)
  /// The window as a message says it, in the reader's language.
  static let periodInMessages = WindowWording(
    range: .periodRange, from: .periodFrom, to: .periodTo, all: .periodAll)
  /// The window as the certifying sentence says it (于 … 至 … 期间).
  static let periodInStatement = WindowWording(
    range: .certificateWhenRange, from: .certificateWhenFrom, to: .certificateWhenTo, all: .certificateWhenAll
  )

  /// `window` worded by `wording`.
  static func describe(_ window: ReportWindow, _ wording: WindowWording, _ words: Localizer) -> String {
    switch (window.from, window.to) {
    case (let from?, let to?): words(wording.range, ["from": from, "to": to])
    case (let from?, nil): words(wording.from, ["from": from])
    case (nil, let to?): words(wording.to, ["to": to])
    case (nil, nil): words(wording.all)
    }
  }

  /// The window as a phrase in a message: `on any date`, `dated 2025-06-01 to 2025-06-30`.
  static func windowPhrase(_ window: ReportWindow, _ words: Localizer) -> String {
    window.from == nil && window.to == nil
      ? words(.windowAnyDate) : words(.windowDated, ["period": describe(window, periodInMessages, words)])
  }

  /// The sentence that certifies (兹证明 …), in Chinese.
  static func statement(_ certificate: Certificate, _ words: Localizer) -> String {
    words(
      .certificateStatement,
      [
        "name": certificate.name, "member": certificate.member,
        "when": describe(certificate.window, periodInStatement, words), "community": certificate.community,
        "count": certificate.activities.count, "hours": certificate.totalMinutes.hoursText,
      ])
  }

  /// The facts above the activities: label (Chinese), its English gloss (none in Chinese output) and
  /// value.
  static func facts(_ certificate: Certificate, issued: LocalDate, _ words: Localizer) -> [(
    String, String, String
  )] {
    let dates =
      certificate.serviceDates.map {
        words(.certificatePeriodRange, ["from": $0.lowerBound, "to": $0.upperBound])
      } ?? "-"
    return [
      (words(.certificateName), words(.certificateNameGloss), certificate.name),
      (words(.certificateMemberID), words(.certificateMemberIDGloss), certificate.member.rawValue),
      (
        words(.certificatePeriod), words(.certificatePeriodGloss),
        describe(certificate.window, periodLine, words)
      ),
      (words(.certificateServiceDates), words(.certificateServiceDatesGloss), dates),
      (
        words(.certificateActivities), words(.certificateActivitiesGloss),
        words(.certificateTimes, ["count": certificate.activities.count])
      ),
      (
        words(.certificateTotalHours), words(.certificateTotalHoursGloss),
        words(.certificateHoursValue, ["hours": certificate.totalMinutes.hoursText])
      ),
      (words(.certificateUnit), words(.certificateUnitGloss), certificate.community),
      (words(.certificateIssued), words(.certificateIssuedGloss), issued.description),
    ]
  }

  /// `证明编号 (No.)`: a label with its English gloss in parentheses, or the label alone when the gloss
  /// is empty (Chinese output). No space after a fullwidth parenthesis, which carries its own.
  static func labelled(_ label: String, _ gloss: String) -> String {
    guard !gloss.isEmpty else { return label }
    return label + (label.hasSuffix("）") ? "" : " ") + "(\(gloss))"
  }

  /// One row per activity: number, date, content (category), hours, team, place.
  static func rows(_ certificate: Certificate) -> [[String]] {
    certificate.activities.enumerated().map { index, activity in
      [
        String(index + 1), activity.date.description, activity.category, activity.minutes.hoursText,
        activity.teamName ?? activity.team?.rawValue ?? "-", activity.place ?? "-",
      ]
    }
  }

  static func columnTitles(_ words: Localizer) -> [String] {
    [
      words(.certificateColumnNumber), words(.certificateColumnDate), words(.certificateColumnContent),
      words(.certificateColumnHours), words(.certificateColumnTeam), words(.certificateColumnPlace),
    ]
  }

  static func verifyLine(_ certificate: Certificate) -> String {
    "timebank certificate verify \(certificate.code)"
  }

  static func footnote(_ certificate: Certificate, _ words: Localizer) -> String {
    words(.certificateFootnote, ["seq": certificate.seq])
  }

  // MARK: Text

  /// The certificate as Chinese text, with English labels in parentheses in English output; the
  /// activities are a table aligned by display width.
  static func text(_ certificate: Certificate, issued: LocalDate, _ words: Localizer) -> String {
    let subtitle = words(.certificateTitleGloss)
    var lines = [words(.certificateTitle)] + (subtitle.isEmpty ? [] : ["(\(subtitle))"])
    lines += [
      "",
      labelled(words(.certificateNumber), words(.certificateNumberGloss)) + "："
        + certificate.number(issued: issued),
      "",
      statement(certificate, words),
      "",
    ]
    lines += facts(certificate, issued: issued, words).map { labelled($0.0, $0.1) + "：" + $0.2 }
    lines += ["", labelled(words(.certificateRecords), words(.certificateRecordsGloss)) + "："]
    let table = TextTable(
      columns: columnTitles(words).enumerated().map { index, title in
        TextTable.Column(title: title, alignment: index == 0 || index == 3 ? .right : .left)
      },
      rows: rows(certificate),
      footer: [["", words(.certificateTotal), "", certificate.totalMinutes.hoursText, "", ""]])
    var output = lines.map { $0 + "\n" }.joined() + table.render()
    output += [
      "",
      labelled(words(.certificateCode), words(.certificateCodeGloss)) + "：\(certificate.code)",
      labelled(words(.certificateHowToVerify), words(.certificateHowToVerifyGloss)) + "："
        + verifyLine(certificate),
      footnote(certificate, words),
      "",
      labelled(words(.certificateSealUnit), words(.certificateSealGloss)) + "：\(certificate.community)",
      labelled(words(.certificateIssuedBy), words(.certificateIssuedByGloss)) + "：",
      labelled(words(.certificateDate), words(.certificateDateGloss)) + "：\(issued)",
    ].map { $0 + "\n" }.joined()
    return output
  }

  // MARK: HTML

  /// The certificate as one self-contained HTML page for A4 paper: inline CSS, no external resources.
  static func html(_ certificate: Certificate, issued: LocalDate, _ words: Localizer) -> String {
    let number = escape(certificate.number(issued: issued))
    /// A label's English gloss as a small span, or nothing (Chinese output).
    func gloss(_ key: MessageKey) -> String {
      let text = words(key)
      return text.isEmpty ? "" : "<span class=\"en\">\(escape(text))</span>"
    }
    // Two facts a row, to leave the page's height to the activities.
    let cells = facts(certificate, issued: issued, words).map { chinese, english, value in
      let gloss = english.isEmpty ? "" : "<span class=\"en\">\(escape(english))</span>"
      return "<th>\(escape(chinese))\(gloss)</th><td>\(escape(value))</td>"
    }
    let facts = stride(from: 0, to: cells.count, by: 2).map { index in
      "<tr>" + cells[index..<min(index + 2, cells.count)].joined() + "</tr>"
    }
    let header = columnTitles(words).enumerated().map { index, title in
      "<th\(index == 0 || index == 3 ? " class=\"num\"" : "")>\(escape(title))</th>"
    }.joined()
    let body = rows(certificate).map { cells in
      "<tr>"
        + cells.enumerated().map { index, cell in
          "<td\(index == 0 || index == 3 ? " class=\"num\"" : "")>\(escape(cell))</td>"
        }.joined() + "</tr>"
    }
    let total =
      "<tr class=\"total\"><td></td><td>\(escape(words(.certificateTotal)))</td><td></td>"
      + "<td class=\"num\">\(escape(certificate.totalMinutes.hoursText))</td><td></td><td></td></tr>"
    let title = escape(words(.certificateTitle))
    let subtitle = words(.certificateTitleGloss)
    let numberLabel = escape(labelled(words(.certificateNumber), words(.certificateNumberGloss)))
    let codeLabel = escape(labelled(words(.certificateCode), words(.certificateCodeGloss)))
    var page = [
      "<!DOCTYPE html>",
      "<html lang=\"zh-CN\">",
      "<head>",
      "<meta charset=\"utf-8\">",
      "<title>\(title) \(number)</title>",
      "<style>",
    ]
    page += style
    page += [
      "</style>",
      "</head>",
      "<body>",
      "<main class=\"page\">",
      "<p class=\"number\">\(numberLabel)：\(number)</p>",
      "<h1>\(title)</h1>",
    ]
    if !subtitle.isEmpty { page.append("<p class=\"subtitle\">\(escape(subtitle))</p>") }
    page += [
      "<p class=\"statement\">\(escape(statement(certificate, words)))</p>",
      "<table class=\"facts\">",
    ]
    page += facts
    let recordsGloss = gloss(.certificateRecordsGloss)
    page += [
      "</table>",
      "<h2>\(escape(words(.certificateRecords)))\(recordsGloss.isEmpty ? "" : " " + recordsGloss)</h2>",
      "<table class=\"activities\">",
      "<thead><tr>\(header)</tr></thead>",
      "<tbody>",
    ]
    page += body
    page += [
      "</tbody>",
      "<tfoot>\(total)</tfoot>",
      "</table>",
      "<p class=\"code\">\(codeLabel)：<code>\(escape(certificate.code.description))</code></p>",
      "<p class=\"note\">\(escape(words(.certificateHowToVerify)))：<code>\(escape(verifyLine(certificate)))</code></p>",
      "<p class=\"note\">\(escape(footnote(certificate, words)))</p>",
      "<div class=\"signature\">",
      "<div class=\"signer\">",
      "<p>\(escape(words(.certificateUnit)))：\(escape(certificate.community))</p>",
      "<p>\(escape(words(.certificateIssuedBy)))：<span class=\"blank\"></span></p>",
      "<p>\(escape(words(.certificateIssued)))：\(escape(issued.description))</p>",
      "</div>",
      "<div class=\"seal\">\(escape(words(.certificateSeal)))</div>",
      "</div>",
      "</main>",
      "</body>",
      "</html>",
    ]
    return page.map { $0 + "\n" }.joined()
  }

  /// The page's CSS: A4 with 20 mm margins on paper; on a screen, a page-wide sheet with the same
  /// margins, so a screenshot at 794 px (210 mm at 96 dpi) looks like the printed page.
  static let style = [
    "@page { size: A4; margin: 20mm; }",
    "* { box-sizing: border-box; }",
    "html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }",
    "body { margin: 0; color: #000; background: #fff; font-size: 10pt; line-height: 1.45;",
    "  font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", \"Noto Sans CJK SC\",",
    "    \"SimSun\", \"Songti SC\", serif; }",
    "@media screen { .page { width: 210mm; padding: 20mm; margin: 0 auto; } }",
    ".number { text-align: right; font-size: 9pt; margin: 0; }",
    "h1 { text-align: center; font-size: 20pt; letter-spacing: 0.4em; margin: 2mm 0 0; }",
    ".subtitle { text-align: center; font-size: 9pt; color: #333; margin: 0 0 4mm; }",
    ".statement { text-indent: 2em; margin: 0 0 3mm; }",
    ".en { font-size: 7.5pt; color: #444; margin-left: 0.4em; font-weight: normal; }",
    "table { width: 100%; border-collapse: collapse; }",
    ".facts th { width: 40mm; white-space: nowrap; text-align: left; font-weight: bold;",
    "  padding: 0.4mm 2mm 0.4mm 0; }",
    ".facts td { padding: 0.4mm 4mm 0.4mm 0; }",
    "h2 { font-size: 10.5pt; margin: 3mm 0 1.5mm; }",
    ".activities { font-size: 9pt; line-height: 1.3; }",
    ".activities th, .activities td { border: 0.5pt solid #000; padding: 0.6mm 1.5mm; }",
    ".activities th { background: #eee; font-weight: bold; text-align: left; }",
    ".activities .num { text-align: right; white-space: nowrap; }",
    ".activities thead { display: table-header-group; }",
    ".activities tr { break-inside: avoid; }",
    ".activities .total td { font-weight: bold; }",
    ".code { margin: 3mm 0 0; }",
    "code { font-family: \"DejaVu Sans Mono\", \"Liberation Mono\", monospace; font-size: 9pt; }",
    ".note { font-size: 8pt; color: #333; margin: 0.5mm 0 0; }",
    ".signature { display: flex; justify-content: space-between; align-items: center;",
    "  margin-top: 4mm; break-inside: avoid; }",
    ".signer p { margin: 1mm 0; }",
    ".blank { display: inline-block; width: 35mm; border-bottom: 0.5pt solid #000; }",
    ".seal { width: 32mm; height: 32mm; border: 0.5pt dashed #888; border-radius: 50%;",
    "  display: flex; align-items: center; justify-content: center; color: #888; }",
  ]

  /// `text` with `&`, `<`, `>`, `"` and `'` written as character references.
  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.append(character)
      }
    }
    return result
  }
}
