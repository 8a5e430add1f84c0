/// A token the model produced: its id and the bytes of the word it covers.
public struct ModelToken: Equatable, Sendable {
    public var id: Int32
    /// Bytes `[start, end)` of the word.
    public var start: Int32
    public var end: Int32

    @inline(__always)
    public init(id: Int32, start: Int32, end: Int32) {
        self.id = id
        self.start = start
        self.end = end
    }
}

/// The third stage: turns one word into vocabulary tokens (WordPiece, BPE, WordLevel).
public protocol TokenizerModel: Sendable {
    /// The number of entries in the vocabulary.
    var vocabularySize: Int { get }
    func id(forToken token: String) -> Int?
    func token(forID id: Int) -> String?
    /// token → id for every entry.
    var vocabulary: [String: Int] { get }
    /// Appends the tokens of one word (UTF-8). When `byteLevel`, the bytes stand for their GPT-2
    /// byte-level characters; only models with `readsByteLevel` are given such words.
    func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: inout [ModelToken])
    /// True if `tokenize` accepts raw bytes standing for byte-level characters.
    var readsByteLevel: Bool { get }
    /// The tokenizer.json form of this model.
    var json: JSON { get }
}

extension TokenizerModel {
    /// The tokens of one word (for inspection).
    public func tokenize(_ word: String) -> [(token: String, id: Int, bytes: Range<Int>)] {
        var word = word
        var tokens: [ModelToken] = []
        word.withUTF8 { tokenize($0, byteLevel: false, into: &tokens) }
        return tokens.map { (token(forID: Int($0.id)) ?? "", Int($0.id), Int($0.start)..<Int($0.end)) }
    }
}

/// Where the built-in models write their tokens on the hot path: a raw, growable buffer (appending
/// to an Array checks uniqueness and capacity on every call).
final class TokenBuffer {
    private(set) var base: UnsafeMutablePointer<ModelToken>
    private var capacity: Int
    var count = 0
    /// The serial of the BPE model this thread last used and its word cache (held strongly by this
    /// buffer; the hot path reads only the serial and the unretained reference, so no reference
    /// count of the shared model is touched per word, and none of the cache's).
    private var cache: BPECache?
    private(set) var cacheModel: UInt64 = 0
    private(set) var cacheRef: Unmanaged<BPECache>?
    private let bpeScratch = BPEScratch()
    let scratchRef: Unmanaged<BPEScratch>

    init(capacity: Int = 256) {
        self.capacity = capacity
        scratchRef = Unmanaged.passUnretained(bpeScratch)
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    func useCache(_ cache: BPECache) {
        self.cache = cache
        cacheModel = cache.model
        cacheRef = Unmanaged.passUnretained(cache)
    }

    @inline(__always)
    func append(_ t: ModelToken) {
        if count == capacity { grow(count + 1) }
        base[count] = t
        count += 1
    }

    /// Room for `n` more tokens at `base + count`.
    @inline(__always)
    func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private func grow(_ needed: Int) {
        (base, capacity) = reallocated(base, count: count, capacity: capacity, toHold: needed)
    }
}

/// The models of this library, with a tokenize entry point that writes into a `TokenBuffer`.
protocol BuiltInModel: TokenizerModel {
    func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: TokenBuffer)
}

extension BuiltInModel {
    public func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: inout [ModelToken]) {
        let buffer = TokenBuffer(capacity: 16)
        tokenize(word, byteLevel: byteLevel, into: buffer)
        tokens.append(contentsOf: UnsafeBufferPointer(start: buffer.base, count: buffer.count))
    }
}

/// Builds models from tokenizer.json.
enum ModelCoding {
    static let types = ["WordPiece", "BPE", "WordLevel"]

    static func load(_ json: JSONField) throws -> TokenizerModel {
        let type: String
        if json.has("type") {
            type = try json.type()
        } else if json.has("merges") {
            type = "BPE"
        } else if json.has("continuing_subword_prefix") || json.has("max_input_chars_per_word") {
            type = "WordPiece"
        } else {
            type = "WordLevel"
        }
        switch type {
        case "WordPiece": return try WordPiece(json: json)
        case "BPE": return try BPE(json: json)
        case "WordLevel": return try WordLevel(json: json)
        default: try json.unknownType("model", known: types)
        }
    }
}
