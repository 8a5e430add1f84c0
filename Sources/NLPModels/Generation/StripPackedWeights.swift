/// Copies of a model's projection weights W [in, out] with each strip of 32 output columns stored
/// contiguously ([strip][in][32]), for the one-token step: its products sweep a strip's 32
/// columns down all the inputs, which in W's own layout reads 128 bytes then jumps a row, and
/// packed reads one stream (about 20% faster for nanoGPT's char model). The copies are taken
/// once, when a forward is set up: GPTDecoder sets one up per decoder, and a decoder is made per
/// generation call from the model's current weights, so they are never stale. A decoder kept
/// while the weights change would keep sampling from the old ones; make a new decoder instead.
final class StripPackedWeights {
    /// Columns a strip holds: the one-row product's 32-column block.
    static let stripWidth = 32

    private var copies: [UnsafeMutableBufferPointer<Float>] = []

    deinit { for copy in copies { copy.deallocate() } }

    /// The packed copy of W [k, n]'s whole strips (its columns 0..<n / 32 · 32), nil when it has none.
    func pack(_ w: UnsafePointer<Float>, inFeatures k: Int, outFeatures n: Int) -> UnsafePointer<Float>? {
        let width = Self.stripWidth, strips = n / width
        guard strips > 0, k > 0 else { return nil }
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: strips * k * width)
        copies.append(copy)
        let packed = copy.baseAddress!
        for strip in 0..<strips {
            let source = w + strip * width, target = packed + strip * k * width
            for i in 0..<k { (target + i * width).update(from: source + i * n, count: width) }
        }
        return UnsafePointer(packed)
    }
}
