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
}
