import NLPTokenizers

/// One labelled example: a text (or a pair of texts) and its label as written in the file.
public struct LabeledExample: Equatable, Sendable {
    public let text: String
    public let pair: String?
    public let label: String
    /// The 1-based line of the file it came from (for error messages).
    public let line: Int

    public init(text: String, pair: String? = nil, label: String, line: Int = 0) {
        self.text = text
        self.pair = pair
        self.label = label
        self.line = line
    }
}

/// A classification data file: rows `text<TAB>label` or `text_a<TAB>text_b<TAB>label`, UTF-8, one row
/// a line (split on `\n` only). A header line is recognised and skipped; blank lines are skipped.
/// Every problem is an `InputError` naming the file and line.
public struct LabeledTextFile: Sendable {
    public let path: String
    public let examples: [LabeledExample]
    /// 2 for `text<TAB>label`, 3 for sentence pairs.
    public let columns: Int
    /// True when the first line was a header and was skipped.
    public let hadHeader: Bool

    /// The longest row accepted: a longer line is almost always a file that is not one example a line.
    public static let maxLineBytes = 256 << 10

    static let headerLabelNames: Set<String> = ["label", "labels", "class", "category", "sentiment",
                                                "target", "polarity", "y", "tag", "gold"]
    static let headerTextNames: Set<String> = ["text", "sentence", "sentence1", "text_a", "review", "content",
                                               "source", "input", "document", "question", "premise"]

    public init(path: String, lossy: Bool = false) throws {
        self.path = path
        let reader = try LineReader(path: path, maxLineBytes: Self.maxLineBytes)
        var rows: [(fields: [Substring], line: Int)] = []
        var columns = 0
        for line in reader {
            let text = try line.text(lossy: lossy)
            if text.isEmpty || text.allSatisfy({ $0 == " " || $0 == "\r" }) { continue }
            let row = text.hasSuffix("\r") ? String(text.dropLast()) : text
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw InputError(file: path, line: line.number,
                                 "expected `text<TAB>label` or `text_a<TAB>text_b<TAB>label`, found no TAB")
            }
            guard fields.count <= 3 else {
                throw InputError(file: path, line: line.number,
                                 "expected 2 or 3 TAB-separated columns, found \(fields.count)")
            }
            if columns == 0 { columns = fields.count }
            guard fields.count == columns else {
                throw InputError(file: path, line: line.number,
                                 "expected \(columns) columns like the rows before it, found \(fields.count)")
            }
            rows.append((fields, line.number))
        }
        if let error = reader.error {
            throw InputError(file: path, line: error.line,
                             "line is longer than \(Self.maxLineBytes) bytes; expected one example a line")
        }
        guard !rows.isEmpty else {
            throw InputError(file: path, "is empty; expected rows `text<TAB>label`")
        }

        var hadHeader = false
        if let first = rows.first, Self.looksLikeHeader(first.fields, otherRows: rows.dropFirst().map(\.fields)) {
            hadHeader = true
            rows.removeFirst()
            guard !rows.isEmpty else { throw InputError(file: path, "has a header line but no rows") }
        }

        var examples: [LabeledExample] = []
        examples.reserveCapacity(rows.count)
        for (fields, number) in rows {
            let label = fields[columns - 1].trimmingSpaces()
            guard !label.isEmpty else { throw InputError(file: path, line: number, "the label (last column) is empty") }
            let text = String(fields[0])
            guard !text.trimmingSpaces().isEmpty else {
                throw InputError(file: path, line: number, "the text (first column) is empty")
            }
            let pair = columns == 3 ? String(fields[1]) : nil
            examples.append(LabeledExample(text: text, pair: pair, label: label, line: number))
        }
        self.examples = examples
        self.columns = columns
        self.hadHeader = hadHeader
    }

    /// The labels found, in a stable order: numerically when every label is an integer, else
    /// by Unicode scalar order.
    public var labels: [String] { Self.sortedLabels(Set(examples.map(\.label))) }

    public static func sortedLabels(_ labels: Set<String>) -> [String] {
        let numbers = labels.compactMap { Int($0) }
        if numbers.count == labels.count { return numbers.sorted().map(String.init) }
        return labels.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
    }

    /// Checks that every label has at least `minimum` examples, naming the first line of a rare one.
    public func requireExamplesPerLabel(_ minimum: Int) throws {
        var counts: [String: (count: Int, line: Int)] = [:]
        for example in examples { counts[example.label, default: (0, example.line)].count += 1 }
        guard counts.count >= 2 else {
            throw InputError(file: path, "has only one label ('\(counts.keys.first ?? "")'); a classifier needs at least two")
        }
        if let rare = counts.filter({ $0.value.count < minimum }).min(by: { $0.value.line < $1.value.line }) {
            let times = rare.value.count == 1 ? "once" : "\(rare.value.count) times"
            throw InputError(file: path, line: rare.value.line,
                             "label '\(rare.key)' appears only \(times); each label needs at least \(minimum) examples (is the last column the label?)")
        }
    }

    /// Checks every label is one of `known` (a trained model's labels), naming the first unknown one.
    public func requireLabels(in known: [String]) throws {
        let set = Set(known)
        if let bad = examples.first(where: { !set.contains($0.label) }) {
            throw InputError(file: path, line: bad.line,
                             "unknown label '\(bad.label)'; the model knows \(known.map { "'\($0)'" }.joined(separator: ", "))")
        }
    }

    /// A header is a first row whose label field is a column name (`label`, `sentiment`, …) or whose
    /// text field is a column name (`text`, `sentence`, …) while its label field is a value no other row has.
    static func looksLikeHeader(_ fields: [Substring], otherRows: [[Substring]]) -> Bool {
        let last = fields[fields.count - 1].trimmingSpaces().lowercased()
        let first = fields[0].trimmingSpaces().lowercased()
        let labelIsSeenElsewhere = otherRows.contains { $0[$0.count - 1].trimmingSpaces().lowercased() == last }
        if labelIsSeenElsewhere { return false }
        return headerLabelNames.contains(last) || headerTextNames.contains(first)
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { return "" }
        let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
