import XCTest
@testable import NLPTokenizers

final class DictionarySegmenterTests: XCTestCase {
    private func segmenter(_ words: [(String, Double)], hmm: SegmenterHMM? = nil) -> DictionarySegmenter {
        DictionarySegmenter(dictionary: SegmenterDictionary(entries: words.map { (word: $0.0, frequency: $0.1) }), hmm: hmm)
    }

    private func cut(_ s: DictionarySegmenter, _ text: String) -> String {
        var t = SegmenterText()
        t.load(text)
        var w = DictionarySegmenter.Workspace()
        var ranges: [Range<Int>] = []
        s.segment(t, workspace: &w, into: &ranges)
        let utf8 = Array(text.utf8)
        return ranges.map { String(decoding: utf8[t.utf8Range(units: $0)], as: UTF8.self) }.joined(separator: " ")
    }

    func testMostProbablePathThroughTheDAG() {
        let s = segmenter([("研究", 50), ("研究生", 20), ("生命", 40), ("命", 5), ("起源", 10), ("的", 500), ("生", 5)])
        XCTAssertEqual(cut(s, "研究生命的起源"), "研究 生命 的 起源")
        let t = segmenter([("研究", 50), ("研究生", 200), ("生命", 1), ("命", 100), ("的", 500)])
        XCTAssertEqual(cut(t, "研究生命"), "研究生 命")
    }

    func testWordsNeverCrossForcedBoundaries() {
        let s = segmenter([("北京大学", 100), ("北京", 10)])
        XCTAssertEqual(cut(s, "北京大学"), "北京大学")
        XCTAssertEqual(cut(s, "北京 大学"), "北京 大 学")
        XCTAssertEqual(cut(s, "北京，大学"), "北京 ， 大 学")
    }

    func testHMMJoinsRunsTheDictionaryMisses() {
        var counts = SegmenterHMM.Counts()
        // Two-character names (B E) that say something (S S).
        for name in ["张三", "李四", "王五", "赵六"] {
            counts.add(wordSymbols: [name, "说", "了"].map { $0.unicodeScalars.map(\.value)[...] })
        }
        let s = segmenter([("说", 100), ("了", 100)], hmm: counts.model())
        XCTAssertEqual(cut(s, "张五说了"), "张五 说 了")
        XCTAssertEqual(cut(segmenter([("说", 100), ("了", 100)]), "张五说了"), "张 五 说 了")
    }
}
