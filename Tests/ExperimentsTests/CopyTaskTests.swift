import Data
import Foundation
import Support
import Testing
@testable import Experiments

/// The copy-task warm-up of pretraining (`base.copy_task`): rows made of segments written
/// twice over alphabets of the non-special ids, all rows during the warm-up and a fixed share after,
/// a function of (seed, step, micro-batch, row) only; its keys leave existing hashes alone.
@Suite struct CopyTaskTests {
    static let special = ByteTokenizer.specialIDs

    func row(_ rows: CopyTaskRows, step: Int = 0, microBatch: Int = 0, row: Int = 0, count: Int = 300) -> [Int32] {
        var out = [Int32](repeating: -1, count: count)
        out.withUnsafeMutableBufferPointer { rows.write(step: step, microBatch: microBatch, row: row, count: count, into: $0.baseAddress!) }
        return out
    }

    /// Splits a row into segments x x (lengths in `CopyTask.segment`) while a whole longest
    /// pair fits; nil if it is not made of them.
    func segments(_ tokens: [Int32]) -> [Int]? {
        var lengths: [Int] = [], at = 0
        while tokens.count - at >= 2 * CopyTask.segment.upperBound {
            guard let length = CopyTask.segment.first(where: { n in (0..<n).allSatisfy { tokens[at + $0] == tokens[at + n + $0] } })
            else { return nil }
            lengths.append(length)
            at += 2 * length
        }
        return lengths
    }

    @Test func rowsAreSegmentsWrittenTwiceOverEveryOrdinaryId() throws {
        let rows = CopyTaskRows(seed: 7, vocabSize: 300, special: Self.special)
        #expect(rows.ids.count == 297 && !rows.ids.contains(256) && rows.ids.last == 299)
        var seen = Set<Int32>(), alphabets: [Int] = []
        for r in 0..<40 {
            let tokens = row(rows, row: r)
            let lengths = try #require(segments(tokens), "row \(r) is not segments written twice")
            #expect(lengths.count >= (300 - 48) / 48)
            #expect(tokens.allSatisfy { $0 >= 0 && $0 < 300 && !Self.special.contains($0) })
            seen.formUnion(tokens)
            alphabets.append(Set(tokens).count)
        }
        // Each row has its own alphabet, from a few dozen ids (single tokens recur) to most of them.
        #expect(alphabets.min()! <= 2 * CopyTask.smallestAlphabet && alphabets.max()! > 100, "\(alphabets)")
        // 40 rows of about 150 fresh ids each reach nearly all 297 ids.
        #expect(seen.count > 280)
        // A function of its coordinates only.
        #expect(row(rows, step: 3, microBatch: 1, row: 2) == row(rows, step: 3, microBatch: 1, row: 2))
        #expect(row(rows, step: 3, row: 2) != row(rows, step: 4, row: 2) && row(rows, row: 1) != row(rows, row: 2))
        #expect(row(rows) != row(CopyTaskRows(seed: 8, vocabSize: 300, special: Self.special)))
    }

    @Test func warmUpRowsThenAShareOfEachBatch() throws {
        let shard = TokenShard(tokens: (0..<5000).map { Int32($0 % 250) })
        let corpus = try ShardBatches(shard: shard, seed: 1, batchSize: 8, length: 31, source: "t")
        let rows = CopyTaskRows(seed: 1, vocabSize: 300, special: Self.special)
        let batches = MixedBatches(corpus: corpus, copyTask: CopyTask(steps: 3, fraction: 0.25), copyRows: rows)
        func split(_ step: Int) -> [[Int32]] {
            let b = batches.batch(step: step, microBatch: 0)
            return (0..<8).map { Array(b[($0 * 32)..<(($0 + 1) * 32)]) }
        }
        for step in 0..<3 {
            #expect(split(step) == (0..<8).map { row(rows, step: step, row: $0, count: 32) })
        }
        let corpusRows = corpus.batch(step: 3, microBatch: 0)
        let after = split(3)
        #expect(Array(after[0..<2]) == [row(rows, step: 3, row: 0, count: 32), row(rows, step: 3, row: 1, count: 32)])
        #expect(Array(after[2...]).flatMap { $0 } == Array(corpusRows[(2 * 32)...]))
        // No copy task: exactly the corpus's batches.
        let plain = MixedBatches(corpus: corpus, copyTask: .none, copyRows: rows)
        #expect(plain.batch(step: 0, microBatch: 1) == corpus.batch(step: 0, microBatch: 1))
    }

    @Test func keysAreCheckedAndHashedOnlyWhenGiven() throws {
        let version = CodeVersion(dataManifests: ["tiny": "m"], code: "c")
        let plain = try microRun([])
        #expect(try microRun(["base.copy_task.steps=0"]).baseHash(version) == plain.baseHash(version))
        let warm = try microRun(["base.copy_task.steps=4", "base.copy_task.fraction=0.25"])
        #expect(warm.config.copyTask == CopyTask(steps: 4, fraction: 0.25) && warm.baseHash(version) != plain.baseHash(version))
        #expect(!plain.canonicalJSON.contains("copy_task") && warm.canonicalJSON.contains("copy_task"))
        let tooLong = #expect(throws: UserError.self) { try microRun(["base.copy_task.steps=9"]) }
        #expect(tooLong?.message.contains("base.copy_task.steps") == true && tooLong?.message.contains("8 pretraining steps") == true)
        #expect(throws: UserError.self) { try microRun(["base.copy_task.fraction=1.5"]) }
    }

    /// A base with a copy-task warm-up trains through the real stage.
    @Test func aBaseTrainsWithTheWarmUp() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("copytask-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try buildTinyCorpus(named: "tiny", in: data)
        let run = try microRun(["base.copy_task.steps=3", "base.copy_task.fraction=0.5"])
        let messages = ProgressMessages()
        let out = root.appendingPathComponent("base"), checkpoints = root.appendingPathComponent("checkpoints")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try LlamaPretrainStage(dataDirectory: data).pretrain(run.config, into: out, checkpoints: checkpoints, progress: messages.sink)
        #expect(messages.texts.contains { $0.hasSuffix("the first 3 on the copy task") }, "\(messages.texts)")
        let curves = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("pretrain_curves.json"))) as? [String: [Double]])
        #expect(curves["loss"]?.count == 8 && curves["loss"]!.allSatisfy(\.isFinite))
    }
}
