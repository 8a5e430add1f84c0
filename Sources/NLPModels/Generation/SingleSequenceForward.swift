import NLPTensor

/// GPTDecoder's forward for one sequence (batch 1): T ≥ 1 new positions — a token step, a
/// prompt, the window a full context restarts on — on one thread or two.
///
/// On two, the caller and a persistent worker (`SpinPair`) split every layer, so each core reads
/// about half the weights — for nanoGPT's 0.8 M-parameter char model, 1.6 MB a core, which stays
/// in that core's L2 from token to token instead of streaming all 3.2 MB from L3 on one core.
/// Per layer: the q, k and v columns of a thread's heads and those heads' attention; meet; half
/// the output projection's columns; meet; LayerNorm (both threads, each into its own rows); half
/// the MLP's hidden columns; meet; half the contraction's columns; meet. Then the final LayerNorm
/// (both) and half the vocabulary's logits.
///
/// Every output is the one-row arithmetic of `GPTRowKernels` (whose several-row products keep
/// each row's sums), so the logits are bit-identical on one thread or two, and feeding T tokens
/// at once gives what feeding them one by one gives. The last layer computes only the keys and
/// values of the positions before the last: nothing else of theirs reaches the logits.
///
/// A feed may carry a second run of rows for another cache (GPTDecoder's shadow of the window a
/// full context restarts on): those rows ride along in the same pass and the same products, and
/// only their keys and values are kept.
final class SingleSequenceForward {
    /// A sequence's key and value caches, per layer [1, heads, capacity, d].
    struct Caches {
        let keys: [UnsafeMutablePointer<Float>], values: [UnsafeMutablePointer<Float>]

        init(keys: [Tensor], values: [Tensor]) {
            self.keys = keys.map(\.data)
            self.values = values.map(\.data)
        }
    }

    /// Rows of a feed that go into one cache: `count` consecutive positions from `start`.
    private struct Run {
        let rows: Range<Int>, start: Int, caches: Caches
    }

    /// The most multiply-adds a feed may take and still stay on one thread: below it, the
    /// seventeen meetings cost more than half the work saves.
    static let minimumTwoThreadWork = 1 << 18

    /// Positions one feed may hold (longer feeds of a larger model go through sgemm).
    let maximumRows: Int
    private let model: GPTLanguageModel   // keeps the weights the pointers below read
    private let blocks: [GPTRowKernels.Block]
    /// The blocks' packed weights (nil: the products read the model's own), owned here.
    private let packedWeights: StripPackedWeights?
    private let finalNorm: GPTRowKernels.Norm
    private let tokenEmbeddings: UnsafeMutablePointer<Float>, positionEmbeddings: UnsafeMutablePointer<Float>
    private let width: Int, headWidth: Int, capacity: Int, innerWidth: Int, vocabulary: Int
    /// Each thread's share, for one thread ([0]) and for two ([1]): its heads, its columns of the
    /// width and of the MLP, its vocabulary rows.
    private let shares: [[Share]]
    /// Shared rows, each element written by one thread: residual x, qkv, attended, inner.
    private let x: Tensor, qkv: Tensor, attended: Tensor, inner: Tensor
    /// Each thread's own rows: normalized input, final hidden state, attention scores.
    private let normalized: [Tensor], hidden: [Tensor], scores: [Tensor]
    private lazy var pair = SpinPair()
    private var pairStarted = false

    private struct Share {
        let heads: Range<Int>, widthColumns: Range<Int>, innerColumns: Range<Int>, vocabularyRows: Range<Int>
    }

    /// Multiply-adds of one position of `config` (the weights a token step reads).
    static func work(_ config: GPTConfig) -> Int {
        let c = config.width
        return config.layers * (4 * c * c + 2 * c * config.innerWidth) + config.vocabSize * c
    }

    /// The most weights (floats) a model may have and still get packed copies: a larger one's
    /// copy would cost its memory again and a setup time that short samples would not win back.
    static let maximumPackedWeights = 1 << 24

    /// Floats of `config`'s projection weights (what packing copies).
    static func projectionWeights(_ config: GPTConfig) -> Int {
        config.layers * (4 * config.width * config.width + 2 * config.width * config.innerWidth)
    }

    /// A forward over caches of `capacity` positions, for feeds of up to `maximumRows` rows, with
    /// the projections' weights packed for the one- and two-row products when `packsWeights` (the
    /// copies are taken here, from the model's current weights).
    init(_ model: GPTLanguageModel, capacity: Int, maximumRows: Int, packsWeights: Bool) {
        let config = model.config, gpt = model.transformer
        self.model = model
        self.maximumRows = maximumRows
        let store = packsWeights ? StripPackedWeights() : nil
        packedWeights = store
        blocks = gpt.blocks.map { GPTRowKernels.Block($0, packing: store) }
        finalNorm = GPTRowKernels.Norm(gpt.finalNorm)
        tokenEmbeddings = gpt.tokenEmbeddings.weight.data
        positionEmbeddings = gpt.positionEmbeddings.weight.data
        width = config.width
        headWidth = config.width / config.heads
        self.capacity = capacity
        innerWidth = config.innerWidth
        vocabulary = config.vocabSize
        let whole = Share(heads: 0..<config.heads, widthColumns: 0..<config.width, innerColumns: 0..<config.innerWidth,
                          vocabularyRows: 0..<config.vocabSize)
        let heads = Self.halves(config.heads, granule: 1), columns = Self.halves(config.width, granule: 32)
        let innerColumns = Self.halves(config.innerWidth, granule: 32), rows = Self.halves(config.vocabSize, granule: 1)
        shares = [[whole], (0..<2).map { Share(heads: heads[$0], widthColumns: columns[$0], innerColumns: innerColumns[$0],
                                                 vocabularyRows: rows[$0]) }]
        x = Tensor(uninitializedShape: [maximumRows, width])
        qkv = Tensor(uninitializedShape: [maximumRows, 3 * width])
        attended = Tensor(uninitializedShape: [maximumRows, width])
        inner = Tensor(uninitializedShape: [maximumRows, innerWidth])
        normalized = (0..<2).map { _ in Tensor(uninitializedShape: [maximumRows, config.width]) }
        hidden = (0..<2).map { _ in Tensor(uninitializedShape: [config.width]) }
        scores = (0..<2).map { _ in Tensor(uninitializedShape: [capacity]) }
    }

    deinit { if pairStarted { pair.stop() } }

    /// `0..<n` in two parts, the cut on a multiple of `granule` (a vector kernel's block) when it can be.
    private static func halves(_ n: Int, granule: Int) -> [Range<Int>] {
        let cut = min(n, (n / 2 + granule - 1) / granule * granule)
        return [0..<cut, cut..<n]
    }

    /// The logits [vocabulary] after `tokens`, which take positions `start`... and whose keys and
    /// values go into `caches`, computed on `threads` (1 or 2) threads. `shadowTokens` ride along
    /// at positions `shadowStart`... of `shadowCaches`, which get their keys and values only; with
    /// no `tokens` there are no logits (`y` is not written).
    func feed(_ tokens: ArraySlice<Int32>, at start: Int, in caches: Caches, shadow shadowTokens: ArraySlice<Int32> = [],
              at shadowStart: Int = 0, in shadowCaches: Caches? = nil, threads: Int, logits y: UnsafeMutablePointer<Float>) {
        let m = shadowTokens.count, rows = m + tokens.count
        precondition(rows <= maximumRows && (1...2).contains(threads) && (m == 0 || shadowCaches != nil))
        let c = width, embedded = x.data
        func embed(_ token: Int32, position: Int, row r: Int) {
            let tokenRow = tokenEmbeddings + Int(token) * c, positionRow = positionEmbeddings + position * c, out = embedded + r * c
            for j in 0..<c { out[j] = tokenRow[j] + positionRow[j] }
        }
        for (r, token) in shadowTokens.enumerated() { embed(token, position: shadowStart + r, row: r) }
        for (r, token) in tokens.enumerated() { embed(token, position: start + r, row: m + r) }
        // The shadow's rows first: in the last layer only the last row goes past its keys and values.
        let shadow = Run(rows: 0..<m, start: shadowStart, caches: shadowCaches ?? caches), main = Run(rows: m..<rows, start: start, caches: caches)
        if threads == 1 {
            computeShare(0, of: nil, shadow: shadow, main: main, into: y)
        } else {
            pairStarted = true
            let pair = self.pair
            pair.run { party in self.computeShare(party, of: pair, shadow: shadow, main: main, into: y) }
        }
    }

    /// One thread's share of the feed (`pair` nil: the whole of it, on this thread). Everything shared is read into locals first: a property
    /// read can retain its object, and both threads retaining one object bounce its cache line.
    private func computeShare(_ party: Int, of pair: SpinPair?, shadow: Run, main: Run, into y: UnsafeMutablePointer<Float>) {
        let c = width, d = headWidth, n3 = 3 * width, capacity = self.capacity, blocks = self.blocks, innerWidth = self.innerWidth
        let x = self.x.data, qkv = self.qkv.data, attended = self.attended.data, inner = self.inner.data
        let h = normalized[party].data, s = scores[party].data
        let share = shares[pair == nil ? 0 : 1][party]
        let heads = share.heads, columns = share.widthColumns, innerColumns = share.innerColumns
        let headColumns = heads.lowerBound * d..<heads.upperBound * d
        let rows = main.rows.upperBound
        let mainKeys = main.caches.keys, mainValues = main.caches.values, shadowKeys = shadow.caches.keys, shadowValues = shadow.caches.values
        for (layer, block) in blocks.enumerated() {
            // The rows whose outputs go on: all but, in the last layer, the last position alone (none without main rows).
            let first = layer < blocks.count - 1 ? 0 : main.rows.isEmpty ? rows : rows - 1, live = rows - first
            for r in 0..<rows { GPTRowKernels.normalize(x + r * c, into: h + r * c, width: c, block.norm1) }
            GPTRowKernels.project(h + first * c, rows: live, block.qkv, columns: headColumns, into: qkv + first * n3, accumulate: false)
            for section in 1...2 {   // k, v
                let offset = section * c
                GPTRowKernels.project(h, rows: rows, block.qkv, columns: offset + headColumns.lowerBound..<offset + headColumns.upperBound,
                                      into: qkv, accumulate: false)
            }
            for head in heads {
                for run in 0..<2 {
                    let rowRange = run == 0 ? shadow.rows : main.rows, position0 = (run == 0 ? shadow.start : main.start) - rowRange.lowerBound
                    guard !rowRange.isEmpty else { continue }
                    let headKeys = (run == 0 ? shadowKeys[layer] : mainKeys[layer]) + head * capacity * d
                    let headValues = (run == 0 ? shadowValues[layer] : mainValues[layer]) + head * capacity * d
                    for r in rowRange {
                        (headKeys + (position0 + r) * d).update(from: qkv + r * n3 + c + head * d, count: d)
                        (headValues + (position0 + r) * d).update(from: qkv + r * n3 + 2 * c + head * d, count: d)
                    }
                    for r in rowRange.clamped(to: first..<rows) {
                        GPTRowKernels.attend(qkv + r * n3 + head * d, keys: headKeys, values: headValues, seen: position0 + r + 1, width: d,
                                             scores: s, into: attended + r * c + head * d)
                    }
                }
            }
            if live == 0 { return }   // the shadow's keys and values of the last layer are all this feed needed
            pair?.meet(party)
            GPTRowKernels.project(attended + first * c, rows: live, block.output, columns: columns, into: x + first * c, accumulate: true)
            pair?.meet(party)
            for r in first..<rows { GPTRowKernels.normalize(x + r * c, into: h + r * c, width: c, block.norm2) }
            GPTRowKernels.project(h + first * c, rows: live, block.expand, columns: innerColumns, into: inner + first * innerWidth,
                                  accumulate: false)
            for r in first..<rows {
                GPTRowKernels.activate(inner + r * innerWidth + innerColumns.lowerBound, count: innerColumns.count, block.activation)
            }
            pair?.meet(party)
            GPTRowKernels.project(inner + first * innerWidth, rows: live, block.contract, columns: columns, into: x + first * c,
                                  accumulate: true)
            pair?.meet(party)
        }
        let last = hidden[party].data
        GPTRowKernels.normalize(x + (rows - 1) * c, into: last, width: c, finalNorm)
        GPTRowKernels.logits(last, embeddings: tokenEmbeddings, width: c, rows: share.vocabularyRows, into: y)
    }
}
