import Foundation
@testable import Results
import Support
import Testing

/// The seal is checked before libhdf5 opens a file: every corruption below must end in a
/// `UserError` naming the file, which libhdf5 alone turned into crashes and hangs.
@Suite struct ResultChecksumTests {
    private func written() throws -> (dir: URL, url: URL, bytes: [UInt8]) {
        let dir = try Fixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("r.h5")
        try Fixtures.file([Fixtures.run(id: "run-0")]).write(url)
        return (dir, url, [UInt8](try Data(contentsOf: url)))
    }

    private func expectCorrupted(_ bytes: [UInt8], at url: URL, saying words: String) throws {
        try Data(bytes).write(to: url)
        do {
            _ = try ResultFile.read(url)
            Issue.record("corrupted file was read")
        } catch let error as UserError {
            #expect(error.message.contains(url.path))
            #expect(error.message.contains(words), "\(error.message)")
        }
    }

    @Test func writtenFilesAreSealedAndVerify() throws {
        let (dir, url, bytes) = try written()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(bytes.starts(with: Array(ResultChecksum.magic.utf8)))
        #expect(try ResultChecksum.verify(url) == .sealed)
        #expect(try ResultFile.read(url).runs.map(\.id) == ["run-0"])
    }

    @Test func aFlippedByteAnywhereIsCaught() throws {
        let (dir, url, bytes) = try written()
        defer { try? FileManager.default.removeItem(at: dir) }
        // One byte inside HDF5's own structures, one at the very end.
        for offset in [ResultChecksum.blockSize + 100, bytes.count - 1] {
            var corrupt = bytes
            corrupt[offset] ^= 0x5a
            try expectCorrupted(corrupt, at: url, saying: "SHA-256")
        }
    }

    @Test func truncatedAndExtendedFilesAreCaught() throws {
        let (dir, url, bytes) = try written()
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectCorrupted(Array(bytes.prefix(bytes.count / 2)), at: url, saying: "truncated")
        try expectCorrupted(bytes + [0, 1, 2], at: url, saying: "truncated or appended")
        try expectCorrupted(Array(bytes.prefix(100)), at: url, saying: "shorter than")
    }

    @Test func aDamagedSealIsCaught() throws {
        let (dir, url, bytes) = try written()
        defer { try? FileManager.default.removeItem(at: dir) }
        var noHash = bytes
        let text = Array("sha256".utf8)
        if let at = (0..<ResultChecksum.blockSize).first(where: { Array(noHash[$0..<$0 + text.count]) == text }) {
            noHash[at] = UInt8(ascii: "x")
        }
        try expectCorrupted(noHash, at: url, saying: "lacks")
        var garbage = bytes
        garbage[0] = UInt8(ascii: "X")
        try expectCorrupted(garbage, at: url, saying: "not a result file")
    }

    /// Files written before the seal start with the HDF5 signature and stay readable.
    @Test func unsealedFilesAreStillRead() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("old.h5")
        do {
            let root = try H5Group.create(url)  // no user block: the layout before seals
            try ResultCodec.encode(Fixtures.file([Fixtures.run(id: "run-0")]), to: root)
        }
        #expect(try ResultChecksum.verify(url) == .unsealed)
        #expect(try ResultFile.read(url).runs.map(\.id) == ["run-0"])
    }
}

/// A sealed file is intact, not necessarily well formed (another tool may have written
/// it): what readers index by must still be checked.
@Suite struct MalformedResultFileTests {
    private func sealed(_ file: ResultFile, edit: (H5Group) throws -> Void) throws -> URL {
        let dir = try Fixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("r.h5")
        do {
            let root = try H5Group.create(url, userBlock: ResultChecksum.blockSize)
            try ResultCodec.encode(file, to: root)
            try edit(root)
        }
        try ResultChecksum.seal(url)
        return url
    }

    @Test func columnsOfDifferentLengthsAreAnError() throws {
        let url = try sealed(Fixtures.file([Fixtures.run(id: "run-0")])) { root in
            let table = try root.openGroup("runs").openGroup("run-0").openGroup("eval").openGroup("pg19-mini")
            try table.writeDataset("extra", .double([1]))
        }
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(throws: UserError.self) { try ResultFile.read(url) }
    }

    @Test func aSeedBeyondInt64InADoubleIsAnError() throws {
        // Before: the reader converted the seed through Int64(Double) and trapped.
        let url = try sealed(Fixtures.file([])) { root in
            let runs = root.hasChild("runs") ? try root.openGroup("runs") : try root.createGroup("runs")
            let run = try runs.createGroup("run-0")
            try run.writeAttribute("status", .string("complete"))
            try run.writeAttribute("seed", .double(9.3e18))
        }
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(throws: UserError.self) { try ResultFile.read(url) }
    }
}
