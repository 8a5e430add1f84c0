import NLPModels
import NLPTensor
import XCTest

/// Finite differences for modules: checks d(Σ f ⊙ R)/d(input) and d/d(every parameter).
enum ModuleGradientCheck {
    static func random(_ shape: [Int], seed: UInt64, requiresGrad: Bool = true) -> Tensor {
        Tensor.uniform(shape, low: -1, high: 1, generator: RandomGenerator(seed: seed), requiresGrad: requiresGrad)
    }

    static func check(_ module: Module, inputs: [Tensor], step: Float = 1e-2, absolute: Float = 3e-3,
                      relative: Float = 2e-2, file: StaticString = #filePath, line: UInt = #line,
                      _ f: () -> Tensor) {
        let parameters = module.parameters()
        let all = inputs.filter(\.requiresGrad) + parameters
        for t in all { t.grad = nil }
        let out = f()
        let weights = Tensor.uniform(out.shape, low: -1, high: 1, generator: RandomGenerator(seed: 99))
        (out * weights).sum().backward()
        func loss() -> Double {
            noGrad {
                let y = f()
                var total = 0.0
                for i in 0..<y.count { total += Double(y.data[i]) * Double(weights.data[i]) }
                return total
            }
        }
        for (index, t) in all.enumerated() {
            guard let grad = t.grad else { XCTFail("tensor \(index) (\(t.name ?? "input")) got no gradient", file: file, line: line); continue }
            // Large tensors: every element up to 64, then a spread sample.
            let picks = t.count <= 64 ? Array(0..<t.count) : (0..<64).map { $0 * t.count / 64 }
            var failures = 0
            for i in picks {
                let saved = t.data[i]
                t.data[i] = saved + step
                let up = loss()
                t.data[i] = saved - step
                let down = loss()
                t.data[i] = saved
                let numeric = Float((up - down) / Double(2 * step)), analytic = grad.data[i]
                if abs(analytic - numeric) > absolute + relative * max(abs(analytic), abs(numeric)) {
                    failures += 1
                    if failures <= 2 {
                        XCTFail("\(t.name ?? "input \(index)") [\(i)]: analytic \(analytic), numeric \(numeric)", file: file, line: line)
                    }
                }
            }
        }
    }
}
