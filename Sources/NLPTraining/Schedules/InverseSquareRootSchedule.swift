/// Linear warm-up to `peak`, then decay with the inverse square root of the step (Vaswani et al.
/// 2017; fairseq's `inverse_sqrt`): peak · √(warmup / step) after the warm-up.
public struct InverseSquareRootSchedule: LearningRateSchedule {
    public let peak: Float, warmupSteps: Int
    public init(peak: Float, warmupSteps: Int) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
    }
    public func learningRate(atStep step: Int) -> Float {
        let s = Float(step + 1), w = Float(max(1, warmupSteps))
        return s < w ? peak * s / w : peak * (w / s).squareRoot()
    }
}
