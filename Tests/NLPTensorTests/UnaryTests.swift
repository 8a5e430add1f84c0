import XCTest
import Foundation
@testable import NLPTensor

final class UnaryTests: XCTestCase {
    func testForwardValues() {
        let x = Tensor(shape: [4], scalars: [-2, -0.5, 0.5, 2])
        assertClose(x.exp().scalars, x.scalars.map { Foundation.exp($0) })
        assertClose(x.tanh().scalars, x.scalars.map { Foundation.tanh($0) })
        assertClose(x.sigmoid().scalars, x.scalars.map { 1 / (1 + Foundation.exp(-$0)) })
        XCTAssertEqual(x.relu().scalars, [0, 0, 0.5, 2])
        let gelu = x.scalars.map { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot().float)) }
        assertClose(x.gelu().scalars, gelu)
        let geluTanh = x.scalars.map { v -> Float in
            0.5 * v * (1 + Foundation.tanh((2 / Float.pi).squareRoot() * (v + 0.044715 * v * v * v)))
        }
        assertClose(x.gelu(approximation: .tanh).scalars, geluTanh)
        let p = Tensor(shape: [3], scalars: [0.25, 1, 4])
        assertClose(p.log().scalars, p.scalars.map { Foundation.log($0) })
        assertClose(p.sqrt().scalars, [0.5, 1, 2])
        assertClose(p.pow(2).scalars, [0.0625, 1, 16])
        assertClose(p.pow(1.5).scalars, p.scalars.map { Foundation.pow($0, 1.5) })
        assertClose(p.pow(-1).scalars, [4, 1, 0.25])
    }

    func testGradients() {
        let x = GradientCheck.random([3, 7], seed: 5, low: -2, high: 2)
        GradientCheck.check([x]) { $0[0].exp() }
        GradientCheck.check([x]) { $0[0].tanh() }
        GradientCheck.check([x]) { $0[0].sigmoid() }
        GradientCheck.check([x]) { $0[0].gelu() }
        GradientCheck.check([x]) { $0[0].gelu(approximation: .tanh) }
        GradientCheck.check([x]) { $0[0].pow(3) }
        // relu away from its kink at 0.
        let away = Tensor(shape: [6], scalars: [-1.5, -0.7, -0.2, 0.3, 0.9, 1.7], requiresGrad: true)
        GradientCheck.check([away]) { $0[0].relu() }
        GradientCheck.check([away]) { $0[0].clamped(lower: -1, upper: 0.5) }
        XCTAssertEqual(away.clamped(lower: -1, upper: 0.5).scalars, [-1, -0.7, -0.2, 0.3, 0.5, 0.5])
        XCTAssertEqual(away.clamped(lower: 0).scalars, away.relu().scalars)
        let positive = GradientCheck.random([3, 7], seed: 6, low: 0.5, high: 3)
        GradientCheck.check([positive]) { $0[0].log() }
        GradientCheck.check([positive]) { $0[0].sqrt() }
        GradientCheck.check([positive]) { $0[0].pow(1.7) }
        GradientCheck.check([positive]) { $0[0].pow(2) }
        GradientCheck.check([positive]) { $0[0].pow(-1) }
    }

    func testLargeInputsRunInParallelAndMatch() {
        let x = Tensor.uniform([300_000], low: -5, high: 5, generator: RandomGenerator(seed: 3))
        let y = x.gelu()
        for i in stride(from: 0, to: x.count, by: 9973) {
            let v = x.data[i]
            XCTAssertEqual(y.data[i], 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot().float)), accuracy: 1e-5)
        }
    }
}

extension Double { var float: Float { Float(self) } }
