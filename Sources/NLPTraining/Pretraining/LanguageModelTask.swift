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
    /// The replicas the batches are split over (one a thread, each running its rows' whole step
    /// on single-threaded kernels); nil on one thread. BERT too: with OpenBLAS's own threads its
    /// pre-training step spent more time handing work over and spinning than multiplying.
    enum Replicas {
        case masked(DataParallel<BertForMaskedLM>)
        case gpt(DataParallel<GPTLanguageModel>)
        case recurrent(DataParallel<RecurrentLanguageModel>)

        /// The batch's mean loss over its counted targets, its rows split over the replicas. A training
        /// step (`dropoutSeed` given: the replicas' dropout restarts from it) also adds the gradient to
        /// the primary's parameters; an evaluation (nil) makes no graph.
        func meanLoss(_ input: TokenBatch, _ targets: [Int32], dropoutSeed: UInt64?) -> Float {
            func run<Model>(_ parallel: DataParallel<Model>, _ loss: (Model, TokenBatch, [Int32]) -> Tensor) -> Float {
                guard let dropoutSeed else { return parallel.loss(input, targets: targets, loss) }
                parallel.seedReplicaDropout(dropoutSeed)
                return parallel.lossAndGradients(input, targets: targets, loss)
            }
            switch self {
            case .masked(let parallel): return run(parallel) { LanguageModelTask.maskedLoss($0, $1, $2, reduction: .mean) }
            case .gpt(let parallel): return run(parallel) { $0.loss($1, targets: $2) }
            case .recurrent(let parallel): return run(parallel) { $0.loss($1, targets: $2).loss }
            }
        }
    }
    let replicas: Replicas?

    public var model: Module { network.model }

    public init(network: LanguageModelNetwork, corpus: TokenCorpus, context: Int, batchSize: Int, seed: UInt64) throws {
        self.network = network
        tokens = corpus.tokens
        self.context = context
        self.batchSize = batchSize
        self.seed = seed
        switch network {
        case .masked(let bert, _, _, _) where Parallelism.threads > 1 && batchSize > 1:
            replicas = .masked(DataParallel(bert) { BertForMaskedLM(bert.config) })
        case .gpt(let gpt) where Parallelism.threads > 1 && batchSize > 1:
            replicas = .gpt(DataParallel(gpt) { GPTLanguageModel(gpt.config) })
        case .recurrent(let lm) where Parallelism.threads > 1 && batchSize > 1:
            replicas = .recurrent(DataParallel(lm) { RecurrentLanguageModel(lm.config) })
        default:
            replicas = nil
        }
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

    /// The loss summed (`.sum`) or averaged over the predicted tokens. For BERT only the masked
    /// positions go through the prediction head: 15% of the [B·T, vocabulary] product.
    func loss(_ input: TokenBatch, _ targets: [Int32], reduction: LossReduction) -> Tensor {
        guard case .masked(let m, _, _, _) = network else {
            return logits(input).crossEntropy(targets: targets, reduction: reduction)
        }
        return LanguageModelTask.maskedLoss(m, input, targets, reduction: reduction)
    }

    /// BERT's masked-LM loss on `m` (the primary or a replica).
    static func maskedLoss(_ m: BertForMaskedLM, _ input: TokenBatch, _ targets: [Int32], reduction: LossReduction) -> Tensor {
        let hidden = m.bert(input)
        let positions = targets.indices.filter { targets[$0] != -100 }
        let picked = hidden.reshaped([input.batch * input.length, hidden.shape[2]]).gatherRows(positions.map { Int32($0) })   // [N, C]
        return m.cls.predictions(picked).crossEntropy(targets: positions.map { targets[$0] }, reduction: reduction)
    }

    public func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int) {
        let generator = Trainer.stepGenerator(seed: seed, step: step, stream: 1)
        let (input, targets) = example(batch.map { blocks.train[$0] }, generator: generator)
        return (loss(input, targets, reduction: .mean), input.ids.count)
    }

    public func lossAndGradients(batch: [Int], step: Int) -> (loss: Float, items: Int) {
        guard let replicas else { return backpropagatedLoss(batch: batch, step: step) }
        let (input, targets) = example(batch.map { blocks.train[$0] }, generator: Trainer.stepGenerator(seed: seed, step: step, stream: 1))
        // From the run's seed and the step: a resumed run draws the same masks.
        let value = replicas.meanLoss(input, targets, dropoutSeed: seed &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15)
        return (value, input.ids.count)
    }

    /// The loss summed over a held-out batch's `counted` targets, split over the replicas as the
    /// training steps are (a shard's mean times its share).
    private func summedLoss(_ input: TokenBatch, _ targets: [Int32], counted: Int) -> Double {
        guard let replicas else { return Double(loss(input, targets, reduction: .sum).scalar) }
        return Double(replicas.meanLoss(input, targets, dropoutSeed: nil)) * Double(counted)
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
                let counted = targets.reduce(0) { $0 + ($1 == -100 ? 0 : 1) }
                total += summedLoss(input, targets, counted: counted)
                count += counted
            }
        }
        let mean = total / Double(max(1, count))
        return Evaluation(loss: mean, metric: Foundation.exp(mean), metricName: "perplexity", higherIsBetter: false)
    }
}
