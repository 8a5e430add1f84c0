import XCTest
@testable import NLPTraining

final class ProgressBarTests: XCTestCase {
    func testPlainLinesWhenNotATerminal() {
        var lines: [String] = []
        let bar = ProgressBar("train", total: 100, terminal: false, output: { lines.append($0) })
        bar.update(1, status: "loss 0.69")   // first update always prints
        bar.update(2, status: "loss 0.68")   // within the interval: silent
        bar.finish(100, status: "loss 0.10")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("train  1/100 steps  1%  loss 0.69"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("train  100/100 steps  100%  loss 0.10"), lines[1])
        XCTAssertFalse(lines[1].contains("ETA"))
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
    }

    /// With a time limit the ETA is the time left when that comes first.
    func testTimeLimitCapsTheETA() {
        let bar = ProgressBar("train", total: 1_000_000, terminal: false, output: { _ in })
        bar.stopsAfter = 120
        let line = bar.render(10, status: "", elapsed: 60)    // 10 steps a minute: the steps would take days
        XCTAssertTrue(line.hasSuffix("ETA 1:00"), line)
    }

    func testLiveBarRedrawsInPlace() {
        var out = ""
        let bar = ProgressBar("embed", total: 4, unit: "batches", terminal: true, output: { out += $0 })
        bar.update(2, force: true)
        bar.note("a notice")
        bar.finish(4)
        XCTAssertTrue(out.hasPrefix("\rembed  [############------------]  2/4 batches"), out)
        XCTAssertTrue(out.contains("\na notice\n") || out.contains("\ra notice\n"), out)
        XCTAssertTrue(out.hasSuffix("\n"))
    }
}
