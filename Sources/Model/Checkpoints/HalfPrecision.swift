/// IEEE half (binary16) and bfloat16 bit patterns widened to Float, exactly (every value of
/// either format is a Float). Written out rather than using `Float16`, which some platforms lack.
public enum HalfPrecision {
    @inline(__always)
    public static func float(half h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))  // inf or NaN
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        }
    }

    @inline(__always)
    public static func float(bfloat16 b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }
}
