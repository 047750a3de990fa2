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
}
