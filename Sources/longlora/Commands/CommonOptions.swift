import ArgumentParser
import Kernels
import Model

/// Options shared by every subcommand that computes.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the parallel loops and the split matrix products (a given count repeats bit for bit).")
    var threads: Int = 2

    func apply() { Parallel.configure(threads: threads) }
}

/// Options shared by subcommands that report progress.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print only results and errors.")
    var quiet = false
}

/// `--attention NAME`: parsed against the attention registry, so the help lists every
/// registered pattern and an unknown name is a usage error.
extension AttentionKind: ExpressibleByArgument {}
