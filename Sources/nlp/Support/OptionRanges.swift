import ArgumentParser

/// Checks options that must lie in a range (an absent optional one is not checked).
func requireRanges(_ checks: [(name: String, value: Int?, range: ClosedRange<Int>)]) throws {
    for (name, value, range) in checks {
        if let value, !range.contains(value) {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }
}
