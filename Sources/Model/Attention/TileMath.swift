/// Vectorised row operations: the cross-entropy's softmax, SwiGLU's sigmoid and the
/// attention backward's D = dO . O. (The attention's own softmax is `OnlineSoftmax`, in C.)
/// Rows are contiguous Floats; SIMD8 main loop plus a scalar tail.
enum TileMath {
    typealias V = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// exp(x) for float32 to about 2 ulp (Cephes polynomial on [-ln2/2, ln2/2] after
    /// range reduction); exactly 0 below -87, so masked scores (-inf) give 0, never NaN.
    /// Scalar `exp` on every score would cost more than the tile products at hd = 32.
    @inline(__always) static func exp(_ x: V) -> V {
        // Clamp to [-87, 88] with selects: the generic pointwiseMin/Max are not inlined.
        let low = x .< -87
        let c = x.replacing(with: -87, where: low).replacing(with: 88, where: x .> 88)
        // Round c*log2(e) to an integer k with the 1.5*2^23 trick: k sits in the low mantissa bits.
        let shifter: Float = 12_582_912
        let t = fma(c, V(repeating: 1.442_695_04), V(repeating: shifter))
        let k = t - shifter
        // r = c - k ln2, with ln2 split in two so that k * ln2_hi is exact.
        let r = fma(k, V(repeating: 2.121_944_4e-4), fma(k, V(repeating: -0.693_359_375), c))
        var p = V(repeating: 1.987_569_15e-4)
        p = fma(p, r, V(repeating: 1.398_199_950_7e-3))
        p = fma(p, r, V(repeating: 8.333_451_907_3e-3))
        p = fma(p, r, V(repeating: 4.166_579_589_4e-2))
        p = fma(p, r, V(repeating: 1.666_666_545_9e-1))
        p = fma(p, r, V(repeating: 5.000_000_120_1e-1))
        let y: V = fma(p, r * r, r + 1)
        // 2^k: (k + 127) << 23, with k read from t's bits (t = 0x4B400000 + k as bits).
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(bits &<< 23, to: V.self)
        let product: V = y * scale
        return product.replacing(with: 0, where: low)
    }

    @inline(__always) static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    /// a * b + c: one fused instruction where the build targets FMA hardware (Package.swift);
    /// elsewhere a multiply and an add, since a fused `addingProduct` without the hardware is
    /// a libm call per lane (5.6x slower training steps).
    @inline(__always) static func fma(_ a: V, _ b: V, _ c: V) -> V {
        #if LONGLORA_HASWELL_ISA
        c.addingProduct(a, b)
        #else
        a * b + c
        #endif
    }

    /// max of row[0..<count] (-inf when every entry is -inf).
    @inline(__always) static func rowMax(_ row: UnsafePointer<Float>, count: Int) -> Float {
        var m = V(repeating: -.infinity)
        var c = 0
        while c + 8 <= count { let x = load(row + c); m = m.replacing(with: x, where: x .> m); c += 8 }
        var s = m.max()
        while c < count { s = max(s, row[c]); c += 1 }
        return s
    }

    /// row = exp(row - shift) in place; returns the sum of the new row.
    @inline(__always) static func expShifted(_ row: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        let sv = V(repeating: shift)
        var acc = V(repeating: 0)
        var c = 0
        while c + 8 <= count {
            let e = exp(load(row + c) - sv)
            store(e, row + c)
            acc += e
            c += 8
        }
        var s = acc.sum()
        while c < count { row[c] = exp(row[c] - shift); s += row[c]; c += 1 }
        return s
    }

    /// row *= factor.
    @inline(__always) static func scale(_ row: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        var c = 0
        while c + 8 <= count { store(load(row + c) * factor, row + c); c += 8 }
        while c < count { row[c] *= factor; c += 1 }
    }

    /// sum of a[i] * b[i].
    @inline(__always) static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V(repeating: 0)
        var c = 0
        while c + 8 <= count { acc += load(a + c) * load(b + c); c += 8 }
        var s = acc.sum()
        while c < count { s += a[c] * b[c]; c += 1 }
        return s
    }
}
