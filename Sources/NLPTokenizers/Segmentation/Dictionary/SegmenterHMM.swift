import Foundation

/// The four states of a unit in a word: Begin, Middle, End, Single.
enum SegmenterTag: Int, CaseIterable {
    case begin = 0, middle, end, single

    /// The tags of a word of `length` units, in order.
    static func tags(length: Int) -> some Sequence<SegmenterTag> {
        (0..<length).lazy.map { i in
            length == 1 ? .single : (i == 0 ? .begin : (i == length - 1 ? .end : .middle))
        }
    }
}

/// A hidden Markov model over B/M/E/S states with unit symbols as observations, for the runs the
/// dictionary does not cover (jieba's `finalseg`). Log probabilities; Viterbi decoding.
public struct SegmenterHMM {
    /// log P(first state).
    var start: SIMD4<Float>
    /// log P(next state | state): `transition[from]`.
    var transition: [SIMD4<Float>]
    /// log P(symbol | state) for each state, by symbol.
    var emission: [UInt32: SIMD4<Float>]
    /// log P(symbol | state) of a symbol seen in no training word.
    var unknownEmission: SIMD4<Float>

    /// Counts of states and emissions gathered from segmented text; `model()` turns them into log
    /// probabilities.
    public struct Counts {
        var start = [Double](repeating: 0, count: 4)
        var transition = [Double](repeating: 0, count: 16)
        var emission: [UInt32: SIMD4<Double>] = [:]

        public init() {}

        /// Adds one sentence given as the unit symbols of each of its words.
        mutating func add(wordSymbols: [ArraySlice<UInt32>]) {
            var previous: SegmenterTag?
            for word in wordSymbols {
                for (tag, symbol) in zip(SegmenterTag.tags(length: word.count), word) {
                    if let previous { transition[previous.rawValue * 4 + tag.rawValue] += 1 } else { start[tag.rawValue] += 1 }
                    emission[symbol, default: .zero][tag.rawValue] += 1
                    previous = tag
                }
            }
        }

        /// Log probabilities with add-`smoothing` on the emissions.
        func model(smoothing: Double = 0.5) -> SegmenterHMM {
            func logNormalized(_ v: [Double]) -> [Float] {
                let total = v.reduce(0, +)
                return v.map { $0 > 0 ? Float(log($0 / total)) : -1e30 }
            }
            let s = logNormalized(start)
            // A word can only begin with B or S, and B/M go on to M/E, E/S to B/S.
            var rows: [SIMD4<Float>] = []
            for from in 0..<4 {
                let r = logNormalized(Array(transition[from * 4..<from * 4 + 4]))
                rows.append(SIMD4(r[0], r[1], r[2], r[3]))
            }
            var totals = SIMD4<Double>.zero
            for v in emission.values { totals += v }
            let vocabulary = Double(emission.count + 1)
            var table: [UInt32: SIMD4<Float>] = [:]
            table.reserveCapacity(emission.count)
            for (symbol, v) in emission {
                let p = (v + smoothing) / (totals + smoothing * vocabulary)
                table[symbol] = SIMD4(Float(log(p[0])), Float(log(p[1])), Float(log(p[2])), Float(log(p[3])))
            }
            let u = SIMD4<Double>(repeating: smoothing) / (totals + smoothing * vocabulary)
            return SegmenterHMM(start: SIMD4(s[0], s[1], s[2], s[3]), transition: rows, emission: table,
                                unknownEmission: SIMD4(Float(log(u[0])), Float(log(u[1])), Float(log(u[2])), Float(log(u[3]))))
        }
    }

    /// The model of no data: every state equally likely (used when a model has no HMM).
    static var uniform: SegmenterHMM {
        let l = Float(log(0.25))
        return SegmenterHMM(start: SIMD4(repeating: l), transition: Array(repeating: SIMD4(repeating: l), count: 4),
                            emission: [:], unknownEmission: SIMD4(repeating: l))
    }

    /// Viterbi: for each of `symbols`, whether a word ends after it. The path starts with B or S and
    /// ends with E or S, as jieba's does.
    func wordEnds(_ symbols: UnsafeBufferPointer<UInt32>, into ends: inout [Bool], scratch: inout [SIMD4<Float>], back: inout [SIMD4<Int32>]) {
        let n = symbols.count
        ends.removeAll(keepingCapacity: true)
        if n == 0 { return }
        scratch.removeAll(keepingCapacity: true)
        back.removeAll(keepingCapacity: true)
        let impossible: Float = -1e30
        var score = start + (emission[symbols[0]] ?? unknownEmission)
        score[1] = impossible  // M
        score[2] = impossible  // E
        back.append(SIMD4(repeating: -1))
        for t in 1..<n {
            let e = emission[symbols[t]] ?? unknownEmission
            var next = SIMD4<Float>(repeating: impossible)
            var from = SIMD4<Int32>(repeating: 0)
            for to in 0..<4 {
                var best = impossible * 2
                var arg: Int32 = 0
                for p in 0..<4 {
                    let v = score[p] + transition[p][to]
                    if v > best { best = v; arg = Int32(p) }
                }
                next[to] = best + e[to]
                from[to] = arg
            }
            score = next
            back.append(from)
        }
        // Finish in E or S.
        var state: Int32 = score[2] >= score[3] ? 2 : 3
        ends = [Bool](repeating: false, count: n)
        var t = n - 1
        while t >= 0 {
            ends[t] = state == 2 || state == 3
            if t > 0 { state = back[t][Int(state)] }
            t -= 1
        }
        ends[n - 1] = true
    }

    // MARK: - Text form

    /// `start`, four `from` rows, `unknown`, then one line a symbol (hexadecimal code) with the log
    /// probabilities of B M E S.
    func serialized() -> String {
        func row(_ v: SIMD4<Float>) -> String { "\(v[0]) \(v[1]) \(v[2]) \(v[3])" }
        var lines = ["# segmenter HMM: log probabilities of B M E S", "start \(row(start))"]
        for (i, name) in ["B", "M", "E", "S"].enumerated() { lines.append("from\(name) \(row(transition[i]))") }
        lines.append("unknown \(row(unknownEmission))")
        for symbol in emission.keys.sorted() { lines.append(String(symbol, radix: 16) + " " + row(emission[symbol]!)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func load(contentsOf path: String) throws -> SegmenterHMM {
        var model = SegmenterHMM.uniform
        let reader = try LineReader(path: path)
        var rows = 0
        for line in reader {
            let text = try line.text()
            if text.hasPrefix("#") || text.isEmpty { continue }
            let fields = text.split(separator: " ")
            guard fields.count == 5, let a = Float(fields[1]), let b = Float(fields[2]), let c = Float(fields[3]),
                  let d = Float(fields[4]) else {
                throw InputError(file: path, line: line.number, "expected a name and four log probabilities")
            }
            let v = SIMD4(a, b, c, d)
            switch fields[0] {
            case "start": model.start = v
            case "fromB": model.transition[0] = v
            case "fromM": model.transition[1] = v
            case "fromE": model.transition[2] = v
            case "fromS": model.transition[3] = v
            case "unknown": model.unknownEmission = v
            default:
                guard let symbol = UInt32(fields[0], radix: 16) else {
                    throw InputError(file: path, line: line.number, "expected a hexadecimal symbol, got \"\(fields[0])\"")
                }
                model.emission[symbol] = v
            }
            rows += 1
        }
        if let error = reader.error { throw error }
        guard rows >= 6 else { throw InputError(file: path, "expected the start, transition and unknown rows of an HMM") }
        return model
    }
}
