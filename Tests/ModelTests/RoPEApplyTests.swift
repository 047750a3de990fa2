import Foundation
import Kernels
@testable import Model
import Testing

/// RoPE's rotation (C kernel) against float64 from the table's own angles, for head sizes
/// that leave every tail of its 16-lane loop, a batch of sequences (period < rows) and row
/// counts that cross its 64-row work items; the inverse undoes it, and one and two threads
/// give the same bits.
@Suite struct RoPEApplyTests {
    @Test(arguments: [32, 24, 6, 64])
    func rotatesAsTheTableSays(hd: Int) {
        let period = 70, rows = 140, heads = 3, half = hd / 2
        let table = RoPE().table(positions: 5..<(5 + period), headDim: hd)
        let x = RMSNormTests.values(rows * heads * hd, seed: 11).map { 2 * $0 - 1 }
        var y = x
        y.withUnsafeMutableBufferPointer { table.apply($0.baseAddress!, rows: rows, heads: heads, period: period, threads: 2) }
        for r in 0..<rows {
            let t = r % period
            for h in 0..<heads {
                let o = (r * heads + h) * hd
                for i in 0..<half {
                    let c = Double(table.cos[t * half + i]), s = Double(table.sin[t * half + i])
                    let x1 = Double(x[o + i]), x2 = Double(x[o + half + i])
                    #expect(abs(Double(y[o + i]) - (x1 * c - x2 * s)) < 1e-6, "hd \(hd) row \(r) head \(h) i \(i)")
                    #expect(abs(Double(y[o + half + i]) - (x2 * c + x1 * s)) < 1e-6, "hd \(hd) row \(r) head \(h) i \(i + half)")
                }
            }
        }
        var back = y
        back.withUnsafeMutableBufferPointer {
            table.apply($0.baseAddress!, rows: rows, heads: heads, period: period, inverse: true, threads: 2)
        }
        for i in 0..<x.count { #expect(abs(back[i] - x[i]) < 1e-5, "hd \(hd): inverse at \(i): \(back[i]) vs \(x[i])") }
        var serial = x
        serial.withUnsafeMutableBufferPointer { table.apply($0.baseAddress!, rows: rows, heads: heads, period: period, threads: 1) }
        #expect(serial == y, "hd \(hd): one thread and two differ")
    }
}
