import Foundation
import PackagePlugin

/// Generates `CodeFingerprint.swift` into the target it is applied to (`CodeIdentity`):
/// the SHA-256 of every file under Sources/, Package.swift and the resolved revision of
/// every dependency (see `Support.CodeFingerprint`).
///
/// Every input is an input file of the command, so an edit reruns it. SwiftPM asks the
/// plugin again whenever the package's files change, so an added or removed file changes
/// the command's arguments (the file list), which reruns it too. Dependency revisions come
/// from Package.resolved, which resolution writes before any build (it is git-ignored, so
/// a fresh clone gets the revisions it actually resolved); re-resolving rewrites it, which
/// reruns the command. (SwiftPM's plugin API reports no revision for a dependency, only
/// its version.)
@main
struct CodeFingerprintPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "CodeFingerprint.swift")
        let files = Self.inputFiles(root: root)
        let resolved = root.appending(path: "Package.resolved")
        let hasResolved = FileManager.default.fileExists(atPath: resolved.path)
        var arguments = [output.path, root.path]
        if hasResolved { arguments += ["--resolved", resolved.path] }
        arguments.append("--")
        arguments += files
        return [.buildCommand(
            displayName: "Fingerprinting \(files.count) source files",
            executable: try context.tool(named: "code-fingerprint").url,
            arguments: arguments,
            inputFiles: files.map { root.appending(path: $0) } + (hasResolved ? [resolved] : []),
            outputFiles: [output])]
    }

    /// `Support.CodeFingerprint.renderingTargets`, repeated: a plugin cannot import the
    /// package's modules (the binary's fingerprint test fails if the two lists disagree).
    static let renderingTargets = ["Reports"]

    /// The same list as `Support.CodeFingerprint.inputFiles`: Package.swift and every
    /// regular, non-hidden file under Sources/ outside the rendering targets.
    static func inputFiles(root: URL) -> [String] {
        var files = ["Package.swift"]
        let sources = root.appending(path: "Sources")
        for name in FileManager.default.subpaths(atPath: sources.path) ?? []
        where !name.split(separator: "/").contains(where: { $0.hasPrefix(".") })
            && !renderingTargets.contains(String(name.split(separator: "/").first ?? "")) {
            var isDirectory: ObjCBool = false
            let path = sources.appending(path: name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("Sources/" + name)
            }
        }
        return files.sorted()
    }
}
