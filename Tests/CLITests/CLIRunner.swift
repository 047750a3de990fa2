import Foundation
import Support

/// Runs the `longlora` executable that `swift test` builds beside the test bundle.
enum CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        // The test bundle (.xctest) sits in the same products folder as `longlora`.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("longlora")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles {
            let candidate = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("longlora")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        fatalError("longlora executable not found near \(CommandLine.arguments[0])")
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Output {
        guard let result = Shell.run([binary.path] + arguments, in: directory) else {
            throw CocoaError(.executableLoad)
        }
        return Output(status: result.status,
                      stdout: String(decoding: result.stdout, as: UTF8.self),
                      stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}
