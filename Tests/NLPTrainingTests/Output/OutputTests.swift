import XCTest
import NLPFiles
import NLPTensor
import NLPTokenizers
@testable import NLPTraining

final class OutputTests: XCTestCase {
    func testAtomicWriteReplacesAndLeavesNoTemporaryFile() throws {
        let dir = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/out.txt"
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.txt"])
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/missing/out.txt"))
    }

    func testTrainingLogRoundTripAndPlot() throws {
        var log = TrainingLog(metricName: "accuracy")
        log.append(.init(step: 10, epoch: 0.5, trainLoss: 0.69, learningRate: 1e-4))
        log.append(.init(step: 20, epoch: 1, trainLoss: 0.41, learningRate: 5e-5, devLoss: 0.45, devMetric: 0.81))
        log.append(.init(step: 30, epoch: 1.5, trainLoss: 0.30, learningRate: 2e-5))
        let csv = log.csv
        XCTAssertTrue(csv.hasPrefix("step,epoch,train_loss,learning_rate,dev_loss,accuracy\n10,0.5000,0.69,0.0001,,\n"), csv)
        var parsed = try TrainingLog(csv: csv)
        XCTAssertEqual(parsed.rows, log.rows)
        XCTAssertEqual(parsed.metricName, "accuracy")
        parsed.truncate(after: 20)
        XCTAssertEqual(parsed.rows.map(\.step), [10, 20])
        let svg = log.svg
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 1)  // train line; dev is one point
        XCTAssertTrue(svg.contains("<circle"))
        XCTAssertThrowsError(try TrainingLog(csv: "nonsense\n1,2\n"))
    }

    func testFormatting() {
        XCTAssertEqual(formatDuration(12.34), "12.3s")
        XCTAssertEqual(formatDuration(247), "4:07")
        XCTAssertEqual(formatDuration(3909), "1:05:09")
        XCTAssertEqual(formatRate(18400.4), "18,400")
        XCTAssertEqual(formatRate(43.12), "43.1")
        XCTAssertEqual(JSONEscaping.quoted("a\"b\\\n\u{1}\u{8}中"), "\"a\\\"b\\\\\\n\\u0001\\b中\"")
        XCTAssertEqual(jsonNumber(.nan), "null")
        XCTAssertEqual(jsonNumber(3), "3")
    }
}
