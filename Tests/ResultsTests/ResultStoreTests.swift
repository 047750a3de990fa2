import Foundation
import Results
import Support
import Testing

@Suite struct ResultStoreTests {
    @Test func recordsRunsAndNeverRewritesCompleteOnes() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("results/exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "a: 1"))
        var run = Fixtures.run(id: "r0")
        try store.markRunning(run)
        #expect(try ResultFile.read(url).run("r0")?.status == .running)
        #expect(store.completedRunIDs(configHash: run.configHash).isEmpty)
        try store.record(run)
        #expect(store.completedRunIDs(configHash: run.configHash) == ["r0"])
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

    @Test func archiveKeepsTheOldFileWholeAndStartsAnEmptyOne() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "a: 1", created: "2025-01-01T00:00:00Z"))
        try store.record(Fixtures.run(id: "r0"))
        let archived = try store.archive()
        #expect(archived.lastPathComponent == "exp-2025-01-01T000000Z.h5")
        #expect(archived.deletingLastPathComponent().lastPathComponent == "archive")
        #expect(try ResultFile.read(archived).runs == [Fixtures.run(id: "r0")])
        let fresh = try ResultFile.read(url)
        #expect(fresh.runs.isEmpty && fresh.header.spec == "a: 1" && fresh.header.created != "2025-01-01T00:00:00Z")
        // The same id can now be recorded again, and a second archive gets its own name.
        try store.record(Fixtures.run(id: "r0"))
        #expect(try store.archive() != archived)
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
