import Foundation

/// Upper bounds of the sizes and counts a spec may set, far above anything this harness can
/// run, but low enough that no size computed from them (parameter counts, tokens per step,
/// `16 x context`, `context + base - 1`) overflows, and that every integer survives the
/// result file's readers, which pass numbers through a Double (exact up to 2^53).
/// What a run would allocate is checked against the machine's memory by `MemoryBound`.
enum SpecBounds {
    /// Tokens of a context, an evaluation length, a stride or a passkey prompt: 2^20.
    static let tokens = 1 << 20
    /// Tokens per optimizer step: 2^24.
    static let batchTokens = 1 << 24
    /// Width, SwiGLU width, heads and layers.
    static let dim = 1 << 16
    static let ffn = 1 << 18
    static let heads = 1 << 12
    static let layers = 1 << 10
    /// Vocabulary (a BPE vocabulary is bounded further by the tokenizer).
    static let vocab = 1 << 20
    /// Optimizer steps, warm-up and the step intervals: 10^8.
    static let steps = 100_000_000
    /// Windows, trials and GPUs.
    static let count = 1 << 30
    /// Seeds: exact in a Double, which the result file's readers convert through.
    static let seed = 1 << 53

    static func size(_ max: Int, min: Int = 1) -> ValueKind { .int(min: min, max: max) }
    static func autoOr(_ max: Int) -> ValueKind { .either([.auto, size(max)]) }
}
