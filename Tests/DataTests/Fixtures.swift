import Foundation
import Support

/// A fresh temporary folder per test (tests run in parallel).
func temporaryDirectory(_ label: String = "data") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("longlora-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func write(_ text: String, to url: URL) throws {
    try write(Array(text.utf8), to: url)
}

func write(_ bytes: [UInt8], to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Foundation.Data(bytes).write(to: url)
}

/// The repository root (for the hol-light sources unpacked by scripts/setup.sh into data/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The message and hint of a thrown UserError, or a failure text if something else was thrown.
func userErrorText(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error thrown"
    } catch let error as UserError {
        return error.description
    } catch {
        return "not a UserError: \(error)"
    }
}

/// Deterministic pseudo-random bytes for round-trip tests.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// A small English-like text with repeated words, for BPE training.
let sampleText = """
    The Devil's Dictionary was begun in a weekly paper in 1881, and was continued in a \
    desultory way at long intervals until 1906. In that year a large part of it was published \
    in covers with the title The Cynic's Word Book. In the beginning God created the heaven \
    and the earth. And the earth was without form, and void; and darkness was upon the face of \
    the deep. |- ( ph -> ( ps -> ph ) ) $= ( wi ax-1 ) ABADCE $.
    let REAL_ADD_SYM = prove(`!x y. x + y = y + x`, REAL_ARITH_TAC);;

    """
