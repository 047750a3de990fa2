import Foundation
import Support

/// A memory-mapped stream of token ids with document boundaries: one split of a built
/// corpus, or a LongLoRA evaluation `.bin`.
///
/// Shard file layout (little-endian):
///   magic "LLTSHRD1" (8 bytes) | width: UInt32 (2 or 4) | reserved: UInt32 |
///   token count: UInt64 | document count: UInt64 |
///   ids: count x width bytes, zero-padded to a multiple of 8 |
///   document offsets: (documents + 1) x UInt64.
/// Documents are packed as in the paper: each document's tokens followed by EOS, so
/// document i spans `documentOffsets[i] ..< documentOffsets[i + 1]`, its EOS included.
public final class TokenShard: @unchecked Sendable {
    public let count: Int
    /// Bytes per id: 2 (uint16) or 4 (uint32).
    public let width: Int
    /// Start of every document, plus `count` at the end.
    public let documentOffsets: [Int]
    public let url: URL?
    private let ids: UnsafeRawPointer
    private let mapping: UnsafeMutableRawPointer?
    private let mappedLength: Int
    private let owned: UnsafeMutableRawPointer?

    static let magic = Array("LLTSHRD1".utf8)
    static let headerSize = 32

    public var documentCount: Int { documentOffsets.count - 1 }

    /// Opens a shard written by `TokenShardWriter`.
    public convenience init(contentsOf url: URL) throws {
        try self.init(mapping: url) { base, length in
            guard length >= Self.headerSize, Array(UnsafeRawBufferPointer(start: base, count: 8)) == Self.magic else {
                throw UserError("\(url.path): not a token shard (expected the 'LLTSHRD1' header); a LongLoRA .bin is read with TokenShard(longLoRABin:)")
            }
            let width = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            guard width == 2 || width == 4 else {
                throw UserError("\(url.path): token shard header field 'width' is \(width), expected 2 or 4 bytes per id")
            }
            let tokens = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            let documents = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            // Counts are bounded by the file's length before any size is computed from them.
            for (field, value, perItem) in [("token count", tokens, width), ("document count", documents, 8)]
            where value > UInt64(length / perItem) {
                throw UserError("\(url.path): token shard header field '\(field)' is \(value), more than the file's \(length) bytes can hold")
            }
            let count = Int(tokens), docs = Int(documents)
            let idBytes = (count * width + 7) / 8 * 8
            guard Self.headerSize + idBytes + (docs + 1) * 8 == length else {
                throw UserError("\(url.path): token shard is truncated or corrupt (width \(width), \(count) tokens, \(docs) documents, \(length) bytes)")
            }
            let offsetBase = base + Self.headerSize + idBytes
            let offsets = (0...docs).map { Int(UInt64(littleEndian: offsetBase.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
            guard offsets.first == 0, offsets.last == count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw UserError("\(url.path): document offsets are not increasing from 0 to \(count)")
            }
            return (base + Self.headerSize, count, width, offsets)
        }
    }

    /// Opens a LongLoRA evaluation file: a flat array of little-endian uint16 ids with no
    /// header and no document boundaries (one document).
    public convenience init(longLoRABin url: URL) throws {
        try self.init(mapping: url) { base, length in
            guard length % 2 == 0 else {
                throw UserError("\(url.path): \(length) bytes is not a whole number of uint16 token ids")
            }
            return (UnsafeRawPointer(base), length / 2, 2, [0, length / 2])
        }
    }

    private init(mapping url: URL,
                 _ parse: (UnsafeRawPointer, Int) throws -> (UnsafeRawPointer, Int, Int, [Int])) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw UserError("cannot open \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw UserError("cannot stat \(url.path)") }
        let length = Int(info.st_size)
        var mapping: UnsafeMutableRawPointer? = nil
        if length > 0 {
            guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
                throw UserError("cannot memory-map \(url.path): \(String(cString: strerror(errno)))")
            }
            mapping = p
        }
        let base = UnsafeRawPointer(mapping) ?? UnsafeRawPointer(bitPattern: 8)!
        do {
            (ids, count, width, documentOffsets) = try parse(base, length)
        } catch {
            if let mapping { munmap(mapping, length) }
            throw error
        }
        self.mapping = mapping
        self.mappedLength = length
        self.owned = nil
        self.url = url
    }

    /// An in-memory stream (e.g. a folder tokenized on the fly); same API as a mapped shard.
    public init(tokens: [Int32], documentOffsets: [Int]? = nil) {
        count = tokens.count
        width = 4
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(4, 4 * tokens.count), alignment: 8)
        for (i, t) in tokens.enumerated() { buffer.storeBytes(of: UInt32(bitPattern: t).littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        owned = buffer
        ids = UnsafeRawPointer(buffer)
        self.documentOffsets = documentOffsets ?? [0, tokens.count]
        mapping = nil
        mappedLength = 0
        url = nil
    }

    deinit {
        if let mapping { munmap(mapping, mappedLength) }
        owned?.deallocate()
    }

    public subscript(i: Int) -> Int32 {
        precondition(i >= 0 && i < count, "token index \(i) out of range 0..<\(count)")
        return width == 2
            ? Int32(UInt16(littleEndian: ids.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            : Int32(bitPattern: UInt32(littleEndian: ids.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
    }

    /// Copies ids `range` into `destination` (which must hold `range.count` values).
    public func copy(_ range: Range<Int>, into destination: UnsafeMutablePointer<Int32>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range \(range) out of 0..<\(count)")
        if width == 2 {
            let src = ids.advanced(by: 2 * range.lowerBound).assumingMemoryBound(to: UInt16.self)
            for j in 0..<range.count { destination[j] = Int32(UInt16(littleEndian: src[j])) }
        } else {
            let src = ids.advanced(by: 4 * range.lowerBound).assumingMemoryBound(to: UInt32.self)
            for j in 0..<range.count { destination[j] = Int32(bitPattern: UInt32(littleEndian: src[j])) }
        }
    }

    public func tokens(_ range: Range<Int>) -> [Int32] {
        if range.isEmpty { return [] }
        return [Int32](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            copy(range, into: buffer.baseAddress!)
            initialized = range.count
        }
    }

    /// The first id at or above `bound` (or negative), with its position: damage a reader must refuse.
    public func firstID(notBelow bound: Int) -> (index: Int, id: Int32)? {
        for i in 0..<count where Int(self[i]) >= bound || self[i] < 0 { return (i, self[i]) }
        return nil
    }

    /// The ids of document `i`, its trailing EOS included.
    public func document(_ i: Int) -> [Int32] { tokens(documentOffsets[i]..<documentOffsets[i + 1]) }
}
