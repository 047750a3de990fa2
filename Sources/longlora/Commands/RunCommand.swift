import ArgumentParser
import Experiments
import Foundation
import Support

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run or resume an experiment spec; writes results/NAME.h5.",
        discussion: "Every key of a spec is described in docs/spec-reference.md.")

    @Argument(help: "Experiment spec (YAML), e.g. experiments/quickstart.yaml.")
    var spec: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a spec key, e.g. --set finetune.attention=full (repeatable).", valueName: "key.path=value"))
    var overrides: [String] = []

    @Flag(help: "List the runs with their ids and hashes, then exit.")
    var dryRun = false

    @Option(help: "Folder of result files, the base-model cache and checkpoints.")
    var resultsDir = "results"

    @Option(help: "Folder of built corpora (data/<corpus>/manifest.json).")
    var dataDir = "data"

    @Flag(help: .hidden)
    var specReference = false

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if spec == nil, !specReference { throw ValidationError("Missing expected argument '<spec>'") }
    }

    func run() throws {
        if specReference {
            print(SpecReference.markdown(), terminator: "")
            return
        }
        let url = URL(fileURLWithPath: spec!)
        let experiment = try SpecParser.load(url, overrides: overrides)
        let runs = try Sweep.expand(experiment)
        let commit = Provenance.current().gitCommit
        let dataDirectory = URL(fileURLWithPath: dataDir)
        if dryRun {
            print("\(experiment.experiment): \(runs.count) run\(runs.count == 1 ? "" : "s") -> \(resultsDir)/\(experiment.experiment).h5")
            for run in runs {
                let version = CodeVersion.current(corpus: run.config.data.corpus, dataDirectory: dataDirectory, commit: commit)
                let unbuilt = version.dataManifest == "unbuilt" ? "  (corpus not built yet: hash will change)" : ""
                print("  \(run.id)  hash \(run.hash(version).prefix(12))  base \(run.baseHash(version).prefix(12))\(unbuilt)")
            }
            return
        }
        compute.apply()
        throw UserError("longlora run: the training and evaluation stages have not landed yet; use --dry-run to check a spec")
    }
}
