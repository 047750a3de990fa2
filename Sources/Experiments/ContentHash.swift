import Foundation
import Support

/// Content hashes: a run is identified by what it computes, not by its name.
///
/// hash = SHA-256 of the canonical JSON of {config, data manifest hash, code version}.
/// Two runs with equal hashes compute the same thing, so a complete one can be skipped;
/// any change of a value, of the corpus or of the code gives a new hash.
public struct CodeVersion: Hashable, Sendable {
    /// The manifest's own SHA-256 (of its bytes), or `unbuilt` before the corpus exists.
    public var dataManifest: String
    /// The git commit of the harness.
    public var code: String

    public init(dataManifest: String, code: String) {
        self.dataManifest = dataManifest
        self.code = code
    }
}

public enum ContentHash {
    /// SHA-256 hex of `{"code": ..., "config": <config>, "data_manifest": ...}` in canonical JSON.
    public static func of(_ config: SpecValue, version: CodeVersion) -> String {
        let document = SpecValue.map([
            .init("config", config),
            .init("data_manifest", .string(version.dataManifest)),
            .init("code", .string(version.code)),
        ])
        return SHA256.hex(document.canonicalJSON)
    }
}

extension CodeVersion {
    /// The version of a run on corpus `corpus`: the SHA-256 of `data/<corpus>/manifest.json`
    /// (`unbuilt` if the corpus has not been built yet) and the commit of `repository`.
    public static func current(corpus: String, dataDirectory: URL, commit: String) -> CodeVersion {
        let manifest = dataDirectory.appendingPathComponent(corpus).appendingPathComponent("manifest.json")
        let hash = (try? Data(contentsOf: manifest)).map { SHA256.hex([UInt8]($0)) } ?? "unbuilt"
        return CodeVersion(dataManifest: hash, code: commit)
    }
}
