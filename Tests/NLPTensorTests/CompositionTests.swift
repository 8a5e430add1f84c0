import XCTest
@testable import NLPTensor

/// Ops composed the way the model layers use them, checked end to end by finite differences.
final class CompositionTests: XCTestCase {
    func testCausalSelfAttentionGradients() {
        let batch = 2, context = 4, width = 6, heads = 2, headWidth = 3
        let x = GradientCheck.random([batch, context, width], seed: 1)
        let w = GradientCheck.random([3 * width, width], seed: 2, low: -0.5, high: 0.5)
        let b = GradientCheck.random([3 * width], seed: 3)
        let causal = Tensor.causalMask(context)
        GradientCheck.check([x, w, b]) { t in
            // [B, T, 3C] → [3, B, H, T, D]; q, k, v are views of one permuted copy.
            let qkv = t[0].linear(weight: t[1], bias: t[2])
                .reshaped([batch, context, 3, heads, headWidth]).permuted([2, 0, 3, 1, 4])
            let q = qkv.slice(axis: 0, 0..<1).squeezed(axis: 0)
            let k = qkv.slice(axis: 0, 1..<2).squeezed(axis: 0)
            let v = qkv.slice(axis: 0, 2..<3).squeezed(axis: 0)
            let attention = q.matmul(k, transposeB: true).softmax(scale: 0.5, mask: causal)
            return attention.matmul(v).permuted([0, 2, 1, 3]).reshaped([batch, context, width])
        }
    }

    func testResidualBlockWithTiedEmbedding() {
        let table = GradientCheck.random([7, 4], seed: 4)
        let gamma = GradientCheck.random([4], seed: 5, low: 0.5, high: 1.5), beta = GradientCheck.random([4], seed: 6)
        let fc = GradientCheck.random([8, 4], seed: 7), proj = GradientCheck.random([4, 8], seed: 8)
        let ids: [Int32] = [1, 6, 6, 0, 3, 2]
        let targets: [Int32] = [6, 6, 0, 3, 2, 1]
        GradientCheck.check([table, gamma, beta, fc, proj]) { t in
            var h = t[0].gatherRows(ids, shape: [2, 3])
            h = h + h.layerNorm(weight: t[1], bias: t[2]).linear(weight: t[3]).gelu().linear(weight: t[4])
            return h.matmul(t[0], transposeB: true).crossEntropy(targets: targets, labelSmoothing: 0.1)
        }
    }
}
