import CSV
import Foundation

extension TextTable {
    /// The header and rows as CSV, quoted by CSV.swift's writer (RFC 4180: a field holding
    /// a comma, a double quote, CR or LF is enclosed in double quotes, its quotes doubled);
    /// lines end in LF, the last one too.
    func csv() -> String {
        let stream = OutputStream(toMemory: ())
        // A stream into memory opens and takes every write; the writer throws only for
        // files and sockets.
        let writer = try! CSVWriter(stream: stream)
        for row in [header] + rows { try! writer.write(row: row) }
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
