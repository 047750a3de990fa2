import Crypto
import Foundation
import Hashing
import Support
import Testing

/// SHA-256 is swift-crypto's; these pin the hex form the manifests and content hashes store,
/// and the chunked file reader.
@Suite struct SHA256Tests {
    /// FIPS 180-4 example vectors.
    @Test func knownVectorsAsHex() {
        #expect(SHA256.hash(data: Array("".utf8)).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(data: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(data: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// A file is read in 1 MiB chunks: one of a million 'a's (FIPS 180-4's long vector) and
    /// one across three chunk boundaries give the digests of their bytes.
    @Test func fileDigestsReadInChunks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let million = dir.appendingPathComponent("a.txt")
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: million)
        #expect(try SHA256.hash(fileAt: million).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")

        var state: UInt64 = 7
        let bytes = (0..<(3 << 20) + 5).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let file = dir.appendingPathComponent("x.bin")
        try Data(bytes).write(to: file)
        #expect(try SHA256.hash(fileAt: file) == SHA256.hash(data: bytes))
    }

    /// The code fingerprint hashes with coreutils' sha256sum (its build tool must not link
    /// swift-crypto): the same digests.
    @Test func codeFingerprintAgreesWithSwiftCrypto() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("// a\n".utf8).write(to: dir.appendingPathComponent("Package.swift"))
        try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }).write(to: dir.appendingPathComponent("Sources/b c.bin"))
        var text = ""
        for path in ["Package.swift", "Sources/b c.bin"] {
            text += "file \(path) \(try SHA256.hash(fileAt: dir.appendingPathComponent(path)).hex)\n"
        }
        text += "dependency x 1234\n"
        #expect(try CodeFingerprint.of(root: dir, files: CodeFingerprint.inputFiles(root: dir), dependencies: ["x 1234"])
                == SHA256.hash(data: Array(text.utf8)).hex)
    }

    @Test func unreadableFileIsAUserError() {
        #expect(throws: UserError.self) { try SHA256.hash(fileAt: URL(fileURLWithPath: "/nonexistent/x.bin")) }
    }
}
