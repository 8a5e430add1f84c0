import Foundation
import NLPKit

// `nlp-bench models TASK [options]`: our side of bench/models.py. Each task prints one JSON line.
//   embed --model DIR --ids FILE [--batch-size 32] [--repeat 5]
//       FILE: one sentence a line as space-separated token ids (the peer's tokenizer made them), so
//       the figure is the model alone; bench/models.py times `nlp embed` on the text separately.
//   gpt-step [--steps 30] [--warmup 5] [--data-parallel 1|0]
//       nanoGPT's CPU config, forward + backward + AdamW; by default the batch is split over the
//       threads (DataParallel), --data-parallel 0 runs it whole with threaded kernels
//   lstm-step [--steps 20] [--warmup 3] [--data-parallel 1|0]   2 × 256 LSTM LM, sequence 64, batch 32, Adam;
//       by default the batch is split over the threads, --data-parallel 0 runs it whole with the
//       layers' two-thread lockstep steps

func runModelBench(_ arguments: [String]) throws {
    guard let task = arguments.first else { throw BenchError("models: give a task: embed, gpt-step, lstm-step") }
    let options = try BenchOptions(Array(arguments.dropFirst()))
    if let threads = options.int("threads") { Parallelism.setThreads(threads) }
    switch task {
    case "embed": try benchEmbed(options)
    case "gpt-step": try benchGPTStep(options)
    case "lstm-step": try benchLSTMStep(options)
    default: throw BenchError("models: unknown task \(task)")
    }
}

/// `--name value` pairs.
struct BenchOptions {
    var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var i = 0
        while i < arguments.count {
            guard arguments[i].hasPrefix("--"), i + 1 < arguments.count else { throw BenchError("bad option \(arguments[i])") }
            values[String(arguments[i].dropFirst(2))] = arguments[i + 1]
            i += 2
        }
    }

    func string(_ name: String) -> String? { values[name] }
    func int(_ name: String) -> Int? { values[name].flatMap { Int($0) } }
}

/// Median and range of per-run figures, as JSON fields.
func summary(_ values: [Double]) -> String {
    let sorted = values.sorted()
    let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    return String(format: "\"median\": %.2f, \"min\": %.2f, \"max\": %.2f, \"runs\": %d", median, sorted.first!, sorted.last!, sorted.count)
}

/// User + system CPU time of the process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func value(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return value(usage.ru_utime) + value(usage.ru_stime)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func benchEmbed(_ options: BenchOptions) throws {
    guard let folder = options.string("model"), let idsFile = options.string("ids") else {
        throw BenchError("embed needs --model DIR --ids FILE")
    }
    let batchSize = options.int("batch-size") ?? 32, repeats = options.int("repeat") ?? 5
    var loaded: SentenceEmbedder!
    let load = try seconds { loaded = try SentenceEmbedder(folder: folder) }
    let embedder = loaded!
    guard let text = try? String(contentsOfFile: idsFile, encoding: .utf8) else { throw BenchError("cannot read \(idsFile)") }
    let sequences = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        .map { $0.split(separator: " ").map { Int32($0)! } }
    let tokens = sequences.reduce(0) { $0 + $1.count }
    _ = embedder.embed(Array(sequences.prefix(64)), batchSize: batchSize)   // warm-up
    var rates: [Double] = []
    for _ in 0..<repeats {
        let t = seconds { _ = embedder.embed(sequences, batchSize: batchSize) }
        rates.append(Double(sequences.count) / t)
    }
    print("{\"task\": \"embed\", \"sentences\": \(sequences.count), \"tokens\": \(tokens), \"threads\": \(Parallelism.threads), \"load_s\": \(String(format: "%.3f", load)), \"unit\": \"sentences/s\", \(summary(rates))}")
}

/// Tiny Shakespeare as character ids (vocabulary: the sorted distinct characters, 65 of them).
func shakespeareCharacters(_ options: BenchOptions) throws -> (ids: [Int32], vocabulary: Int) {
    let path = options.string("data") ?? "../shared/data/tinyshakespeare/input.txt"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BenchError("cannot read \(path)") }
    let scalars = Array(text.unicodeScalars)
    let vocabulary = Array(Set(scalars)).sorted { $0.value < $1.value }
    let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
    return (scalars.map { index[$0]! }, vocabulary.count)
}

/// nanoGPT's get_batch: `batch` random windows of `length` + 1 characters → inputs and next-character targets.
func randomWindows(_ data: [Int32], batch: Int, length: Int, generator: RandomGenerator) -> (TokenBatch, [Int32]) {
    windows(data, starting: (0..<batch).map { _ in generator.nextInt(below: data.count - length - 1) }, length: length)
}

/// The windows of `length` tokens at `starts` as one batch, with their next-token targets.
func windows(_ data: [Int32], starting starts: [Int], length: Int) -> (TokenBatch, [Int32]) {
    var ids: [Int32] = [], targets: [Int32] = []
    for start in starts {
        ids += data[start..<(start + length)]
        targets += data[(start + 1)..<(start + length + 1)]
    }
    return (TokenBatch(ids: ids, batch: starts.count, length: length), targets)
}

/// Runs `step` for warm-up, then `windows` timed windows of `steps` steps; prints tokens/s.
func benchSteps(_ task: String, tokensPerStep: Int, _ options: BenchOptions, defaultSteps: Int,
                extra: String, _ step: () -> Float) {
    let warmup = options.int("warmup") ?? 3, steps = options.int("steps") ?? defaultSteps
    let windows = options.int("windows") ?? 5
    var loss: Float = 0
    for _ in 0..<warmup { loss = step() }
    var rates: [Double] = [], cpu: [Double] = []
    for _ in 0..<windows {
        let before = processCPUSeconds()
        let t = seconds { for _ in 0..<steps { loss = step() } }
        rates.append(Double(steps * tokensPerStep) / t)
        cpu.append((processCPUSeconds() - before) * 1000 / Double(steps))
    }
    // CPU ms a step (all threads): the work, less sensitive than the rate to other processes' load.
    let cpuMedian = cpu.sorted()[cpu.count / 2]
    print("{\"task\": \"\(task)\", \"threads\": \(Parallelism.threads), \(extra), \"last_loss\": \(loss), \"cpu_ms_per_step\": \(String(format: "%.2f", cpuMedian)), \"unit\": \"tokens/s\", \(summary(rates))}")
}

/// nanoGPT's CPU config: 4 layers, 4 heads, 128 wide, context 64, batch 12, no bias, no dropout;
/// AdamW (lr 1e-3, betas 0.9/0.99, weight decay 0.1 on matrices), gradient clipping at 1 (its
/// factor applied in AdamW's pass, as the trainer does).
func benchGPTStep(_ options: BenchOptions) throws {
    let (data, vocabulary) = try shakespeareCharacters(options)
    let generator = RandomGenerator(seed: 1337)
    let config = GPTConfig.nanoGPTCharacters(vocabSize: vocabulary)
    let model = GPTLanguageModel(config, generator: generator)
    model.train()
    let parameters = model.parameters()
    let optimizer = AdamW(parameters: parameters, learningRate: 1e-3, beta2: 0.99, weightDecay: 0.1,
                          exemptFromWeightDecay: { $0.rank < 2 })
    let parallel = (options.int("data-parallel") ?? 1) != 0
        ? DataParallel(model) { GPTLanguageModel(config) } : nil
    let (batch, length) = (12, 64)
    benchSteps("gpt-step", tokensPerStep: batch * length, options, defaultSteps: 20,
               extra: "\"parameters\": \(model.parameterCount), \"data_parallel\": \(parallel != nil)") {
        let (input, targets) = randomWindows(data, batch: batch, length: length, generator: generator)
        let loss = gptLossAndGradients(model, parallel, input, targets)
        optimizer.step(gradientScale: clippingScale(norm: gradientNorm(parameters), maxNorm: 1))
        optimizer.zeroGrad()
        return loss
    }
}

/// A GPT's mean loss with its gradients: the batch split over the threads by `parallel`, or whole.
func gptLossAndGradients(_ gpt: GPTLanguageModel, _ parallel: DataParallel<GPTLanguageModel>?, _ input: TokenBatch,
                         _ targets: [Int32]) -> Float {
    if let parallel { return parallel.lossAndGradients(input, targets: targets) { $0.loss($1, targets: $2) } }
    let value = gpt.loss(input, targets: targets)
    value.backward()
    return value.scalar
}

/// The char-level LSTM LM of the peer figures: embedding 128, 2 × 256 LSTM, sequence 64,
/// batch 32, Adam (lr 2e-3), no dropout.
func benchLSTMStep(_ options: BenchOptions) throws {
    let (data, vocabulary) = try shakespeareCharacters(options)
    let generator = RandomGenerator(seed: 1337)
    let model = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: vocabulary, embeddingSize: 128,
                                                                    hiddenSize: 256, layers: 2), generator: generator)
    model.train()
    let optimizer = Adam(parameters: model.parameters(), learningRate: 2e-3)
    // Data-parallel as the pre-training loop runs it: a replica a thread, no per-time-step hand-off.
    let parallel = (options.int("data-parallel") ?? 1) != 0
        ? DataParallel(model) { RecurrentLanguageModel(model.config) } : nil
    let (batch, length) = (32, 64)
    benchSteps("lstm-step", tokensPerStep: batch * length, options, defaultSteps: 10,
               extra: "\"parameters\": \(model.parameterCount), \"data_parallel\": \(parallel != nil)") {
        let (input, targets) = randomWindows(data, batch: batch, length: length, generator: generator)
        let loss: Float
        if let parallel {
            loss = parallel.lossAndGradients(input, targets: targets) { $0.loss($1, targets: $2).loss }
        } else {
            let value = model.loss(input, targets: targets).loss
            value.backward()
            loss = value.scalar
        }
        optimizer.step()
        optimizer.zeroGrad()
        return loss
    }
}
