import Foundation
import NLPTensor

/// How beam search decodes: beams per source, the length penalty and the longest output.
public struct BeamSearchOptions: Sendable {
    /// Hypotheses kept per source (1: greedy decoding).
    public var beamSize: Int
    /// A finished hypothesis scores log P / length^lengthPenalty (0: raw log-probability; 1: per token).
    public var lengthPenalty: Double
    /// The most target tokens per output (nil: 2 × the source's tokens + 10, within the model's positions).
    public var maxLength: Int?

    public init(beamSize: Int = 4, lengthPenalty: Double = 1, maxLength: Int? = nil) {
        precondition(beamSize >= 1, "beam size \(beamSize)")
        self.beamSize = beamSize
        self.lengthPenalty = lengthPenalty
        self.maxLength = maxLength
    }
}

extension TranslationModel {
    /// The best target ids (without the start and end tokens) for each source sequence, by batched
    /// beam search: all sources' beams decode together, one position a step, over the model's
    /// incremental decoding. A source is done when it has `beamSize` finished hypotheses (or at its
    /// length limit).
    public func beamSearch(sources: [[Int32]], options: BeamSearchOptions = .init()) -> [[Int32]] {
        guard !sources.isEmpty else { return [] }
        return noGrad { search(sources, options) }
    }

    private func search(_ sources: [[Int32]], _ options: BeamSearchOptions) -> [[Int32]] {
        let n = sources.count, k = options.beamSize, rows = n * k
        let vocabulary = vocabSize, eos = Int32(eosTokenId)
        let source = TokenBatch(sequences: sources, padId: Int32(padTokenId))
        let limits = source.lengths.map { length in
            min(maxPositions, options.maxLength ?? (2 * length + 10))
        }
        let steps = limits.max()!
        let decoding = startDecoding(source, beams: k, capacity: steps)

        var tokens = [[Int32]](repeating: [], count: rows)
        // Only the first beam of a source is live at the start (the others would repeat it).
        var scores = (0..<rows).map { $0 % k == 0 ? 0.0 : -Double.infinity }
        var last = [Int32](repeating: Int32(decoderStartTokenId), count: rows)
        var finished = [[(tokens: [Int32], score: Double)]](repeating: [], count: n)
        var done = [Bool](repeating: false, count: n)

        for step in 0..<steps {
            let logits = decoding.next(last)   // [n·k, 1, V]
            var parents = Array(0..<rows)
            var nextTokens = last, nextScores = scores
            for b in 0..<n where !done[b] {
                // The 2k best continuations over the k beams (k of them may end).
                var candidates = BeamCandidates(capacity: 2 * k)
                for j in 0..<k where scores[b * k + j] > -Double.infinity {
                    candidates.offer(logits: logits.data + (b * k + j) * vocabulary, count: vocabulary, beam: j, score: scores[b * k + j])
                }
                var slot = 0
                let atLimit = step + 1 >= limits[b]
                for (score, j, token) in candidates.best where slot < k {
                    let parent = b * k + j
                    if token == eos || atLimit {
                        let hypothesis = token == eos ? tokens[parent] : tokens[parent] + [token]
                        let length = Double(hypothesis.count + 1)
                        finished[b].append((hypothesis, score / Foundation.pow(length, options.lengthPenalty)))
                        if finished[b].count >= k { break }
                        continue
                    }
                    let row = b * k + slot
                    parents[row] = parent
                    nextTokens[row] = token
                    nextScores[row] = score
                    slot += 1
                }
                for row in (b * k + slot)..<(b * k + k) { nextScores[row] = -Double.infinity; nextTokens[row] = eos }
                if finished[b].count >= k || atLimit || slot == 0 { done[b] = true }
            }
            if done.allSatisfy({ $0 }) { break }
            decoding.reorderRows(parents)
            tokens = (0..<rows).map { tokens[parents[$0]] + [nextTokens[$0]] }
            scores = nextScores
            last = nextTokens
        }
        return (0..<n).map { b in
            finished[b].max { $0.score < $1.score }?.tokens
                ?? (0..<k).map { b * k + $0 }.max { scores[$0] < scores[$1] }.map { tokens[$0] } ?? []
        }
    }
}
