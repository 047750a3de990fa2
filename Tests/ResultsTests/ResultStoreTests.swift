import Foundation
import Results
import Support
import Testing
@testable import Reports

@Suite struct ResultStoreTests {
    /// A writer killed after a run's shard is complete but before the file is assembled: the
    /// resume check must find the shard, whatever characters the content hash holds (a shard's
    /// name keeps only its letters and digits), and the resumed writer goes on to the next run.
    @Test(arguments: ["0123456789abcdef0123", "fixture-2"])
    func aCompleteShardNotYetAssembledCountsAsComplete(configHash: String) throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("results/exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "a: 1"))
        var run = Fixtures.run(id: "r0")
        run.configHash = configHash
        try store.shards.write(run, experiment: "exp")  // the shard, and no assembly after it
        #expect(try ResultFile.read(url).runs.isEmpty)
        let resumed = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "a: 1"))
        #expect(resumed.isComplete(configHash: configHash), "\(configHash)")
    }

    @Test func recordsRunsAndNeverRewritesCompleteOnes() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("results/exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "a: 1"))
        var run = Fixtures.run(id: "r0")
        try store.markRunning(run)
        // A started run is in its shard; the file is assembled when a run ends.
        #expect(store.shards.scan(experiment: "exp").runs.map(\.status) == [.running])
        #expect(try ResultFile.read(url).runs.isEmpty)
        #expect(!store.isComplete(configHash: run.configHash))
        try store.record(run)
        #expect(store.isComplete(configHash: run.configHash))
        #expect(try ResultFile.read(url).runs == [run])
        run.curves["loss"] = [0]
        #expect(throws: UserError.self) { try store.record(run) }
        #expect(try ResultFile.read(url).run("r0") == Fixtures.run(id: "r0"))

        // Reopening keeps runs and creation time, and takes the new spec.
        let created = store.file.header.created
        let again = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "a: 2", created: "later"))
        #expect(again.runs.map(\.id) == ["r0"])
        #expect(again.file.header.spec == "a: 2" && again.file.header.created == created)
        #expect(throws: UserError.self) { try ResultStore.open(url, header: ResultHeader(experiment: "other")) }
    }

    /// A complete run of another content hash under the same id (other code or data) is
    /// kept beside the new one, under `<id>@<hash prefix>`, never rewritten or archived.
    @Test func aSupersededRunIsKeptUnderItsHash() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp"))
        var old = Fixtures.run(id: "r0")
        old.codeFingerprint = "code-a"
        try store.record(old)
        var new = Fixtures.run(id: "r0", perplexity: [9, 8, 7])
        new.configHash = "another-hash"
        new.codeFingerprint = "code-b"
        new.started = "2025-01-02T00:00:00Z"  // assembly orders runs as they started
        try store.markRunning(new)
        try store.record(new)
        let file = try ResultFile.read(url)
        var kept = old
        kept.id = "r0@\(old.configHash.prefix(12))"
        #expect(file.runs == [kept, new])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["exp.d", "exp.h5"])
        #expect(store.shards.scan(experiment: "exp").runs == [old, new])
        // The same content again is still refused: completed runs are never rewritten.
        #expect(throws: UserError.self) { try store.record(new) }
    }

    /// Runs of other code or data than the file's current ones are stale, with the reason;
    /// tables see only current runs unless asked for all, and then in rows of their own.
    @Test func runsOfAnotherVersionAreStale() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp"))
        var a = Fixtures.run(id: "a")
        a.codeFingerprint = "c1"
        a.dataManifests = ["pg19-mini": "m1"]
        var b = Fixtures.run(id: "b", seed: 1)
        b.codeFingerprint = "c2"
        b.dataManifests = ["pg19-mini": "m1"]
        var c = Fixtures.run(id: "c", seed: 2)
        c.codeFingerprint = "c2"
        c.dataManifests = ["pg19-mini": "m2"]
        var legacy = Fixtures.run(id: "d", seed: 3)
        legacy.dataManifests = [:]
        for run in [a, b, c, legacy] { try store.record(run) }
        try store.setCurrent(code: "c2", data: ["pg19-mini": "m2"])
        let file = try ResultFile.read(url)
        #expect(file.header.currentCode == "c2" && file.header.currentData == ["pg19-mini": "m2"])
        #expect(file.run("a")!.staleness(in: file.header) == ["code c1, now c2", "data pg19-mini m1, now m2"])
        #expect(file.run("b")!.staleness(in: file.header) == ["data pg19-mini m1, now m2"])
        #expect(file.run("c")!.staleness(in: file.header).isEmpty)
        #expect(file.run("d")!.staleness(in: file.header) == ["recorded before code fingerprints"])
        #expect(file.currentRuns.map(\.id) == ["c"])
        #expect(file.forTables(all: false).runs.map(\.id) == ["c"])
        // Reopening with a new header keeps what is current.
        let reopened = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "new"))
        #expect(reopened.file.header.currentCode == "c2")

        let status = StatusReport.render(file)
        #expect(status.contains("4 runs: 4 complete, 0 failed, 0 running, 3 stale"))
        #expect(status.contains("b  data pg19-mini m1, now m2"))

        let selection = Selection(rows: ["finetune.attention"], columns: .eval("length"), value: "eval/pg19-mini/perplexity")
        let current = try Grid.build(file.forTables(all: false), selection, name: "t")
        #expect(current.rowKeys == ["finetune.attention"] && current.cell(["s2"], "256")?.n == 1)
        let all = try Grid.build(file.forTables(all: true), selection, name: "t")
        #expect(all.rowKeys == ["finetune.attention", "stale"])
        #expect(all.rows.count == 4 && all.cell(["s2", "-"], "256")?.n == 1)
    }

    @Test func failedRunsCanBeRetried() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp"))
        try store.record(Fixtures.run(id: "r0", status: .failed))
        try store.record(Fixtures.run(id: "r0"))
        #expect(try ResultFile.read(url).runs.map(\.status) == [.complete])
    }

    @Test func twoStoresOnOneFileLoseNothing() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let a = try ResultStore.open(url, header: ResultHeader(experiment: "exp"))
        let b = try ResultStore.open(url)
        try a.record(Fixtures.run(id: "from-a"))
        try b.record(Fixtures.run(id: "from-b"))
        #expect(try ResultFile.read(url).runs.map(\.id) == ["from-a", "from-b"])
    }
}
