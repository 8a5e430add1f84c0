import NLPTokenizers

/// The record of a training run: one row per logged step (train loss, and dev metrics when they were
/// measured), written as train_log.csv and drawn as loss.svg in the run's folder.
public struct TrainingLog: Sendable {
    public struct Row: Equatable, Sendable {
        public var step: Int
        public var epoch: Double
        public var trainLoss: Double
        public var learningRate: Double
        public var devLoss: Double?
        public var devMetric: Double?

        public init(step: Int, epoch: Double, trainLoss: Double, learningRate: Double,
                    devLoss: Double? = nil, devMetric: Double? = nil) {
            self.step = step
            self.epoch = epoch
            self.trainLoss = trainLoss
            self.learningRate = learningRate
            self.devLoss = devLoss
            self.devMetric = devMetric
        }
    }

    public var rows: [Row] = []
    /// The name of the dev metric column ("accuracy", "perplexity", "bleu").
    public var metricName: String

    public init(metricName: String = "dev_metric") { self.metricName = metricName }

    public static let fileName = "train_log.csv"
    public static let plotFileName = "loss.svg"

    public mutating func append(_ row: Row) { rows.append(row) }

    /// CSV with a header: step,epoch,train_loss,learning_rate,dev_loss,<metric>.
    public var csv: String {
        var out = "step,epoch,train_loss,learning_rate,dev_loss,\(metricName)\n"
        for r in rows {
            out += "\(r.step),\(formatFixed(r.epoch, digits: 4)),\(csvNumber(r.trainLoss)),\(csvNumber(r.learningRate)),"
            out += "\(r.devLoss.map(csvNumber) ?? ""),\(r.devMetric.map(csvNumber) ?? "")\n"
        }
        return out
    }

    /// Parses a train_log.csv written by `csv` (used when a run resumes, so the curve continues).
    public init(csv text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first, header.hasPrefix("step,epoch,train_loss,learning_rate,dev_loss,") else {
            throw InputError(file: "train_log.csv", line: 1, "expected the header step,epoch,train_loss,learning_rate,dev_loss,…")
        }
        metricName = String(header.split(separator: ",", omittingEmptySubsequences: false).last!)
        for (i, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 6, let step = Int(f[0]), let epoch = Double(f[1]), let loss = Double(f[2]),
                  let lr = Double(f[3]) else {
                throw InputError(file: "train_log.csv", line: i + 2, "expected 6 comma-separated numbers")
            }
            rows.append(Row(step: step, epoch: epoch, trainLoss: loss, learningRate: lr,
                            devLoss: Double(f[4]), devMetric: Double(f[5])))
        }
    }

    /// Drops rows after `step` (a resumed run continues from its last checkpoint).
    public mutating func truncate(after step: Int) { rows.removeAll { $0.step > step } }

    /// The loss curve: train loss (and dev loss where measured) against the step.
    public var svg: String {
        let train = rows.filter { $0.trainLoss.isFinite }.map { (Double($0.step), $0.trainLoss) }
        let dev = rows.compactMap { r in r.devLoss.flatMap { $0.isFinite ? (Double(r.step), $0) : nil } }
        return LinePlot(title: "loss", xLabel: "step", yLabel: "loss",
                        series: [.init(name: "train", color: "#1f77b4", points: train),
                                 .init(name: "dev", color: "#d62728", points: dev)]).svg
    }
}

func csvNumber(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    return "\(x)"
}
