import Foundation
import NLPModels
import NLPTensor
import NLPTokenizers
import XCTest

/// The model folder: save/load round trips of every architecture, Hugging Face prefix handling,
/// and one clear error for each kind of bad folder.
final class ModelFolderTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nlpmodels-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    let bertConfig = BertConfig(vocabSize: 20, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 12, maxPositions: 16)
    let batch = TokenBatch(sequences: [[2, 5, 7, 3], [2, 9, 3]])

    func assertSameOutput(_ a: Tensor, _ b: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        XCTAssertEqual(maxAbsDifference(a, b), 0, file: file, line: line)
    }

    func testBertRoundTripKeepsUnknownConfigKeys() throws {
        let model = BertModel(bertConfig, generator: RandomGenerator(seed: 1))
        model.eval()
        var json = model.configJSON()
        json["custom_key"] = "kept"
        model.baseConfig = json
        try model.save(to: folder)
        let loaded = try BertModel.load(folder: folder)
        XCTAssertEqual(loaded.config, bertConfig)
        XCTAssertEqual(loaded.configJSON()["custom_key"] as? String, "kept")
        assertSameOutput(noGrad { model(batch) }, noGrad { loaded(batch) })
        guard case .bert = try ModelFolder.load(folder) else { return XCTFail("model_type bert without a head loads as BertModel") }
    }

    func testClassifierFromABaseCheckpointCreatesTheHeadAndRoundTrips() throws {
        try BertModel(bertConfig, generator: RandomGenerator(seed: 2)).save(to: folder)
        let classifier = try BertForSequenceClassification.load(folder: folder, labels: ["negative", "positive"])
        XCTAssertEqual(classifier.classifier.weight.shape, [2, 8])
        XCTAssertEqual(classifier.classifier.weight.name, "classifier.weight")
        let logits = noGrad { classifier(batch) }
        XCTAssertEqual(logits.shape, [2, 2])
        XCTAssertTrue(logits.scalars.allSatisfy(\.isFinite))
        let second = folder + "/classifier"
        try classifier.save(to: second)
        guard case .sequenceClassifier(let reloaded) = try ModelFolder.load(second) else { return XCTFail("a saved classifier reloads as one") }
        XCTAssertEqual(reloaded.labels, ["negative", "positive"])
        assertSameOutput(logits, noGrad { reloaded(batch) })
        // The base model reads the `bert.` part of the classifier's checkpoint.
        let base = try BertModel.load(folder: second)
        assertSameOutput(noGrad { classifier.bert(batch) }, noGrad { base(batch) })
        // A head saved for 2 labels does not load as 3.
        XCTAssertThrowsError(try BertForSequenceClassification.load(folder: second, labels: ["a", "b", "c"])) { error in
            XCTAssertEqual(error as? ModelError, .shapeMismatch(file: second + "/model.safetensors", tensor: "classifier.weight",
                                                                 expected: [3, 8], found: [2, 8]))
        }
    }

    func testMeanPoolingClassifierAndMaskedLM() throws {
        let classifier = BertForSequenceClassification(bertConfig, labels: ["a", "b", "c"], pooling: .mean, generator: RandomGenerator(seed: 3))
        classifier.eval()
        try classifier.save(to: folder)
        let reloaded = try BertForSequenceClassification.load(folder: folder)
        XCTAssertEqual(reloaded.pooling, .mean)
        assertSameOutput(noGrad { classifier(batch) }, noGrad { reloaded(batch) })

        let mlm = BertForMaskedLM(bertConfig, generator: RandomGenerator(seed: 4))
        mlm.eval()
        let second = folder + "/mlm"
        try mlm.save(to: second)
        XCTAssertFalse(mlm.checkpointTensors().contains { $0.name.hasPrefix("cls.predictions.decoder") })
        guard case .maskedLanguageModel(let loaded) = try ModelFolder.load(second) else { return XCTFail("BertForMaskedLM reloads as one") }
        assertSameOutput(noGrad { mlm(batch) }, noGrad { loaded(batch) })
        let labels: [Int32] = [-100, 5, -100, -100, -100, 9, -100, -100]
        XCTAssertTrue(mlm.loss(batch, labels: labels).scalar.isFinite)
    }

    func testGPTRecurrentAndEncoderDecoderRoundTrips() throws {
        let gpt = GPTLanguageModel(GPTConfig(vocabSize: 20, maxPositions: 16, width: 8, layers: 2, heads: 2), generator: RandomGenerator(seed: 5))
        gpt.eval()
        try gpt.save(to: folder + "/gpt")
        XCTAssertEqual(gpt.checkpointTensors().first?.name, "transformer.wte.weight")
        guard case .gpt(let gpt2) = try ModelFolder.load(folder + "/gpt") else { return XCTFail("gpt2 reloads") }
        assertSameOutput(noGrad { gpt(batch) }, noGrad { gpt2(batch) })

        for tied in [false, true] {
            let lm = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: 20, embeddingSize: 6, hiddenSize: 6, layers: 2,
                                                                         tiesEmbeddings: tied), generator: RandomGenerator(seed: 6))
            lm.eval()
            try lm.save(to: folder + "/lstm\(tied)")
            guard case .recurrent(let lm2) = try ModelFolder.load(folder + "/lstm\(tied)") else { return XCTFail("lstm_lm reloads") }
            assertSameOutput(noGrad { lm(batch).logits }, noGrad { lm2(batch).logits })
        }

        let seq2seq = EncoderDecoderModel(EncoderDecoderConfig(vocabSize: 20, width: 8, encoderLayers: 2, decoderLayers: 2, heads: 2,
                                                               feedForward: 12, maxPositions: 16), generator: RandomGenerator(seed: 7))
        seq2seq.eval()
        try seq2seq.save(to: folder + "/seq2seq")
        guard case .encoderDecoder(let loaded) = try ModelFolder.load(folder + "/seq2seq") else { return XCTFail("seq2seq reloads") }
        assertSameOutput(noGrad { seq2seq(source: batch, target: batch) }, noGrad { loaded(source: batch, target: batch) })

        let lstm = RecurrentTranslationModel(RecurrentTranslationConfig(vocabSize: 20, hiddenSize: 8, layers: 2, heads: 2, maxPositions: 16),
                                             generator: RandomGenerator(seed: 8))
        lstm.eval()
        try lstm.save(to: folder + "/lstm-seq2seq")
        guard case .encoderDecoder(let reloaded) = try ModelFolder.load(folder + "/lstm-seq2seq"), reloaded is RecurrentTranslationModel else {
            return XCTFail("the LSTM translation model reloads as itself")
        }
        assertSameOutput(noGrad { lstm(source: batch, target: batch) }, noGrad { reloaded(source: batch, target: batch) })
    }

    /// A tokenizer with more ids than the model's vocab_size is refused at load, naming both files.
    func testTokenizerWithMoreIdsThanTheVocabularyIsOneError() throws {
        let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c"]
        let tokenizer = try Tokenizer.bertWordPiece(vocabulary: words.enumerated().map { ($1, $0) })
        XCTAssertNoThrow(try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: 8, in: folder))
        XCTAssertThrowsError(try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: 7, in: folder)) { error in
            XCTAssertEqual("\(error)", "\(folder!)/config.json: \"vocab_size\" should be at least the 8 ids of \(folder!)/tokenizer.json, not 7")
        }
    }

    func testErrorsNameTheFileAndTheFirstMismatch() throws {
        XCTAssertThrowsError(try ModelFolder.load(folder)) {
            XCTAssertEqual("\($0)", "\(folder!): no such folder (a model is a folder with config.json and model.safetensors)")
        }
        let model = BertModel(bertConfig, generator: RandomGenerator(seed: 8))
        try model.save(to: folder)
        let weights = folder + "/model.safetensors", configFile = folder + "/config.json"

        // A config that disagrees with the weights: the first tensor in model order is named.
        var json = model.configJSON()
        json["hidden_size"] = 12
        try json.serialized().write(to: URL(fileURLWithPath: configFile))
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { error in
            XCTAssertEqual(error as? ModelError, .shapeMismatch(file: weights, tensor: "embeddings.word_embeddings.weight",
                                                                 expected: [20, 12], found: [20, 8]))
            XCTAssertEqual("\(error)", "\(weights): tensor \"embeddings.word_embeddings.weight\" has shape [20, 8], expected [20, 12] from config.json")
        }
        json["hidden_size"] = 8
        json["num_hidden_layers"] = 3
        try json.serialized().write(to: URL(fileURLWithPath: configFile))
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { error in
            XCTAssertEqual(error as? ModelError, .missingTensor(file: weights, tensor: "encoder.layer.2.attention.self.query.weight"))
        }
        json["num_hidden_layers"] = 1
        try json.serialized().write(to: URL(fileURLWithPath: configFile))
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { error in
            XCTAssertEqual(error as? ModelError, .unexpectedTensor(file: weights, tensor: "encoder.layer.1.attention.self.query.weight"))
        }
        // Bad JSON and a wrong value type.
        try Data("{\"model_type\": \"bert\",".utf8).write(to: URL(fileURLWithPath: configFile))
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { error in
            guard case .unreadable(let file, _)? = error as? ModelError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, configFile)
        }
        try Data("{\"model_type\": \"bert\", \"hidden_size\": \"big\"}".utf8).write(to: URL(fileURLWithPath: configFile))
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { error in
            XCTAssertEqual(error as? ModelError, .badConfig(file: configFile, key: "hidden_size", expected: "an integer"))
        }
        // A truncated weights file.
        try model.configJSON().serialized().write(to: URL(fileURLWithPath: configFile))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: weights))
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { error in
            guard case .unreadable(let file, _)? = error as? ModelError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, weights)
            XCTAssertFalse("\(error)".contains("\n"))
        }
        try FileManager.default.removeItem(atPath: weights)
        XCTAssertThrowsError(try BertModel.load(folder: folder)) { XCTAssertEqual($0 as? ModelError, .missingFile(weights)) }
    }

    func testSaveLeavesNoTemporaryFiles() throws {
        try BertModel(bertConfig, generator: RandomGenerator(seed: 9)).save(to: folder)
        try BertModel(bertConfig, generator: RandomGenerator(seed: 10)).save(to: folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["config.json", "model.safetensors"])
    }

    func testMiniLMIntoAClassifier() throws {
        let folder = try TestPaths.requireMiniLM()
        let classifier = try BertForSequenceClassification.load(folder: folder, labels: ["0", "1"], pooling: .mean)
        let base = try BertModel.load(folder: folder)
        let ids: [[Int32]] = [[101, 7592, 2088, 102], [101, 2204, 102]]
        let input = TokenBatch(sequences: ids)
        XCTAssertEqual(maxAbsDifference(noGrad { classifier.bert(input) }, noGrad { base(input) }), 0)
        XCTAssertEqual(noGrad { classifier(input) }.shape, [2, 2])
    }
}
