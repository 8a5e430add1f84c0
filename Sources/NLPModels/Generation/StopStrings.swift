/// Cuts a text stream at the first of some stop strings. Text that could be the start of a stop
/// string is held back until it is known not to be one, so nothing past a stop is ever emitted.
public struct StopStrings {
    public let stops: [[UInt8]]
    private var pending: [UInt8] = []
    public private(set) var stopped = false

    /// Empty strings are ignored.
    public init(_ stops: [String]) { self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty } }

    /// The text that is safe to emit after adding `text`; once a stop string is found it is the
    /// text before it and `stopped` becomes true.
    public mutating func push(_ text: String) -> String {
        guard !stopped else { return "" }
        if stops.isEmpty { return text }
        pending.append(contentsOf: text.utf8)
        if let cut = firstStop() {
            stopped = true
            let out = String(decoding: pending[..<cut], as: UTF8.self)
            pending.removeAll()
            return out
        }
        let held = longestSuffixStartingAStop()
        let out = String(decoding: pending[..<(pending.count - held)], as: UTF8.self)
        pending.removeFirst(pending.count - held)
        return out
    }

    /// The held-back text, when the stream ends without a stop.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return stopped ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// The earliest offset where a stop string starts in `pending`.
    private func firstStop() -> Int? {
        var best: Int?
        for stop in stops where stop.count <= pending.count {
            for start in 0...(pending.count - stop.count) where best.map({ start < $0 }) ?? true {
                if pending[start..<(start + stop.count)].elementsEqual(stop) { best = start; break }
            }
        }
        return best
    }

    /// The length of the longest end of `pending` that a stop string begins with.
    private func longestSuffixStartingAStop() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, pending.count), to: longest, by: -1)
            where pending[(pending.count - length)...].elementsEqual(stop[..<length]) {
                longest = length
                break
            }
        }
        return longest
    }
}
