// Module Evaluation: perplexity under the LongLoRA and strided protocols, passkey
// retrieval, and the training-free context-extension baselines. Everything here is
// written against `CausalLanguageModel`, so it is tested with tiny hand-made models
// and runs unchanged on the trained LLaMA.

/// What the evaluation needs from a language model.
public protocol CausalLanguageModel {
    var vocabSize: Int { get }

    /// Next-token losses (natural log) of one window under an attention pattern:
    /// tokens [n] -> losses [n-1], where losses[i] = -log p(tokens[i+1] | tokens[...i]).
    func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float]

    /// A fresh decoding session with a key/value cache (always full causal attention).
    func makeDecoder() throws -> any IncrementalDecoder
}

/// Decodes one token at a time, reusing the keys and values of earlier tokens.
public protocol IncrementalDecoder {
    /// Tokens consumed so far (the position the next token will take).
    var position: Int { get }

    /// Consumes `token`; returns the logits [vocab] for the token after it.
    mutating func append(_ token: Int32) throws -> [Float]

    /// Consumes a prompt; returns the logits [vocab] for the token after its last one.
    /// Models may override this with a batched forward pass.
    mutating func prefill(_ tokens: [Int32]) throws -> [Float]
}

extension IncrementalDecoder {
    public mutating func prefill(_ tokens: [Int32]) throws -> [Float] {
        precondition(!tokens.isEmpty, "prefill needs at least one token")
        var logits: [Float] = []
        for token in tokens { logits = try append(token) }
        return logits
    }
}
