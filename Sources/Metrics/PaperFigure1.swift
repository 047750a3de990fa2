import Model

/// The paper's Figure 1 (Llama2-7B, 8x A100 80GB, ZeRO-2, 1000 steps of 64 sequences)
/// against our memory and hours models.
public enum PaperFigure1 {
    public struct Reference: Sendable {
        public var method: FineTuneMethod
        public var context: Int
        /// nil where the paper reports out of memory.
        public var memoryGiB: Double?
        public var hours: Double?
    }

    public static let references: [Reference] = [
        Reference(method: .full, context: 8192, memoryGiB: 46.3, hours: 7.4),
        Reference(method: .full, context: 16384, memoryGiB: 57.4, hours: 16.3),
        Reference(method: .full, context: 32768, memoryGiB: 68.8, hours: 39.8),
        Reference(method: .full, context: 65536, memoryGiB: nil, hours: nil),
        Reference(method: .longlora, context: 8192, memoryGiB: 25.6, hours: 5.2),
        Reference(method: .longlora, context: 16384, memoryGiB: 34.6, hours: 11.3),
        Reference(method: .longlora, context: 32768, memoryGiB: 46.3, hours: 24.6),
        Reference(method: .longlora, context: 65536, memoryGiB: 69.8, hours: 52.4),
    ]

    /// Targets of the comparison: relative error bounds.
    public static let memoryTolerance = 0.10
    public static let hoursTolerance = 0.15

    public struct Row: Sendable {
        public var reference: Reference
        public var memory: MemoryEstimate
        public var fits: Bool
        public var hours: Double

        /// Relative errors (ours / paper - 1); nil where the paper has no number.
        public var memoryError: Double? { reference.memoryGiB.map { memory.totalGiB / $0 - 1 } }
        public var hoursError: Double? { reference.hours.map { hours / $0 - 1 } }
        /// The paper's out-of-memory points must come out as not fitting, the others as fitting.
        public var fitsAgrees: Bool { fits == (reference.memoryGiB != nil) }
        public var withinTolerance: Bool {
            fitsAgrees
                && (memoryError.map { abs($0) <= PaperFigure1.memoryTolerance } ?? true)
                && (hoursError.map { abs($0) <= PaperFigure1.hoursTolerance } ?? true)
        }
    }

    public static func compare(calibration: Calibration = .paper) -> [Row] {
        let model = ModelConfig.llama2_7b, cluster = Calibration.paperCluster
        return references.map { ref in
            let setup = FineTuneSetup(method: ref.method)
            let memory = calibration.memoryModel.estimate(model, context: ref.context, setup: setup, cluster: cluster)
            let hours = GPUHours.hours(model, context: ref.context, setup: setup, cluster: cluster, mfu: calibration.mfu)
            return Row(reference: ref, memory: memory, fits: memory.fits(cluster.device), hours: hours)
        }
    }
}
