import Foundation
import NLPTensor
import NLPTokenizers

/// Translates text with a translation model (Transformer or LSTM with attention) and its joint tokenizer:
///
///     let translator = try Translator(folder: "zh-en")
///     print(translator.translate(["我们走吧。"])[0])   // "Let's go."
public final class Translator {
    public let model: any TranslationModel
    public let tokenizer: Tokenizer

    public init(model: any TranslationModel, tokenizer: Tokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// The model and tokenizer of a folder written by `nlp train-translation`.
    public convenience init(folder: String) throws {
        let model = try Self.loadModel(folder: folder)
        let tokenizer = try Tokenizer(contentsOfFile: ModelFolder.path(folder, ModelFolder.tokenizerFile))
        try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: model.vocabSize, in: folder)
        self.init(model: model, tokenizer: tokenizer)
    }

    /// The translation model of a folder, by config.json's model_type.
    public static func loadModel(folder: String) throws -> any TranslationModel {
        let json = try ModelFolder.readConfig(folder)
        switch try json.string("model_type") {
        case "transformer_seq2seq": return try EncoderDecoderModel.load(folder: folder)
        case RecurrentTranslationConfig.modelType: return try RecurrentTranslationModel.load(folder: folder)
        case let type:
            throw ModelError.unsupported(file: json.file, what: "model_type \"\(type)\" for translation (transformer_seq2seq, lstm_seq2seq)")
        }
    }

    /// Source ids as the model reads them: the text's tokens (at most maxPositions − 1) and the end token.
    public func sourceIds(_ encoding: Encoding) -> [Int32] {
        targetIds(encoding) + [Int32(model.eosTokenId)]
    }

    /// Target ids as training reads them: the text's tokens, at most maxPositions − 1 (the start
    /// token takes one position).
    public func targetIds(_ encoding: Encoding) -> [Int32] {
        encoding.ids.prefix(model.maxPositions - 1).map { Int32($0) }
    }

    /// One translation per text, in order. Sources are decoded in batches of similar length.
    public func translate(_ texts: [String], options: BeamSearchOptions = .init(), batchSize: Int = 32) -> [String] {
        let sources = tokenizer.encodeBatch(texts, addSpecialTokens: false).map(sourceIds)
        let order = sources.indices.sorted { (sources[$0].count, $0) < (sources[$1].count, $1) }
        var outputs = [String](repeating: "", count: texts.count)
        model.eval()
        for start in stride(from: 0, to: order.count, by: max(1, batchSize)) {
            let chunk = Array(order[start..<min(start + max(1, batchSize), order.count)])
            let best = model.beamSearch(sources: chunk.map { sources[$0] }, options: options)
            for (i, ids) in zip(chunk, best) {
                outputs[i] = tokenizer.decode(ids.map { Int($0) }).trimmingCharacters(in: .whitespaces)
            }
        }
        return outputs
    }
}
