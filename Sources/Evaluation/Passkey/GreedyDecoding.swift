/// Greedy decoding with a key/value cache: the decoding the paper's passkey test uses.
public enum GreedyDecoding {
    /// Index of the largest logit (the lowest index on ties, so runs are deterministic).
    public static func argmax(_ logits: [Float]) -> Int32 {
        precondition(!logits.isEmpty, "argmax of no logits")
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return Int32(best)
    }

    /// The `count` tokens greedy decoding appends to `prompt`.
    public static func generate(_ model: any CausalLanguageModel, prompt: [Int32], count: Int) throws -> [Int32] {
        guard count > 0 else { return [] }
        var decoder = try model.makeDecoder()
        var logits = try decoder.prefill(prompt)  // [vocab]
        var output: [Int32] = []
        while true {
            let token = argmax(logits)
            output.append(token)
            if output.count == count { return output }
            logits = try decoder.append(token)
        }
    }
}
