import NLPTensor

extension EncoderDecoderModel: TranslationModel {
    public var vocabSize: Int { config.vocabSize }
    public var padTokenId: Int { config.padTokenId }
    public var eosTokenId: Int { config.eosTokenId }
    public var decoderStartTokenId: Int { config.decoderStartTokenId }
    public var maxPositions: Int { config.maxPositions }

    public func startDecoding(_ source: TokenBatch, beams: Int, capacity: Int) -> TranslationDecoding {
        TransformerTranslationDecoding(self, source: source, beams: beams, capacity: capacity)
    }
}

/// The Transformer decodes over a key/value cache; the memory (and its cross-attention keys and
/// values, made at the first step) is computed once per source and repeated for its beams.
final class TransformerTranslationDecoding: TranslationDecoding {
    let model: EncoderDecoderModel
    let memory: Tensor, memoryMask: Tensor?
    let cache: DecoderCache

    init(_ model: EncoderDecoderModel, source: TokenBatch, beams: Int, capacity: Int) {
        self.model = model
        memory = model.encode(source).repeatingRows(beams)
        memoryMask = source.maskTensor?.repeatingRows(beams)
        cache = model.makeCache(batch: source.batch * beams, capacity: capacity)
    }

    func next(_ tokens: [Int32]) -> Tensor {
        model.decode(TokenBatch(ids: tokens, batch: tokens.count, length: 1), memory: memory, memoryMask: memoryMask, cache: cache)
    }

    func reorderRows(_ parents: [Int]) { cache.reorderRows(parents) }
}
