/// The tagger's weight table, compact: only the rows training gave a weight are stored, densely, and
/// a bitmap with running popcounts maps a bucket to its row (rank/select). Most buckets of the
/// hashed feature space are empty, so the rows fit in a few megabytes that stay in cache, where a
/// dense table would be 2^22 rows of 16 bytes read at random.
struct TaggerWeights {
    let bucketCount: Int
    /// Bit b set when bucket b has a row.
    private let present: [UInt64]
    /// Rows in the 64-bucket words before each word.
    private let ranks: [UInt32]
    /// The rows, in bucket order, then one zero row for every empty bucket.
    private let rows: [SIMD8<Float16>]

    var rowCount: Int { rows.count - 1 }

    /// From (bucket, row) pairs in increasing bucket order.
    init(bucketCount: Int, sortedRows: [(bucket: Int, row: SIMD8<Float16>)]) {
        self.bucketCount = bucketCount
        var present = [UInt64](repeating: 0, count: (bucketCount + 63) / 64)
        var rows: [SIMD8<Float16>] = []
        rows.reserveCapacity(sortedRows.count + 1)
        for (bucket, row) in sortedRows {
            present[bucket >> 6] |= 1 << UInt64(bucket & 63)
            rows.append(row)
        }
        rows.append(.zero)
        var ranks = [UInt32](repeating: 0, count: present.count)
        var total: UInt32 = 0
        for (i, word) in present.enumerated() {
            ranks[i] = total
            total += UInt32(word.nonzeroBitCount)
        }
        self.present = present
        self.ranks = ranks
        self.rows = rows
    }

    /// From a dense table, leaving out rows whose largest weight is below `pruneBelow` in magnitude
    /// (and rows that are zero in half precision).
    init(dense: [SIMD8<Float>], pruneBelow: Float) {
        var kept: [(bucket: Int, row: SIMD8<Float16>)] = []
        for (bucket, row) in dense.enumerated() where row != .zero {
            let half = SIMD8<Float16>(row)
            var largest: Float = 0
            for t in 0..<8 { largest = max(largest, abs(Float(half[t]))) }
            if largest > 0 && largest >= pruneBelow { kept.append((bucket, half)) }
        }
        self.init(bucketCount: dense.count, sortedRows: kept)
    }

    /// The rows in bucket order.
    func forEachRow(_ body: (Int, SIMD8<Float16>) throws -> Void) rethrows {
        var r = 0
        for (w, word) in present.enumerated() {
            var bits = word
            while bits != 0 {
                let b = bits.trailingZeroBitCount
                try body(w * 64 + b, rows[r])
                r += 1
                bits &= bits - 1
            }
        }
    }

    /// Runs `body` with a function from bucket to row that reads no array bounds.
    @inline(__always)
    func withLookup<R>(_ body: ((Int) -> SIMD8<Float16>) throws -> R) rethrows -> R {
        try present.withUnsafeBufferPointer { present in
            try ranks.withUnsafeBufferPointer { ranks in
                try rows.withUnsafeBufferPointer { rows in
                    let empty = rows.count - 1
                    return try body { bucket in
                        let word = present[bucket >> 6]
                        let bit = UInt64(1) << UInt64(bucket & 63)
                        let index = word & bit == 0
                            ? empty
                            : Int(ranks[bucket >> 6]) + (word & (bit &- 1)).nonzeroBitCount
                        return rows[index]
                    }
                }
            }
        }
    }
}
