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
    // Parse, then validate, then run: every bad option is reported before the log is read.
    let member = MemberID(try context.identifier("member", context.positional(0)))
    let window = ReportWindow(from: try context.date("from"), to: try context.date("to"))
    if let from = window.from, let to = window.to, from > to {
      throw context.usage("to", to.description, "is before --from \(from)")
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
          "\(member) has no confirmed service \(windowPhrase(window)); there is nothing to certify",
          exitCode: Messages.refused)
      }
    }
    let issued = state.localDate(of: now)
    switch format {
    case .text: context.output += text(certificate, issued: issued)
    case .html: context.output += html(certificate, issued: issued)
    }
  }

  /// `certificate verify CODE [--log PATH]`: exit 0 with what the certificate says, 1 when the code is
  /// no certificate of this log, 2 when the log was changed since the certificate was issued.
  static func verify(_ context: inout Context) throws(Failure) {
    let text = context.positional(0)
    guard let code = Certificate.Code(text.trimmingCharacters(in: .whitespaces)) else {
      throw context.usage(
        "code", text,
        "expected SEQ-MEMBER-FROM-TO-HEAD-DIGEST as printed on the certificate, "
          + "e.g. 912-m03-20250301-20250630-1a2b3c-3fa9c2e81b7d")
    }
    let path = context.logPath
    let contents = try context.readLog(at: path)
    switch Certificate.verify(code, against: contents.records) {
    case .genuine(let certificate):
      context.print("certificate \(code): genuine (证明有效)")
      context.print("member (志愿者):           \(certificate.member) \(certificate.name)")
      context.print("recording unit (记录单位): \(certificate.community)")
      context.print("period (服务期间):         \(periodText(certificate.window, english: true))")
      context.print(
        "confirmed hours (时长):    \(certificate.totalMinutes.hoursText) "
          + "(\(certificate.activities.count) record\(certificate.activities.count == 1 ? "" : "s"))")
      context.print(
        "issued at seq (日志序号):  \(certificate.seq) (hash \(certificate.headHash.prefix(16))…)")
      let now = LedgerState(replaying: contents.records)
      for (record, status) in certificate.noLongerConfirmed(in: now) {
        context.print(
          "note: record \(record) on this certificate was \(status.name) after seq \(certificate.seq); "
            + "the certificate stands as issued, but one issued now would not count it")
      }
    case .noSuchCertificate(let mismatch):
      let reason: String
      switch mismatch {
      case .unknownMember: reason = "\(code.member) was not a registered member at seq \(code.seq)"
      case .nothingCertified:
        reason = "\(code.member) had no confirmed service \(windowPhrase(code.window)) at seq \(code.seq)"
      case .digestMismatch: reason = "the log at seq \(code.seq) gives another certificate for this code"
      case .headMismatch: reason = "the hash digits '\(code.head)' do not match the log at seq \(code.seq)"
      }
      throw .other("no such certificate: \(code): \(reason)", exitCode: Messages.refused)
    case .logChanged(let seq, let issuedOn, let found):
      throw .other(
        "\(path): seq \(seq): the log was changed after certificate \(code) was issued: "
          + "its line \(seq) now has hash \(found.prefix(16))…, the certificate was issued on "
          + "\(issuedOn)… (a line at or before seq \(seq) was edited and the chain rewritten)",
        exitCode: Messages.verificationFailed)
    case .logTooShort(let seq, let lastSeq):
      throw .other(
        "\(path): the log ends at seq \(lastSeq), but certificate \(code) was issued at seq \(seq): "
          + "the log was cut short since, or this is not the log it was issued from",
        exitCode: Messages.verificationFailed)
    }
  }

  /// `--format`: text (the default) or html. Read here, as the table|json|csv of `Context.format()`
  /// are not formats of a document.
  static func documentFormat(_ context: Context) throws(Failure) -> DocumentFormat {
    guard let text = context.parsed.value("format") else { return .text }
    guard let format = DocumentFormat(rawValue: text) else {
      throw context.usage("format", text, "expected text or html")
    }
    return format
  }

  // MARK: Wording

  /// The window as the certificate's period line says it.
  static func periodText(_ window: ReportWindow, english: Bool = false) -> String {
    switch (window.from, window.to) {
    case (let from?, let to?): english ? "\(from) to \(to)" : "\(from) 至 \(to)"
    case (let from?, nil): english ? "from \(from)" : "\(from) 起"
    case (nil, let to?): english ? "up to \(to)" : "至 \(to)"
    case (nil, nil): english ? "all dates" : "不限（全部已确认记录）"
    }
  }

  /// The window as a phrase in an English message.
  static func windowPhrase(_ window: ReportWindow) -> String {
    window.from == nil && window.to == nil ? "on any date" : "dated " + periodText(window, english: true)
  }

  /// The sentence that certifies (兹证明 …), in Chinese.
  static func statement(_ certificate: Certificate) -> String {
    let when: String
    switch (certificate.window.from, certificate.window.to) {
    case (let from?, let to?): when = "于 \(from) 至 \(to) 期间"
    case (let from?, nil): when = "自 \(from) 起"
    case (nil, let to?): when = "截至 \(to)"
    case (nil, nil): when = "截至本证明出具时"
    }
    return "兹证明 \(certificate.name)（成员编号 \(certificate.member)）\(when)在\(certificate.community)"
      + "参加志愿服务 \(certificate.activities.count) 次，经确认的志愿服务时长累计 "
      + "\(certificate.totalMinutes.hoursText) 小时。特此证明。"
  }

  /// The facts above the activities: label (Chinese, English) and value.
  static func facts(_ certificate: Certificate, issued: LocalDate) -> [(String, String, String)] {
    let dates = certificate.serviceDates.map { "\($0.lowerBound) 至 \($0.upperBound)" } ?? "-"
    return [
      ("志愿者姓名", "Name", certificate.name),
      ("成员编号", "Member ID", certificate.member.rawValue),
      ("服务期间", "Period", periodText(certificate.window)),
      ("服务日期", "Service dates", dates),
      ("服务次数", "Activities", "\(certificate.activities.count) 次"),
      ("服务时长合计", "Total hours", "\(certificate.totalMinutes.hoursText) 小时"),
      ("记录单位", "Recording unit", certificate.community),
      ("出具日期", "Issued", issued.description),
    ]
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

  static let columnTitles = ["序号", "日期", "服务内容", "时长(小时)", "服务队伍", "服务地点"]

  static func verifyLine(_ certificate: Certificate) -> String {
    "timebank certificate verify \(certificate.code)"
  }

  static func footnote(_ certificate: Certificate) -> String {
    "本证明依据《志愿服务记录与证明出具办法》出具，所列服务记录均已经确认（不含待确认、已驳回及已冲正的记录），"
      + "记录截至日志第 \(certificate.seq) 条（seq \(certificate.seq)）。"
  }

  // MARK: Text

  /// The certificate as Chinese text, English labels in parentheses; the activities are a table
  /// aligned by display width.
  static func text(_ certificate: Certificate, issued: LocalDate) -> String {
    var lines = [
      "志愿服务记录证明",
      "(Volunteer Service Record Certificate)",
      "",
      "证明编号 (No.)：\(certificate.number(issued: issued))",
      "",
      statement(certificate),
      "",
    ]
    lines += facts(certificate, issued: issued).map { "\($0.0) (\($0.1))：\($0.2)" }
    lines += ["", "服务记录 (Activities)："]
    let table = TextTable(
      columns: columnTitles.enumerated().map { index, title in
        TextTable.Column(title: title, alignment: index == 0 || index == 3 ? .right : .left)
      },
      rows: rows(certificate),
      footer: [["", "合计", "", certificate.totalMinutes.hoursText, "", ""]])
    var output = lines.map { $0 + "\n" }.joined() + table.render()
    output += [
      "",
      "验证码 (Verification code)：\(certificate.code)",
      "验证方法 (To verify)：\(verifyLine(certificate))",
      footnote(certificate),
      "",
      "记录单位（盖章）(Seal)：\(certificate.community)",
      "经办人 (Issued by)：",
      "日期 (Date)：\(issued)",
    ].map { $0 + "\n" }.joined()
    return output
  }

  // MARK: HTML

  /// The certificate as one self-contained HTML page for A4 paper: inline CSS, no external resources.
  static func html(_ certificate: Certificate, issued: LocalDate) -> String {
    let number = escape(certificate.number(issued: issued))
    // Two facts a row, to leave the page's height to the activities.
    let cells = facts(certificate, issued: issued).map { chinese, english, value in
      "<th>\(escape(chinese))<span class=\"en\">\(escape(english))</span></th><td>\(escape(value))</td>"
    }
    let facts = stride(from: 0, to: cells.count, by: 2).map { index in
      "<tr>" + cells[index..<min(index + 2, cells.count)].joined() + "</tr>"
    }
    let header = columnTitles.enumerated().map { index, title in
      "<th\(index == 0 || index == 3 ? " class=\"num\"" : "")>\(escape(title))</th>"
    }.joined()
    let body = rows(certificate).map { cells in
      "<tr>"
        + cells.enumerated().map { index, cell in
          "<td\(index == 0 || index == 3 ? " class=\"num\"" : "")>\(escape(cell))</td>"
        }.joined() + "</tr>"
    }
    let total =
      "<tr class=\"total\"><td></td><td>合计</td><td></td>"
      + "<td class=\"num\">\(escape(certificate.totalMinutes.hoursText))</td><td></td><td></td></tr>"
    var page = [
      "<!DOCTYPE html>",
      "<html lang=\"zh-CN\">",
      "<head>",
      "<meta charset=\"utf-8\">",
      "<title>志愿服务记录证明 \(number)</title>",
      "<style>",
    ]
    page += style
    page += [
      "</style>",
      "</head>",
      "<body>",
      "<main class=\"page\">",
      "<p class=\"number\">证明编号 (No.)：\(number)</p>",
      "<h1>志愿服务记录证明</h1>",
      "<p class=\"subtitle\">Volunteer Service Record Certificate</p>",
      "<p class=\"statement\">\(escape(statement(certificate)))</p>",
      "<table class=\"facts\">",
    ]
    page += facts
    page += [
      "</table>",
      "<h2>服务记录 <span class=\"en\">Activities</span></h2>",
      "<table class=\"activities\">",
      "<thead><tr>\(header)</tr></thead>",
      "<tbody>",
    ]
    page += body
    page += [
      "</tbody>",
      "<tfoot>\(total)</tfoot>",
      "</table>",
      "<p class=\"code\">验证码 (Verification code)：<code>\(escape(certificate.code.description))</code></p>",
      "<p class=\"note\">验证方法：<code>\(escape(verifyLine(certificate)))</code></p>",
      "<p class=\"note\">\(escape(footnote(certificate)))</p>",
      "<div class=\"signature\">",
      "<div class=\"signer\">",
      "<p>记录单位：\(escape(certificate.community))</p>",
      "<p>经办人：<span class=\"blank\"></span></p>",
      "<p>出具日期：\(escape(issued.description))</p>",
      "</div>",
      "<div class=\"seal\">（盖章）</div>",
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
