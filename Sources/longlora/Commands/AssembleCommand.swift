import ArgumentParser
import Foundation
import Results
import Support

struct AssembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assemble",
        abstract: "Assemble a result file from its per-run shards (results/<experiment>.d/), atomically.",
        discussion: """
            `longlora run` does this after each run and at its end; the job that follows a Slurm \
            job array does it once more. Needed by hand only after copying shards in from elsewhere.
            """)

    @Argument(help: "A result file (results/<experiment>.h5); its shards are in results/<experiment>.d/.")
    var results: String

    func run() throws {
        let store = try ResultStore.open(URL(fileURLWithPath: results))
        try store.assemble()
        print("\(results): \(store.runs.count) run\(store.runs.count == 1 ? "" : "s") assembled from \(store.shards.directory.path)/")
    }
}
