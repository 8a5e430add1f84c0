import ArgumentParser
import Foundation
import NLPKit

extension ClassifierPooling: ExpressibleByArgument {}

/// `nlp finetune`: a text classifier from labelled rows, on a pre-trained base.
struct FinetuneCommand: ResumableTrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a text classifier on rows `text<TAB>label` (or `text_a<TAB>text_b<TAB>label`).",
        discussion: """
            Labels are any strings; a header line is recognised and skipped. Without --dev, a stratified 10% of \
            the rows (seeded) is the dev set. The default base is models/all-MiniLM-L6-v2 for text that is mostly \
            Latin script and the toolkit's own Chinese BERT for Chinese text. Settings left out are chosen per \
            base and printed. The dev accuracy is measured during training; the best model is kept in -o DIR \
            (config.json with the labels, model.safetensors, tokenizer.json) with metrics.json, train_log.csv \
            and loss.svg.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Training rows, TSV.")
    var data: String?

    @Option(help: "Base model folder (default: chosen from the text's script).")
    var base: String?

    @Option(help: "Dev rows, TSV (default: a stratified 10% of DATA).")
    var dev: String?

    @Option(name: .shortAndLong, help: "Output model folder (default: runs/finetune-NAME).")
    var output: String?

    @Option(parsing: .unconditional, help: "Passes over the training rows.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Examples per step.")
    var batchSize: Int?

    @Option(parsing: .unconditional, help: "Peak learning rate (AdamW).")
    var lr: Float?

    @Option(parsing: .unconditional, help: "Share of the steps spent warming up.")
    var warmup: Double?

    @Option(parsing: .unconditional, help: "Longest input in tokens (longer texts are cut).")
    var maxLength: Int?

    @Option(help: "mean (of the token states) or pooler ([CLS] through BERT's pooler).")
    var pooling: ClassifierPooling?

    @Option(parsing: .unconditional, help: "Stop after this many dev evaluations without a better accuracy.")
    var patience: Int?

    @Option(parsing: .unconditional, help: "Dev evaluations per epoch.")
    var evaluationsPerEpoch: Int?

    @Option(parsing: .unconditional, help: "The new head's learning rate as a multiple of the encoder's.")
    var headLrScale: Float?

    @Option(parsing: .unconditional, help: "Layer-wise learning-rate decay: each encoder layer learns at this multiple of the one above (1: off).")
    var layerDecay: Float?

    @Option(parsing: .unconditional, help: "Judge and keep an exponential moving average of the weights with this decay per step (e.g. 0.99; 0: off).")
    var ema: Float?

    @Option(parsing: .unconditional, help: "Steps between checkpoints (for --resume).")
    var checkpointEvery = 500

    @Option(help: "Seed of the split, head initialization, data order and dropout.")
    var seed: UInt64 = 1

    @OptionGroup var training: TrainingRunOptions
    var resume: Bool { training.resume }
    var lossy: Bool { training.lossy }

    func validate() throws {
        if !resume && data == nil { throw ValidationError("give the training rows DATA.tsv") }
        if resume && output == nil { throw ValidationError("--resume needs -o DIR") }
        try requireRanges([("--epochs", epochs, 1...1000), ("--batch-size", batchSize, 1...4096),
                           ("--max-length", maxLength, 4...8192), ("--patience", patience, 1...1000),
                           ("--evaluations-per-epoch", evaluationsPerEpoch, 1...100),
                           ("--checkpoint-every", checkpointEvery, 1...10_000_000)])
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        if let headLrScale, !(headLrScale > 0 && headLrScale.isFinite) { throw ValidationError("--head-lr-scale must be a positive number") }
        if let layerDecay, !(layerDecay > 0 && layerDecay <= 1) { throw ValidationError("--layer-decay must be in (0, 1]") }
        if let ema, !(ema >= 0 && ema < 1) { throw ValidationError("--ema must be in [0, 1) (0: off)") }
        if let warmup, !(warmup >= 0 && warmup < 1) { throw ValidationError("--warmup must be in [0, 1)") }
    }

    var outputFolder: String? { output }
    mutating func redirect(to folder: String) { output = folder }

    func train(resuming: Bool) throws {
        try global.apply()
        let log = Log("finetune")
        let dataPath = data!
        let table = try LabeledTextFile(path: dataPath, lossy: lossy)
        try table.requireExamplesPerLabel(2)
        let labels = table.labels
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })

        // Dev rows: the given file, or a stratified split of the training rows.
        let trainRows: [LabeledExample], devRows: [LabeledExample], devSource: String
        if let dev {
            let devTable = try LabeledTextFile(path: dev, lossy: lossy)
            try devTable.requireLabels(in: labels)
            guard devTable.columns == table.columns else {
                throw CLIError("\(dev): has \(devTable.columns) columns, \(dataPath) has \(table.columns)")
            }
            (trainRows, devRows, devSource) = (table.examples, devTable.examples, dev)
        } else {
            let split = StratifiedSplit(table.examples, label: \.label, devFraction: 0.1, seed: seed)
            (trainRows, devRows, devSource) = (split.train, split.dev, "a stratified 10% of \(dataPath) (seed \(seed))")
        }

        // Base and settings.
        let folder = output ?? "runs/finetune-" + ((dataPath as NSString).lastPathComponent as NSString).deletingPathExtension
        let runFolder = try RunFolder(folder, resuming: resuming)
        defer { runFolder.removeIfUnused() }
        let choice = try BaseChoice.choose(given: base, texts: trainRows.prefix(2000).map(\.text), trainingFiles: [dataPath],
                                           scratchFolder: ModelFolder.path(folder, "scratch-base"))
        log.say("base: \(choice.folder) (\(choice.reason))")
        let baseConfig = try ModelFolder.readConfig(choice.folder)
        var settings = try FinetuneRecipe.settings(forBase: baseConfig)
        if choice.isScratch { settings.learningRate = 5e-4 }
        if let epochs { settings.epochs = epochs }
        if let batchSize { settings.batchSize = batchSize }
        if let lr { settings.learningRate = lr }
        if let warmup { settings.warmupRatio = warmup }
        if let maxLength { settings.maxLength = maxLength }
        if let pooling { settings.pooling = pooling }
        if let patience { settings.patience = patience }
        if let evaluationsPerEpoch { settings.evaluationsPerEpoch = evaluationsPerEpoch }
        if let headLrScale { settings.headLearningRateScale = headLrScale }
        if let layerDecay { settings.layerDecay = layerDecay }
        if let ema { settings.averagingDecay = ema }

        // Tokenizer (the base's, cut at the max length) and model.
        var tokenizer = try Tokenizer(contentsOfFile: ModelFolder.path(choice.folder, ModelFolder.tokenizerFile))
        tokenizer.padding = nil
        tokenizer.truncation = Truncation(maxLength: settings.maxLength)
        let classifier = try BertForSequenceClassification.load(folder: choice.folder, labels: labels, pooling: settings.pooling,
                                                                generator: RandomGenerator(seed: seed))
        try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: classifier.config.vocabSize, in: choice.folder)
        guard settings.maxLength <= classifier.config.maxPositions else {
            throw CLIError("--max-length \(settings.maxLength) is longer than the base's \(classifier.config.maxPositions) positions")
        }
        // Written only once the base has loaded: a bad base must leave -o as it was.
        let tokenizerPath = ModelFolder.path(folder, ModelFolder.tokenizerFile)
        try tokenizer.save(toFile: tokenizerPath)
        let padId = Int32(classifier.config.padTokenId)
        let started = monotonicSeconds()
        let pairs = table.columns == 3
        let trainTexts = EncodedTexts(texts: trainRows.map(\.text), pairs: pairs ? trainRows.map { $0.pair! } : nil,
                                      tokenizer: tokenizer, padId: padId)
        let devTexts = EncodedTexts(texts: devRows.map(\.text), pairs: pairs ? devRows.map { $0.pair! } : nil,
                                    tokenizer: tokenizer, padId: padId)
        let task = ClassificationTask(classifier: classifier, train: trainTexts, trainLabels: trainRows.map { labelIndex[$0.label]! },
                                      dev: devTexts, devLabels: devRows.map { labelIndex[$0.label]! },
                                      batchSize: settings.batchSize)
        let batchesPerEpoch = task.batches(epoch: 0, seed: seed).count
        let steps = settings.epochs * batchesPerEpoch
        let warmupSteps = Int((Double(steps) * settings.warmupRatio).rounded())
        let evaluateEvery = max(1, (batchesPerEpoch + settings.evaluationsPerEpoch - 1) / settings.evaluationsPerEpoch)
        let cut = trainTexts.sequences.filter { $0.count >= settings.maxLength }.count
        log.say("\(groupedThousands(trainRows.count)) training and \(groupedThousands(devRows.count)) dev rows (dev: \(devSource)); "
                + "labels \(labels.joined(separator: ", ")); encoded in \(formatFixed(monotonicSeconds() - started, digits: 1)) s"
                + (cut > 0 ? ", \(cut) rows cut at \(settings.maxLength) tokens" : ""))
        log.say("settings: \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s") × \(batchesPerEpoch) batches of \(settings.batchSize), lr \(settings.learningRate) "
                + "(AdamW, weight decay \(settings.weightDecay)), warm-up \(formatFixed(settings.warmupRatio * 100, digits: 0))% "
                + "then linear decay"
                + (settings.headLearningRateScale != 1 ? ", head lr ×\(settings.headLearningRateScale)" : "")
                + (settings.layerDecay != 1 ? ", layer-wise lr decay \(settings.layerDecay)" : "")
                + (settings.averagingDecay > 0 ? ", judged on a moving average of the weights (decay \(settings.averagingDecay))" : "")
                + ", max length \(settings.maxLength), \(settings.pooling.rawValue) pooling; dev accuracy "
                + "\(settings.evaluationsPerEpoch)× an epoch, stop after \(settings.patience) without improvement")

        let adamW = GroupedAdamW(groups: classifier.rateGroups(layerDecay: settings.layerDecay,
                                                               headScale: settings.headLearningRateScale),
                                 learningRate: settings.learningRate, weightDecay: settings.weightDecay,
                                 exemptFromWeightDecay: { $0.rank < 2 })
        let optimizer: Optimizer = settings.averagingDecay > 0 ? WeightAveraging(adamW, decay: settings.averagingDecay) : adamW
        let options = TrainerOptions(steps: steps, schedule: LinearDecaySchedule(peak: settings.learningRate, warmupSteps: warmupSteps,
                                                                                 totalSteps: steps),
                                     maxGradientNorm: 1, logEvery: 10, evaluateEvery: evaluateEvery,
                                     checkpointEvery: checkpointEvery, patience: settings.patience, seed: seed,
                                     title: "finetune", itemName: "examples")
        let trainer = Trainer(task: task, optimizer: optimizer, options: options, folder: folder, metricName: "accuracy",
                              arguments: resuming ? [] : arguments)
        if resuming {
            try trainer.resume()
            log.say("resuming \(folder) at step \(trainer.state.step) of \(steps)")
        }
        var metrics: [String: Any] = [
            "base": choice.folder, "labels": labels, "train_examples": trainRows.count, "dev_examples": devRows.count,
            "dev_source": devSource, "epochs": settings.epochs, "batch_size": settings.batchSize,
            "learning_rate": decimal(settings.learningRate), "warmup_ratio": settings.warmupRatio, "max_length": settings.maxLength,
            "pooling": settings.pooling.rawValue, "seed": seed,
            "head_lr_scale": decimal(settings.headLearningRateScale), "layer_decay": decimal(settings.layerDecay),
            "weight_averaging_decay": decimal(settings.averagingDecay), "steps_planned": steps,
        ]
        var bestReport: ClassificationReport?
        trainer.onImprovement = { evaluation, state in
            try classifier.save(to: folder, tokenizer: tokenizerPath)
            bestReport = task.lastReport
            metrics["best_step"] = state.step
            metrics["dev_loss"] = evaluation.loss ?? Double.nan
            if let report = task.lastReport { metrics["dev"] = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) }
            metrics["accuracy"] = evaluation.metric
            try MetricsFile.write(metrics, to: folder)
        }
        runFolder.trainingStarts()
        let outcome = try trainer.run()
        metrics["steps"] = outcome.state.step
        metrics["stopped_early"] = outcome.stoppedEarly
        metrics["seconds"] = outcome.state.seconds
        metrics["examples_per_second"] = Double(outcome.state.items) / max(outcome.state.seconds, 1e-9)
        try MetricsFile.write(metrics, to: folder)
        Checkpoint.removeAll(in: folder)
        if let bestReport {
            print("dev (\(devSource)), best at step \(metrics["best_step"] ?? 0) of \(outcome.state.step):")
            print(bestReport.text)
        }
        log.say("wrote \(folder) in \(formatDuration(outcome.state.seconds)) "
                + "(\(formatRate(Double(outcome.state.items) / max(outcome.state.seconds, 1e-9))) examples/s)")
    }
}

/// A Float setting as the decimal the user wrote (1e-4, not 9.999999747378752e-05) for metrics.json.
private func decimal(_ x: Float) -> Double { Double("\(x)") ?? Double(x) }
