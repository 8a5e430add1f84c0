import XCTest
import Foundation
import NLPTensor
import NLPTraining

/// End to end: a 2-layer MLP learns two interleaved spirals (not linearly separable: a linear
/// model stays near 50 %) with the tensor ops, autograd and AdamW.
final class MLPLearningTests: XCTestCase {
    /// `count` points per arm of two spirals making 1.25 turns, with a little noise.
    private func spirals(count: Int, generator: RandomGenerator) -> (Tensor, [Int32]) {
        var points: [Float] = [], labels: [Int32] = []
        for arm in 0..<2 {
            for _ in 0..<count {
                let t = generator.nextFloat()
                let angle = Float(arm) * .pi + t * 2.5 * .pi
                let radius = 0.15 + t
                points += [radius * cos(angle) + 0.02 * generator.nextNormal(), radius * sin(angle) + 0.02 * generator.nextNormal()]
                labels.append(Int32(arm))
            }
        }
        return (Tensor(shape: [2 * count, 2], scalars: points), labels)
    }

    private func accuracy(_ logits: Tensor, _ labels: [Int32]) -> Float {
        let predicted = logits.argmax()
        return Float(zip(predicted, labels).filter { $0 == Int($1) }.count) / Float(labels.count)
    }

    func testTwoLayerMLPLearnsSpirals() {
        let generator = RandomGenerator(seed: 2024)
        let (train, trainLabels) = spirals(count: 500, generator: generator)
        let (test, testLabels) = spirals(count: 500, generator: generator)
        let hidden = 64
        let w1 = Tensor.normal([hidden, 2], standardDeviation: 1.5, generator: generator, requiresGrad: true)
        let b1 = Tensor.zeros([hidden], requiresGrad: true)
        let w2 = Tensor.normal([2, hidden], standardDeviation: 0.1, generator: generator, requiresGrad: true)
        let b2 = Tensor.zeros([2], requiresGrad: true)
        let parameters = [w1, b1, w2, b2]
        func forward(_ x: Tensor) -> Tensor { x.linear(weight: w1, bias: b1).tanh().linear(weight: w2, bias: b2) }

        // A linear classifier cannot do this (the problem is not linearly separable).
        let linear = Tensor.zeros([2, 2], requiresGrad: true), linearBias = Tensor.zeros([2], requiresGrad: true)
        let linearOptimizer = AdamW(parameters: [linear, linearBias], learningRate: 0.05, weightDecay: 0)
        for _ in 0..<300 {
            linearOptimizer.zeroGrad()
            train.linear(weight: linear, bias: linearBias).crossEntropy(targets: trainLabels).backward()
            linearOptimizer.step()
        }
        XCTAssertLessThan(accuracy(noGrad { test.linear(weight: linear, bias: linearBias) }, testLabels), 0.75)

        let optimizer = AdamW(parameters: parameters, learningRate: 0.02, weightDecay: 1e-4)
        let schedule = CosineDecaySchedule(peak: 0.02, warmupSteps: 50, totalSteps: 800)
        var firstLoss: Float = 0, loss: Float = 0
        for step in 0..<800 {
            optimizer.learningRate = schedule.learningRate(atStep: step)
            optimizer.zeroGrad()
            let l = forward(train).crossEntropy(targets: trainLabels)
            l.backward()
            clipGradientNorm(parameters, maxNorm: 5)
            optimizer.step()
            loss = l.scalar
            if step == 0 { firstLoss = loss }
        }
        let testAccuracy = accuracy(noGrad { forward(test) }, testLabels)
        print("spirals: loss \(firstLoss) → \(loss), test accuracy \(testAccuracy)")
        XCTAssertGreaterThan(firstLoss, 0.6)
        XCTAssertLessThan(loss, 0.05, "training loss bound")
        XCTAssertGreaterThanOrEqual(testAccuracy, 0.98)
    }
}
