/// The code this binary was built from (see `Support.CodeFingerprint`). The value is
/// generated at build time by `CodeFingerprintPlugin` into this module.
public enum CodeIdentity {
    /// SHA-256 hex of every file under Sources/, Package.swift and the resolved dependencies.
    public static let fingerprint: String = generatedCodeFingerprint
}
