import Support
import Foundation
import Testing

@Suite struct SHA256Tests {
    /// FIPS 180-4 example vectors.
    @Test func knownVectors() {
        #expect(SHA256.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Feeding the data in odd-sized chunks (across block boundaries) and as a file gives the same digest.
    @Test func chunkedAndFileDigestsAgree() throws {
        let bytes = randomBytes(10_000, seed: 7)
        var sha = SHA256()
        var i = 0
        for size in [1, 63, 64, 65, 127, 1000].cycled(until: bytes.count) {
            let end = min(bytes.count, i + size)
            sha.update(bytes[i..<end])
            i = end
            if i == bytes.count { break }
        }
        let chunked = sha.finish().map { String(format: "%02x", $0) }.joined()
        #expect(chunked == SHA256.hex(bytes))
        let dir = try temporaryDirectory("sha")
        let file = dir.appendingPathComponent("x.bin")
        try write(bytes, to: file)
        #expect(try SHA256.hex(fileAt: file) == chunked)
    }
}

extension Array {
    /// The elements repeated until their running total of sizes reaches `total` (for chunking).
    func cycled(until total: Int) -> [Element] where Element == Int {
        var out: [Int] = []
        var sum = 0
        while sum < total { for x in self { out.append(x); sum += x } }
        return out
    }
}
