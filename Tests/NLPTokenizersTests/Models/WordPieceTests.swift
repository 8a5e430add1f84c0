import XCTest
@testable import NLPTokenizers

/// WordPiece's one-character words (read from a dense array by scalar) against the longest-match
/// path they bypass: known, unknown, listed twice, 2-, 3- and 4-byte characters, scalars past the
/// array's range, and `max_input_chars_per_word` 0.
final class WordPieceTests: XCTestCase {
    private func ids(_ model: WordPiece, _ word: String) -> [Int32] {
        let tokens = TokenBuffer()
        var word = word
        word.withUTF8 { model.tokenize($0, byteLevel: false, into: tokens) }
        return (0..<tokens.count).map { tokens.base[$0].id }
    }

    func testOneCharacterWords() throws {
        let vocabulary = [("[UNK]", 0), ("a", 1), ("é", 2), ("中", 3), ("😀", 4), ("\u{E0100}", 5), ("中国", 6),
                          ("##国", 7), ("中", 8)]
        let model = try WordPiece(vocabulary: vocabulary)
        XCTAssertEqual(ids(model, "a"), [1])
        XCTAssertEqual(ids(model, "é"), [2])
        XCTAssertEqual(ids(model, "中"), [model.id(forToken: "中").map(Int32.init)!])
        XCTAssertEqual(ids(model, "😀"), [4])
        XCTAssertEqual(ids(model, "\u{E0100}"), [5])   // past the dense range: the hash table
        XCTAssertEqual(ids(model, "国"), [0])           // only as a continuation: unknown alone
        XCTAssertEqual(ids(model, "b"), [0])
        XCTAssertEqual(ids(model, "中国"), [6])
        XCTAssertEqual(ids(model, "中国国"), [6, 7])

        let none = try WordPiece(vocabulary: vocabulary, maxInputCharactersPerWord: 0)
        XCTAssertEqual(ids(none, "a"), [0])
    }
}
