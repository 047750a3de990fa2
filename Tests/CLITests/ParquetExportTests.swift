import Foundation
import Support
import Testing

/// `longlora export --format parquet` of the committed regression baseline reads back in
/// pyarrow as the CSV export of the same file: same columns in the same order, same rows,
/// each column typed as its CSV text reads (int64, double, else string), nulls where the CSV
/// cell is empty, and equal values.
@Suite struct ParquetExportTests {
    static let baseline = ReleaseBuild.repository.appendingPathComponent("results/baselines/regression-micro.h5")

    @Test func parquetEqualsTheCSVExportInPyarrow() throws {
        let python = ReleaseBuild.repository.appendingPathComponent(".venv-hf/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "\(python) is missing: run `bash scripts/setup.sh` (it installs pyarrow there)")
        let dir = try ResultsCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parquet = dir.appendingPathComponent("m.parquet"), csv = dir.appendingPathComponent("m.csv")
        for (format, out) in [("parquet", parquet), ("csv", csv)] {
            let export = try CLI.run(["export", Self.baseline.path, "--format", format, "--curves", "--out", out.path])
            try #require(export.status == 0, "\(export.stderr)")
        }
        let script = """
            import csv, math, sys
            import pyarrow.parquet as pq
            table = pq.read_table(sys.argv[1])
            with open(sys.argv[2], encoding="utf-8", newline="") as f:
                header, *rows = list(csv.reader(f))
            assert table.column_names == header, (table.column_names, header)
            assert table.num_rows == len(rows) > 100, (table.num_rows, len(rows))
            def parses(kind, text):
                try:
                    kind(text)
                    return True
                except ValueError:
                    return False
            kinds = {}
            for i, name in enumerate(header):
                cells = [r[i] for r in rows]
                present = [c for c in cells if c != ""]
                kind = ("int64" if present and all(parses(int, c) for c in present)
                        else "double" if present and all(parses(float, c) for c in present) else "string")
                kinds[kind] = kinds.get(kind, 0) + 1
                assert str(table.schema.field(name).type) == kind, (name, table.schema.field(name).type, kind)
                values = table.column(name).to_pylist()
                for row, (cell, value) in enumerate(zip(cells, values)):
                    if kind == "string":
                        ok = (value or "") == cell
                    elif cell == "":
                        ok = value is None
                    elif kind == "int64":
                        ok = value == int(cell)
                    else:
                        ok = value == float(cell) or (math.isnan(value) and math.isnan(float(cell)))
                    assert ok, (name, row, cell, value)
            assert all(kinds.get(k, 0) > 0 for k in ("int64", "double", "string")), kinds
            assert str(table.schema.field("value").type) == "double" and table.column("length").null_count > 0
            print("ok", kinds)
            """
        let result = try #require(Shell.run([python, "-c", script, parquet.path, csv.path]))
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")

        // Standard output redirected to a file or pipe gets the same bytes.
        let piped = try #require(Shell.run([CLI.binary.path, "export", Self.baseline.path, "--format", "parquet", "--curves"]))
        let written = try Data(contentsOf: parquet)
        #expect(piped.status == 0 && piped.stdout == written)
    }

    /// Parquet is binary: to a terminal it is refused with the fix, and nothing is written.
    @Test func parquetToATerminalIsRefused() throws {
        try #require(Shell.has("script"), "util-linux `script` gives the command a terminal")
        let command = "\(CLI.binary.path) export \(Self.baseline.path) --format parquet"
        let result = try #require(Shell.run(["script", "-qec", command, "/dev/null"]))
        let output = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 2, "\(output)")
        #expect(output.contains("--format parquet writes a binary file: not printed to a terminal"), "\(output)")
        #expect(output.contains("--out FILE.parquet") && !output.contains("PAR1"), "\(output)")
    }
}
