import NLPTensor

// Loading each architecture from a model folder, with Hugging Face's prefix conventions.

extension BertForSequenceClassification {
    /// A classifier from a folder. A classifier checkpoint loads as it is (labels from id2label);
    /// a base BERT checkpoint (no `classifier.` tensors) gets a new head for `labels`, initialized
    /// from `generator`. Passing `labels` that differ in number from a saved head is a shape error.
    public static func load(folder: String, labels: [String]? = nil, pooling: ClassifierPooling? = nil,
                            generator: RandomGenerator = RandomGenerator(seed: 0)) throws -> BertForSequenceClassification {
        let json = try ModelFolder.readConfig(folder)
        let config = try BertConfig(json: json)
        let weights = try ModelFolder.openWeights(folder)
        let hasHead = weights.names.contains { $0.hasPrefix("classifier.") }
        let savedLabels = hasHead ? try json.labels() : nil
        guard let names = labels ?? savedLabels else {
            throw ModelError.badConfig(file: ModelFolder.path(folder, ModelFolder.configFile), key: "id2label",
                                       expected: "present (or labels given) to build a classifier")
        }
        let poolingName = try json.optionalString("classifier_pooling")
        guard let chosen = pooling ?? ClassifierPooling(rawValue: poolingName ?? "pooler") else {
            throw ModelError.unsupported(file: json.file, what: "classifier_pooling \"\(poolingName!)\" (pooler or mean)")
        }
        let dropout = json.has("classifier_dropout") ? try json.float("classifier_dropout", default: 0.1) : nil
        let model = BertForSequenceClassification(config, labels: names, pooling: chosen, classifierDropout: dropout,
                                                  baseConfig: json)
        let newHead = hasHead ? [] : ["classifier.", "bert.pooler."]
        let report = try model.loadWeights(from: weights, rules: WeightLoadingRules(
            basePrefix: "bert.", newlyCreated: newHead,
            ignored: { BertModel.isBuffer($0) || $0.hasPrefix("cls.") || (chosen == .mean && $0.contains("pooler.")) }))
        if !report.created.isEmpty {
            for module in model.modules() where module is Linear {
                let linear = module as! Linear
                if report.created.contains(linear.weight.name ?? "") {
                    BertInitialization.apply(to: linear, config: config, generator: generator)
                }
            }
        }
        model.eval()
        return model
    }
}

extension BertForMaskedLM {
    /// A masked LM from a BertForMaskedLM / BertForPreTraining checkpoint, or from a base BERT
    /// checkpoint (a new `cls.` head, initialized from `generator`). The tied decoder weight, the
    /// next-sentence head and the pooler of pre-training checkpoints are skipped.
    public static func load(folder: String, generator: RandomGenerator = RandomGenerator(seed: 0)) throws -> BertForMaskedLM {
        let json = try ModelFolder.readConfig(folder)
        let config = try BertConfig(json: json)
        let weights = try ModelFolder.openWeights(folder)
        let model = BertForMaskedLM(config, baseConfig: json)
        let report = try model.loadWeights(from: weights, rules: WeightLoadingRules(
            basePrefix: "bert.", newlyCreated: ["cls."],
            ignored: { BertModel.isBuffer($0) || $0.hasPrefix("cls.predictions.decoder.") || $0.hasPrefix("cls.seq_relationship.")
                || $0.contains("pooler.") }))
        if !report.created.isEmpty {
            BertInitialization.apply(to: model.cls, config: config, generator: generator)
            model.cls.predictions.resetOwnParameters(using: generator)
        }
        model.eval()
        return model
    }
}

extension GPTLanguageModel: PretrainedModel {
    public func configJSON() -> ConfigJSON {
        var c = baseConfig
        config.write(to: &c)
        c["architectures"] = ["GPT2LMHeadModel"]
        return c
    }

    /// GPT-2 checkpoints: GPT2LMHeadModel's (`transformer.` prefix) or GPT2Model's (bare names).
    /// The tied lm_head.weight and the old causal-mask buffers (attn.bias, attn.masked_bias) are skipped.
    public static func load(folder: String) throws -> GPTLanguageModel {
        let json = try ModelFolder.readConfig(folder)
        let model = GPTLanguageModel(try GPTConfig(json: json))
        model.baseConfig = json
        try model.loadWeights(from: try ModelFolder.openWeights(folder), rules: WeightLoadingRules(
            basePrefix: "transformer.",
            ignored: { $0 == "lm_head.weight" || $0.hasSuffix(".attn.bias") || $0.hasSuffix(".attn.masked_bias") }))
        model.eval()
        return model
    }
}

extension RecurrentLanguageModel: PlainPretrainedModel {}

/// Any model a folder can hold, by what its config.json says.
public enum LoadedModel {
    case bert(BertModel)
    case sequenceClassifier(BertForSequenceClassification)
    case maskedLanguageModel(BertForMaskedLM)
    case gpt(GPTLanguageModel)
    case recurrent(RecurrentLanguageModel)
    /// A translation model: the Transformer (EncoderDecoderModel) or the LSTM with attention.
    case encoderDecoder(any TranslationModel)

    public var model: PretrainedModel {
        switch self {
        case .bert(let m): return m
        case .sequenceClassifier(let m): return m
        case .maskedLanguageModel(let m): return m
        case .gpt(let m): return m
        case .recurrent(let m): return m
        case .encoderDecoder(let m): return m
        }
    }
}

extension ModelFolder {
    /// The model in `folder`, chosen by config.json's model_type and architectures.
    public static func load(_ folder: String) throws -> LoadedModel {
        let json = try readConfig(folder)
        let type = try json.string("model_type")
        let architectures = (json["architectures"] as? [String]) ?? []
        switch type {
        case "bert":
            if architectures.contains("BertForSequenceClassification") { return .sequenceClassifier(try .load(folder: folder)) }
            if architectures.contains(where: { $0 == "BertForMaskedLM" || $0 == "BertForPreTraining" }) {
                return .maskedLanguageModel(try .load(folder: folder))
            }
            return .bert(try BertModel.load(folder: folder))
        case "gpt2": return .gpt(try GPTLanguageModel.load(folder: folder))
        case _ where RecurrentLanguageModelConfig.modelTypes[type] != nil: return .recurrent(try RecurrentLanguageModel.load(folder: folder))
        case "transformer_seq2seq", RecurrentTranslationConfig.modelType: return .encoderDecoder(try Translator.loadModel(folder: folder))
        default:
            throw ModelError.unsupported(file: json.file, what: "model_type \"\(type)\" (bert, gpt2, lstm_lm, gru_lm, rnn_lm, transformer_seq2seq, lstm_seq2seq)")
        }
    }
}
