import Foundation
import NLPModels
import NLPTensor
import NLPTokenizers

/// The log-probability of texts under a causal language model (GPT or recurrent): each text is a
/// document as in pre-training — the end-of-text token before it as context, its tokens, and the
/// end-of-text token after it — and log p = Σ log p(token | the tokens before it).
public final class LanguageModelScorer {
    public enum Network {
        case gpt(GPTLanguageModel)
        case recurrent(RecurrentLanguageModel)
    }

    public let network: Network
    public let tokenizer: Tokenizer
    public let separator: Int32
    let context: Int

    public init(folder: String) throws {
        let loaded = try ModelFolder.load(folder)
        let path = ModelFolder.path(folder, ModelFolder.tokenizerFile)
        guard FileManager.default.fileExists(atPath: path) else { throw ModelError.missingFile(path) }
        // Its errors name the file.
        var tokenizer = try Tokenizer(contentsOfFile: path)
        tokenizer.truncation = nil
        tokenizer.padding = nil
        self.tokenizer = tokenizer
        switch loaded {
        case .gpt(let m):
            try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: m.config.vocabSize, in: folder)
            network = .gpt(m); context = m.config.maxPositions
        case .recurrent(let m):
            try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: m.config.vocabSize, in: folder)
            network = .recurrent(m); context = 256
        default:
            throw ModelError.unsupported(file: ModelFolder.path(folder, ModelFolder.configFile),
                                         what: "model for scoring: it holds a \(TextClassifier.kind(of: loaded)), neither a classifier nor a causal language model")
        }
        separator = try LanguageModelRecipe.separator(of: tokenizer, for: .gpt)
    }

    /// Natural-log probability of each text and the number of tokens it predicts (its tokens and
    /// the closing end-of-text).
    public func logProbabilities(_ texts: [String]) -> [(logProbability: Double, tokens: Int)] {
        let encodings = tokenizer.encodeBatch(texts, addSpecialTokens: false)
        let sequences = encodings.map { [separator] + $0.ids.map { Int32(truncatingIfNeeded: $0) } + [separator] }
        let rows = BatchedInference.rows(count: sequences.count, width: 1, lengths: sequences.map(\.count), batchSize: 16) { batch in
            let values = batch.map { score(sequences[$0]) }
            return Tensor(shape: [batch.count, 1], scalars: values)
        }
        return zip(rows, sequences).map { (Double($0[0]), $1.count - 1) }
    }

    /// Σ log p over the sequence after its first token, in windows of the model's context.
    func score(_ sequence: [Int32]) -> Float {
        var total: Float = 0
        var state: RecurrentState?
        var start = 0
        // Windows overlap by one token: the last input of a window is the first of the next.
        while start < sequence.count - 1 {
            let end = min(start + context, sequence.count - 1)
            let input = TokenBatch(ids: Array(sequence[start..<end]), batch: 1, length: end - start)
            let targets = Array(sequence[(start + 1)...end])
            let logits: Tensor
            switch network {
            case .gpt(let m): logits = m(input)
            case .recurrent(let m):
                let out = m(input, state: state)
                logits = out.logits
                state = out.state
            }
            total -= logits.crossEntropy(targets: targets, reduction: .sum).scalar
            start = end
        }
        return total
    }
}
