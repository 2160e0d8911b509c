import Foundation

// Arguments must be UTF-8: Foundation would quietly replace bad bytes with U+FFFD, so two different
// ids typed on a misconfigured terminal could become the same one.
var arguments: [String] = []
for index in 1..<Int(CommandLine.argc) {
  guard let pointer = CommandLine.unsafeArgv[index], let argument = String(validatingCString: pointer) else {
    FileHandle.standardError.write(
      Data("error: argument \(index) is not valid UTF-8; set a UTF-8 locale (e.g. LANG=zh_CN.UTF-8)\n".utf8))
    exit(64)
  }
  arguments.append(argument)
}
let result = CLI.run(arguments, environment: ProcessInfo.processInfo.environment)
FileHandle.standardOutput.write(Data(result.output.utf8))
FileHandle.standardError.write(Data(result.errors.utf8))
exit(result.exitCode)
