import ArgumentParser
import Support

struct FlopsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flops",
        abstract: "Analytic FLOPs per component for a model and context lengths.")

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    func run() throws { throw UserError.notImplemented("flops") }
}
