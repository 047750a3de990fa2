/// The ggml tensor types this harness reads, with their block layouts (llama.cpp's
/// `ggml-common.h`): a block of `blockSize` weights takes `blockBytes` bytes.
public enum GGMLType: UInt32, CaseIterable, Sendable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q8_0 = 8, q4_K = 12, q6_K = 14, bf16 = 30

    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q8_0: "Q8_0"
        case .q4_K: "Q4_K"
        case .q6_K: "Q6_K"
        case .bf16: "BF16"
        }
    }

    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q8_0: 32
        case .q4_K, .q6_K: 256
        }
    }

    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: 2 + 16        // d, 32 4-bit quants
        case .q4_1: 2 + 2 + 16    // d, m, 32 4-bit quants
        case .q8_0: 2 + 32        // d, 32 int8 quants
        case .q4_K: 2 + 2 + 12 + 128  // d, dmin, 8 6-bit scale/min pairs, 256 4-bit quants
        case .q6_K: 128 + 64 + 16 + 2 // low 4 bits, high 2 bits, 16 int8 scales, d
        }
    }
}

/// Dequantization of ggml blocks to float32, in the arithmetic order of llama.cpp's reference
/// `dequantize_row_*` (a float scale times an integer quant, minus a float offset), so results
/// equal the `gguf` Python package's.
public enum GGMLDequantize {
    /// `bytes` holds exactly count / blockSize blocks of `type` (the caller checked the size).
    public static func values(_ bytes: UnsafeRawBufferPointer, type: GGMLType, count: Int) -> [Float] {
        precondition(count % type.blockSize == 0 && bytes.count == count / type.blockSize * type.blockBytes)
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            let y = out.baseAddress!
            func u8(_ i: Int) -> UInt8 { bytes[i] }
            func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 }
            func half(_ i: Int) -> Float { HalfPrecision.float(half: u16(i)) }
            let blocks = count / type.blockSize, bb = type.blockBytes
            switch type {
            case .f32:
                for i in 0..<count {
                    y[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case .f16: for i in 0..<count { y[i] = half(2 * i) }
            case .bf16: for i in 0..<count { y[i] = HalfPrecision.float(bfloat16: u16(2 * i)) }
            case .q4_0:
                // x[j] = (low nibble - 8) d, x[j + 16] = (high nibble - 8) d.
                for b in 0..<blocks {
                    let o = b * bb, d = half(o), dst = y + b * 32
                    for j in 0..<16 {
                        let q = u8(o + 2 + j)
                        dst[j] = Float(Int(q & 0x0F) - 8) * d
                        dst[j + 16] = Float(Int(q >> 4) - 8) * d
                    }
                }
            case .q4_1:
                for b in 0..<blocks {
                    let o = b * bb, d = half(o), m = half(o + 2), dst = y + b * 32
                    for j in 0..<16 {
                        let q = u8(o + 4 + j)
                        dst[j] = Float(q & 0x0F) * d + m
                        dst[j + 16] = Float(q >> 4) * d + m
                    }
                }
            case .q8_0:
                for b in 0..<blocks {
                    let o = b * bb, d = half(o), dst = y + b * 32
                    for j in 0..<32 { dst[j] = Float(Int8(bitPattern: u8(o + 2 + j))) * d }
                }
            case .q4_K:
                for b in 0..<blocks {
                    let o = b * bb, d = half(o), dmin = half(o + 2), scales = o + 4
                    var q = o + 16, dst = y + b * 256
                    // 6-bit scale and min of sub-block j (of 8), packed in 12 bytes.
                    func scaleMin(_ j: Int) -> (Float, Float) {
                        if j < 4 { return (Float(u8(scales + j) & 63), Float(u8(scales + j + 4) & 63)) }
                        let sc = (u8(scales + j + 4) & 0x0F) | ((u8(scales + j - 4) >> 6) << 4)
                        let mn = (u8(scales + j + 4) >> 4) | ((u8(scales + j) >> 6) << 4)
                        return (Float(sc), Float(mn))
                    }
                    for pair in 0..<4 {
                        let (s1, m1) = scaleMin(2 * pair), (s2, m2) = scaleMin(2 * pair + 1)
                        let d1 = d * s1, o1 = dmin * m1, d2 = d * s2, o2 = dmin * m2
                        for l in 0..<32 { dst[l] = d1 * Float(u8(q + l) & 0x0F) - o1 }
                        for l in 0..<32 { dst[l + 32] = d2 * Float(u8(q + l) >> 4) - o2 }
                        q += 32
                        dst += 64
                    }
                }
            case .q6_K:
                for b in 0..<blocks {
                    let o = b * bb, d = half(o + 208)
                    var ql = o, qh = o + 128, sc = o + 192, dst = y + b * 256
                    for _ in 0..<2 {
                        for l in 0..<32 {
                            let s = l / 16, h = u8(qh + l)
                            let q1 = Int((u8(ql + l) & 0x0F) | ((h & 3) << 4)) - 32
                            let q2 = Int((u8(ql + l + 32) & 0x0F) | (((h >> 2) & 3) << 4)) - 32
                            let q3 = Int((u8(ql + l) >> 4) | (((h >> 4) & 3) << 4)) - 32
                            let q4 = Int((u8(ql + l + 32) >> 4) | (((h >> 6) & 3) << 4)) - 32
                            func scale(_ k: Int) -> Float { d * Float(Int8(bitPattern: u8(sc + k))) }
                            dst[l] = scale(s) * Float(q1)
                            dst[l + 32] = scale(s + 2) * Float(q2)
                            dst[l + 64] = scale(s + 4) * Float(q3)
                            dst[l + 96] = scale(s + 6) * Float(q4)
                        }
                        dst += 128
                        ql += 64
                        qh += 32
                        sc += 8
                    }
                }
            }
            initialized = count
        }
    }
}
