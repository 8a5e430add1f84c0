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

    /// nanoGPT's char model shape (0.8 M parameters): large enough for the two-thread token step.
    func nanoGPT(bias: Bool, vocabSize: Int = 65) -> GPTLanguageModel {
        var config = GPTConfig.nanoGPTCharacters(vocabSize: vocabSize)
        config.bias = bias
        let model = GPTLanguageModel(config, generator: RandomGenerator(seed: 2))
        model.eval()
        return model
    }

    func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        let saved = Parallelism.threads
        Parallelism.setThreads(count)
        defer { Parallelism.setThreads(saved) }
        return try body()
    }

    func bits(_ logits: Tensor) -> [UInt32] { (0..<logits.count).map { logits.data[$0].bitPattern } }

    func testTwoThreadStepGivesTheOneThreadLogitsBitForBit() {
        for bias in [false, true] {
            let model = nanoGPT(bias: bias)
            XCTAssertEqual(withThreads(1) { GPTDecoder(model).tokenStepThreads }, 1)
            XCTAssertEqual(withThreads(2) { GPTDecoder(model).tokenStepThreads }, 2)
            XCTAssertEqual(withThreads(2) { GPTDecoder(model, batch: 2).tokenStepThreads }, 1)
            for promptLength in [0, 5] {
                let one = GPTDecoder(model), two = GPTDecoder(model)
                var history: [Int32] = (0..<promptLength).map { Int32($0 * 11 % 65) }
                if promptLength > 0 {   // the prompt path on one thread in both: only the token steps differ
                    XCTAssertEqual(withThreads(1) { bits(one.feed(history)) }, withThreads(1) { bits(two.feed(history)) })
                }
                for position in promptLength..<64 {
                    let token = Int32((position * 7 + 3) % 65)
                    history.append(token)
                    let a = withThreads(1) { one.feed([token]) }, b = withThreads(2) { two.feed([token]) }
                    XCTAssertEqual(bits(a), bits(b), "bias \(bias) prompt \(promptLength) position \(position)")
                    if position % 21 == 0 {
                        XCTAssertLessThan(maxAbsDifference(b, lastLogits(model, [history])), 1e-4, "bias \(bias) position \(position)")
                    }
                }
                XCTAssertEqual(two.length, 64)
            }
        }
    }

    /// A window fed at once (a prompt, the restart when the context fills) gives the logits and
    /// caches of feeding it token by token, bit for bit, on one thread and two: the several-row
    /// products keep each row's sums. Lengths around the kernels' six-row blocks and 16-column
    /// strips, a width (8) below a strip, and the whole context.
    func testAWindowFedAtOnceGivesTheTokenByTokenLogitsBitForBit() {
        for (model, lengths) in [(nanoGPT(bias: true), [2, 7, 32, 64]), (nanoGPT(bias: false), [13]), (self.model(bias: true), [5, 16])] {
            let vocabulary = model.config.vocabSize, capacity = model.config.maxPositions
            for length in lengths {
                let window: [Int32] = (0..<length).map { Int32(($0 * 11 + 5) % vocabulary) }
                for threads in [1, 2] {
                    withThreads(threads) {
                        let atOnce = GPTDecoder(model), byToken = GPTDecoder(model)
                        let a = atOnce.feed(window)
                        var b = byToken.feed([window[0]])
                        for token in window.dropFirst() { b = byToken.feed([token]) }
                        XCTAssertEqual(bits(a), bits(b), "width \(model.config.width) length \(length) threads \(threads)")
                        XCTAssertLessThan(maxAbsDifference(a, lastLogits(model, [window])), 1e-4)
                        if length < capacity {   // the caches too: the next step agrees
                            XCTAssertEqual(bits(atOnce.feed([3])), bits(byToken.feed([3])), "next step after \(length), threads \(threads)")
                        }
                    }
                }
            }
        }
    }

    /// One row longer than the row kernels take goes through sgemm and still equals the full forward.
    func testALongWindowOfOneRowEqualsTheFullForward() {
        let model = GPTLanguageModel(GPTConfig(vocabSize: 12, maxPositions: 80, width: 8, layers: 2, heads: 2), generator: RandomGenerator(seed: 4))
        model.eval()
        let window: [Int32] = (0..<(GPTDecoder.rowKernelPositions + 6)).map { Int32($0 * 5 % 12) }
        let decoder = GPTDecoder(model)
        XCTAssertLessThan(maxAbsDifference(decoder.feed(window), lastLogits(model, [window])), 1e-5)
        XCTAssertLessThan(maxAbsDifference(decoder.feed([2]), lastLogits(model, [window + [2]])), 1e-5)
    }

    /// With the restarts expected, a full context's restart swaps in the shadow cache, and its
    /// logits and every step after it (through the next restart) equal those of a decoder that
    /// feeds the window again, bit for bit — on one thread and two, after a one-token prompt and
    /// after prompts that cross into the window (fed in the same pass, or apart when too long).
    func testAShadowSwapGivesTheRestartPrefillLogitsBitForBit() {
        for (model, window, prompts) in [(nanoGPT(bias: true), 32, [1, 40, 64]), (nanoGPT(bias: false), 32, [1]),
                                         (self.model(bias: true), 8, [1, 12])] {
            let vocabulary = model.config.vocabSize, capacity = model.config.maxPositions
            for promptLength in prompts {
                for threads in [1, 2] {
                    withThreads(threads) {
                        let shadowed = GPTDecoder(model), plain = GPTDecoder(model)
                        shadowed.expectRestarts(windowSize: window)
                        var history: [Int32] = (0..<promptLength).map { Int32(($0 * 11 + 5) % vocabulary) }
                        var a = shadowed.feed(history), b = plain.feed(history)
                        let label = "width \(model.config.width) prompt \(promptLength) threads \(threads)"
                        XCTAssertEqual(bits(a), bits(b), label)
                        for step in 0..<(3 * capacity) {
                            let token = Int32((step * 7 + 3) % vocabulary)
                            history.append(token)
                            if shadowed.length == capacity {
                                let kept = Array(history.suffix(window))
                                a = shadowed.restart(on: kept)
                                b = plain.restart(on: kept)
                            } else {
                                a = shadowed.feed([token])
                                b = plain.feed([token])
                            }
                            XCTAssertEqual(bits(a), bits(b), "\(label) step \(step)")
                            XCTAssertEqual(shadowed.length, plain.length)
                        }
                        XCTAssertGreaterThanOrEqual(shadowed.shadowRestarts, 3, label)
                        XCTAssertEqual(plain.shadowRestarts, 0)
                    }
                }
            }
        }
    }

    /// The packed weights give the logits of the model's own weight layout bit for bit: a prompt,
    /// token steps with and without the shadow's row, and restarts, on one thread and two — for
    /// nanoGPT's shape, and for 16-wide heads whose two-thread shares cut the packed strips.
    func testPackedWeightsGiveTheUnpackedLogitsBitForBit() {
        let cutStrips = GPTLanguageModel(GPTConfig(vocabSize: 65, maxPositions: 32, width: 96, layers: 3, heads: 6),
                                         generator: RandomGenerator(seed: 3))
        cutStrips.eval()
        for model in [nanoGPT(bias: true), cutStrips] {
            let capacity = model.config.maxPositions, window = capacity / 2
            for threads in [1, 2] {
                withThreads(threads) {
                    let packed = GPTDecoder(model), unpacked = GPTDecoder(model, packsWeights: false)
                    XCTAssertTrue(packed.packsWeights)
                    XCTAssertFalse(unpacked.packsWeights)
                    XCTAssertEqual(packed.tokenStepThreads, threads)
                    for decoder in [packed, unpacked] { decoder.expectRestarts(windowSize: window) }
                    var history: [Int32] = [1, 5, 9]
                    let label = "width \(model.config.width) threads \(threads)"
                    XCTAssertEqual(bits(packed.feed(history)), bits(unpacked.feed(history)), label)
                    for step in 0..<(3 * capacity) {
                        let token = Int32((step * 7 + 3) % 65)
                        history.append(token)
                        let (a, b) = packed.length == capacity
                            ? (packed.restart(on: Array(history.suffix(window))), unpacked.restart(on: Array(history.suffix(window))))
                            : (packed.feed([token]), unpacked.feed([token]))
                        XCTAssertEqual(bits(a), bits(b), "\(label) step \(step)")
                    }
                    XCTAssertGreaterThanOrEqual(packed.shadowRestarts, 3, label)
                }
            }
        }
    }

    /// A restart on a window the shadow does not hold (another window size, other tokens) feeds it.
    func testARestartOnAnotherWindowFeedsIt() {
        let model = self.model(bias: true)
        let decoder = GPTDecoder(model), reference = GPTDecoder(model)
        decoder.expectRestarts(windowSize: 8)
        let tokens: [Int32] = (0..<16).map { Int32($0 * 5 % 12) }
        _ = decoder.feed(tokens)
        for kept in [Array(tokens.suffix(7)) + [1], Array(tokens.suffix(5)) + [1], [4, 4, 4, 4, 4, 4, 4, 1]] {
            XCTAssertEqual(bits(decoder.restart(on: kept)), bits(reference.restart(on: kept)))
            XCTAssertEqual(decoder.length, kept.count)
            _ = decoder.feed(Array(tokens.prefix(16 - kept.count)))
        }
        XCTAssertEqual(decoder.shadowRestarts, 1)   // only the first window was the shadow's
    }

    func testTheSameSeedGivesTheSameTokensWithOneAndTwoThreads() throws {
        let tokenizer = try TextGeneratorTests.characterTokenizer()
        let model = nanoGPT(bias: true, vocabSize: TextGeneratorTests.alphabet.count + 2)
        let generator = TextGenerator(decoder: GPTDecoder(model), tokenizer: tokenizer)
        // 150 tokens: past the 64-position context, so the prompt path re-encodes the window twice.
        let options = GenerationOptions(maxNewTokens: 150, stopAtEndOfText: false)
        func tokens(threads: Int, seed: UInt64) -> [Int32] {
            withThreads(threads) { generator.stream(prompt: [0], options: options, generator: RandomGenerator(seed: seed)).map(\.token) }
        }
        let one = tokens(threads: 1, seed: 7)
        XCTAssertEqual(one.count, 150)
        XCTAssertEqual(tokens(threads: 2, seed: 7), one)
        XCTAssertNotEqual(tokens(threads: 2, seed: 8), one)
        // The restarts were swaps to the shadow cache, and feeding each window again gives the same tokens.
        XCTAssertGreaterThan((generator.decoder as! GPTDecoder).shadowRestarts, 0)
        let prefilling = TextGenerator(decoder: GPTDecoder(model, shadowsRestarts: false), tokenizer: tokenizer)
        for threads in [1, 2] {
            let again = withThreads(threads) {
                prefilling.stream(prompt: [0], options: options, generator: RandomGenerator(seed: 7)).map(\.token)
            }
            XCTAssertEqual(again, one, "threads \(threads)")
        }
        XCTAssertEqual((prefilling.decoder as! GPTDecoder).shadowRestarts, 0)
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
