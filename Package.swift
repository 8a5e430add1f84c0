// swift-tools-version:6.0
// NLPKit: tokenizers, a tensor + autograd core on OpenBLAS, models, training, and the `nlp` command.
// Layers (dependencies point down only): nlp → NLPKit → NLPTraining → NLPModels → NLPTensor → CBLAS;
// NLPTokenizers → CUtf8proc, CICUShim stands alone so that tokenization pulls in no tensor code.
import Foundation
import PackageDescription

// Swift emits baseline SSE2 on x86_64 unless told the CPU; the hand-written kernels need AVX2/FMA.
// Haswell's set is the portable AVX2+FMA level (swiftc rejects "x86-64-v3"). Builds are local, so
// when the building CPU has AVX-512 (F/CD/BW/DQ/VL) the loops use it, with 512-bit vectors (LLVM
// otherwise prefers 256 on these CPUs; the flag reaches Swift's code generator through Clang's
// target options). NLPKIT_PORTABLE=1 builds the AVX2 version for another machine.
#if arch(x86_64)
let buildCPUFlags: Set<Substring> = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))
    .flatMap { $0.split(separator: "\n").first { $0.hasPrefix("flags") } }
    .map { Set($0.split(separator: " ")) } ?? []
let useAVX512 = ProcessInfo.processInfo.environment["NLPKIT_PORTABLE"] == nil
    && ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { buildCPUFlags.contains(Substring($0)) }
let vectorISA: [SwiftSetting] = [.unsafeFlags(useAVX512
    ? ["-target-cpu", "skylake-avx512", "-Xcc", "-Xclang", "-Xcc", "-target-feature", "-Xcc", "-Xclang", "-Xcc", "-prefer-256-bit"]
    : ["-target-cpu", "haswell"], .when(configuration: .release))]
#else
let vectorISA: [SwiftSetting] = []
#endif

// The tokenizer's per-byte loops: no dynamic exclusivity checks in release (they cost a third of
// the time in the BPE merge loop; the code is single-owner per thread by construction).
let hotLoops: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "NLPKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "NLPKit", targets: ["NLPKit"]),
        .library(name: "NLPTokenizers", targets: ["NLPTokenizers"]),
        .library(name: "NLPTensor", targets: ["NLPTensor"]),
        .library(name: "NLPModels", targets: ["NLPModels"]),
        .library(name: "NLPTraining", targets: ["NLPTraining"]),
        .executable(name: "nlp", targets: ["nlp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System C libraries (Debian: libopenblas-dev, libutf8proc-dev, libicu-dev).
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CUtf8proc", providers: [.apt(["libutf8proc-dev"])]),
        // ICU behind a plain C target: Swift sees no ICU type (see icushim.h for why).
        .target(name: "CICUShim", linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]),

        // Library layers. NLPFiles: the file writing both bottom layers share (atomic writes).
        .target(name: "NLPFiles"),
        .target(name: "NLPTensor", dependencies: ["CBLAS", "NLPFiles"], exclude: ["README.md"], swiftSettings: vectorISA),
        .target(name: "NLPTokenizers", dependencies: ["CUtf8proc", "CICUShim", "NLPFiles"], swiftSettings: vectorISA + hotLoops),
        .target(name: "NLPModels", dependencies: ["NLPTensor", "NLPTokenizers"], swiftSettings: vectorISA),
        .target(name: "NLPTraining", dependencies: ["NLPFiles", "NLPTensor", "NLPModels", "NLPTokenizers"], swiftSettings: vectorISA),
        .target(name: "NLPKit", dependencies: ["NLPFiles", "NLPTensor", "NLPTokenizers", "NLPModels", "NLPTraining"]),

        // The command line tool and the benchmark driver used by `make bench`.
        .executableTarget(name: "nlp", dependencies: [
            "NLPKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nlp-bench", dependencies: ["NLPKit", "CBLAS"], path: "Sources/NLPBench",
                          swiftSettings: vectorISA),
        // Examples/: small programs that use the library; `make test` builds them so they cannot rot.
        .executableTarget(name: "tokenize-example", dependencies: ["NLPTokenizers"], path: "Examples/Tokenize"),

        // Examples of the library.
        .executableTarget(name: "rank-sentences", dependencies: ["NLPKit"], path: "Examples/RankSentences"),
        .executableTarget(name: "translate-example", dependencies: ["NLPKit"], path: "Examples/Translate"),
        .executableTarget(name: "generate-text", dependencies: ["NLPKit"], path: "Examples/GenerateText"),

        // Tests, one target per module.
        .testTarget(name: "NLPTensorTests", dependencies: ["NLPTensor", "NLPTraining"]),
        .testTarget(name: "NLPTokenizersTests", dependencies: ["NLPTokenizers"], exclude: ["Fixtures", "Segmentation/Fixtures"]),
        .testTarget(name: "NLPTrainingTests", dependencies: ["NLPTraining"]),
        .testTarget(name: "NLPModelsTests", dependencies: ["NLPModels", "NLPTensor"], exclude: ["Fixtures"]),
        // End-to-end tests of the command line: they run the built `nlp` binary.
        .testTarget(name: "nlpTests", dependencies: ["nlp"]),
    ],
    swiftLanguageModes: [.v5]
)
