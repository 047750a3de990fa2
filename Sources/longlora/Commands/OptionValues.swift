import ArgumentParser
import Foundation
import Data
import Evaluation
import Experiments
import Metrics
import Reports
import Results
import Support

// Option values that are enums: ArgumentParser parses them, lists them in --help and
// refuses any other value with exit 2, naming the option and the allowed values.
extension TableFormat: ExpressibleByArgument {}
extension PerplexityProtocol: ExpressibleByArgument {}
extension AttentionCounting: ExpressibleByArgument {}
extension FLOPsTable.Pass: ExpressibleByArgument {}
extension FineTuneMethod: ExpressibleByArgument {}
extension TokenizerKind: ExpressibleByArgument {}
extension CorpusFormat: ExpressibleByArgument {}
extension MetricExport.Format: ExpressibleByArgument {}
extension ResolvedConfigText.Format: ExpressibleByArgument {}

/// `plot --format png,svg`: one or more figure formats, each of `PlotFormat`'s values.
struct PlotFormats: ExpressibleByArgument {
    var formats: [PlotFormat]

    init(_ formats: [PlotFormat]) { self.formats = formats }

    init?(argument: String) {
        let parsed = argument.split(separator: ",").map { PlotFormat(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, !parsed.contains(nil) else { return nil }
        formats = parsed.compactMap { $0 }
    }

    static var allValueStrings: [String] { PlotFormat.allCases.map(\.rawValue) }
    var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }
}
