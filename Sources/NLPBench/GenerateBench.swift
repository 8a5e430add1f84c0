import Foundation
import NLPKit

// `nlp-bench generate TASK`, driven by bench/generate.py (which runs the PyTorch peers):
//   train-gpt  --data FILE --steps 2000 --out DIR [--eval-interval 250 --eval-iters 20] [--data-parallel 1|0]
//              [--seed 1337]                           (train-gpt, train-lstm: initialization and batches)
//              [--estimate-windows FILE]               (train-gpt: nanoGPT's estimate on the driver's window starts)
//                                                    nanoGPT's CPU run on tiny Shakespeare
//   train-lstm --data FILE --steps 500 --out DIR     the char LSTM LM, 2 × 256
//   sample     --model DIR|untrained --tokens 500     streaming TextGenerator, batch 1, temperature 1
//              [--seed 1337]                           (every run from the same seed; sample_fnv1a: the text's hash)
//              [--unpacked 1]                          (also step) one-row products on the model's weight layout, not packed strips
//   sample-parts --model DIR|untrained --tokens 500  where a sampled token's time goes: the decoder's
//                                                    one-token steps and restart prefills (timed in place),
//                                                    the sampler and the text stream (timed alone), the rest
//   step       [--rounds 200]                         GPTDecoder's one-token step alone (nanoGPT's char
//                                                    shape, random weights): µs a step, percentiles; and
//                                                    the 32-position feed a full context restarts on
// Each prints one JSON line.

func runGenerateBench(_ arguments: [String]) throws {
    guard let task = arguments.first else { throw BenchError("generate: give a task: train-gpt, train-lstm, sample") }
    let options = try BenchOptions(Array(arguments.dropFirst()))
    if let threads = options.int("threads") { Parallelism.setThreads(threads) }
    switch task {
    case "train-gpt": try trainShakespeare(options, recurrent: false)
    case "train-lstm": try trainShakespeare(options, recurrent: true)
    case "sample": try benchSampling(options)
    case "sample-parts": try benchSamplingParts(options)
    case "step": benchTokenStep(options)
    default: throw BenchError("generate: unknown task \(task) (train-gpt, train-lstm, sample, sample-parts, step)")
    }
}

/// Tiny Shakespeare split 90/10 and a character tokenizer for it: every character (newlines
/// too) is a token, ids in code-point order as the peer's `sorted(set(text))`.
struct ShakespeareText {
    let train: [Int32], validation: [Int32]
    let tokenizer: Tokenizer

    init(_ options: BenchOptions) throws {
        let path = options.string("data") ?? "../shared/data/tinyshakespeare/input.txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BenchError("cannot read \(path)") }
        let scalars = Array(text.unicodeScalars)
        let alphabet = Array(Set(scalars)).sorted { $0.value < $1.value }
        let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, Int32($0)) })
        let ids = scalars.map { index[$0]! }
        let cut = Int(0.9 * Double(ids.count))
        train = Array(ids[..<cut])
        validation = Array(ids[cut...])
        // The 65 characters and nothing else, so the saved folder's tokenizer fits the models' 65 rows
        // (nanoGPT's vocabulary; an [UNK] would be a 66th id). The text has no other character;
        // a prompt's unknown one reads as a newline.
        let model = try WordLevel(vocabulary: alphabet.enumerated().map { (String($1), $0) }, unknownToken: "\n")
        tokenizer = Tokenizer(model: model, preTokenizer: try SplitPreTokenizer(pattern: .regex(".|\n"), behavior: .isolated),
                              decoder: FuseDecoder())
    }
}

/// Mean loss over every non-overlapping `length`-token window of `data` (the peer's windows).
func windowLoss(_ data: [Int32], length: Int, _ loss: (TokenBatch, [Int32]) -> Float) -> Double {
    let windows = (data.count - 1) / length, rows = 64
    var total = 0.0
    for first in stride(from: 0, to: windows, by: rows) {
        let n = min(rows, windows - first)
        let start = first * length
        let ids = Array(data[start..<(start + n * length)]), targets = Array(data[(start + 1)..<(start + n * length + 1)])
        total += Double(loss(TokenBatch(ids: ids, batch: n, length: length), targets)) * Double(n)
    }
    return total / Double(windows)
}

/// nanoGPT's get_lr: linear warm-up over 100 steps from lr/101, cosine decay to 1e-4.
struct NanoGPTSchedule: LearningRateSchedule {
    let peak: Float = 1e-3, floor: Float = 1e-4, warmup = 100
    let total: Int
    init(total: Int) { self.total = total }
    func learningRate(atStep step: Int) -> Float {
        if step < warmup { return peak * Float(step + 1) / Float(warmup + 1) }
        let ratio = Double(step - warmup) / Double(max(1, total - warmup))
        return floor + Float(0.5 * (1 + cos(Double.pi * ratio))) * (peak - floor)
    }
}

func trainShakespeare(_ options: BenchOptions, recurrent: Bool) throws {
    let text = try ShakespeareText(options)
    let steps = options.int("steps") ?? 2000, length = 64
    let vocabulary = text.tokenizer.idCount   // the 65 characters
    let generator = RandomGenerator(seed: UInt64(options.int("seed") ?? 1337))
    let model: PretrainedModel
    let batch: Int
    let step: (TokenBatch, [Int32], Int) -> Float
    let evaluate: (TokenBatch, [Int32]) -> Float
    if recurrent {
        let lstm = RecurrentLanguageModel(RecurrentLanguageModelConfig(vocabSize: vocabulary, embeddingSize: 128, hiddenSize: 256, layers: 2),
                                          generator: generator)
        // The peer's initialization: PyTorch's defaults, embedding N(0, 1) and the decoder U(±1/√H)
        // (RecurrentLanguageModel's own is the word_language_model's U(±0.1)).
        lstm.embedding.resetParameters(using: generator)
        lstm.decoder?.resetParameters(using: generator)
        let adam = Adam(parameters: lstm.parameters(), learningRate: 2e-3)
        (model, batch) = (lstm, 32)
        step = { input, targets, _ in
            let loss = lstm.loss(input, targets: targets).loss
            loss.backward()
            adam.step()
            adam.zeroGrad()
            return loss.scalar
        }
        evaluate = { input, targets in noGrad { lstm.loss(input, targets: targets).loss.scalar } }
    } else {
        let gpt = GPTLanguageModel(.nanoGPTCharacters(vocabSize: vocabulary), generator: generator)
        let parameters = gpt.parameters()
        let adam = AdamW(parameters: parameters, learningRate: 1e-3, beta2: 0.99, weightDecay: 0.1, exemptFromWeightDecay: { $0.rank < 2 })
        let schedule = NanoGPTSchedule(total: steps)
        (model, batch) = (gpt, 12)
        // The batch split over the threads, as `nlp pretrain --arch gpt` trains (--data-parallel 0: whole).
        let parallel = (options.int("data-parallel") ?? 1) != 0 ? DataParallel(gpt) { GPTLanguageModel(gpt.config) } : nil
        step = { input, targets, index in
            adam.learningRate = schedule.learningRate(atStep: index)
            let loss = gptLossAndGradients(gpt, parallel, input, targets)
            // The clipping factor applied in AdamW's pass (bit for bit a rewrite of the gradients first).
            adam.step(gradientScale: clippingScale(norm: gradientNorm(parameters), maxNorm: 1))
            adam.zeroGrad()
            return loss
        }
        // nanoGPT's evaluations split over the threads too (its forward passes are timed with the steps).
        evaluate = { input, targets in
            if let parallel { return parallel.loss(input, targets: targets) { $0.loss($1, targets: $2) } }
            return noGrad { gpt.loss(input, targets: targets).scalar }
        }
    }
    // nanoGPT's eval cadence (GPT only, as the peer): every `interval` steps and after the last,
    // the mean loss of `iterations` random batches of each split; timed with the steps, as nanoGPT's run is.
    let interval = recurrent ? 0 : options.int("eval-interval") ?? 0, iterations = options.int("eval-iters") ?? 20
    let evalGenerator = RandomGenerator(seed: 7)   // evaluations do not shift the training batches
    /// nanoGPT's estimate: the mean of the batches' mean losses.
    func meanLoss(_ batches: [(TokenBatch, [Int32])]) -> Double {
        batches.reduce(0.0) { $0 + Double(evaluate($1.0, $1.1)) } / Double(batches.count)
    }
    func estimate(_ data: [Int32]) -> Double {
        model.eval()
        defer { model.train() }
        return meanLoss((0..<iterations).map { _ in randomWindows(data, batch: batch, length: length, generator: evalGenerator) })
    }
    let name = recurrent ? "LSTM" : "GPT"
    model.train()
    var last: Float = 0, evaluating = 0.0, valEstimate = Double.nan
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsedSince(_ t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 }
    for index in 0...steps {
        if interval > 0, index % interval == 0 || index == steps {
            let begin = DispatchTime.now().uptimeNanoseconds
            let trainEstimate = estimate(text.train)
            valEstimate = estimate(text.validation)
            evaluating += elapsedSince(begin)
            progress("ours \(name) step \(index): train loss \(format(trainEstimate)), val loss \(format(valEstimate)) (\(Int(elapsedSince(start))) s)")
        } else if interval == 0, index % 100 == 0 {
            progress("ours \(name) step \(index) (\(Int(elapsedSince(start))) s)")
        }
        if index == steps { break }
        let (input, targets) = randomWindows(text.train, batch: batch, length: length, generator: generator)
        last = step(input, targets, index)
    }
    let elapsed = elapsedSince(start), training = elapsed - evaluating
    model.eval()
    let validation = windowLoss(text.validation, length: length, evaluate)
    if interval == 0 {   // no cadence: nanoGPT's estimate once, after training
        let estimateGenerator = RandomGenerator(seed: 7)
        valEstimate = meanLoss((0..<20).map { _ in
            randomWindows(text.validation, batch: batch, length: length, generator: estimateGenerator)
        })
    }
    // nanoGPT's estimate on the batches the driver chose for both sides (a line of window starts a batch).
    var sharedEstimate = Double.nan
    if let path = options.string("estimate-windows") {
        let batches = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            line.split(separator: " ").map { Int($0) ?? -1 }   // a word that is not a number fails the check below
        }.filter { !$0.isEmpty }
        guard !batches.isEmpty, batches.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0 + length < text.validation.count } }) else {
            throw BenchError("\(path): expected lines of window starts within the validation split")
        }
        sharedEstimate = meanLoss(batches.map { windows(text.validation, starting: $0, length: length) })
    }
    if let out = options.string("out") {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let tokenizerFile = out + "/.tokenizer.json.tmp"
        try text.tokenizer.save(toFile: tokenizerFile)
        try model.save(to: out, tokenizer: tokenizerFile)
        try? FileManager.default.removeItem(atPath: tokenizerFile)
    }
    print("{\"task\": \"\(recurrent ? "train-lstm" : "train-gpt")\", \"threads\": \(Parallelism.threads), \"steps\": \(steps), "
          + "\"seconds\": \(elapsed), \"train_seconds\": \(training), \"tokens_per_s\": \(Double(steps * batch * length) / training), "
          + "\"val_loss\": \(validation), \"val_loss_estimate\": \(valEstimate), \"val_loss_shared_estimate\": \(sharedEstimate.isNaN ? "null" : "\(sharedEstimate)"), \"last_loss\": \(last), \"parameters\": \(model.parameterCount)}")
}

/// 500 tokens after "\n" through the streaming generator (sampling, decoding and detokenization
/// included): warm-up, then 5 timed runs. With --threads 2 the token step runs on two threads
/// (`step_threads`); `cpu_seconds_per_token` is the process's CPU time (all threads) over the timed runs.
func benchSampling(_ options: BenchOptions) throws {
    let generator = try samplingGenerator(options)
    let tokens = options.int("tokens") ?? 500
    let settings = GenerationOptions(maxNewTokens: tokens, stopAtEndOfText: false)
    let seed = UInt64(options.int("seed") ?? 1337)
    var sample = ""
    func run() throws -> Int {
        sample = ""
        var count = 0
        for piece in try generator.stream(prompt: "\n", options: settings, generator: RandomGenerator(seed: seed)) {
            sample += piece.text
            count += 1
        }
        return count
    }
    _ = try run()
    var rates: [Double] = []
    var timedTokens = 0
    let cpuBefore = TokenizerBench.processCPUSeconds()
    for _ in 0..<(options.int("runs") ?? 5) {
        var count = 0
        let t = try seconds { count = try run() }
        rates.append(Double(count) / t)
        timedTokens += count
    }
    let cpu = TokenizerBench.processCPUSeconds() - cpuBefore
    let stepThreads = stepThreads(generator.decoder)
    print("{\"task\": \"sample\", \"threads\": \(Parallelism.threads), \"step_threads\": \(stepThreads), \"tokens\": \(tokens), "
          + "\"unit\": \"tokens/s\", \(summary(rates)), \"cpu_seconds_per_token\": \(cpu / Double(timedTokens)), "
          + "\"sample_fnv1a\": \"\(String(fnv1a(sample), radix: 16))\", \"sample\": \(jsonLiteral(String(sample.prefix(200))))}")
}

/// FNV-1a of the text's UTF-8: whether a change to the decoder changed what is sampled.
func fnv1a(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// The sampling bench's generator: the trained model folder, or nanoGPT's char shape with random weights.
func samplingGenerator(_ options: BenchOptions, wrap: (IncrementalDecoder) -> IncrementalDecoder = { $0 }) throws -> TextGenerator {
    let folder = options.string("model") ?? "untrained"
    if folder == "untrained" {
        let text = try ShakespeareText(options)
        let model = GPTLanguageModel(.nanoGPTCharacters(vocabSize: text.tokenizer.idCount), generator: RandomGenerator(seed: 1))
        model.eval()
        return TextGenerator(decoder: wrap(gptDecoder(model, options)), tokenizer: text.tokenizer)
    }
    let loaded = try TextGenerator(folder: folder)
    var decoder = loaded.decoder
    if let gpt = decoder as? GPTDecoder { decoder = gptDecoder(gpt.model, options) }
    return TextGenerator(decoder: wrap(decoder), tokenizer: loaded.tokenizer)
}

/// The bench's GPT decoder: with --unpacked 1 its one-row products read the model's own weight
/// layout instead of packed strips, with --restart-prefill 1 each restart feeds its window again
/// instead of swapping to the shadow cache — for comparisons in one build.
func gptDecoder(_ model: GPTLanguageModel, _ options: BenchOptions) -> GPTDecoder {
    GPTDecoder(model, packsWeights: options.string("unpacked") == nil, shadowsRestarts: options.string("restart-prefill") == nil)
}

/// Threads the GPT's token step uses, through the bench's wrappers.
func stepThreads(_ decoder: IncrementalDecoder) -> Int {
    if let gpt = decoder as? GPTDecoder { return gpt.tokenStepThreads }
    if let timed = decoder as? TimedDecoder { return stepThreads(timed.inner) }
    return 1
}

/// A decoder that times each feed of the one it wraps: one-token steps apart from longer feeds
/// (the prompt) and from the restarts when the context fills.
final class TimedDecoder: IncrementalDecoder {
    let inner: IncrementalDecoder
    var stepSeconds = 0.0, steps = 0, prefillSeconds = 0.0, prefills = 0, prefillTokens = 0
    var restartSeconds = 0.0, restarts = 0, restartTokens = 0

    init(_ inner: IncrementalDecoder) { self.inner = inner }

    var batch: Int { inner.batch }
    var vocabularySize: Int { inner.vocabularySize }
    var context: Int? { inner.context }
    var length: Int { inner.length }
    func reset() { inner.reset() }
    func reorder(rows sources: [Int]) { inner.reorder(rows: sources) }
    func expectRestarts(windowSize size: Int?) { inner.expectRestarts(windowSize: size) }

    func restart(on window: [Int32]) -> Tensor {
        let begin = DispatchTime.now().uptimeNanoseconds
        let logits = inner.restart(on: window)
        restartSeconds += Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        restarts += 1
        restartTokens += window.count
        return logits
    }

    func feed(_ ids: [Int32]) -> Tensor {
        let begin = DispatchTime.now().uptimeNanoseconds
        let logits = inner.feed(ids)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        if ids.count == batch { stepSeconds += elapsed; steps += 1 } else { prefillSeconds += elapsed; prefills += 1; prefillTokens += ids.count }
        return logits
    }

    func clear() { stepSeconds = 0; steps = 0; prefillSeconds = 0; prefills = 0; prefillTokens = 0; restartSeconds = 0; restarts = 0; restartTokens = 0 }
}

/// Where a sampled token's time goes, in µs a token (medians over the runs): the whole stream,
/// the decoder's one-token steps and longer feeds (timed in place), the sampler and the text
/// stream with its stop-string check (each timed alone on the same tokens and logits), and the rest.
func benchSamplingParts(_ options: BenchOptions) throws {
    var timed: TimedDecoder!
    let generator = try samplingGenerator(options) { timed = TimedDecoder($0); return timed }
    let tokens = options.int("tokens") ?? 500
    let settings = GenerationOptions(maxNewTokens: tokens, stopAtEndOfText: false)
    let random = RandomGenerator(seed: 1337)
    var total: [Double] = [], step: [Double] = [], prefill: [Double] = [], prefillEach: [Double] = []
    var sampler: [Double] = [], text: [Double] = [], prefills = 0, prefillTokens = 0
    var restart: [Double] = [], restartEach: [Double] = [], restarts = 0, restartTokens = 0
    for run in 0...(options.int("runs") ?? 5) {
        timed.clear()
        var ids: [Int32] = []
        let seconds = try seconds {
            let stream = try generator.stream(prompt: "\n", options: settings, generator: random)
            while let piece = stream.next() { ids.append(piece.token) }
        }
        let vocabulary = timed.vocabularySize
        let perToken = 1e6 / Double(ids.count)
        // The sampler on one row of random logits (its cost does not depend on the values), the
        // history growing as in the stream.
        let picker = TokenSampler(options: settings.sampling, vocabularySize: vocabulary, generator: RandomGenerator(seed: 5))
        let logits = Tensor.normal([vocabulary], standardDeviation: 2, generator: RandomGenerator(seed: 3))
        var history: [Int32] = [10]
        let samplerSeconds = DispatchTime.now().uptimeNanoseconds
        for id in ids { _ = picker.pick(logits.data, history: history); history.append(id) }
        let samplerTime = Double(DispatchTime.now().uptimeNanoseconds - samplerSeconds) / 1e9
        var stream = TextStream(tokenizer: generator.tokenizer)
        var stops = StopStrings(settings.stopStrings)
        let textBegin = DispatchTime.now().uptimeNanoseconds
        var assembled = ""
        for id in ids { assembled += stops.push(stream.append(id)) }
        precondition(!assembled.isEmpty)
        let textTime = Double(DispatchTime.now().uptimeNanoseconds - textBegin) / 1e9
        guard run > 0 else { continue }   // the first run warms up
        total.append(seconds * perToken)
        step.append(timed.stepSeconds * perToken)
        prefill.append(timed.prefillSeconds * perToken)
        prefillEach.append(timed.prefillSeconds * 1e6 / Double(max(1, timed.prefills)))
        sampler.append(samplerTime * perToken)
        text.append(textTime * perToken)
        prefills = timed.prefills
        prefillTokens = timed.prefillTokens
        restart.append(timed.restartSeconds * perToken)
        restartEach.append(timed.restartSeconds * 1e6 / Double(max(1, timed.restarts)))
        restarts = timed.restarts
        restartTokens = timed.restartTokens
    }
    func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
    let rest = median(total.indices.map { total[$0] - step[$0] - prefill[$0] - restart[$0] - sampler[$0] - text[$0] })
    let stepThreads = stepThreads(timed)
    print("{\"task\": \"sample-parts\", \"threads\": \(Parallelism.threads), \"step_threads\": \(stepThreads), \"tokens\": \(tokens), "
          + "\"unit\": \"us/token\", \"total\": \(format(median(total))), \"step\": \(format(median(step))), "
          + "\"prefill\": \(format(median(prefill))), \"sampler\": \(format(median(sampler))), \"text\": \(format(median(text))), "
          + "\"rest\": \(format(rest)), \"prefills\": \(prefills), \"prefill_tokens\": \(prefillTokens), "
          + "\"us_per_prefill\": \(format(median(prefillEach))), \"restart\": \(format(median(restart))), \"restarts\": \(restarts), "
          + "\"restart_tokens\": \(restartTokens), \"us_per_restart\": \(format(median(restartEach))), \"tokens_per_s\": \(format(1e6 / median(total)))}")
}

/// Each one-token step of positions 1..<capacity after a one-token prompt, `rounds` times: its
/// position and µs.
func timedSteps(_ decoder: GPTDecoder, rounds: Int) -> [(position: Int, microseconds: Double)] {
    var steps: [(position: Int, microseconds: Double)] = []
    for round in 0..<rounds {
        decoder.reset()
        _ = decoder.feed([0])
        for position in 1..<decoder.capacity {
            let token = Int32((round + position * 7) % 65)
            let begin = DispatchTime.now().uptimeNanoseconds
            _ = decoder.feed([token])
            steps.append((position, Double(DispatchTime.now().uptimeNanoseconds - begin) / 1000))
        }
    }
    return steps
}

/// The one-token step alone, each timed: positions 1–63 after a one-token prompt, `rounds` times.
/// The low percentiles show the step's speed when the machine lets it run; the median, how much
/// other processes take from it.
func benchTokenStep(_ options: BenchOptions) {
    let model = GPTLanguageModel(.nanoGPTCharacters(), generator: RandomGenerator(seed: 1))
    model.eval()
    let rounds = options.int("rounds") ?? 200
    let decoder = gptDecoder(model, options)
    let times = timedSteps(decoder, rounds: rounds).map(\.microseconds)
    // The restart's feed: the last 32 of 64 positions again, from position 0.
    var prefills: [Double] = []
    let window = (0..<decoder.capacity / 2).map { Int32($0 * 7 % 65) }
    for _ in 0..<rounds {
        decoder.reset()
        let begin = DispatchTime.now().uptimeNanoseconds
        _ = decoder.feed(window)
        prefills.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1000)
    }
    // The steps again with the restarts expected (window 32): from position 33 on, each also
    // feeds the shadow cache's row; the steps before it in the same rounds are one row.
    let shadowed = gptDecoder(model, options)
    shadowed.expectRestarts(windowSize: decoder.capacity / 2)
    let shadowedSteps = timedSteps(shadowed, rounds: rounds)
    let oneRow = shadowedSteps.filter { $0.position <= decoder.capacity / 2 }.map(\.microseconds)
    let withShadow = shadowedSteps.filter { $0.position > decoder.capacity / 2 }.map(\.microseconds)
    func percentile(_ values: [Double], _ p: Double) -> String {
        let sorted = values.sorted()
        return format(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))])
    }
    print("{\"task\": \"step\", \"threads\": \(Parallelism.threads), \"step_threads\": \(decoder.tokenStepThreads), "
          + "\"packed\": \(decoder.packsWeights), "
          + "\"unit\": \"us\", \"p10\": \(percentile(times, 0.1)), \"p50\": \(percentile(times, 0.5)), \"p90\": \(percentile(times, 0.9)), "
          + "\"steps\": \(times.count), \"prefill_positions\": \(window.count), \"prefill_p10\": \(percentile(prefills, 0.1)), "
          + "\"prefill_p50\": \(percentile(prefills, 0.5)), \"one_row_p10\": \(percentile(oneRow, 0.1)), "
          + "\"one_row_p50\": \(percentile(oneRow, 0.5)), \"with_shadow_p10\": \(percentile(withShadow, 0.1)), "
          + "\"with_shadow_p50\": \(percentile(withShadow, 0.5))}")
}

/// One progress line on stderr (the bench driver passes it through).
func progress(_ line: String) {
    FileHandle.standardError.write(Data("bench generate: \(line)\n".utf8))
}

func format(_ value: Double) -> String { String(format: "%.4f", value) }

/// A JSON string literal.
func jsonLiteral(_ s: String) -> String {
    var text = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
        default: text.unicodeScalars.append(scalar)
        }
    }
    return text + "\""
}
