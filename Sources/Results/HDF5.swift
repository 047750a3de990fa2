import CHDF5
import Foundation
import Support

/// A thin, typed layer over the HDF5 C API: just what the result schema needs
/// (groups, scalar attributes, 1-D datasets of float64, int64 and UTF-8 strings).
/// Every id is owned by one `H5Object` and closed when it goes away, so an early
/// `throw` never leaks a handle (a leaked file handle would keep the file open).
enum HDF5 {
    /// HDF5 prints an error stack to stderr for every failed call, including the ones
    /// we use as questions ("does this attribute exist?"). Silence it once.
    static let initialize: Void = {
        H5open()
        H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)
    }()

    /// Thrown for any failing HDF5 call; the public readers turn it into a `UserError`
    /// that names the file.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func check(_ id: hid_t, _ what: @autoclosure () -> String) throws -> hid_t {
        if id < 0 { throw Failure(description: what()) }
        return id
    }

    static func check(_ status: herr_t, _ what: @autoclosure () -> String) throws {
        if status < 0 { throw Failure(description: what()) }
    }

    /// Whether `url` starts with the HDF5 signature (cheap, no library call).
    static func isHDF5(_ url: URL) -> Bool {
        _ = initialize
        return H5Fis_hdf5(url.path) > 0
    }

    /// The variable-length UTF-8 string type used for every string we write.
    static func utf8StringType() throws -> H5Object {
        let type = H5Object(try check(H5Tcopy(llb_H5T_C_S1()), "H5Tcopy"), close: H5Tclose)
        try check(H5Tset_size(type.id, llb_H5T_VARIABLE()), "H5Tset_size")
        try check(H5Tset_cset(type.id, H5T_CSET_UTF8), "H5Tset_cset")
        return type
    }
}

/// Owns one HDF5 id (file, group, dataset, attribute, type or space).
final class H5Object {
    let id: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = close
    }

    deinit { _ = closer(id) }
}

/// A file or group: the things that hold attributes and children.
final class H5Group {
    let object: H5Object
    /// Keeps the file open while any of its groups are alive.
    private let parent: H5Group?
    let path: String

    private init(_ object: H5Object, parent: H5Group?, path: String) {
        self.object = object
        self.parent = parent
        self.path = path
    }

    var id: hid_t { object.id }

    /// Creates (truncating) a new file, reserving a user block of `userBlock` bytes at its
    /// start that libhdf5 leaves alone (0 for none; else a power of two, at least 512).
    static func create(_ url: URL, userBlock: Int = 0) throws -> H5Group {
        _ = HDF5.initialize
        let fcpl = H5Object(try HDF5.check(H5Pcreate(llb_H5P_FILE_CREATE()), "H5Pcreate"), close: H5Pclose)
        if userBlock > 0 { try HDF5.check(H5Pset_userblock(fcpl.id, hsize_t(userBlock)), "H5Pset_userblock") }
        let id = try HDF5.check(H5Fcreate(url.path, llb_H5F_ACC_TRUNC(), fcpl.id, llb_H5P_DEFAULT()),
                                "cannot create \(url.path)")
        return H5Group(H5Object(id, close: H5Fclose), parent: nil, path: "/")
    }

    static func openReadOnly(_ url: URL) throws -> H5Group {
        _ = HDF5.initialize
        let id = try HDF5.check(H5Fopen(url.path, llb_H5F_ACC_RDONLY(), llb_H5P_DEFAULT()),
                                "cannot open \(url.path) as HDF5")
        return H5Group(H5Object(id, close: H5Fclose), parent: nil, path: "/")
    }

    private func childPath(_ name: String) -> String { path == "/" ? "/\(name)" : "\(path)/\(name)" }

    /// Creates a child group that remembers the order of its links, so table
    /// columns and runs read back in the order they were written.
    func createGroup(_ name: String) throws -> H5Group {
        let gcpl = H5Object(try HDF5.check(H5Pcreate(llb_H5P_GROUP_CREATE()), "H5Pcreate"), close: H5Pclose)
        try HDF5.check(H5Pset_link_creation_order(gcpl.id, UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)),
                       "H5Pset_link_creation_order")
        let id = try HDF5.check(H5Gcreate2(self.id, name, llb_H5P_DEFAULT(), gcpl.id, llb_H5P_DEFAULT()),
                                "cannot create group \(childPath(name))")
        return H5Group(H5Object(id, close: H5Gclose), parent: self, path: childPath(name))
    }

    func openGroup(_ name: String) throws -> H5Group {
        let id = try HDF5.check(H5Gopen2(self.id, name, llb_H5P_DEFAULT()), "missing group \(childPath(name))")
        return H5Group(H5Object(id, close: H5Gclose), parent: self, path: childPath(name))
    }

    func hasChild(_ name: String) -> Bool {
        H5Lexists(id, name, llb_H5P_DEFAULT()) > 0
    }

    /// Children in creation order when the group tracks it, else by name.
    func childNames() throws -> [String] {
        var info = H5G_info_t()
        try HDF5.check(H5Gget_info(id, &info), "H5Gget_info \(path)")
        let order = info.max_corder > 0 || info.nlinks == 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME
        return try (0..<info.nlinks).map { index in
            try name(index) { buf, size in
                H5Lget_name_by_idx(id, ".", order, H5_ITER_INC, index, buf, size, llb_H5P_DEFAULT())
            }
        }
    }

    /// Whether the child `name` is a group (else a dataset or something else).
    func childIsGroup(_ name: String) -> Bool {
        let object = H5Oopen(id, name, llb_H5P_DEFAULT())
        guard object >= 0 else { return false }
        defer { H5Oclose(object) }
        return H5Iget_type(object) == H5I_GROUP
    }

    // MARK: attributes

    func attributeNames() throws -> [String] {
        final class Box { var names: [String] = [] }
        let box = Box()
        var index: hsize_t = 0
        let status = H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, data in
            let box = Unmanaged<Box>.fromOpaque(data!).takeUnretainedValue()
            box.names.append(String(cString: name!))
            return 0
        }, Unmanaged.passUnretained(box).toOpaque())
        try HDF5.check(status, "cannot list attributes of \(path)")
        return box.names
    }

    func hasAttribute(_ name: String) -> Bool { H5Aexists(id, name) > 0 }

    func writeAttribute(_ name: String, _ value: Value) throws {
        let space = H5Object(try HDF5.check(H5Screate(H5S_SCALAR), "H5Screate"), close: H5Sclose)
        let fileType: H5Object
        switch value {
        case .double: fileType = H5Object(H5Tcopy(llb_H5T_NATIVE_DOUBLE()), close: H5Tclose)
        case .int: fileType = H5Object(H5Tcopy(llb_H5T_NATIVE_INT64()), close: H5Tclose)
        case .string: fileType = try HDF5.utf8StringType()
        }
        let attribute = H5Object(
            try HDF5.check(H5Acreate2(id, name, fileType.id, space.id, llb_H5P_DEFAULT(), llb_H5P_DEFAULT()),
                           "cannot create attribute \(name) on \(path)"), close: H5Aclose)
        let status: herr_t
        switch value {
        case .double(var x): status = H5Awrite(attribute.id, llb_H5T_NATIVE_DOUBLE(), &x)
        case .int(var x): status = H5Awrite(attribute.id, llb_H5T_NATIVE_INT64(), &x)
        case .string(let s):
            status = s.withCString { cString in
                var pointer: UnsafePointer<CChar>? = cString
                return H5Awrite(attribute.id, fileType.id, &pointer)
            }
        }
        try HDF5.check(status, "cannot write attribute \(name) on \(path)")
    }

    /// Reads a scalar attribute of any integer, float or string type.
    func readAttribute(_ name: String) throws -> Value {
        let attribute = H5Object(try HDF5.check(H5Aopen(id, name, llb_H5P_DEFAULT()),
                                                "missing attribute \(name) on \(path)"), close: H5Aclose)
        let type = H5Object(H5Aget_type(attribute.id), close: H5Tclose)
        let space = H5Object(H5Aget_space(attribute.id), close: H5Sclose)
        guard H5Sget_simple_extent_npoints(space.id) == 1 else {
            throw HDF5.Failure(description: "attribute \(name) on \(path) is not a scalar")
        }
        let what = "cannot read attribute \(name) on \(path)"
        switch H5Tget_class(type.id) {
        case H5T_INTEGER:
            var x: Int64 = 0
            try HDF5.check(H5Aread(attribute.id, llb_H5T_NATIVE_INT64(), &x), what)
            return .int(x)
        case H5T_FLOAT:
            var x = 0.0
            try HDF5.check(H5Aread(attribute.id, llb_H5T_NATIVE_DOUBLE(), &x), what)
            return .double(x)
        case H5T_STRING:
            return .string(try readStrings(count: 1, fileType: type.id, what: what) { memType, buffer in
                H5Aread(attribute.id, memType, buffer)
            }[0])
        default:
            throw HDF5.Failure(description: "attribute \(name) on \(path) has an unsupported type")
        }
    }

    // MARK: datasets

    /// Writes a 1-D dataset. Empty columns are valid (a run with no steps yet).
    func writeDataset(_ name: String, _ column: Column) throws {
        var dims = [hsize_t(column.count)]
        let space = H5Object(try HDF5.check(H5Screate_simple(1, &dims, nil), "H5Screate_simple"), close: H5Sclose)
        let fileType: H5Object
        switch column {
        case .double: fileType = H5Object(H5Tcopy(llb_H5T_NATIVE_DOUBLE()), close: H5Tclose)
        case .int: fileType = H5Object(H5Tcopy(llb_H5T_NATIVE_INT64()), close: H5Tclose)
        case .string: fileType = try HDF5.utf8StringType()
        }
        let dataset = H5Object(
            try HDF5.check(H5Dcreate2(id, name, fileType.id, space.id, llb_H5P_DEFAULT(), llb_H5P_DEFAULT(), llb_H5P_DEFAULT()),
                           "cannot create dataset \(childPath(name))"), close: H5Dclose)
        let status: herr_t
        switch column {
        case .double(let xs):
            status = xs.withUnsafeBufferPointer { H5Dwrite(dataset.id, llb_H5T_NATIVE_DOUBLE(), llb_H5S_ALL(), llb_H5S_ALL(), llb_H5P_DEFAULT(), $0.baseAddress) }
        case .int(let xs):
            status = xs.withUnsafeBufferPointer { H5Dwrite(dataset.id, llb_H5T_NATIVE_INT64(), llb_H5S_ALL(), llb_H5S_ALL(), llb_H5P_DEFAULT(), $0.baseAddress) }
        case .string(let xs):
            // strdup'd copies: C strings must outlive the write call, all at once.
            let pointers = xs.map { UnsafePointer<CChar>(strdup($0)) }
            defer { pointers.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
            status = pointers.withUnsafeBufferPointer { H5Dwrite(dataset.id, fileType.id, llb_H5S_ALL(), llb_H5S_ALL(), llb_H5P_DEFAULT(), $0.baseAddress) }
        }
        try HDF5.check(status, "cannot write dataset \(childPath(name))")
    }

    /// Reads a 1-D dataset of any integer, float or string type.
    func readDataset(_ name: String) throws -> Column {
        let full = childPath(name)
        let dataset = H5Object(try HDF5.check(H5Dopen2(id, name, llb_H5P_DEFAULT()), "missing dataset \(full)"), close: H5Dclose)
        let type = H5Object(H5Dget_type(dataset.id), close: H5Tclose)
        let space = H5Object(H5Dget_space(dataset.id), close: H5Sclose)
        guard H5Sget_simple_extent_ndims(space.id) == 1 else {
            throw HDF5.Failure(description: "dataset \(full) is not 1-D")
        }
        let count = Int(H5Sget_simple_extent_npoints(space.id))
        let what = "cannot read dataset \(full)"
        switch H5Tget_class(type.id) {
        case H5T_INTEGER:
            var xs = [Int64](repeating: 0, count: count)
            if count > 0 {
                try HDF5.check(xs.withUnsafeMutableBufferPointer { H5Dread(dataset.id, llb_H5T_NATIVE_INT64(), llb_H5S_ALL(), llb_H5S_ALL(), llb_H5P_DEFAULT(), $0.baseAddress) }, what)
            }
            return .int(xs)
        case H5T_FLOAT:
            var xs = [Double](repeating: 0, count: count)
            if count > 0 {
                try HDF5.check(xs.withUnsafeMutableBufferPointer { H5Dread(dataset.id, llb_H5T_NATIVE_DOUBLE(), llb_H5S_ALL(), llb_H5S_ALL(), llb_H5P_DEFAULT(), $0.baseAddress) }, what)
            }
            return .double(xs)
        case H5T_STRING:
            if count == 0 { return .string([]) }
            return .string(try readStrings(count: count, fileType: type.id, what: what) { memType, buffer in
                H5Dread(dataset.id, memType, llb_H5S_ALL(), llb_H5S_ALL(), llb_H5P_DEFAULT(), buffer)
            })
        default:
            throw HDF5.Failure(description: "dataset \(full) has an unsupported type")
        }
    }

    /// Reads `count` strings stored either variable-length (what we write) or
    /// fixed-length (what other tools may write).
    private func readStrings(count: Int, fileType: hid_t, what: String,
                             read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        if H5Tis_variable_str(fileType) > 0 {
            let memType = try HDF5.utf8StringType()
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try HDF5.check(pointers.withUnsafeMutableBufferPointer { read(memType.id, UnsafeMutableRawPointer($0.baseAddress!)) }, what)
            defer { pointers.forEach { if let p = $0 { H5free_memory(p) } } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        let memType = H5Object(H5Tcopy(fileType), close: H5Tclose)
        var bytes = [UInt8](repeating: 0, count: size * count)
        try HDF5.check(bytes.withUnsafeMutableBytes { read(memType.id, $0.baseAddress!) }, what)
        return (0..<count).map { i in
            let slice = bytes[(i * size)..<((i + 1) * size)].prefix { $0 != 0 }
            return String(decoding: slice, as: UTF8.self)
        }
    }
}

/// Reads a link or attribute name through the usual "ask for the size, then fill" protocol.
private func name(_ index: hsize_t, _ get: (UnsafeMutablePointer<CChar>?, Int) -> Int) throws -> String {
    let size = get(nil, 0)
    if size < 0 { throw HDF5.Failure(description: "cannot read the name of link \(index)") }
    var buffer = [CChar](repeating: 0, count: size + 1)
    _ = get(&buffer, size + 1)
    return String(cString: buffer)
}
