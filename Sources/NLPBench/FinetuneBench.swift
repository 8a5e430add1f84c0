import Foundation
import NLPKit

// `nlp-bench finetune train --model DIR --data TSV [--rows 2000] [--batch-size 32] [--max-length 64]
//  [--grouped 1] [--data-parallel 1|0] [--steps 30] [--warmup 3] [--windows 3] [--threads N]`: our side of bench/finetune.py — the
// training step of `nlp finetune` (BERT + mean pooling + linear head, AdamW, clipping) on the
// first rows of a TSV, batched as the command batches them; prints examples/s as one JSON line.

func runFinetuneBench(_ arguments: [String]) throws {
    if arguments.first == "compare" { return try runFinetuneComparison(Array(arguments.dropFirst())) }
    guard arguments.first == "train" else { throw BenchError("finetune: give a task: train or compare") }
    let options = try BenchOptions(Array(arguments.dropFirst()))
    if let threads = options.int("threads") { Parallelism.setThreads(threads) }
    guard let folder = options.string("model"), let data = options.string("data") else {
        throw BenchError("finetune train needs --model DIR --data TSV")
    }
    let rows = options.int("rows") ?? 2000, batchSize = options.int("batch-size") ?? 32
    let maxLength = options.int("max-length") ?? 64
    let setup = try FinetuneSetup(model: folder, data: data, rows: rows, maxLength: maxLength,
                                  batchSize: batchSize, seed: 1, options: options)
    let (classifier, task, texts) = (setup.classifier, setup.task, setup.texts)
    let optimizer = AdamW(parameters: classifier.parameters(), learningRate: 5e-5, weightDecay: 0.01,
                          exemptFromWeightDecay: { $0.rank < 2 })
    // --grouped 1: length-grouped batches (as nlp finetune); 0: random batches padded to their longest.
    let plan = options.int("grouped") == 0 ? BatchPlan.shuffled(count: texts.count, batchSize: batchSize, seed: 1)
                                           : task.batches(epoch: 0, seed: 1)
    classifier.train()
    var next = 0, examplesDone = 0
    func step() -> Float {
        let batch = plan[next % plan.count]
        next += 1
        examplesDone += batch.count
        let loss = task.lossAndGradients(batch: batch, step: next).loss
        _ = clipGradientNorm(optimizer.parameters, maxNorm: 1)
        optimizer.step()
        optimizer.zeroGrad()
        return loss
    }
    let warmup = options.int("warmup") ?? 3, steps = options.int("steps") ?? 30, windows = options.int("windows") ?? 3
    var loss: Float = 0
    for _ in 0..<warmup { loss = step() }
    var rates: [Double] = []
    for _ in 0..<windows {
        let before = examplesDone
        let t = seconds { for _ in 0..<steps { loss = step() } }
        rates.append(Double(examplesDone - before) / t)
    }
    let tokens = texts.sequences.reduce(0) { $0 + $1.count }
    print("{\"task\": \"finetune-train\", \"threads\": \(Parallelism.threads), \"rows\": \(texts.count), \"mean_tokens\": \(String(format: "%.2f", Double(tokens) / Double(max(1, texts.count)))), \"batch_size\": \(batchSize), \"max_length\": \(maxLength), \"last_loss\": \(loss), \"unit\": \"examples/s\", \(summary(rates))}")
}

/// `nlp finetune`'s classifier and training task on the first `rows` of `data`: DIR's tokenizer
/// (truncated at `maxLength`, unpadded), a freshly seeded mean-pooling head, the command's batching.
/// `--data-parallel 0` keeps the whole batch on threaded kernels (nlp finetune splits it over replicas).
struct FinetuneSetup {
    let classifier: BertForSequenceClassification
    let task: ClassificationTask
    let texts: EncodedTexts
    let labels: [String]
    /// Each row's label index.
    let targets: [Int32]

    init(model folder: String, data: String, rows: Int, maxLength: Int, batchSize: Int, seed: UInt64,
         options: BenchOptions) throws {
        let table = try LabeledTextFile(path: data)
        let examples = Array(table.examples.prefix(rows))
        labels = table.labels
        var tokenizer = try Tokenizer(contentsOfFile: ModelFolder.path(folder, ModelFolder.tokenizerFile))
        tokenizer.padding = nil
        tokenizer.truncation = Truncation(maxLength: maxLength)
        classifier = try BertForSequenceClassification.load(folder: folder, labels: labels, pooling: .mean,
                                                             generator: RandomGenerator(seed: seed))
        texts = EncodedTexts(texts: examples.map(\.text), tokenizer: tokenizer, padId: Int32(classifier.config.padTokenId))
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        targets = examples.map { index[$0.label]! }
        task = ClassificationTask(classifier: classifier, train: texts, trainLabels: targets, dev: nil, devLabels: [],
                                  batchSize: batchSize, dataParallel: options.int("data-parallel") != 0)
    }
}
