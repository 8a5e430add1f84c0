import XCTest
@testable import NLPTensor

/// The fused attention kernel against attention composed from the basic ops, and its gradients
/// against finite differences.
final class FusedAttentionTests: XCTestCase {
    /// softmax(Q·Kᵀ·scale + mask)·V with heads split by permutes: [B, T, H·d] operands.
    func composed(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, mask: Tensor?) -> Tensor {
        let (b, tq, width) = (q.shape[0], q.shape[1], q.shape[2]), tk = k.shape[1], d = width / heads
        func split(_ x: Tensor, _ t: Int) -> Tensor { x.reshaped([b, t, heads, d]).permuted([0, 2, 1, 3]) }
        let scores = split(q, tq).matmul(split(k, tk), transposeB: true)          // [B, H, Tq, Tk]
        let p = scores.softmax(scale: 1 / Float(d).squareRoot(), mask: mask)
        return p.matmul(split(v, tk)).permuted([0, 2, 1, 3]).reshaped([b, tq, width])
    }

    /// [B, 1, 1, Tk] additive mask from a 1/0 key mask, and [Tq, Tk] causal with an offset.
    func additive(keyMask: Tensor?, causalQueries: Int?, keys: Int, offset: Int = 0, batch: Int) -> Tensor? {
        guard keyMask != nil || causalQueries != nil else { return nil }
        let tq = causalQueries ?? 1
        let m = Tensor.zeros([batch, 1, tq, keys])
        for b in 0..<batch {
            for i in 0..<tq {
                for j in 0..<keys {
                    let padded = keyMask.map { $0[b, j] == 0 } ?? false
                    let future = causalQueries != nil && j > i + offset
                    if padded || future { m[b, 0, i, j] = -.infinity }
                }
            }
        }
        return m
    }

    func testMatchesComposedAttentionWithPaddingMask() {
        let (b, t, heads, d) = (3, 5, 2, 4)
        let q = GradientCheck.random([b, t, heads * d], seed: 1)
        let k = GradientCheck.random([b, t, heads * d], seed: 2)
        let v = GradientCheck.random([b, t, heads * d], seed: 3)
        let keyMask = Tensor(shape: [b, t], scalars: [1, 1, 1, 1, 1,  1, 1, 1, 0, 0,  1, 0, 0, 0, 0])
        let fused = Tensor.scaledDotProductAttention(query: q, key: k, value: v, heads: heads, keyMask: keyMask)
        let reference = composed(q, k, v, heads: heads, mask: additive(keyMask: keyMask, causalQueries: nil, keys: t, batch: b))
        assertClose(fused.scalars, reference.scalars, tolerance: 1e-5)
    }

    func testCausalMatchesComposedAttention() {
        let (b, t, heads, d) = (2, 6, 3, 2)
        let q = GradientCheck.random([b, t, heads * d], seed: 4)
        let k = GradientCheck.random([b, t, heads * d], seed: 5)
        let v = GradientCheck.random([b, t, heads * d], seed: 6)
        let fused = Tensor.scaledDotProductAttention(query: q, key: k, value: v, heads: heads, causal: true)
        let reference = composed(q, k, v, heads: heads, mask: additive(keyMask: nil, causalQueries: t, keys: t, batch: b))
        assertClose(fused.scalars, reference.scalars, tolerance: 1e-5)
    }

    func testPackedSelfAttentionEqualsSeparateOperands() {
        let (b, t, width) = (2, 4, 6)
        let packed = GradientCheck.random([b, t, 3 * width], seed: 7)
        let parts = packed.split(into: 3, axis: 2)
        let fused = packed.packedSelfAttention(heads: 2, causal: true)
        let separate = Tensor.scaledDotProductAttention(query: parts[0], key: parts[1], value: parts[2], heads: 2, causal: true)
        assertClose(fused.scalars, separate.scalars, tolerance: 1e-6)
    }

    /// Decoding one query at a time against a growing cache gives the rows of full causal attention.
    func testIncrementalQueriesOverACacheMatchFullCausalAttention() {
        let (b, t, heads, width) = (2, 5, 2, 4)
        let q = GradientCheck.random([b, t, width], seed: 8)
        let k = GradientCheck.random([b, t, width], seed: 9)
        let v = GradientCheck.random([b, t, width], seed: 10)
        let full = Tensor.scaledDotProductAttention(query: q, key: k, value: v, heads: heads, causal: true)
        let cacheK = Tensor.zeros([b, 8, width]), cacheV = Tensor.zeros([b, 8, width])
        for step in 0..<t {
            for bi in 0..<b {
                (cacheK.data + (bi * 8 + step) * width).update(from: k.data + (bi * t + step) * width, count: width)
                (cacheV.data + (bi * 8 + step) * width).update(from: v.data + (bi * t + step) * width, count: width)
            }
            let qStep = q.slice(axis: 1, step..<(step + 1))
            let out = Tensor.scaledDotProductAttention(query: qStep, key: cacheK, value: cacheV, heads: heads,
                                                       keyLength: step + 1, causal: true, queryOffset: step)
            assertClose(out.scalars, full.slice(axis: 1, step..<(step + 1)).scalars, tolerance: 1e-5, "step \(step)")
        }
    }

    func testFullyMaskedRowsAreZero() {
        let q = GradientCheck.random([1, 2, 4], seed: 11), k = GradientCheck.random([1, 3, 4], seed: 12)
        let out = Tensor.scaledDotProductAttention(query: q, key: k, value: k, heads: 1, keyMask: Tensor.zeros([1, 3]))
        XCTAssertEqual(out.scalars, [Float](repeating: 0, count: 8))
    }

    func testGradientsWithPaddingMask() {
        let (b, t, width) = (2, 4, 6)
        let inputs = [GradientCheck.random([b, 3, width], seed: 13), GradientCheck.random([b, t, width], seed: 14),
                      GradientCheck.random([b, t, width], seed: 15)]
        let keyMask = Tensor(shape: [b, t], scalars: [1, 1, 1, 1, 1, 1, 0, 0])
        GradientCheck.check(inputs) { x in
            Tensor.scaledDotProductAttention(query: x[0], key: x[1], value: x[2], heads: 3, keyMask: keyMask)
        }
    }

    func testGradientsPackedCausal() {
        let packed = GradientCheck.random([2, 5, 12], seed: 16)
        GradientCheck.check([packed]) { x in x[0].packedSelfAttention(heads: 2, causal: true) }
    }

    func testGradientsWhenKeyAndValueAreOneTensor() {
        let q = GradientCheck.random([1, 3, 4], seed: 17), kv = GradientCheck.random([1, 4, 4], seed: 18)
        GradientCheck.check([q, kv]) { x in Tensor.scaledDotProductAttention(query: x[0], key: x[1], value: x[1], heads: 2) }
    }

    func testGradientsWithDropout() {
        let inputs = (0..<3).map { GradientCheck.random([2, 4, 4], seed: 19 + UInt64($0)) }
        GradientCheck.check(inputs) { x in
            Tensor.scaledDotProductAttention(query: x[0], key: x[1], value: x[2], heads: 2, causal: true, dropout: 0.3,
                                             generator: RandomGenerator(seed: 5))
        }
    }

    func testDropoutIsInvertedAndSeeded() {
        let q = GradientCheck.random([1, 3, 4], seed: 30), k = GradientCheck.random([1, 3, 4], seed: 31)
        let a = Tensor.scaledDotProductAttention(query: q, key: k, value: k, heads: 1, dropout: 0.5, generator: RandomGenerator(seed: 1))
        let b = Tensor.scaledDotProductAttention(query: q, key: k, value: k, heads: 1, dropout: 0.5, generator: RandomGenerator(seed: 1))
        let plain = Tensor.scaledDotProductAttention(query: q, key: k, value: k, heads: 1)
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertNotEqual(a.scalars, plain.scalars)
    }
}

extension FusedAttentionTests {
    func testPackedKeyValueEqualsSeparateOperands() {
        let q = GradientCheck.random([2, 3, 4], seed: 40), kv = GradientCheck.random([2, 5, 8], seed: 41)
        let keyMask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        let parts = kv.split(into: 2, axis: 2)
        let packed = Tensor.scaledDotProductAttention(query: q, packedKeyValue: kv, heads: 2, keyMask: keyMask)
        let separate = Tensor.scaledDotProductAttention(query: q, key: parts[0], value: parts[1], heads: 2, keyMask: keyMask)
        assertClose(packed.scalars, separate.scalars, tolerance: 1e-6)
        GradientCheck.check([q, kv]) { x in Tensor.scaledDotProductAttention(query: x[0], packedKeyValue: x[1], heads: 2, keyMask: keyMask) }
    }
}

/// Causal attention longer than one query block (AttentionMasking.causalBlockRows): each block
/// multiplies only the keys its rows see, and the key-side gradients sum over the blocks.
extension FusedAttentionTests {
    /// Gradients of Σ attention ⊙ R with respect to q, k and v (R fixed).
    func gradients(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) -> [[Float]] {
        for t in inputs { t.grad = nil }
        let out = f(inputs)
        (out * Tensor.uniform(out.shape, low: -1, high: 1, generator: RandomGenerator(seed: 98))).sum().backward()
        return inputs.map { $0.grad?.scalars ?? [] }
    }

    func testCausalOverSeveralQueryBlocksMatchesComposedAttention() {
        let (b, t, heads, d) = (2, 2 * AttentionMasking.causalBlockRows + 7, 2, 4)
        let inputs = (0..<3).map { GradientCheck.random([b, t, heads * d], seed: 50 + UInt64($0)) }
        let mask = additive(keyMask: nil, causalQueries: t, keys: t, batch: b)
        let fusedForward = Tensor.scaledDotProductAttention(query: inputs[0], key: inputs[1], value: inputs[2], heads: heads, causal: true)
        let reference = composed(inputs[0], inputs[1], inputs[2], heads: heads, mask: mask)
        assertClose(fusedForward.scalars, reference.scalars, tolerance: 1e-5)
        let fused = gradients(inputs) { x in
            Tensor.scaledDotProductAttention(query: x[0], key: x[1], value: x[2], heads: heads, causal: true)
        }
        let expected = gradients(inputs) { x in composed(x[0], x[1], x[2], heads: heads, mask: mask) }
        for (role, (got, want)) in zip(["query", "key", "value"], zip(fused, expected)) {
            assertClose(got, want, tolerance: 1e-4, role)
        }
    }

    /// Packed self-attention (one tensor, three roles) whose gradient buffer is written by every
    /// block, and key rows no query sees when the cache holds more keys than the queries reach.
    func testCausalBlocksWithPackedOperandsAndUnseenKeys() {
        let t = AttentionMasking.causalBlockRows + 9
        let packed = GradientCheck.random([1, t, 12], seed: 60)
        let parts = packed.split(into: 3, axis: 2)
        assertClose(packed.packedSelfAttention(heads: 2, causal: true).scalars,
                    Tensor.scaledDotProductAttention(query: parts[0], key: parts[1], value: parts[2], heads: 2, causal: true).scalars,
                    tolerance: 1e-6)
        let fused = gradients([packed]) { x in x[0].packedSelfAttention(heads: 2, causal: true) }[0]
        let viaSplit = gradients([packed]) { x in
            let p = x[0].split(into: 3, axis: 2)
            return composed(p[0], p[1], p[2], heads: 2, mask: additive(keyMask: nil, causalQueries: t, keys: t, batch: 1))
        }[0]
        assertClose(fused, viaSplit, tolerance: 1e-4)
        // Queries 0..<t over t + 5 keys with offset 0: the last 5 keys are never seen, their gradient is 0.
        let q = GradientCheck.random([1, t, 4], seed: 61), kv = GradientCheck.random([1, t + 5, 4], seed: 62)
        let grads = gradients([q, kv]) { x in
            Tensor.scaledDotProductAttention(query: x[0], key: x[1], value: x[1], heads: 1, causal: true)
        }
        XCTAssertEqual(Array(grads[1].suffix(5 * 4)), [Float](repeating: 0, count: 20))
        XCTAssertTrue(grads[1].prefix(t * 4).contains { $0 != 0 })
    }

    /// A chunk of queries after cached keys (queryOffset > 0), longer than one block.
    func testCausalBlocksAfterCachedKeysMatchFullAttention() {
        let (t, cached, width) = (AttentionMasking.causalBlockRows + 20, 11, 8)
        let q = GradientCheck.random([2, t, width], seed: 70)
        let k = GradientCheck.random([2, t, width], seed: 71), v = GradientCheck.random([2, t, width], seed: 72)
        let full = Tensor.scaledDotProductAttention(query: q, key: k, value: v, heads: 2, causal: true)
        let chunk = Tensor.scaledDotProductAttention(query: q.slice(axis: 1, cached..<t), key: k, value: v, heads: 2,
                                                     causal: true, queryOffset: cached)
        assertClose(chunk.scalars, full.slice(axis: 1, cached..<t).scalars, tolerance: 1e-5)
    }

    func testGradientsWithDropoutOverSeveralBlocks() {
        let inputs = (0..<3).map { GradientCheck.random([1, AttentionMasking.causalBlockRows + 3, 4], seed: 80 + UInt64($0)) }
        GradientCheck.check(inputs) { x in
            Tensor.scaledDotProductAttention(query: x[0], key: x[1], value: x[2], heads: 2, causal: true, dropout: 0.3,
                                             generator: RandomGenerator(seed: 5))
        }
    }
}
