import Foundation
import Support

extension HFTokenizerFiles {
    /// The names BOS, EOS and PAD (ids 256, 257, 258) get in `tokenizer.json`.
    public static let harnessSpecialNames = ["<s>", "</s>", "<pad>"]

    /// The harness's byte or BPE tokenizer as a `tokenizers` byte-level BPE: bytes spelled in
    /// `ByteLevelAlphabet`, merge k as id 259 + k with rank k (the lowest id first, as
    /// `BPETokenizer` merges), `PreTokenizer`'s words as a `Split` pattern, and BOS/EOS/PAD as
    /// special tokens that `split_special_tokens` keeps from matching text (the harness never
    /// reads them from text). No BOS/EOS is added, as `Tokenizer.encode` adds none.
    public init(harness tokenizer: any Tokenizer) throws {
        var merges: [(Int32, Int32)] = [], pieces: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        var preTokenizers: [[String: Any]] = [["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false]]
        if let bpe = tokenizer as? BPETokenizer {
            merges = bpe.merges
            pieces = bpe.pieces
            preTokenizers.append(["type": "Split", "pattern": ["Regex": PreTokenizer.byteLevelPattern],
                                  "behavior": "Isolated", "invert": false])
        } else if !(tokenizer is ByteTokenizer) {
            throw UserError("tokenizer '\(tokenizer.id)' is neither the byte nor a BPE tokenizer of the harness")
        }
        let spell = { (id: Int32) in ByteLevelAlphabet.encode(pieces[Int(id)]) }
        // The special tokens are model entries too: `tokenizers` renumbers an added token that the
        // model lacks to the end of the vocabulary.
        var vocab: [String: Int] = [:]
        for (k, name) in Self.harnessSpecialNames.enumerated() { vocab[name] = 256 + k }
        for id in Array(0..<256) + (0..<merges.count).map({ 259 + $0 }) {
            let token = spell(Int32(id))
            // A vocabulary maps each spelling to one id: two merges with the same bytes cannot be written.
            if let other = vocab[token] {
                throw UserError("tokenizer '\(tokenizer.id)': ids \(other) and \(id) both spell '\(token)'; tokenizer.json cannot hold both")
            }
            vocab[token] = id
        }
        let added: [[String: Any]] = Self.harnessSpecialNames.enumerated().map { k, name in
            ["id": 256 + k, "content": name, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let json: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(), "post_processor": NSNull(),
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": preTokenizers],
            "decoder": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                      "vocab": vocab, "merges": merges.map { "\(spell($0.0)) \(spell($0.1))" }] as [String: Any],
        ]
        let (bos, eos, pad) = (Self.harnessSpecialNames[0], Self.harnessSpecialNames[1], Self.harnessSpecialNames[2])
        let config: [String: Any] = [
            "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": bos, "eos_token": eos, "pad_token": pad,
            "split_special_tokens": true, "add_bos_token": false, "add_eos_token": false,
            "clean_up_tokenization_spaces": false,
        ]
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        files = [("tokenizer.json", try JSONSerialization.data(withJSONObject: json, options: options)),
                 ("tokenizer_config.json", try JSONSerialization.data(withJSONObject: config, options: options))]
        specials = HFTokenizer.Specials(bos: tokenizer.bos, eos: tokenizer.eos, pad: tokenizer.pad)
        vocabSize = tokenizer.vocabSize
    }
}
