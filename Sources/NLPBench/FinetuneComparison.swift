import Foundation
import NLPKit

// `nlp-bench finetune compare --model DIR --data TSV --out JSON [--rows 5000] [--steps 80]
//  [--batch-size 32] [--max-length 128] [--lr 1e-4] [--warmup 0.1] [--epochs 3] [--seed 1] [--threads N]`:
// the first steps of `nlp finetune`'s training loop (same task, batches, AdamW, schedule, clipping),
// step by step, for bench/finetune.py's `compare` mode. Writes the initial head, every step's batch,
// learning rate, loss and gradient norm as JSON, so the PyTorch peer can replay the same steps.
// Dropout follows DIR's config.json (the comparison gives it a copy with dropout 0).

func runFinetuneComparison(_ arguments: [String]) throws {
    let options = try BenchOptions(arguments)
    if let threads = options.int("threads") { Parallelism.setThreads(threads) }
    guard let folder = options.string("model"), let data = options.string("data"), let out = options.string("out") else {
        throw BenchError("finetune compare needs --model DIR --data TSV --out JSON")
    }
    let rows = options.int("rows") ?? 5000, batchSize = options.int("batch-size") ?? 32
    let maxLength = options.int("max-length") ?? 128, steps = options.int("steps") ?? 80
    let epochs = options.int("epochs") ?? 3
    let seed = UInt64(options.int("seed") ?? 1)
    let peak = Float(options.string("lr") ?? "1e-4") ?? 1e-4
    let warmupRatio = Double(options.string("warmup") ?? "0.1") ?? 0.1
    let setup = try FinetuneSetup(model: folder, data: data, rows: rows, maxLength: maxLength,
                                  batchSize: batchSize, seed: seed, options: options)
    let (classifier, task, texts, labels) = (setup.classifier, setup.task, setup.texts, setup.labels)
    let head = classifier.classifier
    let initialHead: [String: Any] = [
        "weight": Array(UnsafeBufferPointer(start: head.weight.data, count: head.weight.count)).map(Double.init),
        "bias": Array(UnsafeBufferPointer(start: head.bias!.data, count: head.bias!.count)).map(Double.init),
    ]
    let optimizer = AdamW(parameters: classifier.parameters(), learningRate: peak, weightDecay: 0.01,
                          exemptFromWeightDecay: { $0.rank < 2 })
    // The command's schedule: warm-up and decay over the whole run's steps, of which the first are replayed.
    let plan = task.batches(epoch: 0, seed: seed &+ 1 &* 0xD1B5_4A32_D192_ED03)   // Trainer.epochSeed(0)
    let total = epochs * plan.count
    let schedule = LinearDecaySchedule(peak: peak, warmupSteps: Int((Double(total) * warmupRatio).rounded()), totalSteps: total)
    var records: [[String: Any]] = []
    for step in 0..<min(steps, plan.count) {
        RandomGenerator.default = Trainer.stepGenerator(seed: seed, step: step)
        let rate = schedule.learningRate(atStep: step)
        optimizer.learningRate = rate
        classifier.train()
        let loss = task.lossAndGradients(batch: plan[step], step: step).loss
        let norm = gradientNorm(optimizer.parameters)
        optimizer.step(gradientScale: clippingScale(norm: norm, maxNorm: 1))
        optimizer.zeroGrad()
        records.append(["batch": plan[step], "lr": Double(rate), "loss": Double(loss), "grad_norm": Double(norm)])
    }
    let tokens = texts.sequences.map { $0.map(Int.init) }
    let json: [String: Any] = ["labels": labels, "head": initialHead, "steps": records, "tokens": tokens,
                               "total_steps": total, "warmup_steps": schedule.warmupSteps, "lr": Double(peak),
                               "targets": setup.targets.map(Int.init)]
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: out))
}
