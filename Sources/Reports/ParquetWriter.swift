import Foundation
import Results
import Support

/// A flat table written as an Apache Parquet file (parquet-format 2.x, read by pyarrow,
/// pandas, polars, DuckDB, Spark): no Parquet library is among the Swift packages the harness
/// builds with, and a writer of one row group of flat columns is small.
///
/// Layout: `PAR1`, one column chunk per column (one data page v1 each: PLAIN values,
/// UNCOMPRESSED), the FileMetaData footer in the Thrift compact protocol, its length as 4
/// bytes little-endian, `PAR1`. Every column is OPTIONAL: a nil is a null, marked by the page's
/// definition levels (RLE runs of bit width 1, 1 = present). No statistics are written.
public enum ParquetWriter {
    /// One column: a name and its values, nil where the row has none.
    public struct Column: Equatable, Sendable {
        public enum Values: Equatable, Sendable {
            /// Physical type INT64.
            case int64([Int64?])
            /// Physical type DOUBLE; NaN and infinities are stored as they are.
            case double([Double?])
            /// Physical type BYTE_ARRAY with the STRING logical type (converted type UTF8).
            case string([String?])
        }

        public var name: String
        public var values: Values

        public init(_ name: String, _ values: Values) {
            self.name = name
            self.values = values
        }

        var count: Int {
            switch values {
            case .int64(let xs): return xs.count
            case .double(let xs): return xs.count
            case .string(let xs): return xs.count
            }
        }
    }

    static let magic = Array("PAR1".utf8)

    /// The file's bytes. Columns must have one length and distinct names; zero rows give a
    /// valid file with the schema and no row group.
    public static func encode(_ columns: [Column], createdBy: String = "longlora") throws -> Data {
        let rows = columns.first?.count ?? 0
        if let other = columns.first(where: { $0.count != rows }) {
            throw UserError("Parquet column '\(other.name)' has \(other.count) values, expected \(rows) like '\(columns[0].name)'")
        }
        var seen: Set<String> = []
        for column in columns where !seen.insert(column.name).inserted {
            throw UserError("Parquet column '\(column.name)' appears twice: column names must be distinct")
        }
        guard rows <= Int(Int32.max) else {
            throw UserError("\(rows) rows are more than one Parquet data page holds (\(Int32.max))")
        }

        var file = magic
        var chunks: [ThriftCompact] = []
        var rowGroupBytes: Int64 = 0
        if rows > 0 {
            for column in columns {
                let offset = Int64(file.count)
                let page = try Self.page(column)
                let header = Self.pageHeader(values: rows, size: page.count)
                file += header
                file += page
                let size = Int64(header.count + page.count)
                rowGroupBytes += size
                chunks.append(.structure([
                    (2, .i64(0)), // file_offset: deprecated, 0 when the metadata is only in the footer
                    (3, .structure([
                        (1, .i32(column.physicalType)),
                        (2, .list(of: .i32, [.i32(Encoding.plain), .i32(Encoding.rle)])),
                        (3, .list(of: .binary, [.string(column.name)])),
                        (4, .i32(0)), // codec UNCOMPRESSED
                        (5, .i64(Int64(rows))),
                        (6, .i64(size)), // total_uncompressed_size, page header included
                        (7, .i64(size)), // total_compressed_size
                        (9, .i64(offset)), // data_page_offset
                    ])),
                ]))
            }
        }
        let rowGroups: [ThriftCompact] = rows == 0 ? [] : [.structure([
            (1, .list(of: .structure, chunks)),
            (2, .i64(rowGroupBytes)),
            (3, .i64(Int64(rows))),
            (5, .i64(Int64(magic.count))), // file_offset of the first page
            (6, .i64(rowGroupBytes)),
        ])]
        let schema: [ThriftCompact] = [.structure([(4, .string("schema")), (5, .i32(Int32(columns.count)))])]
            + columns.map(\.schemaElement)
        let footer = ThriftCompact.structure([
            (1, .i32(1)), // version
            (2, .list(of: .structure, schema)),
            (3, .i64(Int64(rows))),
            (4, .list(of: .structure, rowGroups)),
            (6, .string(createdBy)),
        ]).bytes
        file += footer
        file += Self.littleEndian(UInt32(footer.count))
        file += magic
        return Data(file)
    }

    /// `Encoding` of parquet.thrift.
    enum Encoding {
        static let plain: Int32 = 0
        static let rle: Int32 = 3
    }

    /// PageHeader of a DATA_PAGE: the sizes (equal, as nothing is compressed) and the
    /// DataPageHeader (values including nulls, PLAIN values, RLE definition and repetition levels).
    static func pageHeader(values: Int, size: Int) -> [UInt8] {
        ThriftCompact.structure([
            (1, .i32(0)), // DATA_PAGE
            (2, .i32(Int32(size))),
            (3, .i32(Int32(size))),
            (5, .structure([
                (1, .i32(Int32(values))),
                (2, .i32(Encoding.plain)),
                (3, .i32(Encoding.rle)),
                (4, .i32(Encoding.rle)),
            ])),
        ]).bytes
    }

    /// A data page v1 body: the definition levels (no repetition levels: the schema is flat),
    /// then the PLAIN values of the rows that have one.
    static func page(_ column: Column) throws -> [UInt8] {
        var values: [UInt8] = []
        let present: [Bool]
        switch column.values {
        case .int64(let xs):
            present = xs.map { $0 != nil }
            for x in xs.compactMap({ $0 }) { values += littleEndian(UInt64(bitPattern: x)) }
        case .double(let xs):
            present = xs.map { $0 != nil }
            for x in xs.compactMap({ $0 }) { values += littleEndian(x.bitPattern) }
        case .string(let xs):
            present = xs.map { $0 != nil }
            for s in xs.compactMap({ $0 }) {
                values += littleEndian(UInt32(s.utf8.count))
                values += s.utf8
            }
        }
        let levels = definitionLevels(present)
        let page = littleEndian(UInt32(levels.count)) + levels + values
        guard page.count <= Int(Int32.max) else {
            throw UserError("Parquet column '\(column.name)' needs \(page.count) bytes, more than one data page holds (\(Int32.max))")
        }
        return page
    }

    /// Definition levels in the RLE / bit-packing hybrid of bit width 1, as RLE runs only: a
    /// header `run length << 1` (ULEB128) and the repeated level in one byte. A column without
    /// nulls is a single run.
    static func definitionLevels(_ present: [Bool]) -> [UInt8] {
        var out: [UInt8] = []
        var start = present.startIndex
        while start < present.endIndex {
            let level = present[start]
            let end = present[start...].firstIndex { $0 != level } ?? present.endIndex
            ThriftCompact.varint(UInt64(end - start) << 1, into: &out)
            out.append(level ? 1 : 0)
            start = end
        }
        return out
    }

    static func littleEndian<T: FixedWidthInteger>(_ x: T) -> [UInt8] {
        withUnsafeBytes(of: x.littleEndian, Array.init)
    }
}

extension ParquetWriter.Column {
    /// `Type` of parquet.thrift.
    var physicalType: Int32 {
        switch values {
        case .int64: return 2
        case .double: return 5
        case .string: return 6
        }
    }

    /// SchemaElement of a leaf: type, OPTIONAL, name, and for text the converted type UTF8
    /// (0) beside the logical type STRING (field 1 of the LogicalType union, an empty struct).
    var schemaElement: ThriftCompact {
        var fields: [(id: Int16, value: ThriftCompact)] = [(1, .i32(physicalType)), (3, .i32(1)), (4, .string(name))]
        if case .string = values {
            fields += [(6, .i32(0)), (10, .structure([(1, .structure([]))]))]
        }
        return .structure(fields)
    }
}
