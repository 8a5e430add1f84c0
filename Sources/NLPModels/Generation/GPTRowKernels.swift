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

    /// A Conv1D's weight [in, out] and optional bias [out].
    struct Projection {
        let weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?, inFeatures: Int, outFeatures: Int

        init(_ layer: Conv1D) {
            weight = layer.weight.data
            bias = layer.bias?.data
            inFeatures = layer.inFeatures
            outFeatures = layer.outFeatures
        }
    }

    /// A block's weights, read once at set-up: the two-thread step then touches no module (whose
    /// reference counts both cores would otherwise bounce between them at every access).
    struct Block {
        let norm1: Norm, qkv: Projection, output: Projection, norm2: Norm, expand: Projection, contract: Projection
        let activation: ActivationFunction

        init(_ block: GPTBlock) {
            norm1 = Norm(block.norm1)
            qkv = Projection(block.attention.projection)
            output = Projection(block.attention.outputProjection)
            norm2 = Norm(block.norm2)
            expand = Projection(block.mlp.expand)
            contract = Projection(block.mlp.contract)
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
        Kernels.vectorMatrixProduct(x, p.weight, rows: p.inFeatures, width: p.outFeatures, columns: columns, into: y, accumulate: true)
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
