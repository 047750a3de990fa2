import Foundation
import Support

/// File-system helpers shared by the corpus readers, with errors that name the path.
enum FileReading {
    static func bytes(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UserError("cannot read \(url.path): \(exists(url) ? "permission denied or not a file" : "no such file")")
        }
        return [UInt8](data)
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Regular, non-hidden files directly in `directory` (or below it when `recursive`),
    /// sorted by relative path so every reader sees the same order on every machine.
    static func files(in directory: URL, recursive: Bool = false,
                      where keep: (String) -> Bool = { _ in true }) throws -> [(relative: String, url: URL)] {
        let fm = FileManager.default
        let names: [String]
        do {
            names = recursive ? (fm.subpaths(atPath: directory.path) ?? [])
                              : try fm.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw UserError("cannot list \(directory.path): \(error.localizedDescription)")
        }
        return names.sorted()
            .filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } && keep($0) }
            .map { ($0, directory.appendingPathComponent($0)) }
            .filter { !isDirectory($0.1) }
    }
}
