import Foundation
import Support
import Testing

/// Claims: one holder at a time, stale claims (a dead process here, or no heartbeat from
/// elsewhere) taken over with a message, a live holder's claim never taken.
@Suite struct ClaimTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("claims-\(UUID().uuidString)")

    /// The pid of a process that has exited (and been reaped).
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func write(host: String, pid: Int32, to url: URL, age: TimeInterval = 0) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "host \(host)\npid \(pid)\ntoken someone-else\nsince 2026-01-01T00:00:00Z\n".write(to: url, atomically: true, encoding: .utf8)
        if age > 0 {
            let then = Date().addingTimeInterval(-age)
            try FileManager.default.setAttributes([.modificationDate: then], ofItemAtPath: url.path)
        }
    }

    @Test func oneHolderAtATimeAndReleaseFreesIt() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("run-a")
        guard case .acquired(let first) = try Claim.acquire(url) else { Issue.record("a free claim was not acquired"); return }
        #expect(try String(contentsOf: url, encoding: .utf8).contains("pid \(getpid())\n"))
        guard case .held(let holder) = try Claim.acquire(url) else { Issue.record("a held claim was acquired twice"); return }
        #expect(holder == first.holder)
        first.release()
        #expect(!FileManager.default.fileExists(atPath: url.path))
        guard case .acquired(let second) = try Claim.acquire(url) else { Issue.record("a released claim was not free"); return }
        second.release()
    }

    @Test func aDeadHoldersClaimIsTakenOverWithAMessage() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("base-b")
        let dead = try Self.deadPID()
        try write(host: Claim.hostName, pid: dead, to: url)
        var notes: [String] = []
        guard case .acquired(let claim) = try Claim.acquire(url, note: { notes.append($0) }) else {
            Issue.record("the claim of a dead process was not taken over")
            return
        }
        defer { claim.release() }
        #expect(notes == ["base-b: taking over the claim of pid \(dead) on \(Claim.hostName) since 2026-01-01T00:00:00Z (that process is gone)"])
        #expect(try String(contentsOf: url, encoding: .utf8).contains("pid \(getpid())\n"))
    }

    @Test func anotherHostsClaimCountsUntilItsHeartbeatStops() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("run-c")
        // A live-looking claim of another machine (its pid means nothing here): held.
        try write(host: "node-17", pid: 1, to: url)
        guard case .held(let holder) = try Claim.acquire(url) else { Issue.record("a fresh claim of another host was taken"); return }
        #expect(holder.host == "node-17")
        // The same claim without a heartbeat for longer than `staleAfter`: taken over.
        try write(host: "node-17", pid: 1, to: url, age: Claim.staleAfter + 60)
        var notes: [String] = []
        guard case .acquired(let claim) = try Claim.acquire(url, note: { notes.append($0) }) else {
            Issue.record("a claim without heartbeat was not taken over")
            return
        }
        claim.release()
        #expect(notes.count == 1 && notes[0].contains("no heartbeat for"), "\(notes)")
    }

    @Test func aLiveProcessOnThisHostKeepsItsClaim() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("run-d")
        // The test runner's parent is alive: its claim holds...
        try write(host: Claim.hostName, pid: getppid(), to: url)
        guard case .held = try Claim.acquire(url) else { Issue.record("a live process's claim was taken"); return }
        // ...and a claim is released only by its own holder.
        guard case .held = try Claim.acquire(url) else { Issue.record("claim vanished"); return }
        #expect(FileManager.default.fileExists(atPath: url.path))
    }

    @Test func withClaimWaitsForTheHolder() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("lock")
        guard case .acquired(let held) = try Claim.acquire(url) else { Issue.record("not acquired"); return }
        let order = Recorder()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            order.append("released")
            held.release()
        }
        var waitedFor: Claim.Holder?
        try Claim.withClaim(url, waiting: { waitedFor = $0 }) { order.append("body") }
        #expect(order.items == ["released", "body"])
        #expect(waitedFor == held.holder)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func append(_ item: String) { lock.lock(); list.append(item); lock.unlock() }
        var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }
}
