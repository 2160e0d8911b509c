// libFuzzer target `arguments`: arbitrary command lines through the CLI's argument parser and help
// renderer (Sources/timebank/Parsing, the command table and TextTable's display width), compiled
// together with this file by .ci/fuzz. No command is run: parsing only, so nothing touches files.
//
// Input: the words of a command line separated by NUL bytes, decoded as UTF-8 (with replacement, as
// CommandLine.arguments does).

@_cdecl("LLVMFuzzerTestOneInput")
public func argumentsFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  let words = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
    String(decoding: $0, as: UTF8.self)
  }
  ArgumentOracles.check(words)
  return 0
}

enum ArgumentOracles {
  static let words = Localizer.english
  static let root = CommandTable.root(words)
  static let parser = ArgumentParser(root: root, globalOptionNames: [LanguageOption.name])
  static let help = HelpRenderer(root: root, globalOptions: [CommandTable.lang(words)], words: words)

  static func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("oracle broken: " + message()) }
  }

  static func check(_ words: [String]) {
    let first: Result<ParseOutcome, UsageError>
    do { first = .success(try parser.parse(words)) } catch { first = .failure(error) }
    let second: Result<ParseOutcome, UsageError>
    do { second = .success(try parser.parse(words)) } catch { second = .failure(error) }
    expect(first == second, "parsing is not deterministic")
    switch first {
    case .success(.help(let path)):
      let text = help.help(for: path)
      expect(text.hasPrefix("OVERVIEW: ") && text.hasSuffix("\n"), "help for \(path)")
    case .success(.version):
      break
    case .success(.command(let parsed)):
      guard let command = root.command(at: parsed.path) else {
        expect(false, "parsed a command that does not exist: \(parsed.path)")
        return
      }
      expect(command.subcommands.isEmpty, "parsed a group as a command: \(parsed.path)")
      for name in parsed.options.keys {
        expect(command.option(named: name) != nil, "option --\(name) is not one of \(parsed.path)")
      }
      for name in parsed.flags {
        expect(command.option(named: name)?.isFlag == true, "flag --\(name) is not one of \(parsed.path)")
      }
      for option in command.options where option.isRequired {
        expect(parsed.options[option.name] != nil, "required --\(option.name) missing but parsed")
      }
      let takesAny = command.positionals.last?.isVariadic ?? false
      expect(takesAny || parsed.positionals.count <= command.positionals.count, "too many positionals parsed")
      // A value refused after parsing is reported against the command's own spec.
      let refusal = root.invalidValue("x", for: "hours", at: parsed.path, reason: "fuzz")
      _ = help.errorReport(for: refusal)
    case .failure(let error):
      let report = help.errorReport(for: error)
      expect(report.hasPrefix("error: " + error.message(in: ArgumentOracles.words) + "\n"), "error report: \(report)")
    }
    // Suggestions never crash and are among the candidates.
    if let word = words.first {
      let names = root.subcommands.map(\.name)
      if let suggestion = ArgumentParser.suggestion(for: word, among: names) {
        expect(names.contains(suggestion), "suggested \(suggestion)")
      }
    }
  }
}
