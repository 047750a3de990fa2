import ArgumentParser
import Data
import Evaluation
import Experiments
import Foundation
import Model
import Support

/// `longlora eval`: perplexity of a checkpoint at several lengths under the longlora or
/// strided protocol, or passkey retrieval accuracy, with full attention unless told otherwise.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Perplexity of a checkpoint under the longlora or strided protocol, or passkey retrieval.",
        discussion: """
            The model: a harness checkpoint, a Hugging Face LLaMA directory (transformers 4.x or
            5.x config, safetensors F32/F16/BF16, sharded or not) or a llama GGUF file. Text
            data is tokenized with the model's tokenizer (tokenizer.json or the GGUF's); data
            whose tokenizer or vocabulary differs from the model's is refused.
            Perplexity: windows of each --length over the --data stream, every window scored
            (longlora) or only its --stride newest tokens (strided). Passkey (--task passkey):
            --trials prompts per length, key in 1...49999 at a random depth, greedy decoding.
            Induction (--task induction): --trials sequences of --length/2 random ids (drawn from
            --data if given, else the vocabulary) repeated twice; the loss on each copy, and the
            copy gain (how much the model copies).
            The RoPE scaling comes from the checkpoint; --rope-scaling linear:F or ntk:F gives the
            training-free baselines (F = auto: ceil(length / trained context)).
            """)

    enum Task: String, ExpressibleByArgument, CaseIterable { case perplexity, passkey, induction }

    @Argument(help: "A checkpoint: a model directory (Hugging Face LLaMA layout, PEFT adapter files optional), a .gguf file, a run's checkpoint directory, or RESULTS.h5#RUN_ID (see `longlora status`).")
    var checkpoint: String

    @Option(help: "Data: a built corpus split (pg19-mini:test), a LongLoRA .bin, a .tokens shard, or a PG19, proof-pile or text folder.")
    var data: String?

    @Option(help: "Evaluation lengths in tokens, comma-separated (passkey: prompt lengths).")
    var length: String?

    @Option(help: "What to measure.")
    var task: Task = .perplexity

    @Option(name: .customLong("protocol"), help: "Perplexity protocol.")
    var evaluationProtocol: PerplexityProtocol = .longlora

    @Option(help: "Window stride in tokens.")
    var stride: Int = PerplexityProtocol.defaultStride

    @Option(help: "Attention pattern while evaluating (default full; `train`: the run's training pattern).")
    var attention: String = "full"

    @Option(name: .customLong("group-ratio"), help: "Group size of a grouped pattern as a fraction of the length (default: the run's group size, else 0.25).")
    var groupRatio: Double?

    @Option(name: .customLong("max-windows"), help: "Evaluate at most K evenly spaced windows per length.")
    var maxWindows: Int?

    @Option(name: .customLong("rope-scaling"), help: "checkpoint, none, linear:F, ntk:F (F a number or auto).")
    var ropeScaling: String = "checkpoint"

    @Option(help: "Passkey trials per length, or induction probe sequences.")
    var trials: Int = 10

    @Option(help: "Passkey seed (keys and depths).")
    var seed: UInt64 = 0

    @Option(name: .customLong("length-step"), help: "Passkey lengths step, 2 step, ... up to --max-length.")
    var lengthStep: Int?

    @Option(name: .customLong("max-length"), help: "Largest passkey length with --length-step.")
    var maxLength: Int?

    @Option(help: "Output format.")
    var format: TableFormat = .csv

    @Option(help: "Also write the table to this file.")
    var out: String?

    @Option(name: .customLong("data-dir"), help: "Folder holding built corpora.")
    var dataDir: String = "data"

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1") }
        if let maxWindows, maxWindows < 1 { throw ValidationError("--max-windows must be at least 1") }
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
        if let groupRatio, !(groupRatio > 0 && groupRatio <= 1) { throw ValidationError("--group-ratio must be in (0, 1]") }
        if task == .perplexity, data == nil { throw ValidationError("perplexity needs --data") }
        if length == nil, lengthStep == nil { throw ValidationError("give --length N[,N...] (or, for passkey, --length-step and --max-length)") }
        if lengthStep != nil, length != nil { throw ValidationError("give --length or --length-step, not both") }
        if lengthStep != nil, task != .passkey { throw ValidationError("--length-step is for --task passkey") }
        if lengthStep != nil, maxLength == nil { throw ValidationError("--length-step needs --max-length") }
    }

    func run() throws {
        compute.apply()
        let lengths = try resolvedLengths()
        let reference = try CheckpointReference(parsing: checkpoint)
        let model = try LlamaModel.load(from: reference.model, trainable: [])
        let execution = Execution(threads: compute.threads)
        // A run's checkpoint evaluates with the run's RoPE (its base model, for a run without
        // fine-tuning, has none of its own) and, by default, the run's group size.
        let savedRope = reference.trainedRoPE(base: model.rope.base) ?? model.rope
        let pattern = try trainingPattern(reference)
        let groupSize: GroupSize = groupRatio.map { .ratio($0) } ?? reference.metadata?.group ?? .ratio(0.25)
        // A run fine-tuned from a given model carries no tokenizer of its own: its base's.
        let modelTokenizer = try ModelTokenizer.load(reference.model) ?? reference.base.flatMap { try ModelTokenizer.load($0) }
        if let modelTokenizer { try ModelTokenizer.check(modelTokenizer, vocabSize: model.config.vocabSize, what: checkpoint) }
        let stream = try data.map { spec -> TokenStream in
            let stream = try DataSource.parse(spec, dataDirectory: URL(fileURLWithPath: dataDir)).load(tokenizer: modelTokenizer)
            if let tokenizer = stream.tokenizer {
                if let modelTokenizer, tokenizer.id != modelTokenizer.id {
                    throw UserError("--data \(stream.name): tokenized with '\(tokenizer.id)', the model's tokenizer is '\(modelTokenizer.id)'",
                                    hint: "pass text (a file or folder) to tokenize with the model's tokenizer, or a token file")
                }
                try ModelTokenizer.check(tokenizer, vocabSize: model.config.vocabSize, what: "--data \(stream.name)")
            }
            return stream
        }
        let progress = output.quiet ? Progress.silent : Self.stderrProgress
        let table: String
        switch task {
        case .perplexity:
            let stream = stream!  // validate() requires --data
            let ids = stream.tokens.tokens(0..<stream.tokens.count)
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= model.config.vocabSize }) {
                throw UserError("\(stream.tokens.url?.path ?? stream.name): token id \(bad) is outside the model's vocabulary 0..<\(model.config.vocabSize)",
                                hint: "evaluate on data built with the tokenizer the checkpoint was trained with")
            }
            let tokenBytes = stream.tokenizer.map { TokenBytes($0) }
            let evaluator = PerplexityEvaluator(
                protocol: evaluationProtocol, stride: stride,
                attention: AttentionChoice(pattern: pattern, groupSize: groupSize), maxWindows: maxWindows)
            var rows: [PerplexityResult] = []
            for n in lengths {
                model.rope = try rope(for: n, saved: savedRope, trained: model.config.maxContext)
                rows.append(try evaluator.evaluate(LlamaLanguageModel(model, execution: execution), stream: ids, length: n,
                                                   data: stream.name, tokenBytes: tokenBytes, progress: progress))
            }
            if let note = PerplexityTable.subsetNote(rows) { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
            table = PerplexityTable.render(rows, as: format)
        case .passkey:
            let tokenizer = try modelTokenizer ?? passkeyTokenizer(stream: stream, vocabSize: model.config.vocabSize)
            var rows: [PasskeyLengthResult] = []
            for n in lengths {
                model.rope = try rope(for: n, saved: savedRope, trained: model.config.maxContext)
                rows += try PasskeyRetrieval(lengths: [n], trials: trials, seed: seed)
                    .run(LlamaLanguageModel(model, execution: execution), tokenizer: tokenizer, progress: progress)
            }
            table = PasskeyTable.render(rows, as: format)
        case .induction:
            // Ids from --data when given (the fairer test), else from the whole vocabulary;
            // the one length is the whole sequence.
            guard lengths.count == 1, lengths[0] % 2 == 0 else {
                throw UserError("--task induction: give one even --length (the two copies together), not '\(length ?? "")'")
            }
            model.rope = try rope(for: lengths[0], saved: savedRope, trained: model.config.maxContext)
            let probe = try InductionProbe(length: lengths[0] / 2, trials: trials, seed: seed)
            let pool = stream.map { $0.tokens.tokens(0..<min($0.tokens.count, InductionProbe.poolLimit)) }
            table = try probe.run(LlamaLanguageModel(model, execution: execution), pool: pool, progress: progress).render(as: format)
        }
        print(table, terminator: "")
        if let out { try AtomicFile.write(table, to: URL(fileURLWithPath: out)) }
    }

    /// `--attention`, with `train` naming the pattern the checkpoint was trained with.
    func trainingPattern(_ reference: CheckpointReference) throws -> AttentionKind {
        guard attention == "train" else { return try AttentionKind(attention) }
        guard let metadata = reference.metadata else {
            throw UserError("--attention train: \(checkpoint) records no training pattern",
                            hint: "pass a run's checkpoint (RESULTS.h5#RUN_ID) or name the pattern")
        }
        return try AttentionKind(metadata.attention)
    }

    func resolvedLengths() throws -> [Int] {
        if let lengthStep, let maxLength { return try PasskeyRetrieval.lengths(step: lengthStep, upTo: maxLength) }
        let parts = length!.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.map { part in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 2 else {
                throw UserError("--length '\(length!)': '\(part)' is not a length of at least 2 tokens")
            }
            return n
        }
    }

    /// The RoPE of one evaluation length: the checkpoint's, or the baseline asked for.
    func rope(for length: Int, saved: RoPE, trained: Int) throws -> RoPE {
        try RopeScalingOption(parsing: ropeScaling, evaluationLength: length, trainedLength: trained)
            .rope(checkpoint: saved)
    }

    /// Passkey prompts need the model's tokenizer: the data's, or the byte tokenizer for a
    /// byte-level model.
    func passkeyTokenizer(stream: TokenStream?, vocabSize: Int) throws -> any Tokenizer {
        if let tokenizer = stream?.tokenizer {
            guard tokenizer.vocabSize == vocabSize else {
                throw UserError("--data \(stream!.name): tokenizer '\(tokenizer.id)' has \(tokenizer.vocabSize) ids, the model \(vocabSize)")
            }
            return tokenizer
        }
        guard vocabSize == ByteTokenizer.vocabSize else {
            throw UserError("passkey: the model has \(vocabSize) token ids, not the byte tokenizer's \(ByteTokenizer.vocabSize)",
                            hint: "pass --data with a corpus built with the model's tokenizer")
        }
        return ByteTokenizer()
    }

    /// One line on stderr per finished length (a terminal bar is not worth it here).
    static let stderrProgress: ProgressSink = { event in
        if case .end(let task, let seconds) = event {
            FileHandle.standardError.write(Data("\(task): \(String(format: "%.1f", seconds)) s\n".utf8))
        }
    }
}
