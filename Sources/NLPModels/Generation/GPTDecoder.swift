import NLPTensor

/// Incremental decoding of a GPT (GPTLanguageModel, no cross-attention): the forward pass of
/// GPTModel written against preallocated buffers, for inference only. A step for one row is a
/// few vector-matrix products and small loops, with no tensor or graph made per op — the general
/// forward spends most of a one-token step on that bookkeeping. Several positions at once (the
/// prompt) go through sgemm.
/// Keys and values are cached per layer as [B, heads, capacity, headWidth], so a head's keys are
/// contiguous rows for the attention dot products. The logits equal the model's own forward
/// (GPTDecoderTests checks them). One row (batch 1) of up to `SingleSequenceForward`'s rows at a
/// time goes through its row kernels — on two threads when there are two and the model is large
/// enough to gain (`tokenStepThreads` says for a token step) — with the same logits bit for bit on
/// one thread or two, and the same fed at once or token by token.
///
/// A full context restarts on its last positions (`restart(on:)`). When told the window ahead
/// (`expectRestarts`), one row decodes into a second, "shadow" cache too: each position that will
/// be in the next window is also fed at its place in that window, as a second row of the same
/// pass, so the restart is a swap of the caches instead of a prefill of the window. The shadow's
/// rows are the window's rows fed token by token, which is what the prefill gives bit for bit.
public final class GPTDecoder: IncrementalDecoder {
    public let model: GPTLanguageModel
    public let batch: Int
    public let capacity: Int
    public private(set) var length = 0
    /// Restarts that were swaps to the shadow cache (the others fed their window).
    public private(set) var shadowRestarts = 0

    private let width: Int, heads: Int, headWidth: Int, innerWidth: Int
    /// Per layer [B, H, capacity, d].
    private var keys: [Tensor], values: [Tensor]
    /// The shadow cache (one row), allocated when restarts are expected, and the tokens it holds
    /// at its positions 0...: those fed at positions `shadowStart`... of the main cache.
    private var shadowKeys: [Tensor] = [], shadowValues: [Tensor] = []
    private var shadowTokens: [Int32] = []
    /// The window a restart keeps (`expectRestarts`) when the shadow follows it, else 0.
    private var restartWindow = 0
    private var shadowStart: Int { capacity - restartWindow + 1 }
    private var caches: SingleSequenceForward.Caches, shadowCaches: SingleSequenceForward.Caches?
    /// Scratch, grown to the largest feed: x residual stream, h normalized, qkv, attended, inner.
    private var scratchRows = 0
    private var x = Tensor(uninitializedShape: [0]), h = Tensor(uninitializedShape: [0])
    private var qkv = Tensor(uninitializedShape: [0]), attended = Tensor(uninitializedShape: [0])
    private var inner = Tensor(uninitializedShape: [0])
    private let last: Tensor
    private let scores: Tensor
    /// Whether the one-row forward reads packed copies of the weights (`StripPackedWeights`):
    /// unless told not to, for a model of up to `SingleSequenceForward.maximumPackedWeights`.
    public let packsWeights: Bool
    /// Whether `expectRestarts` sets up the shadow cache (unless told not to): without it every
    /// restart feeds its window again (the same logits bit for bit, slower).
    public let shadowsRestarts: Bool
    /// Set up at the first one-row feed, when it packs the weights: a decoder is made per
    /// generation call from the model's current weights, so the copies are not stale.
    private lazy var sequenceForward = SingleSequenceForward(model, capacity: capacity, maximumRows: min(capacity, Self.rowKernelPositions),
                                                             packsWeights: packsWeights)
    /// The longest one-row feed through the row kernels; longer ones (a long prompt of a large
    /// model) go through sgemm, whose logits equal a token-by-token feed's to rounding only.
    public static let rowKernelPositions = 64

    /// A decoder for `batch` rows of up to `capacity` positions (default: the model's context).
    /// `packsWeights: false` keeps the one-row products on the model's own weight layout (the same
    /// logits bit for bit, slower), and `shadowsRestarts: false` feeds each restart's window again,
    /// for comparisons.
    public init(_ model: GPTLanguageModel, batch: Int = 1, capacity: Int? = nil, packsWeights: Bool = true,
                shadowsRestarts: Bool = true) {
        let config = model.config
        precondition(!config.crossAttention, "GPTDecoder decodes a decoder-only GPT (no cross-attention)")
        precondition(batch >= 1, "a decoder needs at least one row")
        self.model = model
        self.batch = batch
        self.shadowsRestarts = shadowsRestarts
        self.packsWeights = packsWeights && SingleSequenceForward.projectionWeights(config) <= SingleSequenceForward.maximumPackedWeights
        self.capacity = min(capacity ?? config.maxPositions, config.maxPositions)
        width = config.width
        heads = config.heads
        headWidth = config.width / config.heads
        innerWidth = config.innerWidth
        let cacheShape = [batch, heads, self.capacity, headWidth]
        keys = (0..<config.layers).map { _ in Tensor.zeros(cacheShape) }
        values = (0..<config.layers).map { _ in Tensor.zeros(cacheShape) }
        last = Tensor(uninitializedShape: [batch, width])
        scores = Tensor(uninitializedShape: [self.capacity])
        caches = SingleSequenceForward.Caches(keys: keys, values: values)
    }

    public var vocabularySize: Int { model.config.vocabSize }
    public var context: Int? { capacity }

    /// Threads a one-token step uses now: 2 for one row of a model large enough to gain when
    /// `Parallelism.threads` ≥ 2 (a busy machine should run with 1), else 1.
    public var tokenStepThreads: Int { threads(positions: 1) }

    /// Threads a one-row feed of `positions` uses.
    private func threads(positions: Int) -> Int {
        batch == 1 && Parallelism.threads >= 2
            && positions * SingleSequenceForward.work(model.config) >= SingleSequenceForward.minimumTwoThreadWork ? 2 : 1
    }

    public func reset() {
        length = 0
        shadowTokens.removeAll(keepingCapacity: true)
    }

    /// Restarts on windows of `size` tokens will come (nil: none): from then on, one row keeps the
    /// shadow cache that makes them swaps, when the window goes through the row kernels and fits
    /// twice in the context less one position (the shadow then starts after the window ends).
    public func expectRestarts(windowSize size: Int?) {
        let size = size ?? 0
        let window = shadowsRestarts && batch == 1 && size >= 1 && size <= Self.rowKernelPositions && 2 * size <= capacity + 1 ? size : 0
        guard window != restartWindow else { return }
        restartWindow = window
        shadowTokens.removeAll(keepingCapacity: true)
        guard window > 0, shadowKeys.isEmpty else { return }
        let cacheShape = [1, heads, capacity, headWidth]
        shadowKeys = keys.map { _ in Tensor.zeros(cacheShape) }
        shadowValues = keys.map { _ in Tensor.zeros(cacheShape) }
        shadowCaches = SingleSequenceForward.Caches(keys: shadowKeys, values: shadowValues)
        shadowTokens.reserveCapacity(capacity)
        // Positions already fed past the shadow's start are not in it: the next restart is then a
        // prefill (restart(on:) checks what the shadow holds).
    }

    /// `reset()` then `feed(window)`: a swap of the caches when the shadow holds all of the
    /// window but its last token (the window a full context restarts on), then that token's step.
    public func restart(on window: [Int32]) -> Tensor {
        guard restartWindow > 0, window.count == restartWindow, shadowTokens.elementsEqual(window.dropLast()) else {
            reset()
            return feed(window)
        }
        swap(&keys, &shadowKeys)
        swap(&values, &shadowValues)
        caches = SingleSequenceForward.Caches(keys: keys, values: values)
        shadowCaches = SingleSequenceForward.Caches(keys: shadowKeys, values: shadowValues)
        length = window.count - 1
        shadowTokens.removeAll(keepingCapacity: true)
        shadowRestarts += 1
        return feed([window[window.count - 1]])
    }

    public func reorder(rows sources: [Int]) {
        precondition(sources.count == batch && sources.allSatisfy { (0..<batch).contains($0) }, "reorder rows \(sources)")
        guard sources != Array(0..<batch), length > 0 else { return }
        let rowSize = heads * capacity * headWidth
        for layer in keys.indices {
            for cache in [keys, values] {
                let old = cache[layer].copy()
                for (row, source) in sources.enumerated() where row != source {
                    (cache[layer].data + row * rowSize).update(from: old.data + source * rowSize, count: rowSize)
                }
            }
        }
    }

    public func feed(_ ids: [Int32]) -> Tensor {
        precondition(!ids.isEmpty && ids.count % batch == 0, "feed \(ids.count) ids to \(batch) rows")
        let t = ids.count / batch, rows = ids.count
        precondition(length + t <= capacity, "\(length + t) positions exceed the decoder's \(capacity)")
        let vocabulary = vocabularySize
        for id in ids { precondition(id >= 0 && Int(id) < vocabulary, "token id \(id) outside the vocabulary of \(vocabulary)") }
        // The ids at positions the next restart's window keeps also go into the shadow.
        let shadowed = restartWindow > 0 ? max(0, min(t, length + t - shadowStart)) : 0
        let shadow = ids[(t - shadowed)...]
        if batch == 1 && t + shadowed <= sequenceForward.maximumRows {
            let logits = Tensor(uninitializedShape: [1, vocabulary])
            sequenceForward.feed(ids[...], at: length, in: caches, shadow: shadow, at: shadowTokens.count, in: shadowCaches,
                                 threads: threads(positions: t + shadowed), logits: logits.data)
            shadowTokens.append(contentsOf: shadow)
            length += t
            return logits
        }
        if shadowed > 0 {   // a long feed: the shadow's rows (at most a window) by themselves
            sequenceForward.feed([], at: 0, in: caches, shadow: shadow, at: shadowTokens.count, in: shadowCaches,
                                 threads: threads(positions: shadowed), logits: last.data)
            shadowTokens.append(contentsOf: shadow)
        }
        if batch == 1 && t <= Self.rowKernelPositions {
            let logits = Tensor(uninitializedShape: [1, vocabulary])
            sequenceForward.feed(ids[...], at: length, in: caches, threads: threads(positions: t), logits: logits.data)
            length += t
            return logits
        }
        growScratch(rows)
        let gpt = model.transformer, c = width
        let wte = gpt.tokenEmbeddings.weight.data, wpe = gpt.positionEmbeddings.weight.data
        let x = self.x.data, h = self.h.data, qkv = self.qkv.data, attended = self.attended.data, inner = self.inner.data
        for r in 0..<rows {
            let token = wte + Int(ids[r]) * c, position = wpe + (length + r % t) * c, out = x + r * c
            for j in 0..<c { out[j] = token[j] + position[j] }
        }
        for (layer, block) in gpt.blocks.enumerated() {
            Self.normalize(x, into: h, rows: rows, width: c, block.norm1)
            Self.project(h, rows: rows, block.attention.projection, into: qkv, accumulate: false)
            store(qkv, rows: rows, t: t, layer: layer)
            attend(qkv, into: attended, t: t, layer: layer)
            Self.project(attended, rows: rows, block.attention.outputProjection, into: x, accumulate: true)
            Self.normalize(x, into: h, rows: rows, width: c, block.norm2)
            Self.project(h, rows: rows, block.mlp.expand, into: inner, accumulate: false)
            GPTRowKernels.activate(inner, count: rows * innerWidth, block.mlp.activation)
            Self.project(inner, rows: rows, block.mlp.contract, into: x, accumulate: true)
        }
        length += t
        for b in 0..<batch {
            Self.normalize(x + (b * t + t - 1) * c, into: last.data + b * c, rows: 1, width: c, gpt.finalNorm)
        }
        let logits = Tensor(uninitializedShape: [batch, vocabulary])
        if batch == 1 {
            // Serial: a dispatch to a second thread costs more than these few dot products, and far
            // more when another process holds the other core.
            GPTRowKernels.logits(last.data, embeddings: wte, width: c, rows: 0..<vocabulary, into: logits.data)
        } else {
            Gemm.multiply(last.data, transposeA: false, wte, transposeB: true, logits.data, m: batch, n: vocabulary, k: c)
        }
        return logits
    }

    private func growScratch(_ rows: Int) {
        guard rows > scratchRows else { return }
        scratchRows = rows
        x = Tensor(uninitializedShape: [rows, width])
        h = Tensor(uninitializedShape: [rows, width])
        qkv = Tensor(uninitializedShape: [rows, 3 * width])
        attended = Tensor(uninitializedShape: [rows, width])
        inner = Tensor(uninitializedShape: [rows, innerWidth])
    }

    /// The new positions' keys and values (columns C..<2C and 2C..<3C of qkv) into the cache.
    private func store(_ qkv: UnsafeMutablePointer<Float>, rows: Int, t: Int, layer: Int) {
        let k = keys[layer].data, v = values[layer].data, d = headWidth, c = width
        for r in 0..<rows {
            let b = r / t, position = length + r % t, row = qkv + r * 3 * c
            for head in 0..<heads {
                let slot = ((b * heads + head) * capacity + position) * d
                (k + slot).update(from: row + c + head * d, count: d)
                (v + slot).update(from: row + 2 * c + head * d, count: d)
            }
        }
    }

    /// Causal attention of each new position over the cached ones, head by head.
    private func attend(_ qkv: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, t: Int, layer: Int) {
        let k = keys[layer].data, v = values[layer].data, d = headWidth, c = width, heads = self.heads
        let capacity = self.capacity, start = length
        let pairs = batch * heads, cost = t * (start + t) * d * 4
        // One chunk (the usual one-token step) uses the decoder's score row; parallel chunks their own.
        // A one-token step stays on this thread (see the logits); a prompt goes parallel over heads.
        let serial = t == 1 || Parallelism.chunkCount(for: pairs, costPerItem: cost) == 1
        let shared = serial ? scores : nil
        let run: (Range<Int>) -> Void = { range in
            let scratch = shared ?? Tensor(uninitializedShape: [start + t])
            let s = scratch.data
            for pair in range {
                let b = pair / heads, head = pair % heads
                let headKeys = k + pair * capacity * d, headValues = v + pair * capacity * d
                for i in 0..<t {
                    GPTRowKernels.attend(qkv + (b * t + i) * 3 * c + head * d, keys: headKeys, values: headValues, seen: start + i + 1,
                                         width: d, scores: s, into: out + (b * t + i) * c + head * d)
                }
            }
        }
        if serial { run(0..<pairs) } else { Parallelism.forEachChunk(of: pairs, costPerItem: cost, run) }
    }

    /// rows of x [rows, C] → y, layer-normalized with the layer's gain and bias.
    private static func normalize(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, width n: Int,
                                  _ norm: LayerNorm) {
        let weights = GPTRowKernels.Norm(norm)
        for r in 0..<rows { GPTRowKernels.normalize(x + r * n, into: y + r * n, width: n, weights) }
    }

    /// y = x·W + b for GPT-2's Conv1D (weight [in, out]); `accumulate` adds into y (the residual).
    private static func project(_ x: UnsafePointer<Float>, rows: Int, _ layer: Conv1D, into y: UnsafeMutablePointer<Float>,
                                accumulate: Bool) {
        let k = layer.inFeatures, n = layer.outFeatures, w = layer.weight.data
        if let bias = layer.bias?.data {
            for r in 0..<rows {
                let py = y + r * n
                if accumulate { for j in 0..<n { py[j] += bias[j] } } else { py.update(from: bias, count: n) }
            }
        } else if !accumulate {
            y.update(repeating: 0, count: rows * n)
        }
        Gemm.multiply(x, transposeA: false, w, transposeB: false, y, m: rows, n: n, k: k, beta: 1)
    }
}
