import Training

/// Training curves as the result file stores them (`curves/<name>`).
enum TrainingCurves {
    static func of(_ history: [TrainingStep]) -> [String: [Double]] {
        [
            "step": history.map { Double($0.step) },
            "loss": history.map(\.loss),
            "lr": history.map(\.learningRate),
            "grad_norm": history.map(\.gradientNorm),
            "tokens_per_s": history.map(\.tokensPerSecond),
        ]
    }
}
