import Crypto
import Foundation

/// The identity of the code a binary was built from: a SHA-256 over every file under
/// `Sources/`, `Package.swift` and the resolved revision of every dependency.
///
/// It is what a run's content hash calls "code": the same wherever the binary runs from
/// and whatever git says, and different after any edit that could change what the binary
/// computes, committed or not. Docs, tests and the README are not inputs. The build-tool
/// plugin `CodeFingerprintPlugin` computes it on every build (through the
/// `code-fingerprint` tool, which calls `of(root:files:dependencies:)`) into the
/// `CodeIdentity` module; tests recompute it from a source tree with the same function.
public enum CodeFingerprint {
    /// The package-relative paths that make up the code: `Package.swift` and every regular,
    /// non-hidden file under `Sources/`, sorted. (The plugin lists the same files; a test
    /// checks that the binary's fingerprint equals the one computed from this list.)
    public static func inputFiles(root: URL) -> [String] {
        var files = ["Package.swift"]
        let sources = root.appendingPathComponent("Sources")
        let names = FileManager.default.subpaths(atPath: sources.path) ?? []
        for name in names where !name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
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
    public static func of(root: URL, files: [String], dependencies: [String]) throws -> String {
        var text = ""
        for path in files.sorted() {
            text += "file \(path) \(try SHA256.hash(fileAt: root.appendingPathComponent(path)).hex)\n"
        }
        for line in dependencies.sorted() { text += "dependency \(line)\n" }
        return SHA256.hash(data: Array(text.utf8)).hex
    }
}
