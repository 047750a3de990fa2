import ArgumentParser
import Foundation
import Results
import Support

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which runs of a result file are done, running or failed.")

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    func run() throws {
        let file = try ResultFile.read(URL(fileURLWithPath: results))
        print(StatusReport.render(file), terminator: "")
    }
}
