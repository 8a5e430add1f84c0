import NLPTokenizers

/// Accuracy, macro-F1, per-class precision / recall / F1 and the confusion matrix of a classifier,
/// computed as scikit-learn's `classification_report` does (a class never predicted has precision 0;
/// a class absent from the gold labels has recall 0 and still counts in the macro average).
public struct ClassificationReport: Equatable, Sendable {
    public struct ClassScores: Equatable, Sendable {
        public let label: String
        public let precision: Double
        public let recall: Double
        public let f1: Double
        /// Number of gold examples of this class.
        public let support: Int
    }

    public let labels: [String]
    /// `confusion[gold][predicted]` counts.
    public let confusion: [[Int]]
    public let perClass: [ClassScores]
    public let accuracy: Double
    public let macroF1: Double
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// `gold` and `predicted` are class indices into `labels`, one pair per example.
    public init(labels: [String], gold: [Int], predicted: [Int]) {
        precondition(gold.count == predicted.count, "one prediction per gold label")
        let k = labels.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (g, p) in zip(gold, predicted) { confusion[g][p] += 1 }
        var perClass: [ClassScores] = []
        var correct = 0
        for c in 0..<k {
            let truePositives = confusion[c][c]
            correct += truePositives
            let predictedAsC = (0..<k).reduce(0) { $0 + confusion[$1][c] }
            let support = confusion[c].reduce(0, +)
            let precision = predictedAsC == 0 ? 0 : Double(truePositives) / Double(predictedAsC)
            let recall = support == 0 ? 0 : Double(truePositives) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            perClass.append(ClassScores(label: labels[c], precision: precision, recall: recall, f1: f1, support: support))
        }
        self.labels = labels
        self.confusion = confusion
        self.perClass = perClass
        self.accuracy = gold.isEmpty ? 0 : Double(correct) / Double(gold.count)
        self.macroF1 = k == 0 ? 0 : perClass.reduce(0) { $0 + $1.f1 } / Double(k)
    }

    /// A human-readable table: per-class scores, accuracy, macro-F1, then the confusion matrix.
    public var text: String {
        let width = max(8, labels.map { $0.unicodeScalars.count }.max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String {
            String(repeating: " ", count: max(0, w - s.unicodeScalars.count)) + s
        }
        func fixed(_ x: Double) -> String { formatFixed(x, digits: 4) }
        var lines = [pad("label", width) + "  precision     recall         f1    support"]
        for c in perClass {
            lines.append(pad(c.label, width) + "  " + pad(fixed(c.precision), 9) + "  " + pad(fixed(c.recall), 9)
                         + "  " + pad(fixed(c.f1), 9) + "  " + pad(String(c.support), 9))
        }
        lines.append("")
        lines.append(pad("accuracy", width) + "  " + pad(fixed(accuracy), 9) + "  (\(count) examples)")
        lines.append(pad("macro-F1", width) + "  " + pad(fixed(macroF1), 9))
        lines.append("")
        lines.append("confusion (rows: gold, columns: predicted)")
        let cell = max(width, confusion.flatMap { $0 }.map { String($0).count }.max() ?? 1)
        lines.append(pad("", width) + labels.map { "  " + pad($0, cell) }.joined())
        for (label, row) in zip(labels, confusion) {
            lines.append(pad(label, width) + row.map { "  " + pad(String($0), cell) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The report as a JSON object (keys: accuracy, macro_f1, labels, per_class, confusion).
    public var json: String {
        let classes = perClass.map {
            "{\"label\":\(JSONEscaping.quoted($0.label)),\"precision\":\(jsonNumber($0.precision)),\"recall\":\(jsonNumber($0.recall)),\"f1\":\(jsonNumber($0.f1)),\"support\":\($0.support)}"
        }
        let matrix = confusion.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
        return "{\"accuracy\":\(jsonNumber(accuracy)),\"macro_f1\":\(jsonNumber(macroF1)),\"count\":\(count),"
            + "\"labels\":[\(labels.map(JSONEscaping.quoted).joined(separator: ","))],"
            + "\"per_class\":[\(classes.joined(separator: ","))],\"confusion\":[\(matrix.joined(separator: ","))]}"
    }
}
