import Foundation
import Support

/// Release builds of `longlora` for the regression sweep tests. The debug binary beside
/// the test bundle runs the sweep about 100x slower than a release build (11 min against
/// 6 s on 2 cores: the attention kernel and optimizer loops are Swift, unoptimised in
/// debug), so these tests run release builds:
/// - `clean`: `.build/release/longlora`, which `scripts/setup.sh` builds before CI's
///   `swift test`, when it is newer than every source file; otherwise (sources edited
///   since) a release build of the current sources in `.build-regression/`;
/// - `build(path:defines:)`: a release build with compile-time conditions in its own
///   build path (e.g. the injected S2 bug in `.build-inject/`).
///
/// Separate build paths because `swift test` holds the lock of `.build/`. Builds run under
/// `nice` so that tests running beside them keep the CPU; SwiftPM reuses a build path's
/// products between runs and takes dependencies from its local cache (no network).
enum ReleaseBuild {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A release `longlora` built from the current sources.
    static func clean() throws -> URL {
        let binary = repository.appendingPathComponent(".build/release/longlora")
        if let built = modified(binary), built >= newestSource() { return binary }
        return try build(path: ".build-regression", defines: [])
    }

    /// Builds the `longlora` product in release mode into `repository/path` with `-D` for
    /// each of `defines`, and returns the binary.
    static func build(path: String, defines: [String]) throws -> URL {
        let buildPath = repository.appendingPathComponent(path)
        var arguments = ["nice", "-n", "19", "swift", "build", "-c", "release", "--product", "longlora",
                         "--build-path", buildPath.path]
        for define in defines { arguments += ["-Xswiftc", "-D\(define)"] }
        guard let result = Shell.run(arguments, in: repository) else {
            throw Failure(description: "cannot start `swift build`")
        }
        guard result.status == 0 else {
            let log = String(decoding: result.stdout + result.stderr, as: UTF8.self)
            throw Failure(description: "`\(arguments.joined(separator: " "))` failed:\n\(log.suffix(4000))")
        }
        return buildPath.appendingPathComponent("release/longlora")
    }

    static func modified(_ url: URL) -> Date? {
        (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
    }

    /// The latest modification time of Package.swift and every file under Sources/.
    static func newestSource() -> Date {
        var newest = modified(repository.appendingPathComponent("Package.swift")) ?? .distantFuture
        let sources = repository.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: [.contentModificationDateKey])
        while let file = files?.nextObject() as? URL {
            if let date = modified(file), date > newest { newest = date }
        }
        return newest
    }
}
