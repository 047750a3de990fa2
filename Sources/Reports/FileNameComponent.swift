import Results
import Support

/// A name taken from a spec or a result file that becomes part of a file name (an
/// experiment, a figure). Checked where it is used, so a crafted result file cannot
/// write outside the output folder (`../../x`) or smuggle control characters into a
/// path or a gnuplot script.
enum FileNameComponent {
    static let maxLength = 128

    /// Returns `name` if it is one plain path component, else throws naming `what`.
    static func check(_ name: String, what: String) throws -> String {
        let problem: String?
        if name.isEmpty {
            problem = "is empty"
        } else if name.count > maxLength {
            problem = "is \(name.count) characters long (at most \(maxLength))"
        } else if name.contains("/") || name.contains("\\") {
            problem = "contains a path separator"
        } else if name.hasPrefix(".") {
            problem = "starts with '.' ('..' would leave the folder, '.x' would be hidden)"
        } else if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problem = "contains a control character"
        } else {
            problem = nil
        }
        if let problem {
            throw UserError("\(what) \(String(reflecting: name)) \(problem); it is used in a file name",
                            hint: "use letters, digits, '-', '_' and '.' (not first)")
        }
        return name
    }
}
