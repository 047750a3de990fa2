import Foundation
import Support

/// Where the built-in corpora find their Debian files. Tests point `root` at a temporary
/// folder to exercise the "package missing" errors without touching the system.
public struct DebianEnvironment: Sendable {
    /// File-system root of the installed packages ("/" normally).
    public var root: URL
    /// The harness's data folder; `debian/hol-light/` below it holds the unpacked hol-light .deb.
    public var dataDirectory: URL

    public init(root: URL = URL(fileURLWithPath: "/"), dataDirectory: URL) {
        self.root = root
        self.dataDirectory = dataDirectory
    }

    public var isSystem: Bool { root.standardizedFileURL.path == "/" }

    public func path(_ absolute: String) -> URL {
        root.appendingPathComponent(String(absolute.drop { $0 == "/" }))
    }

    /// A file a package provides; missing means the package is missing (or damaged).
    public func require(_ absolute: String, package: String) throws -> URL {
        let url = path(absolute)
        guard FileReading.exists(url) else {
            throw UserError("\(url.path) not found: the Debian package \(package) is not installed",
                            hint: DebianPackage.installCommand([package]))
        }
        return url
    }
}

/// Queries dpkg for installed package versions (recorded in corpus manifests).
public enum DebianPackage {
    public static func installCommand(_ packages: [String]) -> String {
        "apt-get install -y \(packages.joined(separator: " "))   (or: bash scripts/setup.sh)"
    }

    /// The installed version of `package`, or nil if dpkg does not know it.
    public static func installedVersion(_ package: String) -> String? {
        guard let result = Shell.run(["dpkg-query", "-W", "-f=${Status}\t${Version}", package]),
              result.status == 0 else { return nil }
        let fields = String(decoding: result.stdout, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0].hasSuffix("installed"), !fields[0].contains("not-installed") else { return nil }
        return String(fields[1])
    }

    /// The version of an installed package, or an error whose hint installs it.
    public static func require(_ package: String, for corpus: String) throws -> String {
        guard let version = installedVersion(package) else {
            throw UserError("corpus \(corpus) needs the Debian package \(package), which is not installed",
                            hint: installCommand([package]))
        }
        return version
    }

    /// Under a test root dpkg's answer is meaningless: record that instead of a version.
    static func version(_ package: String, corpus: String, in environment: DebianEnvironment) throws -> String {
        environment.isSystem ? try require(package, for: corpus) : "unknown (root \(environment.root.path))"
    }
}
