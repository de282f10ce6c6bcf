import Foundation

/// Reading and writing file descriptors with POSIX calls that retry on EINTR (a child exiting sends SIGCHLD, which
/// interrupts blocking calls; Foundation's FileHandle treats that as fatal on Linux). The command line writes its output
/// with it, and the tests read the processes they start with it.
public enum POSIXIO {
    /// Reads until end of file, keeping at most `limit` bytes (the rest is read and dropped so the writer never blocks).
    public static func readAll(_ fd: Int32, limit: Int = .max) -> Data {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                if out.count < limit { out.append(contentsOf: buffer[0..<min(n, limit - out.count)]) }
            } else if n == 0 || errno != EINTR {
                return out
            }
        }
    }

    /// Reads what is available now (blocking until at least one byte or end of file, which gives empty data).
    public static func readSome(_ fd: Int32) -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return Data(buffer[0..<n]) }
            if n == 0 || errno != EINTR { return Data() }
        }
    }

    /// Writes everything, retrying on EINTR; returns false on any other error (e.g. the reader went away).
    @discardableResult
    public static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }
    }
}
