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
        if let input {
            inPipe.fileHandleForWriting.write(input)
            try? inPipe.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a chatty child cannot fill one and block.
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
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
