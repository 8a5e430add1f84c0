import Foundation
import NLPModels
import NLPTensor
import NLPTokenizers

/// A fine-tuned classifier folder ready to score texts: the model (labels from config.json), its
/// tokenizer with the truncation it was trained with, and batched inference.
public final class TextClassifier {
    public let model: ClassifierModel
    public let tokenizer: Tokenizer
    public var labels: [String] { model.labels }
    public let padId: Int32

    public init(model: ClassifierModel, tokenizer: Tokenizer, padId: Int32) {
        self.model = model
        self.tokenizer = tokenizer
        self.padId = padId
        model.eval()
    }

    /// Loads `folder` (config.json, model.safetensors, tokenizer.json); a folder that holds no
    /// classifier is an error naming it.
    public convenience init(folder: String) throws {
        let loaded = try ModelFolder.load(folder)
        guard case .sequenceClassifier(let model) = loaded else {
            let advice: String
            switch loaded {
            case .bert, .maskedLanguageModel: advice = "fine-tune it first with `nlp finetune --base \(folder)`"
            default: advice = "classification needs a classifier fine-tuned from a BERT base (`nlp finetune`)"
            }
            throw ModelError.unsupported(file: ModelFolder.path(folder, ModelFolder.configFile),
                                         what: "model for classification: it holds a \(Self.kind(of: loaded)); \(advice)")
        }
        let tokenizer = try Self.tokenizer(in: folder, maxPositions: model.config.maxPositions)
        try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: model.config.vocabSize, in: folder)
        self.init(model: model, tokenizer: tokenizer, padId: Int32(model.config.padTokenId))
    }

    /// tokenizer.json of `folder`, without padding and cut at most at `maxPositions`.
    public static func tokenizer(in folder: String, maxPositions: Int) throws -> Tokenizer {
        let path = ModelFolder.path(folder, ModelFolder.tokenizerFile)
        guard FileManager.default.fileExists(atPath: path) else { throw ModelError.missingFile(path) }
        // Its errors name the file.
        var tokenizer = try Tokenizer(contentsOfFile: path)
        tokenizer.padding = nil
        if (tokenizer.truncation?.maxLength ?? Int.max) > maxPositions { tokenizer.truncation = Truncation(maxLength: maxPositions) }
        return tokenizer
    }

    static func kind(of model: LoadedModel) -> String {
        switch model {
        case .bert: return "BERT encoder without a classification head"
        case .sequenceClassifier: return "classifier"
        case .maskedLanguageModel: return "masked language model"
        case .gpt: return "GPT language model"
        case .recurrent: return "recurrent language model"
        case .encoderDecoder: return "encoder-decoder model"
        }
    }

    /// Class probabilities of each text (or pair), in order: [count][labels].
    public func probabilities(_ texts: [String], pairs: [String]? = nil) -> [[Float]] {
        let encoded = EncodedTexts(texts: texts, pairs: pairs, tokenizer: tokenizer, padId: padId)
        return logits(encoded).map(Self.softmax)
    }

    public func logits(_ encoded: EncodedTexts) -> [[Float]] {
        BatchedInference.rows(count: encoded.count, width: labels.count, lengths: encoded.sequences.map(\.count),
                              batchSize: 64) { model.logits(encoded.batch($0)) }
    }

    public static func softmax(_ row: [Float]) -> [Float] {
        let top = row.max() ?? 0
        let e = row.map { Foundation.exp(Double($0 - top)) }
        let sum = e.reduce(0, +)
        return e.map { Float($0 / sum) }
    }
}
