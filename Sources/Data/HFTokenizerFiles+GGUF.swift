import Foundation
import Support

extension HFTokenizerFiles {
    /// A GGUF file's tokenizer as the `tokenizer.json` the harness itself runs
    /// (`HFTokenizer.init(gguf:)`), with its declared BOS/EOS/PAD. As the harness's `encode`, it
    /// adds no BOS to encoded text; control tokens in text are matched, as llama.cpp does.
    public init(gguf metadata: GGUFTokenizerMetadata, source: String) throws {
        let (json, _) = try HFTokenizer.tokenizerJSON(gguf: metadata, source: source)
        vocabSize = try HFTokenizer(gguf: metadata, source: source).vocabSize
        specials = metadata.specials
        var config: [String: Any] = ["tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": false,
                                     "add_eos_token": false, "clean_up_tokenization_spaces": false]
        for (key, id) in [("bos_token", specials.bos), ("eos_token", specials.eos), ("pad_token", specials.pad)] {
            if let id, (0..<metadata.tokens.count).contains(Int(id)) { config[key] = metadata.tokens[Int(id)] }
        }
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        files = [("tokenizer.json", try JSONSerialization.data(withJSONObject: json, options: options)),
                 ("tokenizer_config.json", try JSONSerialization.data(withJSONObject: config, options: options))]
    }
}
