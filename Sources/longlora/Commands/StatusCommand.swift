import ArgumentParser
import CodeIdentity
import Foundation
import Results
import Support

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which runs of a result file are done, running, failed or stale, and their checkpoints.")

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    func run() throws {
        let url = URL(fileURLWithPath: results)
        let file = try ResultFile.read(url)
        print(StatusReport.render(file, directory: url.deletingLastPathComponent(), binaryCode: CodeIdentity.fingerprint),
              terminator: "")
    }
}
