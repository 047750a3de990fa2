import ArgumentParser
import CodeIdentity
import Foundation
import Kernels
import Results
import Support

/// The `longlora` command line: one subcommand per stage of the harness.
/// Each subcommand lives in Commands/<Name>Command.swift.
@main
struct LongLoRA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "longlora",
        abstract: "Benchmark harness for LongLoRA: long-context fine-tuning with S2-Attn and LoRA+.",
        // The code fingerprint in every run's content hash (sources, Package.swift, dependencies).
        version: "code \(CodeIdentity.fingerprint)",
        subcommands: [
            DataCommand.self, RunCommand.self, AssembleCommand.self, StatusCommand.self, TableCommand.self,
            PlotCommand.self, CheckCommand.self, EvalCommand.self, FlopsCommand.self,
            EstimateCommand.self, ExportHFCommand.self, ExportCommand.self, BenchCommand.self,
            FixtureResultsCommand.self, TrapCommand.self, ReadResultCommand.self,
        ])

    /// /proc/cpuinfo flags of the instructions the Model module was compiled to use
    /// (Package.swift: `-target-cpu haswell` on x86-64 unless LONGLORA_PORTABLE=1). This
    /// target is compiled without them, so the check itself runs on any x86-64.
    #if LONGLORA_HASWELL_ISA
    static let requiredCPUFlags = ["sse4_2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm"]
    #else
    static let requiredCPUFlags: [String] = []
    #endif

    /// Where OpenBLAS did not recognise this CPU and fell back to pre-AVX2 kernels
    /// (`BLASCore`), runs this program again with `OPENBLAS_CORETYPE` set: the library
    /// chooses its kernels when it loads, before `main`. If the restart fails, carries on
    /// with the slow kernels after saying so.
    static func restartWithBLASKernelsForThisCPU(flags: Set<String>?) {
        let environment = ProcessInfo.processInfo.environment
        guard let core = BLASCore.replacement(for: BLASCore.name, flags: flags, environment: environment) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        FileHandle.standardError.write(Data("warning: OpenBLAS chose \(BLASCore.name) kernels for this CPU and restarting with OPENBLAS_CORETYPE=\(core) failed (\(String(cString: strerror(errno)))); matrix products will be several times slower\n".utf8))
    }

    /// Maps a `UserError` to one line on stderr and its exit code; everything else
    /// goes through ArgumentParser's own reporting.
    static func main() {
        // /proc/cpuinfo, read once: OpenBLAS's kernels and this build's ISA check both need it.
        let cpuFlags = CPUFeatures.current()
        restartWithBLASKernelsForThisCPU(flags: cpuFlags)
        TrapExit.install()
        UnsealedResultCheck.isolatedRead = { try ReadResultCommand.isolatedRead($0, into: $1) }
        do {
            if let error = CPUFeatures.check(required: requiredCPUFlags, flags: cpuFlags) { throw error }
            var command = try parseAsRoot()
            try command.run()
        } catch let error as UserError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            // Usage errors (a mistyped option, a missing argument) exit 2 like every
            // other input error, so scripts can tell them from a regression (exit 1).
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
