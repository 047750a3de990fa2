import Foundation
import Results

/// A Thrift value as the compact protocol writes it: the encoding of Parquet's footer and page
/// headers (`parquet.thrift` in apache/parquet-format). Only what a writer of those structures
/// needs: no booleans, maps or sets, and no reading.
///
/// Compact protocol, in short: integers are zigzag ULEB128 varints; a field is a header byte
/// `delta << 4 | type` when its id is 1...15 above the previous field's (else the type byte
/// and the id as a zigzag varint); a struct ends with a 0 byte; binary is a varint length and
/// the bytes; a list is `size << 4 | element type` (size 15 and up: `0xF0 | type` and a varint).
indirect enum ThriftCompact {
    case i32(Int32)
    case i64(Int64)
    case binary([UInt8])
    /// Elements of one type; `of` names it for an empty list too.
    case list(of: Kind, [ThriftCompact])
    /// Fields by id, in increasing id order; a union is a struct with one field.
    case structure([(id: Int16, value: ThriftCompact)])

    static func string(_ s: String) -> ThriftCompact { .binary(Array(s.utf8)) }

    /// The type nibbles of the compact protocol.
    enum Kind: UInt8 {
        case i32 = 5, i64 = 6, binary = 8, list = 9, structure = 12
    }

    var kind: Kind {
        switch self {
        case .i32: return .i32
        case .i64: return .i64
        case .binary: return .binary
        case .list: return .list
        case .structure: return .structure
        }
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .i32(let x): Self.varint(Self.zigzag(Int64(x)), into: &out)
        case .i64(let x): Self.varint(Self.zigzag(x), into: &out)
        case .binary(let b):
            Self.varint(UInt64(b.count), into: &out)
            out += b
        case .list(let kind, let elements):
            precondition(elements.allSatisfy { $0.kind == kind }, "a Thrift list holds elements of one type")
            if elements.count < 15 {
                out.append(UInt8(elements.count) << 4 | kind.rawValue)
            } else {
                out.append(0xF0 | kind.rawValue)
                Self.varint(UInt64(elements.count), into: &out)
            }
            for element in elements { element.encode(into: &out) }
        case .structure(let fields):
            var last: Int16 = 0
            for (id, value) in fields {
                precondition(id > last, "Thrift fields are written in increasing id order")
                let delta = Int(id) - Int(last)
                if delta <= 15 {
                    out.append(UInt8(delta) << 4 | value.kind.rawValue)
                } else {
                    out.append(value.kind.rawValue)
                    Self.varint(Self.zigzag(Int64(id)), into: &out)
                }
                value.encode(into: &out)
                last = id
            }
            out.append(0)
        }
    }

    /// Zigzag: small magnitudes of either sign become small unsigned numbers (0, -1, 1, -2 -> 0, 1, 2, 3).
    static func zigzag(_ x: Int64) -> UInt64 {
        UInt64(bitPattern: (x << 1) ^ (x >> 63))
    }

    /// ULEB128: seven bits a byte, low bits first, the high bit set on all but the last byte.
    static func varint(_ x: UInt64, into out: inout [UInt8]) {
        var x = x
        while x >= 0x80 {
            out.append(UInt8(x & 0x7F) | 0x80)
            x >>= 7
        }
        out.append(UInt8(x))
    }
}
