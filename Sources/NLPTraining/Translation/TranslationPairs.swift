import NLPTokenizers

/// One row of a parallel corpus: a source sentence, its translation and the file line it came from.
public struct TranslationPair: Equatable, Sendable {
    public let source: String
    public let target: String
    public let line: Int

    public init(source: String, target: String, line: Int = 0) {
        self.source = source
        self.target = target
        self.line = line
    }
}

/// A parallel corpus file: rows `source<TAB>target`, UTF-8, one pair a line (split on `\n` only).
/// A first row `source<TAB>target` (any case) is a header and skipped; blank lines are skipped.
/// Every problem is an `InputError` naming the file and line.
public struct TranslationPairs: Sendable {
    public let path: String
    public let pairs: [TranslationPair]

    public static let maxLineBytes = 64 << 10

    public init(pairs: [TranslationPair], path: String = "") {
        self.pairs = pairs
        self.path = path
    }

    public init(path: String, lossy: Bool = false) throws {
        self.path = path
        let reader = try LineReader(path: path, maxLineBytes: Self.maxLineBytes)
        var pairs: [TranslationPair] = []
        for line in reader {
            var text = try line.text(lossy: lossy)
            if text.hasSuffix("\r") { text.removeLast() }
            if text.unicodeScalars.allSatisfy({ $0 == " " }) { continue }
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw InputError(file: path, line: line.number,
                                 fields.count < 2 ? "expected `source<TAB>target`, found no TAB"
                                                  : "expected 2 TAB-separated columns (source, target), found \(fields.count)")
            }
            if pairs.isEmpty && fields[0].lowercased() == "source" && fields[1].lowercased() == "target" { continue }
            let source = fields[0].trimmingSpaces, target = fields[1].trimmingSpaces
            guard !source.isEmpty && !target.isEmpty else {
                throw InputError(file: path, line: line.number, "expected text in both columns, found an empty \(source.isEmpty ? "source" : "target")")
            }
            pairs.append(TranslationPair(source: source, target: target, line: line.number))
        }
        if let error = reader.error {
            throw InputError(file: path, line: error.line, "line is longer than \(Self.maxLineBytes) bytes; expected one pair a line")
        }
        guard !pairs.isEmpty else { throw InputError(file: path, "has no pairs; expected rows `source<TAB>target`") }
        self.pairs = pairs
    }

    /// Splits off about `count` pairs by SOURCE sentence: the distinct sources are shuffled with
    /// `seed` and taken whole (every translation of a source goes to the same side) while they fit
    /// in `count`, so no held-out source appears in the rest. Both sides keep file order.
    public func splitBySource(heldOut count: Int, seed: UInt64) -> (rest: [TranslationPair], heldOut: [TranslationPair]) {
        guard count > 0 else { return (pairs, []) }
        var groups: [String: [Int]] = [:]
        var sources: [String] = []
        for (i, pair) in pairs.enumerated() {
            if groups[pair.source] == nil { sources.append(pair.source) }
            groups[pair.source, default: []].append(i)
        }
        var generator = SplitMix64(seed: seed)
        BatchPlan.shuffle(&sources, &generator)
        var held = Set<Int>(), taken = 0
        for source in sources where taken < count {
            let rows = groups[source]!
            // Whole groups only; skip one that would overshoot (a smaller one may still fit).
            if taken + rows.count > count { continue }
            held.formUnion(rows)
            taken += rows.count
        }
        // The rest must keep at least one pair.
        if held.count == pairs.count, let first = held.min() { held.remove(first) }
        return (pairs.indices.filter { !held.contains($0) }.map { pairs[$0] }, held.sorted().map { pairs[$0] })
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while let c = s.unicodeScalars.first, c == " " { s = s.dropFirst() }
        while let c = s.unicodeScalars.last, c == " " { s = s.dropLast() }
        return String(s)
    }
}
