import Foundation
import Support

/// Maps `ResultFile` to the HDF5 layout of docs/results-schema.md and back.
enum ResultCodec {
    static func encode(_ file: ResultFile, to root: H5Group) throws {
        let h = file.header
        try root.writeAttribute("schema_version", .int(h.schemaVersion))
        try root.writeAttribute("experiment", .string(h.experiment))
        try root.writeAttribute("spec", .string(h.spec))
        try root.writeAttribute("created", .string(h.created))
        try root.writeAttribute("layout", .string(h.layout))
        if let paper = h.paper { try root.writeAttribute("paper", .string(paper)) }
        if let tolerances = h.tolerances { try root.writeAttribute("tolerances", .string(tolerances)) }
        if let code = h.currentCode { try root.writeAttribute("current_code", .string(code)) }
        if !h.currentData.isEmpty { try root.writeAttribute("current_data", .string(try json(h.currentData))) }
        if !h.labels.isEmpty { try root.writeAttribute("labels", .string(try json(h.labels))) }
        let runs = try root.createGroup("runs")
        for run in file.runs { try encode(run, in: runs) }
    }

    private static func encode(_ run: RunRecord, in runs: H5Group) throws {
        let group = try runs.createGroup(run.id)
        let p = run.provenance
        let fixed: [(String, Value)] = [
            ("config", .string(run.config)), ("config_hash", .string(run.configHash)),
            ("seed", .int(run.seed)), ("status", .string(run.status.rawValue)),
            ("error", .string(run.error)), ("started", .string(run.started)),
            ("finished", .string(run.finished)),
            ("code_fingerprint", .string(run.codeFingerprint)), ("data_manifests", .string(try json(run.dataManifests))),
            ("checkpoint", .string(run.checkpoint)),
            ("git_commit", .string(p.gitCommit)), ("git_dirty", .int(p.gitDirty ? 1 : 0)),
            ("swift_version", .string(p.swiftVersion)), ("os", .string(p.os)),
            ("cpu_model", .string(p.cpuModel)), ("cpu_count", .int(Int64(p.cpuCount))),
            ("hostname", .string(p.hostname)),
        ]
        for (name, value) in fixed { try group.writeAttribute(name, value) }
        for (name, value) in run.attributes.sorted(by: { $0.key < $1.key }) {
            try group.writeAttribute(name, value)
        }
        let curves = try group.createGroup("curves")
        for (name, values) in run.curves.sorted(by: { $0.key < $1.key }) {
            try curves.writeDataset(name, .double(values))
        }
        let eval = try group.createGroup("eval")
        for (name, table) in run.eval.sorted(by: { $0.key < $1.key }) {
            let tableGroup = try eval.createGroup(name)
            for column in table.columns { try tableGroup.writeDataset(column.name, column.values) }
        }
        for (name, values) in run.metrics.sorted(by: { $0.key < $1.key }) {
            let metricGroup = try group.createGroup(name)
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                try metricGroup.writeAttribute(key, value)
            }
        }
    }

    static func decode(_ root: H5Group) throws -> ResultFile {
        func string(_ group: H5Group, _ name: String) throws -> String {
            guard case .string(let s) = try group.readAttribute(name) else {
                throw HDF5.Failure(description: "attribute \(name) on \(group.path) is not a string")
            }
            return s
        }
        func optionalString(_ group: H5Group, _ name: String) throws -> String? {
            group.hasAttribute(name) ? try string(group, name) : nil
        }
        let header = ResultHeader(
            experiment: try string(root, "experiment"), spec: try optionalString(root, "spec") ?? "",
            created: try optionalString(root, "created") ?? "", layout: try optionalString(root, "layout") ?? "{}",
            paper: try optionalString(root, "paper"), tolerances: try optionalString(root, "tolerances"),
            currentCode: try optionalString(root, "current_code"),
            currentData: try dictionary(try optionalString(root, "current_data") ?? "{}", at: "\(root.path) current_data"),
            labels: try dictionary(try optionalString(root, "labels") ?? "{}", at: "\(root.path) labels"))
        var runs: [RunRecord] = []
        if root.hasChild("runs") {
            let runsGroup = try root.openGroup("runs")
            for id in try runsGroup.childNames() {
                runs.append(try decodeRun(try runsGroup.openGroup(id), id: id))
            }
        }
        return ResultFile(header: header, runs: runs)
    }

    private static func decodeRun(_ group: H5Group, id: String) throws -> RunRecord {
        var attributes: [String: Value] = [:]
        for name in try group.attributeNames() { attributes[name] = try group.readAttribute(name) }
        func take(_ name: String) -> Value? { attributes.removeValue(forKey: name) }
        func text(_ name: String) -> String { take(name)?.description ?? "" }
        // Integers stay integers: a seed near 2^63 must not pass through a Double (and trap).
        func integer(_ name: String) throws -> Int64 {
            switch take(name) {
            case nil: return 0
            case .int(let x)?: return x
            case .double(let x)?:
                guard let exact = Int64(exactly: x) else {
                    throw HDF5.Failure(description: "run \(id): attribute \(name) = \(x) is not an integer")
                }
                return exact
            case .string(let s)?:
                throw HDF5.Failure(description: "run \(id): attribute \(name) = '\(s)' is not an integer")
            }
        }

        let statusText = text("status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw HDF5.Failure(description: "run \(id) has status '\(statusText)', expected complete, failed or running")
        }
        let provenance = try decodeProvenance([
            "gitCommit": text("git_commit"), "gitDirty": integer("git_dirty") != 0,
            "swiftVersion": text("swift_version"), "os": text("os"), "cpuModel": text("cpu_model"),
            "cpuCount": Int(integer("cpu_count")), "hostname": text("hostname"),
        ])
        let manifests = try dictionary(attributes["data_manifests"].map { $0.description } ?? "{}", at: "run \(id) data_manifests")
        _ = take("data_manifests")
        var run = try RunRecord(
            id: id, config: text("config"), configHash: text("config_hash"), seed: integer("seed"),
            codeFingerprint: text("code_fingerprint"), dataManifests: manifests, checkpoint: text("checkpoint"),
            status: status, error: text("error"), provenance: provenance,
            started: text("started"), finished: text("finished"))
        run.attributes = attributes

        for child in try group.childNames() where group.childIsGroup(child) {
            let sub = try group.openGroup(child)
            switch child {
            case "curves":
                for name in try sub.childNames() {
                    guard case .double(let xs) = try sub.readDataset(name) else {
                        throw HDF5.Failure(description: "\(sub.path)/\(name) is not float64")
                    }
                    run.curves[name] = xs
                }
            case "eval":
                for name in try sub.childNames() {
                    let tableGroup = try sub.openGroup(name)
                    var table = Table()
                    for column in try tableGroup.childNames() { table.append(column, try tableGroup.readDataset(column)) }
                    run.eval[name] = table
                }
            default:
                var values: [String: Value] = [:]
                for name in try sub.attributeNames() { values[name] = try sub.readAttribute(name) }
                run.metrics[child] = values
            }
        }
        return run
    }

    /// A string map as the schema stores it: JSON with sorted keys.
    static func json(_ map: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: map, options: [.sortedKeys]), as: UTF8.self)
    }

    static func dictionary(_ text: String, at place: String) throws -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            throw HDF5.Failure(description: "\(place) is not a JSON object of strings")
        }
        return object
    }

    /// `Provenance` has no public memberwise initializer; its Codable form is public.
    private static func decodeProvenance(_ fields: [String: Any]) throws -> Provenance {
        let data = try JSONSerialization.data(withJSONObject: fields)
        return try JSONDecoder().decode(Provenance.self, from: data)
    }
}
