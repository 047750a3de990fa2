import Foundation
import Support

// Build tool of `CodeFingerprintPlugin`:
//   code-fingerprint OUTPUT.swift ROOT [--resolved Package.resolved] -- FILE...
// writes a Swift source declaring `CodeFingerprint.of` FILE... (relative to ROOT) and the
// pins of Package.resolved. The output is rewritten only when it changes.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3, let separator = arguments.firstIndex(of: "--"),
      separator == 2 || (separator == 4 && arguments[2] == "--resolved") else {
    FileHandle.standardError.write(Data("usage: code-fingerprint OUTPUT ROOT [--resolved Package.resolved] -- FILE...\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: arguments[0])
let root = URL(fileURLWithPath: arguments[1])
let files = Array(arguments[(separator + 1)...])
do {
    let dependencies = separator == 4 ? try CodeFingerprint.dependencies(resolvedFile: URL(fileURLWithPath: arguments[3])) : []
    let fingerprint = try CodeFingerprint.of(root: root, files: files, dependencies: dependencies)
    let source = """
        // Generated on every build by CodeFingerprintPlugin from \(files.count) files and \
        \(dependencies.count) dependencies; do not edit.
        let generatedCodeFingerprint = "\(fingerprint)"

        """
    if (try? String(contentsOf: output, encoding: .utf8)) != source {
        try source.write(to: output, atomically: true, encoding: .utf8)
    }
} catch {
    FileHandle.standardError.write(Data("code-fingerprint: \(error)\n".utf8))
    exit(1)
}
