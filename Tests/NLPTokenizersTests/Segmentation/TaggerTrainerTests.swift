import XCTest
@testable import NLPTokenizers

final class TaggerTrainerTests: XCTestCase {
    /// A small corpus whose words repeat in new combinations.
    static let corpus = SegmentedCorpus(sentences: [
        ["我们", "喜欢", "北京", "。"], ["他们", "喜欢", "上海", "。"], ["我们", "去", "北京", "工作", "。"],
        ["他们", "在", "上海", "工作", "。"], ["北京", "大学", "很", "大", "。"], ["上海", "的", "大学", "很", "多", "。"],
        ["１９９８年", "我们", "去", "了", "上海", "。"], ["２０％", "的", "人", "喜欢", "北京", "。"],
        ["温度", "１０", "℃", "。"], ["他", "说", "：", "“", "我", "喜欢", "工作", "。", "”"],
    ] + Array(repeating: ["我们", "在", "北京", "大学", "工作", "。"], count: 3))

    private func train(_ tagSet: TaggerTagSet, seed: UInt64 = 1) -> SegmenterModel {
        var options = TaggerTrainer.Options()
        options.epochs = 5
        options.hashBits = 16
        options.folds = 2
        options.tagSet = tagSet
        options.seed = seed
        options.pruneBelow = 0
        return SegmenterModel.trainTagger(corpus: Self.corpus, names: ["tiny"], options: options)
    }

    private func segmented(_ model: SegmenterModel, _ text: String, _ mode: ChineseSegmenter.Mode = .tagger) throws -> String {
        SegmenterTestSupport.segmented(try ChineseSegmenter(model: model, mode: mode), text)
    }

    func testLearnsTheTrainingTextAndGeneralizes() throws {
        for tagSet in TaggerTagSet.allCases {
            let model = train(tagSet)
            XCTAssertEqual(try segmented(model, "我们喜欢北京。"), "我们 喜欢 北京 。", "\(tagSet)")
            XCTAssertEqual(try segmented(model, "他们去上海工作。"), "他们 去 上海 工作 。", "\(tagSet)")
            XCTAssertEqual(try segmented(model, "温度20℃"), "温度 20 ℃", "\(tagSet): ℃ is always alone in training")
        }
    }

    func testLearnsSymbolPlacesAndProgress() {
        var epochs: [Int] = []
        var options = TaggerTrainer.Options()
        options.epochs = 3
        options.hashBits = 16
        let model = SegmenterModel.trainTagger(corpus: Self.corpus, names: ["tiny"], options: options) { epochs.append($0.epoch) }
        XCTAssertEqual(epochs, [1, 2, 3])
        XCTAssertEqual(model.info.symbolPlaces, nil, "no symbol is seen five times")
        let rules = SegmenterRules.learn(from: Self.corpus, minimumCount: 1)
        XCTAssertEqual(rules.symbolPlaces[0x2103], .alone)
        XCTAssertEqual(rules.symbolPlaces[0x25], .end)
        XCTAssertEqual(rules.standaloneSymbols, [0x2103])
    }

    func testSameSeedSameModel() throws {
        let a = train(.six, seed: 3), b = train(.six, seed: 3)
        var rowsA: [Int] = [], rowsB: [Int] = []
        a.tagger!.weights.forEachRow { bucket, row in rowsA.append(bucket ^ Int(row[0].bitPattern)) }
        b.tagger!.weights.forEachRow { bucket, row in rowsB.append(bucket ^ Int(row[0].bitPattern)) }
        XCTAssertEqual(rowsA, rowsB)
    }

    func testModelFolderRoundTrip() throws {
        let dir = try SegmenterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = train(.six)
        let path = dir.appendingPathComponent("model").path
        try model.write(to: path)
        try model.write(to: path)  // replacing a model folder works too
        let back = try SegmenterModel.load(from: path)
        XCTAssertEqual(back.info, model.info)
        XCTAssertEqual(back.dictionary.words, model.dictionary.words)
        XCTAssertEqual(back.tagger?.weights.rowCount, model.tagger?.weights.rowCount)
        for text in ["我们喜欢北京。", "他们去上海工作，１９９８年很多人喜欢上海大学。", "温度20℃"] {
            for mode in ChineseSegmenter.Mode.allCases {
                XCTAssertEqual(try segmented(back, text, mode), try segmented(model, text, mode), "\(mode) \(text)")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["model"], "no temporary folder left")
    }

    func testCorruptTaggerFileIsAnInputError() throws {
        let dir = try SegmenterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model").path
        try train(.four).write(to: path)
        let weights = dir.appendingPathComponent("model/tagger.bin")
        let data = try Data(contentsOf: weights)
        try data.prefix(data.count - 3).write(to: weights)
        XCTAssertThrowsError(try SegmenterModel.load(from: path)) { error in
            XCTAssertTrue("\(error)".contains("tagger.bin"), "\(error)")
        }
        XCTAssertThrowsError(try SegmenterModel.load(from: dir.appendingPathComponent("nothing").path))
    }
}

final class SegmentedCorpusTests: XCTestCase {
    func testAdaptationSplitsUnlistedWordsIntoListedOnes() {
        let corpus = SegmentedCorpus(sentences: [["他", "放在", "桌上", "官兵们", "江泽民"]])
        let (adapted, splits) = corpus.adapted(to: ["他", "放", "在", "桌上", "官兵", "们", "江"])
        XCTAssertEqual(adapted.sentences, [["他", "放", "在", "桌上", "官兵", "们", "江泽民"]])
        XCTAssertEqual(splits, 2)
    }

    func testReadsWordsSplitOnSpacesTabsAndIdeographicSpaces() throws {
        let dir = try SegmenterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.txt").path
        try "我们  喜欢\t北京\u{3000}。\n\n他\n".write(toFile: path, atomically: true, encoding: .utf8)
        let corpus = try SegmentedCorpus(paths: [path])
        XCTAssertEqual(corpus.sentences, [["我们", "喜欢", "北京", "。"], [], ["他"]])
        XCTAssertEqual(corpus.wordCount, 5)
    }
}
