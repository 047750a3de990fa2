import Foundation
import Support
import Testing
@testable import Experiments

/// A spec that is not a UTF-8 YAML file is refused with the file's name (and line), not
/// the system's message ("The file isn't in the correct format", "NSCocoaErrorDomain
/// error 256", "You don't have permission").
@Suite struct SpecFileTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("specfile-\(UUID().uuidString)")

    func message(_ bytes: [UInt8]?, name: String = "s.yaml") throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        if let bytes { try Data(bytes).write(to: url) }
        do { _ = try SpecParser.load(url); return "accepted" } catch let error as UserError { return error.message }
    }

    @Test func encodingsAndControlCharactersNameTheFileAndLine() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = Array("experiment: t\n".utf8)
        #expect(try message(good) == "accepted")
        #expect(try message([0xEF, 0xBB, 0xBF] + good) == "accepted")  // a UTF-8 byte order mark is fine
        #expect(try message([0xFF, 0xFE] + Array("e\0x\0".utf8)).hasSuffix("s.yaml is UTF-16 encoded; save it as UTF-8"))
        let latin1 = good + Array("description: caf".utf8) + [0xE9, 0x0A]
        #expect(try message(latin1).hasSuffix("s.yaml:2: byte 0xE9 at column 17 is not UTF-8; a spec is UTF-8 text"))
        let bell = good + Array("description: a".utf8) + [0x07, 0x0A]
        #expect(try message(bell).hasSuffix("s.yaml:2: control character U+0007 at column 15; YAML allows only tab, newline and carriage return"))
        #expect(try message(good + Array("description: \"é ✓ 𝄞\"\n".utf8)) == "accepted")
    }

    @Test func directoriesDevicesMissingAndHugeFilesAreRefused() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("d.yaml"), withIntermediateDirectories: true)
        #expect(try message(nil, name: "d.yaml").hasSuffix("d.yaml is a directory; expected a YAML file"))
        #expect(try message(nil, name: "missing.yaml").contains("cannot read spec") == true)
        #expect(try message(nil, name: "missing.yaml").contains("No such file"))
        do { _ = try SpecParser.load(URL(fileURLWithPath: "/dev/null")); Issue.record("/dev/null accepted") } catch let error as UserError {
            #expect(error.message == "spec /dev/null is not a regular file (a FIFO, socket or device); expected a YAML file")
        }
        let fifo = dir.appendingPathComponent("f.yaml")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect(try message(nil, name: "f.yaml").hasSuffix("f.yaml is not a regular file (a FIFO, socket or device); expected a YAML file"))
        let huge = [UInt8](repeating: 0x23, count: SpecFile.maximumBytes + 1)
        #expect(try message(huge).contains("a spec is at most 1048576 bytes of YAML"))
    }
}
