import Foundation

/// The tagger's weights on disk (`tagger.bin`), little-endian:
///   "NLPSEGT1", UInt32 hash bits, UInt32 features per unit, UInt32 tags (4),
///   Float32 × 4 start scores, Float32 × 16 transition scores, Float32 scale,
///   UInt32 row count, then per row: UInt32 bucket and Int8 × 4 scores (score = q · scale).
/// Only rows with a non-zero quantized score are stored; rows are in bucket order.
enum TaggerModelFile {
    static let magic = Array("NLPSEGT1".utf8)

    static func write(_ tagger: CharacterTagger, to path: String) throws {
        var maximum: Float = 0
        for row in tagger.weights {
            let magnitude = SIMD4<Float>(abs(row[0]), abs(row[1]), abs(row[2]), abs(row[3])).max()
            maximum = Swift.max(maximum, magnitude)
        }
        let scale = maximum > 0 ? maximum / 127 : 1
        var data = Data(magic)
        func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func putFloat(_ v: Float) { put32(v.bitPattern) }
        put32(UInt32(tagger.features.hashBits))
        put32(UInt32(TaggerFeatures.count))
        put32(4)
        for t in 0..<4 { putFloat(tagger.start[t]) }
        for row in tagger.transition { for t in 0..<4 { putFloat(row[t]) } }
        putFloat(scale)
        var rows: [(UInt32, SIMD4<Int8>)] = []
        for (bucket, row) in tagger.weights.enumerated() {
            let scaled = (row / scale).rounded(.toNearestOrEven)
            let q = SIMD4<Int8>(clamping: SIMD4<Int32>(scaled))
            if q != .zero { rows.append((UInt32(bucket), q)) }
        }
        put32(UInt32(rows.count))
        data.reserveCapacity(data.count + rows.count * 8)
        for (bucket, q) in rows {
            put32(bucket)
            for t in 0..<4 { data.append(UInt8(bitPattern: q[t])) }
        }
        try SegmenterFiles.writeAtomically(data, to: path)
    }

    static func read(path: String, dictionary: SegmenterDictionary) throws -> CharacterTagger {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot read the tagger weights")
        }
        let bytes = [UInt8](data)
        var offset = 0
        func bad(_ what: String) -> InputError { InputError(file: path, "not a segmenter tagger file: \(what)") }
        func get32() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw bad("truncated at byte \(offset)") }
            let v = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
            offset += 4
            return v
        }
        func getFloat() throws -> Float { Float(bitPattern: try get32()) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else { throw bad("wrong magic bytes") }
        offset = 8
        let hashBits = Int(try get32())
        let perUnit = Int(try get32())
        let tags = Int(try get32())
        guard (10...28).contains(hashBits), perUnit == TaggerFeatures.count, tags == 4 else {
            throw bad("hash bits \(hashBits), \(perUnit) features, \(tags) tags (this build expects \(TaggerFeatures.count) features, 4 tags)")
        }
        var start = SIMD4<Float>.zero
        for t in 0..<4 { start[t] = try getFloat() }
        var transition = [SIMD4<Float>](repeating: .zero, count: 4)
        for r in 0..<4 { for t in 0..<4 { transition[r][t] = try getFloat() } }
        let scale = try getFloat()
        let rowCount = Int(try get32())
        guard offset + rowCount * 8 == bytes.count else { throw bad("expected \(rowCount) rows of 8 bytes") }
        let features = TaggerFeatures(hashBits: hashBits)
        var weights = [SIMD4<Float>](repeating: .zero, count: features.bucketCount)
        for _ in 0..<rowCount {
            let bucket = Int(try get32())
            guard bucket < weights.count else { throw bad("bucket \(bucket) out of range") }
            weights[bucket] = SIMD4<Float>(Float(Int8(bitPattern: bytes[offset])), Float(Int8(bitPattern: bytes[offset + 1])),
                                           Float(Int8(bitPattern: bytes[offset + 2])), Float(Int8(bitPattern: bytes[offset + 3]))) * scale
            offset += 4
        }
        return CharacterTagger(dictionary: dictionary, features: features, weights: weights, transition: transition, start: start)
    }
}
