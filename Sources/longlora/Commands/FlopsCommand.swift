import ArgumentParser
import Metrics
import Model
import Support

struct FlopsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flops",
        abstract: "Analytic FLOPs per component for a model and context lengths.",
        discussion: "Values in TFLOPs per sequence. By default attention is counted over the whole n x n score matrix, the paper's convention; totals add the printed components, as the paper's table does.")

    @Option(help: ArgumentHelp(ModelChoice.help, valueName: "preset|path"))
    var model: String

    @Option(help: "Context lengths, comma separated (e.g. 8192,16384).")
    var context: String

    @Option(help: "Attention pattern.")
    var attention: AttentionKind = .full

    @Option(help: "Group size G as a fraction of the context (sparse patterns).")
    var groupRatio: Double = 0.25

    @Option(help: "Score matrix counted: the whole matrix (the paper) or the causal lower triangle.")
    var counting: AttentionCounting = .wholeMatrix

    @Option(help: "The forward pass, or a training step (forward + recomputation + backward).")
    var pass: FLOPsTable.Pass = .forward

    @Option(help: "Trainable parts for --pass training.")
    var method: FineTuneMethod = .full

    @Option(help: "Digits after the point (default: 1, more for small models).")
    var decimals: Int?

    @Option(help: "Output format.")
    var format: TableFormat = .md

    func run() throws {
        let choice = try ModelChoice.resolve(model)
        let config = choice.config
        let contexts = try parseContexts(context)
        let pattern = attention
        // G by the harness's one rule (a whole number of tokens dividing each context).
        for n in contexts {
            do { _ = try pattern.group(.ratio(groupRatio), length: n) } catch let error as UserError {
                throw UserError("--group-ratio \(groupRatio): \(error.message)")
            }
        }
        if let decimals, !(0...12).contains(decimals) { throw UserError("--decimals \(decimals): expected 0 to 12") }

        let rows = FLOPsTable.breakdowns(config, contexts: contexts, attention: pattern, groupRatio: groupRatio,
                                         counting: counting, pass: pass, method: method)
        let table = FLOPsTable.table(model: choice.label, contexts: contexts, attention: pattern, counting: counting,
                                     rows: rows, decimals: decimals ?? FLOPsTable.autoDecimals(rows))
        if format == .md {
            let what = pass == .forward ? "Forward" : "Training (\(method.rawValue), with checkpointing)"
            let scores = counting == .wholeMatrix ? "the whole n x n score matrix" : "the causal lower triangle"
            print("\(what) TFLOPs per sequence of \(choice.label); attention counted over \(scores); "
                + "group G = \(groupRatio) n for sparse patterns; totals add the printed components.\n")
        }
        print(table.render(format), terminator: "")
    }
}

/// "8192,16384" -> [8192, 16384]; every entry a positive integer.
func parseContexts(_ text: String, option: String = "--context") throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    return try parts.map { part in
        guard let n = Int(part), n > 0 else {
            throw UserError("\(option) '\(text)': '\(part)' is not a positive integer; expected e.g. 8192,16384")
        }
        return n
    }
}
