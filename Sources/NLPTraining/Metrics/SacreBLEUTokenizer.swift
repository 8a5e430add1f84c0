/// The tokenizers sacrebleu applies before counting BLEU n-grams, reproduced exactly (including
/// their quirks) so that our scores equal sacrebleu's: `13a` (mteval-v13a, the default; for English
/// and other Western targets) and `zh` (each CJK character a token, the rest as 13a, for Chinese).
public enum SacreBLEUTokenizer: String, Sendable, CaseIterable {
    case thirteenA = "13a"
    case chinese = "zh"
    case none = "none"

    /// sacrebleu's choice for a target language: `zh` for Chinese, `13a` otherwise.
    public init(targetLanguage: String) {
        self = targetLanguage.lowercased().hasPrefix("zh") ? .chinese : .thirteenA
    }

    public func tokenize(_ line: String) -> String {
        switch self {
        case .none: return line
        case .thirteenA:
            var s = line.replacingAll("<skipped>", with: "").replacingAll("-\n", with: "").replacingAll("\n", with: " ")
            if s.unicodeScalars.contains("&") {
                s = s.replacingAll("&quot;", with: "\"").replacingAll("&amp;", with: "&")
                    .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
            }
            return Self.regexpTokenize(Array((" " + s + " ").unicodeScalars))
        case .chinese:
            var out: [Unicode.Scalar] = []
            for c in pythonStrip(line).unicodeScalars {
                if Self.isChineseCharacter(c) {
                    out.append(" "); out.append(c); out.append(" ")
                } else {
                    out.append(c)
                }
            }
            return Self.regexpTokenize(out)
        }
    }

    /// sacrebleu's `TokenizerRegexp`: four regex substitutions applied in order (each a left-to-right
    /// pass of non-overlapping matches, as Python's `re.sub`), then whitespace runs collapsed.
    static func regexpTokenize(_ input: [Unicode.Scalar]) -> String {
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
        func isPeriodOrComma(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," }
        // 1. ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 "
        var a: [Unicode.Scalar] = []
        a.reserveCapacity(input.count * 2)
        for c in input {
            let v = c.value
            if (0x7B...0x7E).contains(v) || (0x5B...0x60).contains(v) || (0x20...0x26).contains(v)
                || (0x28...0x2B).contains(v) || (0x3A...0x40).contains(v) || v == 0x2F {
                a.append(" "); a.append(c); a.append(" ")
            } else {
                a.append(c)
            }
        }
        // 2. ([^0-9])([\.,]) → "\1 \2 "
        var b: [Unicode.Scalar] = []
        b.reserveCapacity(a.count + 8)
        var i = 0
        while i < a.count {
            if i + 1 < a.count, !isDigit(a[i]), isPeriodOrComma(a[i + 1]) {
                b.append(a[i]); b.append(" "); b.append(a[i + 1]); b.append(" ")
                i += 2
            } else {
                b.append(a[i]); i += 1
            }
        }
        // 3. ([\.,])([^0-9]) → " \1 \2"
        var c3: [Unicode.Scalar] = []
        c3.reserveCapacity(b.count + 8)
        i = 0
        while i < b.count {
            if i + 1 < b.count, isPeriodOrComma(b[i]), !isDigit(b[i + 1]) {
                c3.append(" "); c3.append(b[i]); c3.append(" "); c3.append(b[i + 1])
                i += 2
            } else {
                c3.append(b[i]); i += 1
            }
        }
        // 4. ([0-9])(-) → "\1 \2 "
        var d: [Unicode.Scalar] = []
        d.reserveCapacity(c3.count + 8)
        i = 0
        while i < c3.count {
            if i + 1 < c3.count, isDigit(c3[i]), c3[i + 1] == "-" {
                d.append(c3[i]); d.append(" "); d.append("-"); d.append(" ")
                i += 2
            } else {
                d.append(c3[i]); i += 1
            }
        }
        return pythonSplit(d).map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    /// sacrebleu's `_is_chinese_char` table. Two of its ranges are written `u'\u20000'` and `u'\u2f800'`
    /// (meant as U+20000 and U+2F800, but Python reads a 4-digit escape plus a digit), so Python's
    /// string comparison makes them U+2001…U+2A6D and U+2F81…U+2FA1; we keep that behaviour.
    static func isChineseCharacter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        for (lo, hi) in chineseRanges where v >= lo && v <= hi { return true }
        return false
    }

    static let chineseRanges: [(UInt32, UInt32)] = [
        (0x3400, 0x4DB5), (0x4E00, 0x9FA5), (0x9FA6, 0x9FBB), (0xF900, 0xFA2D), (0xFA30, 0xFA6A),
        (0xFA70, 0xFAD9), (0x2001, 0x2A6D), (0x2F81, 0x2FA1), (0xFF00, 0xFFEF), (0x2E80, 0x2EFF),
        (0x3000, 0x303F), (0x31C0, 0x31EF), (0x2F00, 0x2FDF), (0x2FF0, 0x2FFF), (0x3100, 0x312F),
        (0x31A0, 0x31BF), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0x2600, 0x26FF), (0x2700, 0x27BF),
        (0x3200, 0x32FF), (0x3300, 0x33FF),
    ]
}

/// Python's `str.isspace()`: the characters `str.split()` and `str.strip()` treat as whitespace.
func isPythonWhitespace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
        return true
    default:
        return false
    }
}

/// Python's `str.split()` with no argument: runs of whitespace separate, empty pieces dropped.
func pythonSplit<C: Collection>(_ scalars: C) -> [ArraySlice<Unicode.Scalar>] where C.Element == Unicode.Scalar {
    let array = Array(scalars)
    var pieces: [ArraySlice<Unicode.Scalar>] = []
    var start: Int? = nil
    for (i, c) in array.enumerated() {
        if isPythonWhitespace(c) {
            if let s = start { pieces.append(array[s..<i]); start = nil }
        } else if start == nil {
            start = i
        }
    }
    if let s = start { pieces.append(array[s...]) }
    return pieces
}

/// Python's `str.strip()` / `str.rstrip()`.
func pythonStrip(_ s: String, leading: Bool = true) -> String {
    let scalars = Array(s.unicodeScalars)
    var lo = 0, hi = scalars.count
    if leading { while lo < hi && isPythonWhitespace(scalars[lo]) { lo += 1 } }
    while hi > lo && isPythonWhitespace(scalars[hi - 1]) { hi -= 1 }
    return String(String.UnicodeScalarView(scalars[lo..<hi]))
}

extension String {
    /// Every non-overlapping occurrence of `target` (scanned left to right, by Unicode scalars, as
    /// Python's `str.replace`) replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let s = Array(unicodeScalars), t = Array(target.unicodeScalars)
        guard !t.isEmpty, s.count >= t.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if i + t.count <= s.count, s[i] == t[0], Array(s[i..<(i + t.count)]) == t {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
            } else {
                out.append(s[i]); i += 1
            }
        }
        return String(out)
    }
}
