import Foundation
import NLPTensor

/// Beam search: the `beams` most likely continuations are extended token by token (one decoder
/// row each, reordered as beams are replaced); a beam that emits the end token is finished. The
/// result is the finished (or, at the length limit, live) beam with the best log-probability per
/// token raised to `lengthPenalty` (Hugging Face's length normalization; 1 = mean log-probability).
public struct BeamSearch {
    public let beams: Int
    public var maxNewTokens: Int
    public var endToken: Int32?
    public var repetitionPenalty: Float
    public var lengthPenalty: Float

    public init(beams: Int, maxNewTokens: Int, endToken: Int32? = nil, repetitionPenalty: Float = 1, lengthPenalty: Float = 1) {
        precondition(beams >= 1, "beam search needs at least one beam")
        self.beams = beams
        self.maxNewTokens = maxNewTokens
        self.endToken = endToken
        self.repetitionPenalty = repetitionPenalty
        self.lengthPenalty = lengthPenalty
    }

    public struct Hypothesis: Equatable, Sendable {
        /// The new tokens (with the end token when it finished on one).
        public var tokens: [Int32]
        /// Summed log-probability of `tokens`.
        public var logProbability: Float
        public var score: Float
    }

    /// The best continuation of `prompt` (cropped to the decoder's context), decoded with
    /// `decoder`, whose batch must equal `beams`.
    public func run(_ decoder: IncrementalDecoder, prompt: [Int32]) -> Hypothesis {
        precondition(decoder.batch == beams, "a beam search of \(beams) beams needs a decoder of \(beams) rows")
        precondition(!prompt.isEmpty, "a prompt needs at least one token")
        let v = decoder.vocabularySize, context = decoder.context ?? Int.max
        let start = Array(prompt.suffix(context))
        let penalizer = TokenSampler(options: SamplingOptions(repetitionPenalty: repetitionPenalty), vocabularySize: v,
                                     generator: RandomGenerator(seed: 0))
        var histories = Array(repeating: start, count: beams)
        var generated = Array(repeating: [Int32](), count: beams)
        // Only the first beam is alive at the start, so the first step does not pick one token B times.
        var scores = [Double](repeating: -.infinity, count: beams)
        scores[0] = 0
        var finished: [Hypothesis] = []
        decoder.reset()
        var logits = decoder.feed(histories.flatMap { $0 })
        let row = UnsafeMutablePointer<Float>.allocate(capacity: v)
        defer { row.deallocate() }

        for step in 0..<maxNewTokens {
            // The best 2B (beam, token) extensions: enough for B live beams after B of them end.
            var candidates = BeamCandidates(capacity: 2 * beams)
            for b in 0..<beams where scores[b] > -.infinity {
                row.update(from: logits.data + b * v, count: v)
                penalizer.penalize(row, history: histories[b], penalty: repetitionPenalty)
                candidates.offer(logits: row, count: v, beam: b, score: scores[b])
            }
            var sources: [Int] = [], nextTokens: [Int32] = [], nextScores: [Double] = []
            for c in candidates.best where sources.count < beams {
                let tokens = generated[c.beam] + [c.token]
                if c.token == endToken {
                    finished.append(hypothesis(tokens, c.score))
                } else {
                    sources.append(c.beam)
                    nextTokens.append(c.token)
                    nextScores.append(c.score)
                }
            }
            if finished.count >= beams || step == maxNewTokens - 1 || sources.isEmpty {
                for (i, b) in sources.enumerated() { finished.append(hypothesis(generated[b] + [nextTokens[i]], nextScores[i])) }
                break
            }
            while sources.count < beams {   // fewer live candidates than beams: pad with dead rows
                sources.append(sources[0]); nextTokens.append(nextTokens[0]); nextScores.append(-.infinity)
            }
            histories = sources.enumerated().map { histories[$0.element] + [nextTokens[$0.offset]] }
            generated = sources.enumerated().map { generated[$0.element] + [nextTokens[$0.offset]] }
            scores = nextScores
            decoder.reorder(rows: sources)
            if decoder.length == context {
                decoder.reset()
                logits = decoder.feed(histories.flatMap { $0.suffix(max(1, context / 2)) })
            } else {
                logits = decoder.feed(nextTokens)
            }
        }
        return finished.max { $0.score < $1.score } ?? Hypothesis(tokens: [], logProbability: 0, score: 0)
    }

    private func hypothesis(_ tokens: [Int32], _ logProbability: Double) -> Hypothesis {
        Hypothesis(tokens: tokens, logProbability: Float(logProbability),
                   score: Float(logProbability / pow(Double(max(tokens.count, 1)), Double(lengthPenalty))))
    }
}
