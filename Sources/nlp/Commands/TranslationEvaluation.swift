import Foundation
import NLPKit

/// The translation branch of `nlp eval`: corpus BLEU and chrF (sacrebleu's) of the model's
/// translations (beam 4) of the pairs' sources against their targets.
enum TranslationEvaluation {
    static func run(model: String, test: String, json: Bool, lossy: Bool) throws {
        let translator = try Translator(folder: model)
        let pairs = try TranslationPairs(path: test, lossy: lossy).pairs
        let language = try TranslationRecipe.targetLanguage(folder: model)
        let started = monotonicSeconds()
        let score = TranslationScore(translator: translator, pairs: pairs, targetLanguage: language)
        let seconds = monotonicSeconds() - started
        let tokenizer = SacreBLEUTokenizer(targetLanguage: language).rawValue
        if json {
            print("{\"bleu\": \(formatFixed(score.bleu.score, digits: 4)), \"chrf\": \(formatFixed(score.chrF.score, digits: 4)), "
                  + "\"sentences\": \(score.sentences), \"tokenize\": \"\(tokenizer)\", \"beam\": 4, \"seconds\": \(formatFixed(seconds, digits: 2))}")
        } else {
            print(score.bleu.summary + "  (tokenize \(tokenizer))")
            print("chrF2 = \(formatFixed(score.chrF.score, digits: 2))")
            print("\(score.sentences) sentences, beam 4, \(formatFixed(seconds, digits: 1)) s")
        }
    }
}
