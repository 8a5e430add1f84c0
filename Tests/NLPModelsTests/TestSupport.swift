import Foundation
import NLPModels
import NLPTensor
import XCTest

/// Paths the tests read: the fixtures beside them, the project's models/ and ../shared/data.
enum TestPaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static func fixture(_ name: String) -> String { root + "/Tests/NLPModelsTests/Fixtures/" + name }
    static let miniLM = root + "/models/all-MiniLM-L6-v2"

    /// The MiniLM folder, or a skip when `make setup` has not fetched it.
    static func requireMiniLM() throws -> String {
        guard FileManager.default.fileExists(atPath: miniLM + "/model.safetensors") else {
            throw XCTSkip("models/all-MiniLM-L6-v2 is absent (run make setup)")
        }
        return miniLM
    }
}

/// Largest |a − b| over two equal-size buffers.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.count == b.count, "comparing \(a.shape) with \(b.shape)")
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a.data[i] - b.data[i])) }
    return m
}

/// Cosine similarity of two rows of `n` floats.
func cosine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for i in 0..<n { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i]) * Double(a[i]); bb += Double(b[i]) * Double(b[i]) }
    return ab / (aa.squareRoot() * bb.squareRoot())
}
