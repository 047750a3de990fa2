import Foundation
import Support

/// A sweep's pending runs as a Slurm job array: one array task per run, each running
/// `longlora run SPEC --only RUN_ID` (the runs' claims keep a run from running twice even if
/// tasks overlap or are requeued), and a job that starts when every task has ended
/// (`afterany`), assembles the result file from the tasks' shards and writes the status,
/// the tables (`results/<experiment>.md`) and the figures.
///
/// `longlora run SPEC --slurm` writes both scripts under `results/<experiment>.slurm/` (the
/// task logs go there too) and submits them with `sbatch`; `--dry-run` only prints them.
public struct SlurmJobArray: Equatable, Sendable {
    public struct Options: Equatable, Sendable {
        public var partition: String?
        public var time: String?
        public var cpusPerTask: Int

        public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 2) {
            self.partition = partition
            self.time = time
            self.cpusPerTask = cpusPerTask
        }
    }

    public var experiment: String
    /// The run ids, one array task each, in sweep order.
    public var runs: [String]
    /// `longlora run`'s arguments shared by every task (spec, overrides, folders), before `--only`.
    public var runArguments: [String]
    /// The absolute path of the `longlora` binary the tasks run.
    public var binary: String
    /// The tasks' working directory (the submitter's).
    public var workingDirectory: String
    public var resultsDirectory: String
    public var plotsDirectory: String
    public var options: Options

    public init(experiment: String, runs: [String], runArguments: [String], binary: String, workingDirectory: String,
                resultsDirectory: String, plotsDirectory: String, options: Options) {
        self.experiment = experiment
        self.runs = runs
        self.runArguments = runArguments
        self.binary = binary
        self.workingDirectory = workingDirectory
        self.resultsDirectory = resultsDirectory
        self.plotsDirectory = plotsDirectory
        self.options = options
    }

    /// `results/<experiment>.slurm/`, relative to the working directory.
    public var directory: String { "\(resultsDirectory)/\(experiment).slurm" }
    var resultFile: String { "\(resultsDirectory)/\(experiment).h5" }

    /// The array job: task i runs `runs[i]`.
    public var arrayScript: String {
        var lines = ["#!/bin/bash",
                     "# \(experiment): \(runs.count) run\(runs.count == 1 ? "" : "s") of `longlora run`, one Slurm array task each.",
                     "#SBATCH --job-name=longlora-\(experiment)",
                     "#SBATCH --array=0-\(runs.count - 1)",
                     "#SBATCH --cpus-per-task=\(options.cpusPerTask)"]
        lines += header(output: "%A_%a.out")
        lines += ["set -euo pipefail", "runs=("]
        lines += runs.map { "  \(Self.quote($0))" }
        lines += [")",
                  "exec " + ([binary, "run"] + runArguments).map(Self.quote).joined(separator: " ")
                    + " --only \"${runs[$SLURM_ARRAY_TASK_ID]}\" --threads \(options.cpusPerTask) --no-plots"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The job after the array: the result file assembled from the shards, its status,
    /// tables and figures.
    public var finishScript: String {
        var lines = ["#!/bin/bash",
                     "# \(experiment): after every array task has ended, the status, tables and figures.",
                     "#SBATCH --job-name=longlora-\(experiment)-finish",
                     "#SBATCH --cpus-per-task=1"]
        lines += header(output: "%j-finish.out")
        let longlora = Self.quote(binary)
        let file = Self.quote(resultFile)
        lines += ["set -euo pipefail",
                  // Each task assembled after its run; once more for a task killed in between.
                  "\(longlora) assemble \(file)",
                  "\(longlora) status \(file)",
                  "\(longlora) table \(file) --out \(Self.quote("\(resultsDirectory)/\(experiment).md"))",
                  "\(longlora) plot \(file) --format png,svg --out \(Self.quote(plotsDirectory))"]
        return lines.joined(separator: "\n") + "\n"
    }

    private func header(output: String) -> [String] {
        var lines: [String] = []
        if let partition = options.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = options.time { lines.append("#SBATCH --time=\(time)") }
        lines.append("#SBATCH --chdir=\(workingDirectory)")
        lines.append("#SBATCH --output=\(directory)/\(output)")
        return lines
    }

    /// What `submit` did: the two job ids.
    public struct Submission: Equatable, Sendable {
        public var arrayJob: String
        public var finishJob: String
    }

    /// Writes both scripts under `directory` and submits them: the array, then the finishing
    /// job with `--dependency=afterany:<array job>`. Throws a `UserError` if `sbatch` is
    /// missing or refuses a script (its message included).
    public func submit() throws -> Submission {
        guard Shell.has("sbatch") else {
            throw UserError("--slurm: sbatch is not on PATH (Slurm's client is needed to submit the job array)",
                            hint: "run on a Slurm login node, or try a one-machine Slurm: bash scripts/slurm-local.sh")
        }
        let folder = URL(fileURLWithPath: workingDirectory).appendingPathComponent(directory)
        let array = folder.appendingPathComponent("array.sbatch")
        let finish = folder.appendingPathComponent("finish.sbatch")
        try AtomicFile.write(arrayScript, to: array)
        try AtomicFile.write(finishScript, to: finish)
        let arrayJob = try Self.sbatch(["--parsable", array.path])
        let finishJob = try Self.sbatch(["--parsable", "--dependency=afterany:\(arrayJob)", finish.path])
        return Submission(arrayJob: arrayJob, finishJob: finishJob)
    }

    /// Runs `sbatch ARGUMENTS` and returns the job id it prints (`--parsable`: `id[;cluster]`).
    static func sbatch(_ arguments: [String]) throws -> String {
        guard let result = Shell.run(["sbatch"] + arguments) else { throw UserError("--slurm: cannot start sbatch") }
        let out = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let err = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, let id = out.split(separator: ";").first, !id.isEmpty else {
            throw UserError("--slurm: `sbatch \(arguments.joined(separator: " "))` failed (exit \(result.status)): \(err.isEmpty ? out : err)")
        }
        return String(id)
    }

    /// `text` as one single-quoted shell word.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
