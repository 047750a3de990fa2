import COpenBLAS
import Support

/// Which CPU's kernels OpenBLAS runs, and the one case where `longlora` overrides its choice.
///
/// Debian's OpenBLAS is built with DYNAMIC_ARCH: when the library loads it picks its kernels
/// from the CPU's family and model. A CPU newer than the build (0.3.21 in Debian 12 does not
/// know Intel's model 207, Emerald Rapids) gets the oldest x86-64 kernels, Prescott's SSE3:
/// sgemm then ran at 17 GFLOP/s on one core where Haswell's kernels give about 100, and
/// every training step took 4x as long. Where OpenBLAS fell back to such a core, `longlora`
/// restarts itself once with `OPENBLAS_CORETYPE` naming the newest kernels the CPU's flags
/// allow: SkylakeX's where it has the AVX-512 subsets they use (sgemm at 203 GFLOP/s on
/// that Emerald Rapids, against 104 with Haswell's), else Haswell's where it has AVX2 and
/// FMA (every AVX2+FMA x86-64 runs them; AMD's Zen gets the same sgemm kernel). A user's
/// own `OPENBLAS_CORETYPE` is left alone.
public enum BLASCore {
    /// The core OpenBLAS chose, e.g. `Haswell`, `Zen`, `SkylakeX`, `Prescott`.
    public static var name: String { String(cString: llb_blas_corename()) }

    /// Cores that predate AVX2: on a CPU with AVX2 and FMA they mean OpenBLAS did not
    /// recognise it.
    static let preAVX2 = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Sandybridge",
                          "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat", "Bulldozer", "Piledriver", "Steamroller", "Excavator"]

    /// What OpenBLAS's SkylakeX kernels execute (its own DYNAMIC_ARCH test for them).
    static let skylakeXFlags = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]

    /// The core to ask for instead of `core`, or nil to keep it: only for a pre-AVX2 core on
    /// a CPU whose `flags` (/proc/cpuinfo) have AVX2 and FMA, and only when `environment`
    /// does not choose one already.
    public static func replacement(for core: String, flags: Set<String>?, environment: [String: String]) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, preAVX2.contains(core),
              let flags, flags.contains("avx2"), flags.contains("fma") else { return nil }
        return skylakeXFlags.allSatisfy(flags.contains) ? "SkylakeX" : "Haswell"
    }
}
