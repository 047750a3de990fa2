import Foundation
import Support
import Testing

/// The start-up check that a build compiled for AVX2/FMA stops with a clear error on a CPU
/// without them, instead of SIGILL mid-run.
@Suite struct CPUCheckTests {
    static let haswell = "fpu sse2 ssse3 sse4_1 sse4_2 popcnt avx avx2 fma f16c bmi1 bmi2 movbe abm"

    @Test func readsTheFirstFlagsLine() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            flags\t\t: \(Self.haswell)
            bugs\t\t: sysret_ss_attrs

            processor\t: 1
            flags\t\t: fpu
            """
        #expect(CPUFeatures.flags(cpuinfo: cpuinfo) == Set(Self.haswell.split(separator: " ").map(String.init)))
        #expect(CPUFeatures.flags(cpuinfo: "Features\t: fp asimd crc32\n") == ["fp", "asimd", "crc32"])
        #expect(CPUFeatures.flags(cpuinfo: "processor : 0\n") == nil)
    }

    @Test func namesWhatIsMissing() throws {
        let flags = Set("fpu sse2 sse4_2 popcnt avx".split(separator: " ").map(String.init))
        let error = try #require(CPUFeatures.check(required: ["avx", "avx2", "fma"], flags: flags))
        #expect(error.description.contains("avx2, fma"))
        #expect(error.description.contains("LONGLORA_PORTABLE=1"))
        #expect(CPUFeatures.check(required: ["avx"], flags: flags) == nil)
        #expect(CPUFeatures.check(required: ["avx2"], flags: nil) == nil)  // unreadable: not checked
    }

    /// The real binary against a pre-AVX CPU's cpuinfo: exit 2 naming the missing flags and
    /// the portable rebuild when built for Haswell; runs normally when built portable.
    @Test func binaryRefusesACPUWithoutAVX2() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let nehalem = dir.appendingPathComponent("cpuinfo")
        try Data("processor\t: 0\nflags\t\t: fpu sse2 ssse3 sse4_1 sse4_2 popcnt\n".utf8).write(to: nehalem)
        let old = try #require(Shell.run(["LONGLORA_CPUINFO=\(nehalem.path)", CLI.binary.path, "flops", "--help"]))
        let haswell = dir.appendingPathComponent("cpuinfo-haswell")
        try Data("flags\t\t: \(Self.haswell)\n".utf8).write(to: haswell)
        let new = try #require(Shell.run(["LONGLORA_CPUINFO=\(haswell.path)", CLI.binary.path, "flops", "--help"]))
        #expect(new.status == 0)
        let stderr = String(decoding: old.stderr, as: UTF8.self)
        #if LONGLORA_HASWELL_ISA
        #expect(old.status == 2)
        #expect(stderr.contains("avx, avx2, fma"), "\(stderr)")
        #expect(stderr.contains("LONGLORA_PORTABLE=1 swift build"), "\(stderr)")
        #else
        #expect(old.status == 0, "\(stderr)")
        #endif
    }

    /// On a CPU with AVX2 and FMA the binary never computes with OpenBLAS's pre-AVX2
    /// fallback kernels (Prescott's, which Debian's OpenBLAS picks for a CPU newer than
    /// itself: 2.2x slower steps); a user's own OPENBLAS_CORETYPE is kept.
    @Test func openBLASNeverRunsPreAVX2KernelsOnAnAVX2CPU() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("blascore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func core(_ environment: [String]) throws -> String {
            let bench = ["bench", "--lengths", "128", "--patterns", "full", "--steps", "1", "--threads", "1",
                         "--sgemm-size", "64", "--out", dir.appendingPathComponent("bench.h5").path]
            let result = try #require(Shell.run(["env", "-u", "OPENBLAS_CORETYPE"] + environment + [CLI.binary.path] + bench))
            let stdout = String(decoding: result.stdout, as: UTF8.self)
            #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
            // "model mini, threads 1, sgemm peak ..., OpenBLAS 0.3.21 ... DYNAMIC_ARCH NO_AFFINITY <core> MAX_THREADS=64"
            let words = stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            let end = try #require(words.firstIndex { $0.hasPrefix("MAX_THREADS=") }, "\(stdout)")
            return words[end - 1]
        }
        let flags = CPUFeatures.current() ?? []
        let chosen = try core([])
        if flags.contains("avx2") && flags.contains("fma") {
            #expect(!["Prescott", "Core2", "Penryn", "Nehalem", "Sandybridge"].contains(chosen), "OpenBLAS ran \(chosen) kernels")
        }
        #expect(try core(["OPENBLAS_CORETYPE=Prescott"]) == "Prescott")
    }
}
