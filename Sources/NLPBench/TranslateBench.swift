import Foundation
import NLPKit

// `nlp-bench translate step --pairs FILE [options]`: our side of bench/translate.py, one JSON line.
// A training step of the translation Transformer (train-translation's defaults: 3 + 3 layers, 256
// wide, 4 heads, feed-forward 1,024, dropout 0.1, label smoothing 0.1, Adam 0.9/0.98, clipping at 1)
// on real batches: the pairs' joint BPE tokenizer (--vocab-size), train-translation's length-sorted
// batches of ≤ --batch-tokens padded tokens, --batches of them picked by a seeded shuffle.
// --write-batches FILE writes those batches' ids (one JSON object a line) for the PyTorch peer.
// Tokens/s counts target tokens (the end token included), as train-translation's progress does.

func runTranslateBench(_ arguments: [String]) throws {
    guard arguments.first == "step" else { throw BenchError("translate: give a task: step") }
    let options = try BenchOptions(Array(arguments.dropFirst()))
    if let threads = options.int("threads") { Parallelism.setThreads(threads) }
    guard let path = options.string("pairs") else { throw BenchError("translate step needs --pairs FILE") }
    let pairs = try TranslationPairs(path: path).pairs
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("nlp-bench-translate-\(getpid())").path
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let tokenizer = try TranslationRecipe.trainTokenizer(pairs: pairs, vocabularySize: options.int("vocab-size") ?? 8000, folder: work)
    let model = TranslationRecipe.makeModel(shape: TranslationShape(), tokenizer: tokenizer, sourceLanguage: "zh",
                                            targetLanguage: "en", seed: 1)
    model.train()
    let task = try TranslationTask(model: model, tokenizer: tokenizer, train: pairs, dev: [], targetLanguage: "en",
                                   batchTokens: options.int("batch-tokens") ?? 4096)
    let chosen = Array(task.batches(epoch: 0, seed: 1).prefix(options.int("batches") ?? 24))
    if let out = options.string("write-batches") {
        var lines = ""
        for batch in chosen {
            let (sources, targets) = task.ids(of: batch)
            lines += "{\"source\": \(sources), \"target\": \(targets)}\n"
        }
        try lines.write(toFile: out, atomically: true, encoding: .utf8)
    }
    let optimizer = Adam(parameters: model.parameters(), learningRate: 5e-4, beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
    func step(_ batch: [Int]) -> (loss: Float, tokens: Int) {
        let (loss, tokens) = task.loss(batch: batch, step: 0)
        loss.backward()
        _ = clipGradientNorm(optimizer.parameters, maxNorm: 1)
        optimizer.step()
        optimizer.zeroGrad()
        return (loss.scalar, tokens)
    }
    for batch in chosen.prefix(3) { _ = step(batch) }   // warm-up
    var rates: [Double] = [], loss: Float = 0
    for _ in 0..<(options.int("windows") ?? 3) {
        var tokens = 0
        let t = seconds { for batch in chosen { let r = step(batch); loss = r.loss; tokens += r.tokens } }
        rates.append(Double(tokens) / t)
    }
    print("{\"task\": \"translate-step\", \"threads\": \(Parallelism.threads), \"parameters\": \(model.parameterCount), "
          + "\"vocabulary\": \(tokenizer.idCount), \"batches\": \(chosen.count), \"last_loss\": \(loss), \"unit\": \"tokens/s\", \(summary(rates))}")
}
