import Foundation

/// A one-line progress report on stderr for a long command (`audit`, `import`), redrawn in place.
///
/// Shown only when stderr is a terminal, never into a file or a pipe (where a log or a script would
/// read it), and never when the command was given `--quiet`.
struct TerminalProgress {
  /// The line for (done, total), e.g. `audit: 45% (10000 of 22000 events)`.
  private let line: (Int, Int) -> String

  /// A progress report worded by `line`, or `nil` when none is to be shown: `isQuiet`, or stderr is
  /// not a terminal.
  init?(isQuiet: Bool, line: @escaping (Int, Int) -> String) {
    guard !isQuiet, isatty(STDERR_FILENO) == 1 else { return nil }
    self.line = line
  }

  /// Redraws the line for `done` of `total`.
  func report(_ done: Int, _ total: Int) {
    FileHandle.standardError.write(Data(("\r" + line(done, total)).utf8))
  }

  /// Clears the line, so what the command prints next starts on a clean line.
  func finish() {
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}

extension Context {
  /// The progress report of this command, worded by `key` (which takes `{percent}`, `{done}` and
  /// `{total}`), or `nil` when stderr is not a terminal or `--quiet` was given.
  func progress(_ key: MessageKey) -> TerminalProgress? {
    let words = words
    return TerminalProgress(isQuiet: parsed.has("quiet")) { done, total in
      words(key, ["percent": done * 100 / max(total, 1), "done": done, "total": total])
    }
  }
}
