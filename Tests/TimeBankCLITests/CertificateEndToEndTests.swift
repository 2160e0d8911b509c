import Foundation
import Testing

/// `certificate issue|verify` on the demo ledger, against golden files checked by eye, and against a
/// log changed after the certificate was issued.
@Suite struct CertificateEndToEndTests {
  static let environment = ["TIMEBANK_NOW": "2025-07-01T10:00:00+08:00", "TIMEBANK_LOG": "demo.jsonl"]

  static func withDemo(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cert-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let demo = try BinaryRunner.run(["demo", "--out", "demo.jsonl"], directory: directory)
    try #require(demo.exitCode == 0)
    try body(directory)
  }

  @Test(arguments: [
    (["certificate", "issue", "m03"], "certificate-m03.txt"),
    (["certificate", "issue", "m03", "--format", "html"], "certificate-m03.html"),
    (["certificate", "issue", "m03", "--from", "2025-06-01", "--to", "2025-06-30"], "certificate-m03-2025-06.txt"),
    (["certificate", "verify", "1126-m03-20250601-20250630-8b84a4-7368369bff10"], "certificate-verify-m03-2025-06.txt"),
  ])
  func golden(arguments: [String], golden: String) throws {
    try Self.withDemo { directory in
      let run = try BinaryRunner.run(arguments, environment: Self.environment, directory: directory)
      #expect(run.exitCode == 0, "\(run.stderr)")
      #expect(run.stderr == "")
      Golden.check(run.stdout, against: golden)
    }
  }

  @Test func aChangedLogFailsVerification() throws {
    try Self.withDemo { directory in
      let log = directory.appendingPathComponent("demo.jsonl")
      var text = try String(contentsOf: log, encoding: .utf8)
      // Line 102 is the first record of 120 minutes; make it 180 without fixing its hash.
      let range = try #require(text.range(of: "\"minutes\":120"))
      text.replaceSubrange(range, with: "\"minutes\":180")
      try Data(text.utf8).write(to: log)
      let run = try BinaryRunner.run(
        ["certificate", "verify", "1126-m03-20250601-20250630-8b84a4-7368369bff10"], environment: Self.environment,
        directory: directory)
      #expect(run.exitCode == 2)
      #expect(run.stderr.contains("log failed verification: hash mismatch"))
    }
  }

  @Test func aCodeForNoCertificateIsRefused() throws {
    try Self.withDemo { directory in
      let run = try BinaryRunner.run(
        ["certificate", "verify", "1126-m03-20250601-20250630-8b84a4-000000000000"], environment: Self.environment,
        directory: directory)
      #expect(run.exitCode == 1)
      #expect(run.stderr.contains("no such certificate"))
    }
  }
}
