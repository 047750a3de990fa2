/// The tokenizer operations passkey retrieval needs: text to ids and back, and the
/// BOS id that starts every prompt (as the official script's tokenizer adds it).
public struct TextCodec {
    public var encode: ([UInt8]) -> [Int32]
    public var decode: ([Int32]) -> [UInt8]
    /// Prepended to each prompt; nil for none.
    public var bos: Int32?

    public init(encode: @escaping ([UInt8]) -> [Int32], decode: @escaping ([Int32]) -> [UInt8], bos: Int32?) {
        self.encode = encode
        self.decode = decode
        self.bos = bos
    }

    /// Prompt ids: BOS (if any) then the encoded text.
    public func promptTokens(_ text: String) -> [Int32] {
        (bos.map { [$0] } ?? []) + encode(Array(text.utf8))
    }
}
