import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

// Durability through the binary: the modes of new files, a disk that fills up mid-append, and logs
// the process may not open.
//
// fsync itself (of the log, of side files, of the directory) cannot be observed from here; LogFile
// calls it before reporting success, and a failed write or fsync cuts the file back. The full-disk
// test makes a real write fail: a 64 KiB tmpfs, filled, then appends until one does not fit.

enum Privileges {
  static var isRoot: Bool { geteuid() == 0 }

  static func tool(_ name: String) -> String? {
    ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map { $0 + name }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  /// Runs a system tool and waits.
  static func system(_ tool: String, _ arguments: [String], in directory: String = "/") throws -> SpawnResult
  {
    try Spawned.start(
      tool, arguments: arguments.map { Array($0.utf8) },
      environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"],
      directory: directory
    ).wait()
  }

  /// Whether this process may mount a tmpfs (root, and a `mount` that works here), tried once.
  static let canMountTmpfs: Bool = {
    guard isRoot, let mount = tool("mount"), let umount = tool("umount"),
      let directory = try? ScratchDirectory("mount-probe")
    else {
      print("durability: cannot mount a tmpfs here (not root, or no mount); the full-disk test is skipped")
      return false
    }
    let mounted = (try? system(mount, ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory.path]))?.code == 0
    if mounted {
      _ = try? system(umount, [directory.path])
    } else {
      print("durability: 'mount -t tmpfs' failed; the full-disk test is skipped")
    }
    return mounted
  }()

  /// How to run the binary as a user whose permissions are checked: root bypasses them, so as root
  /// the run goes through `setpriv` to uid/gid 65534 (nobody).
  static let unprivilegedPrefix: [String]? = {
    if !isRoot { return [] }
    guard let setpriv = tool("setpriv") else {
      print("durability: running as root without setpriv; the permission tests are skipped")
      return nil
    }
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
  }()
}

@Suite struct DurabilityTests {
  /// `init` creates the log 0660 whatever the umask (it chmods after creating).
  @Test(arguments: ["077", "022", "000"])
  func newLogIsMode0660(umask: String) throws {
    let directory = try ScratchDirectory("mode")
    let shell = try #require(Privileges.tool("sh"))
    let run = try Spawned.start(
      shell,
      arguments: [
        "-c", "umask \(umask); exec \"$0\" \"$@\"", try Reliability.binaryPath(), "init", "--community", "X",
      ]
      .map { Array($0.utf8) },
      environment: Reliability.environment(actor: "admin"), directory: directory.path
    ).wait()
    #expect(run.code == 0, "\(run)")
    #expect(
      Reliability.mode(of: directory.log) == 0o660,
      "mode \(String(Reliability.mode(of: directory.log) ?? 0, radix: 8))")
    let demo = try Spawned.start(
      shell,
      arguments: [
        "-c", "umask \(umask); exec \"$0\" \"$@\"", try Reliability.binaryPath(), "demo", "--out",
        "demo.jsonl",
      ]
      .map { Array($0.utf8) },
      environment: Reliability.environment(actor: nil), directory: directory.path
    ).wait()
    #expect(demo.code == 0, "\(demo)")
    #expect(Reliability.mode(of: directory.file("demo.jsonl")) == 0o660)
  }

  /// `repair`'s side file is 0660 too, under a umask of 077.
  @Test func repairSideFileIsMode0660() throws {
    let directory = try ScratchDirectory("mode")
    let log = try SmallCommunity.install(in: directory)
    try directory.write(log + Array("{\"seq\":23,".utf8))
    let shell = try #require(Privileges.tool("sh"))
    let run = try Spawned.start(
      shell,
      arguments: ["-c", "umask 077; exec \"$0\" \"$@\"", try Reliability.binaryPath(), "repair"].map {
        Array($0.utf8)
      },
      environment: Reliability.environment(actor: nil), directory: directory.path
    ).wait()
    #expect(run.code == 0, "\(run)")
    let side = directory.file("\(Reliability.logName).torn-\(log.count)")
    #expect(try directory.read("\(Reliability.logName).torn-\(log.count)") == Array("{\"seq\":23,".utf8))
    #expect(Reliability.mode(of: side) == 0o660, "mode \(String(Reliability.mode(of: side) ?? 0, radix: 8))")
    #expect(try directory.read() == log)
  }

  /// A disk that fills up: appends go on until one does not fit; that one fails with exit 74 naming the
  /// write, and the log keeps its previous bytes exactly (the partial write is cut back).
  @Test(.enabled(if: Privileges.canMountTmpfs, "needs root to mount a 64 KiB tmpfs"))
  func fullDiskFailsTheAppendAndKeepsTheBytes() throws {
    let outer = try ScratchDirectory("fulldisk")
    let mountPoint = outer.file("mnt")
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
    let mount = try #require(Privileges.tool("mount"))
    let umount = try #require(Privileges.tool("umount"))
    let mounted = try Privileges.system(mount, ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
    try #require(mounted.code == 0, "\(mounted)")
    defer { _ = try? Privileges.system(umount, ["-l", mountPoint]) }

    let log = mountPoint + "/" + Reliability.logName
    try Data(try SmallCommunity.log.get()).write(to: URL(fileURLWithPath: log))
    // Fill every free block.
    let filler = mountPoint + "/filler"
    let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    try #require(descriptor >= 0)
    let chunk = [UInt8](repeating: 0x2E, count: 1024)
    var filled = 0
    while true {
      let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written <= 0 { break }
      filled += written
    }
    let fillError = errno
    close(descriptor)
    #expect(fillError == ENOSPC, "filling stopped with errno \(fillError)")

    // Appends of ~600 bytes until one fails: the last page of the log had room for a few.
    let memo = String(repeating: "满", count: 150)
    var fitted = 0
    var failure: SpawnResult?
    var before: [UInt8] = []
    var attempt = 0
    for number in 1...40 {
      attempt = number
      before = Array(try Data(contentsOf: URL(fileURLWithPath: log)))
      let run = try Reliability.run(
        ["transfer", "m1", "m2", "0.01", "--memo", memo, "--id", "full-\(number)"], actor: "m1",
        in: mountPoint)
      let after = Array(try Data(contentsOf: URL(fileURLWithPath: log)))
      if run.code == 0 {
        fitted += 1
        #expect(Array(after.prefix(before.count)) == before)
        #expect(Reliability.lines(Array(after.suffix(from: before.count))).count == 1)
        continue
      }
      failure = run
      #expect(after == before, "a failed append left \(after.count - before.count) bytes behind")
      var info = stat()
      #expect(stat(log, &info) == 0 && Int(info.st_size) == before.count, "the file's size changed")
      break
    }
    let failed = try #require(failure, "no append failed on a full disk")
    #expect(failed.code == 74, "\(failed)")
    #expect(
      failed.stderr == "error: \(Reliability.logName): could not write: No space left on device\n",
      "\(failed)")
    #expect(failed.stdout == "")
    let audit = try Reliability.run(["audit"], in: mountPoint)
    #expect(audit.code == 0, "\(audit)")

    // Space again: the same command (same --id) now goes through, once.
    try FileManager.default.removeItem(atPath: filler)
    let retry = try Reliability.run(
      ["transfer", "m1", "m2", "0.01", "--memo", memo, "--id", "full-\(attempt)"], actor: "m1", in: mountPoint
    )
    #expect(retry.code == 0, "\(retry)")
    #expect(retry.stdout.hasPrefix("recorded points.transferred full-\(attempt) at seq"), "\(retry)")
    let counts = Reliability.idCounts(Array(try Data(contentsOf: URL(fileURLWithPath: log))))
    #expect(counts["full-\(attempt)"] == 1)
    print(
      "durability: 64 KiB tmpfs filled with \(filled) bytes; \(fitted) appends fitted in the log's last page, "
        + "append \(attempt) failed with exit 74 (\(failed.stderr.trimmingCharacters(in: .newlines))) and the log kept "
        + "its \(before.count) bytes; after freeing space the retry appended once")
  }

  /// `--log /dev/full`: not a regular file, refused before anything is written; `init` will not
  /// create a ledger over it either.
  @Test func devFullIsRefused() throws {
    let directory = try ScratchDirectory("devfull")
    let log = try SmallCommunity.install(in: directory)
    for (actor, arguments) in [
      ("m1", ["transfer", "m1", "m2", "1", "--log", "/dev/full"]), ("m1", ["repair", "--log", "/dev/full"]),
      ("m1", ["audit", "--log", "/dev/full"]),
    ] {
      let run = try Reliability.run(arguments, actor: actor, in: directory.path)
      #expect(run.code == 74, "\(arguments): \(run)")
      #expect(run.stderr == "error: /dev/full: not a regular file\n", "\(arguments): \(run)")
    }
    let initialise = try Reliability.run(
      ["init", "--community", "X", "--log", "/dev/full"], actor: "admin", in: directory.path)
    #expect(initialise.code == 1, "\(initialise)")
    #expect(
      initialise.stderr
        == "error: /dev/full: a file already exists there; a new ledger never overwrites one\n",
      "\(initialise)")
    #expect(try directory.read() == log)
  }

  /// A log its user may not read (chmod 000): every command fails with exit 74, naming the open.
  @Test(.enabled(if: Privileges.unprivilegedPrefix != nil, "needs setpriv when run as root"))
  func unreadableLogIsAnIOError() throws {
    let prefix = try #require(Privileges.unprivilegedPrefix)
    let directory = try ScratchDirectory("unreadable")
    chmod(directory.path, 0o755)
    let log = try SmallCommunity.install(in: directory)
    chmod(directory.log, 0o000)
    defer { chmod(directory.log, 0o600) }
    for (actor, arguments) in [
      ("m1", ["transfer", "m1", "m2", "1"]), ("-", ["balance"]), ("-", ["audit"]), ("-", ["repair"]),
    ] {
      let run = try runUnprivileged(prefix, arguments, actor: actor == "-" ? nil : actor, in: directory)
      #expect(run.code == 74, "\(arguments): \(run)")
      #expect(run.stderr == "error: tb.jsonl: could not open: Permission denied\n", "\(arguments): \(run)")
    }
    #expect(Reliability.mode(of: directory.log) == 0)
    chmod(directory.log, 0o600)
    #expect(try directory.read() == log)
  }

  /// A log its user may read but not write (0444): readers work, writers fail with exit 74.
  @Test(.enabled(if: Privileges.unprivilegedPrefix != nil, "needs setpriv when run as root"))
  func readOnlyLogRefusesWritersOnly() throws {
    let prefix = try #require(Privileges.unprivilegedPrefix)
    let directory = try ScratchDirectory("readonly")
    chmod(directory.path, 0o755)
    let log = try SmallCommunity.install(in: directory)
    chmod(directory.log, 0o444)
    defer { chmod(directory.log, 0o600) }
    let reader = try runUnprivileged(prefix, ["balance", "m1", "--format", "csv"], actor: nil, in: directory)
    #expect(reader.code == 0, "\(reader)")
    #expect(reader.stdout.contains("member:m1,张三,8.00,"), "\(reader)")
    let writer = try runUnprivileged(prefix, ["transfer", "m1", "m2", "1"], actor: "m1", in: directory)
    #expect(writer.code == 74, "\(writer)")
    #expect(writer.stderr == "error: tb.jsonl: could not open: Permission denied\n", "\(writer)")
    #expect(try directory.read() == log)
  }

  private func runUnprivileged(
    _ prefix: [String], _ arguments: [String], actor: String?, in directory: ScratchDirectory
  ) throws -> SpawnResult {
    let command = prefix + [try Reliability.binaryPath()] + arguments
    return try Spawned.start(
      command[0], arguments: command.dropFirst().map { Array($0.utf8) },
      environment: Reliability.environment(actor: actor), directory: directory.path
    ).wait()
  }
}
