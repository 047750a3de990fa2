import Foundation

/// The mark a perplexity gets when it is no better than a uniform guess over the
/// vocabulary: a diverged or untrained model. Such numbers are still recorded (a sweep
/// should show which settings diverge), but never silently beside the others.
public enum DivergenceWarning {
    /// "" for a perplexity below the vocabulary size, else the warning.
    public static func text(perplexity: Double, vocabSize: Int) -> String {
        guard !(perplexity < Double(vocabSize)) else { return "" }
        return String(format: "diverged: perplexity %.4g is at least the vocabulary size %d (a uniform guess scores %d)",
                      perplexity, vocabSize, vocabSize)
    }
}
