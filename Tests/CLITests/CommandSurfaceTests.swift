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
