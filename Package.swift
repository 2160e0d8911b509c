// swift-tools-version:6.0
import PackageDescription

// SHA-256 uses the SHA extensions of x86-64 processors when the processor has them (checked at run
// time, SHA256+Extensions.swift). The compiler accepts their intrinsics only with `-msha`, which
// enables those instructions and nothing else: the compiler never emits them on its own, so the
// library still runs on any x86-64. The flag follows the architecture this manifest is built on.
#if arch(x86_64)
  let timeBankSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-msha"])]
#else
  let timeBankSettings: [SwiftSetting] = []
#endif

let package = Package(
  name: "timebank",
  products: [
    .library(name: "TimeBank", targets: ["TimeBank"]),
    .executable(name: "timebank", targets: ["timebank"]),
    .executable(name: "timebank-bench", targets: ["timebank-bench"]),
  ],
  targets: [
    .target(name: "TimeBank", swiftSettings: timeBankSettings),
    .executableTarget(name: "timebank", dependencies: ["TimeBank"]),
    .executableTarget(name: "timebank-bench", dependencies: ["TimeBank"]),
    .testTarget(name: "TimeBankTests", dependencies: ["TimeBank"]),
    .testTarget(name: "TimeBankCLITests", dependencies: ["timebank", "TimeBank"]),
  ]
)
