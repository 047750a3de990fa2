import Foundation
import PackagePlugin

/// Generates `CodeFingerprint.swift` into the target it is applied to (`CodeIdentity`):
/// the SHA-256 of every file under Sources/, Package.swift and the resolved revision of
/// every dependency (see `Support.CodeFingerprint`).
///
/// SwiftPM asks this plugin for its command on every build, so a file added or removed
/// changes the command's arguments (the file list) and an edited file is a changed input:
/// either way the command reruns. Dependency revisions come from the resolved package graph
/// (what Package.resolved pins), as arguments, so a re-resolution also reruns it.
@main
struct CodeFingerprintPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "CodeFingerprint.swift")
        let files = Self.inputFiles(root: root)
        var arguments = [output.path, root.path]
        for line in Self.dependencies(of: context.package) { arguments += ["--dependency", line] }
        arguments.append("--")
        arguments += files
        return [.buildCommand(
            displayName: "Fingerprinting \(files.count) source files",
            executable: try context.tool(named: "code-fingerprint").url,
            arguments: arguments,
            inputFiles: files.map { root.appending(path: $0) },
            outputFiles: [output])]
    }

    /// The same list as `Support.CodeFingerprint.inputFiles` (a plugin cannot import the
    /// package's modules): Package.swift and every regular, non-hidden file under Sources/.
    static func inputFiles(root: URL) -> [String] {
        var files = ["Package.swift"]
        let sources = root.appending(path: "Sources")
        for name in FileManager.default.subpaths(atPath: sources.path) ?? []
        where !name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            var isDirectory: ObjCBool = false
            let path = sources.appending(path: name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("Sources/" + name)
            }
        }
        return files.sorted()
    }

    /// `<identity> <revision>` of every package the build uses, direct or transitive.
    static func dependencies(of package: Package) -> [String] {
        var lines: [String: String] = [:]
        var pending = package.dependencies.map(\.package)
        while let next = pending.popLast() {
            guard lines[next.id] == nil else { continue }
            switch next.origin {
            case .repository(_, _, let revision): lines[next.id] = "\(next.id) \(revision)"
            case .registry(let identity, let version): lines[next.id] = "\(identity) \(version)"
            case .local(let path): lines[next.id] = "\(next.id) local:\(path)"
            case .root: continue
            @unknown default: lines[next.id] = "\(next.id) unknown"
            }
            pending += next.dependencies.map(\.package)
        }
        return lines.values.sorted()
    }
}
