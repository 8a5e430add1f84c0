import XCTest
@testable import NLPTensor

final class ShapeTests: XCTestCase {
    func testReshapeIsAView() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let y = x.reshaped([3, -1])
        XCTAssertEqual(y.shape, [3, 2])
        y[0, 1] = 20
        XCTAssertEqual(x[0, 1], 20)
        XCTAssertEqual(x.unsqueezed(axis: 1).shape, [2, 1, 3])
        XCTAssertEqual(x.unsqueezed(axis: -1).shape, [2, 3, 1])
        XCTAssertEqual(x.unsqueezed(axis: 0).squeezed(axis: 0).shape, [2, 3])
    }

    func testPermute() {
        let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let y = x.permuted([2, 0, 1])
        XCTAssertEqual(y.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { XCTAssertEqual(y[k, i, j], x[i, j, k]) } } }
        let t = x.transposed()
        XCTAssertEqual(t.shape, [2, 4, 3])
        XCTAssertEqual(t[1, 3, 2], x[1, 2, 3])
        // [B, T, H, D] → [B, H, T, D], the attention head split.
        let heads = Tensor(shape: [2, 3, 2, 2], scalars: (0..<24).map(Float.init)).permuted([0, 2, 1, 3])
        XCTAssertEqual(heads[1, 1, 2, 0], Float(1 * 12 + 2 * 4 + 1 * 2 + 0))
    }

    func testSliceConcatSplitStack() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).scalars, [2, 3, 5, 6])
        XCTAssertEqual(x.slice(axis: 0, 1..<2).scalars, [4, 5, 6])
        let joined = Tensor.concat([x, x.slice(axis: 1, 0..<1)], axis: 1)
        XCTAssertEqual(joined.shape, [2, 4])
        XCTAssertEqual(joined.scalars, [1, 2, 3, 1, 4, 5, 6, 4])
        let parts = x.split(sizes: [1, 2], axis: 1)
        XCTAssertEqual(parts.map(\.shape), [[2, 1], [2, 2]])
        XCTAssertEqual(parts[1].scalars, [2, 3, 5, 6])
        XCTAssertEqual(x.split(into: 3, axis: 1)[2].scalars, [3, 6])
        let stacked = Tensor.stack([x, x], axis: 1)
        XCTAssertEqual(stacked.shape, [2, 2, 3])
        XCTAssertEqual(stacked.scalars, [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
    }

    func testGradients() {
        let x = GradientCheck.random([2, 3, 4], seed: 3), y = GradientCheck.random([2, 2, 4], seed: 4)
        GradientCheck.check([x]) { $0[0].reshaped([4, 6]) }
        GradientCheck.check([x]) { $0[0].permuted([2, 0, 1]) }
        GradientCheck.check([x]) { $0[0].transposed(0, 2) }
        GradientCheck.check([x]) { $0[0].slice(axis: 1, 1..<3) }
        GradientCheck.check([x]) { $0[0].slice(axis: 0, 1..<2) }
        GradientCheck.check([x, y]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
        GradientCheck.check([x]) { t in
            let parts = t[0].split(sizes: [1, 3], axis: 2)
            return parts[0] * 2 + parts[1].sum(axis: 2, keepingDimension: true)
        }
        GradientCheck.check([x, x]) { Tensor.stack([$0[0], $0[1].exp()], axis: 0) }
    }
}
