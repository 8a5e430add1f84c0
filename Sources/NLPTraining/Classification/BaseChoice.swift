import Foundation
import NLPFiles
import NLPTensor
import NLPModels
import NLPTokenizers

/// Which base model a fine-tuning run starts from, and why (the command prints the reason).
public struct BaseChoice: Sendable {
    public let folder: String
    public let reason: String
    /// A new, randomly initialized base (it wants a higher learning rate than a pre-trained one).
    public var isScratch = false

    /// `given` when set; else by the script of `texts`: the Latin base for mostly Latin script,
    /// the toolkit's Chinese base for Chinese text, and when that is missing a new, randomly
    /// initialized BERT written to `scratchFolder` with a character tokenizer of `trainingFiles`.
    public static func choose(given: String?, texts: [String], trainingFiles: [String], scratchFolder: String) throws -> BaseChoice {
        if let given {
            _ = try ModelFolder.readConfig(given)
            return BaseChoice(folder: given, reason: "--base")
        }
        let profile = ScriptProfile(texts: texts)
        if profile.isMostlyChinese {
            let share = "\(formatFixed(100 * profile.hanShare, digits: 0))% of its letters are Han characters"
            if let folder = ModelLocator.find(FinetuneRecipe.chineseBase) {
                return BaseChoice(folder: folder, reason: "the default for Chinese text (\(share)): a character-level BERT "
                                  + "the toolkit pre-trained on People's Daily; see vocab/README.md")
            }
            try makeScratchBase(files: trainingFiles, folder: scratchFolder)
            return BaseChoice(folder: scratchFolder, reason: "Chinese text (\(share)) and \(FinetuneRecipe.chineseBase) is missing: "
                              + "a new character-level BERT trained from scratch", isScratch: true)
        }
        guard let folder = ModelLocator.find(FinetuneRecipe.latinBase) else {
            throw TrainingError.notEnoughData("\(FinetuneRecipe.latinBase) is not set up (run `make setup`), and no --base was given")
        }
        let share = formatFixed(100 * profile.latinShare, digits: 0)
        return BaseChoice(folder: folder, reason: "the default for text in Latin script: \(share)% of its letters are Latin")
    }

    /// A randomly initialized small BERT (the Chinese base's shape) with a character tokenizer
    /// of the training files, saved as a model folder.
    static func makeScratchBase(files: [String], folder: String) throws {
        let tokenizer = try LanguageModelRecipe.trainTokenizer(.char, files: files, vocabularySize: 0, architecture: .bert,
                                                               compatibilityNormalization: true)
        let network = try LanguageModelRecipe.makeNetwork(.bert, shape: FinetuneRecipe.scratchShape, tokenizer: tokenizer, seed: 1)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tokenizerPath = ModelFolder.path(folder, ModelFolder.tokenizerFile)
        try tokenizer.save(toFile: tokenizerPath)
        try network.model.save(to: folder, tokenizer: tokenizerPath)
    }
}
