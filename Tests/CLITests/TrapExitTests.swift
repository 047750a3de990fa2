import Foundation
import Testing

/// A bug that traps, on the main thread or on a loop worker, ends the process within
/// seconds with exit status 70 and a message, never with a signal or a hang.
@Suite struct TrapExitTests {
    @Test(arguments: [[], ["--worker"]])
    func aTrapExitsPromptlyWithAMessage(extra: [String]) throws {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["debug-trap"] + extra
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = nil
        process.environment = environment
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let hung = process.isRunning
        if hung { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!hung, "still running after 30 s")
        #expect(process.terminationReason == .exit && process.terminationStatus == 70, "\(process.terminationReason) \(process.terminationStatus): \(stderr)")
        #expect(stderr.contains("debug-trap on ") && stderr.contains("internal error"), "\(stderr)")
    }
}
