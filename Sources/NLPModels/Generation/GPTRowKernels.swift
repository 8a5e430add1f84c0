import NLPTensor

/// One row's arithmetic of a GPT decoder step, over raw weight pointers. The one-thread and the
/// two-thread token steps both go through these functions, each output computed by the same dot
/// products in the same order, so their logits are bit-identical whichever thread computes what.
enum GPTRowKernels {
    /// A LayerNorm's gain, optional bias and epsilon.
    struct Norm {
        let gain: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?, epsilon: Float

        init(_ norm: LayerNorm) {
            gain = norm.weight.data
            bias = norm.bias?.data
            epsilon = norm.epsilon
        }
    }

    /// A Conv1D's weight [in, out], optional bias [out], and the weight's whole 32-column strips
    /// packed (`StripPackedWeights`) when a store is given: the one- and two-row products read those.
    struct Projection {
        let weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?, inFeatures: Int, outFeatures: Int
        let packed: UnsafePointer<Float>?

        init(_ layer: Conv1D, packing store: StripPackedWeights?) {
            weight = layer.weight.data
            bias = layer.bias?.data
            inFeatures = layer.inFeatures
            outFeatures = layer.outFeatures
            packed = store?.pack(weight, inFeatures: inFeatures, outFeatures: outFeatures)
        }

        /// `columns` cut into those before its first whole packed strip, the whole strips, and those
        /// after (all of them first when nothing is packed): a share's range may cut a strip.
        @inline(__always)
        func stripSplit(_ columns: Range<Int>) -> (before: Range<Int>, strips: Range<Int>, after: Range<Int>) {
            let width = StripPackedWeights.stripWidth
            let low = (columns.lowerBound + width - 1) / width * width, high = columns.upperBound / width * width
            guard packed != nil, low < high else { return (columns, columns.upperBound..<columns.upperBound, columns.upperBound..<columns.upperBound) }
            return (columns.lowerBound..<low, low..<high, high..<columns.upperBound)
        }
    }

    /// A block's weights, read once at set-up: the two-thread step then touches no module (whose
    /// reference counts both cores would otherwise bounce between them at every access).
    struct Block {
        let norm1: Norm, qkv: Projection, output: Projection, norm2: Norm, expand: Projection, contract: Projection
        let activation: ActivationFunction

        init(_ block: GPTBlock, packing store: StripPackedWeights?) {
            norm1 = Norm(block.norm1)
            qkv = Projection(block.attention.projection, packing: store)
            output = Projection(block.attention.outputProjection, packing: store)
            norm2 = Norm(block.norm2)
            expand = Projection(block.mlp.expand, packing: store)
            contract = Projection(block.mlp.contract, packing: store)
            activation = block.mlp.activation
        }
    }

    /// y = LayerNorm(x) for one row of `width`.
    @inline(__always)
    static func normalize(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, width n: Int, _ norm: Norm) {
        let w = norm.gain, invN = 1 / Float(n)
        let mean = Kernels.sum(x, count: n) * invN
        let rstd = 1 / (Kernels.sumOfSquares(x, count: n, centeredOn: mean) * invN + norm.epsilon).squareRoot()
        if let b = norm.bias {
            for j in 0..<n { y[j] = b[j].addingProduct((x[j] - mean) * rstd, w[j]) }
        } else {
            for j in 0..<n { y[j] = (x[j] - mean) * rstd * w[j] }
        }
    }

    /// y[j] = b[j] + (x·W)[j] for the output columns `columns` of one row; `accumulate` adds it
    /// into y (the residual) instead: y[j] = (y[j] + b[j]) + (x·W)[j].
    @inline(__always)
    static func project(_ x: UnsafePointer<Float>, _ p: Projection, columns: Range<Int>, into y: UnsafeMutablePointer<Float>,
                        accumulate: Bool) {
        if let bias = p.bias {
            if accumulate { for j in columns { y[j] += bias[j] } } else { (y + columns.lowerBound).update(from: bias + columns.lowerBound, count: columns.count) }
        } else if !accumulate {
            (y + columns.lowerBound).update(repeating: 0, count: columns.count)
        }
        let (before, strips, after) = p.stripSplit(columns)
        let k = p.inFeatures, n = p.outFeatures
        Kernels.vectorMatrixProduct(x, p.weight, rows: k, width: n, columns: before, into: y, accumulate: true)
        if let packed = p.packed, !strips.isEmpty { packedVectorMatrixProduct(x, packed, inFeatures: k, columns: strips, into: y) }
        Kernels.vectorMatrixProduct(x, p.weight, rows: k, width: n, columns: after, into: y, accumulate: true)
    }

    /// y[j] += Σₖ x[k]·W[k, j] for whole strips `columns` of the packed W: the multiply-adds of
    /// `Kernels.vectorMatrixProduct`'s 32-column block in its order (each column's sum the same chain
    /// whichever kernel computes it), reading the strip as one stream.
    @inline(__always)
    private static func packedVectorMatrixProduct(_ x: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, inFeatures k: Int,
                                                  columns: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        let width = StripPackedWeights.stripWidth
        var j = columns.lowerBound
        while j < columns.upperBound {
            var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
            var p = packed + j * k   // strip j / 32 starts at (j / 32)·k·32
            for i in 0..<k {
                let s = SIMD8<Float>(repeating: x[i])
                a0 = a0.addingProduct(s, load(p)); a1 = a1.addingProduct(s, load(p + 8))
                a2 = a2.addingProduct(s, load(p + 16)); a3 = a3.addingProduct(s, load(p + 24))
                p += width
            }
            add(a0, y + j); add(a1, y + j + 8); add(a2, y + j + 16); add(a3, y + j + 24)
            j += width
        }
    }

    /// `project` for `rows` consecutive rows of x [rows, inFeatures] into y [rows, outFeatures].
    /// Each output is the same fused multiply-add chain over the inputs as the one-row product's,
    /// so a prompt's rows come out bit-identical to feeding them one by one; here six rows share
    /// each load of the weights, which makes a prefill bound by arithmetic, not by reading W.
    @inline(__always)
    static func project(_ x: UnsafePointer<Float>, rows: Int, _ p: Projection, columns: Range<Int>, into y: UnsafeMutablePointer<Float>,
                        accumulate: Bool) {
        if rows == 1 { project(x, p, columns: columns, into: y, accumulate: accumulate); return }
        let n = p.outFeatures
        for r in 0..<rows {
            let row = y + r * n
            if let bias = p.bias {
                if accumulate { for j in columns { row[j] += bias[j] } } else { (row + columns.lowerBound).update(from: bias + columns.lowerBound, count: columns.count) }
            } else if !accumulate {
                (row + columns.lowerBound).update(repeating: 0, count: columns.count)
            }
        }
        if rows == 2 {
            let (before, strips, after) = p.stripSplit(columns)
            pairMatrixProduct(x, p.weight, inFeatures: p.inFeatures, outFeatures: n, columns: before, into: y)
            if let packed = p.packed, !strips.isEmpty { packedPairMatrixProduct(x, packed, inFeatures: p.inFeatures, outFeatures: n, columns: strips, into: y) }
            pairMatrixProduct(x, p.weight, inFeatures: p.inFeatures, outFeatures: n, columns: after, into: y)
        } else {
            rowsMatrixProduct(x, rows: rows, p.weight, inFeatures: p.inFeatures, outFeatures: n, columns: columns, into: y)
        }
    }

    /// Rows of the input a tile holds while the weights' column strips pass over it (48 rows of
    /// 768 inputs are 144 KB, in L2), a multiple of the six rows a block accumulates.
    private static let tileRows = 48

    /// y[r, j] += Σₖ x[r, k]·W[k, j] for the columns `columns`, the sum accumulated apart and
    /// then added to y, as `Kernels.vectorMatrixProduct` does for one row.
    private static func rowsMatrixProduct(_ x: UnsafePointer<Float>, rows: Int, _ w: UnsafePointer<Float>, inFeatures k: Int,
                                          outFeatures n: Int, columns: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        var tile = 0
        while tile < rows {
            let tileEnd = min(rows, tile + tileRows)
            var j = columns.lowerBound
            while j + 16 <= columns.upperBound {
                for r in stride(from: tile, to: tileEnd, by: 6) {
                    block16(x + r * k, rows: min(6, tileEnd - r), w + j, inFeatures: k, outFeatures: n, into: y + r * n + j)
                }
                j += 16
            }
            while j + 8 <= columns.upperBound {
                for r in stride(from: tile, to: tileEnd, by: 6) {
                    block8(x + r * k, rows: min(6, tileEnd - r), w + j, inFeatures: k, outFeatures: n, into: y + r * n + j)
                }
                j += 8
            }
            while j < columns.upperBound {
                for r in tile..<tileEnd {
                    let row = x + r * k
                    var s: Float = 0
                    for i in 0..<k { s = s.addingProduct(row[i], w[i * n + j]) }
                    y[r * n + j] += s
                }
                j += 1
            }
            tile = tileEnd
        }
    }

    /// `rowsMatrixProduct` for two rows (a token step with the shadow cache's row): 32 columns at
    /// a time as in the one-row product, both rows' multiply-adds on each load of the weights — a
    /// six-row block would do three times the arithmetic for the same two rows.
    private static func pairMatrixProduct(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, inFeatures k: Int, outFeatures n: Int,
                                          columns: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        let x0 = x, x1 = x + k, y0 = y, y1 = y + n
        var j = columns.lowerBound
        while j + 32 <= columns.upperBound {
            pairBlock32(x0, x1, w + j, stride: n, inFeatures: k, into: y0 + j, y1 + j)
            j += 32
        }
        while j + 8 <= columns.upperBound {
            var a = SIMD8<Float>(), b = a
            var p = w + j
            for i in 0..<k {
                let w0 = load(p)
                a = a.addingProduct(SIMD8<Float>(repeating: x0[i]), w0); b = b.addingProduct(SIMD8<Float>(repeating: x1[i]), w0)
                p += n
            }
            add(a, y0 + j); add(b, y1 + j)
            j += 8
        }
        while j < columns.upperBound {
            var s: Float = 0, t: Float = 0
            for i in 0..<k { s = s.addingProduct(x0[i], w[i * n + j]); t = t.addingProduct(x1[i], w[i * n + j]) }
            y0[j] += s
            y1[j] += t
            j += 1
        }
    }

    /// `pairMatrixProduct` over whole strips `columns` of the packed W (see `packedVectorMatrixProduct`).
    @inline(__always)
    private static func packedPairMatrixProduct(_ x: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, inFeatures k: Int, outFeatures n: Int,
                                                columns: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        let width = StripPackedWeights.stripWidth, x0 = x, x1 = x + k, y0 = y, y1 = y + n
        var j = columns.lowerBound
        while j < columns.upperBound {
            pairBlock32(x0, x1, packed + j * k, stride: width, inFeatures: k, into: y0 + j, y1 + j)
            j += width
        }
    }

    /// Two rows × 32 columns: y0[0..<32] += Σᵢ x0[i]·w[i], y1 likewise, where w[i] is the 32 floats
    /// at `w + i·stride` (a row of W, or a row of a packed strip). Both layouts run this one chain,
    /// which keeps packed and unpacked products bit-identical.
    @inline(__always)
    private static func pairBlock32(_ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ w: UnsafePointer<Float>, stride: Int,
                                    inFeatures k: Int, into y0: UnsafeMutablePointer<Float>, _ y1: UnsafeMutablePointer<Float>) {
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        var p = w
        for i in 0..<k {
            let w0 = load(p), w1 = load(p + 8), w2 = load(p + 16), w3 = load(p + 24)
            let s0 = SIMD8<Float>(repeating: x0[i]), s1 = SIMD8<Float>(repeating: x1[i])
            a0 = a0.addingProduct(s0, w0); a1 = a1.addingProduct(s0, w1); a2 = a2.addingProduct(s0, w2); a3 = a3.addingProduct(s0, w3)
            b0 = b0.addingProduct(s1, w0); b1 = b1.addingProduct(s1, w1); b2 = b2.addingProduct(s1, w2); b3 = b3.addingProduct(s1, w3)
            p += stride
        }
        add(a0, y0); add(a1, y0 + 8); add(a2, y0 + 16); add(a3, y0 + 24)
        add(b0, y1); add(b1, y1 + 8); add(b2, y1 + 16); add(b3, y1 + 24)
    }

    /// Up to six rows × 16 columns: twelve accumulators, two weight loads a step of k. A block of
    /// fewer rows repeats its last row (the extra sums are not stored).
    @inline(__always)
    private static func block16(_ x: UnsafePointer<Float>, rows: Int, _ w: UnsafePointer<Float>, inFeatures k: Int, outFeatures n: Int,
                                into y: UnsafeMutablePointer<Float>) {
        let (x0, x1, x2, x3, x4, x5) = blockRows(x, rows: rows, inFeatures: k)
        var a00 = SIMD8<Float>(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00
        var a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00
        var p = w
        for i in 0..<k {
            let w0 = load(p), w1 = load(p + 8)
            let s0 = SIMD8<Float>(repeating: x0[i]), s1 = SIMD8<Float>(repeating: x1[i]), s2 = SIMD8<Float>(repeating: x2[i])
            a00 = a00.addingProduct(s0, w0); a01 = a01.addingProduct(s0, w1)
            a10 = a10.addingProduct(s1, w0); a11 = a11.addingProduct(s1, w1)
            a20 = a20.addingProduct(s2, w0); a21 = a21.addingProduct(s2, w1)
            let s3 = SIMD8<Float>(repeating: x3[i]), s4 = SIMD8<Float>(repeating: x4[i]), s5 = SIMD8<Float>(repeating: x5[i])
            a30 = a30.addingProduct(s3, w0); a31 = a31.addingProduct(s3, w1)
            a40 = a40.addingProduct(s4, w0); a41 = a41.addingProduct(s4, w1)
            a50 = a50.addingProduct(s5, w0); a51 = a51.addingProduct(s5, w1)
            p += n
        }
        add(a00, y); add(a01, y + 8)
        if rows > 1 { add(a10, y + n); add(a11, y + n + 8) }
        if rows > 2 { add(a20, y + 2 * n); add(a21, y + 2 * n + 8) }
        if rows > 3 { add(a30, y + 3 * n); add(a31, y + 3 * n + 8) }
        if rows > 4 { add(a40, y + 4 * n); add(a41, y + 4 * n + 8) }
        if rows > 5 { add(a50, y + 5 * n); add(a51, y + 5 * n + 8) }
    }

    /// `block16` for 8 columns.
    @inline(__always)
    private static func block8(_ x: UnsafePointer<Float>, rows: Int, _ w: UnsafePointer<Float>, inFeatures k: Int, outFeatures n: Int,
                               into y: UnsafeMutablePointer<Float>) {
        let (x0, x1, x2, x3, x4, x5) = blockRows(x, rows: rows, inFeatures: k)
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0
        var p = w
        for i in 0..<k {
            let w0 = load(p)
            a0 = a0.addingProduct(SIMD8<Float>(repeating: x0[i]), w0); a1 = a1.addingProduct(SIMD8<Float>(repeating: x1[i]), w0)
            a2 = a2.addingProduct(SIMD8<Float>(repeating: x2[i]), w0); a3 = a3.addingProduct(SIMD8<Float>(repeating: x3[i]), w0)
            a4 = a4.addingProduct(SIMD8<Float>(repeating: x4[i]), w0); a5 = a5.addingProduct(SIMD8<Float>(repeating: x5[i]), w0)
            p += n
        }
        add(a0, y)
        if rows > 1 { add(a1, y + n) }
        if rows > 2 { add(a2, y + 2 * n) }
        if rows > 3 { add(a3, y + 3 * n) }
        if rows > 4 { add(a4, y + 4 * n) }
        if rows > 5 { add(a5, y + 5 * n) }
    }

    /// The six row pointers of a block of `rows` (1...6) rows of `x`; a shorter block repeats its
    /// last row, so the kernels need no per-row branches in their inner loop.
    @inline(__always)
    private static func blockRows(_ x: UnsafePointer<Float>, rows: Int, inFeatures k: Int)
        -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
        let last = rows - 1
        return (x, x + min(1, last) * k, x + min(2, last) * k, x + min(3, last) * k, x + min(4, last) * k, x + min(5, last) * k)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    /// p[0..<8] = sum + p[0..<8] (the one-row product's accumulate store).
    @inline(__always)
    private static func add(_ sum: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: sum + load(p), as: SIMD8<Float>.self)
    }

    /// One query's causal attention over the first `seen` cached keys and values of its head
    /// (rows of `d`), into `out` [d]; `scores` holds at least `seen` floats.
    @inline(__always)
    static func attend(_ q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, seen: Int, width d: Int,
                       scores s: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(d).squareRoot()
        for j in 0..<seen { s[j] = Kernels.dot(q, keys + j * d, count: d) * scale }
        let top = Kernels.max(s, count: seen)
        let total = Kernels.expShiftedInPlace(s, count: seen, shift: top)
        out.update(repeating: 0, count: d)
        let norm = 1 / total
        for j in 0..<seen {
            let p = s[j] * norm, value = values + j * d
            for e in 0..<d { out[e] = out[e].addingProduct(p, value[e]) }
        }
    }

    /// x[i] = f(x[i]) for `count` elements: the elementwise loop (and cost) of the activation's
    /// tensor op, in place.
    @inline(__always)
    static func activate(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: ActivationFunction) {
        switch f {
        case .gelu: Kernels.map(x, x, count: count, cost: 24, Functions.GELUExact())
        case .geluTanh: Kernels.map(x, x, count: count, cost: 24, Functions.GELUTanh())
        case .relu: Kernels.map(x, x, count: count, cost: 1, Functions.ReLU())
        case .tanh: Kernels.map(x, x, count: count, cost: 16, Functions.Tanh())
        }
    }

    /// logits[v] = embedding row v · hidden for the vocabulary rows `rows` (the tied output layer).
    @inline(__always)
    static func logits(_ hidden: UnsafePointer<Float>, embeddings: UnsafePointer<Float>, width c: Int, rows: Range<Int>,
                       into y: UnsafeMutablePointer<Float>) {
        for v in rows { y[v] = Kernels.dot(embeddings + v * c, hidden, count: c) }
    }
}
