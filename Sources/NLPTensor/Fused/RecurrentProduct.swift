// The recurrent product of one step, W · h with W [rows, depth] fixed for the whole sequence and
// h [depth, lanes] a small feature-major block (lanes = the batch, 8 to a few dozen). sgemm packs
// both operands on every call, and for this shape packing the 1 MB weight costs a third of the
// multiply; here the weight is packed once per layer call and each step only multiplies.
//
// Layout: panels of 8 rows; panel p holds, for each k, W[8p ..< 8p + 8, k] (rows past the end 0).
// A tile is 8 rows × 32 (or 16, or 8) lanes of accumulators, fed one k at a time by a row of h
// and eight broadcast weights; depth runs in blocks so that a block of h stays in L1.

/// A weight matrix packed for repeated `W · h` products with small feature-major blocks.
struct PackedWeight {
    /// Whether this beats sgemm here: the 8 × 32 tile's sixteen accumulators are 512-bit registers
    /// (measured 1.3-1.4× sgemm + packing on AVX-512); on AVX2 they would spill, so the layer keeps
    /// sgemm (the build targets AVX-512 exactly when this CPU has it, see Package.swift).
    static let isFaster = BLASRuntime.bestKernels() == "SkylakeX"
    static let panelRows = 8
    /// Depth of a block of h kept in L1 (256 × 32 lanes = 32 KB).
    static let depthBlock = 256

    let rows: Int, depth: Int
    let panels: Tensor

    /// Packs W[i, k] = source[i · rowStride + k · depthStride] for i < rows, k < depth.
    init(_ source: UnsafePointer<Float>, rows: Int, depth: Int, rowStride: Int, depthStride: Int) {
        self.rows = rows
        self.depth = depth
        let count = (rows + Self.panelRows - 1) / Self.panelRows
        panels = Tensor.zeros([Swift.max(count * depth * Self.panelRows, 1)])
        let out = panels.data
        for i in 0..<rows {
            let panel = out + (i / Self.panelRows) * depth * Self.panelRows + i % Self.panelRows
            let row = source + i * rowStride
            for k in 0..<depth { panel[k * Self.panelRows] = row[k * depthStride] }
        }
    }

    /// C = W · B (or C += W · B when `accumulate`): B [depth, lanes] with row stride ldb, C [rows,
    /// lanes] with row stride ldc; lanes a multiple of 8. `scratch` holds depthBlock × lanes floats.
    func multiply(_ b: UnsafePointer<Float>, ldb: Int, lanes: Int, into c: UnsafeMutablePointer<Float>, ldc: Int,
                  accumulate: Bool, scratch: UnsafeMutablePointer<Float>) {
        precondition(lanes % 8 == 0, "recurrent product lanes \(lanes) not a multiple of 8")
        let panelCount = (rows + Self.panelRows - 1) / Self.panelRows
        if depth == 0 {
            if !accumulate { for i in 0..<rows { (c + i * ldc).update(repeating: 0, count: lanes) } }
            return
        }
        var k0 = 0
        while k0 < depth {
            let kc = Swift.min(Self.depthBlock, depth - k0)
            // The block of B, contiguous: its rows are far apart in the step-major buffers (the
            // same L1 sets), and a tile sweeps the block once per panel.
            for k in 0..<kc { (scratch + k * lanes).update(from: b + (k0 + k) * ldb, count: lanes) }
            let add = accumulate || k0 > 0
            for p in 0..<panelCount {
                let a = UnsafePointer(panels.data) + (p * depth + k0) * Self.panelRows
                let valid = Swift.min(Self.panelRows, rows - p * Self.panelRows)
                let cRow = c + p * Self.panelRows * ldc
                var lane = 0
                while lane + 32 <= lanes {
                    Self.tile32(a, scratch + lane, ldb: lanes, depth: kc, cRow + lane, ldc: ldc, rows: valid, accumulate: add)
                    lane += 32
                }
                if lane + 16 <= lanes {
                    Self.tile(SIMD16<Float>.self, a, scratch + lane, ldb: lanes, depth: kc, cRow + lane, ldc: ldc,
                              rows: valid, accumulate: add)
                    lane += 16
                }
                if lane < lanes {
                    Self.tile(SIMD8<Float>.self, a, scratch + lane, ldb: lanes, depth: kc, cRow + lane, ldc: ldc,
                              rows: valid, accumulate: add)
                }
            }
            k0 += kc
        }
    }

    /// 8 rows × 32 lanes: sixteen 16-lane accumulators.
    @inline(__always)
    static func tile32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int, depth: Int,
                       _ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, accumulate: Bool) {
        typealias W = SIMD16<Float>
        var x0 = W(), x1 = W(), x2 = W(), x3 = W(), x4 = W(), x5 = W(), x6 = W(), x7 = W()
        var y0 = W(), y1 = W(), y2 = W(), y3 = W(), y4 = W(), y5 = W(), y6 = W(), y7 = W()
        var pa = a, pb = b
        for _ in 0..<depth {
            let u = load(W.self, pb), v = load(W.self, pb + 16)
            var s = W(repeating: pa[0]); x0 = x0.addingProduct(u, s); y0 = y0.addingProduct(v, s)
            s = W(repeating: pa[1]); x1 = x1.addingProduct(u, s); y1 = y1.addingProduct(v, s)
            s = W(repeating: pa[2]); x2 = x2.addingProduct(u, s); y2 = y2.addingProduct(v, s)
            s = W(repeating: pa[3]); x3 = x3.addingProduct(u, s); y3 = y3.addingProduct(v, s)
            s = W(repeating: pa[4]); x4 = x4.addingProduct(u, s); y4 = y4.addingProduct(v, s)
            s = W(repeating: pa[5]); x5 = x5.addingProduct(u, s); y5 = y5.addingProduct(v, s)
            s = W(repeating: pa[6]); x6 = x6.addingProduct(u, s); y6 = y6.addingProduct(v, s)
            s = W(repeating: pa[7]); x7 = x7.addingProduct(u, s); y7 = y7.addingProduct(v, s)
            pa += panelRows
            pb += ldb
        }
        @inline(__always) func put(_ r: Int, _ x: W, _ y: W) {
            guard r < rows else { return }
            let row = c + r * ldc
            store(accumulate ? load(W.self, row) + x : x, row)
            store(accumulate ? load(W.self, row + 16) + y : y, row + 16)
        }
        put(0, x0, y0); put(1, x1, y1); put(2, x2, y2); put(3, x3, y3)
        put(4, x4, y4); put(5, x5, y5); put(6, x6, y6); put(7, x7, y7)
    }

    /// 8 rows × one vector of lanes.
    @inline(__always)
    static func tile<W: SIMD>(_ type: W.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int, depth: Int,
                              _ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, accumulate: Bool)
        where W.Scalar == Float {
        var x0 = W(), x1 = W(), x2 = W(), x3 = W(), x4 = W(), x5 = W(), x6 = W(), x7 = W()
        var pa = a, pb = b
        for _ in 0..<depth {
            let u = load(W.self, pb)
            x0 = x0.addingProduct(u, W(repeating: pa[0])); x1 = x1.addingProduct(u, W(repeating: pa[1]))
            x2 = x2.addingProduct(u, W(repeating: pa[2])); x3 = x3.addingProduct(u, W(repeating: pa[3]))
            x4 = x4.addingProduct(u, W(repeating: pa[4])); x5 = x5.addingProduct(u, W(repeating: pa[5]))
            x6 = x6.addingProduct(u, W(repeating: pa[6])); x7 = x7.addingProduct(u, W(repeating: pa[7]))
            pa += panelRows
            pb += ldb
        }
        @inline(__always) func put(_ r: Int, _ x: W) {
            guard r < rows else { return }
            let row = c + r * ldc
            store(accumulate ? load(W.self, row) + x : x, row)
        }
        put(0, x0); put(1, x1); put(2, x2); put(3, x3); put(4, x4); put(5, x5); put(6, x6); put(7, x7)
    }

    @inline(__always)
    static func load<W: SIMD>(_ type: W.Type, _ p: UnsafePointer<Float>) -> W where W.Scalar == Float {
        UnsafeRawPointer(p).loadUnaligned(as: W.self)
    }

    @inline(__always)
    static func store<W: SIMD>(_ v: W, _ p: UnsafeMutablePointer<Float>) where W.Scalar == Float {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: W.self)
    }
}
