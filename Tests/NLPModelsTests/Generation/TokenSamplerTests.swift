import NLPModels
import NLPTensor
import XCTest

final class TokenSamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9]   // order: 1, 5, 2, 0, 4, 3

    func picks(_ options: SamplingOptions, seed: UInt64 = 1, count: Int = 400, history: [Int32] = []) -> [Int32] {
        let sampler = TokenSampler(options: options, vocabularySize: logits.count, generator: RandomGenerator(seed: seed))
        return logits.withUnsafeBufferPointer { l in (0..<count).map { _ in sampler.pick(l.baseAddress!, history: history) } }
    }

    func testGreedyTakesTheMostLikelyToken() {
        XCTAssertEqual(Set(picks(SamplingOptions(greedy: true), count: 10)), [1])
        XCTAssertEqual(Set(picks(SamplingOptions(topK: 1))), [1], "top-k 1 is greedy")
    }

    func testTopKAndTopPKeepOnlyTheMostLikely() {
        XCTAssertEqual(Set(picks(SamplingOptions(topK: 3))), [1, 5, 2])
        // Probabilities ∝ e^logit: tokens 1 and 5 hold ~0.56 of the mass, 1, 5, 2 ~0.79.
        XCTAssertEqual(Set(picks(SamplingOptions(topP: 0.5))), [1, 5])
        XCTAssertEqual(Set(picks(SamplingOptions(topP: 0.7))), [1, 5, 2])
        XCTAssertEqual(Set(picks(SamplingOptions(topP: 0.01))), [1], "at least one token stays")
        XCTAssertEqual(Set(picks(SamplingOptions())).count, 6, "plain sampling reaches every token")
    }

    func testFrequenciesFollowTheSoftmax() {
        let counts = picks(SamplingOptions(temperature: 1), count: 20_000).reduce(into: [Int32: Int]()) { $0[$1, default: 0] += 1 }
        let weights = logits.map { exp(Double($0)) }, total = weights.reduce(0, +)
        for (id, w) in weights.enumerated() {
            XCTAssertEqual(Double(counts[Int32(id), default: 0]) / 20_000, w / total, accuracy: 0.015, "token \(id)")
        }
        // A low temperature concentrates on the top token.
        let cold = picks(SamplingOptions(temperature: 0.05)).filter { $0 == 1 }.count
        XCTAssertGreaterThan(cold, 350)
    }

    func testRepetitionPenaltyDemotesSeenTokens() {
        XCTAssertEqual(Set(picks(SamplingOptions(repetitionPenalty: 1.5, greedy: true), count: 5, history: [1, 1, 5])), [2])
        XCTAssertEqual(Set(picks(SamplingOptions(repetitionPenalty: 1, greedy: true), count: 5, history: [1, 5])), [1])
    }

    func testTheSameSeedGivesTheSameTokens() {
        XCTAssertEqual(picks(SamplingOptions(topK: 4), seed: 9), picks(SamplingOptions(topK: 4), seed: 9))
        XCTAssertNotEqual(picks(SamplingOptions(), seed: 9), picks(SamplingOptions(), seed: 10))
    }

    func testOptionsOutOfRangeAreErrors() {
        for bad in [SamplingOptions(temperature: 0), SamplingOptions(topK: 0), SamplingOptions(topP: 1.5), SamplingOptions(repetitionPenalty: -1)] {
            XCTAssertThrowsError(try bad.validate())
        }
        XCTAssertNoThrow(try SamplingOptions(temperature: 0.7, topK: 40, topP: 0.9, repetitionPenalty: 1.2).validate())
    }
}
