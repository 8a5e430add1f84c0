/// What one unit of a line is. A unit is the smallest piece a segmenter places: one ideograph, one
/// symbol, or a whole run that must never be split (a Latin word, a number with its decimals, a URL,
/// an e-mail address, a run of the same punctuation mark such as …… or ——).
public enum SegmenterUnitKind: UInt8 {
    case ideograph, letters, number, alphanumeric, url, email, punctuation, symbol
}

/// A line prepared for segmentation, reused from line to line so that segmenting allocates nothing
/// once the buffers have grown: the normalized scalars, their UTF-8 offsets into the ORIGINAL text,
/// and the units with the boundaries that are forced (spaces, closed punctuation, URLs).
///
/// Offsets are UTF-8 byte offsets into the text that was loaded; `scalars` holds the normalized
/// forms (see `SegmenterCharacters.normalized`) that dictionaries and features use.
public struct SegmenterText {
    /// Normalized scalars of the line.
    public internal(set) var scalars: [UInt32] = []
    /// UTF-8 offset of each scalar in the original text, plus the end offset.
    public internal(set) var utf8Offsets: [Int32] = [0]
    /// Scalar index where each unit starts, and where it ends (spaces between units belong to none).
    public internal(set) var unitStarts: [Int32] = []
    public internal(set) var unitEnds: [Int32] = []
    public internal(set) var unitKinds: [SegmenterUnitKind] = []
    /// A code for each unit that features and the HMM use: the normalized scalar of a one-scalar
    /// unit, or a class code (`SegmenterSymbols`) for a longer one.
    public internal(set) var unitSymbols: [UInt32] = []
    /// `forcedBreaks[i]`: a word must start at unit i (`unitCount + 1` entries; the ends are true).
    public internal(set) var forcedBreaks: [Bool] = [true]

    public init() {}

    public var unitCount: Int { unitKinds.count }

    /// The UTF-8 range of units `units` in the original text.
    @inline(__always)
    public func utf8Range(units: Range<Int>) -> Range<Int> {
        Int(utf8Offsets[Int(unitStarts[units.lowerBound])])..<Int(utf8Offsets[Int(unitEnds[units.upperBound - 1])])
    }

    /// The rules of the model that will segment the line (set before loading).
    public var rules = SegmenterRules.none

    /// Loads a whole line: decodes, normalizes and splits it into units.
    public mutating func load(_ text: String) {
        var text = text
        text.withUTF8 { load(utf8: $0) }
    }

    /// Loads a whole line of valid UTF-8.
    public mutating func load(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        removeAll()
        appendScalars(utf8: bytes, baseOffset: 0)
        appendUnits(scalars: 0..<scalars.count)
        finishUnits()
    }

    /// Empties the line, keeping the buffers' capacity.
    public mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        utf8Offsets.removeAll(keepingCapacity: true)
        utf8Offsets.append(0)
        unitStarts.removeAll(keepingCapacity: true)
        unitEnds.removeAll(keepingCapacity: true)
        unitKinds.removeAll(keepingCapacity: true)
        unitSymbols.removeAll(keepingCapacity: true)
        forcedBreaks.removeAll(keepingCapacity: true)
        forcedBreaks.append(true)
    }

    /// Decodes valid UTF-8 and appends its normalized scalars; offsets continue from the last one.
    mutating func appendScalars(utf8 bytes: UnsafeBufferPointer<UInt8>, baseOffset: Int32? = nil) {
        let base = baseOffset ?? utf8Offsets[utf8Offsets.count - 1]
        utf8Offsets.removeLast()
        var i = 0
        let n = bytes.count
        scalars.reserveCapacity(scalars.count + n)
        utf8Offsets.reserveCapacity(utf8Offsets.count + n + 1)
        while i < n {
            let b0 = UInt32(bytes[i])
            var scalar: UInt32
            var width: Int
            if b0 < 0x80 {
                scalar = b0; width = 1
            } else if b0 < 0xE0 {
                scalar = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F); width = 2
            } else if b0 < 0xF0 {
                scalar = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                width = 3
            } else {
                scalar = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                    | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                width = 4
            }
            scalars.append(SegmenterCharacters.normalized(scalar))
            utf8Offsets.append(base + Int32(i))
            i += width
        }
        utf8Offsets.append(base + Int32(n))
    }

    /// Splits `range` of the scalars into units and appends them. A boundary is forced at the start
    /// of the range when `breakBefore` (training text passes each gold word as its own range).
    mutating func appendUnits(scalars range: Range<Int>, breakBefore: Bool = false) {
        if breakBefore { forcedBreaks[forcedBreaks.count - 1] = true }
        // Grow every unit array by the most units the range can hold, write through pointers (one
        // append per unit and array costs more than the segmentation itself), then trim.
        let first = unitCount
        let room = range.count
        unitKinds.append(contentsOf: repeatElement(.ideograph, count: room))
        unitSymbols.append(contentsOf: repeatElement(0, count: room))
        unitStarts.append(contentsOf: repeatElement(0, count: room))
        unitEnds.append(contentsOf: repeatElement(0, count: room))
        forcedBreaks.append(contentsOf: repeatElement(false, count: room))
        let rules = self.rules
        var count = first
        scalars.withUnsafeBufferPointer { scalars in
        unitKinds.withUnsafeMutableBufferPointer { kinds in
        unitSymbols.withUnsafeMutableBufferPointer { symbols in
        unitStarts.withUnsafeMutableBufferPointer { starts in
        unitEnds.withUnsafeMutableBufferPointer { ends in
        forcedBreaks.withUnsafeMutableBufferPointer { breaks in
            // breaks[count] is the boundary before the next unit.
            @inline(__always) func add(_ kind: SegmenterUnitKind, _ a: Int, _ b: Int, alone: Bool) {
                if alone { breaks[count] = true }
                kinds[count] = kind
                symbols[count] = b - a == 1 ? scalars[a] : SegmenterSymbols.symbol(kind: kind, scalars: scalars[a..<b])
                starts[count] = Int32(a)
                ends[count] = Int32(b)
                count += 1
                if alone { breaks[count] = true }
            }
            var i = range.lowerBound
            let end = range.upperBound
            while i < end {
                let s = scalars[i]
                let c = SegmenterCharacters.characterClass(s)
                switch c {
                case .ideograph:
                    add(.ideograph, i, i + 1, alone: false)
                    i += 1
                case .space:
                    breaks[count] = true
                    i += 1
                case .digit, .letter:
                    let (kind, unitEnd) = SegmenterUnitScanner.scanWord(scalars, from: i, to: end)
                    add(kind, i, unitEnd, alone: kind == .url || kind == .email)
                    i = unitEnd
                case .closedPunctuation, .symbol:
                    var j = i + 1
                    if SegmenterUnitScanner.groupsRuns(s) {
                        while j < end && scalars[j] == s { j += 1 }
                    }
                    let kind: SegmenterUnitKind = c == .closedPunctuation ? .punctuation : .symbol
                    let standalone = kind == .symbol && !rules.standaloneSymbols.isEmpty
                        && rules.standaloneSymbols.contains(j - i == 1 ? s : SegmenterSymbols.repeatedMark + s)
                    add(kind, i, j, alone: kind == .punctuation || standalone)
                    i = j
                }
            }
        }}}}}}
        let unused = first + room - count
        unitKinds.removeLast(unused)
        unitSymbols.removeLast(unused)
        unitStarts.removeLast(unused)
        unitEnds.removeLast(unused)
        forcedBreaks.removeLast(unused)
    }

    /// Marks the end of the line as a boundary.
    mutating func finishUnits() {
        forcedBreaks[forcedBreaks.count - 1] = true
    }
}

/// Codes for units longer than one scalar, above the Unicode range so they never meet a scalar.
public enum SegmenterSymbols {
    public static let longNumber: UInt32 = 0x11_0000      // + digit count (capped at 8)
    public static let letters: UInt32 = 0x11_0010
    public static let alphanumeric: UInt32 = 0x11_0011
    public static let url: UInt32 = 0x11_0012
    public static let email: UInt32 = 0x11_0013
    public static let decimal: UInt32 = 0x11_0014
    /// Padding before the first and after the last unit (features only).
    public static let lineStart: UInt32 = 0x11_0100
    public static let lineEnd: UInt32 = 0x11_0101
    /// A run of one repeated mark (…… ——): the mark + this offset.
    public static let repeatedMark: UInt32 = 0x20_0000

    static func symbol(kind: SegmenterUnitKind, scalars: Slice<UnsafeBufferPointer<UInt32>>) -> UInt32 {
        switch kind {
        case .number:
            if scalars.contains(where: { $0 < 0x30 || $0 > 0x39 }) { return decimal }
            return longNumber + UInt32(min(scalars.count, 8))
        case .letters: return letters
        case .alphanumeric: return alphanumeric
        case .url: return url
        case .email: return email
        case .ideograph, .punctuation, .symbol: return repeatedMark + scalars.first!
        }
    }
}

/// Scans the runs that stay whole: Latin words, numbers, URLs, e-mail addresses.
enum SegmenterUnitScanner {
    /// Marks whose runs form one unit (…… —— ---- ~~~ ....).
    static func groupsRuns(_ s: UInt32) -> Bool {
        s == 0x2026 || s == 0x2014 || s == 0x2015 || s == 0x2500 || s == 0x2E3A || s == 0x2E3B
            || s == 0x2D || s == 0x2E || s == 0x7E || s == 0x22EF || s == 0x00B7 || s == 0x3002
    }

    @inline(__always) static func isAlnum(_ s: UInt32) -> Bool {
        let c = SegmenterCharacters.characterClass(s)
        return c == .digit || c == .letter
    }

    @inline(__always) static func isDigit(_ s: UInt32) -> Bool { s &- 0x30 < 10 }

    @inline(__always) static func isASCIIAlnum(_ s: UInt32) -> Bool {
        s &- 0x30 < 10 || (s | 0x20) &- 0x61 < 26
    }

    /// The kind and end of the word-like run that starts at `start` (a digit or letter).
    static func scanWord(_ s: UnsafeBufferPointer<UInt32>, from start: Int, to end: Int) -> (SegmenterUnitKind, Int) {
        if let urlEnd = scanURL(s, from: start, to: end) { return (.url, urlEnd) }
        if let emailEnd = scanEmail(s, from: start, to: end) { return (.email, emailEnd) }
        var i = start
        var letters = false, digits = false
        while i < end {
            let c = s[i]
            if isAlnum(c) {
                if isDigit(c) { digits = true } else { letters = true }
                i += 1
                continue
            }
            // A joiner stays inside when an alphanumeric follows: 3.5  1,000  10:30  AT&T  it's  e-mail
            guard i + 1 < end, isAlnum(s[i + 1]), i > start else { break }
            let before = s[i - 1], after = s[i + 1]
            let betweenDigits = isDigit(before) && isDigit(after)
            switch c {
            case 0x2E: i += 1                                   // .
            case 0x2C, 0x3A: if betweenDigits { i += 1 } else { return finish(start, i, letters, digits) }  // , :
            case 0x2D, 0x5F, 0x26, 0x27, 0x2019:                // - _ & ' ’
                if !isDigit(before) || !isDigit(after) { i += 1 } else { return finish(start, i, letters, digits) }
            default: return finish(start, i, letters, digits)
            }
        }
        return finish(start, i, letters, digits)
    }

    private static func finish(_ start: Int, _ end: Int, _ letters: Bool, _ digits: Bool) -> (SegmenterUnitKind, Int) {
        (letters ? (digits ? .alphanumeric : .letters) : .number, end)
    }

    private static let urlPrefixes: [[UInt32]] = ["http://", "https://", "ftp://", "www."].map { $0.unicodeScalars.map(\.value) }

    @inline(__always) private static func isURLCharacter(_ c: UInt32) -> Bool {
        if isASCIIAlnum(c) { return true }
        switch c {
        case 0x2D, 0x2E, 0x5F, 0x7E, 0x3A, 0x2F, 0x3F, 0x23, 0x5B, 0x5D, 0x40, 0x21, 0x24, 0x26, 0x27,
             0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D, 0x25:
            return true
        default:
            return false
        }
    }

    /// http://… https://… ftp://… www.…, without trailing sentence punctuation.
    static func scanURL(_ s: UnsafeBufferPointer<UInt32>, from start: Int, to end: Int) -> Int? {
        let first = s[start] | 0x20
        guard first == 0x68 || first == 0x66 || first == 0x77 else { return nil }  // h f w
        var matched = false
        for prefix in urlPrefixes where start + prefix.count < end {
            var ok = true
            for k in 0..<prefix.count where (s[start + k] | (prefix[k] >= 0x61 ? 0x20 : 0)) != prefix[k] {
                ok = false
                break
            }
            if ok && isASCIIAlnum(s[start + prefix.count]) { matched = true; break }
        }
        guard matched else { return nil }
        var i = start
        while i < end && isURLCharacter(s[i]) { i += 1 }
        while i > start, [0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x27].contains(s[i - 1]) { i -= 1 }
        return i
    }

    /// local@domain.tld with ASCII local part and domain labels.
    static func scanEmail(_ s: UnsafeBufferPointer<UInt32>, from start: Int, to end: Int) -> Int? {
        var i = start
        while i < end, isASCIIAlnum(s[i]) || s[i] == 0x2E || s[i] == 0x5F || s[i] == 0x25 || s[i] == 0x2B || s[i] == 0x2D {
            i += 1
        }
        guard i < end, s[i] == 0x40, i > start else { return nil }
        i += 1
        var labels = 0
        while true {
            let labelStart = i
            while i < end, isASCIIAlnum(s[i]) || s[i] == 0x2D { i += 1 }
            guard i > labelStart else { return nil }
            labels += 1
            if i + 1 < end && s[i] == 0x2E && isASCIIAlnum(s[i + 1]) { i += 1; continue }
            break
        }
        return labels >= 2 ? i : nil
    }
}
