import Data
import Foundation
import Support
import Testing

/// Builds the real corpora from the Debian packages (scripts/setup.sh installs them; CI runs
/// it first). A missing package makes these tests fail with the fix command, never skip.
@Suite struct BuiltinCorpusTests {
    func build(_ corpus: BuiltinCorpus) throws -> CorpusManifest {
        let data = try temporaryDirectory("builtin")
        defer { try? FileManager.default.removeItem(at: data) }
        var builder = CorpusBuilder(corpus: corpus.rawValue, dataDirectory: data)
        // The hol-light sources are unpacked under the repository's data/ folder.
        builder.environment = DebianEnvironment(dataDirectory: repositoryRoot.appendingPathComponent("data"))
        builder.threads = 2
        return try builder.build()
    }

    func checkSplits(_ m: CorpusManifest, minimumDocuments: Int) throws {
        let total = m.splits.values.reduce(0) { $0 + $1.documents }
        #expect(total >= minimumDocuments)
        for split in Split.allCases {
            let info = try #require(m.split(split))
            #expect(info.documents > 0 && info.tokens == info.bytes + info.documents)
        }
        #expect(m.splits.values.reduce(0) { $0 + $1.bytes } <= BuiltinCorpus(rawValue: m.corpus)!.byteCap)
        #expect(m.files.values.allSatisfy { $0.count == 64 })
    }

    @Test func pg19Mini() throws {
        let m = try build(.pg19Mini)
        try checkSplits(m, minimumDocuments: 60)
        #expect(Set(m.packages.keys) == ["bible-kjv", "bible-kjv-text", "dict-devil"])
        #expect(m.files.keys.contains("/usr/share/dictd/devil.dict.dz"))
    }

    @Test func proofPileMini() throws {
        let m = try build(.proofPileMini)
        try checkSplits(m, minimumDocuments: 100)
        #expect(Set(m.packages.keys) == ["metamath-databases", "hol-light"])
        #expect(m.files.keys.contains { $0.hasPrefix("debian/hol-light/") && $0.hasSuffix(".ml") } && m.files.keys.contains { $0.hasSuffix("set.mm") })
    }

    @Test func kjvBooksSplitAtHeadingsWhoseBookChanges() {
        let printed = "\nGenesis 1\n\n  1 In the beginning.\nGenesis 3\n\nGenesis 2\n\n  1 Thus.\n\n1 Samuel 1\n\n  1 Now there was.\n"
        let books = KJVBible.splitBooks(Array(printed.utf8))
        #expect(books.map(\.title) == ["Genesis", "1 Samuel"])
        #expect(String(decoding: books[0].text, as: UTF8.self).hasPrefix("Genesis 1\n\n  1 In"))
        #expect(String(decoding: books[0].text, as: UTF8.self).contains("Genesis 3\n"), "a heading without blank lines around it is text")
        #expect(String(decoding: books[1].text, as: UTF8.self) == "1 Samuel 1\n\n  1 Now there was.\n\n")
    }

    @Test func metamathSplitsAtPartAndChapterBanners() {
        let db = """
            $( preamble $)
            $c ( ) $.
            $(
            ####################
                   PART ONE
            ####################
            $)
            ax-1 $a |- ph $.
            $(
            #*#*#*#*#*#*#*#*
                 Chapter two
            #*#*#*#*#*#*#*#*
            $)
            $(
            =-=-=-=-=-=-=
                 A section (not a cut)
            =-=-=-=-=-=-=
            $)

            """
        let chapters = MetamathDatabases.chapters(Array(db.utf8))
        #expect(chapters.map(\.title) == [nil, "PART ONE", "Chapter two"])
        #expect(chapters.flatMap(\.text) == Array(db.utf8), "the chapters tile the file")
        #expect(String(decoding: chapters[2].text, as: UTF8.self).contains("A section"))
    }
}
