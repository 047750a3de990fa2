import Foundation

/// The instruction-set extensions this CPU offers, read from /proc/cpuinfo, so that a build
/// compiled for newer instructions than the CPU has stops with a clear error at start
/// instead of dying with SIGILL in the middle of a run.
public enum CPUFeatures {
    /// Flags of the first processor in `cpuinfo` (x86: the `flags` line; ARM: `Features`).
    /// nil when there is no such line.
    public static func flags(cpuinfo: String) -> Set<String>? {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key == "flags" || key == "Features" {
                return Set(parts[1].split(separator: " ").map(String.init))
            }
        }
        return nil
    }

    /// This machine's flags; nil where /proc/cpuinfo cannot be read (then nothing is checked).
    /// `LONGLORA_CPUINFO` names another file to read, for tests of the check.
    public static func current() -> Set<String>? {
        let path = ProcessInfo.processInfo.environment["LONGLORA_CPUINFO"] ?? "/proc/cpuinfo"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return flags(cpuinfo: text)
    }

    /// A UserError naming what `required` lacks on a CPU with `flags`, or nil if nothing.
    public static func check(required: [String], flags: Set<String>?) -> UserError? {
        guard let flags else { return nil }
        let missing = required.filter { !flags.contains($0) }
        if missing.isEmpty { return nil }
        return UserError(
            "this build of longlora uses x86-64 instructions this CPU lacks: \(missing.joined(separator: ", ")) "
                + "(it is compiled for Haswell-class CPUs, AVX2 and FMA, 2013 on)",
            hint: "rebuild for any x86-64 CPU: LONGLORA_PORTABLE=1 swift build -c release")
    }
}
