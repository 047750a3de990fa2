import Data
import Evaluation
import Foundation
import Support
import Testing
@testable import Experiments

/// Passkey rows of pretraining (`base.passkey_task`): the paper's prompt around the corpus
/// row's own text, a fresh key per row and its answer after the question; after the copy
/// task's rows, only after its warm-up; its key leaves existing hashes alone.
@Suite struct PasskeyTaskTests {
    let tokenizer = ByteTokenizer()

    func text(_ ids: some Collection<Int32>) -> String { String(decoding: tokenizer.decode(Array(ids)), as: UTF8.self) }

    /// A corpus row of `count` lowercase letters (no digits, no newlines), rewritten.
    func row(_ rows: PasskeyTaskRows, step: Int = 0, row: Int = 0, count: Int = 400) -> (corpus: [Int32], out: [Int32]) {
        let corpus = (0..<count).map { Int32(97 + ($0 * 7 + row) % 26) }
        var out = corpus
        out.withUnsafeMutableBufferPointer { rows.write(step: step, microBatch: 0, row: row, count: count, into: $0.baseAddress!) }
        return (corpus, out)
    }

    @Test func aRowIsThePromptAroundItsOwnTextWithTheAnswer() throws {
        let rows = PasskeyTaskRows(seed: 3, tokenizer: tokenizer)
        var keys = Set<Int>(), depths: [Double] = []
        for r in 0..<30 {
            let (corpus, out) = row(rows, row: r)
            #expect(out.count == corpus.count && out.first == tokenizer.bos)
            let body = text(out.dropFirst())
            let lines = body.components(separatedBy: "\n")
            #expect(lines.count == 5, "\(body)")
            #expect(lines[0] == PasskeyPrompt.taskDescription)
            // The key line is a line of its own, between two fillers.
            let information = try #require(lines.dropFirst().first { $0.hasPrefix("The pass key is ") })
            let key = try #require(PasskeyPrompt.parseKey(information))
            #expect(information == PasskeyPrompt.informationLine(key: key) && PasskeyPrompt.keyRange.contains(key))
            keys.insert(key)
            // The last line: the question, the answer, then the corpus text goes on.
            let last = lines[4]
            #expect(last.hasPrefix(PasskeyPrompt.question + PasskeyPrompt.answerText(key: key)), "\(last)")
            // Filler is the corpus row's own text, in order, with nothing dropped before the end.
            let filler = lines[1] + lines[3] + String(last.dropFirst((PasskeyPrompt.question + PasskeyPrompt.answerText(key: key)).count))
            let template = 1 + body.count - filler.count
            #expect(filler == text(corpus.prefix(filler.count)) && filler.count + template == corpus.count)
            #expect(template == rows.head.count + rows.information(key: key).count + rows.question.count + PasskeyPrompt.answerText(key: key).count)
            let total = lines[1].count + lines[3].count
            if total > 0 { depths.append(Double(lines[1].count) / Double(total)) }
        }
        // A fresh key per row and depths spread over the filler.
        #expect(keys.count == 30)
        #expect(depths.min()! < 0.2 && depths.max()! > 0.8, "\(depths)")
        // A function of its coordinates.
        #expect(row(rows, step: 2, row: 1).out == row(rows, step: 2, row: 1).out)
        #expect(row(rows, step: 2, row: 1).out != row(rows, step: 3, row: 1).out)
        #expect(row(rows).out != row(PasskeyTaskRows(seed: 4, tokenizer: tokenizer)).out)
        // The template bound covers every row (the longest keys take 5 digits, twice plus the answer).
        #expect(rows.templateTokens == PasskeyPrompt.minimumTokens(tokenizer: tokenizer) + " 49999".count)
    }

    @Test func rowsFollowTheCopyTaskAfterItsWarmUp() throws {
        let shard = TokenShard(tokens: (0..<20000).map { Int32(97 + $0 % 26) })
        let corpus = try ShardBatches(shard: shard, seed: 1, batchSize: 8, length: 299, source: "t")
        let copy = CopyTaskRows(seed: 1, vocabSize: 259, special: ByteTokenizer.specialIDs)
        let passkey = PasskeyTaskRows(seed: 1, tokenizer: tokenizer)
        let batches = MixedBatches(corpus: corpus, copyTask: CopyTask(steps: 2, fraction: 0.25), copyRows: copy,
                                      passkeyTask: PasskeyTask(fraction: 0.25), passkeyRows: passkey)
        func rows(_ step: Int) -> [[Int32]] {
            let b = batches.batch(step: step, microBatch: 0)
            return (0..<8).map { Array(b[($0 * 300)..<(($0 + 1) * 300)]) }
        }
        func isPasskey(_ row: [Int32]) -> Bool { text(row).contains(PasskeyPrompt.question) }
        // During the warm-up every row is a copy row, none a passkey row.
        #expect(rows(0).allSatisfy { !isPasskey($0) && !$0.contains(tokenizer.bos) })
        let after = rows(2), plain = corpus.batch(step: 2, microBatch: 0)
        #expect(!isPasskey(after[0]) && !isPasskey(after[1]))
        #expect(isPasskey(after[2]) && isPasskey(after[3]) && !isPasskey(after[4]))
        #expect(Array(after[4...]).flatMap { $0 } == Array(plain[(4 * 300)...]))
    }

    @Test func theKeyIsCheckedAndHashedOnlyWhenGiven() throws {
        let version = CodeVersion(dataManifests: ["tiny": "m"], code: "c")
        let plain = try microRun([])
        #expect(try microRun(["base.passkey_task.fraction=0"]).baseHash(version) == plain.baseHash(version))
        let given = try microRun(["base.passkey_task.fraction=0.125"])
        #expect(given.config.passkeyTask == PasskeyTask(fraction: 0.125) && given.baseHash(version) != plain.baseHash(version))
        #expect(!plain.canonicalJSON.contains("passkey_task") && given.canonicalJSON.contains("passkey_task"))
        let both = #expect(throws: UserError.self) { try microRun(["base.copy_task.fraction=0.75", "base.passkey_task.fraction=0.5"]) }
        #expect(both?.message.contains("base.passkey_task.fraction") == true)
        // In fine-tuning: hashed when given, and not at all by a run that does not fine-tune.
        let tuned = try microRun(["finetune.passkey_task.fraction=0.25"])
        #expect(tuned.config.finetune.passkeyTask == PasskeyTask(fraction: 0.25) && tuned.hash(version) != plain.hash(version))
        #expect(tuned.baseHash(version) == plain.baseHash(version))
        #expect(try microRun(["finetune.passkey_task.fraction=0.25", "finetune.steps=0"]).hash(version)
                == microRun(["finetune.steps=0"]).hash(version))
    }

    /// The stage refuses a base context the prompt cannot fit, and trains one that it fits.
    @Test func aBaseTrainsWithPasskeyRowsWhereTheyFit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("passkeytask-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try buildTinyCorpus(named: "tiny", in: data)
        func pretrain(_ settings: [String], _ name: String) throws -> ProgressMessages {
            let run = try microRun(["base.passkey_task.fraction=0.5"] + settings)
            let messages = ProgressMessages()
            let out = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try LlamaPretrainStage(dataDirectory: data).pretrain(run.config, into: out, checkpoints: root.appendingPathComponent("\(name)-checkpoints"),
                                                                 progress: messages.sink)
            return messages
        }
        let short = #expect(throws: UserError.self) { try pretrain([], "short") }
        #expect(short?.message.contains("base.context 32") == true, "\(short?.message ?? "")")
        let fits = ["base.context=320", "base.batch_tokens=640", "finetune.context=320", "finetune.batch_tokens=640", "base.steps=2",
                    "evaluate.lengths=[320]", "evaluate.stride=320"]
        let messages = try pretrain(fits, "fits")
        #expect(messages.texts.contains { $0.hasSuffix("passkey rows: 1 of every 2 sequences") }, "\(messages.texts)")

        // Fine-tuning keeps them when asked (`finetune.passkey_task`): its first step sees
        // other rows than without, and a context too short for the prompt is refused.
        func finetune(_ settings: [String], _ name: String) throws -> FinetuneOutcome {
            let run = try microRun(fits + ["finetune.steps=1", "finetune.position_interpolation=1"] + settings)
            return try LlamaFinetuneStage(dataDirectory: data).finetune(run.config, base: root.appendingPathComponent("fits"),
                                                                        checkpoints: root.appendingPathComponent("\(name)-checkpoints"),
                                                                        progress: { _ in })
        }
        let plain = try finetune([], "plain"), again = try finetune([], "again")
        let mixed = try finetune(["finetune.passkey_task.fraction=0.5"], "mixed")
        #expect(plain.curves["loss"] == again.curves["loss"])
        #expect(mixed.curves["loss"]?.count == 1 && mixed.curves["loss"] != plain.curves["loss"])
        let tooShort = #expect(throws: UserError.self) {
            let run = try microRun(["finetune.steps=1", "finetune.passkey_task.fraction=0.5"])  // 64 tokens
            _ = try LlamaFinetuneStage(dataDirectory: data).finetune(run.config, base: root.appendingPathComponent("fits"),
                                                                     checkpoints: root.appendingPathComponent("short-checkpoints"),
                                                                     progress: { _ in })
        }
        #expect(tooShort?.message.contains("finetune.passkey_task") == true, "\(tooShort?.message ?? "")")
    }
}
