import Foundation

/// Where a writer sends its text. Writers call `write` many times with small pieces, so sinks buffer.
public protocol TextSink {
    mutating func write(_ text: String) throws
    /// Writes UTF-8 bytes (writers that build lines byte by byte use this to skip a String round trip).
    mutating func write(utf8 bytes: [UInt8]) throws
}

extension TextSink {
    public mutating func write(utf8 bytes: [UInt8]) throws { try write(String(decoding: bytes, as: UTF8.self)) }
}

/// Collects everything in memory (tests, small outputs).
public struct StringSink: TextSink {
    public private(set) var text = ""

    public init() {}

    public mutating func write(_ text: String) { self.text += text }
}

/// Buffers UTF-8 bytes and hands them to a file handle in large blocks, so memory stays flat however much is written.
public final class FileSink: TextSink {
    /// Bytes collected before they are written out.
    public static let blockSize = 1 << 16

    let handle: FileHandle
    var buffer: [UInt8] = []

    public init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(Self.blockSize + 4096)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.blockSize { try flush() }
    }

    public func write(utf8 bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.blockSize { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A file written under a temporary name beside its destination and renamed into place only when complete, so a
/// reader never sees half a file and a failed export leaves the old file (or nothing) behind.
public final class AtomicFile {
    public let path: String
    let temporaryPath: String
    public let sink: FileSink
    var finished = false

    /// Creates the temporary file; throws when the folder does not exist or is not writable.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw OutputError(path: path, reason: "the folder \(dir) does not exist")
        }
        temporaryPath = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw OutputError(path: path, reason: "cannot create a file in \(dir) (permission denied?)")
        }
        sink = FileSink(handle)
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws {
        do {
            try sink.flush()
            try sink.handle.synchronize()
            try sink.handle.close()
            // rename(2) replaces the destination atomically.
            guard rename(temporaryPath, path) == 0 else {
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            finished = true
        } catch let e as OutputError {
            discard()
            throw e
        } catch {
            discard()
            throw OutputError(path: path, reason: "\(error)")
        }
    }

    /// Removes the temporary file; the destination is untouched.
    public func discard() {
        guard !finished else { return }
        try? sink.handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
        finished = true
    }

    deinit { discard() }
}

/// An output file that could not be written (EX_CANTCREAT, 73).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    public var description: String { "\(path): cannot write the file (\(reason)). Nothing was written." }
}
