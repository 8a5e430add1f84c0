import XCTest
@testable import NLPTraining

final class ClassificationReportTests: XCTestCase {
    // Checked by hand (and equal to scikit-learn's classification_report on the same lists).
    func testThreeClasses() {
        let labels = ["a", "b", "c"]
        let gold = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2]
        let pred = [0, 1, 0, 1, 1, 2, 2, 0, 2, 1]
        let r = ClassificationReport(labels: labels, gold: gold, predicted: pred)
        XCTAssertEqual(r.confusion, [[2, 1, 0], [0, 2, 0], [1, 1, 3]])
        XCTAssertEqual(r.accuracy, 0.7, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[0].precision, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[0].recall, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[1].precision, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[1].recall, 1.0, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[1].f1, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[2].precision, 1.0, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[2].recall, 0.6, accuracy: 1e-12)
        XCTAssertEqual(r.perClass[2].f1, 0.75, accuracy: 1e-12)
        XCTAssertEqual(r.macroF1, (2.0 / 3 + 2.0 / 3 + 0.75) / 3, accuracy: 1e-12)
        XCTAssertEqual(r.perClass.map(\.support), [3, 2, 5])
        XCTAssertTrue(r.text.contains("accuracy     0.7000  (10 examples)"), r.text)
        XCTAssertTrue(r.json.hasPrefix("{\"accuracy\":0.7,\"macro_f1\":"), r.json)
    }

    func testNeverPredictedClassHasZeroPrecision() {
        let r = ClassificationReport(labels: ["neg", "pos"], gold: [0, 1, 1], predicted: [1, 1, 1])
        XCTAssertEqual(r.perClass[0].precision, 0)
        XCTAssertEqual(r.perClass[0].f1, 0)
        XCTAssertEqual(r.macroF1, 0.4, accuracy: 1e-12)  // (0 + 0.8) / 2
    }
}
