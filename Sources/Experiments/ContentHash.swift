import CodeIdentity
import Crypto
import Foundation
import Hashing
import Support

/// Content hashes: a run is identified by what it computes, not by its name.
///
/// hash = SHA-256 of the canonical JSON of {code, config, data manifests}. Two runs with
/// equal hashes compute the same thing, so a complete one can be skipped; any change of a
/// value, of a corpus the run reads or of the code gives a new hash.
public struct CodeVersion: Hashable, Sendable {
    /// Corpus -> SHA-256 of its `manifest.json` (`unbuilt` before the corpus exists), for
    /// every corpus the run reads: the training corpus and every evaluation corpus. Each
    /// manifest carries the SHA-256 of every input file, so an edited input moves it.
    public var dataManifests: [String: String]
    /// The code fingerprint of the binary (`CodeIdentity.fingerprint`): sources,
    /// Package.swift and resolved dependencies, not the git state of any directory.
    public var code: String

    public init(dataManifests: [String: String], code: String) {
        self.dataManifests = dataManifests
        self.code = code
    }

    /// The same version seen only through `corpora` (a base model or a fine-tune reads the
    /// training corpus alone, so an evaluation corpus must not split their caches).
    public func restricted(to corpora: [String]) -> CodeVersion {
        CodeVersion(dataManifests: dataManifests.filter { corpora.contains($0.key) }, code: code)
    }
}

public enum ContentHash {
    /// SHA-256 hex of `{"code": ..., "config": <config>, "data_manifests": {...}}` in canonical JSON.
    public static func of(_ config: SpecValue, version: CodeVersion) -> String {
        let manifests = version.dataManifests.sorted { $0.key < $1.key }.map { SpecValue.Entry($0.key, .string($0.value)) }
        let document = SpecValue.map([
            .init("code", .string(version.code)),
            .init("config", config),
            .init("data_manifests", .map(manifests)),
        ])
        return SHA256.hash(data: Array(document.canonicalJSON.utf8)).hex
    }
}

extension CodeVersion {
    /// The SHA-256 of `data/<corpus>/manifest.json`, or `unbuilt` if the corpus is not built.
    public static func manifestHash(corpus: String, dataDirectory: URL) -> String {
        let manifest = dataDirectory.appendingPathComponent(corpus).appendingPathComponent("manifest.json")
        return (try? Data(contentsOf: manifest)).map { SHA256.hash(data: $0).hex } ?? "unbuilt"
    }

    /// The version of `run` now: the manifests of the corpora it reads, and `code` (by
    /// default this binary's fingerprint).
    public static func current(for run: PlannedRun, dataDirectory: URL, code: String = CodeIdentity.fingerprint) -> CodeVersion {
        var manifests: [String: String] = [:]
        for corpus in run.corpora { manifests[corpus] = manifestHash(corpus: run.config.data.folder(corpus), dataDirectory: dataDirectory) }
        return CodeVersion(dataManifests: manifests, code: code)
    }
}
