// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "timebank",
  products: [
    .library(name: "TimeBank", targets: ["TimeBank"]),
    .executable(name: "timebank", targets: ["timebank"]),
  ],
  targets: [
    .target(name: "TimeBank"),
    .executableTarget(name: "timebank", dependencies: ["TimeBank"]),
    .testTarget(name: "TimeBankTests", dependencies: ["TimeBank"]),
    .testTarget(name: "TimeBankCLITests", dependencies: ["timebank", "TimeBank"]),
  ]
)
