import Foundation
import HeraldReports

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file to import, read a block at a time (never the whole file), or a text in memory.
public final class CSVSource: @unchecked Sendable {
    private let path: String
    private var fd: Int32 = -1
    private var memory: [UInt8]?
    static let block = 1 << 20

    /// Opens the file (see `ImportError.open`).
    public init(path: String) throws(ImportError) {
        fd = try ImportError.open(path)
        self.path = path
    }

    public init(text: String) {
        path = "-"
        memory = Array(text.utf8)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Hands each record to `body`, in order, until the file ends or `body` says stop (false). Throws `CSVSyntaxError`
    /// (its `encoding` set for text that is not UTF-8) or `ImportError.unreadable`.
    func records(_ body: (CSVRecord) -> Bool) throws {
        var parser = CSVParser()
        var go = true
        if let memory {
            try memory.withUnsafeBufferPointer { (p) throws(CSVSyntaxError) in try parser.feed(p) { if go { go = body($0) } } }
        } else {
            var buffer = [UInt8](repeating: 0, count: Self.block)
            var first = true
            while go {
                var filled = 0, eof = false
                // The first piece holds at least the byte-order mark's three bytes (or the whole file).
                repeat {
                    let n = buffer.withUnsafeMutableBytes { raw in posixRead(fd, raw.baseAddress! + filled, raw.count - filled) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno)))
                    }
                    eof = n == 0
                    filled += n
                } while first && filled < 3 && !eof
                first = false
                try buffer.withUnsafeBufferPointer { (p) throws(CSVSyntaxError) in try parser.feed(UnsafeBufferPointer(rebasing: p[0..<filled])) { if go { go = body($0) } } }
                if eof { break }
            }
        }
        if go { try parser.finish { if go { go = body($0) } } }
    }
}

extension ImportError {
    /// Opens a file to import for reading; a missing file, a folder or one that cannot be read is `unreadable` (exit 66).
    static func open(_ path: String) throws(ImportError) -> Int32 {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .unreadable(path: path, reason: "no such file") }
        if isDir.boolValue { throw .unreadable(path: path, reason: "it is a folder") }
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_RDONLY)
        #else
        let fd = Darwin.open(path, O_RDONLY)
        #endif
        guard fd >= 0 else { throw .unreadable(path: path, reason: "permission denied or I/O error") }
        return fd
    }
}

/// A set of small non-negative whole numbers (rowids), one bit each.
struct BitSet {
    private var words: [UInt64] = []

    /// Adds `n`; false when it was there.
    mutating func insert(_ n: Int64) -> Bool {
        let w = Int(n >> 6), bit = UInt64(1) << UInt64(n & 63)
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        if words[w] & bit != 0 { return false }
        words[w] |= bit
        return true
    }
}
