import XCTest
@testable import NLPTokenizers

/// The committed default model (vocab/segmenter-pku) on sentences with known traps.
final class ChineseSegmenterTests: XCTestCase {
    private func check(_ mode: ChineseSegmenter.Mode, _ cases: [(String, String)], file: StaticString = #filePath, line: UInt = #line) throws {
        let segmenter = try SegmenterTestSupport.segmenter(mode)
        for (text, expected) in cases {
            XCTAssertEqual(SegmenterTestSupport.segmented(segmenter, text), expected, "\(mode) on \(text)", file: file, line: line)
        }
    }

    /// 交集型 (overlapping) ambiguity: 和尚/尚未, 研究生/生命, 的确/确实/实在, 产品/品质, 美国/国会.
    func testOverlappingAmbiguity() throws {
        let both = [
            ("结婚的和尚未结婚的", "结婚 的 和 尚未 结婚 的"),
            ("研究生命的起源", "研究 生命 的 起源"),
            ("他说的确实在理", "他 说 的 确实 在理"),
            ("中国产品质量很好", "中国 产品 质量 很 好"),
        ]
        try check(.tagger, both + [("美国会通过这项法案", "美 国会 通过 这项 法案")])
        try check(.dictionary, both)
    }

    /// 组合型 (combinational) ambiguity: the same characters are one word here and two there.
    func testCombinationalAmbiguity() throws {
        try check(.tagger, [
            ("我马上就到", "我 马上 就 到"),
            ("小马上了山", "小马 上 了 山"),
            ("他们都得到了表扬", "他们 都 得到 了 表扬"),
            ("大家都得去", "大家 都 得 去"),
            ("个人所得税", "个人所得税"),
            ("一个人", "一个 人"),
            ("将来我要当医生", "将来 我 要 当 医生"),
            ("只有这样才能成功", "只有 这样 才 能 成功"),
        ])
    }

    func testMixedScriptStaysWholeAndOffsetsPointIntoTheOriginal() throws {
        let text = "用Swift写了一个NLP toolkit, it's fast! 价格上涨了3.5%，约合１２．５元，详见https://example.com/a?b=1或写信给foo.bar@example.org。"
        for mode in ChineseSegmenter.Mode.allCases {
            let segmenter = try SegmenterTestSupport.segmenter(mode)
            let words = segmenter.words(in: text).map(String.init)
            for whole in ["Swift", "NLP", "toolkit", "it's", "fast", "3.5%", "https://example.com/a?b=1", "foo.bar@example.org"] {
                XCTAssertTrue(words.contains(whole), "\(mode): \(whole) not whole in \(words)")
            }
            XCTAssertTrue(words.contains { $0.hasPrefix("１２．５") }, "\(mode): \(words)")
            for mark in [",", "!", "，", "。"] { XCTAssertTrue(words.contains(mark), "\(mode): \(mark) in \(words)") }
            XCTAssertFalse(words.contains { $0.contains(" ") || $0.isEmpty }, "\(mode): \(words)")
            // The words are the text without its spaces, in order, at their offsets.
            let utf8 = Array(text.utf8)
            var last = 0
            for range in segmenter.wordRanges(in: text) {
                XCTAssertGreaterThanOrEqual(range.lowerBound, last)
                XCTAssertTrue(utf8[last..<range.lowerBound].allSatisfy { $0 == 0x20 })
                last = range.upperBound
            }
            XCTAssertEqual(words.joined(), text.replacingOccurrences(of: " ", with: ""))
        }
    }

    func testEmptyAndSpaceOnlyLinesHaveNoWords() throws {
        for mode in ChineseSegmenter.Mode.allCases {
            let segmenter = try SegmenterTestSupport.segmenter(mode)
            for text in ["", " ", "\u{3000}\t  ", "\u{200B}"] {
                XCTAssertEqual(segmenter.wordRanges(in: text), [], "\(mode) on \(Array(text.unicodeScalars))")
            }
        }
        XCTAssertEqual(ChineseSegmenter.icu.wordRanges(in: "  \u{3000} "), [])
    }

    func testSearchModeAddsTheDictionaryWordsInsideLongWords() throws {
        let segmenter = try ChineseSegmenter(model: SegmenterTestSupport.model(), mode: .dictionary, searchMode: true)
        let words = segmenter.words(in: "中华人民共和国成立了").map(String.init)
        XCTAssertEqual(words.last(where: { $0.count > 2 }), "中华人民共和国")
        for inner in ["中华", "人民", "共和国"] { XCTAssertTrue(words.contains(inner), "\(inner) in \(words)") }
        XCTAssertLessThan(words.firstIndex(of: "人民")!, words.firstIndex(of: "中华人民共和国")!)
    }

    func testUserWordsAreKeptWhole() throws {
        for mode in ChineseSegmenter.Mode.allCases {
            let plain = try SegmenterTestSupport.segmenter(mode)
            XCTAssertNotEqual(SegmenterTestSupport.segmented(plain, "区块链技术"), "区块链 技术", "\(mode) already knows it")
            let withWords = plain.addingWords([(word: "区块链", frequency: nil)])
            XCTAssertEqual(SegmenterTestSupport.segmented(withWords, "区块链技术"), "区块链 技术", "\(mode)")
        }
    }

    func testICUBackendSplitsWordsAndDropsSpaces() {
        let words = ChineseSegmenter.icu.words(in: "我用Swift写了一个NLP toolkit。").map(String.init)
        XCTAssertTrue(words.contains("Swift") && words.contains("toolkit") && words.contains("。"), "\(words)")
        XCTAssertFalse(words.contains(" "))
        XCTAssertEqual(words.joined(), "我用Swift写了一个NLPtoolkit。")
    }

    /// F1 on the first 400 lines of the SIGHAN 2005 PKU test set (0.960 and 0.915 when written; the
    /// full set: tagger 0.9562,
    /// dictionary 0.9027; jieba 0.8183).
    func testF1OnASliceOfThePKUTestSet() throws {
        let test = try SegmenterTestSupport.lines(SegmenterTestSupport.sharedData("sighan2005/pku_test.utf8"), count: 400)
        let gold = try SegmenterTestSupport.lines(SegmenterTestSupport.sharedData("sighan2005/pku_test_gold.utf8"), count: 400)
        for (mode, bound) in [(ChineseSegmenter.Mode.tagger, 0.955), (.dictionary, 0.905)] {
            let segmenter = try SegmenterTestSupport.segmenter(mode)
            var scorer = SegmentationScorer(trainingWords: nil)
            for (t, g) in zip(test, gold) {
                scorer.add(gold: SegmentedCorpus.words(of: g), test: segmenter.words(in: t).map(String.init))
            }
            XCTAssertGreaterThan(scorer.score.f1, bound, "\(mode)")
        }
    }
}
