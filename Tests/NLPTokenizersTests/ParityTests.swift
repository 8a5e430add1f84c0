import Foundation
import XCTest
@testable import NLPTokenizers

/// Identical ids and offsets to Hugging Face tokenizers on every line of the test corpus, for
/// all-MiniLM-L6-v2 (BERT uncased WordPiece), GPT-2 (byte-level BPE) and bert-base-chinese.
/// The expected outputs come from scripts/fixtures/tokenizers.py (the real library).
final class ParityTests: XCTestCase {
    private func expected(_ name: String) throws -> [(ids: [Int], offsets: [Span])] {
        try TestFiles.lines(TestFiles.fixture("expected_\(name).txt")).map { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            let ids = parts[0].split(separator: " ").map { Int($0)! }
            let offsets = parts[1].split(separator: " ").map { pair -> Span in
                let se = pair.split(separator: ",")
                return Span(Int(se[0])!, Int(se[1])!)
            }
            return (ids, offsets)
        }
    }

    func testEveryCorpusLineMatchesHuggingFace() throws {
        let corpus = try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt"))
        var report: [String] = []
        for (name, tokenizer) in try TestFiles.parityTokenizers() {
            let reference = try expected(name)
            XCTAssertEqual(reference.count, corpus.count)
            var same = 0
            var shown = 0
            for (line, want) in zip(corpus, reference) {
                let got = tokenizer.encode(line)
                if got.ids == want.ids && got.offsets == want.offsets {
                    same += 1
                } else if shown < 5 {
                    shown += 1
                    let scalars = line.unicodeScalars.prefix(60).map { String($0.value, radix: 16) }.joined(separator: " ")
                    XCTFail("""
                        \(name): line \(String(reflecting: String(line.prefix(80)))) [\(scalars)]
                          ids      got \(Array(got.ids.prefix(40)))
                                  want \(want.ids.prefix(40))
                          offsets  got \(Array(got.offsets.prefix(20)))
                                  want \(want.offsets.prefix(20))
                        """)
                }
            }
            report.append("\(name): \(same)/\(corpus.count) lines identical")
        }
        print("parity: " + report.joined(separator: "; "))
    }

    func testBatchEqualsOneByOne() throws {
        let corpus = try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt"))
        for (name, tokenizer) in try TestFiles.parityTokenizers() {
            let batch = tokenizer.encodeBatch(corpus, threads: 2)
            for (k, line) in corpus.enumerated() where batch[k] != tokenizer.encode(line) {
                XCTFail("\(name): encodeBatch differs from encode on line \(k + 1)")
                break
            }
        }
    }

    func testDecodeMatchesHuggingFace() throws {
        let corpus = try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt"))
        for (name, tokenizer) in try TestFiles.parityTokenizers() {
            let rows = try TestFiles.jsonLines(TestFiles.fixture("decoded_\(name).jsonl"))
            var same = 0
            for (k, row) in rows.enumerated() {
                let ids = tokenizer.encode(corpus[k]).ids
                let text = tokenizer.decode(ids), withSpecial = tokenizer.decode(ids, skipSpecialTokens: false)
                if text == row["text"]?.string && withSpecial == row["with_special"]?.string {
                    same += 1
                } else if rows.count - same <= rows.count {
                    XCTAssertEqual(text, row["text"]?.string, "\(name) decode of line \(k + 1)")
                    XCTAssertEqual(withSpecial, row["with_special"]?.string, "\(name) decode of line \(k + 1)")
                }
            }
            print("decode parity \(name): \(same)/\(rows.count)")
        }
    }
}
