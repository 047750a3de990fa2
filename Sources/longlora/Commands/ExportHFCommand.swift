import ArgumentParser
import Support

struct ExportHFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-hf",
        abstract: "Write a merged Hugging Face LLaMA directory (plus PEFT adapter files).")

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    func run() throws { throw UserError.notImplemented("export-hf") }
}
