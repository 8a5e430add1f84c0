import NLPModels

/// Corpus BLEU and chrF of translations against one reference each, as sacrebleu computes them
/// (13a tokenization for English targets, `zh` for Chinese).
public struct TranslationScore: Sendable {
    public let bleu: BLEU
    public let chrF: CHRF
    public let sentences: Int

    public init(hypotheses: [String], references: [String], targetLanguage: String) {
        bleu = BLEU(hypotheses: hypotheses, references: [references], tokenizer: SacreBLEUTokenizer(targetLanguage: targetLanguage))
        chrF = CHRF(hypotheses: hypotheses, references: [references])
        sentences = hypotheses.count
    }

    /// Translates the pairs' sources and scores them against their targets.
    public init(translator: Translator, pairs: [TranslationPair], targetLanguage: String, options: BeamSearchOptions = .init()) {
        self.init(hypotheses: translator.translate(pairs.map(\.source), options: options), references: pairs.map(\.target),
                  targetLanguage: targetLanguage)
    }
}
