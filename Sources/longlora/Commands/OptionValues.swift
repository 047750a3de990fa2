import ArgumentParser
import Data
import Evaluation
import Metrics
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
