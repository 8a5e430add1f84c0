import NLPModels
import NLPTensor
import NLPTokenizers

/// Training an encoder-decoder on sentence pairs: batches of about `batchTokens` padded tokens
/// (pairs sorted by length, cut once, the batch order reshuffled each epoch), teacher forcing
/// with label smoothing, and dev BLEU (greedy decoding) as the evaluation.
public final class TranslationTask: TrainingTask {
    public let network: any TranslationModel
    public let translator: Translator
    /// Source ids with the end token; target ids without start or end.
    let sources: [[Int32]], targets: [[Int32]]
    let plan: [[Int]]
    let labelSmoothing: Float
    public let dev: [TranslationPair]
    public let targetLanguage: String
    /// Decoding of the dev set at each evaluation (greedy by default: fast and tracks BLEU well).
    public var devSearch = BeamSearchOptions(beamSize: 1)

    public var model: Module { network }
    /// Target tokens of the training pairs.
    public var targetTokenCount: Int { targets.reduce(0) { $0 + $1.count + 1 } }
    public var batchCount: Int { plan.count }

    public init(model: any TranslationModel, tokenizer: Tokenizer, train: [TranslationPair], dev: [TranslationPair],
                targetLanguage: String, batchTokens: Int, labelSmoothing: Float = 0.1) throws {
        network = model
        translator = Translator(model: model, tokenizer: tokenizer)
        let sourceEncodings = tokenizer.encodeBatch(train.map(\.source), addSpecialTokens: false)
        let targetEncodings = tokenizer.encodeBatch(train.map(\.target), addSpecialTokens: false)
        sources = sourceEncodings.map(translator.sourceIds)
        targets = targetEncodings.map(translator.targetIds)
        self.dev = dev
        self.targetLanguage = targetLanguage
        self.labelSmoothing = labelSmoothing
        plan = Self.tokenBatches(sources: sources, targets: targets, batchTokens: batchTokens)
        guard !plan.isEmpty else { throw TrainingError.notEnoughData("no training pairs") }
    }

    /// Pairs sorted by length and cut into batches whose padded size (rows × longest side + 1)
    /// stays within `batchTokens` (a longer pair gets a batch of its own).
    static func tokenBatches(sources: [[Int32]], targets: [[Int32]], batchTokens: Int) -> [[Int]] {
        let length = sources.indices.map { max(sources[$0].count, targets[$0].count + 1) }
        let order = length.indices.sorted { (length[$0], $0) < (length[$1], $1) }
        var batches: [[Int]] = [], current: [Int] = [], longest = 0
        for i in order {
            let widest = max(longest, length[i])
            if !current.isEmpty && widest * (current.count + 1) > batchTokens {
                batches.append(current)
                current = []
                longest = 0
            }
            current.append(i)
            longest = max(longest, length[i])
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    public func batches(epoch: Int, seed: UInt64) -> [[Int]] {
        var order = plan
        var generator = SplitMix64(seed: seed)
        BatchPlan.shuffle(&order, &generator)
        return order
    }

    /// A batch's token ids: sources with the end token, targets without start or end.
    public func ids(of batch: [Int]) -> (sources: [[Int32]], targets: [[Int32]]) {
        (batch.map { sources[$0] }, batch.map { targets[$0] })
    }

    /// Source batch, decoder input (start + target) and labels (target + end, -100 on padding).
    func example(_ batch: [Int]) -> (source: TokenBatch, target: TokenBatch, labels: [Int32]) {
        let pad = Int32(network.padTokenId)
        let source = TokenBatch(sequences: batch.map { sources[$0] }, padId: pad)
        let target = TokenBatch(sequences: batch.map { [Int32(network.decoderStartTokenId)] + targets[$0] }, padId: pad)
        var labels = [Int32](repeating: -100, count: target.batch * target.length)
        for (row, i) in batch.enumerated() {
            for (t, id) in (targets[i] + [Int32(network.eosTokenId)]).enumerated() { labels[row * target.length + t] = id }
        }
        return (source, target, labels)
    }

    public func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int) {
        let (source, target, labels) = example(batch)
        let loss = network(source: source, target: target).crossEntropy(targets: labels, labelSmoothing: labelSmoothing)
        return (loss, labels.reduce(0) { $0 + ($1 == -100 ? 0 : 1) })
    }

    /// Dev loss per target token (no smoothing) and dev BLEU / chrF of decoded translations.
    public func evaluate() throws -> Evaluation? {
        guard !dev.isEmpty else { return nil }
        network.eval()
        defer { network.train() }
        let devTask = try TranslationTask(model: network, tokenizer: translator.tokenizer, train: dev, dev: [],
                                          targetLanguage: targetLanguage, batchTokens: 4096, labelSmoothing: 0)
        var total = 0.0, count = 0
        noGrad {
            for batch in devTask.plan {
                let (source, target, labels) = devTask.example(batch)
                total += Double(network(source: source, target: target).crossEntropy(targets: labels, reduction: .sum).scalar)
                count += labels.reduce(0) { $0 + ($1 == -100 ? 0 : 1) }
            }
        }
        let score = TranslationScore(translator: translator, pairs: dev, targetLanguage: targetLanguage, options: devSearch)
        return Evaluation(loss: total / Double(max(1, count)), metric: score.bleu.score, metricName: "bleu", higherIsBetter: true,
                          extra: [("chrf", score.chrF.score)])
    }
}
