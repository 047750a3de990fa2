import Data
import Foundation
import Support
import Testing

@Suite struct ErrorMessageTests {
    @Test func unknownCorpusListsValidNames() throws {
        let data = try temporaryDirectory("data")
        let text = userErrorText { try CorpusBuilder(corpus: "pg20-mini", dataDirectory: data).build() }
        #expect(text.contains("unknown corpus 'pg20-mini'") && text.contains("pg19-mini, proof-pile-mini"))
    }

    @Test func missingPackageAnswersWithTheInstallCommand() {
        let text = userErrorText { _ = try DebianPackage.require("longlora-no-such-package", for: "pg19-mini") }
        #expect(text.contains("longlora-no-such-package") && text.contains("fix: apt-get install -y longlora-no-such-package"))
    }

    /// Under an empty file-system root every built-in source is "not installed".
    @Test func missingCorpusFilesAnswerWithTheFix() throws {
        let root = try temporaryDirectory("root")
        let data = try temporaryDirectory("data")
        var builder = CorpusBuilder(corpus: "pg19-mini", dataDirectory: data)
        builder.environment = DebianEnvironment(root: root, dataDirectory: data)
        let pg19 = userErrorText { try builder.build() }
        #expect(pg19.contains(root.appendingPathComponent("usr/bin/bible").path) && pg19.contains("apt-get install -y bible-kjv"))

        builder.corpus = "proof-pile-mini"
        let metamath = userErrorText { try builder.build() }
        #expect(metamath.contains("/usr/share/metamath/databases") && metamath.contains("apt-get install -y metamath-databases"))

        // With Metamath present but hol-light not unpacked, the fix is the setup script.
        try write("$( a tiny database $)\n", to: root.appendingPathComponent("usr/share/metamath/databases/tiny.mm"))
        let hol = userErrorText { try builder.build() }
        #expect(hol.contains("debian/hol-light") && hol.contains("fix: bash scripts/setup.sh"))
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("proof-pile-mini/manifest.json").path) == false)
    }

    @Test func unbuiltCorpusAndUnknownSourceAreExplained() throws {
        let data = try temporaryDirectory("data")
        let unbuilt = userErrorText { _ = try DataSource.parse("pg19-mini:test", dataDirectory: data).load() }
        #expect(unbuilt.contains("manifest.json not found") && unbuilt.contains("fix: longlora data build --corpus pg19-mini"))
        let unknown = userErrorText { _ = try DataSource.parse("no/such/thing", dataDirectory: data) }
        #expect(unknown.contains("unknown data source 'no/such/thing'") && unknown.contains("pg19-mini, proof-pile-mini"))
        #expect(userErrorText { _ = try DataSource.parse("pg19-mini:tset", dataDirectory: data) }.contains("unknown split 'tset'"))
    }
}
