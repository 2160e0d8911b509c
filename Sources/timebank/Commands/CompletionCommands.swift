/// `timebank completion bash|zsh`: a completion script generated from the command table, so it can
/// never offer a command or option the parser does not know.
enum CompletionCommands {
  static func completion(_ context: inout Context) throws(Failure) {
    let shell = context.positional(0)
    switch shell {
    case "bash": context.output += bash()
    case "zsh": context.output += zsh()
    default: throw context.usage("shell", shell, context.words(.reasonShell))
    }
  }

  /// Every command path with the words that may follow it: subcommands, or options (with `--lang`,
  /// which every command takes).
  static func words(of spec: CommandSpec, path: [String] = []) -> [(path: String, words: [String])] {
    var words =
      spec.subcommands.map(\.name) + spec.options.map { "--" + $0.name } + [
        "--\(LanguageOption.name)", "--help",
      ]
    if path.isEmpty { words.append("--version") }
    var result = [(path.joined(separator: " "), words)]
    for subcommand in spec.subcommands {
      result += Self.words(of: subcommand, path: path + [subcommand.name])
    }
    return result
  }

  static func bash() -> String {
    let table = words(of: CommandTable.root(.english))
    let paths = table.map(\.path).filter { !$0.isEmpty }
    var script = """
      # bash completion for timebank: source <(timebank completion bash)
      _timebank() {
        local cur word path i opts
        cur="${COMP_WORDS[COMP_CWORD]}"
        path=""
        for ((i = 1; i < COMP_CWORD; i++)); do
          word="${COMP_WORDS[i]}"
          case "${path:+$path }$word" in

      """
    script +=
      "      " + paths.map { "\"\($0)\"" }.joined(separator: "|") + ") path=\"${path:+$path }$word\" ;;\n"
    script += """
            esac
          done
          case "$path" in

      """
    for (path, words) in table {
      script += "    \"\(path)\") opts=\"\(words.joined(separator: " "))\" ;;\n"
    }
    script += """
          esac
          COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        }
        complete -o default -F _timebank timebank

      """
    return script
  }

  static func zsh() -> String {
    "#compdef timebank\n# zsh completion for timebank: source <(timebank completion zsh)\n"
      + "autoload -U +X bashcompinit && bashcompinit\n" + bash()
  }
}
