/// Vectorised row operations of the attention kernel: the forward's final 1/l scaling and
/// the backward's D = dO . O. (Everything that needs exp is in C: `OnlineSoftmax`, SwiGLU,
/// the cross-entropy.) Rows are contiguous Floats; SIMD8 main loop plus a scalar tail.
enum TileMath {
    typealias V = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
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
