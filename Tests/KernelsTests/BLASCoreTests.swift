import Kernels
import Testing

/// When `longlora` overrides OpenBLAS's choice of kernels: only a pre-AVX2 fallback on a
/// CPU with AVX2 and FMA, and never against the user's own OPENBLAS_CORETYPE.
@Suite struct BLASCoreTests {
    let avx512: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]

    @Test func aFallbackOnAnAVX2CPUGetsHaswell() {
        #expect(BLASCore.replacement(for: "Sandybridge", flags: ["avx", "avx2", "fma"], environment: [:]) == "Haswell")
        // AVX-512 foundation alone (Knights Landing's subset) does not run SkylakeX's kernels.
        #expect(BLASCore.replacement(for: "Prescott", flags: ["avx2", "fma", "avx512f", "avx512cd"], environment: [:]) == "Haswell")
    }

    @Test func aFallbackOnAnAVX512CPUGetsSkylakeX() {
        #expect(BLASCore.replacement(for: "Prescott", flags: avx512, environment: [:]) == "SkylakeX")
        #expect(BLASCore.replacement(for: "Prescott", flags: avx512.subtracting(["avx512vl"]), environment: [:]) == "Haswell")
    }

    @Test func aRecognisedCoreOrAnOldCPUOrTheUsersChoiceStays() {
        for core in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"] {
            #expect(BLASCore.replacement(for: core, flags: avx512, environment: [:]) == nil, "\(core)")
        }
        // A real Sandy Bridge (AVX, no AVX2) keeps its kernels; so does an unreadable cpuinfo.
        #expect(BLASCore.replacement(for: "Sandybridge", flags: ["avx", "sse4_2"], environment: [:]) == nil)
        #expect(BLASCore.replacement(for: "Prescott", flags: nil, environment: [:]) == nil)
        #expect(BLASCore.replacement(for: "Prescott", flags: avx512, environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
    }
}
