import ArgumentParser
import Foundation
import NLPKit

extension LanguageModelArchitecture: ExpressibleByArgument {}
extension TokenizerKind: ExpressibleByArgument {}

/// `nlp pretrain`: a language model from plain text (one document a line): BERT with masked-LM,
/// GPT or an LSTM with next-token prediction, on packed fixed-length blocks.
struct PretrainCommand: ResumableTrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pre-train a language model (BERT masked-LM, GPT or LSTM next-token) on text files.",
        discussion: """
            Each non-blank line of CORPUS is a document; documents are joined by an end-of-text token and cut \
            into blocks of --context tokens. Every 100th block is held out: its loss and perplexity are printed \
            at each evaluation and end up in DIR/metrics.json as val_loss. DIR also gets config.json, \
            model.safetensors, tokenizer.json, train_log.csv and loss.svg. A checkpoint is written every \
            --checkpoint-every steps; after a crash or kill, `nlp pretrain --resume -o DIR` continues it exactly.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "bert (masked-LM), gpt or lstm (next-token).")
    var arch: LanguageModelArchitecture = .bert

    @Option(help: ArgumentHelp("Continue training the language model in this folder (its tokenizer, shape and weights) on CORPUS: domain- or task-adaptive pre-training. --arch, --layers, --heads, --dim and --dropout are then the folder's.", valueName: "DIR"))
    var from: String?

    @Option(help: "Use this tokenizer.json instead of training one.")
    var tokenizer: String?

    @Option(help: "Train a tokenizer on the corpus: bpe, wordpiece or char (default: wordpiece for bert, bpe otherwise).")
    var trainTokenizer: TokenizerKind?

    @Option(parsing: .unconditional, help: "Vocabulary size of a trained bpe or wordpiece tokenizer.")
    var vocabSize = 8000

    @Flag(help: "Normalize a trained wordpiece or char tokenizer's input with NFKC (full-width digits and punctuation become ASCII; char also lowercases).")
    var nfkc = false

    @Option(parsing: .unconditional, help: "Transformer layers (LSTM layers).")
    var layers = 4

    @Option(parsing: .unconditional, help: "Attention heads (bert, gpt).")
    var heads = 4

    @Option(parsing: .unconditional, help: "Hidden width (the LSTM's embedding and hidden size).")
    var dim = 256

    @Option(parsing: .unconditional, help: "Tokens per block.")
    var context = 128

    @Option(parsing: .unconditional, help: "Blocks per step.")
    var batchSize = 32

    @Option(parsing: .unconditional, help: "Optimizer steps.")
    var steps = 2000

    @Option(parsing: .unconditional, help: "Peak learning rate (default: 5e-4 for bert, 1e-3 for gpt, 2e-3 for lstm).")
    var lr: Float?

    @Option(parsing: .unconditional, help: "Warm-up steps (default: 5% of --steps, at most 1000).")
    var warmup: Int?

    @Option(parsing: .unconditional, help: "Dropout probability.")
    var dropout: Float = 0.1

    @Option(help: "Seed of the initialization, data order, masking and dropout.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Steps between checkpoints.")
    var checkpointEvery = 100

    @Option(parsing: .unconditional, help: "Steps between held-out evaluations.")
    var evalEvery = 200

    @OptionGroup var training: TrainingRunOptions
    var resume: Bool { training.resume }
    var lossy: Bool { training.lossy }

    @Option(name: .shortAndLong, help: "Output model folder.")
    var output: String

    @Argument(help: "Text files, one document a line.")
    var corpus: [String] = []

    func validate() throws {
        if !resume && corpus.isEmpty { throw ValidationError("give at least one CORPUS file") }
        if tokenizer != nil && trainTokenizer != nil { throw ValidationError("give --tokenizer or --train-tokenizer, not both") }
        if from != nil && (tokenizer != nil || trainTokenizer != nil) {
            throw ValidationError("--from uses its folder's tokenizer: leave out --tokenizer and --train-tokenizer")
        }
        try requireRanges([("--layers", layers, 1...64), ("--heads", heads, 1...64), ("--dim", dim, 8...8192),
                           ("--context", context, 4...8192), ("--batch-size", batchSize, 1...4096),
                           ("--steps", steps, 1...10_000_000), ("--vocab-size", vocabSize, 16...1_000_000),
                           ("--checkpoint-every", checkpointEvery, 1...10_000_000),
                           ("--eval-every", evalEvery, 1...10_000_000)])
        if arch != .lstm && dim % heads != 0 { throw ValidationError("--dim \(dim) must be a multiple of --heads \(heads)") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must be 0 or more") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1)") }
    }

    var outputFolder: String? { output }
    mutating func redirect(to folder: String) { output = folder }

    func train(resuming: Bool) throws {
        try global.apply()
        let log = Log("pretrain")
        for file in corpus { try requireNonEmptyFile(file, expected: "one document a line") }
        let runFolder = try RunFolder(output, resuming: resuming)
        defer { runFolder.removeIfUnused() }
        let tokenizerPath = ModelFolder.path(output, ModelFolder.tokenizerFile)

        // Tokenizer: the run's own copy when resuming, else the given one or a new one.
        let tokens: Tokenizer
        if resuming {
            tokens = try Tokenizer(contentsOfFile: tokenizerPath)
        } else if let from {
            _ = try ModelFolder.readConfig(from)  // a missing folder is named as such, not by its tokenizer.json
            tokens = try Tokenizer(contentsOfFile: ModelFolder.path(from, ModelFolder.tokenizerFile))
            try tokens.save(toFile: tokenizerPath)
        } else if let tokenizer {
            tokens = try Tokenizer(contentsOfFile: tokenizer)
            try tokens.save(toFile: tokenizerPath)
        } else {
            let kind = trainTokenizer ?? (arch == .bert ? .wordpiece : .bpe)
            log.say("training a \(kind.rawValue) tokenizer\(kind == .char ? "" : " (vocabulary \(vocabSize))") on \(corpus.count) file(s)")
            tokens = try LanguageModelRecipe.trainTokenizer(kind, files: corpus, vocabularySize: vocabSize, architecture: arch,
                                                            compatibilityNormalization: nfkc,
                                                            options: .init(threads: Parallelism.threads, lossy: lossy))
            try tokens.save(toFile: tokenizerPath)
        }

        // The network: the --from folder's, or a new one of the shape options' size.
        let network: LanguageModelNetwork, arch: LanguageModelArchitecture
        if let from {
            let loaded = try LanguageModelRecipe.loadNetwork(folder: from, tokenizer: tokens, seed: seed)
            guard context <= loaded.maxContext else {
                throw CLIError("--context \(context) is longer than the \(loaded.maxContext) positions of \(from)")
            }
            (network, arch) = (loaded.network, loaded.architecture)
            log.say("continuing the \(arch.rawValue) language model of \(from)")
        } else {
            let shape = LanguageModelShape(layers: layers, heads: heads, dimension: dim, context: context, dropout: dropout)
            arch = self.arch
            network = try LanguageModelRecipe.makeNetwork(arch, shape: shape, tokenizer: tokens, seed: seed)
        }
        let separator = try LanguageModelRecipe.separator(of: tokens, for: arch)
        let started = monotonicSeconds()
        let text = try TokenCorpus(files: corpus, tokenizer: tokens, separator: separator, lossy: lossy)
        let task = try LanguageModelTask(network: network, corpus: text, context: context, batchSize: batchSize, seed: seed)
        log.say("corpus: \(groupedThousands(text.documents)) lines, \(groupedThousands(text.tokens.count)) tokens "
                + "(\(formatFixed(monotonicSeconds() - started, digits: 1)) s); \(groupedThousands(task.blocks.train.count)) "
                + "training blocks and \(task.blocks.validation.count) held-out blocks of \(context) tokens")
        let model = network.model
        let epochs = Double(steps * batchSize) / Double(max(1, task.blocks.train.count))
        let peak = lr ?? [.bert: 5e-4, .gpt: 1e-3, .lstm: 2e-3][arch]!
        let warmupSteps = warmup ?? min(1000, steps / 20)
        let size = from.map { "from \($0)" } ?? "\(layers) layers × \(dim)\(arch == .lstm ? "" : ", \(heads) heads")"
        log.say("model: \(arch.rawValue), \(size), context \(context), "
                + "vocabulary \(tokens.idCount): \(formatParameters(model.parameterCount)) parameters; "
                + "\(steps) steps of \(batchSize) blocks (\(formatFixed(epochs, digits: 2)) epochs), lr \(peak), "
                + "warm-up \(warmupSteps), cosine decay")

        let optimizer = AdamW(parameters: model.parameters(), learningRate: peak, beta2: arch == .bert ? 0.999 : 0.99,
                              weightDecay: 0.01, exemptFromWeightDecay: { $0.rank < 2 })
        let trainer = Trainer(task: task, optimizer: optimizer,
                              options: TrainerOptions(steps: steps, schedule: CosineDecaySchedule(peak: peak, warmupSteps: warmupSteps,
                                                                                                   totalSteps: steps),
                                                      maxGradientNorm: 1, logEvery: 10, evaluateEvery: evalEvery,
                                                      checkpointEvery: checkpointEvery, seed: seed, title: "pretrain",
                                                      itemName: "tokens"),
                              folder: output, metricName: "perplexity", arguments: resuming ? [] : arguments)
        if resuming {
            try trainer.resume()
            log.say("resuming \(output) at step \(trainer.state.step) of \(steps)")
        }
        trainer.onCheckpoint = { _ in try model.save(to: output, tokenizer: tokenizerPath) }
        runFolder.trainingStarts()
        let outcome = try trainer.run()
        try model.save(to: output, tokenizer: tokenizerPath)
        let evaluation = outcome.lastEvaluation
        var metrics: [String: Any] = [
            "architecture": arch.rawValue, "parameters": model.parameterCount, "vocab_size": tokens.idCount,
            "context": context, "steps": outcome.state.step, "tokens": outcome.state.items,
            "seconds": outcome.state.seconds, "tokens_per_second": Double(outcome.state.items) / max(outcome.state.seconds, 1e-9),
            "train_loss": trainer.log.rows.last?.trainLoss ?? Double.nan,
            "corpus_tokens": text.tokens.count, "training_blocks": task.blocks.train.count,
            "held_out_blocks": task.blocks.validation.count, "seed": seed,
        ]
        if let evaluation, let loss = evaluation.loss {
            metrics["val_loss"] = loss
            metrics["val_perplexity"] = evaluation.metric
        }
        try MetricsFile.write(metrics, to: output)
        Checkpoint.removeAll(in: output)
        var summary = "pretrained \(arch.rawValue) (\(formatParameters(model.parameterCount)) parameters) for \(outcome.state.step) steps "
            + "in \(formatDuration(outcome.state.seconds))"
        if let evaluation, let loss = evaluation.loss {
            summary += ": val_loss \(formatFixed(loss, digits: 4)), perplexity \(formatFixed(evaluation.metric, digits: 2))"
        }
        print(summary + " → \(output)")
    }
}

/// "5.2M", "840K".
func formatParameters(_ n: Int) -> String {
    n >= 1_000_000 ? formatFixed(Double(n) / 1e6, digits: 1) + "M" : formatFixed(Double(n) / 1e3, digits: 0) + "K"
}

/// Messages of a command on stderr, prefixed with its name.
struct Log {
    let name: String
    init(_ name: String) { self.name = name }
    func say(_ line: String) { FileHandle.standardError.write(Data("\(name): \(line)\n".utf8)) }
}
