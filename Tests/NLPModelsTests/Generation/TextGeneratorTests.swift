import Foundation
import NLPModels
import NLPTensor
import NLPTokenizers
import XCTest

/// Generation end to end on small untrained models: determinism by seed, streaming, cropping,
/// stop strings, bad prompts, beam search, and text assembled from byte-level tokens.
final class TextGeneratorTests: XCTestCase {
    static let alphabet = Array("\nabcdefghijklmnopqrstuvwxyz .,!?天气").map(String.init)

    /// One token per character (newlines too), [UNK] for the rest, <|endoftext|> last.
    static func characterTokenizer() throws -> Tokenizer {
        let entries = alphabet.enumerated().map { ($1, $0) } + [("[UNK]", alphabet.count), ("<|endoftext|>", alphabet.count + 1)]
        return Tokenizer(model: try WordLevel(vocabulary: entries, unknownToken: "[UNK]"),
                         preTokenizer: try SplitPreTokenizer(pattern: .regex(".|\n"), behavior: .isolated), decoder: FuseDecoder(),
                         addedTokens: [AddedToken("[UNK]", special: true), AddedToken("<|endoftext|>", special: true)])
    }

    func gpt(context: Int = 16, seed: UInt64 = 1) -> GPTLanguageModel {
        let model = GPTLanguageModel(GPTConfig(vocabSize: Self.alphabet.count + 2, maxPositions: context, width: 16, layers: 2, heads: 2),
                                     generator: RandomGenerator(seed: seed))
        model.eval()
        return model
    }

    func generator(context: Int = 16) throws -> TextGenerator {
        TextGenerator(decoder: GPTDecoder(gpt(context: context)), tokenizer: try Self.characterTokenizer())
    }

    func testTheSameSeedGivesTheSameText() throws {
        let g = try generator()
        let options = GenerationOptions(maxNewTokens: 40, stopAtEndOfText: false)
        let a = try g.generate(prompt: "the weather", options: options, generator: RandomGenerator(seed: 5))
        let b = try g.generate(prompt: "the weather", options: options, generator: RandomGenerator(seed: 5))
        let c = try g.generate(prompt: "the weather", options: options, generator: RandomGenerator(seed: 6))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        let stream = try g.stream(prompt: "the weather", options: options, generator: RandomGenerator(seed: 5))
        XCTAssertEqual(Array(stream).map(\.text).joined(), a)
        XCTAssertEqual(stream.generatedCount, 40)
        XCTAssertLessThanOrEqual(a.unicodeScalars.count, 40, "one character a token, none for special tokens")
        let lstm = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: Self.alphabet.count + 2, embeddingSize: 8, hiddenSize: 8,
                                                                       layers: 2), generator: RandomGenerator(seed: 2))
        lstm.eval()
        let recurrent = TextGenerator(decoder: RecurrentDecoder(lstm), tokenizer: try Self.characterTokenizer())
        XCTAssertEqual(try recurrent.generate(prompt: "abc", options: options, generator: RandomGenerator(seed: 3)),
                       try recurrent.generate(prompt: "abc", options: options, generator: RandomGenerator(seed: 3)))
    }

    /// Sampling token by token through the decoder equals sampling from the full forward of the
    /// whole sequence each time (nanoGPT's generate) with the same random draws.
    func testStreamEqualsSamplingFromTheFullForward() throws {
        let model = gpt(context: 32)
        let tokenizer = try Self.characterTokenizer()
        let g = TextGenerator(decoder: GPTDecoder(model), tokenizer: tokenizer)
        let options = GenerationOptions(maxNewTokens: 12, sampling: SamplingOptions(topK: 10), stopAtEndOfText: false)
        let stream = try g.stream(prompt: "hello", options: options, generator: RandomGenerator(seed: 11))
        var pieces: [GeneratedPiece] = []
        while let piece = stream.next() {
            pieces.append(piece)
            XCTAssertEqual(stream.generatedCount, pieces.count, "one token sampled per next()")
        }
        XCTAssertEqual(stream.finishReason, .length)

        let sampler = TokenSampler(options: options.sampling, vocabularySize: model.config.vocabSize, generator: RandomGenerator(seed: 11))
        var ids = try g.encode(prompt: "hello").ids
        for piece in pieces {
            let logits = noGrad { GPTLanguageModel.lastPosition(model(TokenBatch(ids: ids, batch: 1, length: ids.count))) }
            let id = sampler.pick(logits.data, history: ids)
            XCTAssertEqual(id, piece.token)
            XCTAssertEqual(piece.text, tokenizer.decode([Int(id)]))
            ids.append(id)
        }
    }

    func testALongPromptIsCroppedAndGenerationSlidesPastTheContext() throws {
        let g = try generator(context: 16)
        let prompt = String(repeating: "abcde", count: 8)   // 40 tokens
        let stream = try g.stream(prompt: prompt, options: GenerationOptions(maxNewTokens: 50, stopAtEndOfText: false),
                                  generator: RandomGenerator(seed: 1))
        XCTAssertEqual(stream.croppedPromptTokens, 24)
        XCTAssertEqual(Array(stream).count, 50, "50 tokens though the context holds 16")
        XCTAssertEqual(stream.history.count, 16 + 50)
    }

    func testStopStringsAndEndOfText() throws {
        let g = try generator()
        let free = try g.generate(prompt: "ab", options: GenerationOptions(maxNewTokens: 60, stopAtEndOfText: false),
                                  generator: RandomGenerator(seed: 4))
        let stop = String(free.unicodeScalars.dropFirst(20).prefix(2))
        let cut = try g.generate(prompt: "ab", options: GenerationOptions(maxNewTokens: 60, stopStrings: [stop], stopAtEndOfText: false),
                                 generator: RandomGenerator(seed: 4))
        XCTAssertTrue(free.hasPrefix(cut + stop), "\(cut.debugDescription) then \(stop.debugDescription) in \(free.debugDescription)")
        XCTAssertFalse(cut.contains(stop))

        // A model that always predicts <|endoftext|>: generation ends on it, and the token adds no text.
        let model = gpt()
        let eot = Self.alphabet.count + 1
        let norm = model.transformer.finalNorm, width = 16
        for j in 0..<width { norm.weight.data[j] = 0; norm.bias!.data[j] = j == 0 ? 5 : 0 }
        model.transformer.tokenEmbeddings.weight.data[eot * width] = 10
        let ending = TextGenerator(decoder: GPTDecoder(model), tokenizer: try Self.characterTokenizer())
        let stream = try ending.stream(prompt: "ab", options: GenerationOptions(maxNewTokens: 10, sampling: SamplingOptions(greedy: true)))
        XCTAssertEqual(Array(stream).map(\.text).joined(), "")
        XCTAssertEqual(stream.finishReason, .endOfText)
        XCTAssertEqual(stream.generatedCount, 1)
    }

    func testBadPromptsAreClearErrors() throws {
        let g = try generator()
        XCTAssertThrowsError(try g.encode(prompt: "")) { XCTAssertEqual($0 as? GenerationError, .emptyPrompt) }
        XCTAssertThrowsError(try g.encode(prompt: "☃☃")) { error in
            XCTAssertEqual(error as? GenerationError, .unknownCharacters(["☃", "☃"]))
            XCTAssertTrue("\(error)".contains("“☃” (U+2603)"), "\(error)")
        }
        let partly = try g.encode(prompt: "a☃b")
        XCTAssertEqual(partly.ids.count, 3)
        XCTAssertEqual(partly.unknownCharacters, ["☃"])
        // An unknown token that is itself a character of the vocabulary (no [UNK] row): that character is known.
        let newlineUnknown = Tokenizer(model: try WordLevel(vocabulary: Self.alphabet.enumerated().map { ($1, $0) }, unknownToken: "\n"),
                                       preTokenizer: try SplitPreTokenizer(pattern: .regex(".|\n"), behavior: .isolated), decoder: FuseDecoder())
        let charModel = TextGenerator(decoder: GPTDecoder(gpt()), tokenizer: newlineUnknown)
        XCTAssertEqual(try charModel.encode(prompt: "\n").ids, [0])
        XCTAssertEqual(try charModel.encode(prompt: "\n☃").unknownCharacters, ["☃"])
        XCTAssertThrowsError(try charModel.encode(prompt: "☃")) { XCTAssertEqual($0 as? GenerationError, .unknownCharacters(["☃"])) }
        XCTAssertThrowsError(try LanguageModelDecoders.decoder(for: .bert(BertModel(BertConfig(vocabSize: 10, hiddenSize: 8, layers: 1,
                                                                                                 heads: 2, intermediateSize: 16))))) {
            XCTAssertTrue("\($0)".contains("not a language model"), "\($0)")
        }
    }

    func testBeamSearchFindsAtLeastTheGreedyScore() throws {
        let model = gpt(context: 16, seed: 3)
        let prompt: [Int32] = [1, 2, 3]
        func logProbability(_ tokens: [Int32]) -> Float {
            var ids = prompt, total: Float = 0
            for t in tokens {
                let logits = noGrad { GPTLanguageModel.lastPosition(model(TokenBatch(ids: ids, batch: 1, length: ids.count))) }
                let row = (0..<logits.count).map { logits.data[$0] }, top = row.max()!
                total += row[Int(t)] - (top + log(row.map { exp($0 - top) }.reduce(0, +)))
                ids.append(t)
            }
            return total
        }
        let one = BeamSearch(beams: 1, maxNewTokens: 8).run(GPTDecoder(model, batch: 1), prompt: prompt)
        let greedy = try TextGenerator(decoder: GPTDecoder(model), tokenizer: Self.characterTokenizer())
            .stream(prompt: prompt, options: GenerationOptions(maxNewTokens: 8, sampling: SamplingOptions(greedy: true), stopAtEndOfText: false))
        XCTAssertEqual(one.tokens, Array(greedy).map(\.token), "one beam is greedy search")
        let four = BeamSearch(beams: 4, maxNewTokens: 8).run(GPTDecoder(model, batch: 4), prompt: prompt)
        XCTAssertEqual(four.tokens.count, 8)
        XCTAssertEqual(four.logProbability, logProbability(four.tokens), accuracy: 1e-3)
        XCTAssertGreaterThanOrEqual(four.logProbability, logProbability(one.tokens) - 1e-4)
    }

    /// Byte-level BPE splits Chinese characters over several tokens; the streamed pieces never
    /// hold half a character and add up to the decoded text.
    func testStreamedTextOfByteLevelTokensIsWholeCharacters() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("textstream-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("corpus.txt").path
        try String(repeating: "今天天气很好。the weather is fine today.\n", count: 50).write(toFile: file, atomically: true, encoding: .utf8)
        let tokenizer = try TokenizerTraining.byteLevelBPE(files: [file], vocabularySize: 270, specialTokens: ["<|endoftext|>"])
        let ids = tokenizer.encode("今天天气很好。the weather 晴", addSpecialTokens: false).ids
        XCTAssertGreaterThan(ids.count, 8)
        var stream = TextStream(tokenizer: tokenizer)
        let pieces = ids.map { stream.append(Int32($0)) }
        XCTAssertEqual(pieces.joined(), "今天天气很好。the weather 晴")
        XCTAssertTrue(pieces.allSatisfy { !$0.unicodeScalars.contains("\u{FFFD}") }, "\(pieces)")
        XCTAssertTrue(pieces.contains(""), "a token inside 晴 adds no text yet")
    }
}
