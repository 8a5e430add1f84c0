import NLPTensor

/// How a sequence classifier summarizes the tokens.
public enum ClassifierPooling: String, Sendable {
    /// BERT's pooler, tanh(dense([CLS])) — Hugging Face BertForSequenceClassification.
    case pooler
    /// The mean of the token states under the attention mask (sentence-transformers' pooling;
    /// config.json "classifier_pooling": "mean", our key).
    case mean
}

/// BERT with a classification head (Hugging Face's BertForSequenceClassification: the encoder
/// under `bert.`, then dropout and `classifier` [labels, C]). Loading a base BERT checkpoint
/// creates the head.
public final class BertForSequenceClassification: Module, PretrainedModel {
    public let bert: BertModel
    public let dropout: Dropout
    public let classifier: Linear
    public let pooling: ClassifierPooling
    /// Class names, index = class id (config.json id2label).
    public var labels: [String]
    var baseConfig: ConfigJSON

    public init(_ config: BertConfig, labels: [String], pooling: ClassifierPooling = .pooler,
                classifierDropout: Float? = nil, generator: RandomGenerator? = nil, baseConfig: ConfigJSON = ConfigJSON()) {
        precondition(labels.count >= 1, "a classifier needs at least one label")
        bert = BertModel(config, pooler: pooling == .pooler)
        dropout = Dropout(classifierDropout ?? config.hiddenDropout)
        classifier = Linear(config.hiddenSize, labels.count)
        self.pooling = pooling
        self.labels = labels
        self.baseConfig = baseConfig
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    public var config: BertConfig { bert.config }

    public override func resetOwnParameters(using generator: RandomGenerator) {
        BertInitialization.apply(to: self, config: config, generator: generator)
    }

    /// Initializes the head only (after loading a base model into a new classifier).
    public func resetHead(using generator: RandomGenerator) {
        BertInitialization.apply(to: classifier, config: config, generator: generator)
    }

    /// Logits [B, labels].
    public func callAsFunction(_ input: TokenBatch) -> Tensor {
        let hidden = bert(input)                                                  // [B, T, C]
        let summary: Tensor
        switch pooling {
        case .pooler: summary = bert.pooler!(hidden)
        case .mean: summary = maskedMean(hidden, input)
        }
        return classifier(dropout(summary))
    }

    public func configJSON() -> ConfigJSON {
        var c = baseConfig
        config.write(to: &c)
        c["architectures"] = ["BertForSequenceClassification"]
        c.setLabels(labels)
        c["problem_type"] = "single_label_classification"
        c["classifier_pooling"] = pooling.rawValue
        c["classifier_dropout"] = ConfigJSON.number(dropout.probability)
        return c
    }
}

/// Mean of hidden [B, T, C] over the positions the batch's mask keeps → [B, C] (differentiable).
public func maskedMean(_ hidden: Tensor, _ input: TokenBatch) -> Tensor {
    let (b, t) = (hidden.shape[0], hidden.shape[1])
    guard let mask = input.maskTensor else { return hidden.mean(axis: 1) }
    let counts = Tensor(shape: [b, 1], scalars: input.lengths.map { Float(Swift.max($0, 1)) })
    return (hidden * mask.reshaped([b, t, 1])).sum(axis: 1) / counts
}
