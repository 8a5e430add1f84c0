import XCTest
@testable import NLPTokenizers

/// Every decoder (as HF serializes it) against HF's decode.
final class DecoderTests: XCTestCase {
    func testDecodersMatchHuggingFace() throws {
        for entry in Components.list("decoders") {
            let decoder = try XCTUnwrap(try DecoderCoding.load(JSONField(entry["json"]!)))
            for c in entry["cases"]!.array! {
                let tokens = c.array![0].array!.map { $0.string! }
                XCTAssertEqual(decoder.decode(tokens), c.array![1].string!, "\(entry["json"]!) on \(tokens)")
            }
        }
    }
}
