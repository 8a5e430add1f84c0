import Foundation
import XCTest

final class TrainSegmenterCommandTests: XCTestCase {
    static let corpus = Array(repeating: "我们 喜欢 北京 。\n他们 在 上海 工作 。\n北京 大学 很 大 。\n温度 １０ ℃ 。\n", count: 3).joined()

    func testTrainsBothModesAndSegmentsWithTheModel() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.txt")
        try Data(Self.corpus.utf8).write(to: corpus)
        for mode in ["dict", "tagger"] {
            let model = dir.appendingPathComponent("model-\(mode)").path
            let result = try NLPCommand.run(["train-segmenter", "--mode", mode, "--epochs", "3", "--hash-bits", "16",
                                             corpus.path, "-o", model])
            XCTAssertEqual(result.status, 0, result.stderr)
            for file in ["segmenter.json", "dictionary.txt", "hmm.txt"] + (mode == "tagger" ? ["tagger.bin"] : []) {
                XCTAssertTrue(FileManager.default.fileExists(atPath: model + "/" + file), "\(mode): \(file)")
            }
            if mode == "tagger" {
                let progress = result.stderr.split(separator: "\n").filter { $0.contains("epoch") }
                XCTAssertEqual(progress.count, 3, result.stderr)
                XCTAssertTrue(progress[2].contains("epoch 3/3") && progress[2].contains("accuracy") && progress[2].contains(" s"),
                              String(progress[2]))
            }
            let segmented = try NLPCommand.run(["segment", "--model", model], input: Data("我们在北京工作。\n".utf8))
            XCTAssertEqual(segmented.stdout, "我们 在 北京 工作 。\n", "\(mode): \(segmented.stderr)")
        }
        let tagMode = try NLPCommand.run(["segment", "--model", dir.appendingPathComponent("model-dict").path, "--mode", "tagger"],
                                         input: Data("你好\n".utf8))
        XCTAssertEqual(tagMode.status, 1)
        XCTAssertTrue(tagMode.stderr.contains("no tagger"), tagMode.stderr)
    }

    func testBadCorpusNamesTheLine() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.txt")
        try Data([0xE4, 0xBD, 0xA0, 0x20, 0x61, 0x0A, 0xC3, 0x28, 0x0A]).write(to: corpus)
        let result = try NLPCommand.run(["train-segmenter", "--mode", "dict", corpus.path, "-o", dir.appendingPathComponent("m").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("corpus.txt:2: invalid UTF-8"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m").path))
        XCTAssertEqual(try NLPCommand.run(["train-segmenter", corpus.path]).status, 2, "no -o")
    }
}
