/// An accelerator as the memory and hours models see it.
public struct DeviceProfile: Hashable, Sendable {
    public var name: String
    /// Memory the driver reports, in GiB (2^30 bytes): nvidia-smi's MiB / 1024.
    public var memoryGiB: Double
    /// Dense bf16 tensor-core peak, TFLOP/s (no structured sparsity).
    public var bf16PeakTFLOPs: Double

    public init(name: String, memoryGiB: Double, bf16PeakTFLOPs: Double) {
        self.name = name
        self.memoryGiB = memoryGiB
        self.bf16PeakTFLOPs = bf16PeakTFLOPs
    }

    public var memoryBytes: Double { memoryGiB * gib }

    public static let a100_40gb = DeviceProfile(name: "a100-40gb", memoryGiB: 40, bf16PeakTFLOPs: 312)
    public static let a100_80gb = DeviceProfile(name: "a100-80gb", memoryGiB: 80, bf16PeakTFLOPs: 312)
    public static let h100_80gb = DeviceProfile(name: "h100-80gb", memoryGiB: 81559.0 / 1024, bf16PeakTFLOPs: 989)
    public static let h200 = DeviceProfile(name: "h200", memoryGiB: 143771.0 / 1024, bf16PeakTFLOPs: 989)

    public static let all: [DeviceProfile] = [a100_40gb, a100_80gb, h100_80gb, h200]

    public static func named(_ name: String) throws -> DeviceProfile {
        if let found = all.first(where: { $0.name == name }) { return found }
        throw MetricsError.unknown("device", name, all.map(\.name))
    }
}

/// Bytes in a GiB. The paper's memory figures (PyTorch's counters) are in this unit.
public let gib = 1_073_741_824.0
