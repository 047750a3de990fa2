import Data
import Foundation
import Testing

/// Inputs that used to be accepted and give wrong numbers later: a manifest of an unknown
/// version or with a vocabulary its tokenizer does not have, a proof-pile folder missing a split.
@Suite struct ManifestRefusalTests {
    func builtCorpus(tokenizer: TokenizerKind) throws -> URL {
        let data = try temporaryDirectory("data")
        let input = try temporaryDirectory("text-input")
        for i in 0..<12 { try write(String(repeating: sampleText, count: 2) + "document \(i)\n", to: input.appendingPathComponent("f\(i).txt")) }
        var builder = CorpusBuilder(corpus: "mine", dataDirectory: data)
        builder.input = (input, .text)
        builder.tokenizer = tokenizer
        builder.vocabSize = 1024
        _ = try builder.build()
        return data.appendingPathComponent("mine")
    }

    /// Rewrites one top-level or `tokenizer.` field of the manifest's JSON.
    func edit(_ dir: URL, _ change: (inout [String: Any]) -> Void) throws -> URL {
        let url = dir.appendingPathComponent(CorpusManifest.fileName)
        var json = try JSONSerialization.jsonObject(with: Foundation.Data(contentsOf: url)) as! [String: Any]
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    @Test func anUnknownFormatVersionIsRefused() throws {
        let dir = try builtCorpus(tokenizer: .byte)
        _ = try CorpusManifest.read(from: dir)
        let url = try edit(dir) { $0["format_version"] = 99 }
        let text = userErrorText { _ = try CorpusManifest.read(from: dir) }
        #expect(text.hasPrefix("\(url.path): key 'format_version' is 99, expected 1"), "\(text)")
    }

    @Test(arguments: [TokenizerKind.byte, .bpe])
    func aVocabularyTheTokenizerDoesNotHaveIsRefused(tokenizer: TokenizerKind) throws {
        let dir = try builtCorpus(tokenizer: tokenizer)
        _ = try CorpusManifest.read(from: dir).loadTokenizer(directory: dir)
        let url = try edit(dir) {
            var t = $0["tokenizer"] as! [String: Any]
            t["vocab_size"] = (t["vocab_size"] as! Int) + 5
            $0["tokenizer"] = t
        }
        let text = userErrorText { _ = try CorpusManifest.read(from: dir).loadTokenizer(directory: dir) }
        #expect(text.hasPrefix(url.path) && text.contains("key 'tokenizer.vocab_size'"), "\(text)")
    }

    @Test func aProofPileFolderWithoutDevIsRefusedWithThePath() throws {
        let root = try temporaryDirectory("proofpile-nodev")
        try write("{\"text\": \"theorem a\"}\n", to: root.appendingPathComponent("train/a.jsonl"))
        try write("{\"text\": \"theorem b\"}\n", to: root.appendingPathComponent("test/b.jsonl"))
        let text = userErrorText { _ = try ProofPileReader(root: root).read() }
        #expect(text.hasPrefix(root.path) && text.contains("no dev/ (or validation/) for the validation split"), "\(text)")
        // A data source reads only the split it names.
        #expect(try ProofPileReader(root: root).read(required: [.test]).test.count == 1)
    }

    /// Fields of `splits.test`, edited.
    func editTest(_ dir: URL, _ change: @escaping (inout [String: Any]) -> Void) throws -> URL {
        try edit(dir) {
            var splits = $0["splits"] as! [String: Any], test = splits["test"] as! [String: Any]
            change(&test)
            splits["test"] = test
            $0["splits"] = splits
        }
    }

    /// Found by fuzzing: a shard header's token or document count near 2^63 trapped (the
    /// conversion to Int, or the size computed from it) before the length check.
    @Test(arguments: [(16, UInt64.max), (16, 1 << 62), (24, UInt64.max), (24, 1 << 61)])
    func hugeShardHeaderCountsAreRefused(offset: Int, value: UInt64) throws {
        let dir = try builtCorpus(tokenizer: .byte)
        let shard = dir.appendingPathComponent("test.tokens")
        var bytes = [UInt8](try Foundation.Data(contentsOf: shard))
        for b in 0..<8 { bytes[offset + b] = UInt8(truncatingIfNeeded: value >> (8 * b)) }
        try Foundation.Data(bytes).write(to: shard)
        let text = userErrorText { _ = try TokenShard(contentsOf: shard) }
        #expect(text.hasPrefix(shard.path) && text.contains("more than the file's"), "\(text)")
    }

    /// Found by fuzzing: the manifest's document count, id width and byte count were never
    /// compared with the shard, and an id beyond the vocabulary was read as data.
    @Test func aManifestThatDisagreesWithItsShardIsRefused() throws {
        let dir = try builtCorpus(tokenizer: .byte)
        let manifest = try CorpusManifest.read(from: dir)
        let documents = try #require(manifest.split(.test)).documents
        let url = try editTest(dir) { $0["documents"] = documents + 1 }
        var text = userErrorText { _ = try DataSource.corpus(directory: dir, split: .test).load() }
        #expect(text.hasPrefix(dir.appendingPathComponent("test.tokens").path) && text.contains("\(documents) documents, manifest says \(documents + 1)"), "\(text)")
        _ = try editTest(dir) { $0["documents"] = documents; $0["bytes"] = -1 }
        text = userErrorText { _ = try CorpusManifest.read(from: dir) }
        #expect(text.hasPrefix(url.path) && text.contains("key 'splits.test.bytes' is -1"), "\(text)")
        _ = try editTest(dir) { $0["bytes"] = 5; $0["shard"] = "../test.tokens" }
        text = userErrorText { _ = try CorpusManifest.read(from: dir).shard(.test, directory: dir) }
        #expect(text.contains("key 'splits.test.shard' is '../test.tokens'"), "\(text)")
        _ = try edit(dir) { $0["token_width"] = 8 }
        text = userErrorText { _ = try CorpusManifest.read(from: dir) }
        #expect(text.hasPrefix(url.path) && text.contains("key 'token_width' is 8"), "\(text)")
    }

    @Test func anIdBeyondTheVocabularyIsRefusedWithItsPosition() throws {
        let dir = try builtCorpus(tokenizer: .byte)
        let shard = dir.appendingPathComponent("test.tokens")
        var bytes = [UInt8](try Foundation.Data(contentsOf: shard))
        bytes[32 + 2 * 3] = 0x04; bytes[32 + 2 * 3 + 1] = 0x01  // id 260 at position 3
        try Foundation.Data(bytes).write(to: shard)
        let text = userErrorText { _ = try DataSource.corpus(directory: dir, split: .test).load() }
        #expect(text.hasPrefix(shard.path) && text.contains("token id 260 at position 3 is outside the vocabulary 0..<259"), "\(text)")
    }
}
