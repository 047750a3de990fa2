import Crypto
import Foundation
import Hashing
import Support

/// The integrity seal of a result file, checked before libhdf5 sees a byte of it.
///
/// libhdf5 1.10 can segfault or loop forever on a corrupted file, so a reader must know
/// the bytes are the ones that were written before it opens them. Every result file is
/// created with a 512-byte HDF5 user block (which libhdf5, h5py and h5dump skip) and,
/// once closed, that block is filled with a text seal:
///
///     LONGLORA-RESULT-SEAL 1
///     bytes <count of bytes after the block>
///     sha256 <SHA-256 hex of those bytes>
///
/// padded with NUL bytes. Files written before the seal existed start with the HDF5
/// signature instead; they are read unverified.
public enum ResultChecksum {
    /// Size of the user block; HDF5 needs a power of two of at least 512.
    static let blockSize = 512
    static let magic = "LONGLORA-RESULT-SEAL 1\n"
    /// The HDF5 format signature, at offset 0 of a file without a user block.
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

    /// What `verify` found.
    public enum Status: Equatable, Sendable {
        /// The seal matches the bytes.
        case sealed
        /// A plain HDF5 file from before seals existed: readable, but not verified.
        case unsealed
    }

    /// Fills the reserved block of the closed file at `url` with its seal.
    static func seal(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        let bytes = [UInt8](handle.readDataToEndOfFile())
        guard bytes.count > blockSize, bytes[0..<blockSize].allSatisfy({ $0 == 0 }) else {
            throw UserError("\(url.path): cannot seal: the file has no empty \(blockSize)-byte user block")
        }
        let body = bytes[blockSize...]
        var block = Array("\(magic)bytes \(body.count)\nsha256 \(SHA256.hash(data: body).hex)\n".utf8)
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: Data(block))
    }

    /// Checks the file at `url` before any HDF5 call: a sealed file must match its seal;
    /// anything that is neither sealed nor an HDF5 file is refused, naming the file.
    public static func verify(_ url: URL) throws -> Status {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw UserError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: hdf5Signature) { return .unsealed }
        guard bytes.starts(with: Array(magic.utf8)) else {
            throw UserError("\(url.path): not a result file (it starts with neither a result seal nor the HDF5 signature)")
        }
        guard bytes.count >= blockSize else {
            throw UserError("\(url.path): corrupted result file: \(bytes.count) bytes, shorter than its \(blockSize)-byte seal")
        }
        let fields = Self.fields(bytes[0..<blockSize])
        let body = bytes[blockSize...]
        guard let expectedCount = fields["bytes"].flatMap(Int.init), let expectedHash = fields["sha256"] else {
            throw UserError("\(url.path): corrupted result file: its seal lacks 'bytes' or 'sha256'")
        }
        guard body.count == expectedCount else {
            throw UserError("\(url.path): corrupted result file: the seal promises \(expectedCount) bytes after it, the file holds \(body.count) (truncated or appended to)")
        }
        let actual = SHA256.hash(data: body).hex
        guard actual == expectedHash else {
            throw UserError("\(url.path): corrupted result file: SHA-256 of its contents is \(actual), the seal says \(expectedHash)",
                            hint: "restore the file from a copy or rerun the experiment; a corrupted file is never opened")
        }
        return .sealed
    }

    /// `key value` lines of the seal, up to the first NUL.
    private static func fields(_ block: ArraySlice<UInt8>) -> [String: String] {
        let text = String(decoding: block.prefix { $0 != 0 }, as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }
}
