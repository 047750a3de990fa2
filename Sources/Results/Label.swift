import Foundation

/// How keys and numbers read in tables, figure legends and file names: integers
/// without a decimal point (`1024`, not `1024.0`), other numbers in their shortest form.
public enum Label {
    public static func number(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// A JSON value (from `JSONSerialization`) as a label; nil for objects and arrays.
    public static func json(_ value: Any) -> String? {
        switch value {
        case let s as String: return s
        case let n as NSNumber:
            // JSONSerialization turns true/false into NSNumber of type "c".
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return number(n.doubleValue)
        case is NSNull: return "null"
        default: return nil
        }
    }

    /// Formats `x` with a fixed number of decimals.
    public static func fixed(_ x: Double, digits: Int) -> String {
        String(format: "%.\(max(0, digits))f", x)
    }
}
