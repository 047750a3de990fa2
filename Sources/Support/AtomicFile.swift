import Foundation

/// Writes files so that a reader (or a crash) sees the old file or the new one,
/// never half of one: write to a temporary name in the same directory, then rename.
public enum AtomicFile {
    /// The temporary name used while `url` is being written: same folder, so the
    /// final rename never crosses a file system.
    public static func temporaryURL(for url: URL) -> URL {
        let name = ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp"
        return url.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Writes `data` to `url` atomically, creating the parent directory if needed.
    public static func write(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tmp = temporaryURL(for: url)
        do {
            try data.write(to: tmp)
            try commit(tmp, to: url)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    public static func write(_ string: String, to url: URL) throws {
        try write(Data(string.utf8), to: url)
    }

    /// Produces a file through `body(temporaryURL)` and renames it into place only
    /// if `body` returns normally. Used for writers that want a path (HDF5, gnuplot).
    public static func produce<T>(_ url: URL, _ body: (URL) throws -> T) throws -> T {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tmp = temporaryURL(for: url)
        do {
            let result = try body(tmp)
            try commit(tmp, to: url)
            return result
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    /// rename(2) replaces the destination atomically on POSIX file systems.
    public static func commit(_ tmp: URL, to url: URL) throws {
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw UserError("cannot rename \(tmp.path) to \(url.path): \(reason)")
        }
    }
}
