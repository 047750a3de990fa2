import Foundation
import Support

/// A GGUF file (llama.cpp's single-file format), versions 2 and 3: the magic `GGUF`, a
/// version, the tensor and key/value counts, typed key/value metadata, tensor descriptions
/// (name, dimensions innermost first, ggml type, offset), then the tensor data from the next
/// multiple of `general.alignment` (32 by default). Little-endian throughout.
///
/// Every read is bounds-checked: a truncated or malformed file gets a `UserError` naming the
/// file and the field, never a crash. The file is memory-mapped; tensors are read on demand.
public struct GGUFFile {
    public enum Value: Equatable {
        case integer(Int64)
        case float(Double)
        case bool(Bool)
        case string(String)
        case array([Value])

        public var int: Int? { if case .integer(let v) = self { return Int(v) }; return nil }
        public var double: Double? {
            switch self {
            case .float(let v): return v
            case .integer(let v): return Double(v)
            default: return nil
            }
        }
        public var string: String? { if case .string(let v) = self { return v }; return nil }
        public var bool: Bool? { if case .bool(let v) = self { return v }; return nil }
        public var array: [Value]? { if case .array(let v) = self { return v }; return nil }
    }

    public struct TensorInfo {
        public let name: String
        /// ggml order: dims[0] is the row length (innermost).
        public let dims: [Int]
        public let type: GGMLType
        /// Absolute byte range of the data in the file.
        public let bytes: Range<Int>
        /// Row-major shape as Hugging Face and this harness write it: dims reversed.
        public var shape: [Int] { dims.reversed() }
        public var count: Int { dims.reduce(1, *) }
    }

    public let url: URL
    public let version: Int
    public let metadata: [String: Value]
    public let tensors: [String: TensorInfo]
    /// Tensor names in file order.
    public let tensorNames: [String]
    let data: Data

    public init(_ url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw UserError("\(url.path): cannot read GGUF file (\(error.localizedDescription))")
        }
        try self.init(data: data, url: url)
    }

    public init(data: Data, url: URL) throws {
        self.url = url
        self.data = data
        var r = Reader(data: data, source: url.path)
        guard try r.bytes(4, "magic") == Array("GGUF".utf8) else {
            throw UserError("\(url.path): not a GGUF file (magic is not 'GGUF')")
        }
        let version = Int(try r.u32("version"))
        guard version == 2 || version == 3 else {
            throw UserError("\(url.path): GGUF version \(version) is not supported (expected 2 or 3)")
        }
        self.version = version
        let tensorCount = try r.count("tensor_count", limit: data.count / 8)
        let kvCount = try r.count("metadata_kv_count", limit: data.count / 8)
        var metadata: [String: Value] = [:]
        for i in 0..<kvCount {
            let key = try r.string("metadata key \(i)")
            let type = try r.u32("metadata '\(key)' type")
            metadata[key] = try r.value(type: type, field: "metadata '\(key)'")
        }
        self.metadata = metadata
        var infos: [(String, [Int], GGMLType, Int)] = []
        for i in 0..<tensorCount {
            let name = try r.string("tensor \(i) name")
            let nDims = Int(try r.u32("tensor '\(name)' n_dims"))
            guard (1...4).contains(nDims) else {
                throw UserError("\(url.path): tensor '\(name)' n_dims is \(nDims), expected 1 to 4")
            }
            var dims: [Int] = []
            for d in 0..<nDims { dims.append(try r.count("tensor '\(name)' dimension \(d)", limit: Int(Int32.max))) }
            let rawType = try r.u32("tensor '\(name)' type")
            guard let type = GGMLType(rawValue: rawType) else {
                throw UserError("\(url.path): tensor '\(name)' has ggml type \(rawType), which is not supported",
                                hint: "supported: " + GGMLType.allCases.map(\.name).joined(separator: ", "))
            }
            let offset = try r.count("tensor '\(name)' offset", limit: data.count)
            infos.append((name, dims, type, offset))
        }
        let alignment = metadata["general.alignment"].map { $0.int ?? 0 } ?? 32
        guard alignment > 0, alignment.nonzeroBitCount == 1 else {
            throw UserError("\(url.path): general.alignment \(alignment) is not a power of two")
        }
        let start = (r.position + alignment - 1) / alignment * alignment
        var tensors: [String: TensorInfo] = [:]
        for (name, dims, type, offset) in infos {
            guard let count = Safetensors.elementCount(dims), dims[0] % type.blockSize == 0 else {
                throw UserError("\(url.path): tensor '\(name)' dimensions \(dims) do not fit \(type.name) blocks of \(type.blockSize)")
            }
            let size = count / type.blockSize * type.blockBytes
            guard offset % alignment == 0, start + offset + size <= data.count else {
                throw UserError("\(url.path): tensor '\(name)' data (offset \(offset), \(size) bytes) lies outside the file")
            }
            guard tensors[name] == nil else { throw UserError("\(url.path): tensor '\(name)' appears twice") }
            tensors[name] = TensorInfo(name: name, dims: dims, type: type, bytes: (start + offset)..<(start + offset + size))
        }
        self.tensors = tensors
        tensorNames = infos.map(\.0)
    }

    /// A tensor dequantized to float32, row-major in `info.shape`.
    public func values(of info: TensorInfo) -> [Float] {
        data.withUnsafeBytes { raw in
            GGMLDequantize.values(UnsafeRawBufferPointer(rebasing: raw[info.bytes]), type: info.type, count: info.count)
        }
    }

    // MARK: typed metadata access

    public func int(_ key: String) throws -> Int {
        guard let v = metadata[key] else { throw UserError("\(url.path): metadata key '\(key)' is missing") }
        guard let i = v.int else { throw UserError("\(url.path): metadata key '\(key)' is not an integer") }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int? { metadata[key] == nil ? nil : try int(key) }

    public func double(_ key: String) throws -> Double? {
        guard let v = metadata[key] else { return nil }
        guard let d = v.double else { throw UserError("\(url.path): metadata key '\(key)' is not a number") }
        return d
    }

    public func string(_ key: String) throws -> String? {
        guard let v = metadata[key] else { return nil }
        guard let s = v.string else { throw UserError("\(url.path): metadata key '\(key)' is not a string") }
        return s
    }

    public func strings(_ key: String) throws -> [String]? {
        guard let v = metadata[key] else { return nil }
        let out = v.array?.compactMap(\.string)
        guard let out, out.count == v.array?.count else {
            throw UserError("\(url.path): metadata key '\(key)' is not an array of strings")
        }
        return out
    }
}

/// A bounds-checked little-endian cursor over the header.
private struct Reader {
    let data: Data
    let source: String
    var position = 0

    func fail(_ field: String) -> UserError {
        UserError("\(source): truncated or malformed GGUF header at byte \(position) (reading \(field))")
    }

    mutating func bytes(_ n: Int, _ field: String) throws -> [UInt8] {
        guard n >= 0, n <= data.count - position else { throw fail(field) }
        defer { position += n }
        return data.withUnsafeBytes { Array($0[position..<(position + n)]) }
    }

    mutating func load<T: FixedWidthInteger>(_: T.Type, _ field: String) throws -> T {
        let n = MemoryLayout<T>.size
        guard n <= data.count - position else { throw fail(field) }
        defer { position += n }
        return data.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
    }

    mutating func u32(_ field: String) throws -> UInt32 { try load(UInt32.self, field) }

    /// A u64 that must be a size no larger than `limit`.
    mutating func count(_ field: String, limit: Int) throws -> Int {
        let v = try load(UInt64.self, field)
        guard v <= UInt64(max(limit, 0)) else {
            throw UserError("\(source): GGUF field \(field) is \(v), more than the file can hold")
        }
        return Int(v)
    }

    mutating func string(_ field: String) throws -> String {
        let n = try count("\(field) length", limit: data.count - position)
        return String(decoding: try bytes(n, field), as: UTF8.self)
    }

    mutating func value(type: UInt32, field: String, depth: Int = 0) throws -> GGUFFile.Value {
        switch type {
        case 0: return .integer(Int64(try load(UInt8.self, field)))
        case 1: return .integer(Int64(try load(Int8.self, field)))
        case 2: return .integer(Int64(try load(UInt16.self, field)))
        case 3: return .integer(Int64(try load(Int16.self, field)))
        case 4: return .integer(Int64(try load(UInt32.self, field)))
        case 5: return .integer(Int64(try load(Int32.self, field)))
        case 6: return .float(Double(Float(bitPattern: try load(UInt32.self, field))))
        case 7:
            let b = try load(UInt8.self, field)
            guard b <= 1 else { throw UserError("\(source): \(field): bool byte is \(b), expected 0 or 1") }
            return .bool(b == 1)
        case 8: return .string(try string(field))
        case 9:
            guard depth < 4 else { throw UserError("\(source): \(field): arrays nested too deeply") }
            let itemType = try u32("\(field) array type")
            let n = try count("\(field) array length", limit: data.count - position)
            var items: [GGUFFile.Value] = []
            items.reserveCapacity(min(n, 1 << 16))  // n is bounded by the bytes left, not by memory
            for i in 0..<n { items.append(try value(type: itemType, field: "\(field)[\(i)]", depth: depth + 1)) }
            return .array(items)
        case 10:
            let v = try load(UInt64.self, field)
            guard v <= UInt64(Int64.max) else { throw UserError("\(source): \(field): u64 \(v) is too large") }
            return .integer(Int64(v))
        case 11: return .integer(try load(Int64.self, field))
        case 12: return .float(Double(bitPattern: try load(UInt64.self, field)))
        default: throw UserError("\(source): \(field) has value type \(type), expected 0 to 12")
        }
    }
}
