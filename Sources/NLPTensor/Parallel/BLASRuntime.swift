import CBLAS
import Foundation

/// Makes OpenBLAS use the kernels the CPU supports.
///
/// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels from the CPU model when it loads.
/// Version 0.3.21 (Debian 12) does not know recent Intel Xeons — this VM reports family 6 model
/// 207 with AVX-512 — and falls back to its Prescott (SSE3) kernels, 3–4× slower than its
/// SkylakeX ones on the same machine. Before the first BLAS call, if OpenBLAS fell back to
/// Prescott and `OPENBLAS_CORETYPE` is not set, this picks the best kernel set the CPU's flags
/// allow (SkylakeX for AVX-512, Haswell for AVX2+FMA, Sandybridge for AVX) and re-runs OpenBLAS's
/// own kernel selection with it, exactly as if `OPENBLAS_CORETYPE` had been set at start-up.
public enum BLASRuntime {
    /// The OpenBLAS kernel set in use (after `prepare()`), e.g. "SkylakeX".
    public static var kernelName: String {
        prepare()
        return String(cString: openblas_get_corename())
    }

    /// Runs the check once; every entry point into BLAS calls it, so callers need not.
    @inline(__always)
    public static func prepare() { _ = prepared }

    private static let prepared: Void = {
        guard getenv("OPENBLAS_CORETYPE") == nil,
              String(cString: openblas_get_corename()).lowercased() == "prescott",
              let best = bestKernels(),
              let handle = dlopen(nil, RTLD_NOW),
              let quit = dlsym(handle, "gotoblas_dynamic_quit"),
              let initialize = dlsym(handle, "gotoblas_dynamic_init") else { return }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", best, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialize, to: Entry.self)()
    }()

    /// The best OpenBLAS kernel set for the CPU flags in /proc/cpuinfo (nil if none beats Prescott).
    static func bestKernels() -> String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(line.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        return nil
    }
}
