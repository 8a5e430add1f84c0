// The cells of the fused recurrent layer (RecurrentLayer.swift), forward and backward side by
// side. Gate layouts and equations are PyTorch's (nn.RNN, nn.LSTM, nn.GRU), so their weights load
// unchanged. A cell works on one step of the whole batch in the layer's feature-major layout:
// row r of a block holds feature r for every row of the batch ("lanes", contiguous), so the
// inner loops run over the batch and vectorize. H = hidden size, G·H gate rows.
//
// Lanes past their sequence's end (`active` 0) compute but keep their state, and pass the
// state's gradient through untouched with zero gradient into the gates.

/// A recurrent cell: gate blocks, what it keeps for the backward, and its two passes.
protocol RecurrentCellKernel {
    /// Gate blocks of H rows in W_ih / W_hh.
    static var gates: Int { get }
    /// Whether W_hh·h adds straight onto the gate pre-activations (RNN, LSTM) or stays apart
    /// (GRU, whose reset gate multiplies W_hn·h + b_hn).
    static var recurrentIntoGates: Bool { get }
    /// Extra H-row blocks saved per step for the backward.
    static var savedBlocks: Int { get }

    /// One step. `gates` (rows g at `gates + g·ld`) holds the pre-activations (with W_hh·h when
    /// `recurrentIntoGates`) and is overwritten with the activations; `hh` [G·H, lanes] is W_hh·h
    /// otherwise. The new state h (rows of stride ldh) is written from the state before, hPrev
    /// (same stride); c [H, lanes] is updated in place; `saved` rows (stride ld) are written.
    static func forward(hidden n: Int, lanes: Int, gates: UnsafeMutablePointer<Float>, ld: Int,
                        hh: UnsafePointer<Float>?, hiddenBias: UnsafePointer<Float>?,
                        hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, ldh: Int,
                        c: UnsafeMutablePointer<Float>?,
                        saved: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>)

    /// One step back. `dh` [H, lanes] is the gradient reaching the new state (hPrev's rows have
    /// stride ldh, the gate blocks' ld); writes the gates'
    /// gradient (dGates rows, stride ld) and the recurrent projection's (dhh; the same buffer
    /// for RNN and LSTM), the part of d(h_prev) that bypasses W_hh (`direct` [H, lanes]), and
    /// updates dc [H, lanes] to d(c_prev).
    static func backward(hidden n: Int, lanes: Int, gates: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, ldh: Int, ld: Int, dh: UnsafePointer<Float>,
                         dc: UnsafeMutablePointer<Float>?,
                         dGates: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>)
}

/// Runs `body(offset)` over the lanes in chunks of eight (the layer pads lanes to a multiple of 8).
@inline(__always)
func forEachLaneChunk(_ lanes: Int, _ body: (Int) -> Void) {
    var b = 0
    while b < lanes {
        body(b)
        b += 8
    }
}

typealias V = VectorMath

/// Elman RNN: h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh). The gate row keeps h'.
enum TanhCell: RecurrentCellKernel {
    static var gates: Int { 1 }
    static var recurrentIntoGates: Bool { true }
    static var savedBlocks: Int { 0 }

    @inline(__always)
    static func forward(hidden n: Int, lanes: Int, gates: UnsafeMutablePointer<Float>, ld: Int,
                        hh: UnsafePointer<Float>?, hiddenBias: UnsafePointer<Float>?,
                        hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, ldh: Int,
                        c: UnsafeMutablePointer<Float>?,
                        saved: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>) {
        for j in 0..<n {
            let a = gates + j * ld, before = hPrev + j * ldh, state = h + j * ldh
            forEachLaneChunk(lanes) { b in
                let y = V.tanh(V.load(a + b))
                V.store(y, a + b)
                let keep = V.load(active + b) .!= 0
                V.store(V.load(before + b).replacing(with: y, where: keep), state + b)
            }
        }
    }

    @inline(__always)
    static func backward(hidden n: Int, lanes: Int, gates: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, ldh: Int, ld: Int, dh: UnsafePointer<Float>,
                         dc: UnsafeMutablePointer<Float>?,
                         dGates: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>) {
        for j in 0..<n {
            let y = gates + j * ld, d = dh + j * lanes, out = dGates + j * ld, e = direct + j * lanes
            forEachLaneChunk(lanes) { b in
                let v = V.load(y + b)
                V.store(V.load(active + b) * V.load(d + b) * (1 - v * v), out + b)
                V.store(Lanes(), e + b)
            }
        }
    }
}

/// LSTM, gates i, f, g, o: c' = f⊙c + i⊙g, h' = o⊙tanh(c'). Saves c and tanh(c').
enum LSTMCell: RecurrentCellKernel {
    static var gates: Int { 4 }
    static var recurrentIntoGates: Bool { true }
    static var savedBlocks: Int { 2 }

    @inline(__always)
    static func forward(hidden n: Int, lanes: Int, gates: UnsafeMutablePointer<Float>, ld: Int,
                        hh: UnsafePointer<Float>?, hiddenBias: UnsafePointer<Float>?,
                        hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, ldh: Int,
                        c: UnsafeMutablePointer<Float>?,
                        saved: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>) {
        let c = c!
        for j in 0..<n {
            let gi = gates + j * ld, gf = gates + (n + j) * ld, gg = gates + (2 * n + j) * ld, go = gates + (3 * n + j) * ld
            let savedC = saved + j * ld, savedT = saved + (n + j) * ld
            let before = hPrev + j * ldh, hj = h + j * ldh, cj = c + j * lanes
            forEachLaneChunk(lanes) { b in
                let i = V.sigmoid(V.load(gi + b)), f = V.sigmoid(V.load(gf + b))
                let g = V.tanh(V.load(gg + b)), o = V.sigmoid(V.load(go + b))
                let cPrev = V.load(cj + b)
                let cNew = f * cPrev + i * g
                let tc = V.tanh(cNew)
                V.store(i, gi + b); V.store(f, gf + b); V.store(g, gg + b); V.store(o, go + b)
                V.store(cPrev, savedC + b)
                V.store(tc, savedT + b)
                let keep = V.load(active + b) .!= 0
                V.store(cPrev.replacing(with: cNew, where: keep), cj + b)
                V.store(V.load(before + b).replacing(with: o * tc, where: keep), hj + b)
            }
        }
    }

    @inline(__always)
    static func backward(hidden n: Int, lanes: Int, gates: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, ldh: Int, ld: Int, dh: UnsafePointer<Float>,
                         dc: UnsafeMutablePointer<Float>?,
                         dGates: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>) {
        let dc = dc!
        for j in 0..<n {
            let gi = gates + j * ld, gf = gates + (n + j) * ld, gg = gates + (2 * n + j) * ld, go = gates + (3 * n + j) * ld
            let savedC = saved + j * ld, savedT = saved + (n + j) * ld
            let di = dGates + j * ld, df = dGates + (n + j) * ld, dg = dGates + (2 * n + j) * ld, dO = dGates + (3 * n + j) * ld
            let d = dh + j * lanes, dcj = dc + j * lanes, e = direct + j * lanes
            forEachLaneChunk(lanes) { b in
                let i = V.load(gi + b), f = V.load(gf + b), g = V.load(gg + b), o = V.load(go + b)
                let tc = V.load(savedT + b), a = V.load(active + b), dhb = V.load(d + b)
                let dcOld = V.load(dcj + b)
                let dcTotal = dcOld + dhb * o * (1 - tc * tc)
                let scaled = a * dcTotal
                V.store(scaled * g * i * (1 - i), di + b)
                V.store(scaled * V.load(savedC + b) * f * (1 - f), df + b)
                V.store(scaled * i * (1 - g * g), dg + b)
                V.store(a * dhb * tc * o * (1 - o), dO + b)
                V.store(dcOld.replacing(with: dcTotal * f, where: a .!= 0), dcj + b)
                V.store(Lanes(), e + b)
            }
        }
    }
}

/// GRU, gates r, z, n: n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn)), h' = (1 − z)⊙n + z⊙h.
/// Saves W_hn·h + b_hn.
enum GRUCell: RecurrentCellKernel {
    static var gates: Int { 3 }
    static var recurrentIntoGates: Bool { false }
    static var savedBlocks: Int { 1 }

    @inline(__always)
    static func forward(hidden n: Int, lanes: Int, gates: UnsafeMutablePointer<Float>, ld: Int,
                        hh: UnsafePointer<Float>?, hiddenBias: UnsafePointer<Float>?,
                        hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, ldh: Int,
                        c: UnsafeMutablePointer<Float>?,
                        saved: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>) {
        let hh = hh!
        for j in 0..<n {
            let gr = gates + j * ld, gz = gates + (n + j) * ld, gn = gates + (2 * n + j) * ld
            let hr = hh + j * lanes, hz = hh + (n + j) * lanes, hnRow = hh + (2 * n + j) * lanes
            let savedN = saved + j * ld, before = hPrev + j * ldh, hj = h + j * ldh
            let bias = Lanes(repeating: hiddenBias?[j] ?? 0)
            forEachLaneChunk(lanes) { b in
                let r = V.sigmoid(V.load(gr + b) + V.load(hr + b))
                let z = V.sigmoid(V.load(gz + b) + V.load(hz + b))
                let hn = V.load(hnRow + b) + bias
                let candidate = V.tanh(V.load(gn + b) + r * hn)
                V.store(r, gr + b); V.store(z, gz + b); V.store(candidate, gn + b)
                V.store(hn, savedN + b)
                let old = V.load(before + b)
                let keep = V.load(active + b) .!= 0
                V.store(old.replacing(with: (1 - z) * candidate + z * old, where: keep), hj + b)
            }
        }
    }

    @inline(__always)
    static func backward(hidden n: Int, lanes: Int, gates: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, ldh: Int, ld: Int, dh: UnsafePointer<Float>,
                         dc: UnsafeMutablePointer<Float>?,
                         dGates: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>, active: UnsafePointer<Float>) {
        for j in 0..<n {
            let gr = gates + j * ld, gz = gates + (n + j) * ld, gn = gates + (2 * n + j) * ld
            let savedN = saved + j * ld, hp = hPrev + j * ldh
            let dr = dGates + j * ld, dz = dGates + (n + j) * ld, dn = dGates + (2 * n + j) * ld
            let hr = dhh + j * ld, hz = dhh + (n + j) * ld, hn = dhh + (2 * n + j) * ld
            let d = dh + j * lanes, e = direct + j * lanes
            forEachLaneChunk(lanes) { b in
                let r = V.load(gr + b), z = V.load(gz + b), candidate = V.load(gn + b)
                let ad = V.load(active + b) * V.load(d + b)
                let dCandidate = ad * (1 - z) * (1 - candidate * candidate)
                let dReset = dCandidate * V.load(savedN + b) * r * (1 - r)
                let dUpdate = ad * (V.load(hp + b) - candidate) * z * (1 - z)
                V.store(dReset, dr + b); V.store(dUpdate, dz + b); V.store(dCandidate, dn + b)
                V.store(dReset, hr + b); V.store(dUpdate, hz + b); V.store(dCandidate * r, hn + b)
                V.store(V.load(d + b) * z, e + b)
            }
        }
    }
}
