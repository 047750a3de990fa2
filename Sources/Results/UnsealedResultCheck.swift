import Foundation

/// Result files written before seals existed (`ResultChecksum.Status.unsealed`) cannot be
/// verified, and libhdf5 1.10 can crash or loop forever on a corrupted one. A program that
/// can start itself (the command line) sets `isolatedRead`: `ResultFile.read` then has such a
/// file read in a separate process, which writes it back as a sealed copy, and reads that
/// copy; the unsealed file itself is never opened by libhdf5 here. (A damaged file that one
/// process happened to read whole could still crash another: fuzzing found one that `check`
/// crashed on after reading its baseline, though read alone it did not.) A damaged old file
/// so ends in an error naming it instead of a crash or a hang. Without it (a library user,
/// the unit tests) unsealed files are opened directly.
public enum UnsealedResultCheck {
    /// Reads the unsealed file at the first URL in isolation and writes it, sealed, to the second.
    nonisolated(unsafe) public static var isolatedRead: ((URL, URL) throws -> Void)?
}
