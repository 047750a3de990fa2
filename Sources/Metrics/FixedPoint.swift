/// Fixed-point text with `decimals` digits (no locale, no exponent).
public func fixed(_ x: Double, _ decimals: Int) -> String {
    let r = roundTo(x, decimals)
    if decimals <= 0 { return String(Int64(r)) }
    let negative = r < 0
    var scaled = (abs(r) * pow10(decimals)).rounded()
    let unit = pow10(decimals)
    let whole = (scaled / unit).rounded(.down)
    scaled -= whole * unit
    var frac = String(Int64(scaled))
    frac = String(repeating: "0", count: max(0, decimals - frac.count)) + frac
    return (negative ? "-" : "") + String(Int64(whole)) + "." + frac
}

func pow10(_ n: Int) -> Double {
    var x = 1.0
    for _ in 0..<max(0, n) { x *= 10 }
    return x
}
