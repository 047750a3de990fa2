import Model

/// The two constants the physical models cannot derive, each fitted on one documented
/// point of the paper's Figure 1 (Llama2-7B, 8x A100 80GB, ZeRO-2, recipe of the paper)
/// and then used unchanged for every other point, model and device.
public struct Calibration: Sendable {
    /// Framework and allocator overhead per GPU, bytes.
    public var overheadBytes: Double
    /// Model FLOPs utilisation: executed FLOPs / (GPUs × bf16 peak × time).
    public var mfu: Double

    public init(overheadBytes: Double, mfu: Double) {
        self.overheadBytes = overheadBytes
        self.mfu = mfu
    }

    /// Memory overhead is fitted on LongLoRA at 8192 (25.6 GB); MFU on full fine-tuning
    /// at 8192 (7.4 h).
    public static let overheadPoint = (method: FineTuneMethod.longlora, context: 8192, gib: 25.6)
    public static let mfuPoint = (method: FineTuneMethod.full, context: 8192, hours: 7.4)

    /// The paper's hardware for Figure 1.
    public static let paperCluster = Cluster(gpus: 8, zeroStage: 2, device: .a100_80gb)

    /// Fits both constants; deterministic, so every caller gets the same numbers.
    public static let paper: Calibration = {
        let model = ModelConfig.llama2_7b
        let uncalibrated = MemoryModel(overheadBytes: 0).estimate(
            model, context: overheadPoint.context, setup: FineTuneSetup(method: overheadPoint.method),
            cluster: paperCluster)
        let overhead = overheadPoint.gib * gib - uncalibrated.total
        let atFullMFU = GPUHours.hours(model, context: mfuPoint.context, setup: FineTuneSetup(method: mfuPoint.method),
                                       cluster: paperCluster, mfu: 1)
        return Calibration(overheadBytes: overhead, mfu: atFullMFU / mfuPoint.hours)
    }()

    public var memoryModel: MemoryModel { MemoryModel(overheadBytes: overheadBytes) }
}
