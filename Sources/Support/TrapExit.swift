#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A trap (a failed precondition: a bug, since input errors are `UserError`s) on any thread
/// ends the process at once with a line on stderr and exit status 70, after the runtime's own
/// "Fatal error: ..." line. Left to the Swift backtracer, a trap on a worker thread could hang:
/// it suspends every other thread first ("failed to suspend thread"), and a leftover
/// `swift-backtrace` kept the output pipe open for minutes, so a CI step never ended.
/// With `SWIFT_BACKTRACE` set in the environment the backtracer stays, for debugging.
public enum TrapExit {
    public static let status: Int32 = 70

    /// The message per signal number, made before any signal: a handler may only call
    /// async-signal-safe functions (`write`, `_exit`), so it cannot format text.
    /// (A raw table: reading a Swift array there would retain and release its buffer.)
    nonisolated(unsafe) static var messages: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>?
    static let signalCount = 65

    public static func install() {
        guard ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil, messages == nil else { return }
        let names: [Int32: String] = [SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS",
                                      SIGFPE: "SIGFPE", SIGABRT: "SIGABRT"]
        let table = UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>.allocate(capacity: signalCount)
        for signal in 0..<signalCount {
            let name = names[Int32(signal)] ?? "signal \(signal)"
            let text = "error: longlora stopped on an internal error (\(name)): this is a bug, not a problem with the input; please report it with the command that caused it\n"
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
            _ = buffer.initialize(from: text.utf8)
            table[signal] = UnsafeBufferPointer(buffer)
        }
        messages = table
        // An alternate stack, so that a stack overflow on the main thread still reaches the handler.
        let size = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        sigaltstack(&stack, nil)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = trapHandler
        #else
        action.__sigaction_u.__sa_handler = trapHandler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_ONSTACK)
        for signal in names.keys { sigaction(signal, &action, nil) }
    }
}

private func trapHandler(_ signal: Int32) {
    if let table = TrapExit.messages, signal >= 0, Int(signal) < TrapExit.signalCount {
        let message = table[Int(signal)]
        _ = write(2, message.baseAddress, message.count)
    }
    _exit(TrapExit.status)
}
