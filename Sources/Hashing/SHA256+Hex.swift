import Crypto
import Foundation
import Support

/// SHA-256 comes from swift-crypto (BoringSSL on Linux); manifests and content hashes store
/// its digests as lower-case hex.
extension Digest {
    public var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension SHA256 {
    /// Digest of a file, read in 1 MiB chunks so that large sources (set.mm's 41 MB) are
    /// never held whole.
    public static func hash(fileAt url: URL) throws -> SHA256.Digest {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw UserError("cannot read \(url.path) to checksum it")
        }
        defer { try? handle.close() }
        var sha = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { sha.update(data: chunk) }
        return sha.finalize()
    }
}
