import Foundation

// Arguments must be UTF-8: Foundation would quietly replace bad bytes with U+FFFD, so two different
// ids typed on a misconfigured terminal could become the same one.
var arguments: [String] = []
let environment = ProcessInfo.processInfo.environment
for index in 1..<Int(CommandLine.argc) {
  guard let pointer = CommandLine.unsafeArgv[index], let argument = String(validatingCString: pointer) else {
    // `--lang` may be the bad argument itself: the environment's language words this one.
    let words = Localizer(Language.preferred(by: environment))
    let message = words(.argumentNotUTF8, ["index": index])
    FileHandle.standardError.write(Data((words(.errorLine, ["message": message]) + "\n").utf8))
    exit(Messages.usage)
  }
  arguments.append(argument)
}
let result = CLI.run(arguments, environment: environment)
FileHandle.standardOutput.write(Data(result.output.utf8))
FileHandle.standardError.write(Data(result.errors.utf8))
exit(result.exitCode)
