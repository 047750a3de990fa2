import Testing
import Foundation

/// The command-line contract of the README: every subcommand is listed from the start.
@Suite struct CommandSurfaceTests {
    static let subcommands = ["data", "run", "status", "table", "plot", "check", "eval",
                              "flops", "estimate", "export-hf", "bench"]

    @Test func helpListsEverySubcommand() throws {
        let out = try CLI.run(["--help"])
        #expect(out.status == 0)
        for name in Self.subcommands {
            #expect(out.stdout.contains("  \(name)"), "--help does not list \(name)")
        }
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let out = try CLI.run(["frobnicate"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("frobnicate"))
    }
}

/// Usage errors share exit code 2 with input errors (the `check` contract: 1 is reserved for regressions).
@Suite struct UsageErrorTests {
    @Test func mistypedOptionExitsTwo() throws {
        let out = try CLI.run(["flops", "--model", "llama2-7b", "--context", "8192", "--modle", "x"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("--modle"))
    }
}
