import XCTest
@testable import NLPTokenizers

/// tokenizer.json load → save → load gives the same tokenizer (same encodings, same document).
final class TokenizerFileTests: XCTestCase {
    func testRoundTripThroughTokenizerJSON() throws {
        let corpus = try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt"))
        var tokenizers = try TestFiles.parityTokenizers()
        tokenizers.append(("minilm with padding", try TestFiles.miniLM()))
        for entry in Components.list("tokenizers") { tokenizers.append((entry["name"]!.string!, try Tokenizer(json: entry["tokenizer"]!))) }
        for (name, tokenizer) in tokenizers {
            let text = tokenizer.jsonString()
            let again = try Tokenizer(jsonString: text)
            XCTAssertEqual(again.jsonString(), text, "\(name): saving twice gives the same file")
            XCTAssertEqual(again.vocabularySize, tokenizer.vocabularySize, name)
            for line in corpus.prefix(300) {
                XCTAssertEqual(again.encode(line), tokenizer.encode(line), "\(name) after a round trip: \(String(reflecting: line))")
            }
        }
    }

    func testSaveIsAtomicAndLoadsFromAFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = try TestFiles.gpt2()
        let path = folder.appendingPathComponent("tokenizer.json").path
        try tokenizer.save(toFile: path)
        try tokenizer.save(toFile: path)   // over an existing file
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["tokenizer.json"])
        let loaded = try Tokenizer(contentsOfFile: folder.path)
        XCTAssertEqual(loaded.encode("Hello world").ids, [15496, 995])
        XCTAssertThrowsError(try Tokenizer(contentsOfFile: folder.appendingPathComponent("missing.json").path))
    }

    func testVocabularyAndSpecialTokens() throws {
        let bert = try TestFiles.miniLM(), gpt2 = try TestFiles.gpt2()
        XCTAssertEqual(bert.vocabularySize, 30522)
        XCTAssertEqual(gpt2.vocabularySize, 50257)
        XCTAssertEqual(bert.id(forToken: "hello"), 7592)
        XCTAssertEqual(bert.token(forID: 7592), "hello")
        let ids = bert.specialTokenIDs
        XCTAssertEqual([ids.classifier, ids.separator, ids.padding, ids.mask, ids.unknown], [101, 102, 0, 103, 100])
        XCTAssertEqual(gpt2.specialTokenIDs.endOfText, 50256)
        XCTAssertTrue(bert.isSpecialToken("[CLS]"))
        // The file's own padding and truncation apply in the library API.
        XCTAssertEqual(bert.encode("hello").count, 128)
        XCTAssertEqual(bert.encode(String(repeating: "word ", count: 300)).count, 128)
        XCTAssertEqual(bert.decode([101, 7592, 1010, 2088, 999, 102]), "hello, world!")
        XCTAssertEqual(bert.decode([101, 7592, 102], skipSpecialTokens: false), "[CLS] hello [SEP]")
    }

    func testAddingTokens() throws {
        var t = try TestFiles.gpt2()
        t = t.adding([AddedToken("<|user|>", special: true), AddedToken("ZYX")])
        XCTAssertEqual(t.id(forToken: "<|user|>"), 50257)
        XCTAssertEqual(t.id(forToken: "ZYX"), 50258)
        XCTAssertEqual(t.encode("hi<|user|>ZYX").ids, [5303, 50257, 50258])
        XCTAssertEqual(t.decode([5303, 50257, 50258]), "hiZYX")
    }
}
