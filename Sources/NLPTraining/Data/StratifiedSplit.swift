/// Splits examples into train and dev so that each label keeps its share in both, reproducibly:
/// the same seed gives the same split. Each label with at least two examples puts at least one in
/// each part.
public struct StratifiedSplit<Element> {
    public let train: [Element]
    public let dev: [Element]

    /// `fraction` of each label's examples (rounded, at least one) go to dev.
    public init(_ elements: [Element], label: (Element) -> String, devFraction fraction: Double, seed: UInt64) {
        precondition(fraction > 0 && fraction < 1, "the dev fraction must be between 0 and 1")
        var byLabel: [String: [Int]] = [:]
        var order: [String] = []
        for (i, element) in elements.enumerated() {
            let key = label(element)
            if byLabel[key] == nil { order.append(key) }
            byLabel[key, default: []].append(i)
        }
        var generator = SplitMix64(seed: seed)
        var isDev = [Bool](repeating: false, count: elements.count)
        for key in order {
            var indices = byLabel[key]!
            guard indices.count >= 2 else { continue }
            // Fisher–Yates with our own generator: the split must not depend on the standard library's shuffle.
            for i in stride(from: indices.count - 1, to: 0, by: -1) {
                let j = Int(generator.next() % UInt64(i + 1))
                indices.swapAt(i, j)
            }
            let take = min(indices.count - 1, max(1, Int((Double(indices.count) * fraction).rounded())))
            for i in indices.prefix(take) { isDev[i] = true }
        }
        var train: [Element] = [], dev: [Element] = []
        for (i, element) in elements.enumerated() {
            if isDev[i] { dev.append(element) } else { train.append(element) }
        }
        self.train = train
        self.dev = dev
    }
}

/// A tiny seeded generator (SplitMix64) for data shuffling and splits: stable across platforms and
/// library versions, independent of the tensor RNG so that data order never shifts model init.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
