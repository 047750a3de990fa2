import Foundation

/// An error caused by the user's input or environment, not by a bug.
///
/// The command line prints `message` on one line (plus `hint`, if any) and exits
/// with `exitCode`; it never shows a stack trace for these. Messages name the file,
/// line or key at fault and what was expected, e.g.
/// `experiments/x.yaml:12: key 'finetune.grup' is unknown (did you mean 'group'?)`.
public struct UserError: Error, CustomStringConvertible, Equatable {
    public var message: String
    /// A command that fixes the problem, when there is one (`apt-get install ...`).
    public var hint: String?
    public var exitCode: Int32

    public init(_ message: String, hint: String? = nil, exitCode: Int32 = 2) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    public var description: String {
        hint.map { "\(message)\n  fix: \($0)" } ?? message
    }

    /// For subcommands whose issue has not landed yet: says so and exits 2.
    public static func notImplemented(_ command: String) -> UserError {
        UserError("longlora \(command): not implemented yet")
    }
}
