import ArgumentParser
import Foundation
import Results
import Support

/// Hidden from --help: reads a result file whole and, with `--sealed-copy`, writes it there
/// sealed; exits 0, or fails. The command line runs it in a child process on result files
/// from before seals (`UnsealedResultCheck`) and reads the copy, so that libhdf5 crashing or
/// hanging on a damaged one cannot take the real command with it.
struct ReadResultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-read-result", abstract: "Read a result file in isolation.", shouldDisplay: false)

    @Argument(help: "The result file.")
    var file: String

    /// Where to write what was read, sealed.
    @Option(help: .hidden) var sealedCopy: String?

    /// The process that waits for this read (it may be gone before this one starts).
    @Option(help: .hidden) var parentPid: Int32?
    /// Tests only: wait this long before reading, as a read stuck inside libhdf5 would.
    @Option(help: .hidden) var holdSeconds: Double = 0

    func run() throws {
        UnsealedResultCheck.isolatedRead = nil
        Self.exitWithParent(parentPid ?? getppid())
        if holdSeconds > 0 { usleep(useconds_t(min(holdSeconds, 3600) * 1e6)) }
        let read = try ResultFile.read(URL(fileURLWithPath: file))
        if let sealedCopy { try read.write(URL(fileURLWithPath: sealedCopy)) }
    }

    /// A read stuck in libhdf5 would outlive a parent killed from outside (by `timeout`, a
    /// CI step, Ctrl-C on the parent alone) and spin for ever: once this process is
    /// reparented, it exits.
    static func exitWithParent(_ parent: Int32) {
        if getppid() != parent { _exit(2) }
        Thread.detachNewThread {
            while true {
                usleep(100_000)
                if getppid() != parent { _exit(2) }
            }
        }
    }

    /// Reads `url` in a child `longlora debug-read-result` that writes it, sealed, to `copy`;
    /// throws a `UserError` naming the file when the child fails, is killed or does not
    /// finish in time.
    static func isolatedRead(_ url: URL, into copy: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [configuration.commandName!, url.path, "--sealed-copy", copy.path, "--parent-pid", String(getpid())]
        // The child's stderr goes to a file, not a pipe: a pipe read only after the child ends
        // would stall a child that writes more than the pipe holds (libhdf5's error stacks).
        let errorsURL = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-read-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorsURL.path, contents: nil),
              let errors = try? FileHandle(forWritingTo: errorsURL) else {
            throw UserError("\(url.path): cannot create \(errorsURL.path) for the process that reads this result file from before seals")
        }
        defer { try? errors.close(); try? FileManager.default.removeItem(at: errorsURL) }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw UserError("\(url.path): cannot start a process to read this result file from before seals: \(error.localizedDescription)")
        }
        // A whole result file reads in well under a second; a minute is a hang.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        let hint = "it was written before result files were sealed and is damaged: restore it from a copy or rerun the experiment"
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw UserError("\(url.path): libhdf5 did not finish reading this result file within 60 s", hint: hint)
        }
        let message = String(decoding: (try? Data(contentsOf: errorsURL)) ?? Data(), as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0): return
        case (.exit, 2) where message.hasPrefix("error: "):
            // The child's own input error already names the file.
            throw UserError(String(message.dropFirst(7)))
        case (.exit, TrapExit.status):
            throw UserError("\(url.path): libhdf5 crashed reading this result file (in a separate process)", hint: hint)
        default:
            throw UserError("\(url.path): libhdf5 failed reading this result file (\(process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(process.terminationStatus))",
                            hint: hint)
        }
    }
}
