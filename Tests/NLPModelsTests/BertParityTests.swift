import NLPModels
import NLPTensor
import XCTest

/// all-MiniLM-L6-v2 against Hugging Face transformers (fixtures from scripts/fixtures/minilm.py).
final class BertParityTests: XCTestCase {
    func testLastHiddenStateMatchesTransformers() throws {
        let model = try BertModel.load(folder: try TestPaths.requireMiniLM())
        let reference = try SafetensorsFile(contentsOf: TestPaths.fixture("minilm_reference.safetensors"))
        var worst: Float = 0
        for i in 0..<8 {
            let ids = try reference.integers(named: "ids.\(i)").map(Int32.init)
            let expected = try reference.tensor(named: "hidden.\(i)")
            let hidden = noGrad { model(TokenBatch(ids: ids, batch: 1, length: ids.count)) }
            XCTAssertEqual(hidden.shape, [1] + expected.shape)
            worst = max(worst, maxAbsDifference(hidden, expected))
        }
        print("MiniLM last_hidden_state, 8 sentences: max |ours − transformers| = \(worst)")
        XCTAssertLessThan(worst, 1e-4)
    }
}
