// One recurrent layer in one direction over a padded batch, as a single op with a hand-written
// backward through time. The input projection of the whole sequence is one sgemm; each step is
// one [B, H]·[H, G·H] sgemm plus the fused cell; the backward is one sgemm a step for d(h_prev),
// then one sgemm each for d(x), d(W_ih) and d(W_hh) over the whole sequence.
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

    func run() -> RecurrentLayerOutput {
        let (b, t, n) = (batch, steps, hidden)
        let gh = Cell.gates * n, w = lanesPerStep, lanes = t * w
        let active = activeLanes()
        // Inputs in step order: row s·B + b is x[b, position(b, s)] (zero past the row's end).
        let xs = Tensor.zeros([lanes, inputs])
        for row in 0..<b {
            for s in 0..<lengths[row] {
                (xs.data + (s * w + row) * inputs).update(from: x.data + (row * t + position(row, s)) * inputs, count: inputs)
            }
        }
        // Gate pre-activations [G·H, T·B] = W_ih · xsᵀ + the biases that add outside the cell
        // (all of b_ih + b_hh, except GRU's b_hn, which the reset gate multiplies).
        let gates = Tensor(uninitializedShape: [gh, lanes])
        let bias = Tensor.zeros([gh])
        if let biasIH { Kernels.add(biasIH.data, into: bias.data, count: gh) }
        if let biasHH { Kernels.add(biasHH.data, into: bias.data, count: isGRU ? 2 * n : gh) }
        for g in 0..<gh { (gates.data + g * lanes).update(repeating: bias.data[g], count: lanes) }
        Gemm.multiply(weightIH.data, transposeA: false, xs.data, transposeB: true, gates.data, m: gh, n: lanes, k: inputs, beta: 1)
        let hiddenBias = isGRU ? biasHH.map { UnsafePointer($0.data + 2 * n) } : nil

        // State [H, B] (feature-major), the state before each step and the cell's saved blocks.
        let h = h0.map { featureMajor($0.data) } ?? Tensor.zeros([n, w])
        let c: Tensor? = isLSTM ? c0.map { featureMajor($0.data) } ?? Tensor.zeros([n, w]) : nil
        let hPrev = Tensor(uninitializedShape: [n, lanes])
        let saved = Tensor(uninitializedShape: [Swift.max(Cell.savedBlocks, 1) * n, lanes])
        let outputs = Tensor(uninitializedShape: [n, lanes])
        let hh: Tensor? = Cell.recurrentIntoGates ? nil : Tensor(uninitializedShape: [gh, w])
        for s in 0..<stepsTaken {
            let column = s * w
            for j in 0..<n { (hPrev.data + j * lanes + column).update(from: h.data + j * w, count: w) }
            if let hh {
                sgemm(false, false, gh, w, n, 1, weightHH.data, n, h.data, w, 0, hh.data, w)
            } else {
                sgemm(false, false, gh, w, n, 1, weightHH.data, n, h.data, w, 1, gates.data + column, lanes)
            }
            Cell.forward(hidden: n, lanes: w, gates: gates.data + column, ld: lanes, hh: hh.map { UnsafePointer($0.data) },
                         hiddenBias: hiddenBias, h: h.data, c: c?.data, saved: saved.data + column,
                         active: active.data + column)
            for j in 0..<n { (outputs.data + j * lanes + column).update(from: h.data + j * w, count: w) }
        }

        // Outputs [B, T, H] (zero at padding), then final h [B, H] and c [B, H], in one buffer.
        let finalOffset = b * t * n, cellOffset = finalOffset + b * n
        let packed = Tensor.zeros([cellOffset + (isLSTM ? b * n : 0)])
        // A transpose [H, T·B] → [B, T, H] in bands of 16 features, so the source rows stay in cache.
        var target = [Int](repeating: -1, count: lanes)
        for row in 0..<b { for s in 0..<lengths[row] { target[s * w + row] = (row * t + position(row, s)) * n } }
        for band in stride(from: 0, to: n, by: 16) {
            let end = Swift.min(band + 16, n)
            for lane in 0..<lanes where target[lane] >= 0 {
                let out = packed.data + target[lane]
                for j in band..<end { out[j] = outputs.data[j * lanes + lane] }
            }
        }
        batchMajor(h.data, into: packed.data + finalOffset)
        if let c { batchMajor(c.data, into: packed.data + cellOffset) }

        let inputs = [x, weightIH, weightHH] + [biasIH, biasHH, h0, c0].compactMap { $0 }
        if Tensor.isRecording(inputs) {
            packed.record("recurrent layer", inputs: inputs) { _, g in
                backward(g, xs: xs, gates: gates, saved: saved, hPrev: hPrev, active: active)
            }
        }
        let output = packed.slice(axis: 0, 0..<finalOffset).reshaped([b, t, n])
        let final = packed.slice(axis: 0, finalOffset..<cellOffset).reshaped([b, n])
        let cellState = isLSTM ? packed.slice(axis: 0, cellOffset..<(cellOffset + b * n)).reshaped([b, n]) : nil
        return RecurrentLayerOutput(output: output, hidden: final, cell: cellState)
    }

    func backward(_ g: Tensor, xs: Tensor, gates: Tensor, saved: Tensor, hPrev: Tensor, active: Tensor) {
        let (b, t, n) = (batch, steps, hidden)
        let gh = Cell.gates * n, w = lanesPerStep, lanes = t * w, taken = stepsTaken
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
        for s in stride(from: taken - 1, through: 0, by: -1) {
            let column = s * w, a = active.data + column
            // The gradient reaching the state after step s: from later steps and from the output.
            total.data.update(from: dh.data, count: n * w)
            for row in 0..<b where s < lengths[row] {
                let source = g.data + (row * t + position(row, s)) * n
                for j in 0..<n { total.data[j * w + row] += source[j] }
            }
            Cell.backward(hidden: n, lanes: w, gates: gates.data + column, saved: saved.data + column,
                          hPrev: hPrev.data + column, ld: lanes, dh: total.data, dc: dc?.data,
                          dGates: dGates.data + column, dhh: dhh.data + column, direct: direct.data, active: a)
            // d(h_prev) = W_hhᵀ · dhh + direct; lanes past their end keep their gradient.
            sgemm(true, false, n, w, gh, 1, weightHH.data, n, dhh.data + column, lanes, 0, recurrent.data, w)
            for j in 0..<n {
                let d = dh.data + j * w, r = recurrent.data + j * w, e = direct.data + j * w
                forEachLaneChunk(w) { row in
                    let updated = VectorMath.load(r + row) + VectorMath.load(e + row)
                    VectorMath.store(VectorMath.load(d + row).replacing(with: updated, where: VectorMath.load(a + row) .!= 0),
                                     d + row)
                }
            }
        }
        if x.requiresGrad {
            // d(xs) [T·B, I] = dGatesᵀ · W_ih, then back to positions.
            let dxs = Tensor(uninitializedShape: [lanes, inputs])
            Gemm.multiply(dGates.data, transposeA: true, weightIH.data, transposeB: false, dxs.data, m: lanes, n: inputs, k: gh)
            let gx = x.zeroFilledGrad()
            for row in 0..<b {
                for s in 0..<lengths[row] {
                    Kernels.add(dxs.data + (s * w + row) * inputs, into: gx + (row * t + position(row, s)) * inputs, count: inputs)
                }
            }
        }
        if weightIH.requiresGrad {
            weightIH.updateGrad { gw, acc in   // [G·H, I] = dGates · xs
                Gemm.multiply(dGates.data, transposeA: false, xs.data, transposeB: false, gw, m: gh, n: inputs, k: lanes,
                              beta: acc ? 1 : 0)
            }
        }
        if weightHH.requiresGrad {
            weightHH.updateGrad { gw, acc in   // [G·H, H] = dhh · hPrevᵀ
                Gemm.multiply(dhh.data, transposeA: false, hPrev.data, transposeB: true, gw, m: gh, n: n, k: lanes,
                              beta: acc ? 1 : 0)
            }
        }
        if let biasIH, biasIH.requiresGrad {
            biasIH.updateGrad { gb, acc in Self.rowSums(dGates.data, rows: gh, columns: lanes, into: gb, accumulate: acc) }
        }
        if let biasHH, biasHH.requiresGrad {
            biasHH.updateGrad { gb, acc in Self.rowSums(dhh.data, rows: gh, columns: lanes, into: gb, accumulate: acc) }
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
