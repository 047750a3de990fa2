import Foundation
import Support

/// The safetensors format (written as F32; read from F32, F16 or BF16): an 8-byte little-endian header length, a JSON header
/// `{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`
/// padded with spaces to a multiple of 8, then the raw little-endian data.
public enum Safetensors {
    public struct Tensor: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    /// Serialises tensors in the given order (offsets follow that order).
    public static func encode(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                              metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            precondition(t.shape.reduce(1, *) == t.values.count, "\(t.name): shape does not match data")
            let end = offset + 4 * t.values.count
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, end]] as [String: Any]
            offset = end
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            #if _endian(big)
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            #else
            out.append(UnsafeBufferPointer(start: t.values.baseAddress, count: t.values.count))
            #endif
        }
        return out
    }

    public static func write(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                             metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: url)
    }

    /// Reads every tensor; errors name the file and the tensor at fault.
    public static func read(_ url: URL) throws -> [String: Tensor] {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw UserError("\(url.path): cannot read safetensors file (\(error.localizedDescription))")
        }
        return try decode(data, source: url.path)
    }

    public static func decode(_ data: Data, source: String) throws -> [String: Tensor] {
        func fail(_ what: String) -> UserError { UserError("\(source): \(what)") }
        guard data.count >= 8 else { throw fail("too short for a safetensors header") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let start = 8 + Int(headerLength)
        guard let header = (try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<start))) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        var out: [String: Tensor] = [:]
        var ranges: [(begin: Int, end: Int, name: String)] = []
        for (name, entry) in header where name != "__metadata__" {
            guard let e = entry as? [String: Any], let dtype = e["dtype"] as? String,
                  let shape = e["shape"] as? [Int], let offsets = e["data_offsets"] as? [Int], offsets.count == 2 else {
                throw fail("tensor '\(name)': expected dtype, shape and data_offsets [begin, end]")
            }
            guard let width = ["F32": 4, "F16": 2, "BF16": 2][dtype] else {
                throw fail("tensor '\(name)': dtype \(dtype) is not supported (expected F32, F16 or BF16)")
            }
            guard let count = elementCount(shape) else {
                throw fail("tensor '\(name)': shape \(shape) is not a list of sizes that fit in memory")
            }
            guard offsets[0] >= 0, offsets[1] - offsets[0] == width * count,
                  offsets[1] <= data.count - start else {
                throw fail("tensor '\(name)': data_offsets \(offsets) do not fit shape \(shape) of \(dtype) in the file")
            }
            let values = data.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[(start + offsets[0])..<(start + offsets[1])])
                return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                    func half(_ i: Int) -> UInt16 {
                        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    }
                    switch dtype {
                    case "F32":
                        for i in 0..<count {
                            out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                        }
                    case "F16": for i in 0..<count { out[i] = HalfPrecision.float(half: half(i)) }
                    default: for i in 0..<count { out[i] = HalfPrecision.float(bfloat16: half(i)) }
                    }
                    initialized = count
                }
            }
            out[name] = Tensor(shape: shape, values: values)
            ranges.append((offsets[0], offsets[1], name))
        }
        // As the format requires (and its reference reader checks): the tensors tile the data
        // after the header exactly, so a shifted offset or a cut file cannot read other bytes.
        var end = 0
        for r in ranges.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard r.begin == end else {
                throw fail("tensor '\(r.name)': data_offsets [\(r.begin), \(r.end)] \(r.begin < end ? "overlap the tensor before" : "leave a gap after byte \(end)")")
            }
            end = r.end
        }
        guard end == data.count - start else {
            throw fail("the tensors' data_offsets end at byte \(end), but the data is \(data.count - start) bytes")
        }
        return out
    }

    /// The product of `shape`, or nil when a size is negative or the product overflows.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product < Int(Int32.max) * 64 else { return nil }
            count = product
        }
        return count
    }
}
