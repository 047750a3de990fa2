import Foundation
import Results
import Support
import Testing

/// `longlora run SPEC --slurm` against a real Slurm (slurmctld, slurmd and munged on this
/// machine, started by scripts/slurm-local.sh): the regression sweep as a job array gives the
/// committed baseline's metrics, each run done by exactly one task, and the finishing job
/// writes the tables. Skipped only where Slurm's `sbatch` is not installed (CI installs it).
@Suite(.serialized) struct SlurmArrayTests {
    static let spec = ReleaseBuild.repository.appendingPathComponent("experiments/regression-micro.yaml")
    static let baseline = ReleaseBuild.repository.appendingPathComponent("results/baselines/regression-micro.h5")
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)")

    @Test func dryRunPrintsTheScripts() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLI.run(["run", Self.spec.path, "--slurm", "--dry-run", "--partition", "cpu", "--cpus-per-task", "1"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["# results/regression-micro.slurm/array.sbatch", "#SBATCH --array=0-5", "#SBATCH --partition=cpu",
                     "  'base-pi,seed=0'", "  's2-full-ft,seed=0'",
                     "# results/regression-micro.slurm/finish.sbatch (submitted with --dependency=afterany:<array job>)"] {
            #expect(result.stdout.split(separator: "\n").contains(Substring(line)), "missing \(line) in\n\(result.stdout)")
        }
        // The finishing job assembles the result file from the tasks' shards before its status.
        let lines = result.stdout.split(separator: "\n")
        let assemble = lines.firstIndex { $0.hasSuffix("' assemble 'results/regression-micro.h5'") }
        let status = lines.firstIndex { $0.hasSuffix("' status 'results/regression-micro.h5'") }
        #expect(assemble != nil && status != nil && assemble! < status!, "\(result.stdout)")
        // Nothing written or submitted.
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("results").path))
    }

    @Test(.enabled(if: Shell.has("sbatch"), "Slurm's sbatch is not installed (apt-get install slurm-wlm munge, or bash scripts/slurm-local.sh)"))
    func theRegressionSweepAsAJobArray() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let setup = Shell.run(["bash", ReleaseBuild.repository.appendingPathComponent("scripts/slurm-local.sh").path])
        try #require(setup?.status == 0, "scripts/slurm-local.sh: \(String(decoding: (setup?.stdout ?? Data()) + (setup?.stderr ?? Data()), as: UTF8.self))")

        let binary = try ReleaseBuild.clean()
        let data = Shell.run([binary.path, "data", "build", "--corpus", "pg19-mini", "--data-dir", "data", "--quiet"], in: root)
        try #require(data?.status == 0)
        let submitted = Shell.run([binary.path, "run", Self.spec.path, "--slurm", "--cpus-per-task", "1"], in: root)
        let out = String(decoding: submitted?.stdout ?? Data(), as: UTF8.self)
        try #require(submitted?.status == 0, "\(out)\(String(decoding: submitted?.stderr ?? Data(), as: UTF8.self))")
        // `regression-micro: submitted job array 12 (6 tasks, ...) and job 13 (...)`
        let words = out.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let arrayJob = try #require(words.firstIndex(of: "array").map { String(words[$0 + 1]) })
        let finishJob = try #require(words.indices.dropLast(2).first { words[$0] == "and" && words[$0 + 1] == "job" }
            .map { String(words[$0 + 2]) })
        #expect(out.contains("(6 tasks, one per pending run)"), "\(out)")

        // Until both jobs have left the queue (10 min at most; the sweep takes about a minute here).
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            let queued = try #require(Shell.output(["squeue", "-h", "-j", "\(arrayJob),\(finishJob)", "-o", "%i"]), "squeue failed")
            if queued.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            Thread.sleep(forTimeInterval: 2)
        }
        let logs = root.appendingPathComponent("results/regression-micro.slurm")
        let names = try FileManager.default.contentsOfDirectory(atPath: logs.path)
        let taskLogs = try names.filter { $0.hasPrefix("\(arrayJob)_") && $0.hasSuffix(".out") }
            .map { try String(contentsOf: logs.appendingPathComponent($0), encoding: .utf8) }
        #expect(taskLogs.count == 6, "\(names)")
        // Each task completed its own run; no run ran twice, the base was pretrained once.
        let completed = taskLogs.map { log in
            log.split(separator: "\n").first { $0.hasPrefix("regression-micro: ") && $0.contains(" completed") }
                .flatMap { Int($0.split(separator: " ")[1]) } ?? -1
        }
        #expect(completed == [1, 1, 1, 1, 1, 1], "\(taskLogs.joined(separator: "\n----\n"))")
        let pretrainings = taskLogs.map { $0.components(separatedBy: "pretraining base model").count - 1 }.reduce(0, +)
        #expect(pretrainings == 1, "\(taskLogs.joined(separator: "\n----\n"))")

        let results = root.appendingPathComponent("results/regression-micro.h5")
        let file = try ResultFile.read(results)
        #expect(file.runs.count == 6 && file.runs.allSatisfy { $0.status == .complete }, "\(file.runs.map { "\($0.id) \($0.status)" })")
        // Peak RSS is each process's high-water mark: a task that only evaluates a shared
        // checkpoint (s2-strided) peaks lower than after the fine-tune in a serial sweep (-13%
        // measured). Every other metric is held to the check's defaults.
        let check = try CLI.run(["check", results.path, "--baseline", Self.baseline.path,
                                 "--tolerance", "resources/peak_rss_bytes=0.25"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(" in 6 runs compared; 0 regression(s)"), "\(check.stdout)")
        // The finishing job drew the tables.
        let table = try String(contentsOf: root.appendingPathComponent("results/regression-micro.md"), encoding: .utf8)
        #expect(table.contains("| s2"), "\(table)")
    }
}
