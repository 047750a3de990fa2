import Foundation

/// Where a number came from: recorded beside every run and every result file.
public struct Provenance: Codable, Equatable, Sendable {
    public var gitCommit: String
    public var gitDirty: Bool
    public var swiftVersion: String
    public var os: String
    public var cpuModel: String
    public var cpuCount: Int
    public var hostname: String

    public static func current(repository: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> Provenance {
        let commit = Shell.output(["git", "-C", repository.path, "rev-parse", "HEAD"]) ?? "unknown"
        let status = Shell.output(["git", "-C", repository.path, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return Provenance(
            gitCommit: commit.trimmingCharacters(in: .whitespacesAndNewlines),
            gitDirty: !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            swiftVersion: swiftCompilerVersion,
            os: ProcessInfo.processInfo.operatingSystemVersionString,
            cpuModel: cpuModelName(),
            cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            hostname: ProcessInfo.processInfo.hostName)
    }

    /// The compiler that built this binary (compile-time constant).
    public static var swiftCompilerVersion: String {
        #if compiler(>=6.3)
        return "6.3+"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    static func cpuModelName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }
}
