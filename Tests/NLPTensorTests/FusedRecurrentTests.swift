import XCTest
@testable import NLPTensor

/// The fused recurrent layer's backward against finite differences, for every cell, with padded
/// rows, both directions and initial states.
final class FusedRecurrentTests: XCTestCase {
    func check(_ cell: RecurrentCell, reverse: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let (b, t, i, h) = (3, 4, 3, 2), g = cell.gates * h
        var inputs = [GradientCheck.random([b, t, i], seed: 1), GradientCheck.random([g, i], seed: 2),
                      GradientCheck.random([g, h], seed: 3), GradientCheck.random([g], seed: 4),
                      GradientCheck.random([g], seed: 5), GradientCheck.random([b, h], seed: 6)]
        if cell == .lstm { inputs.append(GradientCheck.random([b, h], seed: 7)) }
        GradientCheck.check(inputs, file: file, line: line) { x in
            let r = Tensor.recurrentLayer(cell, input: x[0], weightIH: x[1], weightHH: x[2], biasIH: x[3], biasHH: x[4],
                                          hidden: x[5], cell: cell == .lstm ? x[6] : nil, lengths: [4, 2, 0], reverse: reverse)
            return Tensor.concat([r.output.reshaped([-1]), r.hidden.reshaped([-1])] + (r.cell.map { [$0.reshaped([-1])] } ?? []),
                                 axis: 0)
        }
    }

    func testTanhGradients() { check(.tanh, reverse: false); check(.tanh, reverse: true) }
    func testLSTMGradients() { check(.lstm, reverse: false); check(.lstm, reverse: true) }
    func testGRUGradients() { check(.gru, reverse: false); check(.gru, reverse: true) }

    func testPaddedRowsKeepTheirStateAndOutputZero() {
        let x = GradientCheck.random([2, 3, 2], seed: 8)
        let wi = GradientCheck.random([8, 2], seed: 9), wh = GradientCheck.random([8, 2], seed: 10)
        let padded = Tensor.recurrentLayer(.lstm, input: x, weightIH: wi, weightHH: wh, lengths: [3, 1])
        let alone = Tensor.recurrentLayer(.lstm, input: x.slice(axis: 0, 1..<2).slice(axis: 1, 0..<1), weightIH: wi, weightHH: wh)
        assertClose(Array(padded.hidden.scalars[2..<4]), alone.hidden.scalars, tolerance: 1e-6)
        assertClose(Array(padded.cell!.scalars[2..<4]), alone.cell!.scalars, tolerance: 1e-6)
        XCTAssertEqual(Array(padded.output.scalars[8..<12]), [0, 0, 0, 0])   // row 1, positions 1 and 2
    }

    func testReverseEqualsForwardOverTheFlippedSequence() {
        let x = GradientCheck.random([1, 4, 3], seed: 11)
        let wi = GradientCheck.random([6, 3], seed: 12), wh = GradientCheck.random([6, 2], seed: 13)
        let flipped = Tensor.concat((0..<4).reversed().map { x.slice(axis: 1, $0..<($0 + 1)) }, axis: 1)
        let reverse = Tensor.recurrentLayer(.gru, input: x, weightIH: wi, weightHH: wh, reverse: true)
        let forward = Tensor.recurrentLayer(.gru, input: flipped, weightIH: wi, weightHH: wh)
        assertClose(reverse.hidden.scalars, forward.hidden.scalars, tolerance: 1e-6)
        let back = Tensor.concat((0..<4).reversed().map { forward.output.slice(axis: 1, $0..<($0 + 1)) }, axis: 1)
        assertClose(reverse.output.scalars, back.scalars, tolerance: 1e-6)
    }
}
