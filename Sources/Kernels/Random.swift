/// SplitMix64: a small, fast, seedable generator with a fixed algorithm, so a seed
/// gives the same numbers on every platform and Swift version (SystemRandomNumberGenerator
/// is not seedable; Swift's default generators are not guaranteed stable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Standard normal via Box-Muller (one value per call; simple and deterministic).
    public mutating func nextGaussian() -> Double {
        var u = nextUniform()
        while u <= .leastNonzeroMagnitude { u = nextUniform() }
        let v = nextUniform()
        return (-2 * _log(u)).squareRoot() * _cos(2 * .pi * v)
    }

    /// Derives an independent stream for a named purpose (init, data order, LoRA, ...)
    /// so that adding one consumer does not shift the numbers of another.
    public func fork(_ purpose: String) -> SplitMix64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the purpose
        for byte in purpose.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var g = SplitMix64(seed: state ^ h)
        _ = g.next()
        return g
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
