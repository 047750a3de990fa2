import Support

/// The `.message` events a stage or runner reports, in order, for tests that check what it
/// said (resumed, carried on, ...).
final class ProgressMessages: @unchecked Sendable {
    var texts: [String] = []

    var sink: ProgressSink {
        { [self] event in if case .message(let text) = event { texts.append(text) } }
    }
}
