import NLPModels
import NLPTensor
import XCTest

/// Tiny random checkpoints written by transformers' save_pretrained (scripts/fixtures/models_hf.py)
/// load under their own names and give transformers' logits.
final class HuggingFaceCheckpointTests: XCTestCase {
    func folder(_ name: String) -> String { TestPaths.fixture("hf/\(name)") }

    func expected(_ name: String) throws -> (SafetensorsFile, TokenBatch) {
        let file = try SafetensorsFile(contentsOf: folder(name) + "/expected.safetensors")
        let ids = try file.integers(named: "ids").map(Int32.init), mask = try file.integers(named: "mask").map(Int32.init)
        return (file, TokenBatch(ids: ids, batch: 2, length: 6, attentionMask: mask))
    }

    func testBertForSequenceClassification() throws {
        guard case .sequenceClassifier(let model) = try ModelFolder.load(folder("bert-classifier")) else {
            return XCTFail("BertForSequenceClassification loads as a classifier")
        }
        XCTAssertEqual(model.labels, ["a", "b", "c"])
        let (file, batch) = try expected("bert-classifier")
        let difference = maxAbsDifference(noGrad { model(batch) }, try file.tensor(named: "logits"))
        XCTAssertLessThan(difference, 1e-5)
    }

    func testBertForMaskedLM() throws {
        guard case .maskedLanguageModel(let model) = try ModelFolder.load(folder("bert-mlm")) else {
            return XCTFail("BertForMaskedLM loads as a masked LM")
        }
        let (file, batch) = try expected("bert-mlm")
        let logits = noGrad { model(batch) }, reference = try file.tensor(named: "logits")
        // Padded positions of row 1 are not compared (transformers computes them from padding too).
        var worst: Float = 0
        for b in 0..<2 { for t in 0..<(b == 0 ? 6 : 4) { for v in 0..<40 {
            worst = max(worst, abs(logits[b, t, v] - reference[b, t, v]))
        } } }
        XCTAssertLessThan(worst, 1e-5)
    }

    func testGPT2LMHeadModelLogitsAndLoss() throws {
        guard case .gpt(let model) = try ModelFolder.load(folder("gpt2")) else { return XCTFail("gpt2 loads as a GPT LM") }
        XCTAssertEqual(model.config.activation, .geluTanh)
        let (file, batch) = try expected("gpt2")
        let row = TokenBatch(ids: Array(batch.ids.prefix(6)), batch: 1, length: 6)
        XCTAssertLessThan(maxAbsDifference(noGrad { model(row) }, try file.tensor(named: "logits")), 1e-5)
        // transformers shifts the labels: position t predicts token t + 1.
        let input = TokenBatch(ids: Array(row.ids.prefix(5)), batch: 1, length: 5)
        let loss = noGrad { model.loss(input, targets: Array(row.ids.suffix(5))) }
        XCTAssertEqual(loss.scalar, try file.tensor(named: "loss").scalar, accuracy: 1e-5)
    }
}
