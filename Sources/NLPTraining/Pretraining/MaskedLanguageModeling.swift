import NLPTensor

/// BERT's masking: each ordinary token is chosen with `probability` (15 %); a chosen token
/// becomes [MASK] 80 % of the time, a random ordinary token 10 %, and stays itself 10 %; the
/// labels hold the original id at chosen positions and -100 (ignored) elsewhere.
public struct MaskedLanguageModeling: Sendable {
    public let maskId: Int32
    public let vocabularySize: Int
    /// Ids never chosen nor drawn as replacements ([CLS], [SEP], [PAD], …).
    public let special: Set<Int32>
    public let probability: Float

    public init(maskId: Int32, vocabularySize: Int, special: Set<Int32>, probability: Float = 0.15) {
        precondition(vocabularySize > special.count, "a vocabulary of special tokens only")
        self.maskId = maskId
        self.vocabularySize = vocabularySize
        self.special = special.union([maskId])
        self.probability = probability
    }

    /// Masks `ids` in place and returns the labels. At least one token of a row that has an
    /// ordinary token is chosen, so no batch is without a target.
    public func mask(_ ids: inout [Int32], rowLength: Int, generator: RandomGenerator) -> [Int32] {
        var labels = [Int32](repeating: -100, count: ids.count)
        for rowStart in stride(from: 0, to: ids.count, by: rowLength) {
            var chosen = 0, firstOrdinary = -1
            for i in rowStart..<min(rowStart + rowLength, ids.count) where !special.contains(ids[i]) {
                if firstOrdinary < 0 { firstOrdinary = i }
                if generator.nextFloat() < probability {
                    replace(&ids, &labels, at: i, generator)
                    chosen += 1
                }
            }
            if chosen == 0 && firstOrdinary >= 0 { replace(&ids, &labels, at: firstOrdinary, generator) }
        }
        return labels
    }

    private func replace(_ ids: inout [Int32], _ labels: inout [Int32], at i: Int, _ generator: RandomGenerator) {
        labels[i] = ids[i]
        let r = generator.nextFloat()
        if r < 0.8 {
            ids[i] = maskId
        } else if r < 0.9 {
            var token = Int32(generator.nextInt(below: vocabularySize))
            while special.contains(token) { token = Int32(generator.nextInt(below: vocabularySize)) }
            ids[i] = token
        }
    }
}
