import TimeBank

/// Why a benchmark command failed; `main` prints it as `error: ...` and exits with `exitCode`.
enum BenchError: Error, CustomStringConvertible {
  /// The command line was wrong.
  case usage(String)
  /// The library refused one of the generator's own commands, or could not write the log.
  case generator(path: String, LedgerError)
  /// A log could not be read, or failed verification.
  case log(LogError)
  /// The audit found a problem in a log the generator wrote.
  case auditFailed(path: String, String)
  /// A child process (the `timebank` CLI, or `timebank-bench` itself) failed.
  case childFailed(command: String, status: String, stderr: String)
  /// A file could not be read or written, or a program could not be started.
  case io(String)
  /// Two ways of computing the same thing in the library gave different results: a bug in the library.
  case disagreement(String)
  /// The benchmark's own bookkeeping is wrong: a bug here, not in the library.
  case internalError(String)

  var description: String {
    switch self {
    case .usage(let message): message
    case .generator(let path, .rejected(let rejection, let index)):
      "\(path): the library refused the generator's command #\(index + 1) of a batch: \(rejection) "
        + "(a bug in the generator; nothing of that batch was written)"
    case .generator(let path, .log(let error)): "\(path): \(error)"
    case .log(let error): "\(error)"
    case .auditFailed(let path, let problem): "\(path): audit failed: \(problem)"
    case .childFailed(let command, let status, let stderr):
      "`\(command)` \(status)" + (stderr.isEmpty ? "" : ":\n" + stderr.trimmingSuffixNewlines)
    case .io(let message): message
    case .disagreement(let message): "the library disagrees with itself: \(message)"
    case .internalError(let message): "internal error: \(message)"
    }
  }

  /// 64 for usage, 2 for a log that failed verification, 74 for I/O (including a file that already
  /// exists), 1 otherwise: the CLI's codes.
  var exitCode: Int32 {
    switch self {
    case .usage: 64
    case .log(.corrupt), .auditFailed: 2
    case .log, .io, .generator(_, .log): 74
    case .generator, .childFailed, .disagreement, .internalError: 1
    }
  }
}

extension String {
  var trimmingSuffixNewlines: String {
    var text = self
    while text.hasSuffix("\n") { text.removeLast() }
    return text
  }
}
