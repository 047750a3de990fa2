import Foundation

/// Result files written before seals existed (`ResultChecksum.Status.unsealed`) cannot be
/// verified, and libhdf5 1.10 can crash or loop forever on a corrupted one. A program that
/// can start itself (the command line) sets `isolatedRead`: `ResultFile.read` then reads such
/// a file in a separate process first, and opens it only if that process read it whole, so
/// a damaged old file ends in an error naming it instead of a crash or a hang here.
/// Without it (a library user, the unit tests) unsealed files are opened directly.
public enum UnsealedResultCheck {
    nonisolated(unsafe) public static var isolatedRead: ((URL) throws -> Void)?
}
