import Crypto
import Foundation
import Hashing
import Support

/// A document together with the source files it was made from (checksummed in the manifest).
struct SourcedDocument {
    var document: Document
    var files: [URL]
    init(_ document: Document, files: [URL]) {
        self.document = document
        self.files = files
    }
}

/// What a corpus was made from: package versions and SHA-256 of every file that
/// contributed a selected document (paths inside the data folder relative to it,
/// e.g. `debian/hol-light/usr/share/hol-light/lib.ml`). Both go into the manifest.
public struct CorpusSources: Sendable, Equatable {
    public var packages: [String: String] = [:]
    public var files: [String: String] = [:]
    public init() {}
}

/// The corpora built from Debian packages (see README "Data").
///
/// Size cap: each corpus keeps at most `byteCap` bytes of text so that a byte-level build
/// takes seconds. When the sources exceed it, documents are taken in a fixed pseudo-random
/// order (SHA-256 of the document name, independent of the split seed) and each one that
/// still fits is kept (documents over `maxDocumentBytes` are skipped): the same documents
/// on every machine, drawn from every source.
public enum BuiltinCorpus: String, CaseIterable, Sendable {
    /// King James Bible (66 books) + The Devil's Dictionary (26 letters + preface): about 4.7 MB, all kept.
    case pg19Mini = "pg19-mini"
    /// Metamath databases (cut at chapters, about 48 MB) + HOL Light .ml files (about 35 MB):
    /// capped to 8 MiB, which keeps about 185 documents.
    case proofPileMini = "proof-pile-mini"
    /// Both of the above, each as built alone (docs/miniature.md): books and formal mathematics.
    case miniMix = "mini-mix"
    /// mini-mix with a synthetic long-range component: earlier lines quoted again (LongRangeEcho).
    case miniMixEcho = "mini-mix-echo"

    public var byteCap: Int {
        switch self {
        case .pg19Mini, .proofPileMini: 8 << 20
        case .miniMix: Self.mixParts.reduce(0) { $0 + $1.byteCap }
        // An echo of at most passage.upperBound + 1 bytes follows at least every / 2 bytes.
        case .miniMixEcho: Self.miniMix.byteCap * 3 / 2
        }
    }
    /// Longer documents are left out when the cap applies, so no single Metamath chapter
    /// (some exceed 3 MB) dominates a split; 512 KiB is still 128 windows of 4096 bytes.
    public var maxDocumentBytes: Int { 512 << 10 }

    public static var names: [String] { allCases.map(\.rawValue) }

    /// Parses a corpus name; unknown names list the valid ones.
    public static func named(_ name: String) throws -> BuiltinCorpus {
        guard let corpus = BuiltinCorpus(rawValue: name) else {
            throw UserError("unknown corpus '\(name)'; valid corpora: \(names.joined(separator: ", ")) "
                            + "(or --from PATH --format pg19|proof-pile|text)")
        }
        return corpus
    }

    /// Collects the corpus's documents (sorted by name) and its provenance.
    public func collect(in environment: DebianEnvironment) throws -> (documents: [Document], sources: CorpusSources) {
        if self == .miniMix || self == .miniMixEcho { return try Self.collectMix(in: environment, echo: self == .miniMixEcho ? .miniMix : nil) }
        var sources = CorpusSources()
        var candidates: [SourcedDocument] = []
        switch self {
        case .pg19Mini:
            candidates += try KJVBible.documents(in: environment, corpus: rawValue, sources: &sources)
            candidates += try DevilsDictionary.documents(in: environment, corpus: rawValue, sources: &sources)
        case .proofPileMini:
            candidates += try MetamathDatabases.documents(in: environment, corpus: rawValue, sources: &sources)
            candidates += try HOLLightSources.documents(in: environment, corpus: rawValue, sources: &sources)
        case .miniMix, .miniMixEcho:
            preconditionFailure("collected by collectMix")
        }
        let selected = Self.select(candidates, cap: byteCap, maxDocument: maxDocumentBytes)
        var checksummed = Set<String>()
        // Files under the data folder (the unpacked hol-light) are named relative to it,
        // so manifests of the same corpus agree across checkouts.
        let dataPrefix = environment.dataDirectory.standardizedFileURL.path + "/"
        for file in selected.flatMap(\.files) where checksummed.insert(file.path).inserted {
            let path = file.standardizedFileURL.path
            let key = path.hasPrefix(dataPrefix) ? String(path.dropFirst(dataPrefix.count)) : path
            sources.files[key] = try SHA256.hash(fileAt: file).hex
        }
        return (selected.map(\.document).sorted { $0.name < $1.name }, sources)
    }

    static func select(_ candidates: [SourcedDocument], cap: Int, maxDocument: Int) -> [SourcedDocument] {
        let total = candidates.reduce(0) { $0 + $1.document.text.count }
        if total <= cap { return candidates }
        let order = candidates.map { (key: SHA256.hash(data: Array($0.document.name.utf8)).hex, doc: $0) }.sorted { $0.key < $1.key }
        var kept: [SourcedDocument] = []
        var bytes = 0
        for (_, doc) in order where doc.document.text.count <= maxDocument && bytes + doc.document.text.count <= cap {
            kept.append(doc)
            bytes += doc.document.text.count
        }
        return kept
    }
}
