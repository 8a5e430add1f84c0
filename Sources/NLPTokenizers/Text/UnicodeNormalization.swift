import CUtf8proc
#if canImport(Glibc)
import Glibc
#endif

/// Character-level Unicode operations over utf8proc: decomposition, combining classes, canonical
/// composition and lowercase, as the normalizers need them one character at a time (so that
/// alignments can follow each character).
enum UnicodeNormalization {
    private static let noDecomposition: UInt16 = 0xFFFF
    private static let hangulBase: UInt32 = 0xAC00, hangulCount: UInt32 = 11172
    private static let jamoL: UInt32 = 0x1100, jamoV: UInt32 = 0x1161, jamoT: UInt32 = 0x11A7
    private static let jamoVCount: UInt32 = 21, jamoTCount: UInt32 = 28

    @inline(__always)
    static func combiningClass(_ c: UInt32) -> UInt8 {
        if c < 0x300 { return 0 }
        return UInt8(truncatingIfNeeded: utf8proc_get_property(Int32(bitPattern: c)).pointee.combining_class)
    }

    /// True if `c` has a decomposition of the requested kind (a quick property look-up).
    @inline(__always)
    static func decomposes(_ c: UInt32, compatibility: Bool) -> Bool {
        if c < 0xA0 { return false }
        if c >= hangulBase && c < hangulBase + hangulCount { return true }
        let p = utf8proc_get_property(Int32(bitPattern: c)).pointee
        if p.decomp_seqindex == noDecomposition { return false }
        return compatibility || p.decomp_type == 0
    }

    /// The full (recursive) decomposition of `c`, canonical or compatibility, appended to `out`.
    static func decompose(_ c: UInt32, compatibility: Bool, into out: inout ScalarList) {
        if !compatibility && c >= 0x80 && UnicodeClassTable.shared.flags(c) & UnicodeClass.decomposes.rawValue == 0 {
            out.append(c)
            return
        }
        guard decomposes(c, compatibility: compatibility) else { out.append(c); return }
        var buffer = [Int32](repeating: 0, count: ScalarList.capacity)
        var boundClass: Int32 = 0
        let options = compatibility ? UTF8PROC_DECOMPOSE.rawValue | UTF8PROC_COMPAT.rawValue
                                    : UTF8PROC_DECOMPOSE.rawValue
        let n = buffer.withUnsafeMutableBufferPointer {
            utf8proc_decompose_char(Int32(bitPattern: c), $0.baseAddress, ScalarList.capacity,
                                    utf8proc_option_t(rawValue: options), &boundClass)
        }
        if n <= 0 || n > ScalarList.capacity { out.append(c); return }
        for i in 0..<n { out.append(UInt32(bitPattern: buffer[i])) }
    }

    /// The primary composite of `a` followed by `b`, if there is one.
    static func compose(_ a: UInt32, _ b: UInt32) -> UInt32? {
        // Hangul syllables compose algorithmically: L + V, then LV + T.
        if a >= jamoL && a < jamoL + 19 && b >= jamoV && b < jamoV + jamoVCount {
            return hangulBase + ((a - jamoL) * jamoVCount + (b - jamoV)) * jamoTCount
        }
        if a >= hangulBase && a < hangulBase + hangulCount && (a - hangulBase) % jamoTCount == 0
            && b > jamoT && b < jamoT + jamoTCount {
            return a + (b - jamoT)
        }
        return CompositionTable.shared.pairs[UInt64(a) << 32 | UInt64(b)]
    }

    /// The lowercase of `c` as Rust's `char::to_lowercase` gives it (full mapping: İ → i + U+0307).
    @inline(__always)
    static func lowercase(_ c: UInt32, into out: inout ScalarList) {
        if c < 0x80 {
            out.append(c >= 0x41 && c <= 0x5A ? c + 32 : c)
        } else if c == 0x130 {
            out.append(0x69); out.append(0x307)
        } else if UnicodeClassTable.shared.flags(c) & UnicodeClass.changesInLowercase.rawValue == 0 {
            out.append(c)
        } else {
            out.append(UInt32(bitPattern: utf8proc_tolower(Int32(bitPattern: c))))
        }
    }
}

/// Canonical composition pairs, built once from utf8proc's data on first use by NFC/NFKC.
private final class CompositionTable: @unchecked Sendable {
    static let shared = CompositionTable()
    let pairs: [UInt64: UInt32]

    private init() {
        var pairs: [UInt64: UInt32] = [:]
        for c in UInt32(0xC0)..<0x110000 {
            if c >= 0xD800 && c < 0xE000 { continue }
            if c >= 0xAC00 && c < 0xAC00 + 11172 { continue }
            let p = utf8proc_get_property(Int32(bitPattern: c)).pointee
            guard p.decomp_seqindex != 0xFFFF, p.decomp_type == 0, p.comp_exclusion == 0 else { continue }
            var full = ScalarList()
            UnicodeNormalization.decompose(c, compatibility: false, into: &full)
            guard full.count >= 2 else { continue }
            var all: [UInt32] = []
            for i in 0..<full.count { all.append(full[i]) }
            guard CompositionTable.nfc(all) == [c] else { continue }
            let prefix = CompositionTable.nfc(Array(all.dropLast()))
            guard prefix.count == 1 else { continue }
            pairs[UInt64(prefix[0]) << 32 | UInt64(all.last!)] = c
        }
        self.pairs = pairs
    }

    private static func nfc(_ scalars: [UInt32]) -> [UInt32] {
        var bytes: [UInt8] = []
        for s in scalars { UTF8Scalars.append(s, to: &bytes) }
        var result: UnsafeMutablePointer<UInt8>?
        let n = bytes.withUnsafeBufferPointer {
            utf8proc_map($0.baseAddress, $0.count, &result,
                         utf8proc_option_t(rawValue: UTF8PROC_STABLE.rawValue | UTF8PROC_COMPOSE.rawValue))
        }
        guard n >= 0, let result else { return scalars }
        defer { free(result) }
        return UTF8Scalars.scalars(UnsafeBufferPointer(start: result, count: n))
    }
}
