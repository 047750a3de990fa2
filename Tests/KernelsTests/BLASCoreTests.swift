import Kernels
import Testing

/// When `longlora` overrides OpenBLAS's choice of kernels: only a pre-AVX2 fallback on a
/// CPU with AVX2 and FMA, and never against the user's own OPENBLAS_CORETYPE.
@Suite struct BLASCoreTests {
    let avx512: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f"]

    @Test func aFallbackOnAnAVX2CPUGetsHaswell() {
        #expect(BLASCore.replacement(for: "Prescott", flags: avx512, environment: [:]) == "Haswell")
        #expect(BLASCore.replacement(for: "Sandybridge", flags: ["avx", "avx2", "fma"], environment: [:]) == "Haswell")
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
