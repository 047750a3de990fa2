import ArgumentParser
import Data
import Evaluation
import Experiments
import Foundation
import Support

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Build tokenized shards of a corpus (data build --corpus NAME).",
        subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a corpus, split it by document, tokenize it and write shards + manifest.json.",
            discussion: """
                Built-in corpora (from Debian packages): \(BuiltinCorpus.names.joined(separator: ", ")).
                With --from, NAME is the output name and PATH a PG19 folder, a proof-pile folder or text.
                Writes DATA-DIR/NAME/{train,validation,test}.tokens and DATA-DIR/NAME/manifest.json;
                with --tokenizer model --model PATH, DATA-DIR/NAME@<tokenizer id>/ (the model's tokenizer).
                """)

        @Option(help: "Corpus to build, or the output name with --from.")
        var corpus: String = BuiltinCorpus.pg19Mini.rawValue

        @Option(help: "Tokenizer: byte (259 ids), bpe (trained on the train split), or model (the --model's own).")
        var tokenizer: TokenizerKind = .byte

        @Option(help: "With --tokenizer model: a Hugging Face directory or .gguf file whose tokenizer to use.")
        var model: String?

        @Option(help: "BPE vocabulary size (\(BPETokenizer.vocabRange.lowerBound) to \(BPETokenizer.vocabRange.upperBound); the default is a spec's `data.vocab: auto`).")
        var vocab: Int = BPETokenizer.defaultVocabSize

        @Option(help: "Seed of the document-level train/validation/test split.")
        var seed: UInt64 = 0

        @Option(name: .customLong("data-dir"), help: "Folder holding built corpora.")
        var dataDir: String = "data"

        @Option(help: "Build from your own corpus at this path instead of a built-in one.")
        var from: String?

        @Option(help: "Format of --from.")
        var format: CorpusFormat?

        @OptionGroup var compute: ComputeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            compute.apply()
            var builder = CorpusBuilder(corpus: corpus, dataDirectory: URL(fileURLWithPath: dataDir))
            builder.tokenizer = tokenizer
            builder.vocabSize = vocab
            builder.seed = seed
            builder.threads = compute.threads
            switch (tokenizer, model) {
            case (.model, let path?):
                let url = URL(fileURLWithPath: path)
                guard let modelTokenizer = try ModelTokenizer.load(url) else {
                    throw UserError("--model \(path): has no tokenizer (no tokenizer.json, or not a model)")
                }
                builder.modelTokenizer = modelTokenizer
            case (.model, nil): throw UserError("--tokenizer model needs --model PATH")
            case (_, _?): throw UserError("--model applies only with --tokenizer model")
            case (_, nil): break
            }
            switch (from, format) {
            case let (path?, format?): builder.input = (URL(fileURLWithPath: path), format)
            case (nil, nil): break
            case (_?, nil): throw UserError("--from needs --format \(CorpusFormat.allValueStrings.joined(separator: "|"))")
            case (nil, _?): throw UserError("--format applies only with --from PATH")
            }
            let start = Date()
            // The same display as `longlora run`'s data stage.
            let display = ProgressDisplay.automatic(quiet: output.quiet)
            let manifest = try builder.build(progress: display.sink)
            print(Self.summary(manifest, directory: builder.outputDirectory, seconds: Date().timeIntervalSince(start)))
        }

        static func summary(_ m: CorpusManifest, directory: URL, seconds: Double) -> String {
            let documents = m.splits.values.reduce(0) { $0 + $1.documents }
            var lines = ["\(m.corpus): \(documents) documents, tokenizer \(m.tokenizer.id) (vocab \(m.tokenizer.vocabSize)), split seed \(m.seed)"]
            for split in Split.allCases {
                guard let s = m.split(split) else { continue }
                lines.append("  " + split.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                             + String(format: "%5d docs %11d tokens %11d bytes", s.documents, s.tokens, s.bytes))
            }
            lines.append(String(format: "  built in %.1f s -> %@", seconds,
                                directory.appendingPathComponent(CorpusManifest.fileName).path))
            return lines.joined(separator: "\n")
        }
    }
}
