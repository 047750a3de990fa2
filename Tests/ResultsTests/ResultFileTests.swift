import Foundation
import Results
import Support
import Testing

@Suite struct ResultFileTests {
    @Test func roundTripKeepsEveryKindOfContent() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var failed = Fixtures.run(id: "b-failed", seed: 1, status: .failed)
        failed.curves = [:]
        failed.eval = ["empty": Table([("length", .int([])), ("perplexity", .double([]))])]
        let original = Fixtures.file([Fixtures.run(id: "z-first"), failed],
                                     paper: #"{"t": []}"#, tolerances: #"{"loss": 0.02}"#)
        let url = dir.appendingPathComponent("r.h5")
        try original.write(url)
        let back = try ResultFile.read(url)
        #expect(back == original)
        // Runs and table columns come back in writing order, not sorted by name.
        #expect(back.runs.map(\.id) == ["z-first", "b-failed"])
        #expect(back.runs[0].eval["pg19-mini"]?.names == ["length", "perplexity", "loss", "tokens", "protocol", "attention"])
    }

    @Test func h5dumpReadsTheFile() throws {
        guard Shell.has("h5dump") else { return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("r.h5")
        try Fixtures.file([Fixtures.run(id: "run-0")]).write(url)
        let result = try #require(Shell.run(["h5dump", url.path]))
        #expect(result.status == 0)
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(text.contains("GROUP \"run-0\""))
        #expect(text.contains("GROUP \"pg19-mini\""))
        #expect(text.contains("DATASET \"perplexity\""))
        #expect(text.contains("ATTRIBUTE \"schema_version\""))
        #expect(text.contains("12.5"))
        #expect(text.contains("H5T_CSET_UTF8"))
    }

    @Test func inputErrorsNameTheFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("not.h5")
        try "hello".write(to: text, atomically: true, encoding: .utf8)
        #expect(throws: UserError.self) { try ResultFile.read(text) }
        #expect(throws: UserError.self) { try ResultFile.read(dir.appendingPathComponent("missing.h5")) }
        let future = dir.appendingPathComponent("future.h5")
        var file = Fixtures.file([])
        file.header.schemaVersion = 99
        try file.write(future)
        do {
            _ = try ResultFile.read(future)
            Issue.record("schema 99 was accepted")
        } catch let error as UserError {
            #expect(error.message.contains("schema_version 99"))
        }
    }

    @Test func invalidRunsAreRejected() throws {
        var run = Fixtures.run(id: "a/b")
        #expect(throws: UserError.self) { try run.validate() }
        run = Fixtures.run(id: "ok")
        run.attributes["status"] = "x"
        #expect(throws: UserError.self) { try run.validate() }
        run = Fixtures.run(id: "ok")
        run.eval["bad"] = Table([("a", .int([1, 2])), ("b", .double([1]))])
        #expect(throws: UserError.self) { try run.validate() }
    }
}
