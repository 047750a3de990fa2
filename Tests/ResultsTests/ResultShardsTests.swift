import Foundation
@testable import Results
import Support
import Testing
@testable import Reports

/// Per-run shards (`results/<experiment>.d/`) and the assembly of the experiment's file.
@Suite struct ResultShardsTests {
    /// Whatever a run id holds, its shard's name is one plain file name, and different ids
    /// or hashes give different names.
    @Test func shardNamesArePlainFileNames() {
        #expect(ResultShards.name(id: "s2,seed=0", configHash: "0123456789abcdef0123") == "s2,seed=0@0123456789abcdef.h5")
        let names = ["../up", "a/b", ".hidden", "tab\there", "é ∑", "a%2Fb", "a/b"].map {
            ResultShards.name(id: $0, configHash: "abc")
        }
        for name in names {
            #expect(!name.contains("/") && !name.hasPrefix("."), "\(name)")
            #expect(!name.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(name)")
        }
        #expect(names[0] == "%2E.%2Fup@abc.h5")
        #expect(Set(names.dropLast()).count == names.count - 1)
        #expect(ResultShards.name(id: "a", configHash: "abc") != ResultShards.name(id: "a", configHash: "abd"))
        #expect(ResultShards.name(id: String(repeating: "x", count: 1000), configHash: "abc").utf8.count < 200)
    }

    /// Each run is one sealed file of its own; the experiment's file is assembled from them.
    @Test func eachRunIsOneShard() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp"))
        let a = Fixtures.run(id: "a,seed=0")
        let b = Fixtures.run(id: "b,seed=1", seed: 1)
        try store.record(a)
        try store.record(b)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("exp.d").path).sorted()
        #expect(names == ["a,seed=0@hashs210240.h5", "b,seed=1@hashs210241.h5"])
        for name in names {
            #expect(try ResultChecksum.verify(dir.appendingPathComponent("exp.d/\(name)")) == .sealed)
        }
        #expect(try ResultFile.read(url).runs == [a, b])
        // Assembling again changes nothing.
        let before = try Data(contentsOf: url)
        try store.assemble()
        #expect(try Data(contentsOf: url) == before)
    }

    /// A result file written before shards existed keeps its runs when it is next assembled.
    @Test func aFileWithoutShardsKeepsItsRuns() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        var running = Fixtures.run(id: "old-running", seed: 7, status: .running)
        running.configHash = "hash-running"
        let old = [Fixtures.run(id: "old"), running]
        try ResultFile(header: ResultHeader(experiment: "exp"), runs: old).write(url)
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp", spec: "new: 1"))
        #expect(store.isComplete(configHash: old[0].configHash))
        // Recording that complete run again is refused, although it has no shard.
        #expect(throws: UserError.self) { try store.record(old[0]) }
        let new = Fixtures.run(id: "new", seed: 1)
        try store.record(new)
        #expect(try ResultFile.read(url).runs == old + [new])
        // The running run finishes: its shard replaces it, in its place.
        var finished = running
        finished.status = .complete
        try store.record(finished)
        #expect(try ResultFile.read(url).runs == [old[0], finished, new])
    }

    /// The supersede rule holds across shards: a complete run of another content hash stays
    /// as `<id>@<hash prefix>`; a failed run is replaced by its retry.
    @Test func assemblyKeepsSupersededRunsAndReplacesFailedOnes() {
        var first = Fixtures.run(id: "r")
        first.configHash = "aaaaaaaaaaaaaaaa-first"
        var second = Fixtures.run(id: "r", perplexity: [1, 2, 3])
        second.configHash = "bbbbbbbbbbbbbbbb-second"
        let failed = Fixtures.run(id: "f", status: .failed)
        let retried = Fixtures.run(id: "f")
        let once = ResultAssembly.runs(previous: [], shards: [first, failed, second])
        var kept = first
        kept.id = "r@aaaaaaaaaaaa"
        #expect(once == [kept, failed, second])
        // Assembling what was assembled, with the retry's shard now complete, is stable.
        let twice = ResultAssembly.runs(previous: once, shards: [first, retried, second])
        #expect(twice == [kept, retried, second])
        #expect(ResultAssembly.runs(previous: twice, shards: [first, retried, second]) == twice)
    }

    /// A corrupted shard stops the assembly with an error naming it; its run is not dropped:
    /// the file keeps what it held, and `status` names the shard.
    @Test func aCorruptedShardIsNamedNotDropped() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("exp.h5")
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "exp"))
        let a = Fixtures.run(id: "a")
        try store.record(a)
        let shard = store.shards.url(of: a)
        var bytes = try Data(contentsOf: shard)
        bytes[bytes.count - 100] ^= 0xff
        try bytes.write(to: shard)
        do {
            try store.record(Fixtures.run(id: "b", seed: 1))
            Issue.record("a corrupted shard was assembled")
        } catch let error as UserError {
            #expect(error.message.contains(shard.path) && error.message.contains("corrupted"), "\(error)")
            #expect(error.hint?.contains("exp.d/") == true, "\(error)")
        }
        #expect(try ResultFile.read(url).runs == [a])
        let scan = store.shards.scan(experiment: "exp")
        #expect(scan.runs.map(\.id) == ["b"] && scan.problems.count == 1)
        let status = StatusReport.render(try ResultFile.read(url), shardProblems: scan.problems.map(\.description))
        #expect(status.contains("unreadable shards") && status.contains(shard.path), "\(status)")
        // A shard without a seal (plain HDF5) is refused too, before libhdf5 opens it.
        let plain = store.shards.directory.appendingPathComponent("c@0.h5")
        do {
            let root = try H5Group.create(plain)  // no user block: the layout before seals
            try ResultCodec.encode(ResultFile(header: ResultHeader(experiment: "exp"), runs: [Fixtures.run(id: "c", seed: 2)]), to: root)
        }
        #expect(store.shards.scan(experiment: "exp").problems.contains { $0.message.contains("\(plain.path): not sealed") })
        try FileManager.default.removeItem(at: plain)
        // Moved away, the file assembles again, keeping `a` as it was assembled.
        try FileManager.default.moveItem(at: shard, to: dir.appendingPathComponent("a.bad"))
        try store.assemble()
        #expect(try ResultFile.read(url).runs.map(\.id) == ["a", "b"])
    }

    /// `status` says who holds a running run's claim and how fresh it is, and flags a claim
    /// whose holder is gone.
    @Test func statusShowsClaimHolders() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var live = Fixtures.run(id: "live", status: .running)
        live.configHash = "hash-live"
        var dead = Fixtures.run(id: "dead", seed: 1, status: .running)
        dead.configHash = "hash-dead"
        var unclaimed = Fixtures.run(id: "unclaimed", seed: 2, status: .running)
        unclaimed.configHash = "hash-unclaimed"
        guard case .acquired(let claim) = try Claim.acquire(Claim.url("run", live.configHash, in: dir)) else {
            Issue.record("a free claim was not acquired")
            return
        }
        defer { claim.release() }
        // A claim left by a process that has exited.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        try "host \(Claim.hostName)\npid \(exited.processIdentifier)\ntoken t\nsince 2025-01-01T00:00:00Z\n"
            .write(to: Claim.url("run", dead.configHash, in: dir), atomically: true, encoding: .utf8)

        let file = ResultFile(header: ResultHeader(experiment: "exp"), runs: [live, dead, unclaimed])
        let status = StatusReport.render(file, directory: dir, unassembled: ["live"])
        #expect(status.contains("running (shard, not assembled yet)"), "\(status)")
        let lines = status.split(separator: "\n").map(String.init)
        let liveLine = try #require(lines.first { $0.hasPrefix("  live ") }, "\(status)")
        #expect(liveLine.contains("pid \(getpid()) on \(Claim.hostName)") && liveLine.contains("heartbeat 0 s ago")
                && !liveLine.contains("STALE"), "\(liveLine)")
        let deadLine = try #require(lines.first { $0.hasPrefix("  dead ") }, "\(status)")
        #expect(deadLine.contains("pid \(exited.processIdentifier)") && deadLine.contains("STALE (that process is gone)"), "\(deadLine)")
        let unclaimedLine = try #require(lines.first { $0.hasPrefix("  unclaimed ") }, "\(status)")
        #expect(unclaimedLine.contains("no claim"), "\(unclaimedLine)")
    }
}
