import Foundation
import Support

/// The weight files of a Hugging Face directory: `model.safetensors`, or the shards that
/// `model.safetensors.index.json` maps tensor names to (as `save_pretrained` writes models
/// over its shard size). Shards are read one at a time, so peak memory is one shard.
public struct SafetensorsCheckpoint {
    public static let indexFile = "model.safetensors.index.json"
    /// The files to read, in order.
    public let files: [URL]
    /// What a missing tensor's error names: the single file or the index.
    public let source: String

    public init(directory dir: URL, weightsFile: String) throws {
        let fm = FileManager.default
        let single = dir.appendingPathComponent(weightsFile)
        let indexURL = dir.appendingPathComponent(Self.indexFile)
        if fm.fileExists(atPath: single.path) {
            files = [single]
            source = single.path
            return
        }
        guard fm.fileExists(atPath: indexURL.path) else {
            throw UserError("\(dir.path): no \(weightsFile) and no \(Self.indexFile)")
        }
        let index = try HFConfig.readJSON(indexURL)
        guard let map = index["weight_map"] as? [String: String], !map.isEmpty else {
            throw UserError("\(indexURL.path): key 'weight_map' is missing or not an object of tensor name to file name")
        }
        var names: [String] = []
        for file in map.values.sorted() where names.last != file {
            guard !file.contains("/"), !file.hasPrefix(".") else {
                throw UserError("\(indexURL.path): weight_map file '\(file)' is not a file name in the directory")
            }
            guard fm.fileExists(atPath: dir.appendingPathComponent(file).path) else {
                throw UserError("\(indexURL.path): shard '\(file)' named in weight_map is missing")
            }
            names.append(file)
        }
        files = names.map { dir.appendingPathComponent($0) }
        source = indexURL.path
    }

    /// The size of all the files, in bytes.
    public var byteCount: Int {
        files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0) }
    }

    /// Calls `body` with each file's tensors in turn.
    public func forEachFile(_ body: (URL, [String: Safetensors.Tensor]) throws -> Void) throws {
        for url in files { try body(url, try Safetensors.read(url)) }
    }
}
