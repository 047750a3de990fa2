import Foundation

/// The identity of the code a binary was built from: a SHA-256 over every file under
/// `Sources/`, `Package.swift` and the resolved revision of every dependency.
///
/// It is what a run's content hash calls "code": the same wherever the binary runs from
/// and whatever git says, and different after any edit that could change what the binary
/// computes, committed or not. Docs, tests and the README are not inputs, nor are the
/// rendering targets (`renderingTargets`), which no run reads. The build-tool
/// plugin `CodeFingerprintPlugin` computes it on every build (through the
/// `code-fingerprint` tool, which calls `of(root:files:dependencies:)`) into the
/// `CodeIdentity` module; tests recompute it from a source tree with the same function.
public enum CodeFingerprint {
    /// Targets that only draw tables, figures and exports from result files. A test checks
    /// that no target a run executes depends on them, so editing them cannot change a number;
    /// the plugin keeps its own copy of this list (it cannot import the package's modules).
    public static let renderingTargets = ["Reports"]

    /// The package-relative paths that make up the code: `Package.swift` and every regular,
    /// non-hidden file under `Sources/` outside the rendering targets, sorted. (The plugin
    /// lists the same files; a test checks that the binary's fingerprint equals the one
    /// computed from this list.)
    public static func inputFiles(root: URL) -> [String] {
        var files = ["Package.swift"]
        let sources = root.appendingPathComponent("Sources")
        let names = FileManager.default.subpaths(atPath: sources.path) ?? []
        for name in names where !name.split(separator: "/").contains(where: { $0.hasPrefix(".") })
            && !renderingTargets.contains(String(name.split(separator: "/").first ?? "")) {
            var isDirectory: ObjCBool = false
            let path = sources.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("Sources/" + name)
            }
        }
        return files.sorted()
    }

    /// One line per dependency, `<identity> <revision>`, from a `Package.resolved` (its
    /// `pins`, format 1, 2 or 3): the exact commits the build resolved.
    public static func dependencies(resolvedFile url: URL) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: url.path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw UserError("\(url.path): cannot read it as a Package.resolved file")
        }
        let pins = (json["pins"] as? [[String: Any]]) ?? ((json["object"] as? [String: Any])?["pins"] as? [[String: Any]]) ?? []
        return try pins.map { pin in
            let identity = (pin["identity"] as? String) ?? (pin["package"] as? String)?.lowercased()
            guard let identity, let state = pin["state"] as? [String: Any], let revision = state["revision"] as? String else {
                throw UserError("\(url.path): a pin lacks 'identity' or 'state.revision'")
            }
            return "\(identity) \(revision)"
        }.sorted()
    }

    /// SHA-256 hex of `file <path> <sha256>` lines (in path order) then `dependency <line>`
    /// lines (sorted): the paths are part of it, so a renamed or added file counts too.
    ///
    /// The digests come from coreutils' `sha256sum`, not swift-crypto: the build tool that
    /// calls this links Support, and SwiftPM compiles a tool's dependencies a second time
    /// for the host, so swift-crypto here would build BoringSSL twice in every build.
    public static func of(root: URL, files: [String], dependencies: [String]) throws -> String {
        let digests = try sha256sum(files: files, in: root)
        var text = ""
        for path in files.sorted() { text += "file \(path) \(digests[path] ?? "")\n" }
        for line in dependencies.sorted() { text += "dependency \(line)\n" }
        return String(try sha256sum(["sha256sum"], input: Data(text.utf8)).prefix(64))
    }

    /// `sha256sum` of `files` (relative to `root`) in one process: hex digest by path.
    static func sha256sum(files: [String], in root: URL) throws -> [String: String] {
        guard !files.isEmpty else { return [:] }
        var digests: [String: String] = [:]
        for line in try sha256sum(["sha256sum", "--"] + files, in: root).split(separator: "\n") {
            // `<64 hex digits>  <path>`; a path with a backslash or newline would be escaped.
            digests[String(line.dropFirst(66))] = String(line.prefix(64))
        }
        for path in files where digests[path] == nil {
            throw UserError("\(root.appendingPathComponent(path).path): sha256sum gave no digest for it")
        }
        return digests
    }

    static func sha256sum(_ arguments: [String], input: Data? = nil, in directory: URL? = nil) throws -> String {
        guard let result = Shell.run(arguments, input: input, in: directory) else {
            throw UserError("cannot start sha256sum", hint: "apt-get install coreutils")
        }
        guard result.status == 0 else {
            throw UserError(String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }
}
