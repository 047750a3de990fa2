import Foundation
import Support

/// Release builds of `longlora` for the regression sweep tests. The debug binary beside
/// the test bundle runs the sweep about 100x slower than a release build (11 min against
/// 6 s on 2 cores: the attention kernel and optimizer loops are Swift, unoptimised in
/// debug), so these tests run release builds:
/// - `clean`: `.build/release/longlora`, which `scripts/setup.sh` builds before CI's
///   `swift test`, when its code fingerprint (`--version`) is the one of the current
///   sources; otherwise (sources edited since) a release build of them in `.build-regression/`;
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
        if let built = fingerprint(of: binary), built == (try sourceFingerprint()) { return binary }
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

    /// The code fingerprint a `longlora` binary was built with, if it runs.
    static func fingerprint(of binary: URL) -> String? {
        guard FileManager.default.isExecutableFile(atPath: binary.path),
              let result = Shell.run([binary.path, "--version"]), result.status == 0 else { return nil }
        let text = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.hasPrefix("code ") ? String(text.dropFirst(5)) : nil
    }

    /// The code fingerprint of the repository's sources as they are now.
    static func sourceFingerprint() throws -> String {
        try CodeFingerprint.of(
            root: repository, files: CodeFingerprint.inputFiles(root: repository),
            dependencies: CodeFingerprint.dependencies(resolvedFile: repository.appendingPathComponent("Package.resolved")))
    }
}
