import ArgumentParser

/// The flags every training command (pretrain, finetune, train-translation) shares: continuing a
/// run, and what to do with invalid UTF-8 in its input.
struct TrainingRunOptions: ParsableArguments {
    @Flag(help: "Continue the run in -o DIR from its last checkpoint (with the options it was started with).")
    var resume = false

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping at it.")
    var lossy = false
}
