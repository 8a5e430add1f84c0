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
    /// truncation needed, a post-processor with a fixed layout; the tokens in a run of `arena` when
    /// given and not padded here) or HF's general path.
    func encode(_ text: String, _ pair: String?, addSpecialTokens: Bool, pad: Bool, arena: RecordArena? = nil) -> Encoding {
        Workspace.with { w in
            let first = w.first, second = w.second
            encodeSequence(text, w, into: first)
            if let pair { encodeSequence(pair, w, into: second) }
            let isPair = pair != nil
            let added = addSpecialTokens ? (isPair ? addedTokenCounts.pair : addedTokenCounts.single) : 0
            var fits = true
            if let truncation {
                let limit = truncation.maxLength - added
                fits = limit > 0 && first.count + (isPair ? second.count : 0) <= limit
            }
            if fits, let layout = layouts.layout(isPair: isPair, addSpecialTokens: addSpecialTokens) {
                let source = w.tokenSource(for: tokenSource)
                return layout._withUnsafeGuaranteedRef { layout in
                    guard pad, let padding else {
                        return layout.assemble(first, second, isPair: isPair, reserve: 0, source: source, arena: arena)
                    }
                    var one = [layout.assemble(first, second, isPair: isPair, reserve: padding.fixedLength ?? 0, source: source,
                                               arena: nil)]
                    padding.apply(&one)
                    return one[0]
                }
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
        let raw = RawSequence()
        encodeSequence(text, w, into: raw)
        return raw.encoding(typeID: typeID, source: tokenSource)
    }

    func encodeSequence(_ text: String, _ w: Scratch, into raw: RawSequence) {
        var text = text
        text.withUTF8 { split($0, into: w) }
        if let path = wordPathReference {
            path._withUnsafeGuaranteedRef { tokenizeWords(w, $0, into: raw) }
            return
        }
        preTokenizer?.preTokenize(&w.text)
        if !modelReadsByteLevel { w.text.materializeByteLevel() }
        tokenize(w, into: raw)
    }

    /// Pre-tokenizer and model in one pass: each word goes to the model as the scanner finds it
    /// (the same words, in the same order, as pre-tokenizing first).
    private func tokenizeWords(_ w: Scratch, _ path: WordPath, into raw: RawSequence) {
        raw.removeAll()
        // `path.scanner` and `path.model` are read in place (a local copy would retain the shared model).
        let byteLevel = path.scanner.wordsAreByteLevel
        let tokens = w.modelTokens
        let splits = w.text.splits
        w.text.bytes.withUnsafeBufferPointer { arenaBuffer in
            w.text.alignments.withUnsafeBufferPointer { align in
                let arena = arenaBuffer.baseAddress!
                var word = 0
                for split in splits {
                    let s = Int(split.start), e = Int(split.end)
                    var mapper = SpanMapper(split, alignments: align.baseAddress)
                    if split.isAddedToken {
                        appendAddedToken(split, w, mapper.span(s, e, arena), word, raw)
                        word += 1
                        continue
                    }
                    path.scanner.forEachWord(in: UnsafeBufferPointer(start: arena + s, count: e - s)) { a, b in
                        tokens.count = 0
                        path.model.tokenize(UnsafeBufferPointer(start: arena + s + a, count: b - a), byteLevel: byteLevel, into: tokens)
                        raw.append(tokens, at: s + a, word: Int32(word), &mapper, arena)
                        word += 1
                    }
                }
            }
        }
    }

    private func appendAddedToken(_ split: Split, _ w: Scratch, _ span: Span, _ word: Int, _ raw: RawSequence) {
        let id = Int(split.addedTokenID), text = w.text.string(of: split)
        if text != tokenSource.token(id) { raw.overrides.append(TokenOverride(index: raw.count, text: text)) }
        raw.append(id: id, offsets: span, word: word)
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
            w.text.appendOriginal(UnsafeBufferPointer(rebasing: original[m.start..<m.end]), firstCharacter: first,
                                  addedTokenID: m.id)
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
            if !hasNormalizer {
                w.text.appendOriginal(piece, firstCharacter: firstCharacter)
                return
            }
            if let bert = bertNormalizer {
                w.normalizedBytes.count = 0
                w.normalizedAlignments.count = 0
                if bert.normalizeASCII(piece, into: w.normalizedBytes) {
                    // Changed byte for byte: the alignments stay those of the original text.
                    w.text.appendOriginal(w.normalizedBytes.buffer, firstCharacter: firstCharacter, isASCII: true)
                } else {
                    bert.normalize(piece, alignments: nil, firstCharacter: firstCharacter, into: w.normalizedBytes,
                                   w.normalizedAlignments)
                    w.text.append(bytes: w.normalizedBytes.buffer, alignments: w.normalizedAlignments.buffer)
                }
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
    private func tokenize(_ w: Scratch, into raw: RawSequence) {
        raw.removeAll()
        let splits = w.text.splits
        let tokens = w.modelTokens
        w.text.bytes.withUnsafeBufferPointer { arenaBuffer in
            w.text.alignments.withUnsafeBufferPointer { align in
                let arena = arenaBuffer.baseAddress!
                for (word, split) in splits.enumerated() {
                    let s = Int(split.start), e = Int(split.end)
                    var mapper = SpanMapper(split, alignments: align.baseAddress)
                    if split.isAddedToken {
                        appendAddedToken(split, w, mapper.span(s, e, arena), word, raw)
                        continue
                    }
                    tokens.count = 0
                    let piece = UnsafeBufferPointer(start: arena + s, count: e - s)
                    if let builtIn = builtInModel {
                        builtIn.tokenize(piece, byteLevel: split.isByteLevel, into: tokens)
                    } else {
                        var list: [ModelToken] = []
                        model.tokenize(piece, byteLevel: split.isByteLevel, into: &list)
                        for t in list { tokens.append(t) }
                    }
                    raw.append(tokens, at: s, word: Int32(word), &mapper, arena)
                }
            }
        }
    }
}

/// A pre-tokenizer that hands its words straight to a built-in model, and the model.
final class WordPath: @unchecked Sendable {
    let scanner: WordScanner
    let model: BuiltInModel

    init(scanner: WordScanner, model: BuiltInModel) {
        self.scanner = scanner
        self.model = model
    }
}
