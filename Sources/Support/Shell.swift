import Foundation

/// Runs external programs (git, gnuplot, the `bible` program) without a shell.
public enum Shell {
    public struct Result {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
    }

    /// Runs `arguments[0]` found on PATH. Returns nil if it cannot be started.
    public static func run(_ arguments: [String], input: Data? = nil, in directory: URL? = nil) -> Result? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do { try process.run() } catch { return nil }
        // Feed stdin and drain stderr on other threads while this one reads stdout,
        // so a child that fills one pipe while we wait on another cannot deadlock.
        if let input {
            let writer = inPipe.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(input)
                try? writer.close()
            }
        }
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let errData = errBox.data
        return Result(status: process.terminationStatus, stdout: outData, stderr: errData)
    }

    /// Standard output of a successful run, as UTF-8; nil on failure.
    public static func output(_ arguments: [String], in directory: URL? = nil) -> String? {
        guard let result = run(arguments, in: directory), result.status == 0 else { return nil }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// Whether `program` is on PATH.
    public static func has(_ program: String) -> Bool {
        run(["sh", "-c", "command -v \(program)"])?.status == 0
    }
}

/// Carries the stderr bytes out of the reader thread; `DispatchGroup.wait` orders the accesses.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
