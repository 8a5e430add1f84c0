import Foundation

/// A seeded counter-based generator (Philox-4x32-10, the generator behind PyTorch's CUDA RNG).
///
/// Each 128-bit counter value maps to four independent 32-bit numbers, so a bulk fill of n numbers
/// takes the next ⌈n/4⌉ counters and can compute them in any order: the same seed gives the same
/// numbers whatever the thread count. `state` (seed and counter) is all there is to save and
/// restore for a resumable run. Single draws (`nextUInt32`, `nextFloat`, …) use one counter each.
public final class RandomGenerator: @unchecked Sendable {
    public struct State: Codable, Equatable, Sendable {
        public var seed: UInt64
        public var counter: UInt64
        public init(seed: UInt64, counter: UInt64) { self.seed = seed; self.counter = counter }
    }

    /// The generator ops use when none is passed (dropout, initializers). Reseed it with `seed(_:)`.
    nonisolated(unsafe) public static var `default` = RandomGenerator(seed: 0)

    public private(set) var state: State

    public init(seed: UInt64) { state = State(seed: seed, counter: 0) }
    public init(state: State) { self.state = state }

    /// Restarts the default generator from `seed`.
    public static func seed(_ seed: UInt64) { RandomGenerator.default = RandomGenerator(seed: seed) }

    /// Moves the counter back to a saved point.
    public func restore(_ state: State) { self.state = state }

    /// Four 32-bit numbers for counter value `counter` under this generator's key (pure function).
    /// The ten rounds are written out so that a loop over counters has a straight-line body and
    /// vectorizes across counters.
    @inline(__always)
    static func block(_ counter: UInt64, key: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), UInt32(0), UInt32(0))
        let k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        round(&c, k0, k1)
        round(&c, k0 &+ 0x9E37_79B9, k1 &+ 0xBB67_AE85)
        round(&c, k0 &+ 0x9E37_79B9 &* 2, k1 &+ 0xBB67_AE85 &* 2)
        round(&c, k0 &+ 0x9E37_79B9 &* 3, k1 &+ 0xBB67_AE85 &* 3)
        round(&c, k0 &+ 0x9E37_79B9 &* 4, k1 &+ 0xBB67_AE85 &* 4)
        round(&c, k0 &+ 0x9E37_79B9 &* 5, k1 &+ 0xBB67_AE85 &* 5)
        round(&c, k0 &+ 0x9E37_79B9 &* 6, k1 &+ 0xBB67_AE85 &* 6)
        round(&c, k0 &+ 0x9E37_79B9 &* 7, k1 &+ 0xBB67_AE85 &* 7)
        round(&c, k0 &+ 0x9E37_79B9 &* 8, k1 &+ 0xBB67_AE85 &* 8)
        round(&c, k0 &+ 0x9E37_79B9 &* 9, k1 &+ 0xBB67_AE85 &* 9)
        return c
    }

    /// One Philox-4x32 round with round key (k0, k1).
    @inline(__always)
    static func round(_ c: inout (UInt32, UInt32, UInt32, UInt32), _ k0: UInt32, _ k1: UInt32) {
        let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
        let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
        c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k0, UInt32(truncatingIfNeeded: p1),
             UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k1, UInt32(truncatingIfNeeded: p0))
    }

    /// Takes the next `blocks` counter values; returns the first.
    @inline(__always)
    func reserve(blocks: Int) -> UInt64 {
        let first = state.counter
        state.counter &+= UInt64(blocks)
        return first
    }

    /// A uniform float in [0, 1) from the top 24 bits.
    @inline(__always)
    static func unit(_ bits: UInt32) -> Float { Float(bits >> 8) * 0x1p-24 }

    /// A uniform float in (0, 1] (safe for log).
    @inline(__always)
    static func openUnit(_ bits: UInt32) -> Float { Float((bits >> 8) + 1) * 0x1p-24 }

    public func nextUInt32() -> UInt32 { Self.block(reserve(blocks: 1), key: state.seed).0 }

    public func nextUInt64() -> UInt64 {
        let b = Self.block(reserve(blocks: 1), key: state.seed)
        return UInt64(b.0) << 32 | UInt64(b.1)
    }

    /// Uniform in [0, 1).
    public func nextFloat() -> Float { Self.unit(nextUInt32()) }

    /// Uniform integer in 0..<bound (no modulo bias: Lemire's multiply-and-reject).
    public func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below: \(bound))")
        let b = UInt64(bound)
        while true {
            let x = nextUInt64()
            let product = x.multipliedFullWidth(by: b)
            if product.low >= (0 &- b) % b { return Int(product.high) }
        }
    }

    /// A standard normal number (Box–Muller).
    public func nextNormal() -> Float {
        let b = Self.block(reserve(blocks: 1), key: state.seed)
        return Self.boxMuller(b.0, b.1).0
    }

    @inline(__always)
    static func boxMuller(_ u: UInt32, _ v: UInt32) -> (Float, Float) {
        let radius = (-2 * Foundation.log(openUnit(u))).squareRoot()
        let angle = 2 * Float.pi * unit(v)
        return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
    }

    /// A random order of 0..<count (Fisher–Yates).
    public func permutation(_ count: Int) -> [Int] {
        var p = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
        }
        return p
    }

    /// Writes `count` values, four per counter, computed in parallel chunks of whole counters:
    /// value i comes from word i % 4 of counter first + i / 4, whatever the chunking.
    /// `transform` maps one 32-bit word to one value; a struct (not a closure) so the loop over
    /// counters vectorizes.
    @inline(__always)
    func fill<T: RandomTransform>(_ y: UnsafeMutablePointer<Float>, count: Int, _ transform: T) {
        let blocks = (count + 3) / 4
        let first = reserve(blocks: blocks), key = state.seed
        let whole = count / 4
        Parallelism.forEachChunk(of: blocks, costPerItem: 64) { range in
            let end = Swift.min(range.upperBound, whole)
            if range.lowerBound < end {
                for blockIndex in range.lowerBound..<end {
                    let b = Self.block(first &+ UInt64(blockIndex), key: key)
                    let p = y + blockIndex * 4
                    p[0] = transform(b.0); p[1] = transform(b.1); p[2] = transform(b.2); p[3] = transform(b.3)
                }
            }
            if range.upperBound > whole {
                // The last, partial counter.
                let b = Self.block(first &+ UInt64(whole), key: key)
                let words = [b.0, b.1, b.2, b.3]
                for i in 0..<(count - whole * 4) { y[whole * 4 + i] = transform(words[i]) }
            }
        }
    }

    /// Fills with uniform values in [low, high).
    public func fillUniform(_ y: UnsafeMutablePointer<Float>, count: Int, low: Float = 0, high: Float = 1) {
        fill(y, count: count, UniformTransform(low: low, span: high - low))
    }

    /// Fills with normal values (Box–Muller on the pairs of words of each counter).
    public func fillNormal(_ y: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, standardDeviation: Float = 1) {
        let blocks = (count + 3) / 4
        let first = reserve(blocks: blocks), key = state.seed
        Parallelism.forEachChunk(of: blocks, costPerItem: 64) { range in
            for blockIndex in range {
                let b = Self.block(first &+ UInt64(blockIndex), key: key)
                let (z0, z1) = Self.boxMuller(b.0, b.1), (z2, z3) = Self.boxMuller(b.2, b.3)
                let values = (mean + standardDeviation * z0, mean + standardDeviation * z1,
                              mean + standardDeviation * z2, mean + standardDeviation * z3)
                let base = blockIndex * 4
                if base + 4 <= count {
                    y[base] = values.0; y[base + 1] = values.1; y[base + 2] = values.2; y[base + 3] = values.3
                } else {
                    let rest = [values.0, values.1, values.2, values.3]
                    for i in 0..<(count - base) { y[base + i] = rest[i] }
                }
            }
        }
    }

    /// Fills with 1 (probability `p`) or 0.
    public func fillBernoulli(_ y: UnsafeMutablePointer<Float>, count: Int, probability p: Float) {
        fill(y, count: count, ThresholdTransform(probability: p, below: 1, above: 0))
    }

    /// One index drawn with probability proportional to `weights` (non-negative, not all zero).
    public func categorical(weights: UnsafeBufferPointer<Float>) -> Int {
        var total: Float = 0
        for w in weights { total += w }
        precondition(total > 0 && total.isFinite, "categorical weights must be non-negative with a positive finite sum")
        let target = nextFloat() * total
        var running: Float = 0
        var last = 0
        for (i, w) in weights.enumerated() where w > 0 {
            running += w
            last = i
            if target < running { return i }
        }
        return last   // rounding left target at the very top
    }
}

/// Maps one random 32-bit word to a value (see `RandomGenerator.fill`).
public protocol RandomTransform {
    func callAsFunction(_ word: UInt32) -> Float
}

/// low + span · u with u uniform in [0, 1).
struct UniformTransform: RandomTransform {
    let low: Float, span: Float
    @inline(__always) func callAsFunction(_ word: UInt32) -> Float { low + span * RandomGenerator.unit(word) }
}

/// `below` with probability `probability` (u < p), else `above`: Bernoulli draws and dropout masks.
struct ThresholdTransform: RandomTransform {
    let probability: Float, below: Float, above: Float
    @inline(__always) func callAsFunction(_ word: UInt32) -> Float { RandomGenerator.unit(word) < probability ? below : above }
}
