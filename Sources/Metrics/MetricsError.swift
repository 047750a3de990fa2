import Support

enum MetricsError {
    /// "unknown device 'x'; expected one of: a, b".
    static func unknown(_ what: String, _ name: String, _ choices: [String]) -> UserError {
        UserError("unknown \(what) '\(name)'; expected one of: \(choices.joined(separator: ", "))")
    }
}
