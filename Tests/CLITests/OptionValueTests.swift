import Foundation
import Testing

/// Options whose values are enums: an unknown value is a usage error (exit 2) that names
/// the option and every allowed value, before any work is done, and --help lists the values.
@Suite struct OptionValueTests {
    static let flops = ["flops", "--model", "micro", "--context", "64"]
    static let estimate = ["estimate", "--model", "llama2-7b", "--method", "longlora", "--context", "8192"]

    /// (arguments ending in the bad value, the option, its allowed values)
    static let cases: [([String], String, [String])] = [
        (flops + ["--format", "xml"], "--format", ["md", "csv", "latex"]),
        (flops + ["--counting", "diagonal"], "--counting", ["whole-matrix", "causal"]),
        (flops + ["--pass", "backward"], "--pass", ["forward", "training"]),
        (flops + ["--method", "qlora"], "--method", ["full", "lora", "longlora"]),
        (["estimate", "--model", "llama2-7b", "--context", "8192", "--method", "qlora"], "--method",
         ["full", "lora", "longlora"]),
        (estimate + ["--format", "tsv"], "--format", ["md", "csv", "latex"]),
        (["estimate", "--paper-figure1", "--format", "tsv"], "--format", ["md", "csv", "latex"]),
        (["table", "x.h5", "--format", "html"], "--format", ["md", "csv", "latex"]),
        (["eval", "ckpt", "--data", "x.bin", "--length", "64", "--format", "json"], "--format", ["md", "csv", "latex"]),
        (["eval", "ckpt", "--data", "x.bin", "--length", "64", "--protocol", "sliding"], "--protocol", ["longlora", "strided"]),
        (["eval", "ckpt", "--data", "x.bin", "--length", "64", "--task", "mmlu"], "--task", ["perplexity", "passkey"]),
        (["export", "x.h5", "--format", "xlsx"], "--format", ["csv", "jsonl", "parquet"]),
        (["plot", "x.h5", "--format", "png,gif"], "--format", ["png", "svg", "pdf"]),
        (["data", "build", "--tokenizer", "wordpiece"], "--tokenizer", ["byte", "bpe"]),
        (["data", "build", "--corpus", "x", "--from", "x", "--format", "csv"], "--format", ["pg19", "proof-pile", "text"]),
    ]

    @Test(arguments: cases)
    func unknownValueExitsTwoNamingOptionAndValues(arguments: [String], option: String, values: [String]) throws {
        let out = try CLI.run(arguments)
        #expect(out.status == 2, "\(arguments): \(out.stderr)")
        let bad = arguments.last!
        #expect(out.stderr.contains("'\(bad)'") && out.stderr.contains(option), "\(out.stderr)")
        for value in values { #expect(out.stderr.contains("'\(value)'"), "\(out.stderr) lacks \(value)") }
        #expect(out.stdout.isEmpty)
    }

    @Test func helpListsTheValues() throws {
        /// Help text with its line wrapping undone.
        func help(_ command: String) throws -> String {
            let out = try CLI.run([command, "--help"])
            #expect(out.status == 0)
            return out.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let flops = try help("flops")
        for values in ["whole-matrix, causal", "forward, training", "full, lora, longlora", "md, csv, latex"] {
            #expect(flops.contains("(values: \(values);"), "flops --help lacks \(values)")
        }
        #expect(try help("estimate").contains("(values: full, lora, longlora)"))
        #expect(try help("eval").contains("(values: longlora, strided;"))
    }
}
