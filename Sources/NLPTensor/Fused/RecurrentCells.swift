// The cells of the fused recurrent layer (RecurrentLayer.swift), one row of the batch at a time,
// forward and backward side by side. Gate layouts and equations are PyTorch's (nn.RNN, nn.LSTM,
// nn.GRU), so their weights load unchanged. H = hidden size; `xp` is the input projection of the
// row's position (W_ih·x + biases folded in), `hh` the recurrent projection W_hh·h of this step.

/// A recurrent cell: how many gate blocks it projects to and what it keeps for the backward.
protocol RecurrentCellKernel {
    /// Gate blocks of H rows in W_ih / W_hh.
    static var gates: Int { get }
    /// Floats saved per position for the backward.
    static func savedWidth(hidden: Int) -> Int
    /// Advances one row: reads xp [G·H], hh [G·H]; updates h [H] (and c [H]); writes `saved`.
    /// `hiddenBias` is GRU's b_hn (which sits inside the reset gate), nil otherwise.
    static func forward(hidden n: Int, xp: UnsafePointer<Float>, hh: UnsafePointer<Float>,
                        hiddenBias: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
                        c: UnsafeMutablePointer<Float>?, saved: UnsafeMutablePointer<Float>)
    /// One row backward: dh [H] is the gradient reaching the new state (output + later steps);
    /// writes the gradients of the input projection (dxp [G·H]) and of the recurrent projection
    /// (dhh [G·H]; the same buffer as dxp for RNN and LSTM), the part of d(h_prev) that does not
    /// go through W_hh (`direct` [H]), and updates dc [H] to d(c_prev).
    static func backward(hidden n: Int, dh: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>?,
                         dxp: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>)
}

/// Elman RNN: h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh). Saves h'.
enum TanhCell: RecurrentCellKernel {
    static var gates: Int { 1 }
    static func savedWidth(hidden: Int) -> Int { hidden }

    @inline(__always)
    static func forward(hidden n: Int, xp: UnsafePointer<Float>, hh: UnsafePointer<Float>,
                        hiddenBias: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
                        c: UnsafeMutablePointer<Float>?, saved: UnsafeMutablePointer<Float>) {
        for j in 0..<n {
            let y = FastMath.tanh(xp[j] + hh[j])
            h[j] = y
            saved[j] = y
        }
    }

    @inline(__always)
    static func backward(hidden n: Int, dh: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>?,
                         dxp: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>) {
        for j in 0..<n {
            let y = saved[j]
            dxp[j] = dh[j] * (1 - y * y)
            direct[j] = 0
        }
    }
}

/// LSTM, gates i, f, g, o: c' = f⊙c + i⊙g, h' = o⊙tanh(c'). Saves i, f, g, o, c, tanh(c').
enum LSTMCell: RecurrentCellKernel {
    static var gates: Int { 4 }
    static func savedWidth(hidden: Int) -> Int { 6 * hidden }

    @inline(__always)
    static func forward(hidden n: Int, xp: UnsafePointer<Float>, hh: UnsafePointer<Float>,
                        hiddenBias: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
                        c: UnsafeMutablePointer<Float>?, saved: UnsafeMutablePointer<Float>) {
        let c = c!
        for j in 0..<n {
            let i = FastMath.sigmoid(xp[j] + hh[j])
            let f = FastMath.sigmoid(xp[n + j] + hh[n + j])
            let g = FastMath.tanh(xp[2 * n + j] + hh[2 * n + j])
            let o = FastMath.sigmoid(xp[3 * n + j] + hh[3 * n + j])
            let cPrev = c[j]
            let cNew = f * cPrev + i * g
            let tc = FastMath.tanh(cNew)
            c[j] = cNew
            h[j] = o * tc
            saved[j] = i
            saved[n + j] = f
            saved[2 * n + j] = g
            saved[3 * n + j] = o
            saved[4 * n + j] = cPrev
            saved[5 * n + j] = tc
        }
    }

    @inline(__always)
    static func backward(hidden n: Int, dh: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>?,
                         dxp: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>) {
        let dc = dc!
        for j in 0..<n {
            let i = saved[j], f = saved[n + j], g = saved[2 * n + j], o = saved[3 * n + j]
            let cPrev = saved[4 * n + j], tc = saved[5 * n + j]
            let d = dh[j]
            let dcj = dc[j] + d * o * (1 - tc * tc)
            dxp[j] = dcj * g * i * (1 - i)
            dxp[n + j] = dcj * cPrev * f * (1 - f)
            dxp[2 * n + j] = dcj * i * (1 - g * g)
            dxp[3 * n + j] = d * tc * o * (1 - o)
            dc[j] = dcj * f
            direct[j] = 0
        }
    }
}

/// GRU, gates r, z, n: n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn)), h' = (1 − z)⊙n + z⊙h.
/// Saves r, z, n and W_hn·h + b_hn.
enum GRUCell: RecurrentCellKernel {
    static var gates: Int { 3 }
    static func savedWidth(hidden: Int) -> Int { 4 * hidden }

    @inline(__always)
    static func forward(hidden n: Int, xp: UnsafePointer<Float>, hh: UnsafePointer<Float>,
                        hiddenBias: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
                        c: UnsafeMutablePointer<Float>?, saved: UnsafeMutablePointer<Float>) {
        for j in 0..<n {
            let r = FastMath.sigmoid(xp[j] + hh[j])
            let z = FastMath.sigmoid(xp[n + j] + hh[n + j])
            let hn = hh[2 * n + j] + (hiddenBias?[j] ?? 0)
            let candidate = FastMath.tanh(xp[2 * n + j] + r * hn)
            h[j] = (1 - z) * candidate + z * h[j]
            saved[j] = r
            saved[n + j] = z
            saved[2 * n + j] = candidate
            saved[3 * n + j] = hn
        }
    }

    @inline(__always)
    static func backward(hidden n: Int, dh: UnsafePointer<Float>, saved: UnsafePointer<Float>,
                         hPrev: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>?,
                         dxp: UnsafeMutablePointer<Float>, dhh: UnsafeMutablePointer<Float>,
                         direct: UnsafeMutablePointer<Float>) {
        for j in 0..<n {
            let r = saved[j], z = saved[n + j], candidate = saved[2 * n + j], hn = saved[3 * n + j]
            let d = dh[j]
            let dCandidate = d * (1 - z) * (1 - candidate * candidate)
            let dr = dCandidate * hn * r * (1 - r)
            let dz = d * (hPrev[j] - candidate) * z * (1 - z)
            dxp[j] = dr
            dxp[n + j] = dz
            dxp[2 * n + j] = dCandidate
            dhh[j] = dr
            dhh[n + j] = dz
            dhh[2 * n + j] = dCandidate * r
            direct[j] = d * z
        }
    }
}
