import XCTest
import Foundation
@testable import NLPTensor

/// Forward values and gradients of the main ops against PyTorch on the same inputs
/// (Fixtures/ops.safetensors, written by scripts/fixtures/tensor_reference.py).
final class ReferenceTests: XCTestCase {
    private static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ops.safetensors").path

    private func fixture() throws -> SafetensorsFile {
        guard FileManager.default.fileExists(atPath: Self.path) else { throw XCTSkip("fixture \(Self.path) missing") }
        return try SafetensorsFile(contentsOf: Self.path)
    }

    /// Runs `op` on the case's inputs, then backward with its upstream gradient, and compares.
    private func check(_ name: String, tolerance: Float = 2e-5, file: StaticString = #filePath, line: UInt = #line,
                       _ op: ([Tensor], [[Int32]]) -> Tensor) throws {
        let f = try fixture()
        var inputs: [Tensor] = [], integers: [[Int32]] = []
        while f.names.contains("\(name).in.\(inputs.count)") {
            let t = try f.tensor(named: "\(name).in.\(inputs.count)").copy()
            t.requiresGrad = true
            inputs.append(t)
        }
        while f.names.contains("\(name).int.\(integers.count)") {
            integers.append(try f.integers(named: "\(name).int.\(integers.count)").map { Int32($0) })
        }
        XCTAssertFalse(inputs.isEmpty, "case \(name) has inputs", file: file, line: line)
        let out = op(inputs, integers)
        let expected = try f.tensor(named: "\(name).out")
        XCTAssertEqual(out.shape, expected.shape, "\(name) output shape", file: file, line: line)
        assertClose(out.scalars, expected.scalars, tolerance: tolerance, "\(name) output", file: file, line: line)
        out.backward(try f.tensor(named: "\(name).g"))
        for (k, input) in inputs.enumerated() {
            let gradName = "\(name).grad.\(k)"
            guard f.names.contains(gradName) else { continue }
            guard let grad = input.grad else { XCTFail("\(gradName) missing", file: file, line: line); continue }
            assertClose(grad.scalars, try f.tensor(named: gradName).scalars, tolerance: tolerance, gradName, file: file, line: line)
        }
    }

    private func check(_ name: String, tolerance: Float = 2e-5, file: StaticString = #filePath, line: UInt = #line,
                       _ op: ([Tensor]) -> Tensor) throws {
        try check(name, tolerance: tolerance, file: file, line: line) { inputs, _ in op(inputs) }
    }

    func testMatmul() throws {
        try check("matmul") { $0[0].matmul($0[1]) }
        try check("matmul_tt") { $0[0].matmul($0[1], transposeA: true, transposeB: true) }
        try check("bmm_qk") { $0[0].matmul($0[1], transposeB: true) }
        try check("linear") { $0[0].linear(weight: $0[1], bias: $0[2]) }
    }

    func testArithmetic() throws {
        try check("broadcast_mul") { $0[0] * $0[1] }
        try check("broadcast_div") { $0[0] / $0[1] }
        try check("exp_log") { ($0[0].exp() + 1).log() }
        try check("sum_mean_max") { x in
            x[0].sum(axis: 1) + x[0].mean(axis: 0).sum() + x[0].max(axis: -1).sum()
        }
        try check("permute") { $0[0].permuted([0, 2, 1, 3]) * 2 }
    }

    func testActivations() throws {
        try check("gelu") { $0[0].gelu() }
        try check("gelu_tanh") { $0[0].gelu(approximation: .tanh) }
        try check("tanh") { $0[0].tanh() }
        try check("sigmoid") { $0[0].sigmoid() }
    }

    func testSoftmaxFamily() throws {
        let mask = try fixture().tensor(named: "softmax_mask.mask")
        try check("softmax_mask") { $0[0].softmax(scale: 0.35, mask: mask) }
        try check("log_softmax") { $0[0].logSoftmax() }
    }

    func testLayerNorm() throws {
        try check("layer_norm", tolerance: 5e-5) { $0[0].layerNorm(weight: $0[1], bias: $0[2], epsilon: 1e-5) }
    }

    func testLossesAndLookup() throws {
        try check("cross_entropy") { (x: [Tensor], t: [[Int32]]) in x[0].crossEntropy(targets: t[0], ignoreIndex: -100, labelSmoothing: 0.1) }
        try check("cross_entropy_plain") { (x: [Tensor], t: [[Int32]]) in x[0].crossEntropy(targets: t[0]) }
        try check("mse") { $0[0].meanSquaredError($0[1]) }
        try check("embedding") { (x: [Tensor], t: [[Int32]]) in x[0].gatherRows(t[0], shape: [2, 3]) }
    }
}
