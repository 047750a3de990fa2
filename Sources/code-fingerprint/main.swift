import Foundation
import Support

// Build tool of `CodeFingerprintPlugin`:
//   code-fingerprint OUTPUT.swift ROOT [--dependency "IDENTITY REVISION"]... -- FILE...
// writes a Swift source declaring the fingerprint of FILE... (relative to ROOT) and the
// dependencies (`CodeFingerprint.of`). The output is rewritten only when it changes.
var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let separator = arguments.firstIndex(of: "--") else {
    FileHandle.standardError.write(Data("usage: code-fingerprint OUTPUT ROOT [--dependency LINE]... -- FILE...\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: arguments[0])
let root = URL(fileURLWithPath: arguments[1])
let files = Array(arguments[(separator + 1)...])
var dependencies: [String] = []
var index = 2
while index < separator {
    guard arguments[index] == "--dependency", index + 1 < separator else {
        FileHandle.standardError.write(Data("code-fingerprint: unexpected argument '\(arguments[index])'\n".utf8))
        exit(2)
    }
    dependencies.append(arguments[index + 1])
    index += 2
}
do {
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
