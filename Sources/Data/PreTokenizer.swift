/// Cuts bytes into "words" before BPE, so merges never cross a word boundary and the
/// trainer and encoder can work on counts of distinct words instead of the whole text.
///
/// A word is a run of one byte class (letters incl. all bytes >= 0x80, digits,
/// punctuation, spaces, other whitespace), where a single space before a letter, digit
/// or punctuation run joins that run (" the", " 42", " $("). Runs longer than
/// `maxWordLength` are cut into pieces of that length, bounding the work per word.
public enum PreTokenizer {
    public static let maxWordLength = 32

    enum ByteClass: UInt8 { case letter, digit, space, whitespace, punctuation }

    static let classes: [ByteClass] = (0..<256).map { b -> ByteClass in
        switch b {
        case 0x41...0x5A, 0x61...0x7A, 0x80...0xFF: .letter
        case 0x30...0x39: .digit
        case 0x20: .space
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: .whitespace
        default: .punctuation
        }
    }

    /// Calls `body` with each word's range in `bytes`, in order; the ranges tile `bytes`.
    @inline(__always)
    public static func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let n = bytes.count
        var i = 0
        classes.withUnsafeBufferPointer { cls in
            while i < n {
                let start = i
                var c = cls[Int(bytes[i])]
                if c == .space {
                    // Spaces: all but the last form a word if a non-space run follows.
                    var j = i
                    while j < n, bytes[j] == 0x20 { j += 1 }
                    let joins = j < n && cls[Int(bytes[j])] != .whitespace
                    if joins && j - i > 1 {
                        emit(start, j - 1, body)
                        i = j - 1
                        continue
                    } else if !joins {
                        emit(start, j, body)
                        i = j
                        continue
                    }
                    // A single space joins the run that follows.
                    i = j
                    c = cls[Int(bytes[j])]
                }
                while i < n, cls[Int(bytes[i])] == c { i += 1 }
                emit(start, i, body)
            }
        }
    }

    @inline(__always)
    private static func emit(_ start: Int, _ end: Int, _ body: (Range<Int>) -> Void) {
        var s = start
        while end - s > maxWordLength {
            body(s..<(s + maxWordLength))
            s += maxWordLength
        }
        if s < end { body(s..<end) }
    }
}
