import XCTest
@testable import NLPTokenizers

/// The trainers: byte-level BPE reproduces HF's BpeTrainer exactly; WordPiece and character-level
/// tokenizers train, save and load.
final class TrainerTests: XCTestCase {
    func testByteLevelBPEEqualsHuggingFaceTrainer() throws {
        let want = try XCTUnwrap(Components.json["trained_bpe"])
        let skeleton = Tokenizer(model: try WordLevel(vocabulary: [("[UNK]", 0)]), preTokenizer: ByteLevel(addPrefixSpace: false))
        let counts = try TokenizerTraining.countWords(files: [TestFiles.fixture("tokenizer_corpus.txt").path], with: skeleton,
                                                      options: .init(threads: 2))
        let trainer = BPETrainer(vocabularySize: want["vocab_size"]!.int!, minFrequency: Int64(want["min_frequency"]!.int!),
                                 specialTokens: want["special_tokens"]!.array!.map { $0.string! },
                                 initialAlphabet: ByteLevelAlphabet.all)
        let result = trainer.train(counts)
        let wantVocab = want["vocab"]!.objectEntries.map { ($0.key, $0.value.int!) }.sorted { $0.1 < $1.1 }
        XCTAssertEqual(result.vocabulary.map(\.0), wantVocab.map(\.0))
        XCTAssertEqual(result.vocabulary.map(\.1), wantVocab.map(\.1))
        let wantMerges = want["merges"]!.array!.map { "\($0.array![0].string!) \($0.array![1].string!)" }
        XCTAssertEqual(result.merges.map { "\($0.0) \($0.1)" }, wantMerges)
    }

    func testTrainedTokenizersRoundTrip() throws {
        let file = TestFiles.fixture("tokenizer_corpus.txt").path
        let corpus = try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt"))
        let wordPiece = try TokenizerTraining.wordPiece(files: [file], vocabularySize: 1500)
        let characters = try TokenizerTraining.characterLevel(files: [file])
        let bpe = try TokenizerTraining.byteLevelBPE(files: [file], vocabularySize: 700)
        XCTAssertEqual(wordPiece.vocabularySize, 1500)
        XCTAssertEqual(bpe.vocabularySize, 700)
        for (name, t) in [("wordpiece", wordPiece), ("char", characters), ("bpe", bpe)] {
            let loaded = try Tokenizer(jsonString: t.jsonString())
            for line in corpus.prefix(200) { XCTAssertEqual(loaded.encode(line), t.encode(line), name) }
        }
        // Byte-level BPE and characters decode back to the text.
        for line in corpus.prefix(200) {
            XCTAssertEqual(bpe.decode(bpe.encode(line).ids), line)
        }
        XCTAssertEqual(characters.decode(characters.encode("天气 fine!").ids), "天气 fine!")
        XCTAssertEqual(characters.encode("ab").tokens, ["a", "b"])
    }

    func testInvalidUTF8InATrainingFileNamesTheLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).txt")
        try Data("good line\nbad \u{FF}\n".utf8.map { $0 == 0xC3 ? 0xFF : $0 }).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try TokenizerTraining.characterLevel(files: [url.path])) { error in
            XCTAssertEqual((error as? InputError)?.line, 2)
        }
    }

    func testAnEmptyOrBlankCorpusIsAnError() throws {
        for (text, message) in [("", "is empty; expected text to train on, a text a line"),
                                ("\n\n", "holds no words to train on (2 blank lines)")] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).txt")
            try Data(text.utf8).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            XCTAssertThrowsError(try TokenizerTraining.byteLevelBPE(files: [url.path], vocabularySize: 300)) { error in
                XCTAssertEqual(error as? InputError, InputError(file: url.path, message))
            }
        }
    }
}
