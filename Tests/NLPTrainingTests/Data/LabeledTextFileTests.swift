import XCTest
@testable import NLPTraining
import NLPTokenizers

final class LabeledTextFileTests: XCTestCase {
    private func file(_ text: String) -> String { file(Array(text.utf8)) }
    private func file(_ bytes: [UInt8]) -> String {
        let path = NSTemporaryDirectory() + "labeled-\(UUID().uuidString).tsv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    func testHeaderIsSkippedAndLabelsSorted() throws {
        let f = try LabeledTextFile(path: file("text\tlabel\ngood film\t1\nbad\t0\n\nfine\t10\n"))
        XCTAssertTrue(f.hadHeader)
        XCTAssertEqual(f.examples.map(\.text), ["good film", "bad", "fine"])
        XCTAssertEqual(f.examples.map(\.line), [2, 3, 5])
        XCTAssertEqual(f.labels, ["0", "1", "10"])
    }

    func testNoHeaderWhenFirstRowIsData() throws {
        let f = try LabeledTextFile(path: file("好\tpos\n差\tneg\n很好\tpos\n"))
        XCTAssertFalse(f.hadHeader)
        XCTAssertEqual(f.labels, ["neg", "pos"])
        XCTAssertEqual(f.examples.count, 3)
    }

    func testSentencePairs() throws {
        let f = try LabeledTextFile(path: file("a man\ta person\tentailment\nx\ty\tcontradiction\n"))
        XCTAssertEqual(f.columns, 3)
        XCTAssertEqual(f.examples[0].pair, "a person")
        XCTAssertEqual(f.examples[1].label, "contradiction")
    }

    func testBadInputMessages() throws {
        var p = file("")
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) }, "\(p): is empty; expected rows `text<TAB>label`")
        p = file("ok\t1\nno tab here\n")
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) },
                       "\(p):2: expected `text<TAB>label` or `text_a<TAB>text_b<TAB>label`, found no TAB")
        p = file("a\t1\nb\tc\td\te\n")
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) }, "\(p):2: expected 2 or 3 TAB-separated columns, found 4")
        p = file("a\t1\nb\tc\t0\n")
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) }, "\(p):2: expected 2 columns like the rows before it, found 3")
        p = file(Array("a\t1\n".utf8) + [0x62, 0xC3, 0x28, 0x09, 0x30, 0x0A])
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) },
                       "\(p):2: invalid UTF-8 at byte 2 of the line (use --lossy to replace it with U+FFFD)")
        p = file("a\t1\n" + String(repeating: "x", count: 1 << 20) + "\t0\n")
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) },
                       "\(p):2: line is longer than 262144 bytes; expected one example a line")
        p = file("a\t\n")
        XCTAssertEqual(message { _ = try LabeledTextFile(path: p) }, "\(p):1: the label (last column) is empty")
    }

    func testLabelCounts() throws {
        let p = file("a\tpos\nb\tpos\nc\tneg\nd\tneg\ne\tneutral\n")
        let f = try LabeledTextFile(path: p)
        XCTAssertEqual(message { try f.requireExamplesPerLabel(2) },
                       "\(p):5: label 'neutral' appears only once; each label needs at least 2 examples (is the last column the label?)")
        XCTAssertEqual(message { try f.requireLabels(in: ["neg", "pos"]) },
                       "\(p):5: unknown label 'neutral'; the model knows 'neg', 'pos'")
        let one = try LabeledTextFile(path: file("a\tpos\nb\tpos\n"))
        XCTAssertTrue(message { try one.requireExamplesPerLabel(2) }.contains("has only one label ('pos')"))
    }
}
