import Foundation
import Support
import Testing
@testable import Experiments

/// `--only` and `--shard`, and the Slurm job array's scripts.
@Suite struct RunSelectionTests {
    static let spec = """
        experiment: pick
        model: {preset: micro}
        analytic: {only: true}
        grid: {finetune.attention: [full, short, s2]}
        seeds: [0, 1]
        """

    func runs() throws -> [PlannedRun] {
        try Sweep.expand(try SpecParser.parse(Self.spec, file: "pick.yaml"))
    }

    @Test func shardsPartitionTheSweep() throws {
        let runs = try runs()
        #expect(runs.count == 6)
        var seen: [String] = []
        for index in 0..<4 {
            seen += try RunSelection(shard: try .init("\(index)/4")).apply(runs).map(\.id)
        }
        #expect(seen.sorted() == runs.map(\.id).sorted())
        #expect(try RunSelection(shard: try .init("1/4")).apply(runs).map(\.id) == [runs[1].id, runs[5].id])
        for bad in ["4/4", "-1/2", "1", "a/b", "0/0"] {
            #expect(throws: UserError.self) { try RunSelection.Shard(bad) }
        }
    }

    @Test func onlyNamesRunsAndAnUnknownIdSuggestsOne() throws {
        let runs = try runs()
        #expect(try RunSelection(only: ["attention=s2,seed=1"]).apply(runs).map(\.id) == ["attention=s2,seed=1"])
        do {
            _ = try RunSelection(only: ["attention=s2,seed=3"]).apply(runs)
            Issue.record("an unknown id was accepted")
        } catch let error as UserError {
            #expect(error.message == "--only 'attention=s2,seed=3': no run of the sweep has this id (did you mean 'attention=s2,seed=0'?)")
        }
    }

    @Test func theArrayScriptRunsOneRunPerTask() throws {
        let array = SlurmJobArray(experiment: "pick", runs: ["a=1,seed=0", "it's"], runArguments: ["pick.yaml", "--set", "seeds=[0]"],
                                  binary: "/opt/longlora", workingDirectory: "/home/me/bench", resultsDirectory: "results",
                                  plotsDirectory: "plots", options: .init(partition: "cpu", time: "1:00:00", cpusPerTask: 4))
        let script = array.arrayScript
        for line in ["#SBATCH --array=0-1", "#SBATCH --cpus-per-task=4", "#SBATCH --partition=cpu", "#SBATCH --time=1:00:00",
                     "#SBATCH --chdir=/home/me/bench", "#SBATCH --output=results/pick.slurm/%A_%a.out",
                     "  'a=1,seed=0'", #"  'it'\''s'"#,
                     #"exec '/opt/longlora' 'run' 'pick.yaml' '--set' 'seeds=[0]' --only "${runs[$SLURM_ARRAY_TASK_ID]}" --threads 4 --no-plots"#] {
            #expect(script.split(separator: "\n").contains(Substring(line)), "missing \(line) in\n\(script)")
        }
        // The script is valid bash, and task 1 runs the second run, its quote intact.
        let printed = Shell.run(["env", "SLURM_ARRAY_TASK_ID=1", "bash", "-c",
                                 script.replacingOccurrences(of: "exec ", with: "printf '%s\\n' ")])
        let words = String(decoding: printed?.stdout ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(words == ["/opt/longlora", "run", "pick.yaml", "--set", "seeds=[0]", "--only", "it's", "--threads", "4", "--no-plots"])
        #expect(array.finishScript.contains("'/opt/longlora' table 'results/pick.h5' --out 'results/pick.md'"))
    }
}
