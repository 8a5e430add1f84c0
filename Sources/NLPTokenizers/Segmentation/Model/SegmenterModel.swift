import Foundation
import NLPFiles

/// A trained segmenter on disk, a folder:
///   segmenter.json   what the model is (format, modes, training corpus, sizes)
///   dictionary.txt   `word frequency` lines (jieba's format), normalized words
///   hmm.txt          the B/M/E/S HMM for words the dictionary lacks
///   tagger.bin       the tagger weights (tagger models only)
/// A tagger model also runs in dictionary mode: both modes share the dictionary.
public struct SegmenterModel {
    public var dictionary: SegmenterDictionary
    public var hmm: SegmenterHMM
    public var tagger: CharacterTagger?
    public var info: Info
    /// Boundary rules learned from the training text (kept in segmenter.json).
    public var rules: SegmenterRules { SegmenterRules(serialized: info.symbolPlaces ?? [:]) }

    /// The contents of segmenter.json.
    public struct Info: Codable, Equatable {
        public var format = "nlpkit-segmenter"
        public var version = 1
        /// "dict", or "dict" and "tagger".
        public var modes: [String]
        /// File names of the training corpus and its size.
        public var trainedOn: [String]
        public var sentences: Int
        public var words: Int
        public var epochs: Int?
        public var hashBits: Int?
        /// 4 or 6.
        public var tags: Int?
        /// Tagger rows below this magnitude were left out.
        public var pruneBelow: Float?
        /// The places (B M E S) each frequent symbol takes in a word (see `SegmenterRules`); a run of
        /// one mark is written as the mark twice.
        public var symbolPlaces: [String: String]?
    }

    public init(dictionary: SegmenterDictionary, hmm: SegmenterHMM, tagger: CharacterTagger?, info: Info) {
        self.dictionary = dictionary
        self.hmm = hmm
        self.tagger = tagger
        self.info = info
    }

    /// Trains a dictionary-mode model (word frequencies and the HMM) on segmented text.
    public static func trainDictionary(corpus: SegmentedCorpus, names: [String]) -> SegmenterModel {
        var counts: [String: Double] = [:]
        var hmmCounts = SegmenterHMM.Counts()
        let rules = SegmenterRules.learn(from: corpus)
        var text = SegmenterText()
        text.rules = rules
        for words in corpus.sentences where !words.isEmpty {
            for word in words { counts[SegmenterDictionary.normalize(word), default: 0] += 1 }
            let unitCounts = text.load(words: words)
            var slices: [ArraySlice<UInt32>] = []
            var u = 0
            for c in unitCounts {
                slices.append(text.unitSymbols[u..<u + c])
                u += c
            }
            hmmCounts.add(wordSymbols: slices)
        }
        // Most frequent first, as the file lists them, so a loaded model numbers its words the same.
        let entries = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let dictionary = SegmenterDictionary(entries: entries.map { (word: $0.key, frequency: $0.value) })
        var info = Info(modes: ["dict"], trainedOn: names, sentences: corpus.sentences.count, words: corpus.wordCount)
        info.symbolPlaces = rules.symbolPlaces.isEmpty ? nil : rules.serialized
        return SegmenterModel(dictionary: dictionary, hmm: hmmCounts.model(), tagger: nil, info: info)
    }

    /// Trains a tagger model (which includes the dictionary model).
    public static func trainTagger(corpus: SegmentedCorpus, names: [String], options: TaggerTrainer.Options,
                                   heldOut: SegmentedCorpus? = nil,
                                   progress: (TaggerTrainer.Progress) -> Void = { _ in }) -> SegmenterModel {
        var model = trainDictionary(corpus: corpus, names: names)
        model.tagger = TaggerTrainer(options: options).train(corpus: corpus, dictionary: model.dictionary, rules: model.rules,
                                                             heldOut: heldOut, progress: progress)
        model.info.modes = ["dict", "tagger"]
        model.info.epochs = options.epochs
        model.info.hashBits = options.hashBits
        model.info.tags = options.tagSet.count
        model.info.pruneBelow = options.pruneBelow
        return model
    }

    // MARK: - Folder

    /// Loads a model folder; `includingTagger: false` skips the tagger weights (dictionary mode only).
    public static func load(from path: String, includingTagger: Bool = true) throws -> SegmenterModel {
        let folder = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, "expected a segmenter model folder (segmenter.json, dictionary.txt, hmm.txt)")
        }
        let infoPath = folder.appendingPathComponent("segmenter.json").path
        guard let data = FileManager.default.contents(atPath: infoPath) else {
            throw InputError(file: infoPath, "missing: this folder is not a segmenter model")
        }
        let info: Info
        do {
            info = try JSONDecoder().decode(Info.self, from: data)
        } catch {
            throw InputError(file: infoPath, "expected the segmenter's JSON description: \(error)")
        }
        guard info.format == "nlpkit-segmenter", info.version == 1 else {
            throw InputError(file: infoPath, "expected format nlpkit-segmenter version 1, got \(info.format) \(info.version)")
        }
        let dictionary = try SegmenterDictionary.load(contentsOf: folder.appendingPathComponent("dictionary.txt").path)
        let hmm = try SegmenterHMM.load(contentsOf: folder.appendingPathComponent("hmm.txt").path)
        var tagger: CharacterTagger?
        if includingTagger && info.modes.contains("tagger") {
            tagger = try TaggerModelFile.read(path: folder.appendingPathComponent("tagger.bin").path, dictionary: dictionary,
                                              rules: SegmenterModel(dictionary: dictionary, hmm: hmm, tagger: nil, info: info).rules)
        }
        return SegmenterModel(dictionary: dictionary, hmm: hmm, tagger: tagger, info: info)
    }

    /// Writes the model folder as a whole: into a temporary folder beside it, then renamed into
    /// place, so a run killed at any moment leaves either the old model or the new one.
    public func write(to path: String) throws {
        let fileManager = FileManager.default
        let folder = URL(fileURLWithPath: path).standardizedFileURL
        let parent = folder.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(folder.lastPathComponent).tmp-\(getpid())")
        let retired = parent.appendingPathComponent(".\(folder.lastPathComponent).old-\(getpid())")
        do {
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: path, "cannot create the model folder: \(error.localizedDescription)")
        }
        do {
            try dictionary.write(to: staging.appendingPathComponent("dictionary.txt").path)
            try AtomicFile.write(hmm.serialized(), to: staging.appendingPathComponent("hmm.txt").path)
            if let tagger {
                try TaggerModelFile.write(tagger, to: staging.appendingPathComponent("tagger.bin").path)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(info) + Data("\n".utf8),
                                               to: staging.appendingPathComponent("segmenter.json").path)
            var isDirectory: ObjCBool = false
            let exists = fileManager.fileExists(atPath: folder.path, isDirectory: &isDirectory)
            if exists && !isDirectory.boolValue {
                throw InputError(file: path, "exists and is not a folder; will not replace it with a model")
            }
            if exists { try fileManager.moveItem(at: folder, to: retired) }
            try fileManager.moveItem(at: staging, to: folder)
            if exists { try? fileManager.removeItem(at: retired) }
        } catch {
            try? fileManager.removeItem(at: staging)
            if let error = error as? InputError { throw error }
            throw InputError(file: path, "cannot write the model: \(error.localizedDescription)")
        }
    }
}
