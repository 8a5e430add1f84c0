/// How two contiguous operands line up under NumPy broadcasting, with adjacent dimensions merged
/// wherever both operands stay contiguous across them. The output is walked as `rows` rows of
/// `length` elements; in each row the operands advance by `innerStrideA/B` (1, or 0 when stretched).
struct BroadcastPlan {
    let shape: [Int]
    let rows: Int
    let length: Int
    let innerStrideA: Int
    let innerStrideB: Int
    /// Merged outer dimensions (all but the innermost) and the operands' strides in them.
    private let outerDims: [Int]
    private let outerStridesA: [Int]
    private let outerStridesB: [Int]

    init(_ a: [Int], _ b: [Int]) {
        shape = Shape.broadcast(a, b)
        var dims: [Int] = [], sa: [Int] = [], sb: [Int] = []
        let stridesA = Shape.broadcastStrides(of: a, to: shape)
        let stridesB = Shape.broadcastStrides(of: b, to: shape)
        for i in 0..<shape.count where shape[i] != 1 {
            if let last = dims.last,
               sa.last! == stridesA[i] * shape[i] || (sa.last! == 0 && stridesA[i] == 0),
               sb.last! == stridesB[i] * shape[i] || (sb.last! == 0 && stridesB[i] == 0) {
                dims[dims.count - 1] = last * shape[i]
                sa[sa.count - 1] = stridesA[i]
                sb[sb.count - 1] = stridesB[i]
            } else {
                dims.append(shape[i]); sa.append(stridesA[i]); sb.append(stridesB[i])
            }
        }
        if dims.isEmpty { dims = [1]; sa = [0]; sb = [0] }
        length = dims.last!
        innerStrideA = sa.last!
        innerStrideB = sb.last!
        outerDims = Array(dims.dropLast())
        outerStridesA = Array(sa.dropLast())
        outerStridesB = Array(sb.dropLast())
        rows = outerDims.reduce(1, *)
    }

    /// Calls `body(row, offsetA, offsetB)` for each row in `rows`, stepping the offsets instead of
    /// recomputing them (one division per wrap of the innermost outer dimension, not per row).
    @inline(__always)
    func forEachRow(in rows: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        guard !rows.isEmpty else { return }
        let last = outerDims.last ?? 1
        let stepA = outerStridesA.last ?? 0, stepB = outerStridesB.last ?? 0
        var (oa, ob) = offsets(ofRow: rows.lowerBound)
        var i = rows.lowerBound % last
        for row in rows {
            body(row, oa, ob)
            i += 1
            if i == last {
                i = 0
                if row + 1 < rows.upperBound { (oa, ob) = offsets(ofRow: row + 1) }
            } else {
                oa += stepA
                ob += stepB
            }
        }
    }

    /// Offsets of row `row` in the two operands.
    @inline(__always)
    func offsets(ofRow row: Int) -> (Int, Int) {
        var r = row, oa = 0, ob = 0
        var d = outerDims.count - 1
        while d >= 0 {
            let i = r % outerDims[d]
            r /= outerDims[d]
            oa += i * outerStridesA[d]
            ob += i * outerStridesB[d]
            d -= 1
        }
        return (oa, ob)
    }
}

extension Kernels {
    /// `y = f(a, b)` under broadcasting (`y` has the plan's shape), or `y += f(a, b)`.
    @inline(__always)
    static func broadcastZip<F: BinaryFunction>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                                plan: BroadcastPlan, accumulate: Bool = false, _ f: F) {
        let n = plan.length
        if plan.rows == 1 {
            // One long row: split it across threads.
            switch (plan.innerStrideA, plan.innerStrideB) {
            case (1, 1): zip(a, b, y, count: n, accumulate: accumulate, f)
            case (1, _): map(a, y, count: n, accumulate: accumulate, BindSecond(f: f, b: b[0]))
            case (_, 1): map(b, y, count: n, accumulate: accumulate, BindFirst(f: f, a: a[0]))
            default:
                let v = f(a[0], b[0])
                if accumulate { for i in 0..<n { y[i] += v } } else { y.update(repeating: v, count: n) }
            }
            return
        }
        Parallelism.forEachChunk(of: plan.rows, costPerItem: n) { rows in
            plan.forEachRow(in: rows) { row, oa, ob in
                let pa = a + oa, pb = b + ob, py = y + row * n
                switch (plan.innerStrideA, plan.innerStrideB, accumulate) {
                case (1, 1, false): for i in 0..<n { py[i] = f(pa[i], pb[i]) }
                case (1, 1, true): for i in 0..<n { py[i] += f(pa[i], pb[i]) }
                case (1, _, false): let s = pb[0]; for i in 0..<n { py[i] = f(pa[i], s) }
                case (1, _, true): let s = pb[0]; for i in 0..<n { py[i] += f(pa[i], s) }
                case (_, 1, false): let s = pa[0]; for i in 0..<n { py[i] = f(s, pb[i]) }
                case (_, 1, true): let s = pa[0]; for i in 0..<n { py[i] += f(s, pb[i]) }
                default:
                    let v = f(pa[0], pb[0])
                    if accumulate { for i in 0..<n { py[i] += v } } else { py.update(repeating: v, count: n) }
                }
            }
        }
    }

    /// Sums `x` (of shape `from`) down to `to` (a shape that broadcasts to `from`), writing or
    /// adding into `y`.
    static func sumToShape(_ x: UnsafePointer<Float>, from: [Int], _ y: UnsafeMutablePointer<Float>, to: [Int],
                           accumulate: Bool) {
        let total = Shape.count(of: from), kept = Shape.count(of: to)
        if !accumulate { y.update(repeating: 0, count: kept) }
        if kept == total {
            add(x, into: y, count: total)
            return
        }
        if kept == 1 {
            y[0] += sum(x, count: total)
            return
        }
        // Walk `from` as rows: `x` is the full operand (a), `y` the stretched one (b).
        let plan = BroadcastPlan(from, to)
        let n = plan.length
        if plan.innerStrideB == 1 && plan.offsets(ofRow: plan.rows - 1).1 == 0 {
            // Every row adds into the same `n` outputs (a bias gradient): split the columns.
            let rows = plan.rows
            Parallelism.forEachChunk(of: n, costPerItem: rows) { columns in
                for row in 0..<rows {
                    let px = x + row * n
                    for j in columns { y[j] += px[j] }
                }
            }
            return
        }
        plan.forEachRow(in: 0..<plan.rows) { row, _, ob in
            let px = x + row * n, py = y + ob
            if plan.innerStrideB == 1 {
                for j in 0..<n { py[j] += px[j] }
            } else {
                py[0] += sum(px, count: n)
            }
        }
    }
}

/// f(x, b) with b fixed.
struct BindSecond<F: BinaryFunction>: UnaryFunction {
    let f: F, b: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { f(x, b) }
}

/// f(a, x) with a fixed.
struct BindFirst<F: BinaryFunction>: UnaryFunction {
    let f: F, a: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { f(a, x) }
}
