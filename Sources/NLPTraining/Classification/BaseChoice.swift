import Foundation
import NLPModels

/// Which base model a fine-tuning run starts from, and why (the command prints the reason).
public struct BaseChoice: Sendable {
    public let folder: String
    public let reason: String

    /// `given` when set; else by the script of `texts`: the Latin base for mostly Latin script,
    /// the Chinese base for Chinese text.
    public static func choose(given: String?, texts: [String]) throws -> BaseChoice {
        if let given {
            _ = try ModelFolder.readConfig(given)
            return BaseChoice(folder: given, reason: "--base")
        }
        let profile = ScriptProfile(texts: texts)
        let share = formatFixed(100 * (profile.isMostlyChinese ? profile.hanShare : profile.latinShare), digits: 0)
        if profile.isMostlyChinese {
            throw TrainingError.notEnoughData("the text is Chinese (\(share)% of its letters are Han characters) and no Chinese base is set up yet; give --base DIR")
        }
        guard let folder = ModelLocator.find(FinetuneRecipe.latinBase) else {
            throw TrainingError.notEnoughData("\(FinetuneRecipe.latinBase) is not set up (run `make setup`), and no --base was given")
        }
        return BaseChoice(folder: folder, reason: "the default for text in Latin script: \(share)% of its letters are Latin")
    }
}
