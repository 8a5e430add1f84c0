import NLPModels
import NLPTensor
import XCTest

/// The decoders' logits equal the model's own full forward, fed as a prompt then token by token,
/// in one row and in a batch; reorder moves rows' pasts.
final class GPTDecoderTests: XCTestCase {
    let ids: [Int32] = [3, 7, 1, 9, 4, 4, 2, 8,  5, 1, 6, 2, 9, 3, 7, 7]   // 2 rows × 8

    func lastLogits(_ model: GPTLanguageModel, _ rows: [[Int32]]) -> Tensor {
        noGrad { GPTLanguageModel.lastPosition(model(TokenBatch(ids: rows.flatMap { $0 }, batch: rows.count, length: rows[0].count))) }
    }

    func model(bias: Bool) -> GPTLanguageModel {
        var config = GPTConfig(vocabSize: 12, maxPositions: 16, width: 8, layers: 2, heads: 2)
        config.bias = bias
        let model = GPTLanguageModel(config, generator: RandomGenerator(seed: 1))
        model.eval()
        return model
    }

    func testLogitsEqualTheFullForward() {
        for bias in [false, true] {
            let model = model(bias: bias)
            let rows = [Array(ids[0..<8]), Array(ids[8..<16])]
            for batch in [1, 2] {
                let decoder = GPTDecoder(model, batch: batch)
                let prompt = (0..<batch).flatMap { rows[$0][0..<3] }
                var logits = decoder.feed(prompt)
                XCTAssertLessThan(maxAbsDifference(logits, lastLogits(model, (0..<batch).map { Array(rows[$0][0..<3]) })), 1e-5)
                for t in 3..<8 {
                    logits = decoder.feed((0..<batch).map { rows[$0][t] })
                    let full = lastLogits(model, (0..<batch).map { Array(rows[$0][0...t]) })
                    XCTAssertLessThan(maxAbsDifference(logits, full), 1e-5, "bias \(bias) batch \(batch) position \(t)")
                }
                XCTAssertEqual(decoder.length, 8)
            }
        }
    }

    func testReorderMovesRows() {
        let model = model(bias: true)
        let decoder = GPTDecoder(model, batch: 2)
        _ = decoder.feed(Array(ids[0..<4]) + Array(ids[8..<12]))
        decoder.reorder(rows: [1, 1])
        let logits = decoder.feed([5, 5])
        let expected = lastLogits(model, [Array(ids[8..<12]) + [5]])
        for row in 0..<2 {
            for v in 0..<12 { XCTAssertEqual(logits.data[row * 12 + v], expected.data[v], accuracy: 1e-5) }
        }
    }

    func testRecurrentDecoderCarriesState() {
        let model = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: 12, embeddingSize: 6, hiddenSize: 5, layers: 2),
                                           generator: RandomGenerator(seed: 3))
        model.eval()
        let decoder = RecurrentDecoder(model, batch: 1)
        _ = decoder.feed(Array(ids[0..<5]))
        let logits = decoder.feed(Array(ids[5..<8]))
        let full = noGrad { GPTLanguageModel.lastPosition(model(TokenBatch(ids: Array(ids[0..<8]), batch: 1, length: 8)).logits) }
        XCTAssertLessThan(maxAbsDifference(logits, full), 1e-5)
        XCTAssertNil(decoder.context)
    }
}
