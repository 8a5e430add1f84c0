import Foundation

/// Progress of a long job on stderr: a live bar with rate and ETA on a terminal, plain lines at a
/// steady interval otherwise (so logs stay readable). Never writes to stdout.
public final class ProgressBar {
    public let title: String
    public let total: Int
    public let unit: String
    /// Steps already done when the bar started (a resumed run): rates and ETAs count from here.
    public let initial: Int
    /// Seconds after the bar's start at which the job stops whatever its steps (a time limit): the
    /// ETA is never later than that.
    public var stopsAfter: Double?
    private let isTerminal: Bool
    private let plainInterval: Double
    private let liveInterval = 0.1
    private let start: Double
    private var lastDraw = -Double.infinity
    private var lastWidth = 0
    private var lastDone = -1
    private var finished = false
    private let output: (String) -> Void

    /// - Parameters:
    ///   - total: the number of steps (0 when unknown: no bar, no ETA).
    ///   - unit: what the steps are, plural ("steps", "batches", "lines").
    ///   - plainInterval: seconds between lines when stderr is not a terminal.
    ///   - output: where text goes (stderr by default; tests pass a closure).
    public init(_ title: String, total: Int, unit: String = "steps", initial: Int = 0, plainInterval: Double = 10,
                terminal: Bool? = nil, output: ((String) -> Void)? = nil) {
        self.title = title
        self.total = total
        self.unit = unit
        self.initial = initial
        self.plainInterval = plainInterval
        self.isTerminal = terminal ?? (isatty(2) == 1)
        self.start = monotonicSeconds()
        self.output = output ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Reports that `done` steps are complete; `status` is extra text such as "loss 0.4312".
    public func update(_ done: Int, status: String = "", force: Bool = false) {
        let now = monotonicSeconds()
        let interval = isTerminal ? liveInterval : plainInterval
        guard force || now - lastDraw >= interval || (done == total && lastDone != done) else { return }
        lastDraw = now
        lastDone = done
        let line = render(done, status: status, elapsed: now - start)
        if isTerminal {
            let padding = String(repeating: " ", count: max(0, lastWidth - line.unicodeScalars.count))
            lastWidth = line.unicodeScalars.count
            output("\r" + line + padding)
        } else {
            output(line + "\n")
        }
    }

    /// Draws the final state and ends the line.
    public func finish(_ done: Int, status: String = "") {
        guard !finished else { return }
        finished = true
        if isTerminal || lastDone != done { update(done, status: status, force: true) }
        if isTerminal { output("\n") }
    }

    /// Prints a message above the bar (a notice, a dev evaluation) without garbling it.
    public func note(_ message: String) {
        if isTerminal && lastWidth > 0 {
            output("\r" + String(repeating: " ", count: lastWidth) + "\r" + message + "\n")
            lastDraw = -Double.infinity
        } else {
            output(message + "\n")
        }
    }

    func render(_ done: Int, status: String, elapsed: Double) -> String {
        var parts = [title]
        if total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            if isTerminal {
                let width = 24
                let filled = Int(fraction * Double(width))
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
            }
            parts.append("\(done)/\(total) \(unit)")
            parts.append(formatFixed(fraction * 100, digits: 0) + "%")
        } else {
            parts.append("\(done) \(unit)")
        }
        if !status.isEmpty { parts.append(status) }
        let rate = elapsed > 0 ? Double(done - initial) / elapsed : 0
        if rate > 0 { parts.append(formatRate(rate) + " \(unit)/s") }
        parts.append("elapsed " + formatDuration(elapsed))
        if total > 0, done > 0, done < total, rate > 0 {
            var remaining = Double(total - done) / rate
            if let stopsAfter { remaining = max(0, min(remaining, stopsAfter - elapsed)) }
            parts.append("ETA " + formatDuration(remaining))
        }
        return parts.joined(separator: "  ")
    }
}

/// Seconds on a monotonic clock (for rates and ETAs; never goes backwards).
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// "1:05:09", "4:07" or "12.3s".
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    if seconds < 60 { return formatFixed(seconds, digits: 1) + "s" }
    let s = Int(seconds.rounded())
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60)
    let two = { (x: Int) in x < 10 ? "0\(x)" : "\(x)" }
    return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
}

/// A rate with three significant figures: "0.512", "43.1", "18,400".
public func formatRate(_ rate: Double) -> String {
    if rate >= 1000 { return groupedThousands(Int(rate.rounded())) }
    if rate >= 100 { return formatFixed(rate, digits: 0) }
    if rate >= 10 { return formatFixed(rate, digits: 1) }
    if rate >= 1 { return formatFixed(rate, digits: 2) }
    return formatFixed(rate, digits: 3)
}

/// 18400 → "18,400".
public func groupedThousands(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}
