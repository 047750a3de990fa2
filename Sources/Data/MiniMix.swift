import Foundation

/// `mini-mix`: pg19-mini and proof-pile-mini together, each part selected exactly as when it
/// is built alone (its own cap), so the mix holds the same documents as the two corpora.
/// Why a mix: the formal half reuses names and labels across thousands of tokens (long-range
/// signal a longer context can use), the book half keeps natural prose (docs/miniature.md).
extension BuiltinCorpus {
    static let mixParts: [BuiltinCorpus] = [.pg19Mini, .proofPileMini]

    static func collectMix(in environment: DebianEnvironment, echo: LongRangeEcho?) throws -> (documents: [Document], sources: CorpusSources) {
        var documents: [Document] = []
        var sources = CorpusSources()
        for part in mixParts {
            let collected = try part.collect(in: environment)
            documents += collected.documents.map { document in
                guard let echo else { return document }
                return Document(name: document.name, text: echo.apply(to: document.text, name: document.name))
            }
            sources.packages.merge(collected.sources.packages) { first, _ in first }
            sources.files.merge(collected.sources.files) { first, _ in first }
        }
        // Document names carry their source (kjv/, devil/, metamath/..., hol-light/...), so
        // they stay unique; the splitter sees them sorted, as for a single corpus.
        return (documents.sorted { $0.name < $1.name }, sources)
    }
}
