import ArgumentParser
import Foundation
import NLPKit

/// `nlp generate`: text from a causal language model (a GPT or an LSTM/GRU LM folder), streamed
/// to stdout token by token as it is sampled.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a GPT or LSTM language model, streamed as it is sampled.",
        discussion: """
            Writes each prompt followed by its continuation; with several samples or prompts, samples are \
            separated by a line "---". GPTs decode with a KV cache, recurrent models carry their state. A prompt \
            longer than the model's context keeps its last tokens (a notice goes to stderr); when the context \
            fills up, generation continues on the last half of it. The same --seed gives the same text. \
            Generation stops after --max-new-tokens, at the tokenizer's <|endoftext|>, or before a --stop string. \
            --beam N searches N beams instead of sampling (deterministic; printed when done).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Model folder (config.json, model.safetensors, tokenizer.json), e.g. from nlp pretrain --arch gpt|lstm.")
    var model: String

    @Option(help: "Text to continue.")
    var prompt: String?

    @Option(help: "A file of prompts, one a line (instead of --prompt).")
    var prompts: String?

    @Flag(help: "Replace invalid UTF-8 in --prompts FILE by U+FFFD instead of stopping at it.")
    var lossy = false

    @Option(parsing: .unconditional, help: "Tokens to generate per sample.")
    var maxNewTokens = 200

    @Option(parsing: .unconditional, help: "Softmax temperature (below 1: more likely tokens; above 1: more varied).")
    var temperature: Float = 1

    @Option(parsing: .unconditional, help: "Sample among the K most likely tokens only.")
    var topK: Int?

    @Option(parsing: .unconditional, help: "Sample among the most likely tokens holding probability P (nucleus sampling).")
    var topP: Float?

    @Option(parsing: .unconditional, help: "Penalty on tokens already present (1: none; 1.1–1.3 discourages loops).")
    var repetitionPenalty: Float = 1

    @Flag(help: "Always take the most likely token.")
    var greedy = false

    @Option(parsing: .unconditional, help: "Beam search with N beams instead of sampling.")
    var beam: Int?

    @Option(help: "Seed of the sampling.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Samples per prompt.")
    var numSamples = 1

    @Option(help: "Stop before this text (repeatable).")
    var stop: [String] = []

    @Flag(help: "Go on past <|endoftext|> (the next document) instead of stopping there.")
    var ignoreEndOfText = false

    func validate() throws {
        if (prompt == nil) == (prompts == nil) { throw ValidationError("give --prompt TEXT or --prompts FILE (one of them)") }
        if !(0...1_000_000).contains(maxNewTokens) { throw ValidationError("--max-new-tokens must be between 0 and 1000000, got \(maxNewTokens)") }
        if !(1...10_000).contains(numSamples) { throw ValidationError("--num-samples must be between 1 and 10000, got \(numSamples)") }
        if let beam {
            if !(1...64).contains(beam) { throw ValidationError("--beam must be between 1 and 64, got \(beam)") }
            if topK != nil || topP != nil || greedy || temperature != 1 {
                throw ValidationError("--beam searches deterministically: drop --temperature, --top-k, --top-p and --greedy")
            }
            if numSamples > 1 { throw ValidationError("--beam gives one result per prompt: drop --num-samples") }
        }
        if greedy && (topK != nil || topP != nil || temperature != 1) {
            throw ValidationError("--greedy always takes the likeliest token: drop --temperature, --top-k and --top-p")
        }
        if stop.contains("") { throw ValidationError("--stop needs a non-empty text") }
        do {
            try sampling.validate()
        } catch let error as GenerationError {
            throw ValidationError("--" + error.description.replacingOccurrences(of: "repetition penalty", with: "repetition-penalty"))
        }
    }

    var sampling: SamplingOptions {
        SamplingOptions(temperature: temperature, topK: topK, topP: topP, repetitionPenalty: repetitionPenalty, greedy: greedy)
    }

    func run() throws {
        try global.apply()
        let loaded = try ModelFolder.load(model)
        let decoder = try LanguageModelDecoders.decoder(for: loaded, batch: beam ?? 1)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(contentsOfFile: ModelFolder.path(model, ModelFolder.tokenizerFile))
        } catch let e as TokenizerFileError {
            throw CLIError(e.description)
        }
        let log = Log("generate")
        let options = GenerationOptions(maxNewTokens: maxNewTokens, sampling: sampling, stopStrings: stop,
                                        stopAtEndOfText: !ignoreEndOfText)
        let random = RandomGenerator(seed: seed)
        let output = StreamingOutput()
        // The generator encodes prompts; beam search shares its checks.
        let generator = TextGenerator(decoder: beam == nil ? decoder : try LanguageModelDecoders.decoder(for: loaded, batch: 1),
                                      tokenizer: tokenizer)
        var first = true

        // Every prompt is checked before the first is generated, so a bad line stops nothing half-way.
        let encodedPrompts = try promptList().map { text, place in
            do {
                return (text, try generator.encode(prompt: text))
            } catch let error as GenerationError {
                guard let place else { throw CLIError("--prompt: \(error.description)") }
                throw InputError(file: place.file, line: place.line, error.description)
            }
        }
        for (text, encoded) in encodedPrompts {
            if !encoded.unknownCharacters.isEmpty {
                log.say("note: the model's vocabulary lacks \(GenerationError.list(encoded.unknownCharacters)) "
                        + "(each is read as the unknown token)")
            }
            if let context = decoder.context, encoded.ids.count > context {
                log.say("the prompt has \(encoded.ids.count) tokens, more than the model's context of \(context): "
                        + "cropped to its last \(context) tokens")
            }
            for _ in 0..<numSamples {
                if !first { try output.write("---\n") }
                first = false
                try output.write(text)
                if let beam {
                    let search = BeamSearch(beams: beam, maxNewTokens: maxNewTokens,
                                            endToken: ignoreEndOfText ? nil : tokenizer.specialTokenIDs.endOfText.map { Int32($0) },
                                            repetitionPenalty: repetitionPenalty)
                    let best = search.run(decoder, prompt: encoded.ids)
                    var stops = StopStrings(stop)
                    let continuation = tokenizer.decode(best.tokens.map { Int($0) })
                    try output.write(stops.push(continuation) + stops.finish())
                } else {
                    for piece in generator.stream(prompt: encoded.ids, options: options, generator: random) {
                        try output.write(piece.text)
                    }
                }
                try output.write("\n")
            }
        }
    }

    /// The prompts with their file and line (nil for --prompt).
    func promptList() throws -> [(String, (file: String, line: Int)?)] {
        if let prompt { return [(prompt, nil)] }
        let reader = try openTextInput(prompts!, lossy: lossy)
        var list: [(String, (file: String, line: Int)?)] = []
        for line in reader { list.append((try line.text(lossy: lossy), (line.file, line.number))) }
        if let error = reader.error { throw error }
        if list.isEmpty { throw InputError(file: prompts!, "no prompts: expected one prompt a line") }
        return list
    }
}

/// Unbuffered writes to standard output, so each token shows as soon as it is sampled.
struct StreamingOutput {
    func write(_ text: String) throws {
        guard !text.isEmpty else { return }
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, stdout) }
        fflush(stdout)
        if written == 0 || ferror(stdout) != 0 {
            throw CLIError("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }
}
