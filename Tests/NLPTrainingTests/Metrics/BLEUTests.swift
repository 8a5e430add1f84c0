import XCTest
@testable import NLPTraining

/// Our BLEU and chrF against sacrebleu's on the same files (fixtures made by
/// scripts/fixtures/sacrebleu_reference.py with the real library).
final class BLEUTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    private func pairs(_ name: String) throws -> [(String, String)] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("bleu_\(name).tsv"), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { row in
            let tab = row.firstIndex(of: "\t")!
            return (String(row[..<tab]), String(row[row.index(after: tab)...]))
        }
    }

    func testCorpusScoresEqualSacreBLEU() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("bleu_expected.json"))) as! [String: Any]
        let cases = json["cases"] as! [String: Any]
        var checked = 0
        for name in ["en", "zh"] {
            let rows = try pairs(name)
            let tokenizer: SacreBLEUTokenizer = name == "zh" ? .chinese : .thirteenA
            for (key, value) in cases where key.hasPrefix(name + ".") && !key.hasSuffix(".tokens") {
                let c = value as! [String: Any]
                let range = c["range"] as! [Int]
                let slice = Array(rows[range[0]..<range[1]])
                let bleu = BLEU(hypotheses: slice.map(\.0), references: [slice.map(\.1)], tokenizer: tokenizer)
                XCTAssertEqual(bleu.counts, c["counts"] as! [Int], key)
                XCTAssertEqual(bleu.totals, c["totals"] as! [Int], key)
                XCTAssertEqual(bleu.hypothesisLength, c["sys_len"] as! Int, key)
                XCTAssertEqual(bleu.referenceLength, c["ref_len"] as! Int, key)
                XCTAssertEqual(bleu.score, c["bleu"] as! Double, accuracy: 1e-9, key)
                XCTAssertEqual(bleu.brevityPenalty, c["bp"] as! Double, accuracy: 1e-12, key)
                let chrf = CHRF(hypotheses: slice.map(\.0), references: [slice.map(\.1)])
                XCTAssertEqual(chrf.score, c["chrf"] as! Double, accuracy: 1e-9, key)
                checked += 1
            }
            let tokens = cases["\(name).tokens"] as! [String]
            for (row, expected) in zip(rows[600...], tokens) {
                XCTAssertEqual(tokenizer.tokenize(pythonStrip(row.0, leading: false)), expected, row.0)
            }
        }
        XCTAssertEqual(checked, 8)
    }

    func testEdgeCases() {
        XCTAssertEqual(BLEU(hypotheses: [""], references: [["a b c"]]).score, 0)
        XCTAssertEqual(BLEU(hypotheses: ["the cat sat on the mat"], references: [["the cat sat on the mat"]]).score, 100, accuracy: 1e-9)
        // Two reference streams: clipping takes the max count over the references.
        let two = BLEU(hypotheses: ["the the the"], references: [["the cat"], ["the the dog"]])
        XCTAssertEqual(two.counts[0], 2)
        XCTAssertEqual(two.referenceLength, 3)  // closest length to 3 among 2 and 3
        XCTAssertTrue(BLEU(hypotheses: ["a b"], references: [["a b c d"]]).summary.hasPrefix("BLEU = "))
    }
}
