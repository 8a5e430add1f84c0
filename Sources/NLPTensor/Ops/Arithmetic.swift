// Binary arithmetic with NumPy broadcasting (`[B, T, C] + [C]`, `[B, T, C] * [B, T, 1]`, …) and
// with scalars. Backward reduces each gradient back to its operand's shape.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let plan = BroadcastPlan(a.shape, b.shape)
        let out = Tensor(uninitializedShape: plan.shape)
        Kernels.broadcastZip(a.data, b.data, out.data, plan: plan, Functions.Add())
        if isRecording(a, b) {
            out.record("add", inputs: [a, b]) { _, g in
                a.receiveBroadcastGradient(g)
                b.receiveBroadcastGradient(g)
            }
        }
        return out
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let plan = BroadcastPlan(a.shape, b.shape)
        let out = Tensor(uninitializedShape: plan.shape)
        Kernels.broadcastZip(a.data, b.data, out.data, plan: plan, Functions.Subtract())
        if isRecording(a, b) {
            out.record("sub", inputs: [a, b]) { _, g in
                a.receiveBroadcastGradient(g)
                if b.requiresGrad { b.receiveBroadcastGradient(g.negatedData()) }
            }
        }
        return out
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let plan = BroadcastPlan(a.shape, b.shape)
        let out = Tensor(uninitializedShape: plan.shape)
        Kernels.broadcastZip(a.data, b.data, out.data, plan: plan, Functions.Multiply())
        if isRecording(a, b) {
            out.record("mul", inputs: [a, b]) { _, g in
                // d/da = g·b, d/db = g·a, each summed over the dimensions its operand was stretched in.
                if a.requiresGrad { a.receiveProductGradient(g, times: b) }
                if b.requiresGrad { b.receiveProductGradient(g, times: a) }
            }
        }
        return out
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let plan = BroadcastPlan(a.shape, b.shape)
        let out = Tensor(uninitializedShape: plan.shape)
        Kernels.broadcastZip(a.data, b.data, out.data, plan: plan, Functions.Divide())
        if isRecording(a, b) {
            out.record("div", inputs: [a, b]) { out, g in
                if a.requiresGrad {
                    // d/da = g / b
                    let ga = Tensor(uninitializedShape: out.shape)
                    Kernels.broadcastZip(g.data, b.data, ga.data, plan: BroadcastPlan(out.shape, b.shape), Functions.Divide())
                    a.receiveBroadcastGradient(ga, owned: true)
                }
                if b.requiresGrad {
                    // d/db = -g · out / b
                    let gb = Tensor(uninitializedShape: out.shape)
                    Kernels.zip(g.data, out.data, gb.data, count: out.count, Functions.ScaledProduct(-1))
                    let q = Tensor(uninitializedShape: out.shape)
                    Kernels.broadcastZip(gb.data, b.data, q.data, plan: BroadcastPlan(out.shape, b.shape), Functions.Divide())
                    b.receiveBroadcastGradient(q, owned: true)
                }
            }
        }
        return out
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.scaled(by: -1)
    }

    // Scalars.

    public static func + (a: Tensor, s: Float) -> Tensor {
        let out = Tensor(uninitializedShape: a.shape)
        Kernels.map(a.data, out.data, count: a.count, Functions.Affine(scale: 1, shift: s))
        if isRecording(a) { out.record("add scalar", inputs: [a]) { _, g in a.accumulateGrad(g, owned: false) } }
        return out
    }

    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.scaled(by: -1, adding: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.scaled(by: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.scaled(by: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.scaled(by: 1 / s) }

    public static func / (s: Float, a: Tensor) -> Tensor {
        let out = Tensor(uninitializedShape: a.shape)
        Kernels.map(a.data, out.data, count: a.count, Functions.DivideInto(s))
        if isRecording(a) {
            out.record("scalar div", inputs: [a]) { out, g in
                a.updateGrad { ga, acc in
                    // d(s/a)/da = -s/a² = -out/a
                    Kernels.zip3(g.data, out.data, a.data, ga, count: a.count, accumulate: acc, Functions.NegatedQuotientProduct())
                }
            }
        }
        return out
    }

    /// `self · scale + shift`, one pass.
    public func scaled(by scale: Float, adding shift: Float = 0) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Kernels.map(data, out.data, count: count, Functions.Affine(scale: scale, shift: shift))
        if Tensor.isRecording(self) {
            out.record("scale", inputs: [self]) { [self] _, g in
                updateGrad { ga, acc in Kernels.map(g.data, ga, count: count, accumulate: acc, Functions.Affine(scale: scale, shift: 0)) }
            }
        }
        return out
    }

    // Gradient routing for broadcast operands.

    /// Adds `g` (of the broadcast output shape) summed down to this tensor's shape.
    func receiveBroadcastGradient(_ g: Tensor, owned: Bool = false) {
        guard requiresGrad else { return }
        if g.count == count {
            accumulateGrad(g, owned: owned)
        } else {
            updateGrad { ga, acc in Kernels.sumToShape(g.data, from: g.shape, ga, to: shape, accumulate: acc) }
        }
    }

    /// Adds `g · other` summed down to this tensor's shape (the product rule under broadcasting).
    func receiveProductGradient(_ g: Tensor, times other: Tensor) {
        let plan = BroadcastPlan(g.shape, other.shape)
        if g.count == count {
            updateGrad { ga, acc in Kernels.broadcastZip(g.data, other.data, ga, plan: plan, accumulate: acc, Functions.Multiply()) }
        } else {
            let product = Tensor(uninitializedShape: g.shape)
            Kernels.broadcastZip(g.data, other.data, product.data, plan: plan, Functions.Multiply())
            updateGrad { ga, acc in Kernels.sumToShape(product.data, from: g.shape, ga, to: shape, accumulate: acc) }
        }
    }

    /// A new tensor holding -self (no graph).
    func negatedData() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Kernels.map(data, out.data, count: count, Functions.Affine(scale: -1, shift: 0))
        return out
    }
}
