extension Tokenizer {
    /// Encodes one text: its tokens plus the post-processor's special tokens (unless
    /// `addSpecialTokens` is false); the tokenizer's truncation and padding apply.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> Encoding {
        encode(text, nil, addSpecialTokens: addSpecialTokens, pad: true)
    }

    /// Encodes a pair of texts (question and context, premise and hypothesis) into one encoding.
    public func encode(_ text: String, pair: String, addSpecialTokens: Bool = true) -> Encoding {
        encode(text, pair, addSpecialTokens: addSpecialTokens, pad: true)
    }

    /// One text or pair: the sequences into the workspace, then either the direct assembly (no
    /// truncation needed, a post-processor with a fixed layout) or HF's general path.
    func encode(_ text: String, _ pair: String?, addSpecialTokens: Bool, pad: Bool) -> Encoding {
        Workspace.with { w in
            var first = RawSequence(), second = RawSequence()
            swap(&first, &w.first)
            swap(&second, &w.second)
            defer {
                swap(&first, &w.first)
                swap(&second, &w.second)
            }
            encodeSequence(text, w, into: &first)
            if let pair { encodeSequence(pair, w, into: &second) }
            let isPair = pair != nil
            let added = addSpecialTokens ? (postProcessor?.addedTokenCount(isPair: isPair) ?? 0) : 0
            var fits = true
            if let truncation {
                let limit = truncation.maxLength - added
                fits = limit > 0 && first.count + (isPair ? second.count : 0) <= limit
            }
            if fits, let layout = layouts.layout(isPair: isPair, addSpecialTokens: addSpecialTokens) {
                var result = layout.assemble(&first, &second, isPair: isPair, reserve: pad ? padding?.fixedLength ?? 0 : 0,
                                             source: tokenSource)
                if pad, let padding {
                    var one = [result]
                    padding.apply(&one)
                    result = one[0]
                }
                return result
            }
            return postProcess(first.encoding(typeID: 0, source: tokenSource), isPair ? second.encoding(typeID: 1, source: tokenSource) : nil,
                               addSpecialTokens: addSpecialTokens, pad: pad)
        }
    }

    /// HF's `post_process`: truncation (leaving room for the special tokens), the post-processor,
    /// then padding.
    func postProcess(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool, pad: Bool = true) -> Encoding {
        var first = first, second = second
        if let truncation {
            let added = addSpecialTokens ? (postProcessor?.addedTokenCount(isPair: second != nil) ?? 0) : 0
            truncation.apply(&first, &second, maxLength: max(0, truncation.maxLength - added))
        }
        var result: Encoding
        if let postProcessor {
            result = postProcessor.process(first, second, addSpecialTokens: addSpecialTokens)
        } else {
            result = DefaultProcessing.process(first, second)
        }
        if pad, let padding {
            var one = [result]
            padding.apply(&one)
            result = one[0]
        }
        return result
    }

    /// One sequence through added tokens, normalizer, pre-tokenizer and model (HF's
    /// `encode_single_sequence`), offsets in characters of `text`.
    func encodeSequence(_ text: String, typeID: Int, _ w: Scratch) -> Encoding {
        var raw = RawSequence()
        encodeSequence(text, w, into: &raw)
        return raw.encoding(typeID: typeID, source: tokenSource)
    }

    func encodeSequence(_ text: String, _ w: Scratch, into raw: inout RawSequence) {
        var text = text
        text.withUTF8 { split($0, into: w) }
        if let preTokenizer { preTokenizer.preTokenize(&w.text) }
        if !model.readsByteLevel { w.text.materializeByteLevel() }
        tokenize(w, into: &raw)
    }

    /// Finds the added tokens and normalizes the rest (HF's `extract_and_normalize`), filling
    /// `w.text` with the pieces.
    func split(_ original: UnsafeBufferPointer<UInt8>, into w: Scratch) {
        w.text.removeAll()
        w.addedMatches.removeAll(keepingCapacity: true)
        addedVocabulary.raw.findMatches(in: original, into: &w.addedMatches)
        if w.addedMatches.isEmpty {
            normalizePiece(original, firstCharacter: 0, into: w)
            return
        }
        let matches = w.addedMatches
        var position = 0, character: Int32 = 0
        let base = original.baseAddress!
        func advance(to end: Int) {
            character += Int32(UTF8Scalars.count(base + position, end - position))
            position = end
        }
        for m in matches {
            if m.start > position {
                let first = character
                let start = position
                advance(to: m.start)
                normalizePiece(UnsafeBufferPointer(rebasing: original[start..<m.start]), firstCharacter: first, into: w)
            }
            let first = character
            advance(to: m.end)
            w.original.reset(original: UnsafeBufferPointer(rebasing: original[m.start..<m.end]), firstCharacter: first)
            w.text.append(&w.original, addedTokenID: m.id)
        }
        if position < original.count {
            let first = character
            normalizePiece(UnsafeBufferPointer(rebasing: original[position...]), firstCharacter: first, into: w)
        }
    }

    /// Normalizes one piece of the original text, then splits it on the normalized added tokens.
    private func normalizePiece(_ piece: UnsafeBufferPointer<UInt8>, firstCharacter: Int32, into w: Scratch) {
        guard piece.count > 0 else { return }
        if addedVocabulary.normalized.isEmpty {
            // The common case, in one pass from the original bytes into the pieces' arena.
            if normalizer == nil {
                w.text.appendOriginal(piece, firstCharacter: firstCharacter)
                return
            }
            if let bert = normalizer as? BertNormalizer {
                w.normalizedBytes.count = 0
                w.normalizedAlignments.count = 0
                bert.normalize(piece, alignments: nil, firstCharacter: firstCharacter, into: w.normalizedBytes, w.normalizedAlignments)
                w.text.append(bytes: w.normalizedBytes.buffer, alignments: w.normalizedAlignments.buffer)
                return
            }
        }
        w.normalized.reset(original: piece, firstCharacter: firstCharacter)
        normalizer?.normalize(&w.normalized)
        guard !w.normalized.bytes.isEmpty else { return }
        if addedVocabulary.normalized.isEmpty {
            w.text.append(&w.normalized, addedTokenID: -1)
            return
        }
        w.addedMatches.removeAll(keepingCapacity: true)
        w.normalized.bytes.withUnsafeBufferPointer { addedVocabulary.normalized.findMatches(in: $0, into: &w.addedMatches) }
        if w.addedMatches.isEmpty {
            w.text.append(&w.normalized, addedTokenID: -1)
            return
        }
        var position = 0
        for m in w.addedMatches {
            if m.start > position { w.text.appendSlice(of: w.normalized, position..<m.start, addedTokenID: -1) }
            w.text.appendSlice(of: w.normalized, m.start..<m.end, addedTokenID: m.id)
            position = m.end
        }
        if position < w.normalized.bytes.count {
            w.text.appendSlice(of: w.normalized, position..<w.normalized.bytes.count, addedTokenID: -1)
        }
    }

    /// Runs the model on each piece (HF's `into_encoding`): ids, tokens, offsets and word indices.
    private func tokenize(_ w: Scratch, into raw: inout RawSequence) {
        raw.removeAll()
        let model = self.model
        w.text.bytes.withUnsafeBufferPointer { arena in
            w.text.alignments.withUnsafeBufferPointer { align in
                for (word, split) in w.text.splits.enumerated() {
                    let s = Int(split.start), e = Int(split.end)
                    if split.isAddedToken {
                        let span = e > s ? Span(Int(align[s].start), Int(align[e - 1].end)) : .zero
                        let id = Int(split.addedTokenID), text = w.text.string(of: split)
                        if text != tokenSource.token(id) { raw.overrides.append(TokenOverride(index: raw.count, text: text)) }
                        raw.append(id: id, offsets: span, word: word)
                        continue
                    }
                    w.modelTokens.removeAll(keepingCapacity: true)
                    model.tokenize(UnsafeBufferPointer(rebasing: arena[s..<e]), byteLevel: split.isByteLevel,
                                   into: &w.modelTokens)
                    for t in w.modelTokens {
                        let a = s + Int(t.start), b = s + Int(t.end)
                        let span = b > a ? Span(Int(align[a].start), Int(align[b - 1].end))
                                         : (a < e ? Span(Int(align[a].start), Int(align[a].start)) : .zero)
                        raw.append(id: Int(t.id), offsets: span, word: word)
                    }
                }
            }
        }
    }
}

extension PreTokenizedString {
    /// Appends bytes `range` of a normalized piece as a split.
    mutating func appendSlice(of piece: NormalizedString, _ range: Range<Int>, addedTokenID: Int32) {
        guard !range.isEmpty else { return }
        let start = Int32(bytes.count)
        bytes.append(contentsOf: piece.bytes[range])
        alignments.append(contentsOf: piece.alignments[range])
        splits.append(Split(start: start, end: Int32(bytes.count), addedTokenID: addedTokenID))
    }
}
