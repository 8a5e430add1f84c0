import ArgumentParser
import Foundation
import NLPKit

extension TranslationArchitecture: ExpressibleByArgument {
    /// `lstm-attention` (the name the translation issue uses) is `lstm`.
    public init?(argument: String) {
        self.init(rawValue: argument == "lstm-attention" ? "lstm" : argument)
    }

    public static var allValueStrings: [String] { ["transformer", "lstm", "lstm-attention"] }
}

/// `nlp train-translation`: an encoder-decoder Transformer (or LSTM with attention) from sentence pairs.
struct TrainTranslationCommand: ResumableTrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-translation",
        abstract: "Train a translation model (Transformer or LSTM with attention) on rows `source<TAB>target`.",
        discussion: """
            Held-out data is split off by SOURCE sentence (every translation of a held-out source leaves \
            training): --test-size pairs (default 1000) go to DIR/test.tsv for `nlp eval --model DIR DIR/test.tsv`, \
            and without --dev another --dev-size pairs go to DIR/dev.tsv; both from --seed. A joint byte-level \
            BPE tokenizer is trained on the training pairs (one embedding for source, target and output). \
            Dev BLEU (greedy) is computed every --eval-every steps; DIR holds the best model. A checkpoint is \
            written every --checkpoint-every steps; `nlp train-translation --resume -o DIR` continues it exactly. \
            --arch lstm makes a bidirectional LSTM encoder and an LSTM decoder with --heads-head attention over \
            it (--dim is the hidden size; --ffn does not apply).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Dev pairs for BLEU during training (default: --dev-size pairs split off PAIRS).")
    var dev: String?

    @Option(parsing: .unconditional, help: "Pairs held out as DIR/test.tsv (0: none).")
    var testSize = 1000

    @Option(parsing: .unconditional, help: "Pairs held out as DIR/dev.tsv when no --dev is given.")
    var devSize = 200

    @Option(parsing: .unconditional, help: "Vocabulary size of the joint BPE tokenizer.")
    var vocabSize = 8000

    @Option(help: "transformer, or lstm (also lstm-attention: bidirectional LSTM encoder, LSTM decoder with attention).")
    var arch: TranslationArchitecture = .transformer

    @Option(parsing: .unconditional, help: "Encoder and decoder layers.")
    var layers = 3

    @Option(parsing: .unconditional, help: "Attention heads.")
    var heads = 4

    @Option(parsing: .unconditional, help: "Model width.")
    var dim = 256

    @Option(parsing: .unconditional, help: "Feed-forward width (default: 4 × --dim).")
    var ffn: Int?

    @Option(parsing: .unconditional, help: "Tokens per sentence (longer ones are cut).")
    var maxLength = 128

    @Option(parsing: .unconditional, help: "Padded tokens per batch.")
    var batchTokens = 4096

    @Option(parsing: .unconditional, help: "Optimizer steps.")
    var steps = 4000

    @Option(parsing: .unconditional, help: "Stop after this many minutes of training (dev evaluations included), evaluating as after the last step.")
    var timeLimit: Double?

    @Option(parsing: .unconditional, help: "Peak learning rate.")
    var lr: Float = 1e-3

    @Option(parsing: .unconditional, help: "Warm-up steps (then inverse-square-root decay).")
    var warmup = 400

    @Option(parsing: .unconditional, help: "Label smoothing.")
    var labelSmoothing: Float = 0.1

    @Option(parsing: .unconditional, help: "Dropout probability.")
    var dropout: Float = 0.1

    @Option(help: "Seed of the split, initialization, data order and dropout.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Steps between checkpoints.")
    var checkpointEvery = 200

    @Option(parsing: .unconditional, help: "Steps between dev evaluations.")
    var evalEvery = 500

    @OptionGroup var training: TrainingRunOptions
    var resume: Bool { training.resume }
    var lossy: Bool { training.lossy }

    @Option(name: .shortAndLong, help: "Output model folder.")
    var output: String

    @Argument(help: "Sentence pairs, `source<TAB>target`.")
    var pairs: String?

    func validate() throws {
        if !resume && pairs == nil { throw ValidationError("give the PAIRS file") }
        try requireRanges([("--layers", layers, 1...64), ("--heads", heads, 1...64), ("--dim", dim, 8...8192),
                           ("--max-length", maxLength, 4...4096), ("--batch-tokens", batchTokens, 16...10_000_000),
                           ("--steps", steps, 1...10_000_000), ("--vocab-size", vocabSize, 300...1_000_000),
                           ("--test-size", testSize, 0...10_000_000), ("--dev-size", devSize, 0...10_000_000),
                           ("--warmup", warmup, 0...10_000_000),
                           ("--checkpoint-every", checkpointEvery, 1...10_000_000),
                           ("--eval-every", evalEvery, 1...10_000_000)])
        if dim % heads != 0 { throw ValidationError("--dim \(dim) must be a multiple of --heads \(heads)") }
        if let ffn, ffn < 1 { throw ValidationError("--ffn must be positive") }
        if arch == .lstm && ffn != nil { throw ValidationError("--ffn is the Transformer's feed-forward width; --arch lstm has none") }
        if arch == .lstm && dim % 2 != 0 { throw ValidationError("--dim \(dim) must be even for --arch lstm (two encoder directions of half of it)") }
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) { throw ValidationError("--time-limit must be a positive number of minutes") }
        if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        if !(labelSmoothing >= 0 && labelSmoothing < 1) { throw ValidationError("--label-smoothing must be in [0, 1)") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1)") }
    }

    var outputFolder: String? { output }
    mutating func redirect(to folder: String) { output = folder }

    func writePairs(_ pairs: [TranslationPair], to name: String) throws {
        let text = "source\ttarget\n" + pairs.map { $0.source + "\t" + $0.target + "\n" }.joined()
        try AtomicFile.write(text, to: ModelFolder.path(output, name))
    }

    func train(resuming: Bool) throws {
        try global.apply()
        let log = Log("train-translation")
        guard let pairs else { throw CLIError("the saved run names no PAIRS file") }
        let runFolder = try RunFolder(output, resuming: resuming)
        defer { runFolder.removeIfUnused() }
        let corpus = try TranslationPairs(path: pairs, lossy: lossy)
        // Test first, then dev from the rest: both by source sentence, so neither leaks into training.
        let (rest, test) = corpus.splitBySource(heldOut: testSize, seed: seed)
        var train = rest, devPairs: [TranslationPair]
        if let dev {
            devPairs = try TranslationPairs(path: dev, lossy: lossy).pairs
        } else {
            (train, devPairs) = TranslationPairs(pairs: rest).splitBySource(heldOut: devSize, seed: seed &+ 1)
        }
        if !test.isEmpty { try writePairs(test, to: "test.tsv") }
        if dev == nil && !devPairs.isEmpty { try writePairs(devPairs, to: "dev.tsv") }
        let sourceLanguage = TranslationRecipe.language(of: train.map(\.source))
        let targetLanguage = TranslationRecipe.language(of: train.map(\.target))
        log.say("\(groupedThousands(corpus.pairs.count)) pairs (\(sourceLanguage) → \(targetLanguage)): "
                + "\(groupedThousands(train.count)) training, \(devPairs.count) dev, \(test.count) test (held out by source sentence, seed \(seed))")

        let tokenizerPath = ModelFolder.path(output, ModelFolder.tokenizerFile)
        let tokenizer: Tokenizer
        if resuming {
            tokenizer = try Tokenizer(contentsOfFile: tokenizerPath)
        } else {
            log.say("training a joint byte-level BPE tokenizer (vocabulary \(vocabSize)) on the training pairs")
            tokenizer = try TranslationRecipe.trainTokenizer(pairs: train, vocabularySize: vocabSize, folder: output,
                                                             options: .init(threads: Parallelism.threads, lossy: lossy))
            try tokenizer.save(toFile: tokenizerPath)
        }
        let shape = TranslationShape(architecture: arch, layers: layers, heads: heads, dimension: dim, feedForward: ffn, maxLength: maxLength,
                                     dropout: dropout)
        let model = TranslationRecipe.makeModel(shape: shape, tokenizer: tokenizer, sourceLanguage: sourceLanguage,
                                                targetLanguage: targetLanguage, seed: seed)
        let task = try TranslationTask(model: model, tokenizer: tokenizer, train: train, dev: devPairs,
                                       targetLanguage: targetLanguage, batchTokens: batchTokens, labelSmoothing: labelSmoothing)
        let epochs = Double(steps) / Double(task.batchCount)
        let described = arch == .transformer ? "Transformer \(layers)+\(layers) layers × \(dim), \(heads) heads, ffn \(shape.feedForward)"
            : "LSTM \(layers)+\(layers) layers × \(dim) (bidirectional encoder), \(heads)-head attention"
        log.say("model: \(described), vocabulary "
                + "\(tokenizer.idCount): \(formatParameters(model.parameterCount)) parameters; \(steps) steps of ≤ \(batchTokens) "
                + "tokens (\(task.batchCount) batches an epoch, \(formatFixed(epochs, digits: 2)) epochs), lr \(lr), warm-up "
                + "\(warmup), inverse-sqrt decay, label smoothing \(labelSmoothing)")

        let optimizer = Adam(parameters: model.parameters(), learningRate: lr, beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
        let trainer = Trainer(task: task, optimizer: optimizer,
                              options: TrainerOptions(steps: steps, schedule: InverseSquareRootSchedule(peak: lr, warmupSteps: warmup),
                                                      maxGradientNorm: 1, logEvery: 10, evaluateEvery: evalEvery,
                                                      checkpointEvery: checkpointEvery, timeLimit: timeLimit.map { $0 * 60 },
                                                      seed: seed, title: "train-translation",
                                                      itemName: "tokens"),
                              folder: output, metricName: "bleu", arguments: resuming ? [] : arguments)
        if resuming {
            try trainer.resume()
            log.say("resuming \(output) at step \(trainer.state.step) of \(steps)")
        }
        var best: Evaluation?
        // The folder's model is the best by dev BLEU; without dev data, the latest.
        trainer.onImprovement = { evaluation, _ in
            best = evaluation
            try model.save(to: output, tokenizer: tokenizerPath)
        }
        if devPairs.isEmpty { trainer.onCheckpoint = { _ in try model.save(to: output, tokenizer: tokenizerPath) } }
        runFolder.trainingStarts()
        let outcome = try trainer.run()
        if devPairs.isEmpty { try model.save(to: output, tokenizer: tokenizerPath) }
        var metrics: [String: Any] = [
            "architecture": arch.rawValue, "parameters": model.parameterCount, "vocab_size": tokenizer.idCount,
            "steps": outcome.state.step, "stopped_at_time_limit": outcome.stoppedAtTimeLimit, "tokens": outcome.state.items, "seconds": outcome.state.seconds,
            "tokens_per_second": Double(outcome.state.items) / max(outcome.state.seconds, 1e-9),
            "train_loss": trainer.log.rows.last?.trainLoss ?? Double.nan, "training_pairs": train.count,
            "dev_pairs": devPairs.count, "test_pairs": test.count, "seed": seed,
            "source_language": sourceLanguage, "target_language": targetLanguage,
        ]
        if let bestStep = outcome.state.bestStep, let score = outcome.state.best {
            metrics["best_step"] = bestStep
            metrics["dev_bleu"] = score
            if let chrf = best?.extra.first(where: { $0.name == "chrf" })?.value { metrics["dev_chrf"] = chrf }
        }
        try MetricsFile.write(metrics, to: output)
        Checkpoint.removeAll(in: output)
        var summary = "trained a translation model (\(formatParameters(model.parameterCount)) parameters) for \(outcome.state.step) steps "
            + "in \(formatDuration(outcome.state.seconds))"
        if let step = outcome.state.bestStep, let score = outcome.state.best {
            summary += ": best dev BLEU \(formatFixed(score, digits: 2)) at step \(step)"
        }
        print(summary + " → \(output)" + (test.isEmpty ? "" : "; score it with: nlp eval --model \(output) \(ModelFolder.path(output, "test.tsv"))"))
    }
}
