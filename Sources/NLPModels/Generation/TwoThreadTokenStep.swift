import NLPTensor

/// GPTDecoder's one-token step (batch 1) on two threads: the caller and a persistent worker
/// (`SpinPair`) split every layer, so each core reads about half the weights — for nanoGPT's
/// 0.8 M-parameter char model, 1.6 MB a core, which stays in that core's L2 from token to token
/// instead of streaming all 3.2 MB from L3 on one core.
///
/// Per layer: the q, k and v columns of a thread's heads and those heads' attention; meet; half
/// the output projection's columns; meet; LayerNorm (both threads, each into its own row); half
/// the MLP's hidden columns; meet; half the contraction's columns; meet. Then the final LayerNorm
/// (both) and half the vocabulary's logits. Every output is the one-thread step's arithmetic
/// (`GPTRowKernels`), so the logits are bit-identical to it.
final class TwoThreadTokenStep {
    /// The most multiply-adds a token step may take and still stay on one thread: below it, the
    /// seventeen meetings cost more than half the work saves.
    static let minimumWork = 1 << 18

    private let model: GPTLanguageModel   // keeps the weights the pointers below read
    private let blocks: [GPTRowKernels.Block]
    private let finalNorm: GPTRowKernels.Norm
    private let tokenEmbeddings: UnsafeMutablePointer<Float>, positionEmbeddings: UnsafeMutablePointer<Float>
    private let keys: [UnsafeMutablePointer<Float>], values: [UnsafeMutablePointer<Float>]
    private let width: Int, headWidth: Int, capacity: Int, innerWidth: Int, vocabulary: Int
    /// Each thread's share: its heads, its columns of the width, of the MLP and its vocabulary rows.
    private let heads: [Range<Int>], widthColumns: [Range<Int>], innerColumns: [Range<Int>], vocabularyRows: [Range<Int>]
    /// Shared rows, each element written by one thread: residual x, qkv, attended, inner.
    private let x: Tensor, qkv: Tensor, attended: Tensor, inner: Tensor
    /// Each thread's own rows: normalized input, final hidden state, attention scores.
    private let normalized: [Tensor], hidden: [Tensor], scores: [Tensor]
    private let pair = SpinPair()

    /// Multiply-adds of one token step of `config` (the weights it reads).
    static func work(_ config: GPTConfig) -> Int {
        let c = config.width
        return config.layers * (4 * c * c + 2 * c * config.innerWidth) + config.vocabSize * c
    }

    /// A step over the decoder's caches `keys` and `values` (per layer [1, heads, capacity, d]).
    init(_ model: GPTLanguageModel, keys: [Tensor], values: [Tensor], capacity: Int) {
        let config = model.config, gpt = model.transformer
        self.model = model
        blocks = gpt.blocks.map(GPTRowKernels.Block.init)
        finalNorm = GPTRowKernels.Norm(gpt.finalNorm)
        tokenEmbeddings = gpt.tokenEmbeddings.weight.data
        positionEmbeddings = gpt.positionEmbeddings.weight.data
        self.keys = keys.map(\.data)
        self.values = values.map(\.data)
        width = config.width
        headWidth = config.width / config.heads
        self.capacity = capacity
        innerWidth = config.innerWidth
        vocabulary = config.vocabSize
        heads = Self.halves(config.heads, granule: 1)
        widthColumns = Self.halves(config.width, granule: 32)
        innerColumns = Self.halves(config.innerWidth, granule: 32)
        vocabularyRows = Self.halves(config.vocabSize, granule: 1)
        x = Tensor(uninitializedShape: [width])
        qkv = Tensor(uninitializedShape: [3 * width])
        attended = Tensor(uninitializedShape: [width])
        inner = Tensor(uninitializedShape: [innerWidth])
        normalized = (0..<2).map { _ in Tensor(uninitializedShape: [config.width]) }
        hidden = (0..<2).map { _ in Tensor(uninitializedShape: [config.width]) }
        scores = (0..<2).map { _ in Tensor(uninitializedShape: [capacity]) }
    }

    deinit { pair.stop() }

    /// `0..<n` in two parts, the cut on a multiple of `granule` (a vector kernel's block) when it can be.
    private static func halves(_ n: Int, granule: Int) -> [Range<Int>] {
        let cut = min(n, (n / 2 + granule - 1) / granule * granule)
        return [0..<cut, cut..<n]
    }

    /// The logits [vocabulary] after `token` at `position`, whose keys and values go into the caches.
    func logits(after token: Int32, at position: Int, into y: UnsafeMutablePointer<Float>) {
        let c = width, embedded = x.data, tokenRow = tokenEmbeddings + Int(token) * c, positionRow = positionEmbeddings + position * c
        for j in 0..<c { embedded[j] = tokenRow[j] + positionRow[j] }
        pair.run { party in self.computeShare(party, position: position, into: y) }
    }

    /// One thread's share of the step. Everything shared is read into locals first: a property
    /// read can retain its object, and both threads retaining one object bounce its cache line.
    private func computeShare(_ party: Int, position: Int, into y: UnsafeMutablePointer<Float>) {
        let c = width, d = headWidth, capacity = self.capacity, pair = self.pair, blocks = self.blocks
        let keys = self.keys, values = self.values
        let x = self.x.data, qkv = self.qkv.data, attended = self.attended.data, inner = self.inner.data
        let h = normalized[party].data, s = scores[party].data
        let heads = self.heads[party], columns = widthColumns[party], innerColumns = self.innerColumns[party]
        for (layer, block) in blocks.enumerated() {
            GPTRowKernels.normalize(x, into: h, width: c, block.norm1)
            let headColumns = heads.lowerBound * d..<heads.upperBound * d
            for section in 0..<3 {   // q, k, v
                let offset = section * c
                GPTRowKernels.project(h, block.qkv, columns: offset + headColumns.lowerBound..<offset + headColumns.upperBound,
                                      into: qkv, accumulate: false)
            }
            for head in heads {
                let headKeys = keys[layer] + head * capacity * d, headValues = values[layer] + head * capacity * d
                (headKeys + position * d).update(from: qkv + c + head * d, count: d)
                (headValues + position * d).update(from: qkv + 2 * c + head * d, count: d)
                GPTRowKernels.attend(qkv + head * d, keys: headKeys, values: headValues, seen: position + 1, width: d,
                                     scores: s, into: attended + head * d)
            }
            pair.meet(party)
            GPTRowKernels.project(attended, block.output, columns: columns, into: x, accumulate: true)
            pair.meet(party)
            GPTRowKernels.normalize(x, into: h, width: c, block.norm2)
            GPTRowKernels.project(h, block.expand, columns: innerColumns, into: inner, accumulate: false)
            GPTRowKernels.activate(inner + innerColumns.lowerBound, count: innerColumns.count, block.activation)
            pair.meet(party)
            GPTRowKernels.project(inner, block.contract, columns: columns, into: x, accumulate: true)
            pair.meet(party)
        }
        let last = hidden[party].data
        GPTRowKernels.normalize(x, into: last, width: c, finalNorm)
        GPTRowKernels.logits(last, embeddings: tokenEmbeddings, width: c, rows: vocabularyRows[party], into: y)
    }
}
