import XCTest
import Foundation
@testable import NLPTensor

final class SafetensorsTests: XCTestCase {
    private var directory: String!

    override func setUp() {
        directory = NSTemporaryDirectory() + "safetensors-tests-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testRoundTrip() throws {
        let a = Tensor.normal([3, 4], generator: RandomGenerator(seed: 1))
        let b = Tensor(shape: [], scalars: [7])
        let c = Tensor.zeros([0, 5])
        let path = directory + "/weights.safetensors"
        try SafetensorsWriter.write([("encoder.layer.0.\"quoted\"\nname", a), ("b", b), ("empty", c)],
                                    metadata: ["format": "pt", "note": "ünïcode ✓"], to: path)
        let file = try SafetensorsFile(contentsOf: path)
        XCTAssertEqual(file.names, ["encoder.layer.0.\"quoted\"\nname", "b", "empty"])
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "ünïcode ✓"])
        let read = try file.tensor(named: "encoder.layer.0.\"quoted\"\nname")
        XCTAssertEqual(read.shape, [3, 4])
        XCTAssertEqual(read.scalars, a.scalars)
        XCTAssertEqual(try file.tensor(named: "b").scalars, [7])
        XCTAssertEqual(try file.tensor(named: "empty").shape, [0, 5])
        XCTAssertThrowsError(try file.tensor(named: "missing"))
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["weights.safetensors"])
    }

    func testAlignedF32IsAViewOfTheMapping() throws {
        let path = directory + "/view.safetensors"
        try SafetensorsWriter.write([("w", Tensor(shape: [2], scalars: [1, 2]))], to: path)
        var tensor: Tensor? = try SafetensorsFile(contentsOf: path).tensor(named: "w")
        // The file object is gone; the tensor keeps the mapping alive. Writes stay private.
        tensor!.data[0] = 5
        XCTAssertEqual(tensor!.scalars, [5, 2])
        tensor = nil
        XCTAssertEqual(try SafetensorsFile(contentsOf: path).tensor(named: "w").scalars, [1, 2])
    }

    /// The fixture written by scripts/fixtures/tensor_reference.py with the safetensors library.
    func testReadsFilesFromTheReferenceLibrary() throws {
        let path = fixturePath("dtypes.safetensors")
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("fixture \(path) missing") }
        let file = try SafetensorsFile(contentsOf: path)
        let expected: [Float] = [0, 1, -2.5, 65504, 6.1035156e-05, 5.9604645e-08, -0.33325195, 3]
        assertClose(try file.tensor(named: "f16").scalars, expected, tolerance: 1e-7)
        XCTAssertEqual(try file.tensor(named: "f16").shape, [2, 4])
        XCTAssertEqual(try file.tensor(named: "f32").scalars, [1.5, -2.25, 3.125])
        XCTAssertEqual(try file.tensor(named: "bf16").scalars, [1, -2, 0.5, 3.140625])
        XCTAssertEqual(try file.tensor(named: "f64").scalars, [Float(0.1), Float(-1e10), 2])
        XCTAssertEqual(try file.integers(named: "i64"), [0, 1, 2, -3, 1 << 40])
        XCTAssertEqual(try file.tensor(named: "i64").scalars, [0, 1, 2, -3, Float(1 << 40)])
        XCTAssertEqual(file.metadata["format"], "pt")
        XCTAssertEqual(try file.tensor(named: "f16").scalars[7], 3)
        let f16Infinity = try file.tensor(named: "f16_special").scalars
        XCTAssertEqual(f16Infinity[0], .infinity)
        XCTAssertEqual(f16Infinity[1], -.infinity)
        XCTAssertTrue(f16Infinity[2].isNaN)
    }

    func testMiniLMLoads() throws {
        let path = "models/all-MiniLM-L6-v2/model.safetensors"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) missing (make setup)") }
        let file = try SafetensorsFile(contentsOf: path)
        XCTAssertEqual(file.names.count, 104)
        let embeddings = try file.tensor(named: "embeddings.word_embeddings.weight")
        XCTAssertEqual(embeddings.shape, [30522, 384])
        XCTAssertEqual(try file.integers(named: "embeddings.position_ids").prefix(3), [0, 1, 2])
    }

    // Corrupt and hostile files.

    private func fixturePath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    private func file(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> String {
        let path = directory + "/corrupt-\(UUID().uuidString).safetensors"
        var bytes: [UInt8] = []
        var length = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &length) { bytes += $0 }
        bytes += Array(header.utf8) + data
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    private func assertRejected(_ path: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: path), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(fragment), "message \"\(message)\" lacks \"\(fragment)\"", file: file, line: line)
            XCTAssertTrue(message.hasPrefix(path), "message names the file", file: file, line: line)
        }
    }

    func testCorruptFilesAreRejectedWithTheirReason() {
        let ok = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [(String, String)] = [
            (file("", data: []).replacingOccurrences(of: "", with: ""), "header is not a JSON object"),
            (file(ok, data: eight, declaredLength: 1 << 40), "exceeds the limit"),
            (file(ok, data: eight, declaredLength: 1000), "runs past the end of the file"),
            (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, data: eight), "header JSON is invalid"),
            (file(#"[1, 2]"#), "must start with '{'"),
            (file(#"{"w":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}"#, data: eight), "unknown dtype \"Q7\""),
            (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: eight), "run past the data section"),
            (file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight), "needs 12 bytes"),
            (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: eight), "end before they begin"),
            (file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "overlap"),
            (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "belong to no tensor"),
            (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: eight), "the tensors cover 4"),
            (file(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight), "not a non-negative integer"),
            (file(#"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, data: eight), "not a non-negative integer"),
            (file(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#, data: eight), "too large"),
            (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: eight), "data_offsets must be"),
            (file(#"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, data: eight), "missing dtype"),
            (file(#"{"w":[1]}"#), "entry is not an object"),
            (file(#"{"__metadata__":{"k":1}}"#), "is not a string"),
            (file(String(repeating: "[", count: 100_000)), "must start with '{'"),
            (file("{\"a\":" + String(repeating: "[", count: 100_000)), "nesting deeper"),
            (file("{\"w\u{1}\":1}"), "control character"),
            (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eight), "appears twice"),
        ]
        for (path, fragment) in cases { assertRejected(path, fragment) }
        // Too short to hold the header length, and not valid UTF-8.
        let short = directory + "/short.safetensors"
        FileManager.default.createFile(atPath: short, contents: Data([1, 2, 3]))
        assertRejected(short, "too short")
        let latin = directory + "/latin.safetensors"
        FileManager.default.createFile(atPath: latin, contents: Data([4, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF, 0x7D, 0x20]))
        assertRejected(latin, "not valid UTF-8")
        assertRejected(directory + "/does-not-exist.safetensors", "cannot open")
    }

    func testTruncatedFilesAreRejected() throws {
        let path = directory + "/full.safetensors"
        try SafetensorsWriter.write([("a", Tensor.ones([16])), ("b", Tensor.ones([3, 3]))], to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Every cut short of the full length fails cleanly (and never reads past the end).
        for length in stride(from: 0, to: bytes.count, by: 7) {
            let cut = directory + "/cut-\(length).safetensors"
            FileManager.default.createFile(atPath: cut, contents: bytes.prefix(length))
            XCTAssertThrowsError(try SafetensorsFile(contentsOf: cut), "cut at \(length)")
        }
    }

    func testWriterRejectsDuplicateNames() {
        XCTAssertThrowsError(try SafetensorsWriter.write([("a", Tensor.ones([1])), ("a", Tensor.ones([1]))],
                                                         to: directory + "/dup.safetensors"))
    }
}
