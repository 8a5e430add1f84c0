import Foundation

/// The best `capacity` extensions (beam, token) of one beam-search step by total log-probability,
/// best first (equal scores in the order offered). Each live beam's logits are log-softmaxed and
/// all its tokens offered. Shared by the language-model and the translation beam searches.
struct BeamCandidates {
    typealias Candidate = (score: Double, beam: Int, token: Int32)
    let capacity: Int
    private(set) var best: [Candidate] = []

    init(capacity: Int) {
        self.capacity = capacity
        best.reserveCapacity(capacity + 1)
    }

    /// Offers every token of `beam`, whose log-probability so far is `score`, from its `count` logits.
    mutating func offer(logits row: UnsafePointer<Float>, count: Int, beam: Int, score: Double) {
        var top = -Float.infinity
        for v in 0..<count where row[v] > top { top = row[v] }
        var sum = 0.0
        for v in 0..<count { sum += Foundation.exp(Double(row[v] - top)) }
        let shift = Double(top) + Foundation.log(sum)
        for v in 0..<count {
            let candidate = score + (Double(row[v]) - shift)
            if best.count == capacity, candidate <= best[capacity - 1].score { continue }
            var i = best.count
            if best.count == capacity { best.removeLast(); i -= 1 }
            while i > 0 && best[i - 1].score < candidate { i -= 1 }
            best.insert((candidate, beam, Int32(v)), at: i)
        }
    }
}
