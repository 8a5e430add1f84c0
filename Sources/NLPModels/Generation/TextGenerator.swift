import NLPTensor
import NLPTokenizers

/// What to generate after a prompt.
public struct GenerationOptions: Equatable, Sendable {
    public var maxNewTokens: Int
    public var sampling: SamplingOptions
    /// Generation ends before the first of these; the stop string itself is not part of the text.
    public var stopStrings: [String]
    /// Generation ends at the tokenizer's end-of-text token (the document separator of `nlp pretrain`).
    public var stopAtEndOfText: Bool

    public init(maxNewTokens: Int = 200, sampling: SamplingOptions = SamplingOptions(), stopStrings: [String] = [],
                stopAtEndOfText: Bool = true) {
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.stopAtEndOfText = stopAtEndOfText
    }
}

/// A prompt as token ids, with the characters a character-level vocabulary did not know.
public struct EncodedPrompt: Equatable, Sendable {
    public var ids: [Int32]
    /// Characters that became the unknown token (the model sees them as one "unknown" symbol).
    public var unknownCharacters: [Unicode.Scalar]
}

/// One generated token and the text it adds (possibly empty: the middle of a UTF-8 character, a
/// special token, text held back while it may begin a stop string).
public struct GeneratedPiece: Equatable, Sendable {
    public let token: Int32
    public let text: String
}

/// Why a generation ended.
public enum FinishReason: String, Sendable {
    case length, stopString = "stop", endOfText = "end_of_text"
}

/// Text generation from a causal language model: a prompt in, a stream of tokens and their text
/// out, as they are produced. GPTs decode with a KV cache, recurrent models carry their state.
///
///     let generator = try TextGenerator(folder: "models/gpt-shakespeare")
///     for piece in try generator.stream(prompt: "ROMEO:", options: GenerationOptions(maxNewTokens: 100)) {
///         print(piece.text, terminator: "")
///     }
public final class TextGenerator {
    public let decoder: IncrementalDecoder
    public let tokenizer: Tokenizer

    public init(decoder: IncrementalDecoder, tokenizer: Tokenizer) {
        precondition(decoder.batch == 1, "TextGenerator samples one sequence at a time (a batch-1 decoder)")
        self.decoder = decoder
        self.tokenizer = tokenizer
    }

    /// The language model and tokenizer.json of a model folder.
    public convenience init(folder: String) throws {
        let decoder = try LanguageModelDecoders.decoder(for: try ModelFolder.load(folder), batch: 1)
        let tokenizer = try Tokenizer(contentsOfFile: ModelFolder.path(folder, ModelFolder.tokenizerFile))
        try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: decoder.vocabularySize, in: folder)
        self.init(decoder: decoder, tokenizer: tokenizer)
    }

    /// The prompt's ids (no special tokens added). An empty prompt, or one whose every token is
    /// the unknown token standing for other text, is an error.
    public func encode(prompt: String) throws -> EncodedPrompt {
        let encoding = tokenizer.encode(prompt, addSpecialTokens: false)
        guard !encoding.ids.isEmpty else { throw GenerationError.emptyPrompt }
        var unknown: [Unicode.Scalar] = []
        if let unk = tokenizer.specialTokenIDs.unknown {
            // The unknown token may be a real character of the vocabulary (a char model's "\n"):
            // a span holding exactly that text is known.
            let unknownText = Array(tokenizer.token(forID: unk)?.unicodeScalars ?? "".unicodeScalars)
            let scalars = Array(prompt.unicodeScalars)
            var allUnknown = true
            for (id, span) in zip(encoding.ids, encoding.offsets) {
                let text = span.end <= scalars.count ? scalars[span.start..<span.end] : []
                if id == unk && !text.elementsEqual(unknownText) { unknown.append(contentsOf: text) } else { allUnknown = false }
            }
            if allUnknown { throw GenerationError.unknownCharacters(unknown) }
        }
        let vocabulary = decoder.vocabularySize
        if let outside = encoding.ids.first(where: { $0 >= vocabulary }) {
            throw GenerationError.badOption("the tokenizer gives id \(outside), outside the model's vocabulary of \(vocabulary)")
        }
        return EncodedPrompt(ids: encoding.ids.map { Int32($0) }, unknownCharacters: unknown)
    }

    /// A stream of new tokens after `prompt` (ids). `generator` draws the samples: the same seed
    /// gives the same tokens.
    public func stream(prompt: [Int32], options: GenerationOptions, generator: RandomGenerator = RandomGenerator(seed: 0)) -> TokenStream {
        TokenStream(self, prompt: prompt, options: options, generator: generator)
    }

    /// `stream(prompt:)` of the encoded text.
    public func stream(prompt: String, options: GenerationOptions, generator: RandomGenerator = RandomGenerator(seed: 0)) throws -> TokenStream {
        stream(prompt: try encode(prompt: prompt).ids, options: options, generator: generator)
    }

    /// The whole continuation of `prompt` as one string.
    public func generate(prompt: String, options: GenerationOptions, generator: RandomGenerator = RandomGenerator(seed: 0)) throws -> String {
        try stream(prompt: prompt, options: options, generator: generator).reduce(into: "") { $0 += $1.text }
    }
}

/// The tokens of one generation, produced lazily: each `next()` samples one token and advances
/// the decoder by it. A prompt longer than the model's context keeps its last `context` tokens
/// (`croppedPromptTokens` says how many went); when the context fills during generation, the
/// decoder restarts on the last half of it.
public final class TokenStream: Sequence, IteratorProtocol {
    public let options: GenerationOptions
    /// Prompt tokens dropped from the front to fit the context.
    public let croppedPromptTokens: Int
    /// The prompt (cropped) and every token generated so far.
    public private(set) var history: [Int32]
    public private(set) var generatedCount = 0
    public private(set) var finishReason: FinishReason?

    private let decoder: IncrementalDecoder
    private let sampler: TokenSampler
    private var text: TextStream
    private var stops: StopStrings
    private let endOfText: Int32?
    private var logits: Tensor?

    init(_ owner: TextGenerator, prompt: [Int32], options: GenerationOptions, generator: RandomGenerator) {
        precondition(!prompt.isEmpty, "a prompt needs at least one token")
        self.options = options
        decoder = owner.decoder
        let context = decoder.context ?? Int.max
        croppedPromptTokens = Swift.max(0, prompt.count - context)
        history = Array(prompt.suffix(context))
        sampler = TokenSampler(options: options.sampling, vocabularySize: decoder.vocabularySize, generator: generator)
        text = TextStream(tokenizer: owner.tokenizer)
        stops = StopStrings(options.stopStrings)
        endOfText = options.stopAtEndOfText ? owner.tokenizer.specialTokenIDs.endOfText.map { Int32($0) } : nil
        if options.maxNewTokens <= 0 { finishReason = .length }
        decoder.expectRestarts(windowSize: options.maxNewTokens - 1 > context - history.count ? Self.restartWindow(context) : nil)
    }

    /// The tokens a full context restarts on: its last half (the new token included).
    static func restartWindow(_ context: Int) -> Int { Swift.max(1, context / 2) }

    public func next() -> GeneratedPiece? {
        guard finishReason == nil else { return nil }
        let current: Tensor
        if let logits { current = logits } else {
            decoder.reset()
            current = decoder.feed(history)
        }
        let id = sampler.pick(current.data, history: history)
        history.append(id)
        generatedCount += 1
        if id == endOfText {
            finishReason = .endOfText
            return GeneratedPiece(token: id, text: stops.finish())
        }
        var piece = stops.push(text.append(id))
        if stops.stopped {
            finishReason = .stopString
        } else if generatedCount == options.maxNewTokens {
            finishReason = .length
            piece += stops.finish()
        } else if let context = decoder.context, decoder.length == context {
            logits = decoder.restart(on: Array(history.suffix(Self.restartWindow(context))))
        } else {
            logits = decoder.feed([id])
        }
        return GeneratedPiece(token: id, text: piece)
    }
}
