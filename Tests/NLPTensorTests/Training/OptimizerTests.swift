import XCTest
import Foundation
import NLPTensor
@testable import NLPTraining

/// SGD, Adam and AdamW against torch.optim on the same parameters and gradients
/// (Fixtures/optimizers.safetensors from scripts/fixtures/tensor_reference.py).
final class OptimizerTests: XCTestCase {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/optimizers.safetensors").path

    private func fixture() throws -> SafetensorsFile {
        guard FileManager.default.fileExists(atPath: Self.path) else { throw XCTSkip("fixture \(Self.path) missing") }
        return try SafetensorsFile(contentsOf: Self.path)
    }

    private func config(_ f: SafetensorsFile, _ name: String) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(f.metadata[name]!.utf8)) as! [String: Any]
    }

    private func number(_ c: [String: Any], _ key: String, _ fallback: Float = 0) -> Float {
        (c[key] as? NSNumber)?.floatValue ?? fallback
    }

    /// Runs six steps with the fixture's gradients and compares θ after each with PyTorch's.
    private func replay(_ name: String, _ make: ([Tensor], [String: Any]) -> Optimizer,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try fixture()
        let p = try f.tensor(named: "p0").copy()
        p.requiresGrad = true
        let optimizer = make([p], config(f, name))
        for t in 0..<6 {
            p.grad = try f.tensor(named: "g.\(t)").copy()
            optimizer.step()
            assertClose(p.scalars, try f.tensor(named: "\(name).\(t + 1)").scalars, tolerance: 2e-6,
                        "\(name) step \(t + 1)", file: file, line: line)
        }
    }

    func testSGD() throws {
        try replay("sgd") { SGD(parameters: $0, learningRate: self.number($1, "lr")) }
        try replay("sgd_momentum") {
            SGD(parameters: $0, learningRate: self.number($1, "lr"), momentum: self.number($1, "momentum"),
                weightDecay: self.number($1, "weight_decay"))
        }
        try replay("sgd_nesterov") {
            SGD(parameters: $0, learningRate: self.number($1, "lr"), momentum: self.number($1, "momentum"),
                nesterov: true, weightDecay: self.number($1, "weight_decay"))
        }
    }

    func testAdamAndAdamW() throws {
        func betas(_ c: [String: Any]) -> (Float, Float) {
            let b = c["betas"] as! [NSNumber]
            return (b[0].floatValue, b[1].floatValue)
        }
        for name in ["adam", "adam_l2"] {
            try replay(name) { p, c in
                Adam(parameters: p, learningRate: self.number(c, "lr"), beta1: betas(c).0, beta2: betas(c).1,
                     epsilon: self.number(c, "eps"), weightDecay: self.number(c, "weight_decay"))
            }
        }
        for name in ["adamw", "adamw_strong"] {
            try replay(name) { p, c in
                AdamW(parameters: p, learningRate: self.number(c, "lr"), beta1: betas(c).0, beta2: betas(c).1,
                      epsilon: self.number(c, "eps"), weightDecay: self.number(c, "weight_decay"))
            }
        }
    }

    func testParametersWithoutGradientsAreSkipped() {
        let a = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let b = Tensor(shape: [2], scalars: [3, 4], requiresGrad: true)
        let optimizer = AdamW(parameters: [a, b], learningRate: 0.1)
        a.grad = Tensor(shape: [2], scalars: [1, 1])
        optimizer.step()
        XCTAssertEqual(b.scalars, [3, 4])
        XCTAssertNotEqual(a.scalars, [1, 2])
        optimizer.zeroGrad()
        XCTAssertNil(a.grad)
    }

    func testExemptParametersGetNoWeightDecay() {
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let b = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        w.name = "layer.weight"
        b.name = "layer.bias"
        let optimizer = AdamW(parameters: [w, b], learningRate: 0.1, weightDecay: 0.5,
                              exemptFromWeightDecay: { $0.name?.hasSuffix("bias") ?? false })
        w.grad = Tensor.zeros([2])
        b.grad = Tensor.zeros([2])
        optimizer.step()
        assertClose(w.scalars, [0.95, 1.9])    // θ(1 − ηλ), no Adam step with a zero gradient
        XCTAssertEqual(b.scalars, [1, 2])
    }

    func testStateRoundTripResumesIdentically() throws {
        func run(resumeAt: Int?) -> [Float] {
            let p = Tensor(shape: [3], scalars: [1, -2, 3], requiresGrad: true)
            p.name = "w"
            var optimizer: Optimizer = Adam(parameters: [p], learningRate: 0.05)
            for t in 0..<6 {
                if t == resumeAt {
                    let saved = Dictionary(uniqueKeysWithValues: optimizer.stateTensors().map { ($0.name, $0.tensor.copy()) })
                    optimizer = Adam(parameters: [p], learningRate: 0.05)
                    try! optimizer.restoreState(saved)
                }
                p.grad = Tensor(shape: [3], scalars: [Float(t), 1, -0.5])
                optimizer.step()
            }
            return p.scalars
        }
        XCTAssertEqual(run(resumeAt: 3), run(resumeAt: nil))
        let p = Tensor(shape: [3], repeating: 0, requiresGrad: true)
        p.name = "w"
        XCTAssertThrowsError(try Adam(parameters: [p]).restoreState(["exp_avg.w": Tensor.zeros([2]), "exp_avg_sq.w": Tensor.zeros([2]),
                                                                     "step.w": Tensor(1)]))
    }

    func testGradientClipping() throws {
        let f = try fixture()
        let a = Tensor.zeros([3, 4], requiresGrad: true), b = Tensor.zeros([5], requiresGrad: true)
        a.grad = try f.tensor(named: "clip.a").copy()
        b.grad = try f.tensor(named: "clip.b").copy()
        let norm = clipGradientNorm([a, b], maxNorm: 1.5)
        let expected = try JSONSerialization.jsonObject(with: Data(f.metadata["clip.norm"]!.utf8), options: .fragmentsAllowed) as! NSNumber
        XCTAssertEqual(norm, expected.floatValue, accuracy: 1e-5)
        assertClose(a.grad!.scalars, try f.tensor(named: "clip.a.clipped").scalars, tolerance: 1e-6)
        assertClose(b.grad!.scalars, try f.tensor(named: "clip.b.clipped").scalars, tolerance: 1e-6)
        // Below the bound nothing changes.
        let small = Tensor.zeros([2], requiresGrad: true)
        small.grad = Tensor(shape: [2], scalars: [0.3, 0.4])
        XCTAssertEqual(clipGradientNorm([small], maxNorm: 1), 0.5, accuracy: 1e-6)
        XCTAssertEqual(small.grad!.scalars, [0.3, 0.4])
    }

    func testSchedulesMatchTransformers() throws {
        let f = try fixture()
        func rates(_ key: String) -> [Float] {
            (try! JSONSerialization.jsonObject(with: Data(f.metadata[key]!.utf8)) as! [NSNumber]).map(\.floatValue)
        }
        let schedules: [(String, LearningRateSchedule)] = [
            ("schedule.constant", ConstantSchedule(rate: 0.001)),
            ("schedule.linear", LinearDecaySchedule(peak: 0.001, warmupSteps: 10, totalSteps: 50)),
            ("schedule.cosine", CosineDecaySchedule(peak: 0.001, warmupSteps: 10, totalSteps: 50)),
            ("schedule.exponential", ExponentialDecaySchedule(peak: 0.001, warmupSteps: 10, decay: 0.9)),
        ]
        for (key, schedule) in schedules {
            let expected = rates(key)
            XCTAssertEqual(expected.count, 50)
            assertClose((0..<50).map { schedule.learningRate(atStep: $0) }, expected, tolerance: 1e-6, key)
        }
    }
}
