import Dispatch

// Scaled-dot-product attention, fused: for every (batch, head) pair, S = Q·Kᵀ (one sgemm),
// P = softmax(S·scale + mask) in place, O = P·V (one sgemm) written straight into its columns of
// the [B, Tq, H·d] output. Heads are column blocks of the [.., H·d] rows, read with the row stride
// as BLAS leading dimension, so neither the split into heads nor the merge back copies anything,
// and a packed [B, T, 3·H·d] projection (GPT-2's c_attn) or a preallocated KV cache is read in
// place. The probabilities are kept for the backward, which is four sgemm per pair.

/// A [B, rows, H·d] operand of attention: element (b, t, column) is at
/// `base + b·batchStride + t·rowStride + column`.
struct AttentionOperand {
    let tensor: Tensor
    let columnOffset: Int
    let rowStride: Int
    let batchStride: Int

    @inline(__always)
    func pointer(_ data: UnsafeMutablePointer<Float>, batch b: Int, column: Int) -> UnsafeMutablePointer<Float> {
        data + columnOffset + b * batchStride + column
    }
}

/// The masks of one attention call: key padding (per batch) and causality.
struct AttentionMasking {
    /// [B, Tk] additive: 0 to keep a key, -inf to drop it.
    let keyPenalty: Tensor?
    /// Query i (absolute position i + queryOffset) sees key j only if j ≤ i + queryOffset.
    let causal: Bool
    let queryOffset: Int

    /// Query rows per block of a causal product: a block multiplies only the keys its last row
    /// sees, so the masked upper triangle is mostly skipped (a quarter of the work at 64 positions).
    static let causalBlockRows = 32

    /// Calls `body(firstRow, rows, keys)` for the blocks of `queries` query rows in order (last
    /// block first when `lastFirst`), `keys` being the keys any row of the block sees. Without
    /// causality there is one block over every key.
    @inline(__always)
    func forEachQueryBlock(queries: Int, keys: Int, lastFirst: Bool = false, _ body: (Int, Int, Int) -> Void) {
        guard causal && queries > AttentionMasking.causalBlockRows else {
            body(0, queries, causal ? Swift.max(0, Swift.min(keys, queries + queryOffset)) : keys)
            return
        }
        let size = AttentionMasking.causalBlockRows, blocks = (queries + size - 1) / size
        for index in 0..<blocks {
            let block = lastFirst ? blocks - 1 - index : index
            let first = block * size, rows = Swift.min(size, queries - first)
            body(first, rows, Swift.max(0, Swift.min(keys, first + rows + queryOffset)))
        }
    }
}

extension Tensor {
    /// Multi-head attention softmax(Q·Kᵀ·scale + mask)·V over `heads` heads.
    /// query [B, Tq, H·d], key and value [B, Tk, H·d] (or [B, capacity, H·d] with `keyLength`
    /// giving the Tk rows in use: a KV cache) → [B, Tq, H·d].
    /// - keyMask: [B, Tk] (or [B, capacity]) of 1 (attend) / 0 (padding), no gradient.
    /// - causal: query i sees keys j ≤ i + queryOffset (queryOffset = keys already cached).
    /// - scale: default 1/√d. Rows with every key masked come out zero.
    /// - dropout: probability of dropping an attention weight (training), from `generator`.
    public static func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                                 keyLength: Int? = nil, keyMask: Tensor? = nil,
                                                 causal: Bool = false, queryOffset: Int = 0, scale: Float? = nil,
                                                 dropout: Float = 0, generator: RandomGenerator = .default) -> Tensor {
        precondition(query.rank == 3 && key.rank == 3 && value.rank == 3,
                     "attention takes [B, T, H·d] query, key and value, got \(query.shape), \(key.shape), \(value.shape)")
        let (b, tq, width) = (query.shape[0], query.shape[1], query.shape[2])
        precondition(key.shape == value.shape && key.shape[0] == b && key.shape[2] == width,
                     "attention key \(key.shape) and value \(value.shape) do not fit query \(query.shape)")
        let tk = keyLength ?? key.shape[1]
        precondition(tk >= 0 && tk <= key.shape[1], "attention key length \(tk) beyond \(key.shape[1]) rows")
        func operand(_ t: Tensor) -> AttentionOperand {
            AttentionOperand(tensor: t, columnOffset: 0, rowStride: width, batchStride: t.shape[1] * width)
        }
        return attention(operand(query), operand(key), operand(value), batch: b, queries: tq, keys: tk,
                         width: width, heads: heads, keyMask: keyMask, causal: causal, queryOffset: queryOffset,
                         scale: scale, dropout: dropout, generator: generator)
    }

    /// Attention of query [B, Tq, H·d] over a packed key/value projection [B, Tk, 2·H·d] whose last
    /// axis is [key | value] (cross-attention's memory projection, read in place) → [B, Tq, H·d].
    public static func scaledDotProductAttention(query: Tensor, packedKeyValue kv: Tensor, heads: Int,
                                                 keyMask: Tensor? = nil, scale: Float? = nil, dropout: Float = 0,
                                                 generator: RandomGenerator = .default) -> Tensor {
        precondition(query.rank == 3 && kv.rank == 3 && kv.shape[0] == query.shape[0] && kv.shape[2] == 2 * query.shape[2],
                     "attention over packed key/value takes [B, Tq, C] and [B, Tk, 2·C], got \(query.shape) and \(kv.shape)")
        let (b, tq, width) = (query.shape[0], query.shape[1], query.shape[2]), tk = kv.shape[1]
        let q = AttentionOperand(tensor: query, columnOffset: 0, rowStride: width, batchStride: tq * width)
        func operand(_ part: Int) -> AttentionOperand {
            AttentionOperand(tensor: kv, columnOffset: part * width, rowStride: 2 * width, batchStride: tk * 2 * width)
        }
        return attention(q, operand(0), operand(1), batch: b, queries: tq, keys: tk, width: width, heads: heads,
                         keyMask: keyMask, causal: false, queryOffset: 0, scale: scale, dropout: dropout,
                         generator: generator)
    }

    /// Self-attention on a packed projection [B, T, 3·H·d] whose last axis is [query | key | value]
    /// (GPT-2's c_attn output, read in place) → [B, T, H·d]. Options as `scaledDotProductAttention`.
    public func packedSelfAttention(heads: Int, keyMask: Tensor? = nil, causal: Bool = false, scale: Float? = nil,
                                    dropout: Float = 0, generator: RandomGenerator = .default) -> Tensor {
        precondition(rank == 3 && shape[2] % 3 == 0, "packed self-attention takes [B, T, 3·H·d], got \(shape)")
        let (b, t, width) = (shape[0], shape[1], shape[2] / 3)
        func operand(_ part: Int) -> AttentionOperand {
            AttentionOperand(tensor: self, columnOffset: part * width, rowStride: 3 * width, batchStride: t * 3 * width)
        }
        return Tensor.attention(operand(0), operand(1), operand(2), batch: b, queries: t, keys: t, width: width,
                                heads: heads, keyMask: keyMask, causal: causal, queryOffset: 0, scale: scale,
                                dropout: dropout, generator: generator)
    }

    static func attention(_ q: AttentionOperand, _ k: AttentionOperand, _ v: AttentionOperand,
                          batch: Int, queries tq: Int, keys tk: Int, width: Int, heads: Int,
                          keyMask: Tensor?, causal: Bool, queryOffset: Int, scale: Float?,
                          dropout: Float, generator: RandomGenerator) -> Tensor {
        precondition(heads > 0 && width % heads == 0, "attention width \(width) is not a multiple of \(heads) heads")
        precondition(dropout >= 0 && dropout < 1, "attention dropout \(dropout) outside [0, 1)")
        let d = width / heads
        let scale = scale ?? 1 / Float(d).squareRoot()
        var penalty: Tensor?
        if let keyMask {
            precondition(keyMask.rank == 2 && keyMask.shape[0] == batch && keyMask.shape[1] >= tk,
                         "attention key mask \(keyMask.shape) for batch \(batch) and \(tk) keys")
            let p = Tensor(uninitializedShape: [batch, tk])
            let stride = keyMask.shape[1]
            for bi in 0..<batch {
                for j in 0..<tk { p.data[bi * tk + j] = keyMask.data[bi * stride + j] == 0 ? -.infinity : 0 }
            }
            penalty = p
        }
        let masking = AttentionMasking(keyPenalty: penalty, causal: causal, queryOffset: queryOffset)
        let out = Tensor(uninitializedShape: [batch, tq, width])
        let pairs = batch * heads
        // Softmax output per pair, kept for the backward (and, with dropout, the kept weights).
        let probabilities = Tensor(uninitializedShape: [batch, heads, tq, tk])
        let keep: Tensor? = dropout > 0 ? Tensor.bernoulli([batch, heads, tq, tk], probability: 1 - dropout,
                                                           generator: generator) : nil
        let dropped: Tensor? = keep.map { _ in Tensor(uninitializedShape: [batch, heads, tq, tk]) }
        let dropScale = 1 / (1 - dropout)
        let qd = q.tensor.data, kd = k.tensor.data, vd = v.tensor.data, od = out.data
        let pd = probabilities.data, keepData = keep?.data, droppedData = dropped?.data
        Parallelism.forEachChunk(of: pairs, costPerItem: 4 * tq * tk * d + 30 * tq * tk) { range in
            for pair in range {
                let bi = pair / heads, h = pair % heads
                let s = pd + pair * tq * tk
                let qh = q.pointer(qd, batch: bi, column: h * d), kh = k.pointer(kd, batch: bi, column: h * d)
                masking.forEachQueryBlock(queries: tq, keys: tk) { first, rows, keys in
                    sgemm(false, true, rows, keys, d, 1, qh + first * q.rowStride, q.rowStride, kh, k.rowStride,
                          0, s + first * tk, tk)
                }
                AttentionSoftmax.forward(s, rows: tq, columns: tk, scale: scale, batch: bi, masking: masking)
                var weights = UnsafePointer(s)
                if let keepData, let droppedData {
                    let m = keepData + pair * tq * tk, w = droppedData + pair * tq * tk
                    for i in 0..<(tq * tk) { w[i] = s[i] * m[i] * dropScale }
                    weights = UnsafePointer(w)
                }
                let vh = v.pointer(vd, batch: bi, column: h * d), oh = od + bi * tq * width + h * d
                masking.forEachQueryBlock(queries: tq, keys: tk) { first, rows, keys in
                    sgemm(false, false, rows, d, keys, 1, weights + first * tk, tk, vh, v.rowStride, 0,
                          oh + first * width, width)
                }
            }
        }
        let inputs = uniqueTensors([q.tensor, k.tensor, v.tensor])
        if Tensor.isRecording(inputs) {
            out.record("attention", inputs: inputs) { _, g in
                attentionBackward(q, k, v, g, probabilities: probabilities, masking: masking, keep: keep, dropped: dropped,
                                  dropScale: dropScale, batch: batch, queries: tq, keys: tk, width: width,
                                  heads: heads, scale: scale)
            }
        }
        return out
    }

    static func attentionBackward(_ q: AttentionOperand, _ k: AttentionOperand, _ v: AttentionOperand, _ g: Tensor,
                                  probabilities: Tensor, masking: AttentionMasking, keep: Tensor?, dropped: Tensor?, dropScale: Float,
                                  batch: Int, queries tq: Int, keys tk: Int, width: Int, heads: Int, scale: Float) {
        let d = width / heads, pairs = batch * heads
        let roles = [q, k, v]
        let wanted = roles.map { $0.tensor.requiresGrad }
        withGradientBuffers(roles: roles) { buffers in
            let gd = g.data, pd = probabilities.data, keepData = keep?.data, droppedData = dropped?.data
            let qd = q.tensor.data, kd = k.tensor.data, vd = v.tensor.data
            let chunks = Parallelism.chunkCount(for: pairs, costPerItem: 8 * tq * tk * d + 30 * tq * tk)
            let scratch = Tensor(uninitializedShape: [chunks, tq * Swift.max(tk, 1)])
            let sd = scratch.data
            let work = { (chunk: Int) in
                let dp = sd + chunk * tq * Swift.max(tk, 1)
                for pair in Parallelism.chunkRange(chunk, of: chunks, count: pairs) {
                    let bi = pair / heads, h = pair % heads
                    let p = pd + pair * tq * tk
                    let go = gd + bi * tq * width + h * d
                    let weights = droppedData.map { UnsafePointer($0 + pair * tq * tk) } ?? UnsafePointer(p)
                    let qh = q.pointer(qd, batch: bi, column: h * d), kh = k.pointer(kd, batch: bi, column: h * d)
                    let vh = v.pointer(vd, batch: bi, column: h * d)
                    // Each query block reads only its visible keys' columns of dP and dS (the rest of the
                    // scratch is stale). Roles are written in order q, k, v: a later role on the same
                    // buffer adds (beta 1).
                    if (wanted[0] || wanted[1]) && tk > 0 {
                        masking.forEachQueryBlock(queries: tq, keys: tk) { first, rows, keys in
                            // dW = dO · Vᵀ   [rows, keys]; through dropout dP = dW ⊙ keep / (1 − p).
                            let block = dp + first * tk
                            sgemm(false, true, rows, keys, d, 1, go + first * width, width, vh, v.rowStride, 0, block, tk)
                            if let keepData {
                                let m = keepData + pair * tq * tk + first * tk
                                for i in 0..<rows { for j in 0..<keys { block[i * tk + j] *= m[i * tk + j] * dropScale } }
                            }
                            // dS = P ⊙ (dP − Σ dP·P) · scale   (masked keys have P = 0, so dS = 0 there)
                            for i in 0..<rows {
                                let pr = p + (first + i) * tk, dr = block + i * tk
                                let dot = Kernels.dot(dr, pr, count: keys)
                                for j in 0..<keys { dr[j] = scale * pr[j] * (dr[j] - dot) }
                            }
                            if wanted[0], let (gq, beta) = buffers[0] {
                                // dQ = dS · K   [rows, d]
                                sgemm(false, false, rows, d, keys, 1, block, tk, kh, k.rowStride,
                                      beta, q.pointer(gq, batch: bi, column: h * d) + first * q.rowStride, q.rowStride)
                            }
                        }
                        if wanted[1], let (gk, beta) = buffers[1] {
                            // dK = dSᵀ · Q   [Tk, d], summed over the blocks, the widest first
                            accumulateOverBlocks(masking, queries: tq, keys: tk, d: d, beta: beta,
                                                 k.pointer(gk, batch: bi, column: h * d), k.rowStride) { first, rows, keys, beta, out in
                                sgemm(true, false, keys, d, rows, 1, dp + first * tk, tk, qh + first * q.rowStride, q.rowStride,
                                      beta, out, k.rowStride)
                            }
                        }
                    }
                    if wanted[2], let (gv, beta) = buffers[2] {
                        // dV = Wᵀ · dO   [Tk, d], summed over the blocks, the widest first
                        accumulateOverBlocks(masking, queries: tq, keys: tk, d: d, beta: beta,
                                             v.pointer(gv, batch: bi, column: h * d), v.rowStride) { first, rows, keys, beta, out in
                            sgemm(true, false, keys, d, rows, 1, weights + first * tk, tk, go + first * width, width,
                                  beta, out, v.rowStride)
                        }
                    }
                }
            }
            if chunks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
        }
    }

    /// A key-side gradient [Tk, d] (rows `stride` apart) as the sum of one product per query block,
    /// the last block (the most keys) first with the role's `beta`, the others adding. Key rows no
    /// block sees get a zero gradient (or keep theirs when adding).
    @inline(__always)
    static func accumulateOverBlocks(_ masking: AttentionMasking, queries tq: Int, keys tk: Int, d: Int, beta: Float,
                                     _ out: UnsafeMutablePointer<Float>, _ stride: Int,
                                     _ product: (Int, Int, Int, Float, UnsafeMutablePointer<Float>) -> Void) {
        var isWidest = true
        masking.forEachQueryBlock(queries: tq, keys: tk, lastFirst: true) { first, rows, keys in
            if isWidest && beta == 0 { for row in keys..<tk { (out + row * stride).update(repeating: 0, count: d) } }
            product(first, rows, keys, isWidest ? beta : 1, out)
            isWidest = false
        }
    }

    /// Calls `body` with, for each role, its tensor's gradient buffer and the sgemm beta to use
    /// (nil when the tensor needs no gradient). Roles on one tensor share one buffer; only a role
    /// that overlaps an earlier one (same tensor, same columns) adds instead of writing.
    static func withGradientBuffers(roles: [AttentionOperand],
                                    _ body: ([(UnsafeMutablePointer<Float>, Float)?]) -> Void) {
        let tensors = uniqueTensors(roles.map(\.tensor)).filter(\.requiresGrad)
        func visit(_ index: Int, _ buffers: [ObjectIdentifier: (UnsafeMutablePointer<Float>, Bool)]) {
            if index == tensors.count {
                var result: [(UnsafeMutablePointer<Float>, Float)?] = []
                for (i, role) in roles.enumerated() {
                    guard let (buffer, accumulate) = buffers[ObjectIdentifier(role.tensor)] else { result.append(nil); continue }
                    let overlaps = roles[..<i].contains { $0.tensor === role.tensor && $0.columnOffset == role.columnOffset }
                    result.append((buffer, accumulate || overlaps ? 1 : 0))
                }
                body(result)
                return
            }
            tensors[index].updateGrad { buffer, accumulate in
                var next = buffers
                next[ObjectIdentifier(tensors[index])] = (buffer, accumulate)
                visit(index + 1, next)
            }
        }
        visit(0, [:])
    }

    static func uniqueTensors(_ tensors: [Tensor]) -> [Tensor] {
        var out: [Tensor] = []
        for t in tensors where !out.contains(where: { $0 === t }) { out.append(t) }
        return out
    }
}

/// The softmax rows of attention scores, with scale, key padding and causal mask in one pass.
enum AttentionSoftmax {
    @inline(__always)
    static func forward(_ s: UnsafeMutablePointer<Float>, rows: Int, columns n: Int, scale: Float,
                        batch: Int, masking: AttentionMasking) {
        if n % Lanes.scalarCount == 0 {
            forwardInLanes(s, rows: rows, columns: n, scale: scale, batch: batch, masking: masking)
            return
        }
        let penalty = masking.keyPenalty.map { $0.data + batch * n }
        for i in 0..<rows {
            let row = s + i * n
            // Keys beyond the causal limit are dropped outright (not just given -inf).
            let visible = masking.causal ? Swift.max(0, Swift.min(n, i + masking.queryOffset + 1)) : n
            if let penalty {
                for j in 0..<visible { row[j] = penalty[j].addingProduct(row[j], scale) }
            } else {
                for j in 0..<visible { row[j] *= scale }
            }
            let m = visible > 0 ? Kernels.max(row, count: visible) : -.infinity
            if m == -.infinity {
                row.update(repeating: 0, count: n)
                continue
            }
            // Exponentiate, then sum in a separate vector pass (a running sum keeps the loop scalar).
            let inv = 1 / Kernels.expShiftedInPlace(row, count: visible, shift: m)
            for j in 0..<visible { row[j] *= inv }
            if visible < n { (row + visible).update(repeating: 0, count: n - visible) }
        }
    }

    /// The same for rows of whole 8-lane blocks: a causal row's last visible block is masked by
    /// lane (no scalar remainder loops, which the short causal rows otherwise spend most time in),
    /// and blocks wholly beyond the causal limit are only zeroed.
    @inline(__always)
    static func forwardInLanes(_ s: UnsafeMutablePointer<Float>, rows: Int, columns n: Int, scale: Float,
                               batch: Int, masking: AttentionMasking) {
        let width = Lanes.scalarCount
        let penalty = masking.keyPenalty.map { UnsafePointer($0.data + batch * n) }
        let lane = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        for i in 0..<rows {
            let row = s + i * n
            let visible = masking.causal ? Swift.max(0, Swift.min(n, i + masking.queryOffset + 1)) : n
            let blocks = (visible + width - 1) / width
            var top = Lanes(repeating: -.infinity)
            for block in 0..<blocks {
                let p = row + block * width
                var x = VectorMath.load(p)
                if let penalty {
                    x = VectorMath.load(penalty + block * width).addingProduct(x, scale)
                } else {
                    x *= scale
                }
                let left = visible - block * width
                if left < width { x.replace(with: -.infinity, where: lane .>= SIMD8<Int32>(repeating: Int32(left))) }
                VectorMath.store(x, p)
                top.replace(with: x, where: x .> top)
            }
            let m = VectorMath.maximum(top)
            if m == -.infinity {
                row.update(repeating: 0, count: n)
                continue
            }
            var total = Lanes()
            for block in 0..<blocks {
                let p = row + block * width
                let e = VectorMath.exp(VectorMath.load(p) - m)
                VectorMath.store(e, p)
                total += e
            }
            let inv = 1 / total.sum()
            for block in 0..<blocks {
                let p = row + block * width
                VectorMath.store(VectorMath.load(p) * inv, p)
            }
            if blocks * width < n { (row + blocks * width).update(repeating: 0, count: n - blocks * width) }
        }
    }
}
