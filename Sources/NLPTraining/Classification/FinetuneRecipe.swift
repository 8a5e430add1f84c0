import Foundation
import NLPModels

/// The fine-tuning settings a base model gets when the user does not choose them.
public struct FinetuneSettings: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    /// Share of the steps spent warming up (linear from 0), then linear decay to 0.
    public var warmupRatio: Double
    public var weightDecay: Float
    /// Longest input in tokens (special tokens included).
    public var maxLength: Int
    public var pooling: ClassifierPooling
    /// Dev evaluations per epoch, and how many in a row without a better dev accuracy stop the run.
    public var evaluationsPerEpoch: Int
    public var patience: Int
    /// The classifier head's learning rate as a multiple of the encoder's top layer's.
    public var headLearningRateScale: Float
    /// Layer-wise decay: each layer below the top learns at this multiple of the rate above it.
    public var layerDecay: Float
    /// Decay of the moving average of the weights that is evaluated and kept (0: the raw weights).
    public var averagingDecay: Float

    public init(epochs: Int = 3, batchSize: Int = 32, learningRate: Float = 5e-5, warmupRatio: Double = 0.1,
                weightDecay: Float = 0.01, maxLength: Int = 128, pooling: ClassifierPooling = .mean,
                evaluationsPerEpoch: Int = 2, patience: Int = 3, headLearningRateScale: Float = 1, layerDecay: Float = 1,
                averagingDecay: Float = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupRatio = warmupRatio
        self.weightDecay = weightDecay
        self.maxLength = maxLength
        self.pooling = pooling
        self.evaluationsPerEpoch = evaluationsPerEpoch
        self.patience = patience
        self.headLearningRateScale = headLearningRateScale
        self.layerDecay = layerDecay
        self.averagingDecay = averagingDecay
    }
}

public enum FinetuneRecipe {
    /// The default base for English-like text (set up by `make setup`).
    public static let latinBase = "models/all-MiniLM-L6-v2"
    /// The default base for Chinese text (committed; vocab/README.md says how it was made).
    public static let chineseBase = "vocab/chinese-bert-char"
    /// The shape of the base made when the Chinese base is missing: the Chinese base's.
    public static let scratchShape = LanguageModelShape(layers: 4, heads: 4, dimension: 256, context: 128, dropout: 0.1)

    /// Settings for a base with this config.json: measured on SST-2 for all-MiniLM-L6-v2 (see the
    /// README's fine-tuning section); mean pooling (what sentence encoders are trained for, and all
    /// an MLM-pre-trained encoder without a pooler can use) unless the base is a classifier already.
    public static func settings(forBase config: ConfigJSON) throws -> FinetuneSettings {
        var s = FinetuneSettings()
        // Small encoders (MiniLM-L6 is 384 wide) want a higher rate than BERT-base's 2e-5–5e-5.
        let width = try config.int("hidden_size", default: 768)
        if width <= 512 { s.learningRate = 1e-4 }
        // A base as small and briefly pre-trained as the Chinese one (256 wide) keeps gaining for
        // more passes: ChnSentiCorp dev 0.856 / 0.886 / 0.893 after 2 / 4 / 6 epochs (early
        // stopping still ends a run that has stopped improving).
        if width <= 256 { s.epochs = 6 }
        if let name = try config.optionalString("classifier_pooling"), let pooling = ClassifierPooling(rawValue: name) {
            s.pooling = pooling
        }
        s.maxLength = min(s.maxLength, try config.int("max_position_embeddings", default: 512))
        return s
    }
}
