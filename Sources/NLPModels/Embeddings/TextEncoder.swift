/// Where text becomes token ids for a model: the one seam between a tokenizer and the models.
/// `nlp embed` and the sentence-embedding example take any TextEncoder, so swapping the
/// tokenizer implementation is one line.
public protocol TextEncoder {
    /// The ids of each text with the model's special tokens, cut to at most `maxLength` ids.
    func encodeBatch(_ texts: [String], maxLength: Int) throws -> [[Int32]]
}
