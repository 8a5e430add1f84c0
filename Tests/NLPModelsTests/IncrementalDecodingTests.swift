import NLPModels
import NLPTensor
import XCTest

/// Incremental decoding (KV cache, carried recurrent state) gives the same logits as running the
/// whole sequence at once.
final class IncrementalDecodingTests: XCTestCase {
    let ids: [Int32] = [3, 7, 1, 9, 4, 4, 2, 8,  5, 1, 6, 2, 9, 3, 7, 7]   // 2 rows × 8

    /// Rows of `all` [B, T, V] at position t.
    func position(_ all: Tensor, _ t: Int) -> [Float] {
        let (b, length, v) = (all.shape[0], all.shape[1], all.shape[2])
        return (0..<b).flatMap { row in Array(UnsafeBufferPointer(start: all.data + (row * length + t) * v, count: v)) }
    }

    func testGPTWithCacheMatchesTheFullForward() {
        let model = GPTLanguageModel(GPTConfig(vocabSize: 12, maxPositions: 16, width: 8, layers: 2, heads: 2), generator: RandomGenerator(seed: 1))
        model.eval()
        let full = noGrad { model(TokenBatch(ids: ids, batch: 2, length: 8)) }
        let cache = model.transformer.makeCache(batch: 2, capacity: 8)
        // A 3-token prompt, then one token at a time.
        let prompt = noGrad { model(TokenBatch(ids: [3, 7, 1, 5, 1, 6], batch: 2, length: 3), cache: cache) }
        for t in 0..<3 { XCTAssertEqual(position(prompt, t), position(full, t), accuracy: 1e-5) }
        for t in 3..<8 {
            let step = noGrad { model(TokenBatch(ids: [ids[t], ids[8 + t]], batch: 2, length: 1), cache: cache) }
            XCTAssertEqual(position(step, 0), position(full, t), accuracy: 1e-5, "position \(t)")
        }
        XCTAssertEqual(cache.length, 8)
    }

    func testEncoderDecoderWithCacheMatchesTeacherForcing() {
        let model = EncoderDecoderModel(EncoderDecoderConfig(vocabSize: 12, width: 8, encoderLayers: 2, decoderLayers: 2, heads: 2,
                                                             feedForward: 16, maxPositions: 16), generator: RandomGenerator(seed: 2))
        model.eval()
        let source = TokenBatch(sequences: [[4, 5, 6, 2], [7, 2]])
        let target = TokenBatch(ids: ids, batch: 2, length: 8)
        let full = noGrad { model(source: source, target: target) }
        let memory = noGrad { model.encode(source) }
        let cache = model.makeCache(batch: 2, capacity: 8)
        for t in 0..<8 {
            let step = noGrad {
                model.decode(TokenBatch(ids: [ids[t], ids[8 + t]], batch: 2, length: 1), memory: memory,
                             memoryMask: source.maskTensor, cache: cache)
            }
            XCTAssertEqual(position(step, 0), position(full, t), accuracy: 1e-5, "position \(t)")
        }
    }

    func testLSTMTranslationDecodingMatchesTeacherForcing() {
        let model = RecurrentTranslationModel(RecurrentTranslationConfig(vocabSize: 12, hiddenSize: 8, layers: 2, heads: 2, dropout: 0.3,
                                                                         maxPositions: 16), generator: RandomGenerator(seed: 2))
        model.eval()
        let source = TokenBatch(sequences: [[4, 5, 6, 2], [7, 2]])
        let target = TokenBatch(ids: ids, batch: 2, length: 8)
        let full = noGrad { model(source: source, target: target) }
        // Two beams a source: both rows of a source see the same logits as the one-beam decoding.
        let one = noGrad { model.startDecoding(source, beams: 1, capacity: 8) }
        let two = noGrad { model.startDecoding(source, beams: 2, capacity: 8) }
        for t in 0..<8 {
            let step = noGrad { one.next([ids[t], ids[8 + t]]) }
            XCTAssertEqual(position(step, 0), position(full, t), accuracy: 1e-5, "position \(t)")
            let beams = noGrad { two.next([ids[t], ids[t], ids[8 + t], ids[8 + t]]) }
            let v = 12, rows = position(beams, 0)
            XCTAssertEqual(Array(rows[0..<v]), Array(rows[v..<(2 * v)]), accuracy: 0)
            XCTAssertEqual(Array(rows[v..<(2 * v)]) + Array(rows[(2 * v)..<(3 * v)]), position(full, t), accuracy: 1e-5)
            two.reorderRows([1, 0, 3, 2])
        }
    }

    func testEvalTurnsOffTheDropoutBetweenRecurrentLayers() {
        let model = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: 12, embeddingSize: 8, hiddenSize: 8, layers: 2,
                                                                        dropout: 0.5), generator: RandomGenerator(seed: 3))
        model.eval()
        let input = TokenBatch(ids: ids, batch: 2, length: 8)
        let a = noGrad { model(input).logits }, b = noGrad { model(input).logits }
        XCTAssertEqual(position(a, 7), position(b, 7), accuracy: 0)
    }

    func testRecurrentStateCarriesAcrossChunks() {
        let model = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: 12, embeddingSize: 6, hiddenSize: 5, layers: 2),
                                           generator: RandomGenerator(seed: 3))
        model.eval()
        let full = noGrad { model(TokenBatch(ids: ids, batch: 2, length: 8)).logits }
        var state: RecurrentState?
        for t in 0..<8 {
            let (logits, next) = noGrad { model(TokenBatch(ids: [ids[t], ids[8 + t]], batch: 2, length: 1), state: state) }
            XCTAssertEqual(position(logits, 0), position(full, t), accuracy: 1e-5, "position \(t)")
            state = next
        }
    }

    func testLeftPaddedPromptsInOneBatch() {
        // Row 1 is the 3-token prompt [5, 1, 6] left-padded to 5; it must match decoding it alone
        // (GPT-2 style: positions of a padded row start after its padding).
        let model = GPTLanguageModel(GPTConfig(vocabSize: 12, maxPositions: 16, width: 8, layers: 1, heads: 2), generator: RandomGenerator(seed: 4))
        model.eval()
        let padded = TokenBatch(ids: [3, 7, 1, 9, 4, 0, 0, 5, 1, 6], batch: 2, length: 5, attentionMask: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1])
        let cache = model.transformer.makeCache(batch: 2, capacity: 6)
        let logits = noGrad { model(padded, cache: cache) }
        let next = noGrad { model(TokenBatch(ids: [2, 2], batch: 2, length: 1), cache: cache) }
        let alone = model.transformer.makeCache(batch: 1, capacity: 4)
        let aloneLogits = noGrad { model(TokenBatch(ids: [5, 1, 6], batch: 1, length: 3), cache: alone) }
        let aloneNext = noGrad { model(TokenBatch(ids: [2], batch: 1, length: 1), cache: alone) }
        XCTAssertEqual(Array(position(logits, 4)[12...]), position(aloneLogits, 2), accuracy: 1e-5)
        XCTAssertEqual(Array(position(next, 0)[12...]), position(aloneNext, 0), accuracy: 1e-5)
        // Without a cache the same batch gives the same last-prompt logits.
        XCTAssertEqual(Array(position(noGrad { model(padded) }, 4)[12...]), position(aloneLogits, 2), accuracy: 1e-5)
        XCTAssertEqual(cache.length, 6)
    }
}

func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, accuracy, "max difference \(worst) \(message)", file: file, line: line)
}
