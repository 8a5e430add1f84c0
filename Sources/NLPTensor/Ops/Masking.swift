// Masked fill and dropout.

extension Tensor {
    /// `value` wherever `mask` (broadcast to self's shape) is non-zero, self elsewhere. The
    /// gradient flows only through the positions kept.
    public func maskedFill(_ mask: Tensor, with value: Float) -> Tensor {
        let plan = BroadcastPlan(shape, mask.shape)
        precondition(plan.shape == shape, "mask of shape \(mask.shape) does not broadcast to \(shape)")
        let out = Tensor(uninitializedShape: shape)
        Kernels.broadcastZip(data, mask.data, out.data, plan: plan, Functions.Fill(value))
        if Tensor.isRecording(self) {
            out.record("masked fill", inputs: [self]) { [self] _, g in
                updateGrad { gx, acc in
                    Kernels.broadcastZip(g.data, mask.data, gx, plan: plan, accumulate: acc, Functions.Fill(0))
                }
            }
        }
        return out
    }

    /// Inverted dropout: each element is zeroed with probability `probability` and the rest are
    /// scaled by 1/(1 − p), so evaluation (`training: false`) is the identity. The mask comes from
    /// `generator`, so a seeded run drops the same elements every time.
    public func dropout(probability p: Float, training: Bool = true,
                        generator: RandomGenerator = .default) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability \(p) outside [0, 1)")
        guard training && p > 0 else { return self }
        let scale = 1 / (1 - p)
        let mask = Tensor(uninitializedShape: shape)
        generator.fill(mask.data, count: count, ThresholdTransform(probability: p, below: 0, above: scale))
        let out = Tensor(uninitializedShape: shape)
        Kernels.zip(data, mask.data, out.data, count: count, Functions.Multiply())
        if Tensor.isRecording(self) {
            out.record("dropout", inputs: [self]) { [self] _, g in
                updateGrad { gx, acc in Kernels.zip(g.data, mask.data, gx, count: count, accumulate: acc, Functions.Multiply()) }
            }
        }
        return out
    }
}
