// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "timebank",
  products: [
    .library(name: "TimeBank", targets: ["TimeBank"]),
    .executable(name: "timebank", targets: ["timebank"]),
    .executable(name: "timebank-bench", targets: ["timebank-bench"]),
  ],
  targets: [
    .target(name: "TimeBank"),
    .executableTarget(name: "timebank", dependencies: ["TimeBank"]),
    .executableTarget(name: "timebank-bench", dependencies: ["TimeBank"]),
    .testTarget(name: "TimeBankTests", dependencies: ["TimeBank"]),
    .testTarget(name: "TimeBankCLITests", dependencies: ["timebank", "TimeBank"]),
  ]
)
