import XCTest
@testable import NLPTensor

final class RandomGeneratorTests: XCTestCase {
    func testPhiloxKnownAnswer() {
        // Random123's known-answer test for Philox-4x32-10: counter 0, key 0.
        let b = RandomGenerator.block(0, key: 0)
        XCTAssertEqual([b.0, b.1, b.2, b.3], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
    }

    func testSameSeedSameNumbersAndState() {
        let a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.nextUInt32() }, (0..<5).map { _ in b.nextUInt32() })
        let saved = a.state
        let next = Tensor.normal([100], generator: a).scalars
        a.restore(saved)
        XCTAssertEqual(Tensor.normal([100], generator: a).scalars, next)
        XCTAssertNotEqual(RandomGenerator(seed: 43).nextUInt32(), RandomGenerator(seed: 42).nextUInt32())
    }

    func testDistributions() {
        let g = RandomGenerator(seed: 1)
        let u = Tensor.uniform([100_000], low: -2, high: 3, generator: g).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= -2 && $0 < 3 })
        XCTAssertEqual(u.reduce(0, +) / 100_000, 0.5, accuracy: 0.03)
        let n = Tensor.normal([100_000], mean: 1, standardDeviation: 2, generator: g).scalars
        let mean = n.reduce(0, +) / 100_000
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 100_000
        XCTAssertEqual(mean, 1, accuracy: 0.03)
        XCTAssertEqual(variance.squareRoot(), 2, accuracy: 0.03)
        let bits = Tensor.bernoulli([100_000], probability: 0.3, generator: g).scalars
        XCTAssertEqual(bits.reduce(0, +) / 100_000, 0.3, accuracy: 0.01)
        var counts = [0, 0, 0]
        let probabilities = Tensor(shape: [1, 3], scalars: [0.2, 0.5, 0.3])
        for _ in 0..<30_000 { counts[probabilities.sampleCategorical(generator: g)[0]] += 1 }
        XCTAssertEqual(Float(counts[1]) / 30_000, 0.5, accuracy: 0.02)
        XCTAssertEqual(Float(counts[0]) / 30_000, 0.2, accuracy: 0.02)
        XCTAssertEqual(Set(g.permutation(10)), Set(0..<10))
        XCTAssertTrue((0..<1000).allSatisfy { _ in (0..<7).contains(g.nextInt(below: 7)) })
    }

    func testFillIndependentOfThreadCount() {
        let two = Tensor.normal([300_001], generator: RandomGenerator(seed: 5)).scalars
        let before = Parallelism.threads
        Parallelism.setThreads(1)
        defer { Parallelism.setThreads(before) }
        XCTAssertEqual(Tensor.normal([300_001], generator: RandomGenerator(seed: 5)).scalars, two)
    }
}
