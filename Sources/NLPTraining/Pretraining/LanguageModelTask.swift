import Foundation
import NLPModels
import NLPTensor

/// A language model and its objective: BERT with masked-LM, or a causal LM (GPT, recurrent)
/// predicting the next token.
public enum LanguageModelNetwork {
    case masked(BertForMaskedLM, MaskedLanguageModeling, classifierId: Int32, separatorId: Int32)
    case gpt(GPTLanguageModel)
    case recurrent(RecurrentLanguageModel)

    public var model: PretrainedModel {
        switch self {
        case .masked(let m, _, _, _): return m
        case .gpt(let m): return m
        case .recurrent(let m): return m
        }
    }

    /// Tokens of the stream a block of `context` positions consumes, and how far blocks are apart.
    func blockShape(context: Int) -> (window: Int, stride: Int) {
        switch self {
        case .masked: return (context - 2, context - 2)   // [CLS] block [SEP]
        case .gpt, .recurrent: return (context + 1, context)   // inputs and next-token targets overlap
        }
    }
}

/// Pre-training on packed blocks of a token stream: shuffled blocks each epoch, masked-LM or
/// next-token loss, and the held-out blocks' loss and perplexity as the evaluation.
public final class LanguageModelTask: TrainingTask {
    public let network: LanguageModelNetwork
    public let tokens: [Int32]
    public let blocks: PackedBlocks
    public let context: Int
    public let batchSize: Int
    let seed: UInt64

    public var model: Module { network.model }

    public init(network: LanguageModelNetwork, corpus: TokenCorpus, context: Int, batchSize: Int, seed: UInt64) throws {
        self.network = network
        tokens = corpus.tokens
        self.context = context
        self.batchSize = batchSize
        self.seed = seed
        let (window, stride) = network.blockShape(context: context)
        blocks = PackedBlocks(streamLength: tokens.count, window: window, stride: stride)
        guard blocks.train.count >= 1 else {
            throw TrainingError.notEnoughData("the corpus has \(tokens.count) tokens, too few for one block of \(window); "
                                              + "give more text or a smaller --context")
        }
    }

    public func batches(epoch: Int, seed: UInt64) -> [[Int]] {
        BatchPlan.shuffled(count: blocks.train.count, batchSize: batchSize, seed: seed, dropLast: blocks.train.count >= batchSize)
    }

    /// Model input and targets for blocks starting at `starts`; masking draws from `generator`.
    func example(_ starts: [Int], generator: RandomGenerator) -> (TokenBatch, [Int32]) {
        let n = starts.count
        switch network {
        case .masked(_, let masking, let cls, let sep):
            var ids = [Int32](repeating: 0, count: n * context)
            for (row, start) in starts.enumerated() {
                ids[row * context] = cls
                for j in 0..<(context - 2) { ids[row * context + 1 + j] = tokens[start + j] }
                ids[row * context + context - 1] = sep
            }
            let labels = masking.mask(&ids, rowLength: context, generator: generator)
            return (TokenBatch(ids: ids, batch: n, length: context), labels)
        case .gpt, .recurrent:
            var ids = [Int32](), targets = [Int32]()
            ids.reserveCapacity(n * context)
            targets.reserveCapacity(n * context)
            for start in starts {
                ids += tokens[start..<(start + context)]
                targets += tokens[(start + 1)...(start + context)]
            }
            return (TokenBatch(ids: ids, batch: n, length: context), targets)
        }
    }

    func logits(_ input: TokenBatch) -> Tensor {
        switch network {
        case .masked(let m, _, _, _): return m(input)
        case .gpt(let m): return m(input)
        case .recurrent(let m): return m(input).logits
        }
    }

    public func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int) {
        let generator = Trainer.stepGenerator(seed: seed, step: step, stream: 1)
        let (input, targets) = example(batch.map { blocks.train[$0] }, generator: generator)
        return (logits(input).crossEntropy(targets: targets), input.ids.count)
    }

    /// Mean loss per predicted token over the held-out blocks (fixed masks for BERT), and its
    /// exponential, the perplexity (the metric).
    public func evaluate() throws -> Evaluation? {
        guard !blocks.validation.isEmpty else { return nil }
        model.eval()
        defer { model.train() }
        let generator = RandomGenerator(seed: seed &+ 0xE7A1)
        var total = 0.0, count = 0
        noGrad {
            for start in stride(from: 0, to: blocks.validation.count, by: batchSize) {
                let starts = Array(blocks.validation[start..<min(start + batchSize, blocks.validation.count)])
                let (input, targets) = example(starts, generator: generator)
                total += Double(logits(input).crossEntropy(targets: targets, reduction: .sum).scalar)
                count += targets.reduce(0) { $0 + ($1 == -100 ? 0 : 1) }
            }
        }
        let loss = total / Double(max(1, count))
        return Evaluation(loss: loss, metric: Foundation.exp(loss), metricName: "perplexity", higherIsBetter: false)
    }
}
