import Foundation
import Support

/// The HOL Light OCaml sources (`.ml` files) from the hol-light .deb, unpacked without
/// installing its OCaml dependencies by `scripts/setup.sh` into `<data>/debian/hol-light/`
/// together with a `VERSION` file. Each `.ml` file is one document.
enum HOLLightSources {
    static let package = "hol-light"
    static let fix = "bash scripts/setup.sh   (unpacks the hol-light .deb into data/debian/hol-light)"

    static func documents(in environment: DebianEnvironment, corpus: String,
                          sources: inout CorpusSources) throws -> [SourcedDocument] {
        let unpacked = environment.dataDirectory.appendingPathComponent("debian/hol-light")
        let dir = unpacked.appendingPathComponent("usr/share/hol-light")
        guard FileReading.isDirectory(dir) else {
            throw UserError("\(dir.path) not found: corpus \(corpus) needs the unpacked hol-light package", hint: fix)
        }
        let versionFile = unpacked.appendingPathComponent("VERSION")
        let version = String(decoding: (try? FileReading.bytes(versionFile)) ?? [], as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !version.isEmpty else {
            throw UserError("\(versionFile.path) is missing or empty: cannot record the hol-light version", hint: fix)
        }
        sources.packages[package] = version
        let files = try FileReading.files(in: dir, recursive: true, where: { $0.hasSuffix(".ml") })
        guard !files.isEmpty else { throw UserError("\(dir.path) holds no .ml files", hint: fix) }
        return try files.map {
            SourcedDocument(Document(name: "hol-light/\($0.relative)", text: try FileReading.bytes($0.url)), files: [$0.url])
        }
    }
}
