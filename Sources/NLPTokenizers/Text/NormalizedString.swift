/// The characters of the original input that a piece of normalized text came from: `[start, end)`
/// in Unicode scalars of the original string.
public struct Alignment: Equatable, Sendable {
    public var start: Int32
    public var end: Int32

    @inline(__always)
    public init(_ start: Int32, _ end: Int32) {
        self.start = start
        self.end = end
    }

    static let empty = Alignment(0, 0)
}

/// Text on its way through the normalizers: UTF-8 bytes and, for every byte, the original characters
/// it came from (as in Hugging Face's `NormalizedString`, but in scalar rather than byte units, which
/// are what the offsets of an encoding are reported in). All bytes of one character share one
/// alignment.
///
/// Transformations rebuild the text through a `ChangeWriter` with HF's rules for alignments: a
/// character that replaces one of the text takes that character's alignment, an inserted one takes
/// the alignment of the byte before it, and removed characters leave no trace.
public struct NormalizedString {
    /// The normalized text, UTF-8.
    public internal(set) var bytes: [UInt8] = []
    /// One per byte of `bytes`.
    public internal(set) var alignments: [Alignment] = []
    // The other half of the double buffer a transformation writes into (kept for its capacity).
    var spareBytes: [UInt8] = []
    var spareAlignments: [Alignment] = []

    public init() {}

    /// `text` not yet normalized: byte i of character c aligns to `[c, c + 1)`.
    public init(_ text: String) {
        var text = text
        text.withUTF8 { reset(original: $0, firstCharacter: 0) }
    }

    /// The normalized text.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// The original characters a range of normalized bytes came from (HF's `convert_offsets`:
    /// first byte's start to last byte's end).
    public func originalRange(ofBytes range: Range<Int>) -> Range<Int> {
        if range.isEmpty { return range }
        return Int(alignments[range.lowerBound].start)..<Int(alignments[range.upperBound - 1].end)
    }

    /// Starts over with `original`, whose first character is character `firstCharacter` of the input.
    mutating func reset(original: UnsafeBufferPointer<UInt8>, firstCharacter: Int32) {
        bytes.removeAll(keepingCapacity: true)
        alignments.removeAll(keepingCapacity: true)
        guard let base = original.baseAddress, original.count > 0 else { return }
        bytes.append(contentsOf: original)
        var c = firstCharacter - 1
        alignments.reserveCapacity(original.count)
        for i in 0..<original.count {
            if base[i] & 0xC0 != 0x80 { c += 1 }
            alignments.append(Alignment(c, c + 1))
        }
    }

    /// Rebuilds the text: `body` reads the current text through the writer's `old…` views and emits
    /// the new text with HF's change codes. Afterwards the writer's output becomes the text.
    mutating func transform(_ body: (inout ChangeWriter) -> Void) {
        var writer = ChangeWriter(oldBytes: bytes, oldAlignments: alignments,
                                  bytes: spareBytes, alignments: spareAlignments)
        spareBytes = []
        spareAlignments = []
        body(&writer)
        spareBytes = writer.oldBytes
        spareAlignments = writer.oldAlignments
        bytes = writer.bytes
        alignments = writer.alignments
        writer = ChangeWriter(oldBytes: [], oldAlignments: [], bytes: [], alignments: [])
    }

    /// Applies `body` to each character: it returns the characters that replace it (none removes it;
    /// the first replaces, the rest are inserted after it).
    mutating func mapScalars(_ body: (UInt32, inout ScalarList) -> Void) {
        transform { w in
            var out = ScalarList()
            while let c = w.peek() {
                out.count = 0
                body(c, &out)
                if out.count == 0 {
                    w.skip()
                } else {
                    w.replace(with: out[0])
                    for k in 1..<out.count { w.insert(out[k]) }
                }
            }
        }
    }

    /// Keeps the characters for which `keep` is true.
    mutating func filterScalars(_ keep: (UInt32) -> Bool) {
        transform { w in
            while let c = w.peek() {
                if keep(c) { w.replace(with: c) } else { w.skip() }
            }
        }
    }

    /// Inserts `prefix` before the text (HF's `prepend`: it takes the first character's alignment).
    /// Nothing happens to an empty text.
    mutating func prepend(_ prefix: [UInt32]) {
        guard !bytes.isEmpty, !prefix.isEmpty else { return }
        transform { w in
            let first = w.peek()!
            w.replace(with: prefix[0])
            for c in prefix.dropFirst() { w.insert(c) }
            w.insertCurrentAsAdded(first)
            w.copyRest()
        }
    }

    /// Inserts `suffix` after the text (HF's `append`: it takes the last character's alignment).
    mutating func append(_ suffix: [UInt32]) {
        guard !bytes.isEmpty, !suffix.isEmpty else { return }
        transform { w in
            w.copyRest()
            for c in suffix { w.insert(c) }
        }
    }

    /// Replaces each matched byte range by `content` (HF's `replace`: the new characters take the
    /// alignment of the matched text's last byte).
    mutating func replace(matches: [Range<Int>], with content: [UInt32]) {
        guard !matches.isEmpty else { return }
        transform { w in
            for m in matches {
                w.copy(upTo: m.lowerBound)
                w.skip(toByte: m.upperBound)
                for c in content { w.insert(c) }
            }
            w.copyRest()
        }
    }

    /// Removes leading and/or trailing whitespace.
    mutating func strip(left: Bool, right: Bool) {
        let scalars = UTF8Scalars.scalars(bytes)
        var lo = 0, hi = scalars.count
        if left { while lo < hi && UnicodeClass.of(scalars[lo]).contains(.whitespace) { lo += 1 } }
        if right { while hi > lo && UnicodeClass.of(scalars[hi - 1]).contains(.whitespace) { hi -= 1 } }
        if lo == 0 && hi == scalars.count { return }
        transform { w in
            for _ in 0..<lo { w.skip() }
            for _ in lo..<hi { w.copyOne() }
        }
    }
}

/// A small inline list of scalars (a normalizer's output for one character).
public struct ScalarList {
    private var storage: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                          UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                          UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    public internal(set) var count = 0
    static let capacity = 18   // the longest full decomposition (U+FDFA) is 18 scalars

    public init() {}

    public mutating func append(_ c: UInt32) {
        precondition(count < ScalarList.capacity)
        withUnsafeMutableBytes(of: &storage) { $0.bindMemory(to: UInt32.self)[count] = c }
        count += 1
    }

    public subscript(i: Int) -> UInt32 {
        get { withUnsafeBytes(of: storage) { $0.bindMemory(to: UInt32.self)[i] } }
        set { withUnsafeMutableBytes(of: &storage) { $0.bindMemory(to: UInt32.self)[i] = newValue } }
    }
}

/// Writes a new version of a text from the old one, keeping HF's alignment rules (its
/// `transform_range` with changes 0 = replace, 1 = insert, -n = remove the next n).
struct ChangeWriter {
    var oldBytes: [UInt8]
    var oldAlignments: [Alignment]
    var bytes: [UInt8]
    var alignments: [Alignment]
    /// The next unread byte of the old text.
    private(set) var offset = 0

    init(oldBytes: [UInt8], oldAlignments: [Alignment], bytes: [UInt8], alignments: [Alignment]) {
        self.oldBytes = oldBytes
        self.oldAlignments = oldAlignments
        self.bytes = bytes
        self.alignments = alignments
        self.bytes.removeAll(keepingCapacity: true)
        self.alignments.removeAll(keepingCapacity: true)
    }

    var atEnd: Bool { offset >= oldBytes.count }

    /// The next old character, not consumed.
    func peek() -> UInt32? {
        if offset >= oldBytes.count { return nil }
        return oldBytes.withUnsafeBufferPointer { UTF8Scalars.decode($0.baseAddress!, at: offset).scalar }
    }

    @inline(__always)
    private mutating func write(_ c: UInt32, _ a: Alignment) {
        let before = bytes.count
        UTF8Scalars.append(c, to: &bytes)
        for _ in before..<bytes.count { alignments.append(a) }
    }

    /// Consumes the next old character without output.
    mutating func skip() {
        if offset < oldBytes.count { offset += UTF8Scalars.length(lead: oldBytes[offset]) }
    }

    mutating func skip(toByte end: Int) { offset = end }

    /// Consumes the next old character and writes `c` in its place (change 0).
    mutating func replace(with c: UInt32) {
        let a = oldAlignments[offset]
        skip()
        write(c, a)
    }

    /// Writes an inserted character (change 1): it takes the alignment of the old byte before the
    /// current position.
    mutating func insert(_ c: UInt32) {
        write(c, offset > 0 ? oldAlignments[offset - 1] : .empty)
    }

    /// `prepend`'s last step: the old first character re-emitted as an insertion.
    mutating func insertCurrentAsAdded(_ c: UInt32) { insert(c) }

    /// Consumes the next old character and writes `c` in its place, then removes the `removed`
    /// characters after it (change -removed).
    mutating func replace(with c: UInt32, removingNext removed: Int) {
        let a = oldAlignments[offset]
        skip()
        for _ in 0..<removed where offset < oldBytes.count { skip() }
        write(c, a)
    }

    /// Copies the next old character unchanged.
    mutating func copyOne() {
        let n = UTF8Scalars.length(lead: oldBytes[offset])
        bytes.append(contentsOf: oldBytes[offset..<offset + n])
        alignments.append(contentsOf: oldAlignments[offset..<offset + n])
        offset += n
    }

    /// Copies old bytes unchanged up to byte `end`.
    mutating func copy(upTo end: Int) {
        guard end > offset else { return }
        bytes.append(contentsOf: oldBytes[offset..<end])
        alignments.append(contentsOf: oldAlignments[offset..<end])
        offset = end
    }

    mutating func copyRest() { copy(upTo: oldBytes.count) }
}
