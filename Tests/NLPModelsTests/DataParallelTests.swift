import NLPModels
import NLPTensor
import XCTest

/// DataParallel must give the whole batch's mean loss and gradient, whatever the sharding.
final class DataParallelTests: XCTestCase {
    let config = GPTConfig(vocabSize: 11, maxPositions: 8, width: 8, layers: 2, heads: 2, dropout: 0, bias: true)

    func batch(seed: UInt64) -> (TokenBatch, [Int32]) {
        let generator = RandomGenerator(seed: seed)
        let ids = (0..<(5 * 6)).map { _ in Int32(generator.nextInt(below: 11)) }
        var targets = (0..<(5 * 6)).map { _ in Int32(generator.nextInt(below: 11)) }
        for i in [0, 1, 2, 7, 20] { targets[i] = -100 }      // uneven counted targets per row
        return (TokenBatch(ids: ids, batch: 5, length: 6), targets)
    }

    func testShardedGradientsEqualTheWholeBatch() {
        let model = GPTLanguageModel(config, generator: RandomGenerator(seed: 3))
        let parallel = DataParallel(model, threads: 3) { GPTLanguageModel(self.config) }
        for step in 0..<2 {
            let (input, targets) = batch(seed: UInt64(10 + step))
            let whole = model.loss(input, targets: targets)
            whole.backward()
            let expected = model.parameters().map { $0.grad!.copy() }
            for p in model.parameters() { p.grad = nil }

            let loss = parallel.lossAndGradients(input, targets: targets) { $0.loss($1, targets: $2) }
            XCTAssertEqual(loss, whole.scalar, accuracy: 1e-5)
            for (p, g) in zip(model.parameters(), expected) {
                XCTAssertLessThan(maxAbsDifference(p.grad!, g), 1e-5, p.name ?? "")
            }
            let evaluated = parallel.loss(input, targets: targets) { $0.loss($1, targets: $2) }
            XCTAssertEqual(evaluated, whole.scalar, accuracy: 1e-5)
            // An optimizer-like update of the primary: the replicas must follow it next call.
            for p in model.parameters() {
                for i in 0..<p.count { p.data[i] -= 0.5 * p.grad!.data[i] }
                p.grad = nil
            }
        }
    }
}
