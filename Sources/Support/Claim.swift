import Foundation

/// A claim on a piece of shared work (a run, a base model, a fine-tuning checkpoint, the
/// update of a result file) by one process among several on one machine or on machines
/// sharing a file system.
///
/// The claim is a small file created with `O_CREAT | O_EXCL`, which is atomic on local file
/// systems and on NFS v3 and later (unlike `flock`, which NFS may not honour). It holds the
/// holder's host, pid, a random token and its start time; while held, a background thread
/// touches it every `heartbeat` seconds. A claim is stale, and is taken over with a message,
/// when its holder is a dead process on this host, or when its heartbeat is older than
/// `staleAfter` (a holder on another host that died or lost the file system).
public final class Claim: @unchecked Sendable {
    /// Who holds a claim, as written in its file.
    public struct Holder: Equatable, Sendable, CustomStringConvertible {
        public var host: String
        public var pid: Int32
        public var token: String
        public var since: String

        public var description: String { "pid \(pid) on \(host) since \(since)" }

        /// The file's text: one `key value` line each.
        var text: String { "host \(host)\npid \(pid)\ntoken \(token)\nsince \(since)\n" }

        init(host: String, pid: Int32, token: String, since: String) {
            self.host = host
            self.pid = pid
            self.token = token
            self.since = since
        }

        init?(text: String) {
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            guard let host = fields["host"], let pid = fields["pid"].flatMap(Int32.init), let token = fields["token"] else { return nil }
            self.init(host: host, pid: pid, token: token, since: fields["since"] ?? "?")
        }
    }

    /// Seconds between the holder's touches of its claim file.
    public static let heartbeat: TimeInterval = 10
    /// A claim untouched for this long is stale, wherever its holder runs.
    public static let staleAfter: TimeInterval = 120

    public let url: URL
    public let holder: Holder
    private let timer: DispatchSourceTimer

    private init(url: URL, holder: Holder) {
        self.url = url
        self.holder = holder
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + Self.heartbeat, repeating: Self.heartbeat)
        let path = url.path
        timer.setEventHandler { _ = utimes(path, nil) }
        timer.resume()
    }

    deinit { release() }

    /// This host's name, as claims record it.
    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        return gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : "unknown-host"
    }()

    /// What `acquire` found.
    public enum Outcome {
        case acquired(Claim)
        /// A live process holds it.
        case held(by: Holder)
    }

    /// Takes the claim at `url` if it is free or stale. `note` is told when a stale claim is
    /// taken over. Throws a `UserError` if the claim file cannot be created (e.g. a read-only
    /// directory).
    public static func acquire(_ url: URL, note: (String) -> Void = { _ in }) throws -> Outcome {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let mine = Holder(host: hostName, pid: getpid(), token: UUID().uuidString, since: timestamp())
        // Bounded: each round either creates the file, finds a live holder, or removes a stale one.
        for _ in 0..<20 {
            let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let bytes = Array(mine.text.utf8)
                let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                fsync(fd)
                close(fd)
                guard written == bytes.count else {
                    unlink(url.path)
                    throw UserError("\(url.path): cannot write claim: \(String(cString: strerror(errno)))")
                }
                return .acquired(Claim(url: url, holder: mine))
            }
            guard errno == EEXIST else {
                throw UserError("\(url.path): cannot create claim: \(String(cString: strerror(errno)))")
            }
            guard let (other, age) = read(url) else { continue }  // removed meanwhile: try again
            guard let reason = staleness(of: other, age: age) else { return .held(by: other) }
            if takeOver(url, from: other) {
                note("\(url.lastPathComponent): taking over the claim of \(other) (\(reason))")
            }
        }
        throw UserError("\(url.path): cannot take the claim: it keeps changing hands")
    }

    /// Holds the claim at `url` while `body` runs, waiting while a live process holds it
    /// (polling from every 20 ms up to every second); `waiting` is told once whom it waits for.
    public static func withClaim<T>(_ url: URL, waiting: (Holder) -> Void = { _ in },
                                    note: (String) -> Void = { _ in }, _ body: () throws -> T) throws -> T {
        var told = false
        var poll: TimeInterval = 0.02
        while true {
            switch try acquire(url, note: note) {
            case .acquired(let claim):
                defer { claim.release() }
                return try body()
            case .held(let other):
                if !told { waiting(other); told = true }
                Thread.sleep(forTimeInterval: poll)
                poll = min(1, poll * 2)
            }
        }
    }

    /// Removes the claim file, if it is still this holder's.
    public func release() {
        timer.cancel()
        if let (current, _) = Self.read(url), current.token == holder.token { unlink(url.path) }
    }

    /// `<results>/claims/<kind>-<key>`: where runners sharing a results folder claim a piece
    /// of its work (`run-<content hash>`, `base-<hash>`, ...), and where `status` looks.
    public static func url(_ kind: String, _ key: String, in results: URL) -> URL {
        results.appendingPathComponent("claims").appendingPathComponent("\(kind)-\(key)")
    }

    /// Who holds the claim at `url` (for `status`), the seconds since its last heartbeat, and
    /// why it is stale (nil while it counts); nil if nobody holds it.
    public static func inspect(_ url: URL) -> (holder: Holder, age: TimeInterval, stale: String?)? {
        guard let (holder, age) = read(url) else { return nil }
        return (holder, age, staleness(of: holder, age: age))
    }

    /// The holder written in the claim file and the seconds since its last heartbeat;
    /// nil if the file is gone. A file being written (empty or partial) counts as fresh.
    static func read(_ url: URL) -> (Holder, TimeInterval)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let modified = attributes[.modificationDate] as? Date else { return nil }
        let age = Date().timeIntervalSince(modified)
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let holder = Holder(text: text) ?? Holder(host: "?", pid: 0, token: "unreadable:\(text.count)", since: "?")
        return (holder, age)
    }

    /// Why `holder`'s claim no longer counts, or nil if it does.
    static func staleness(of holder: Holder, age: TimeInterval) -> String? {
        if holder.host == hostName, holder.pid > 0, kill(holder.pid, 0) != 0, errno == ESRCH {
            return "that process is gone"
        }
        if age > staleAfter { return "no heartbeat for \(Int(age)) s" }
        return nil
    }

    /// Moves the stale claim of `other` aside (rename is atomic: of several processes taking
    /// over, one wins) and deletes it. If what was moved is not `other`'s claim (a new holder
    /// claimed in between), it is put back (`link` never overwrites) and nothing is taken.
    static func takeOver(_ url: URL, from other: Holder) -> Bool {
        let aside = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0 ... .max)).stale")
        guard rename(url.path, aside.path) == 0 else { return false }
        defer { unlink(aside.path) }
        if let (moved, _) = read(aside), moved.token != other.token {
            _ = link(aside.path, url.path)
            return false
        }
        return true
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}
