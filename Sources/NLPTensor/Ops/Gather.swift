// Row lookup (embeddings). Indices are plain `[Int32]` (or `[Int]`) arrays: token ids and
// labels come from the tokenizer as integers, and an index never needs a gradient.

extension Tensor {
    /// Rows `ids` of this [rows, width] matrix, as a tensor of shape `shape + [width]`
    /// (default `[ids.count, width]`). Backward adds each output row's gradient into its source row
    /// (rows looked up twice get both).
    public func gatherRows(_ ids: [Int32], shape leading: [Int]? = nil) -> Tensor {
        precondition(rank == 2, "gatherRows from a tensor of shape \(shape) (needs [rows, width])")
        let rows = shape[0], width = shape[1]
        let leading = leading ?? [ids.count]
        precondition(Shape.count(of: leading) == ids.count, "\(ids.count) ids for output rows of shape \(leading)")
        let out = Tensor(uninitializedShape: leading + [width])
        let x = data, y = out.data
        ids.withUnsafeBufferPointer { idp in
            for id in idp {
                precondition(id >= 0 && Int(id) < rows, "row index \(id) out of range 0..<\(rows)")
            }
            Parallelism.forEachChunk(of: ids.count, costPerItem: width) { range in
                for r in range { (y + r * width).update(from: x + Int(idp[r]) * width, count: width) }
            }
        }
        if Tensor.isRecording(self) {
            out.record("gather rows", inputs: [self]) { [self] _, g in
                let gx = zeroFilledGrad()
                // Split the columns, not the ids: two ids may name the same row.
                let gy = g.data
                ids.withUnsafeBufferPointer { idp in
                    Parallelism.forEachChunk(of: width, costPerItem: ids.count) { columns in
                        for (r, id) in idp.enumerated() {
                            let src = gy + r * width, dst = gx + Int(id) * width
                            for j in columns { dst[j] += src[j] }
                        }
                    }
                }
            }
        }
        return out
    }

    public func gatherRows(_ ids: [Int], shape leading: [Int]? = nil) -> Tensor {
        gatherRows(ids.map { Int32(truncatingIfNeeded: $0) }, shape: leading)
    }
}
