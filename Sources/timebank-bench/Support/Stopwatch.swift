/// Wall-clock time since it was made, from the monotonic clock.
struct Stopwatch {
  private let start = ContinuousClock.now

  var seconds: Double {
    let elapsed = ContinuousClock.now - start
    let (whole, attoseconds) = elapsed.components
    return Double(whole) + Double(attoseconds) / 1e18
  }
}

/// Small statistics over repeated runs.
enum Statistics {
  /// The median (the mean of the middle two for an even count); 0 for none.
  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
