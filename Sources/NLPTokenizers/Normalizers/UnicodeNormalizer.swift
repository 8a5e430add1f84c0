/// The Unicode normalization forms NFC, NFD, NFKC and NFKD (utf8proc's data). The decomposition,
/// canonical reordering and recomposition follow the `unicode-normalization-alignments` iterators
/// HF uses, change codes included, so the alignments match HF's.
public struct UnicodeNormalizer: Normalizer {
    public enum Form: String, Sendable { case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD" }
    public let form: Form

    public init(_ form: Form) { self.form = form }

    public var json: JSON { .object(["type": .string(form.rawValue)]) }

    private struct Item { var scalar: UInt32; var change: Int }

    public func normalize(_ text: inout NormalizedString) {
        if text.bytes.allSatisfy({ $0 < 0x80 }) { return }   // ASCII is the same in every form
        let compatibility = form == .nfkc || form == .nfkd
        var items = decomposed(UTF8Scalars.scalars(text.bytes), compatibility: compatibility)
        if form == .nfc || form == .nfkc { items = recomposed(items) }
        text.transform { w in
            for item in items {
                if item.change == 0 {
                    w.atEnd ? w.insert(item.scalar) : w.replace(with: item.scalar)
                } else if item.change > 0 {
                    w.insert(item.scalar)
                } else {
                    w.atEnd ? w.insert(item.scalar) : w.replace(with: item.scalar, removingNext: -item.change)
                }
            }
        }
    }

    /// Full decomposition of each character (first piece change 0, the rest 1), then each run of
    /// non-starters sorted stably by combining class.
    private func decomposed(_ scalars: [UInt32], compatibility: Bool) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(scalars.count)
        var pieces = ScalarList()
        var runStart = 0
        func sortRun(_ end: Int) {
            if end - runStart > 1 {
                let run = items[runStart..<end].enumerated().sorted {
                    let a = UnicodeNormalization.combiningClass($0.element.scalar)
                    let b = UnicodeNormalization.combiningClass($1.element.scalar)
                    return a != b ? a < b : $0.offset < $1.offset
                }.map(\.element)
                items.replaceSubrange(runStart..<end, with: run)
            }
        }
        for c in scalars {
            pieces.count = 0
            UnicodeNormalization.decompose(c, compatibility: compatibility, into: &pieces)
            for k in 0..<pieces.count {
                let d = pieces[k]
                if UnicodeNormalization.combiningClass(d) == 0 {
                    sortRun(items.count)
                    runStart = items.count + 1
                }
                items.append(Item(scalar: d, change: k == 0 ? 0 : 1))
            }
        }
        sortRun(items.count)
        return items
    }

    /// Canonical composition, as the `Recompositions` iterator does it (blocked marks wait in a
    /// buffer and come out after the character they could not join).
    private func recomposed(_ input: [Item]) -> [Item] {
        var out: [Item] = []
        out.reserveCapacity(input.count)
        var composee: Item?
        var lastClass: UInt8?
        var buffer: [Item] = []
        for item in input {
            let cls = UnicodeNormalization.combiningClass(item.scalar)
            guard let k = composee else {
                if cls != 0 { out.append(item) } else { composee = item }
                continue
            }
            if let last = lastClass {
                if last >= cls {
                    if cls == 0 {
                        out.append(k)
                        out.append(contentsOf: buffer)
                        buffer.removeAll()
                        composee = item
                        lastClass = nil
                    } else {
                        buffer.append(item)
                        lastClass = cls
                    }
                    continue
                }
                if let r = UnicodeNormalization.compose(k.scalar, item.scalar) {
                    composee = Item(scalar: r, change: k.change + item.change - 1)
                } else {
                    buffer.append(item)
                    lastClass = cls
                }
            } else {
                if let r = UnicodeNormalization.compose(k.scalar, item.scalar) {
                    composee = Item(scalar: r, change: k.change + item.change - 1)
                } else if cls == 0 {
                    out.append(k)
                    composee = item
                } else {
                    buffer.append(item)
                    lastClass = cls
                }
            }
        }
        if let k = composee { out.append(k) }
        out.append(contentsOf: buffer)
        return out
    }
}
