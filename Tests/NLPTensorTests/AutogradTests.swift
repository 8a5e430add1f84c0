import XCTest
@testable import NLPTensor

final class AutogradTests: XCTestCase {
    func testChainAndAccumulation() {
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        w.name = "w"
        let loss = ((w * w).sum() * 3)            // d/dw = 6w
        loss.backward()
        XCTAssertEqual(w.grad?.scalars, [6, 12])
        ((w * w).sum() * 3).backward()            // accumulates
        XCTAssertEqual(w.grad?.scalars, [12, 24])
        w.grad = nil
        (w.sum()).backward()
        XCTAssertEqual(w.grad?.scalars, [1, 1])
    }

    func testDiamondGraph() {
        // y = a·b + a, both paths reach a: dy/da = b + 1.
        let a = Tensor(shape: [3], scalars: [1, 2, 3], requiresGrad: true)
        let b = Tensor(shape: [3], scalars: [4, 5, 6], requiresGrad: true)
        let shared = a.exp()
        let y = (shared * b + shared).sum()
        y.backward()
        let e = a.scalars.map { FastMath.exp($0) }
        assertClose(a.grad!.scalars, zip(e, b.scalars).map { $0 * ($1 + 1) })
        assertClose(b.grad!.scalars, e)
    }

    func testNoGradRecordsNothing() {
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let y = noGrad { (w * 2).sum() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.node)
        XCTAssertTrue(GradMode.isEnabled)
        let z = (w * 2).sum()
        XCTAssertTrue(z.requiresGrad)
        XCTAssertNotNil(z.node)
    }

    func testConstantsGetNoGradient() {
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let c = Tensor(shape: [2], scalars: [5, 6])
        (w * c).sum().backward()
        XCTAssertNil(c.grad)
        XCTAssertEqual(w.grad?.scalars, [5, 6])
    }

    func testIntermediateGradsAreDroppedUnlessRetained() {
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let h = w * 3
        h.retainsGrad = true
        let k = h * 2
        (k.sum()).backward()
        XCTAssertEqual(h.grad?.scalars, [2, 2])
        XCTAssertNil(k.grad)
        XCTAssertNil(k.node, "the graph is freed after backward")
    }

    func testSharedGradientIsNotAliased() {
        // a + b hands the same gradient tensor to both; accumulating into one must not change the other.
        let a = Tensor(shape: [2], scalars: [1, 1], requiresGrad: true)
        let b = Tensor(shape: [2], scalars: [1, 1], requiresGrad: true)
        (a + b).sum().backward()
        (a * 5).sum().backward()
        XCTAssertEqual(a.grad?.scalars, [6, 6])
        XCTAssertEqual(b.grad?.scalars, [1, 1])
    }

    func testRetainGraphAllowsSecondBackward() {
        let w = Tensor(shape: [1], scalars: [2], requiresGrad: true)
        let y = (w * w).sum()
        y.backward(retainGraph: true)
        y.backward()
        XCTAssertEqual(w.grad?.scalars, [8])
    }
}
