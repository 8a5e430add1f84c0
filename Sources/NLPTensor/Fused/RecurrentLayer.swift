import CBLAS
import Dispatch

// One recurrent layer in one direction over a padded batch, as a single op with a hand-written
// backward through time. The input projection of the whole sequence is one sgemm; each step is
// one W_hh · h product (the weight packed once per call, RecurrentProduct.swift) plus the fused
// cell; the backward is one W_hhᵀ product a step for d(h_prev), then one sgemm each for d(x),
// d(W_ih) and d(W_hh) over the whole sequence.
//
// Padded batches: row b has `lengths[b]` real positions. Its state stops at its last position
// (the final state is the state there, as with PyTorch's packed sequences), its outputs at padded
// positions are 0, and the reverse direction starts from its own last position.

/// The cell of a recurrent layer (PyTorch's equations and gate order).
public enum RecurrentCell: Sendable {
    /// Elman RNN with tanh.
    case tanh
    /// LSTM (gates i, f, g, o).
    case lstm
    /// GRU (gates r, z, n).
    case gru

    /// Gate blocks of H rows in the weight matrices.
    public var gates: Int {
        switch self {
        case .tanh: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }
}

/// What a recurrent layer returns: every position's output and the final state.
public struct RecurrentLayerOutput {
    /// [B, T, H]; zero at padded positions.
    public let output: Tensor
    /// [B, H]: the state after each row's last position.
    public let hidden: Tensor
    /// [B, H]: the LSTM's final cell state (nil for the others).
    public let cell: Tensor?
}

extension Tensor {
    /// Runs `cell` over x [B, T, I] with PyTorch's parameters weight_ih [G·H, I], weight_hh [G·H, H],
    /// bias_ih and bias_hh [G·H] (optional), initial state h0 (and c0 for the LSTM) [B, H]
    /// (zero when nil), row lengths (all T when nil), forwards or in `reverse`.
    public static func recurrentLayer(_ cell: RecurrentCell, input x: Tensor, weightIH: Tensor, weightHH: Tensor,
                                      biasIH: Tensor? = nil, biasHH: Tensor? = nil, hidden h0: Tensor? = nil,
                                      cell c0: Tensor? = nil, lengths: [Int]? = nil, reverse: Bool = false)
        -> RecurrentLayerOutput {
        switch cell {
        case .tanh:
            return RecurrentLayer<TanhCell>(x, weightIH, weightHH, biasIH, biasHH, h0, nil, lengths, reverse).run()
        case .lstm:
            return RecurrentLayer<LSTMCell>(x, weightIH, weightHH, biasIH, biasHH, h0, c0, lengths, reverse).run()
        case .gru:
            return RecurrentLayer<GRUCell>(x, weightIH, weightHH, biasIH, biasHH, h0, nil, lengths, reverse).run()
        }
    }
}

/// The forward pass of one layer and the closure of its backward.
///
/// Inside, the layer works step-major and feature-major: column s·B + b of a [rows, T·B] buffer is
/// step s of batch row b (its position: s forwards, lengths[b] − 1 − s in reverse), so every step
/// is a contiguous [rows, B] block whatever the direction and padding, and a step's products are
/// W_hh [G·H, H] · h [H, B] — the weight as BLAS's left operand, which runs faster for a small
/// batch than h · W_hhᵀ.
struct RecurrentLayer<Cell: RecurrentCellKernel> {
    let x: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?
    let h0: Tensor?, c0: Tensor?
    let lengths: [Int]
    let reverse: Bool
    let batch: Int, steps: Int, inputs: Int, hidden: Int
    var isLSTM: Bool { Cell.self == LSTMCell.self }
    var isGRU: Bool { Cell.self == GRUCell.self }

    init(_ x: Tensor, _ weightIH: Tensor, _ weightHH: Tensor, _ biasIH: Tensor?, _ biasHH: Tensor?,
         _ h0: Tensor?, _ c0: Tensor?, _ lengths: [Int]?, _ reverse: Bool) {
        precondition(x.rank == 3, "recurrent layer input \(x.shape) is not [B, T, I]")
        (batch, steps, inputs) = (x.shape[0], x.shape[1], x.shape[2])
        let gh = weightHH.shape[0]
        hidden = gh / Cell.gates
        precondition(weightHH.shape == [Cell.gates * hidden, hidden], "weight_hh \(weightHH.shape) for \(Cell.gates) gates")
        precondition(weightIH.shape == [gh, inputs], "weight_ih \(weightIH.shape) for input \(x.shape) and \(gh) gate rows")
        precondition(biasIH.map { $0.count == gh } ?? true, "bias_ih \(biasIH!.shape) for \(gh) gate rows")
        precondition(biasHH.map { $0.count == gh } ?? true, "bias_hh \(biasHH!.shape) for \(gh) gate rows")
        let (rows, positions, size) = (x.shape[0], x.shape[1], gh / Cell.gates)
        precondition(h0.map { $0.count == rows * size } ?? true, "initial hidden state \(h0!.shape) is not [\(rows), \(size)]")
        precondition(c0.map { $0.count == rows * size } ?? true, "initial cell state \(c0!.shape) is not [\(rows), \(size)]")
        let lengths = lengths ?? Array(repeating: positions, count: rows)
        precondition(lengths.count == rows && lengths.allSatisfy { $0 >= 0 && $0 <= positions },
                     "lengths \(lengths) for a batch of \(rows) × \(positions)")
        (self.x, self.weightIH, self.weightHH, self.biasIH, self.biasHH) = (x, weightIH, weightHH, biasIH, biasHH)
        (self.h0, self.c0, self.lengths, self.reverse) = (h0, c0, lengths, reverse)
    }

    /// Position row b processes at step s (s < lengths[b]).
    @inline(__always)
    func position(_ b: Int, _ s: Int) -> Int { reverse ? lengths[b] - 1 - s : s }

    /// Steps any row takes.
    var stepsTaken: Int { lengths.max() ?? 0 }

    /// 1 where row b takes step s, else 0: [T·lanes].
    func activeLanes() -> Tensor {
        let (b, t) = (batch, steps)
        let w = lanesPerStep
        let active = Tensor(uninitializedShape: [t * w])
        for s in 0..<t { for row in 0..<w { active.data[s * w + row] = row < b && s < lengths[row] ? 1 : 0 } }
        return active
    }

    /// Lanes per step: the batch rounded up to a multiple of 8 (the cells' vector width); the
    /// extra lanes are never active.
    var lanesPerStep: Int { (batch + 7) / 8 * 8 }

    /// A [B, H] state → its feature-major block [H, lanes] (extra lanes 0).
    func featureMajor(_ source: UnsafePointer<Float>) -> Tensor {
        let (b, n, w) = (batch, hidden, lanesPerStep)
        let out = Tensor.zeros([n, w])
        for row in 0..<b { for j in 0..<n { out.data[j * w + row] = source[row * n + j] } }
        return out
    }

    /// A feature-major block [H, lanes] → the [B, H] state.
    func batchMajor(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let (b, n, w) = (batch, hidden, lanesPerStep)
        for row in 0..<b { for j in 0..<n { target[row * n + j] = source[j * w + row] } }
    }

    /// Hidden units split into `parts` ranges; each part's steps run on its own thread.
    ///
    /// Gate rows are kept part-major: part p's rows are its G gate blocks of |U_p| units, so a
    /// part's share of a step is one product W_hh[part rows] · h and its cells touch only its own
    /// rows. A step then needs one synchronization (every part reads the whole previous state).
    struct Partition {
        let units: [Range<Int>]
        let gates: Int
        /// Internal gate row → PyTorch's row (gate g, unit j at g·H + j).
        let original: [Int]

        init(hidden n: Int, gates: Int, parts: Int) {
            self.gates = gates
            units = (0..<parts).map { Parallelism.chunkRange($0, of: parts, count: n) }
            var original: [Int] = []
            for range in units { for g in 0..<gates { for j in range { original.append(g * n + j) } } }
            self.original = original
        }

        /// First internal gate row of part p.
        func firstRow(_ p: Int) -> Int { gates * units[p].lowerBound }

        /// Rows of `matrix` [G·H, columns] in internal order.
        func permuted(_ matrix: UnsafePointer<Float>, columns: Int) -> Tensor {
            let out = Tensor(uninitializedShape: [original.count, columns])
            for (r, o) in original.enumerated() { (out.data + r * columns).update(from: matrix + o * columns, count: columns) }
            return out
        }

        /// Writes (or adds) internal-order rows back in PyTorch's order.
        func restore(_ matrix: UnsafePointer<Float>, columns: Int, into target: UnsafeMutablePointer<Float>, accumulate: Bool) {
            for (r, o) in original.enumerated() {
                if accumulate { Kernels.add(matrix + r * columns, into: target + o * columns, count: columns) }
                else { (target + o * columns).update(from: matrix + r * columns, count: columns) }
            }
        }
    }

    /// Steps run on two threads when a step's recurrent product has at least this many
    /// multiply-adds (below it the synchronization costs more than it saves).
    var partition: Partition {
        let work = Cell.gates * hidden * hidden * lanesPerStep
        let parts = Parallelism.threads >= 2 && hidden >= 16 && work >= RecurrentParallelism.minimumStepWork ? 2 : 1
        return Partition(hidden: hidden, gates: Cell.gates, parts: parts)
    }

    /// Runs `body(part, step)` for every part and step, steps in order; the parts of a step run
    /// side by side when there are two, meeting before the next step.
    static func forEachStep(_ steps: Int, parts: Int, _ body: (_ part: Int, _ step: Int) -> Void) {
        if parts == 1 { for s in 0..<steps { body(0, s) } } else { Parallelism.lockstep(steps: steps, body) }
    }

    func run() -> RecurrentLayerOutput {
        let (b, t, n) = (batch, steps, hidden)
        let gh = Cell.gates * n, w = lanesPerStep, lanes = t * w
        let active = activeLanes()
        let split = partition, parts = split.units.count
        // Inputs in step order: row s·lanes + b is x[b, position(b, s)] (zero past the row's end).
        let xs = Tensor.zeros([lanes, inputs])
        for row in 0..<b {
            for s in 0..<lengths[row] {
                (xs.data + (s * w + row) * inputs).update(from: x.data + (row * t + position(row, s)) * inputs, count: inputs)
            }
        }
        // Gate pre-activations [G·H, T·lanes] (internal row order) = W_ih · xsᵀ + the biases that
        // add outside the cell (all of b_ih + b_hh, except GRU's b_hn, which the reset gate multiplies).
        let wih = split.permuted(weightIH.data, columns: inputs), whh = split.permuted(weightHH.data, columns: n)
        let bias = Tensor.zeros([gh])
        if let biasIH { Kernels.add(biasIH.data, into: bias.data, count: gh) }
        if let biasHH { Kernels.add(biasHH.data, into: bias.data, count: isGRU ? 2 * n : gh) }
        let gates = Tensor(uninitializedShape: [gh, lanes])
        for (r, o) in split.original.enumerated() { (gates.data + r * lanes).update(repeating: bias.data[o], count: lanes) }
        Gemm.multiply(wih.data, transposeA: false, xs.data, transposeB: true, gates.data, m: gh, n: lanes, k: inputs, beta: 1)

        // The states [H, (T + 1)·lanes], feature-major: column s·lanes is the state before step s,
        // so step s reads its block and writes the next one (the block after the last step taken
        // is the final state, the blocks after step s are the outputs), with no copies; the row
        // stride, one step more than the gates', is no multiple of 4 KB (rows far apart in L1's sets).
        let ldh = lanes + w
        let states = Tensor(uninitializedShape: [n, ldh])
        let h = h0.map { featureMajor($0.data) } ?? Tensor.zeros([n, w])
        for j in 0..<n { (states.data + j * ldh).update(from: h.data + j * w, count: w) }
        let c: Tensor? = isLSTM ? c0.map { featureMajor($0.data) } ?? Tensor.zeros([n, w]) : nil
        let saved = Tensor(uninitializedShape: [Swift.max(Cell.savedBlocks, 1) * n, lanes])
        let hh: Tensor? = Cell.recurrentIntoGates ? nil : Tensor(uninitializedShape: [gh, w])
        // Each part's gate rows of W_hh, packed once for the steps' products.
        let packedHH = !PackedWeight.isFaster ? [] : (0..<parts).map { p in
            PackedWeight(whh.data + split.firstRow(p) * n, rows: Cell.gates * split.units[p].count, depth: n,
                         rowStride: n, depthStride: 1)
        }
        let scratch = (0..<parts).map { _ in Tensor(uninitializedShape: [PackedWeight.depthBlock * w]) }
        let taken = stepsTaken
        // Without the packed kernel the steps' products are single-threaded sgemm calls.
        if packedHH.isEmpty && parts > 1 { openblas_set_num_threads(1) }
        Self.forEachStep(taken, parts: parts) { p, s in
            let column = s * w
            let units = split.units[p], u0 = units.lowerBound, rows = split.firstRow(p)
            // This part's gate rows of W_hh · h_prev (the whole previous state).
            let m = Cell.gates * units.count, before = states.data + column
            switch (hh, packedHH.isEmpty) {
            case (let hh?, false):
                packedHH[p].multiply(before, ldb: ldh, lanes: w, into: hh.data + rows * w, ldc: w,
                                     accumulate: false, scratch: scratch[p].data)
            case (nil, false):
                packedHH[p].multiply(before, ldb: ldh, lanes: w, into: gates.data + rows * lanes + column,
                                     ldc: lanes, accumulate: true, scratch: scratch[p].data)
            case (let hh?, true):
                sgemm(false, false, m, w, n, 1, whh.data + rows * n, n, before, ldh, 0, hh.data + rows * w, w)
            case (nil, true):
                sgemm(false, false, m, w, n, 1, whh.data + rows * n, n, before, ldh, 1,
                      gates.data + rows * lanes + column, lanes)
            }
            Cell.forward(hidden: units.count, lanes: w, gates: gates.data + rows * lanes + column, ld: lanes,
                         hh: hh.map { UnsafePointer($0.data + rows * w) },
                         hiddenBias: isGRU ? biasHH.map { UnsafePointer($0.data + 2 * n + u0) } : nil,
                         hPrev: before + u0 * ldh, h: before + w + u0 * ldh, ldh: ldh, c: c.map { $0.data + u0 * w },
                         saved: saved.data + Cell.savedBlocks * u0 * lanes + column, active: active.data + column)
        }
        if packedHH.isEmpty && parts > 1 { openblas_set_num_threads(Int32(Parallelism.threads)) }

        // Outputs [B, T, H] (zero at padding), then final h [B, H] and c [B, H], in one buffer.
        let finalOffset = b * t * n, cellOffset = finalOffset + b * n
        let packed = Tensor.zeros([cellOffset + (isLSTM ? b * n : 0)])
        // A transpose [H, T·lanes] → [B, T, H] in bands of 16 features, so the source rows stay in cache.
        var target = [Int](repeating: -1, count: lanes)
        for row in 0..<b { for s in 0..<lengths[row] { target[s * w + row] = (row * t + position(row, s)) * n } }
        for band in stride(from: 0, to: n, by: 16) {
            let end = Swift.min(band + 16, n)
            for lane in 0..<lanes where target[lane] >= 0 {
                let out = packed.data + target[lane]
                for j in band..<end { out[j] = states.data[j * ldh + w + lane] }
            }
        }
        let final = states.data + taken * w
        for row in 0..<b { for j in 0..<n { packed.data[finalOffset + row * n + j] = final[j * ldh + row] } }
        if let c { batchMajor(c.data, into: packed.data + cellOffset) }

        let inputs = [x, weightIH, weightHH] + [biasIH, biasHH, h0, c0].compactMap { $0 }
        if Tensor.isRecording(inputs) {
            packed.record("recurrent layer", inputs: inputs) { _, g in
                backward(g, split: split, wih: wih, whh: whh, xs: xs, gates: gates, saved: saved, states: states, active: active)
            }
        }
        let output = packed.slice(axis: 0, 0..<finalOffset).reshaped([b, t, n])
        let hidden = packed.slice(axis: 0, finalOffset..<cellOffset).reshaped([b, n])
        let cellState = isLSTM ? packed.slice(axis: 0, cellOffset..<(cellOffset + b * n)).reshaped([b, n]) : nil
        return RecurrentLayerOutput(output: output, hidden: hidden, cell: cellState)
    }

    func backward(_ g: Tensor, split: Partition, wih: Tensor, whh: Tensor, xs: Tensor, gates: Tensor, saved: Tensor,
                  states: Tensor, active: Tensor) {
        let (b, t, n) = (batch, steps, hidden)
        let gh = Cell.gates * n, w = lanesPerStep, lanes = t * w, taken = stepsTaken, parts = split.units.count
        let ldh = lanes + w
        let finalOffset = b * t * n, cellOffset = finalOffset + b * n
        let dh = featureMajor(g.data + finalOffset)
        let dc: Tensor? = isLSTM ? featureMajor(g.data + cellOffset) : nil
        let dGates = Tensor(uninitializedShape: [gh, lanes])
        let dhh = isGRU ? Tensor(uninitializedShape: [gh, lanes]) : dGates
        for buffer in isGRU ? [dGates, dhh] : [dGates] where taken < t {
            for r in 0..<gh { (buffer.data + r * lanes + taken * w).update(repeating: 0, count: (t - taken) * w) }
        }
        let total = Tensor(uninitializedShape: [n, w]), direct = Tensor(uninitializedShape: [n, w])
        let recurrent = Tensor(uninitializedShape: [n, w])
        // W_hhᵀ's rows for each part's units (d(h_prev) = W_hhᵀ · dhh), packed once.
        let packed = !PackedWeight.isFaster ? [] : split.units.map { units in
            PackedWeight(whh.data + units.lowerBound, rows: units.count, depth: gh, rowStride: 1, depthStride: n)
        }
        let scratch = (0..<parts).map { _ in Tensor(uninitializedShape: [PackedWeight.depthBlock * w]) }
        if packed.isEmpty && parts > 1 { openblas_set_num_threads(1) }
        // Steps taken − 1 down to 0, then −1. In each: finish d(h) of step s + 1 (it needs every
        // part's gate gradients of that step), then this part's cells of step s.
        Self.forEachStep(taken + 1, parts: parts) { p, i in
            let s = taken - 1 - i
            let units = split.units[p], u0 = units.lowerBound, rows = split.firstRow(p)
            if s + 1 < taken {
                // d(h_prev) rows of this part = W_hhᵀ · dhh + direct; lanes past their end keep theirs.
                let later = (s + 1) * w, a = active.data + later
                if packed.isEmpty {
                    sgemm(true, false, units.count, w, gh, 1, whh.data + u0, n, dhh.data + later, lanes, 0,
                          recurrent.data + u0 * w, w)
                } else {
                    packed[p].multiply(dhh.data + later, ldb: lanes, lanes: w, into: recurrent.data + u0 * w, ldc: w,
                                       accumulate: false, scratch: scratch[p].data)
                }
                for j in units {
                    let d = dh.data + j * w, r = recurrent.data + j * w, e = direct.data + j * w
                    forEachLaneChunk(w) { row in
                        let updated = VectorMath.load(r + row) + VectorMath.load(e + row)
                        VectorMath.store(VectorMath.load(d + row).replacing(with: updated, where: VectorMath.load(a + row) .!= 0),
                                         d + row)
                    }
                }
            }
            guard s >= 0 else { return }
            let column = s * w
            // The gradient reaching the state after step s: from later steps and the output.
            for j in units { (total.data + j * w).update(from: dh.data + j * w, count: w) }
            for row in 0..<b where s < lengths[row] {
                let source = g.data + (row * t + position(row, s)) * n
                for j in units { total.data[j * w + row] += source[j] }
            }
            Cell.backward(hidden: units.count, lanes: w, gates: gates.data + rows * lanes + column,
                          saved: saved.data + Cell.savedBlocks * u0 * lanes + column,
                          hPrev: states.data + u0 * ldh + column, ldh: ldh, ld: lanes, dh: total.data + u0 * w, dc: dc.map { $0.data + u0 * w },
                          dGates: dGates.data + rows * lanes + column, dhh: dhh.data + rows * lanes + column,
                          direct: direct.data + u0 * w, active: active.data + column)
        }
        if packed.isEmpty && parts > 1 { openblas_set_num_threads(Int32(Parallelism.threads)) }
        // d(h0): the last region left dh = d(state before step 0).
        if x.requiresGrad {
            // d(xs) [T·lanes, I] = dGatesᵀ · W_ih, then back to positions.
            let dxs = Tensor(uninitializedShape: [lanes, inputs])
            Gemm.multiply(dGates.data, transposeA: true, wih.data, transposeB: false, dxs.data, m: lanes, n: inputs, k: gh)
            let gx = x.zeroFilledGrad()
            for row in 0..<b {
                for s in 0..<lengths[row] {
                    Kernels.add(dxs.data + (s * w + row) * inputs, into: gx + (row * t + position(row, s)) * inputs, count: inputs)
                }
            }
        }
        if weightIH.requiresGrad {
            let d = Tensor(uninitializedShape: [gh, inputs])   // dGates · xs, internal rows
            Gemm.multiply(dGates.data, transposeA: false, xs.data, transposeB: false, d.data, m: gh, n: inputs, k: lanes)
            weightIH.updateGrad { gw, acc in split.restore(d.data, columns: inputs, into: gw, accumulate: acc) }
        }
        if weightHH.requiresGrad {
            let d = Tensor(uninitializedShape: [gh, n])        // dhh · (states before each step)ᵀ, internal rows
            sgemm(false, true, gh, n, lanes, 1, dhh.data, lanes, states.data, ldh, 0, d.data, n)
            weightHH.updateGrad { gw, acc in split.restore(d.data, columns: n, into: gw, accumulate: acc) }
        }
        // The biases' gradients: the gates' row sums (the same sums for both unless GRU).
        var gateSums: Tensor?
        if let biasIH, biasIH.requiresGrad {
            let d = Tensor(uninitializedShape: [gh])
            Self.rowSums(dGates.data, rows: gh, columns: lanes, into: d.data, accumulate: false)
            biasIH.updateGrad { gb, acc in split.restore(d.data, columns: 1, into: gb, accumulate: acc) }
            gateSums = d
        }
        if let biasHH, biasHH.requiresGrad {
            let d = !isGRU && gateSums != nil ? gateSums! : Tensor(uninitializedShape: [gh])
            if isGRU || gateSums == nil { Self.rowSums(dhh.data, rows: gh, columns: lanes, into: d.data, accumulate: false) }
            biasHH.updateGrad { gb, acc in split.restore(d.data, columns: 1, into: gb, accumulate: acc) }
        }
        if let h0, h0.requiresGrad {
            h0.updateGrad { gh0, acc in
                let t = Tensor(uninitializedShape: [b, n])
                batchMajor(dh.data, into: t.data)
                if acc { Kernels.add(t.data, into: gh0, count: b * n) } else { gh0.update(from: t.data, count: b * n) }
            }
        }
        if let c0, let dc, c0.requiresGrad {
            c0.updateGrad { gc0, acc in
                let t = Tensor(uninitializedShape: [b, n])
                batchMajor(dc.data, into: t.data)
                if acc { Kernels.add(t.data, into: gc0, count: b * n) } else { gc0.update(from: t.data, count: b * n) }
            }
        }
    }

    static func rowSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        for r in 0..<rows {
            let total = Kernels.sum(x + r * columns, count: columns)
            y[r] = accumulate ? y[r] + total : total
        }
    }
}

/// When the recurrent layer's steps run on two threads (tests lower the threshold to cover the
/// parallel path on small layers).
enum RecurrentParallelism {
    /// Multiply-adds of one step's recurrent product (G·H × H × lanes) from which it pays.
    nonisolated(unsafe) static var minimumStepWork = 1 << 20
}
