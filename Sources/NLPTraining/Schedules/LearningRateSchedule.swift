import Foundation

/// The learning rate as a function of the number of optimizer steps taken so far (0 for the
/// first step). Warm-up schedules rise linearly from 0 over `warmupSteps` (step / warmupSteps, as
/// Hugging Face transformers' schedules), then decay.
public protocol LearningRateSchedule: Sendable {
    func learningRate(atStep step: Int) -> Float
}

/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    public let rate: Float
    public init(rate: Float) { self.rate = rate }
    public func learningRate(atStep step: Int) -> Float { rate }
}

/// Linear warm-up to `peak`, then linear decay to 0 at `totalSteps`
/// (`get_linear_schedule_with_warmup`).
public struct LinearDecaySchedule: LearningRateSchedule {
    public let peak: Float, warmupSteps: Int, totalSteps: Int
    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        return peak * max(0, Float(totalSteps - step) / Float(max(1, totalSteps - warmupSteps)))
    }
}

/// Linear warm-up to `peak`, then a half cosine down to 0 at `totalSteps`
/// (`get_cosine_schedule_with_warmup` with 0.5 cycles).
public struct CosineDecaySchedule: LearningRateSchedule {
    public let peak: Float, warmupSteps: Int, totalSteps: Int
    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        let progress = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
        return peak * Float(max(0, 0.5 * (1 + cos(Double.pi * progress))))
    }
}

/// Linear warm-up to `peak`, then `peak · decay^(step − warmupSteps)`.
public struct ExponentialDecaySchedule: LearningRateSchedule {
    public let peak: Float, warmupSteps: Int, decay: Float
    public init(peak: Float, warmupSteps: Int, decay: Float) {
        self.peak = peak; self.warmupSteps = warmupSteps; self.decay = decay
    }
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        return peak * Float(pow(Double(decay), Double(step - warmupSteps)))
    }
}
