import Data
import Foundation
import Support
import Testing

/// The tokenizer files `export-hf` writes for the harness's byte and BPE tokenizers give, through
/// `transformers.AutoTokenizer.from_pretrained` in the pinned venv, the harness's own ids on
/// pg19-mini validation text (the BPE is the one `data build --tokenizer bpe` trains), and name
/// BOS/EOS/PAD as the harness numbers them.
@Suite(.serialized) struct HFTokenizerFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-hf/bin/python")

    @Test func autoTokenizerGivesTheHarnessIDs() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python.path),
                     "\(Self.python.path) is missing: run `bash scripts/setup.sh` (it installs transformers there)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-hftok-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        var builder = CorpusBuilder(corpus: BuiltinCorpus.pg19Mini.rawValue, dataDirectory: data)
        builder.environment = DebianEnvironment(dataDirectory: Self.root.appendingPathComponent("data"))
        builder.tokenizer = .bpe
        builder.threads = 2
        let manifest = try builder.build()
        let corpus = data.appendingPathComponent(BuiltinCorpus.pg19Mini.rawValue)
        let bpe = try manifest.loadTokenizer(directory: corpus)
        let stream = try DataSource.corpus(directory: corpus, split: .validation).load()
        // About 24 KB of validation text, whole documents cut at a line end.
        var text: [UInt8] = []
        for i in 0..<stream.tokens.documentCount where text.count < 24_000 {
            text += bpe.decode(Array(stream.tokens.document(i)))
        }
        if let cut = text[..<min(text.count, 24_000)].lastIndex(of: 0x0A) { text = Array(text[...cut]) }
        let string = try #require(String(validating: text, as: UTF8.self))
        // Cases the corpus may lack: runs over 32 bytes, spaces before whitespace, non-ASCII,
        // control bytes, and the special tokens' names as plain text.
        let edge = string + "  \t  x" + String(repeating: " ", count: 40) + "y" + String(repeating: "a", count: 70)
            + " \u{00E9}t\u{00E9} \u{2014} 1234567 <s></s><pad> \u{1}\u{7F}\r\n\n   "
        var cases: [[String: Any]] = []
        for (name, tokenizer) in [("byte", ByteTokenizer() as any Tokenizer), ("bpe", bpe)] {
            let out = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try HFTokenizerFiles(harness: tokenizer).write(into: out)
            cases.append(["dir": out.path, "text": edge, "ids": tokenizer.encode(Array(edge.utf8)).map(Int.init)])
        }
        #expect(bpe.encode(text).count < text.count / 2, "the BPE should merge real text")
        let input = dir.appendingPathComponent("cases.json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        let script = dir.appendingPathComponent("auto_tokenizer.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", Self.python.path, script.path, input.path]),
                                  "cannot start python")
        try #require(result.status == 0, "python failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let reports = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
        #expect(reports.count == 2)
        for (report, name) in zip(reports, ["byte", "bpe"]) {
            #expect(report["first_difference"] is NSNull, "\(name): AutoTokenizer differs from the harness: \(report)")
            #expect(report["count"] as? Int == report["expected_count"] as? Int, "\(name): \(report)")
            #expect(report["specials"] as? [Int] == [256, 257, 258], "\(name): special ids \(report["specials"] ?? "none")")
            #expect(report["decoded_equal"] as? Bool == true, "\(name): decode does not give the text back")
        }
    }

    static let script = #"""
    import json, sys
    import transformers

    out = []
    for case in json.load(open(sys.argv[1])):
        tok = transformers.AutoTokenizer.from_pretrained(case["dir"])
        ids = tok(case["text"])["input_ids"]
        exp = case["ids"]
        diff = next((i for i, (a, b) in enumerate(zip(ids, exp)) if a != b), None)
        if diff is None and len(ids) != len(exp):
            diff = min(len(ids), len(exp))
        out.append({"first_difference": diff, "count": len(ids), "expected_count": len(exp),
                    "near": [ids[diff:diff + 8], exp[diff:diff + 8]] if diff is not None else None,
                    "specials": [tok.bos_token_id, tok.eos_token_id, tok.pad_token_id],
                    "decoded_equal": tok.decode(ids) == case["text"], "class": type(tok).__name__})
    print(json.dumps(out))
    """#
}
