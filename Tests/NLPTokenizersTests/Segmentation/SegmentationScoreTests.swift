import Foundation
import XCTest
@testable import NLPTokenizers

final class SegmentationScoreTests: XCTestCase {
    func testCountsWordsOfTheCommonSubsequence() {
        var scorer = SegmentationScorer(trainingWords: ["共同", "创造", "美好", "的"])
        scorer.add(goldLine: "共同  创造  美好  的  新  世纪  ", testLine: "共同 创造 美好 的 新世纪")
        let s = scorer.score
        XCTAssertEqual(s.goldWords, 6)
        XCTAssertEqual(s.testWords, 5)
        XCTAssertEqual(s.correctWords, 4)
        XCTAssertEqual(s.recall, 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(s.precision, 4.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(s.oovWords, 2)          // 新, 世纪
        XCTAssertEqual(s.correctOOVWords, 0)
        XCTAssertEqual(s.ivRecall, 1)
    }

    func testEmptyGoldLinesAreSkippedWithTheirTestWords() {
        var scorer = SegmentationScorer(trainingWords: nil)
        scorer.add(goldLine: "   ", testLine: "多 出来 的")
        scorer.add(goldLine: "他  来", testLine: "他来")
        XCTAssertEqual(scorer.score.goldWords, 2)
        XCTAssertEqual(scorer.score.testWords, 1)
        XCTAssertEqual(scorer.score.correctWords, 0)
        XCTAssertEqual(scorer.score.f1, 0)
    }

    func testSplitsOnIdeographicSpaceToo() {
        XCTAssertEqual(SegmentedCorpus.words(of: "我\u{3000}爱  北京\t"), ["我", "爱", "北京"])
    }

    /// jieba's output on the first 200 lines of the SIGHAN 2005 PKU test set (kept as word lengths),
    /// scored by scripts/fixtures/segment_score.py (an independent implementation of the `score`
    /// script's counting): our scorer must give the same counts.
    func testAgreesWithThePythonScorerOnJiebaOutput() throws {
        let gold = try SegmenterTestSupport.sharedData("sighan2005/pku_test_gold.utf8")
        let raw = try SegmenterTestSupport.sharedData("sighan2005/pku_test.utf8")
        let words = try SegmenterTestSupport.sharedData("sighan2005/pku_training_words.utf8")
        let fixtures = SegmenterTestSupport.packageRoot.appendingPathComponent("Tests/NLPTokenizersTests/Segmentation/Fixtures")
        let lengths = try SegmenterTestSupport.lines(fixtures.appendingPathComponent("jieba_pku_test_200.lengths").path, count: 200)
        let jieba = zip(try SegmenterTestSupport.lines(raw, count: 200), lengths).map { line, lengths -> String in
            var scalars = Array(line.unicodeScalars.filter { !$0.properties.isWhitespace })[...]
            return lengths.split(separator: " ").map { n -> String in
                var word = String.UnicodeScalarView()
                word.append(contentsOf: scalars.prefix(Int(n)!))
                scalars = scalars.dropFirst(Int(n)!)
                return String(word)
            }.joined(separator: "  ")
        }
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent("jieba_pku_test_200.score.json"))) as! [String: Int]
        var scorer = SegmentationScorer(trainingWords: try SegmentationScorer.readTrainingWords(path: words))
        for (g, t) in zip(try SegmenterTestSupport.lines(gold, count: 200), jieba) { scorer.add(goldLine: g, testLine: t) }
        let s = scorer.score
        XCTAssertEqual(s.goldWords, expected["truth"])
        XCTAssertEqual(s.testWords, expected["test"])
        XCTAssertEqual(s.correctWords, expected["correct"])
        XCTAssertEqual(s.oovWords, expected["oov"])
        XCTAssertEqual(s.correctOOVWords, expected["oov_correct"])
        XCTAssertEqual(s.correctIVWords, expected["iv_correct"])
    }
}
