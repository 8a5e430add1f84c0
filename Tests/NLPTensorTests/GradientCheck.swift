import XCTest
@testable import NLPTensor

/// Finite-difference gradient checking: compares the gradients `backward()` gives for
/// L = Σ f(inputs) ⊙ R (R fixed random weights) with central differences of L.
enum GradientCheck {
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        Tensor.uniform(shape, low: low, high: high, generator: RandomGenerator(seed: seed), requiresGrad: true)
    }

    /// Checks d/d(input) for every input that requires a gradient. `step` is the finite-difference
    /// step; a gradient passes when |analytic − numeric| ≤ absolute + relative·max(|analytic|, |numeric|).
    static func check(_ inputs: [Tensor], step: Float = 1e-2, absolute: Float = 2e-3, relative: Float = 1e-2,
                      file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor) {
        for t in inputs { t.grad = nil }
        let out = f(inputs)
        let weights = Tensor.uniform(out.shape, low: -1, high: 1, generator: RandomGenerator(seed: 99))
        (out * weights).sum().backward()
        func loss() -> Double {
            noGrad {
                let y = f(inputs)
                var total = 0.0
                for i in 0..<y.count { total += Double(y.data[i]) * Double(weights.data[i]) }
                return total
            }
        }
        for (index, t) in inputs.enumerated() where t.requiresGrad {
            guard let grad = t.grad else {
                XCTFail("input \(index) got no gradient", file: file, line: line)
                continue
            }
            XCTAssertEqual(grad.shape, t.shape, "gradient shape of input \(index)", file: file, line: line)
            var failures = 0
            for i in 0..<t.count {
                let saved = t.data[i]
                t.data[i] = saved + step
                let up = loss()
                t.data[i] = saved - step
                let down = loss()
                t.data[i] = saved
                let numeric = Float((up - down) / Double(2 * step))
                let analytic = grad.data[i]
                let tolerance = absolute + relative * max(abs(analytic), abs(numeric))
                if abs(analytic - numeric) > tolerance {
                    failures += 1
                    if failures <= 3 {
                        XCTFail("input \(index) element \(i): analytic \(analytic), numeric \(numeric)", file: file, line: line)
                    }
                }
            }
        }
    }
}

/// Element-by-element comparison with a tolerance.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count \(message)", file: file, line: line)
    var shown = 0
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance * max(1, abs(e))) {
        shown += 1
        if shown <= 3 { XCTFail("\(message) [\(i)]: \(a) vs expected \(e)", file: file, line: line) }
    }
}
