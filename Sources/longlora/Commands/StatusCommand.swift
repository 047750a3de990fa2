import ArgumentParser
import CodeIdentity
import Foundation
import Reports
import Results
import Support

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which runs of a result file (and of its shards not yet assembled) are done, running, failed or stale, who runs them, and their checkpoints.")

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    func run() throws {
        let url = URL(fileURLWithPath: results)
        let file = try ResultFile.read(url)
        // The file as the next assembly would make it: runs whose shards say more than it does.
        let scan = ResultShards(of: url).scan(experiment: file.header.experiment)
        let view = ResultFile(header: file.header, runs: ResultAssembly.runs(previous: file.runs, shards: scan.runs))
        let unassembled = Set(view.runs.filter { !file.runs.contains($0) }.map(\.id))
        print(StatusReport.render(view, directory: url.deletingLastPathComponent(), binaryCode: CodeIdentity.fingerprint,
                                  unassembled: unassembled, shardProblems: scan.problems.map(\.description)),
              terminator: "")
    }
}
