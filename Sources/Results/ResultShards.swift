import Foundation
import Support

/// The per-run shards of an experiment: `results/<experiment>.d/`, one sealed result file
/// per run (its header names the experiment; it holds that one run), written by the runner
/// that holds the run's claim and by no other process.
///
/// A runner writes a run's shard when the run starts (`running`) and again when it ends
/// (`complete` or `failed`), each time atomically (temporary name, rename), without any
/// lock: no two processes write one shard, because a shard is named after its run and
/// content hash and the run's claim admits one runner. The experiment's `<experiment>.h5`
/// is assembled from the shards (`ResultStore.assemble`); readers keep reading that file.
public struct ResultShards {
    /// `results/<experiment>.d/`.
    public let directory: URL

    /// The shard folder of the result file at `url` (`x.h5` -> `x.d/`).
    public init(of url: URL) {
        directory = url.deletingPathExtension().appendingPathExtension("d")
    }

    /// Characters of a run id kept as they are in a shard name; any other byte is `%XX`.
    static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,=+".utf8)
    /// Hex digits of the content hash in a shard name (64 bits: a collision is never met).
    static let hashLength = 16
    /// Bytes of the escaped id kept in a name; with the hash, names stay far below 255 bytes.
    static let idLength = 160

    /// `<run id, escaped>@<first 16 of the content hash>.h5`: a plain file name (no `/`, no
    /// leading `.`, no control characters) whatever the id holds.
    public static func name(id: String, configHash: String) -> String {
        var escaped = ""
        for (index, byte) in id.utf8.enumerated() {
            if plain.contains(byte), !(index == 0 && byte == UInt8(ascii: ".")) {
                escaped.append(Character(UnicodeScalar(byte)))
            } else {
                escaped += String(format: "%%%02X", byte)
            }
        }
        return "\(escaped.prefix(idLength))@\(hashPart(configHash)).h5"
    }

    /// The part of a content hash a shard's name keeps: its first 16 letters and digits.
    /// `name` and `scan(hash:)` must agree on it, or a resume misses a complete shard.
    static func hashPart(_ configHash: String) -> Substring {
        Substring(configHash.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }).prefix(hashLength)
    }

    public func url(of run: RunRecord) -> URL {
        directory.appendingPathComponent(Self.name(id: run.id, configHash: run.configHash))
    }

    /// Writes `run` as its shard, sealed and atomically. Refuses to replace a shard that holds
    /// the run complete: completed runs are never rewritten.
    public func write(_ run: RunRecord, experiment: String) throws {
        try run.validate()
        let url = url(of: run)
        if FileManager.default.fileExists(atPath: url.path), try Self.read(url, experiment: experiment).status == .complete {
            throw UserError("\(url.path): run '\(run.id)' is complete; completed runs are never rewritten")
        }
        try ResultFile(header: ResultHeader(experiment: experiment), runs: [run]).write(url)
    }

    /// Every shard's run, in the order the runs started (then by name); a shard that is
    /// corrupted, not a result file or of another experiment is a problem naming the file,
    /// never skipped in silence.
    public struct Scan {
        public var runs: [RunRecord] = []
        public var problems: [UserError] = []
    }

    /// Reads every shard (each verified against its seal before libhdf5 opens it). Names
    /// starting with `.` are writers' temporary files and are not shards.
    public func scan(experiment: String, hash: String? = nil) -> Scan {
        var scan = Scan()
        let suffix = hash.map { "@\(Self.hashPart($0)).h5" } ?? ".h5"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(suffix) }.sorted()
        for name in names {
            do {
                scan.runs.append(try Self.read(directory.appendingPathComponent(name), experiment: experiment))
            } catch let error as UserError {
                scan.problems.append(error)
            } catch {
                scan.problems.append(UserError("\(directory.appendingPathComponent(name).path): \(error)"))
            }
        }
        // Stable: runs that started in the same second keep their name order.
        scan.runs = scan.runs.enumerated().sorted { ($0.element.started, $0.offset) < ($1.element.started, $1.offset) }
            .map(\.element)
        return scan
    }

    /// The one run of the shard at `url`.
    static func read(_ url: URL, experiment: String) throws -> RunRecord {
        let hint = "move it out of \(url.deletingLastPathComponent().lastPathComponent)/ (the file keeps the run as last assembled; a run never assembled is done again by the next `longlora run`)"
        let file: ResultFile
        do {
            // Shards were sealed from the start: one without a seal did not come from a runner.
            guard try ResultChecksum.verify(url) == .sealed else {
                throw UserError("\(url.path): not sealed (every shard a runner writes carries a seal)")
            }
            file = try ResultFile.read(url)
        } catch let error as UserError {
            throw UserError("result shard \(error.message)", hint: hint)
        }
        guard file.header.experiment == experiment, file.runs.count == 1, let run = file.runs.first else {
            throw UserError("\(url.path): not a shard of experiment '\(experiment)' (it holds experiment "
                            + "'\(file.header.experiment)' with \(file.runs.count) runs, expected one)", hint: hint)
        }
        return run
    }

    /// Deletes temporary files of shard writers killed mid-write: their pid is dead here and
    /// they are older than any write takes (a writer on another host may share the pid).
    func removeOrphans() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let url = directory.appendingPathComponent(name)
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = pid_t(parts[parts.count - 3]),
                  kill(pid, 0) != 0 && errno == ESRCH,
                  let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  Date().timeIntervalSince(modified) > 600 else { continue }
            try? FileManager.default.removeItem(at: url)
        }
    }
}
