/// The added tokens of a tokenizer, with HF's id assignment and the two matchers (original text
/// and normalized text).
struct AddedVocabulary: Sendable {
    /// In id order.
    private(set) var entries: [(id: Int, token: AddedToken)] = []
    private var idByContent: [String: Int] = [:]
    private var tokenByID: [Int: AddedToken] = [:]
    private(set) var specialContents: Set<String> = []
    private var maxID: Int?
    private(set) var raw = AddedTokenMatcher([])
    private(set) var normalized = AddedTokenMatcher([])

    var isEmpty: Bool { entries.isEmpty }

    /// Adds tokens as HF's `add_tokens` does: a token already in the model's vocabulary (or already
    /// added) keeps that id; a new one gets the next id after the model's and the added ones.
    mutating func add(_ tokens: [AddedToken], model: TokenizerModel, normalizer: Normalizer?) {
        for token in tokens where token.special && !token.content.isEmpty {
            specialContents.insert(token.content)
        }
        for token in tokens {
            if token.content.isEmpty || tokenByID.values.contains(token) { continue }
            let id: Int
            if let existing = idByContent[token.content] ?? model.id(forToken: token.content) {
                id = existing
            } else if let maxID {
                id = maxID >= model.vocabularySize || model.vocabularySize == 0 ? maxID + 1 : model.vocabularySize
            } else {
                id = model.vocabularySize
            }
            idByContent[token.content] = id
            maxID = Swift.max(maxID ?? id, id)
            tokenByID[id] = token
        }
        entries = tokenByID.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        refresh(normalizer: normalizer)
    }

    private mutating func refresh(normalizer: Normalizer?) {
        var rawPatterns: [(String, Int, AddedToken)] = []
        var normalizedPatterns: [(String, Int, AddedToken)] = []
        for (id, token) in entries {
            if token.normalized {
                let text = normalizer.map { $0.normalize(token.content) } ?? token.content
                normalizedPatterns.append((text, id, token))
            } else {
                rawPatterns.append((token.content, id, token))
            }
        }
        raw = AddedTokenMatcher(rawPatterns)
        normalized = AddedTokenMatcher(normalizedPatterns)
    }

    func id(for content: String) -> Int? { idByContent[content] }
    func token(for id: Int) -> AddedToken? { tokenByID[id] }
    func isSpecial(_ content: String) -> Bool { specialContents.contains(content) }

    var json: JSON { .array(entries.map { $0.token.json(id: $0.id) }) }
}
