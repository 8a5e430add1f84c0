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

    func run() -> RecurrentLayerOutput {
        let (b, t, n) = (batch, steps, hidden)
        let gh = Cell.gates * n, savedWidth = Cell.savedWidth(hidden: n)
        // Input projection of every position, with the biases that add outside the cell folded in
        // (all of b_ih + b_hh, except GRU's b_hn, which the reset gate multiplies).
        let xp = Tensor(uninitializedShape: [b, t, gh])
        let bias = Tensor.zeros([gh])
        if let biasIH { Kernels.add(biasIH.data, into: bias.data, count: gh) }
        if let biasHH { Kernels.add(biasHH.data, into: bias.data, count: isGRU ? 2 * n : gh) }
        for r in 0..<(b * t) { (xp.data + r * gh).update(from: bias.data, count: gh) }
        Gemm.multiply(x.data, transposeA: false, weightIH.data, transposeB: true, xp.data, m: b * t, n: gh, k: inputs, beta: 1)
        let hiddenBias = isGRU ? biasHH.map { UnsafePointer($0.data + 2 * n) } : nil

        // Outputs [B, T, H], then final h [B, H] and c [B, H], in one buffer (one graph node).
        let finalOffset = b * t * n, cellOffset = finalOffset + b * n
        let packed = Tensor.zeros([cellOffset + (isLSTM ? b * n : 0)])
        let h = packed.data + finalOffset
        if let h0 { h.update(from: h0.data, count: b * n) }
        let c: UnsafeMutablePointer<Float>? = isLSTM ? packed.data + cellOffset : nil
        if let c, let c0 { c.update(from: c0.data, count: b * n) }
        let saved = Tensor(uninitializedShape: [b, t, savedWidth])
        let hPrev = Tensor.zeros([b, t, n])          // state before each position (zero at padding)
        let hh = Tensor(uninitializedShape: [b, gh])
        let out = packed.data
        for s in 0..<t {
            let active = (0..<b).filter { lengths[$0] > s }
            if active.isEmpty { break }
            Gemm.multiply(h, transposeA: false, weightHH.data, transposeB: true, hh.data, m: b, n: gh, k: n)
            for row in active {
                let p = position(row, s), at = row * t + p
                let state = h + row * n
                (hPrev.data + at * n).update(from: state, count: n)
                Cell.forward(hidden: n, xp: xp.data + at * gh, hh: hh.data + row * gh, hiddenBias: hiddenBias,
                             h: state, c: c.map { $0 + row * n }, saved: saved.data + at * savedWidth)
                (out + at * n).update(from: state, count: n)
            }
        }

        let inputs = [x, weightIH, weightHH] + [biasIH, biasHH, h0, c0].compactMap { $0 }
        if Tensor.isRecording(inputs) {
            packed.record("recurrent layer", inputs: inputs) { _, g in
                backward(g, saved: saved, hPrev: hPrev)
            }
        }
        let output = packed.slice(axis: 0, 0..<finalOffset).reshaped([b, t, n])
        let final = packed.slice(axis: 0, finalOffset..<cellOffset).reshaped([b, n])
        let cellState = isLSTM ? packed.slice(axis: 0, cellOffset..<(cellOffset + b * n)).reshaped([b, n]) : nil
        return RecurrentLayerOutput(output: output, hidden: final, cell: cellState)
    }

    func backward(_ g: Tensor, saved: Tensor, hPrev: Tensor) {
        let (b, t, n) = (batch, steps, hidden)
        let gh = Cell.gates * n, savedWidth = Cell.savedWidth(hidden: n)
        let finalOffset = b * t * n, cellOffset = finalOffset + b * n
        let gOut = g.data
        let dh = Tensor(uninitializedShape: [b, n]), dhTotal = Tensor(uninitializedShape: [n])
        dh.data.update(from: g.data + finalOffset, count: b * n)
        let dc: Tensor? = isLSTM ? Tensor(uninitializedShape: [b, n]) : nil
        if let dc { dc.data.update(from: g.data + cellOffset, count: b * n) }
        let dxp = Tensor.zeros([b, t, gh])
        let dhh = isGRU ? Tensor.zeros([b, t, gh]) : dxp
        let direct = Tensor.zeros([b, n])
        let step = Tensor(uninitializedShape: [b, gh]), recurrent = Tensor(uninitializedShape: [b, n])
        for s in stride(from: t - 1, through: 0, by: -1) {
            let active = (0..<b).filter { lengths[$0] > s }
            if active.isEmpty { continue }
            step.data.update(repeating: 0, count: b * gh)
            for row in active {
                let at = row * t + position(row, s)
                let d = dh.data + row * n
                for j in 0..<n { dhTotal.data[j] = d[j] + gOut[at * n + j] }
                Cell.backward(hidden: n, dh: dhTotal.data, saved: saved.data + at * savedWidth,
                              hPrev: hPrev.data + at * n, dc: dc.map { $0.data + row * n },
                              dxp: dxp.data + at * gh, dhh: dhh.data + at * gh, direct: direct.data + row * n)
                (step.data + row * gh).update(from: dhh.data + at * gh, count: gh)
            }
            // d(h_prev) = direct + dhh · W_hh; rows past their length keep their gradient.
            Gemm.multiply(step.data, transposeA: false, weightHH.data, transposeB: false, recurrent.data, m: b, n: n, k: gh)
            for row in active {
                let d = dh.data + row * n, r = recurrent.data + row * n, e = direct.data + row * n
                for j in 0..<n { d[j] = r[j] + e[j] }
            }
        }
        let rows = b * t
        if x.requiresGrad {
            x.updateGrad { gx, acc in
                Gemm.multiply(dxp.data, transposeA: false, weightIH.data, transposeB: false, gx,
                              m: rows, n: inputs, k: gh, beta: acc ? 1 : 0)
            }
        }
        if weightIH.requiresGrad {
            weightIH.updateGrad { gw, acc in
                Gemm.multiply(dxp.data, transposeA: true, x.data, transposeB: false, gw, m: gh, n: inputs, k: rows, beta: acc ? 1 : 0)
            }
        }
        if weightHH.requiresGrad {
            weightHH.updateGrad { gw, acc in
                Gemm.multiply(dhh.data, transposeA: true, hPrev.data, transposeB: false, gw, m: gh, n: n, k: rows, beta: acc ? 1 : 0)
            }
        }
        if let biasIH, biasIH.requiresGrad {
            biasIH.updateGrad { gb, acc in Kernels.sumToShape(dxp.data, from: [rows, gh], gb, to: [gh], accumulate: acc) }
        }
        if let biasHH, biasHH.requiresGrad {
            biasHH.updateGrad { gb, acc in Kernels.sumToShape(dhh.data, from: [rows, gh], gb, to: [gh], accumulate: acc) }
        }
        if let h0, h0.requiresGrad { h0.accumulateGrad(dh, owned: true) }
        if let c0, let dc, c0.requiresGrad { c0.accumulateGrad(dc, owned: true) }
    }
}
