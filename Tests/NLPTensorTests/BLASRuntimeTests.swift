import XCTest
import Foundation
@testable import NLPTensor

final class BLASRuntimeTests: XCTestCase {
    func testKernelsMatchTheCPU() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard flags.contains(" avx2") else { throw XCTSkip("no AVX2 on this CPU") }
        // On an AVX2 machine OpenBLAS must not be left on its SSE3 fallback.
        XCTAssertNotEqual(BLASRuntime.kernelName.lowercased(), "prescott")
        XCTAssertNotNil(BLASRuntime.bestKernels())
        // And the products still agree with a plain loop.
        let a = Tensor.normal([33, 17], generator: RandomGenerator(seed: 1))
        let b = Tensor.normal([17, 9], generator: RandomGenerator(seed: 2))
        let c = a.matmul(b)
        var expected: Float = 0
        for p in 0..<17 { expected += a[5, p] * b[p, 4] }
        XCTAssertEqual(c[5, 4], expected, accuracy: 1e-4)
    }
}
