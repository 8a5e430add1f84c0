import NLPModels
import NLPTensor
@testable import NLPTraining
import XCTest

final class GroupedAdamWTests: XCTestCase {
    func tinyClassifier() -> BertForSequenceClassification {
        let config = BertConfig(vocabSize: 20, hiddenSize: 8, layers: 3, heads: 2, intermediateSize: 12, maxPositions: 8,
                                hiddenDropout: 0, attentionDropout: 0)
        return BertForSequenceClassification(config, labels: ["a", "b"], pooling: .mean, generator: RandomGenerator(seed: 3))
    }

    /// Every parameter lands in one group: embeddings, each layer, then the head, with the scales
    /// layer-wise decay and the head's multiple give.
    func testGroupsByDepth() {
        let model = tinyClassifier()
        let groups = model.rateGroups(layerDecay: 0.5, headScale: 10)
        XCTAssertEqual(groups.count, 5)
        XCTAssertEqual(groups.map(\.scale), [0.0625, 0.125, 0.25, 0.5, 10])
        XCTAssertEqual(groups.reduce(0) { $0 + $1.parameters.count }, model.parameters().count)
        XCTAssertTrue(groups[0].parameters.allSatisfy { $0.name!.hasPrefix("bert.embeddings.") })
        XCTAssertTrue(groups[2].parameters.allSatisfy { $0.name!.hasPrefix("bert.encoder.layer.1.") })
        XCTAssertEqual(Set(groups[4].parameters.map { $0.name! }), ["classifier.weight", "classifier.bias"])
    }

    /// With the scales s, a group's update is AdamW's at rate s·lr (and scale 1 is plain AdamW).
    func testUpdatesMatchAdamWAtEachGroupsRate() {
        let grouped = tinyClassifier(), plain = tinyClassifier()
        let optimizer = GroupedAdamW(groups: grouped.rateGroups(layerDecay: 0.5, headScale: 4), learningRate: 1e-2,
                                     weightDecay: 0.1, exemptFromWeightDecay: { $0.rank < 2 })
        let groups = plain.rateGroups(layerDecay: 0.5, headScale: 4)
        let references = groups.map { AdamW(parameters: $0.parameters, learningRate: 1e-2 * $0.scale, weightDecay: 0.1,
                                             exemptFromWeightDecay: { $0.rank < 2 }) }
        let generator = RandomGenerator(seed: 8)
        for _ in 0..<3 {
            for (a, b) in zip(grouped.parameters(), plain.parameters()) {
                let g = Tensor.normal(a.shape, generator: generator)
                a.grad = g
                b.grad = g.copy()
            }
            optimizer.step(gradientScale: 0.5)
            for r in references { r.step(gradientScale: 0.5) }
        }
        for (a, b) in zip(grouped.parameters(), plain.parameters()) {
            for i in 0..<a.count { XCTAssertEqual(a.data[i], b.data[i], accuracy: 1e-7, a.name ?? "") }
        }
        XCTAssertEqual(optimizer.stateTensors().count, 3 * grouped.parameters().count)
    }
}
