import Foundation
import NLPModels
import NLPTensor

/// AdamW with a learning rate per group of parameters, each group's a fixed multiple of the
/// schedule's rate (PyTorch's parameter groups with a `lr` each). Fine-tuning uses it for a
/// freshly initialised head that learns faster than the pre-trained encoder, and for layer-wise
/// rate decay (lower layers, which hold the most general features, move least).
public final class GroupedAdamW: Optimizer {
    let groups: [(optimizer: AdamW, scale: Float)]
    public let parameters: [Tensor]
    public var learningRate: Float {
        didSet { for group in groups { group.optimizer.learningRate = learningRate * group.scale } }
    }

    /// `groups` pairs parameters with their rate multiplier; empty groups are dropped.
    public init(groups: [(parameters: [Tensor], scale: Float)], learningRate: Float, weightDecay: Float,
                exemptFromWeightDecay: @escaping (Tensor) -> Bool) {
        self.groups = groups.filter { !$0.parameters.isEmpty }.map { group in
            (AdamW(parameters: group.parameters, learningRate: learningRate * group.scale, weightDecay: weightDecay,
                   exemptFromWeightDecay: exemptFromWeightDecay), group.scale)
        }
        parameters = self.groups.flatMap { $0.optimizer.parameters }
        self.learningRate = learningRate
    }

    public func step(gradientScale: Float) {
        for group in groups { group.optimizer.step(gradientScale: gradientScale) }
    }

    // Keys name the parameters, so the groups' states share one dictionary without clashes.
    public func stateTensors() -> [(name: String, tensor: Tensor)] { groups.flatMap { $0.optimizer.stateTensors() } }

    public func restoreState(_ tensors: [String: Tensor]) throws {
        for group in groups { try group.optimizer.restoreState(tensors) }
    }
}

extension BertForSequenceClassification {
    /// The parameters in groups by depth with their rate multipliers: the embeddings, each encoder
    /// layer, then the pooler and classifier. Depth d of L layers gets `layerDecay`^(L + 1 − d)
    /// (HF/ELECTRA layer-wise decay); the classifier (and pooler) also gets `headScale`.
    public func rateGroups(layerDecay: Float, headScale: Float) -> [(parameters: [Tensor], scale: Float)] {
        let layers = config.layers
        var byDepth = [[Tensor]](repeating: [], count: layers + 2)
        for (name, tensor) in namedParameters() {
            byDepth[Self.depth(ofParameter: name, layers: layers)].append(tensor)
        }
        return byDepth.enumerated().map { depth, parameters in
            var scale = Float(pow(Double(layerDecay), Double(layers + 1 - depth)))
            if depth == layers + 1 { scale *= headScale }
            return (parameters, scale)
        }
    }

    /// 0 for the embeddings, 1 + i for encoder layer i, layers + 1 for the pooler and classifier.
    static func depth(ofParameter name: String, layers: Int) -> Int {
        if name.hasPrefix("bert.embeddings.") { return 0 }
        let prefix = "bert.encoder.layer."
        if name.hasPrefix(prefix), let index = Int(name.dropFirst(prefix.count).prefix { $0 != "." }) { return 1 + min(index, layers - 1) }
        return layers + 1
    }
}
