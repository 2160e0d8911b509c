import Testing

@testable import timebank

@Suite struct TextTableTests {
  @Test func displayWidthCountsWideCharactersTwice() {
    #expect(displayWidth("张三") == 4)
    #expect(displayWidth("abc") == 3)
    #expect(displayWidth("张三abc") == 7)
    #expect(displayWidth("ｈｉ") == 4)
    #expect(displayWidth("。") == 2)
    #expect(displayWidth("カナ") == 4)
    #expect(displayWidth("한국") == 4)
    #expect(displayWidth("👍") == 2)
    #expect(displayWidth("") == 0)
  }

  @Test func displayWidthCountsMarksAndControlsAsNothing() {
    #expect(displayWidth("e\u{301}") == 1)
    #expect(displayWidth("a\u{200B}b") == 2)
    #expect(displayWidth("\u{7}") == 0)
    #expect(displayWidth("\u{301}") == 0)
  }

  @Test func columnsLineUpWithChineseAndLatinNames() {
    let table = TextTable(
      columns: [
        .init(title: "Member", alignment: .left),
        .init(title: "Name", alignment: .left),
        .init(title: "Hours", alignment: .right),
        .init(title: "Points", alignment: .right),
      ],
      rows: [
        ["m1", "张三", "12.5", "12.50"],
        ["m2", "Alice", "3", "3.00"],
        ["m10", "欧阳娜娜", "100", "100.00"],
      ],
      footer: [["", "Total", "115.5", "115.50"]])
    let expected = """
      Member  Name      Hours  Points
      ------  --------  -----  ------
      m1      张三       12.5   12.50
      m2      Alice         3    3.00
      m10     欧阳娜娜    100  100.00
      ------  --------  -----  ------
              Total     115.5  115.50

      """
    #expect(table.render() == expected)
  }

  @Test func noLineEndsInSpaces() {
    let table = TextTable(
      columns: [.init(title: "Name", alignment: .left), .init(title: "Note", alignment: .left)],
      rows: [["张三", "x"], ["Bob", ""]])
    let expected = """
      Name  Note
      ----  ----
      张三  x
      Bob

      """
    #expect(table.render() == expected)
  }

  @Test func missingCellsAreEmptyAndLineBreaksBecomeSpaces() {
    let table = TextTable(
      columns: [.init(title: "Memo", alignment: .left), .init(title: "N", alignment: .right)],
      rows: [["a\nb\r\nc"], ["d", "10", "ignored"]])
    let expected = """
      Memo    N
      -----  --
      a b c
      d      10

      """
    #expect(table.render() == expected)
  }

  @Test func emptyTableHasHeaderAndRule() {
    let table = TextTable(columns: [.init(title: "Account", alignment: .left)], rows: [])
    #expect(table.render() == "Account\n-------\n")
  }
}

@Suite struct CSVWriterTests {
  @Test func plainFieldsAreWrittenAsTheyAre() {
    #expect(CSVWriter.field("12.50") == "12.50")
    #expect(CSVWriter.field("张三") == "张三")
    #expect(CSVWriter.field("") == "")
    #expect(CSVWriter.field("O'Brien; ok") == "O'Brien; ok")
  }

  @Test func fieldsWithSpecialCharactersAreQuoted() {
    #expect(CSVWriter.field("gift, thanks") == "\"gift, thanks\"")
    #expect(CSVWriter.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSVWriter.field("line 1\nline 2") == "\"line 1\nline 2\"")
    #expect(CSVWriter.field("a\r\nb") == "\"a\r\nb\"")
    #expect(CSVWriter.field("a\rb") == "\"a\rb\"")
    #expect(CSVWriter.field("\"") == "\"\"\"\"")
  }

  @Test func rendersHeaderAndRows() {
    let csv = CSVWriter.render(
      header: ["member", "name", "memo"],
      rows: [["m1", "张三", "谢谢, thanks"], ["m2", "Ann", "said \"ok\"\nthen left"]])
    let expected =
      "member,name,memo\n" + "m1,张三,\"谢谢, thanks\"\n" + "m2,Ann,\"said \"\"ok\"\"\nthen left\"\n"
    #expect(csv == expected)
  }

  @Test func emptyHeaderWritesOnlyRows() {
    #expect(CSVWriter.render(header: [], rows: [["a", "b"], []]) == "a,b\n\n")
  }
}
