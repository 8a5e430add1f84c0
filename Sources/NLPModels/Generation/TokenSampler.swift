import NLPTensor

/// How the next token is chosen from a row of logits.
public struct SamplingOptions: Equatable, Sendable {
    /// Logits are divided by it before the softmax: below 1 sharpens, above 1 flattens.
    public var temperature: Float
    /// Only the `topK` most likely tokens are candidates (nil: all).
    public var topK: Int?
    /// Only the smallest set of most likely tokens whose probabilities reach `topP` (nucleus sampling; nil: all).
    public var topP: Float?
    /// CTRL's penalty (as Hugging Face's): a token already in the prompt or the output has its logit
    /// divided by it when positive, multiplied when negative. 1 is none.
    public var repetitionPenalty: Float
    /// Always the most likely token (temperature, top-k and top-p are then ignored).
    public var greedy: Bool

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, repetitionPenalty: Float = 1, greedy: Bool = false) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.greedy = greedy
    }

    /// The first option out of its range, as an error naming it.
    public func validate() throws {
        if !(temperature > 0 && temperature.isFinite) { throw GenerationError.badOption("temperature must be a positive number, got \(temperature)") }
        if let topK, topK < 1 { throw GenerationError.badOption("top-k must be 1 or more, got \(topK)") }
        if let topP, !(topP > 0 && topP <= 1) { throw GenerationError.badOption("top-p must be in (0, 1], got \(topP)") }
        if !(repetitionPenalty > 0 && repetitionPenalty.isFinite) {
            throw GenerationError.badOption("repetition penalty must be a positive number, got \(repetitionPenalty)")
        }
    }
}

/// Picks tokens from logits rows by `SamplingOptions`, drawing from its own random generator, so
/// the same seed gives the same choices. Scratch buffers are reused from token to token.
public final class TokenSampler {
    public let options: SamplingOptions
    public let vocabularySize: Int
    public let generator: RandomGenerator
    private let weights: UnsafeMutablePointer<Float>
    private var order: [Int32]
    /// `seen[id] == stamp`: the id has been penalized in this call (each history token once).
    private var seen: [UInt32]
    private var stamp: UInt32 = 0

    public init(options: SamplingOptions, vocabularySize: Int, generator: RandomGenerator) {
        self.options = options
        self.vocabularySize = vocabularySize
        self.generator = generator
        weights = .allocate(capacity: vocabularySize)
        order = Array(0..<Int32(vocabularySize))
        seen = Array(repeating: 0, count: vocabularySize)
    }

    deinit { weights.deallocate() }

    /// The next token for a row of `vocabularySize` logits; `history` (prompt and output so far)
    /// is what the repetition penalty looks at.
    public func pick<History: Sequence>(_ logits: UnsafePointer<Float>, history: History) -> Int32 where History.Element == Int32 {
        let v = vocabularySize, w = weights
        w.update(from: logits, count: v)
        penalize(w, history: history, penalty: options.repetitionPenalty)
        if options.greedy { return Int32(Self.argmax(w, count: v)) }

        // Top-k: the k-th largest logit is the cut (ties at the cut all stay).
        var cut = -Float.infinity
        if let k = options.topK, k < v { cut = kthLargest(w, count: v, k: k) }
        let inverse = 1 / options.temperature
        let top = Kernels.max(w, count: v)
        for i in 0..<v { w[i] = w[i] < cut ? 0 : FastMath.exp((w[i] - top) * inverse) }

        if let p = options.topP, p < 1 { keepNucleus(w, count: v, mass: p) }
        return Int32(generator.categorical(weights: UnsafeBufferPointer(start: w, count: v)))
    }

    /// Applies the repetition penalty to `w` in place, once per distinct token of `history`.
    func penalize<History: Sequence>(_ w: UnsafeMutablePointer<Float>, history: History, penalty: Float) where History.Element == Int32 {
        guard penalty != 1 else { return }
        stamp &+= 1
        if stamp == 0 { seen = Array(repeating: 0, count: vocabularySize); stamp = 1 }
        for id in history {
            let i = Int(id)
            guard i >= 0 && i < vocabularySize && seen[i] != stamp else { continue }
            seen[i] = stamp
            w[i] = w[i] > 0 ? w[i] / penalty : w[i] * penalty
        }
    }

    /// Zeroes every weight outside the smallest most-likely set holding `mass` of the total.
    private func keepNucleus(_ w: UnsafeMutablePointer<Float>, count v: Int, mass: Float) {
        var candidates = 0
        for i in 0..<v where w[i] > 0 { order[candidates] = Int32(i); candidates += 1 }
        order.withUnsafeMutableBufferPointer { o in
            var live = UnsafeMutableBufferPointer(rebasing: o[0..<candidates])
            live.sort { w[Int($0)] > w[Int($1)] }
            var total: Float = 0
            for id in live { total += w[Int(id)] }
            let target = mass * total
            var running: Float = 0, kept = 0
            while kept < candidates && running < target { running += w[Int(live[kept])]; kept += 1 }
            for id in live[max(kept, 1)...] { w[Int(id)] = 0 }
            for i in 0..<v { o[i] = Int32(i) }
        }
    }

    /// The k-th largest of `count` values (1-based), by quickselect on a copy.
    private func kthLargest(_ w: UnsafeMutablePointer<Float>, count v: Int, k: Int) -> Float {
        var values = Array(UnsafeBufferPointer(start: w, count: v))
        var low = 0, high = v - 1
        let target = k - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if target <= j { high = j } else if target >= i { low = i } else { break }
        }
        return values[target]
    }

    static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for i in 1..<count where x[i] > x[best] { best = i }
        return best
    }
}
