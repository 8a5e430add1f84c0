import Foundation

/// How a loss combines its per-element values.
public enum LossReduction: Sendable {
    /// The mean over the elements that count (cross-entropy: rows whose target is not ignored).
    case mean
    case sum
    /// One value per row (cross-entropy) or element (MSE).
    case none
}

extension Tensor {
    /// Cross-entropy of softmax(self) against class `targets`, fused (log-softmax, pick, reduce in
    /// one pass; the backward softmax − target is written straight into the gradient).
    /// self: [..., classes] logits; `targets`: one class per row, or `ignoreIndex` to skip the row.
    /// `labelSmoothing` ε mixes the target with the uniform distribution: (1 − ε)·onehot + ε/classes.
    /// `.mean` divides by the rows not ignored (0 when every row is ignored), as PyTorch does.
    public func crossEntropy(targets: [Int32], ignoreIndex: Int32 = -100, labelSmoothing: Float = 0,
                             reduction: LossReduction = .mean) -> Tensor {
        let classes = shape.last ?? 1, rows = count / Swift.max(classes, 1)
        precondition(targets.count == rows, "\(targets.count) targets for \(rows) rows of logits \(shape)")
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "label smoothing \(labelSmoothing) outside [0, 1]")
        var valid = 0
        for t in targets where t != ignoreIndex {
            precondition(t >= 0 && Int(t) < classes, "target \(t) out of range 0..<\(classes)")
            valid += 1
        }
        let eps = labelSmoothing, keep = 1 - labelSmoothing, uniform = labelSmoothing / Float(classes)
        let rowStats = Tensor(uninitializedShape: [rows, 2])   // max, log Σ e^(x − max)
        let perRow = Tensor(uninitializedShape: reduction == .none ? Array(shape.dropLast()) : [rows])
        let x = data, stats = rowStats.data, loss = perRow.data
        targets.withUnsafeBufferPointer { tp in
            Parallelism.forEachChunk(of: rows, costPerItem: classes * 20) { range in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: classes)
                defer { scratch.deallocate() }
                for r in range {
                    let px = x + r * classes
                    let t = tp[r]
                    if t == ignoreIndex { stats[2 * r] = 0; stats[2 * r + 1] = 0; loss[r] = 0; continue }
                    let (m, logSum) = Softmax.maxAndLogSum(px, count: classes, scratch: scratch)
                    stats[2 * r] = m
                    stats[2 * r + 1] = logSum
                    // −(1 − ε)·log p_t − ε/C·Σ log p_j with log p_j = (x_j − m) − logSum
                    var value = logSum - keep * (px[Int(t)] - m)
                    if eps > 0 { value -= uniform * (Kernels.sum(px, count: classes) - Float(classes) * m) }
                    loss[r] = value
                }
            }
        }
        let out: Tensor
        switch reduction {
        case .none: out = perRow
        case .sum: out = Tensor(Kernels.sum(loss, count: rows))
        case .mean: out = Tensor(valid == 0 ? 0 : Kernels.sum(loss, count: rows) / Float(valid))
        }
        if Tensor.isRecording(self) {
            out.record("cross entropy", inputs: [self]) { [self] _, g in
                updateGrad { gx, accumulate in
                    let gd = g.data, stats = rowStats.data, x = data
                    let meanScale = valid == 0 ? 0 : 1 / Float(valid)
                    targets.withUnsafeBufferPointer { tp in
                        Parallelism.forEachChunk(of: rows, costPerItem: classes * 20) { range in
                            for r in range {
                                let px = x + r * classes, pd = gx + r * classes
                                let t = tp[r]
                                let scale: Float
                                switch reduction {
                                case .none: scale = gd[r]
                                case .sum: scale = gd[0]
                                case .mean: scale = gd[0] * meanScale
                                }
                                if t == ignoreIndex {
                                    if !accumulate { pd.update(repeating: 0, count: classes) }
                                    continue
                                }
                                let m = stats[2 * r], logSum = stats[2 * r + 1], shift = scale * uniform
                                // d/dx_j = scale · (softmax_j − ε/C − (1 − ε)·[j = t])
                                if accumulate {
                                    for j in 0..<classes { pd[j] += scale * FastMath.exp((px[j] - m) - logSum) - shift }
                                } else {
                                    for j in 0..<classes { pd[j] = scale * FastMath.exp((px[j] - m) - logSum) - shift }
                                }
                                pd[Int(t)] -= scale * keep
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    public func crossEntropy(targets: [Int], ignoreIndex: Int = -100, labelSmoothing: Float = 0,
                             reduction: LossReduction = .mean) -> Tensor {
        crossEntropy(targets: targets.map { Int32(truncatingIfNeeded: $0) }, ignoreIndex: Int32(ignoreIndex),
                     labelSmoothing: labelSmoothing, reduction: reduction)
    }

    /// Squared error (self − target)², reduced; gradients flow to both sides.
    public func meanSquaredError(_ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
        precondition(target.shape == shape, "meanSquaredError of shapes \(shape) and \(target.shape)")
        let squares = Tensor(uninitializedShape: shape)
        Kernels.zip(data, target.data, squares.data, count: count, Functions.SquaredDifference())
        let out: Tensor
        switch reduction {
        case .none: out = squares
        case .sum: out = Tensor(Kernels.sum(squares.data, count: count))
        case .mean: out = Tensor(Kernels.sum(squares.data, count: count) / Float(Swift.max(count, 1)))
        }
        if Tensor.isRecording(self, target) {
            out.record("mse", inputs: [self, target]) { [self] _, g in
                let factor: Float = reduction == .mean ? 2 / Float(Swift.max(count, 1)) : 2
                let gd = g.data, perElement = reduction == .none
                for (t, sign) in [(self, Float(1)), (target, Float(-1))] where t.requiresGrad {
                    t.updateGrad { gt, acc in
                        if perElement {
                            Kernels.zip3(data, target.data, gd, gt, count: count, accumulate: acc, Functions.ScaledDifferenceProduct(sign * factor))
                        } else {
                            let s = sign * factor * gd[0]
                            Kernels.zip(data, target.data, gt, count: count, accumulate: acc, Functions.ScaledDifference(s))
                        }
                    }
                }
            }
        }
        return out
    }
}
