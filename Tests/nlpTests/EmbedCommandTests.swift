import Foundation
import XCTest

/// `nlp embed` end to end on all-MiniLM-L6-v2, against sentence-transformers' vectors.
final class EmbedCommandTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let model = root + "/models/all-MiniLM-L6-v2"
    static let fixtures = root + "/Tests/NLPModelsTests/Fixtures/"

    func requireModel() throws {
        guard FileManager.default.fileExists(atPath: Self.model + "/model.safetensors") else {
            throw XCTSkip("models/all-MiniLM-L6-v2 is absent (run make setup)")
        }
    }

    /// Rows 0..<n of the reference embeddings [500, 384] (little-endian F32 after the header).
    func reference(_ n: Int) throws -> [[Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "minilm_reference.safetensors"))
        let headerLength = data.prefix(8).withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let entry = header["embeddings"] as! [String: Any]
        let begin = (entry["data_offsets"] as! [Int])[0] + 8 + headerLength
        return (0..<n).map { row in
            data.subdata(in: (begin + row * 384 * 4)..<(begin + (row + 1) * 384 * 4)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
    }

    func sentences(_ n: Int) throws -> [String] {
        let text = try String(contentsOfFile: Self.fixtures + "minilm_sentences.txt", encoding: .utf8)
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(n).map(String.init))
    }

    func testTSVMatchesSentenceTransformers() throws {
        try requireModel()
        // Sentences 0..3 (SST-2) and one Chinese review (line 400).
        let all = try sentences(401), expected = try reference(401)
        let picked = [0, 1, 2, 3, 400]
        let input = picked.map { all[$0] }.joined(separator: "\n") + "\n"
        let result = try NLPCommand.run(["embed", "--model", Self.model, "--batch-size", "2", "-"], input: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, picked.count)
        for (k, line) in lines.enumerated() {
            let values = line.split(separator: "\t").map { Float($0)! }
            XCTAssertEqual(values.count, 384)
            let worst = zip(values, expected[picked[k]]).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-4, "line \(k)")
        }
    }

    func testJSONLFromAFile() throws {
        try requireModel()
        let folder = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("lines.txt")
        try Data((try sentences(3).joined(separator: "\n") + "\n").utf8).write(to: file)
        let result = try NLPCommand.run(["embed", "--model", Self.model, "--format", "jsonl", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try reference(3)
        for (k, line) in result.stdout.split(separator: "\n").enumerated() {
            let values = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [Double]
            XCTAssertEqual(values.count, 384)
            XCTAssertLessThan(zip(values, expected[k]).map { abs(Float($0) - $1) }.max()!, 1e-4)
        }
    }

    func testBadInputIsOneErrorLine() throws {
        let missing = try NLPCommand.run(["embed", "--model", "/no/such/model"], input: Data("hello\n".utf8))
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "nlp: error: /no/such/model: no such folder (a model is a folder with config.json and model.safetensors)\n")
        let usage = try NLPCommand.run(["embed", "--model", Self.model, "--batch-size", "0"])
        XCTAssertEqual(usage.status, 2, usage.stderr)
        try requireModel()
        let invalid = try NLPCommand.run(["embed", "--model", Self.model], input: Data([0x61, 0x0A, 0xFF, 0x0A]))
        XCTAssertEqual(invalid.status, 1)
        XCTAssertTrue(invalid.stderr.hasPrefix("nlp: error: <stdin>:2:"), invalid.stderr)
        XCTAssertEqual(invalid.stderr.filter { $0 == "\n" }.count, 1)
        let lossy = try NLPCommand.run(["embed", "--model", Self.model, "--lossy"], input: Data([0x61, 0x0A, 0xFF, 0x0A]))
        XCTAssertEqual(lossy.status, 0, lossy.stderr)
        XCTAssertEqual(lossy.stdout.split(separator: "\n").count, 2, "one embedding a line, the repaired one too")
    }
}
