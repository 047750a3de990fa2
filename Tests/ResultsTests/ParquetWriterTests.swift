import Foundation
@testable import Results
import Support
import Testing
@testable import Reports

/// The Parquet writer against the format (magic, footer length, Thrift compact bytes worked
/// out by hand) and against pyarrow, which reads its files back in the pinned virtualenv.
@Suite struct ParquetWriterTests {
    static let texts: [String?] = ["a,b", #"say "hi", 'ok'"#, "two\nlines\r\n", "fülł ✓ 日本", nil, ""]
    static let columns: [ParquetWriter.Column] = [
        .init("n", .int64([1, nil, .min, .max, 0, -7])),
        .init("x", .double([1.5, .nan, .infinity, -.infinity, nil, -0.0])),
        .init("s", .string(texts)),
        .init("none", .string([nil, nil, nil, nil, nil, nil])),
        .init("dense", .double([0.1, 0.2, 0.3, 1e300, .leastNonzeroMagnitude, 2])),
    ]

    @Test func thriftCompactBytesAsTheProtocolSpecifies() {
        // Field 1 i32 1; field 3 (delta 2) i64 -2; field 20 (delta 17: long form) binary "ab";
        // field 21 a list of 16 i32 (size 15 and up: long list header); stop.
        let value = ThriftCompact.structure([
            (1, .i32(1)), (3, .i64(-2)), (20, .string("ab")), (21, .list(of: .i32, (0..<16).map { .i32(Int32($0)) })),
        ])
        let expected: [UInt8] = [0x15, 0x02, 0x26, 0x03, 0x08, 0x28, 0x02, 0x61, 0x62, 0x19, 0xF5, 0x10]
            + (0..<16).map { UInt8(2 * $0) } + [0x00]
        #expect(value.bytes == expected)
        // A nested struct starts its field ids again from 0; a short list packs its size.
        #expect(ThriftCompact.structure([(2, .structure([(1, .list(of: .binary, [.string("q")]))]))]).bytes
                == [0x2C, 0x19, 0x18, 0x01, 0x71, 0x00, 0x00])
        var varint: [UInt8] = []
        ThriftCompact.varint(300, into: &varint)
        #expect(varint == [0xAC, 0x02])
        #expect(ThriftCompact.zigzag(-1) == 1 && ThriftCompact.zigzag(Int64.min) == UInt64.max)
    }

    @Test func definitionLevelsAreRLERuns() {
        // Runs of 3 present, 1 null, 2 present: headers 3<<1, 1<<1, 2<<1, each with its level.
        #expect(ParquetWriter.definitionLevels([true, true, true, false, true, true]) == [6, 1, 2, 0, 4, 1])
        // A run of 200 needs a two-byte header (400 = 0x190).
        #expect(ParquetWriter.definitionLevels(Array(repeating: true, count: 200)) == [0x90, 0x03, 1])
        #expect(ParquetWriter.definitionLevels([]).isEmpty)
    }

    @Test func magicAtBothEndsAndTheFooterLengthBeforeTheLast() throws {
        let bytes = [UInt8](try ParquetWriter.encode(Self.columns))
        #expect(bytes.prefix(4).elementsEqual("PAR1".utf8) && bytes.suffix(4).elementsEqual("PAR1".utf8))
        let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let footer = Array(bytes[(bytes.count - 8 - length)..<(bytes.count - 8)])
        // The footer is FileMetaData: it opens with version = 1 and ends with the struct's stop byte.
        #expect(footer.prefix(2) == [0x15, 0x02] && footer.last == 0)
        // It says `created_by`: longlora, as its last field.
        #expect(footer.suffix(11).elementsEqual([0x28, 0x08] + Array("longlora".utf8) + [0x00]))
        let report = try Self.pyarrow(Data(bytes))
        #expect(report["serialized_size"] as? Int == length)
    }

    @Test func pyarrowReadsTypesNullsAndValues() throws {
        // Many rows with a pattern of nulls: runs of every length 1 and 2, and long ones.
        let many = (0..<1000).map { $0 % 3 == 0 || (400..<700).contains($0) ? nil : Int64($0) }
        let report = try Self.pyarrow(try ParquetWriter.encode(Self.columns.map { column in
            var column = column
            if case .int64(let xs) = column.values { column.values = .int64(xs + many) }
            if case .double(let xs) = column.values { column.values = .double(xs + Array(repeating: 0.5, count: 1000)) }
            if case .string(let xs) = column.values { column.values = .string(xs + many.map { $0.map { "\($0)" } }) }
            return column
        }))
        #expect(report["created_by"] as? String == "longlora")
        #expect(report["num_rows"] as? Int == 1006)
        #expect(report["types"] as? [String] == ["int64", "double", "string", "string", "double"])
        #expect(report["names"] as? [String] == ["n", "x", "s", "none", "dense"])
        let values = try #require(report["values"] as? [String: [Any]])
        func head(_ name: String) -> [String] { (values[name] ?? []).prefix(6).map { "\($0 is NSNull ? "null" : $0)" } }
        #expect(head("n") == ["1", "null", "-9223372036854775808", "9223372036854775807", "0", "-7"])
        #expect(head("x") == ["1.5", "nan", "inf", "-inf", "null", "-0.0"])
        #expect(head("dense") == ["0.1", "0.2", "0.3", "1e+300", "5e-324", "2.0"])
        #expect(values["s"]?.prefix(6).map { $0 as? String } == Self.texts)
        #expect(values["none"]?.prefix(6).allSatisfy { $0 is NSNull } == true)
        let tail = values["n"]?.suffix(1000).map { $0 as? Int }
        #expect(tail == many.map { $0.map(Int.init) })
        #expect(values["s"]?.suffix(1000).map { $0 as? String } == many.map { $0.map { "\($0)" } })
    }

    @Test func zeroRowsGiveAValidFileWithTheSchema() throws {
        let empty: [ParquetWriter.Column] = [.init("a", .int64([])), .init("b", .double([])), .init("c", .string([]))]
        let report = try Self.pyarrow(try ParquetWriter.encode(empty))
        #expect(report["num_rows"] as? Int == 0)
        #expect(report["names"] as? [String] == ["a", "b", "c"])
        #expect(report["types"] as? [String] == ["int64", "double", "string"])
    }

    @Test func unequalLengthsAndRepeatedNamesAreErrors() {
        #expect(throws: UserError("Parquet column 'b' has 1 values, expected 2 like 'a'")) {
            try ParquetWriter.encode([.init("a", .int64([1, 2])), .init("b", .string(["x"]))])
        }
        #expect(throws: UserError("Parquet column 'a' appears twice: column names must be distinct")) {
            try ParquetWriter.encode([.init("a", .int64([1])), .init("a", .double([1]))])
        }
    }

    /// Package root from this file's path: Tests/ResultsTests/<this file>.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The pinned virtualenv's python (scripts/setup.sh installs pyarrow there).
    static func python() throws -> String {
        let python = root.appendingPathComponent(".venv-hf/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "\(python) is missing: run `bash scripts/setup.sh` (it installs pyarrow there)")
        return python
    }

    /// What pyarrow reads from `bytes`: column names and types, rows, created_by, the footer's
    /// size, and every value (doubles as Python's repr, so NaN, infinities and -0.0 show).
    static func pyarrow(_ bytes: Data) throws -> [String: Any] {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.parquet")
        try bytes.write(to: file)
        let script = """
            import json, sys
            import pyarrow as pa, pyarrow.parquet as pq
            meta = pq.ParquetFile(sys.argv[1]).metadata
            table = pq.read_table(sys.argv[1])
            def cell(v):
                return repr(v) if isinstance(v, float) else v
            print(json.dumps({
                "names": table.column_names, "types": [str(f.type) for f in table.schema],
                "num_rows": table.num_rows, "created_by": meta.created_by,
                "serialized_size": meta.serialized_size,
                "values": {n: [cell(v) for v in table.column(n).to_pylist()] for n in table.column_names},
            }))
            """
        let result = try #require(Shell.run([try python(), "-c", script, file.path]), "cannot start python")
        try #require(result.status == 0, "pyarrow failed: \(String(decoding: result.stderr, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }
}
