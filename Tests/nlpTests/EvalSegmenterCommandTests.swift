import Foundation
import XCTest

final class EvalSegmenterCommandTests: XCTestCase {
    func testScoresAModelAndASegmentedFile() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let gold = try write("gold.txt", "我们  喜欢  北京  。  \n\n他  说  的  确实  在理  \n")
        let raw = try write("raw.txt", "我们喜欢北京。\n\n他说的确实在理\n")
        let segmented = try write("seg.txt", "我们 喜欢 北京。\n\n他 说的 确实 在理\n")
        let words = try write("words.txt", "我们\n喜欢\n北京\n他\n说\n的\n")

        let model = try NLPCommand.run(["eval-segmenter", "--gold", gold, "--words", words, raw])
        XCTAssertEqual(model.status, 0, model.stderr)
        XCTAssertTrue(model.stdout.contains("f1\t1.0000"), model.stdout)

        let result = try NLPCommand.run(["eval-segmenter", "--segmented", "--gold", gold, "--words", words, "--format", "json", segmented])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["gold_words"] as? Int, 9)
        XCTAssertEqual(json["test_words"] as? Int, 7)
        XCTAssertEqual(json["correct_words"] as? Int, 5)     // 我们 喜欢 他 确实 在理
        XCTAssertEqual(json["oov_words"] as? Int, 3)         // 。 确实 在理
        XCTAssertEqual(json["correct_oov_words"] as? Int, 2)
        XCTAssertEqual(json["precision"] as! Double, 5.0 / 7, accuracy: 1e-12)
    }

    /// gold.txt and test.txt written in a new folder, removed after the test.
    func goldAndTest(_ goldText: String, _ testText: String) throws -> (gold: URL, test: URL) {
        let dir = try NLPCommand.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let gold = dir.appendingPathComponent("gold.txt"), test = dir.appendingPathComponent("test.txt")
        try Data(goldText.utf8).write(to: gold)
        try Data(testText.utf8).write(to: test)
        return (gold, test)
    }

    func testMisalignedFilesAreAnError() throws {
        let (gold, test) = try goldAndTest("我们  喜欢\n北京\n", "我们 喜欢\n")
        let result = try NLPCommand.run(["eval-segmenter", "--segmented", "--gold", gold.path, test.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("test.txt: ends at line 2"), result.stderr)
        XCTAssertEqual(try NLPCommand.run(["eval-segmenter", "--segmented", "--mode", "dict", "--gold", gold.path, test.path]).status, 2)
    }

    func testLinesWithOtherCharactersAreScoredWithANote() throws {
        let (gold, test) = try goldAndTest("我们  喜欢\n北京  很  大\n", "我们 喜欢\n上海 很 大\n")
        let result = try NLPCommand.run(["eval-segmenter", "--segmented", "--gold", gold.path, test.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("note: 1 line(s) of \(test.path) hold other characters than \(gold.path) (the first: line 2)"),
                      result.stderr)
        XCTAssertTrue(result.stdout.contains("recall\t0.8000"), result.stdout)
    }
}
