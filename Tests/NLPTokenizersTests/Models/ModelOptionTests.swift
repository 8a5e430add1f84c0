import XCTest
@testable import NLPTokenizers

/// Small tokenizers exercising every model option (WordPiece, WordLevel, BPE with unk, fused unk,
/// byte fallback, continuing prefix, end-of-word suffix, ignore_merges) and added tokens (single_word,
/// lstrip, rstrip, normalized or not): whole encodings against HF's.
final class ModelOptionTests: XCTestCase {
    func testSmallTokenizersMatchHuggingFace() throws {
        for entry in Components.list("tokenizers") {
            let name = entry["name"]!.string!
            let tokenizer = try Tokenizer(json: entry["tokenizer"]!)
            for c in entry["cases"]!.array! {
                let input = c.array![0].string!
                compareEncoding(tokenizer.encode(input), c.array![1], "\(name) on \(String(reflecting: input))")
            }
        }
    }

    func testMalformedTokenizerFilesNameTheField() {
        func error(_ text: String) -> String {
            do { _ = try Tokenizer(jsonString: text); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(error("{}"), "tokenizer.json: model: missing field")
        XCTAssertEqual(error(#"{"model": {"type": "WordPiece", "vocab": []}}"#),
                       "tokenizer.json: model.vocab: expected an object, found an array")
        XCTAssertEqual(error(#"{"model": {"type": "Unigram", "vocab": []}}"#),
                       "tokenizer.json: model.type: unknown model type \"Unigram\" (supported: WordPiece, BPE, WordLevel)")
        XCTAssertEqual(error(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#),
                       "tokenizer.json: model.merges[0]: the merge \"a b\" uses a token that is not in the vocabulary")
        XCTAssertEqual(error(#"{"model": {"type": "WordLevel", "vocab": {"a": -1}}}"#),
                       "tokenizer.json: model.vocab.a: expected a non-negative integer id")
        XCTAssertTrue(error(#"{"normalizer": {"type": "Fancy"}, "model": {"type": "WordLevel", "vocab": {"<unk>": 0}}}"#)
            .hasPrefix("tokenizer.json: normalizer.type: unknown normalizer type \"Fancy\" (supported: BertNormalizer"))
        XCTAssertEqual(error(#"{"model": {"#), "tokenizer.json: not valid JSON: line 1, column 12: expected a string key")
        XCTAssertTrue(error(#"{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "("}, "behavior": "Isolated"}, "model": {"type": "WordLevel", "vocab": {"<unk>": 0}}}"#)
            .hasPrefix("tokenizer.json: pre_tokenizer.pattern: invalid regular expression"))
    }
}
