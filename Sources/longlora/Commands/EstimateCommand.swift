import ArgumentParser
import Support

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Projected memory and GPU hours of a fine-tuning recipe on named accelerators.")

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    func run() throws { throw UserError.notImplemented("estimate") }
}
