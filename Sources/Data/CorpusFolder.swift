/// The folder of a built corpus under the data folder: `<corpus>` for the harness's own
/// tokenizers (byte, BPE), and `<corpus>@<tokenizer id>` for a pretrained model's tokenizer
/// (`pg19-mini@gguf-gpt249152-1a2b3c4d5e6f`), so one corpus tokenized for several models
/// lives beside its byte or BPE build, and `eval --data pg19-mini@<id>:test` names it.
public enum CorpusFolder {
    public static let separator: Character = "@"

    public static func name(corpus: String, modelTokenizer id: String?) -> String {
        id.map { "\(corpus)\(separator)\($0)" } ?? corpus
    }
}
