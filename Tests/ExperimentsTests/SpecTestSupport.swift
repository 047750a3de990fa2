import Experiments
import Support
import Testing

/// Parses and expands a spec; returns the runs, or throws the user-facing error.
func expand(_ yaml: String, set: [String] = []) throws -> [PlannedRun] {
    try Sweep.expand(try SpecParser.parse(yaml, file: "t.yaml", overrides: set))
}

/// The single run of the micro spec (`microSpec`, one 3-step fine-tune) under `settings`.
func microRun(_ settings: [String]) throws -> PlannedRun {
    try #require(try expand(microSpec(corpus: "tiny", steps: "[3]"), set: settings).first)
}

/// The one-line message a user would see for this spec, or nil if it is valid.
func specError(_ yaml: String, set: [String] = []) -> String? {
    do {
        _ = try expand(yaml, set: set)
        return nil
    } catch let error as UserError {
        return error.message
    } catch {
        return "unexpected error type: \(error)"
    }
}

/// The smallest valid spec: everything else defaulted.
let minimalSpec = "experiment: t\n"
