import Foundation

/// A small self-contained SVG line chart (axes, ticks, legend): enough to look at a loss curve in a
/// browser with no plotting library.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public let name: String
        public let color: String
        public let points: [(Double, Double)]
        public init(name: String, color: String, points: [(Double, Double)]) {
            self.name = name
            self.color = color
            self.points = points
        }
    }

    public let title: String
    public let xLabel: String
    public let yLabel: String
    public let series: [Series]
    public var width = 720.0
    public var height = 420.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    public var svg: String {
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 50.0)
        let plotW = width - left - right, plotH = height - top - bottom
        let all = series.flatMap(\.points)
        var (x0, x1) = (all.map(\.0).min() ?? 0, all.map(\.0).max() ?? 1)
        var (y0, y1) = (all.map(\.1).min() ?? 0, all.map(\.1).max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1 }
        let yPad = (y1 - y0) * 0.05
        y0 -= yPad; y1 += yPad
        x0 = min(x0, 0)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotH }
        func f(_ v: Double) -> String { formatFixed(v, digits: 1) }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        for tick in niceTicks(y0, y1) {
            out += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(py(tick)))\" y2=\"\(f(py(tick)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(tickLabel(tick))</text>\n"
        }
        for tick in niceTicks(x0, x1) {
            out += "<line x1=\"\(f(px(tick)))\" x2=\"\(f(px(tick)))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH + 5))\" stroke=\"black\"/>\n"
            out += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(tickLabel(tick))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        var legendY = top + 16
        for s in series where !s.points.isEmpty {
            let path = s.points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
            if s.points.count == 1 {
                out += "<circle cx=\"\(f(px(s.points[0].0)))\" cy=\"\(f(py(s.points[0].1)))\" r=\"3\" fill=\"\(s.color)\"/>\n"
            } else {
                out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            }
            out += "<line x1=\"\(f(left + plotW - 90))\" x2=\"\(f(left + plotW - 70))\" y1=\"\(f(legendY - 4))\" y2=\"\(f(legendY - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(f(left + plotW - 64))\" y=\"\(f(legendY))\">\(escape(s.name))</text>\n"
            legendY += 16
        }
        return out + "</svg>\n"
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private func tickLabel(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
        return abs(v) >= 1 ? formatFixed(v, digits: 2) : formatFixed(v, digits: 3)
    }

    /// About five round tick values covering [lo, hi].
    private func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var t = (lo / step).rounded(.up) * step
        while t <= hi + step * 1e-9 {
            ticks.append(t)
            t += step
        }
        return ticks
    }
}

