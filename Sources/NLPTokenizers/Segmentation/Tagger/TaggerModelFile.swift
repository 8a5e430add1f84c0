import Foundation
import NLPFiles

/// The tagger's weights on disk (`tagger.bin`), little-endian, with T the number of tags (4 or 6):
///   "NLPSEGT3", UInt32 hash bits, UInt32 features per unit, UInt32 T,
///   Float32 × T start scores, Float32 × T·T transition scores,
///   UInt32 row count, then per non-zero row: the gap to the previous row's bucket as a LEB128
///   varint, and its T scores as IEEE half floats.
/// Half floats keep three significant digits over the whole range of perceptron weights (the
/// median weight is below 1, the largest near 1,000); storing only the rows that training touched
/// keeps the file at a few bytes a feature.
enum TaggerModelFile {
    static let magic = Array("NLPSEGT3".utf8)

    static func write(_ tagger: CharacterTagger, to path: String) throws {
        var data = Data(magic)
        func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func putFloat(_ v: Float) { put32(v.bitPattern) }
        put32(UInt32(tagger.features.hashBits))
        put32(UInt32(TaggerFeatures.count))
        let tags = tagger.tagSet.count
        put32(UInt32(tags))
        for t in 0..<tags { putFloat(tagger.start[t]) }
        for row in tagger.transition.prefix(tags) { for t in 0..<tags { putFloat(row[t]) } }
        var rows: [(Int, SIMD8<Float16>)] = []
        tagger.weights.forEachRow { bucket, row in rows.append((bucket, row)) }
        put32(UInt32(rows.count))
        data.reserveCapacity(data.count + rows.count * 10)
        var previous = 0
        for (bucket, row) in rows {
            var gap = UInt32(bucket - previous)
            previous = bucket
            repeat {
                let low = UInt8(gap & 0x7F)
                gap >>= 7
                data.append(gap == 0 ? low : low | 0x80)
            } while gap != 0
            for t in 0..<tags { withUnsafeBytes(of: row[t].bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        try AtomicFile.write(data, to: path)
    }

    static func read(path: String, dictionary: SegmenterDictionary, rules: SegmenterRules) throws -> CharacterTagger {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot read the tagger weights")
        }
        return try data.withUnsafeBytes { raw -> CharacterTagger in
            let bytes = raw.bindMemory(to: UInt8.self)
            var offset = 0
            func bad(_ what: String) -> InputError { InputError(file: path, "not a segmenter tagger file: \(what)") }
            func need(_ n: Int) throws {
                guard offset + n <= bytes.count else { throw bad("truncated at byte \(offset)") }
            }
            func get32() throws -> UInt32 {
                try need(4)
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
            guard (10...28).contains(hashBits), perUnit == TaggerFeatures.count, let tagSet = TaggerTagSet(rawValue: tags) else {
                throw bad("hash bits \(hashBits), \(perUnit) features, \(tags) tags (this build expects \(TaggerFeatures.count) features, 4 or 6 tags)")
            }
            var start = SIMD8<Float>.zero
            for t in 0..<tags { start[t] = try getFloat() }
            var transition = [SIMD8<Float>](repeating: .zero, count: 8)
            for r in 0..<tags { for t in 0..<tags { transition[r][t] = try getFloat() } }
            let rowCount = Int(try get32())
            let features = TaggerFeatures(hashBits: hashBits)
            var rows: [(bucket: Int, row: SIMD8<Float16>)] = []
            rows.reserveCapacity(rowCount)
            var bucket = 0
            for _ in 0..<rowCount {
                var gap = 0, shift = 0
                while true {
                    try need(1)
                    let b = bytes[offset]
                    offset += 1
                    gap |= Int(b & 0x7F) << shift
                    if b & 0x80 == 0 { break }
                    shift += 7
                    guard shift < 35 else { throw bad("bad bucket gap at byte \(offset)") }
                }
                bucket += gap
                guard bucket < features.bucketCount, gap > 0 || rows.isEmpty else { throw bad("bucket \(bucket) out of range or repeated") }
                try need(2 * tags)
                var row = SIMD8<Float16>.zero
                for t in 0..<tags {
                    let h = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
                    row[t] = Float16(bitPattern: h)
                    offset += 2
                }
                rows.append((bucket, row))
            }
            guard offset == bytes.count else { throw bad("\(bytes.count - offset) bytes after the last row") }
            let weights = TaggerWeights(bucketCount: features.bucketCount, sortedRows: rows)
            return CharacterTagger(dictionary: dictionary, features: features, tagSet: tagSet, weights: weights,
                                   transition: transition, start: start, rules: rules)
        }
    }
}
