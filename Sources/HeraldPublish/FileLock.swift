import Foundation

/// An exclusive advisory lock (flock) on a file beside the database, so overlapping cron runs and a running
/// service never publish at once. Released when the value is dropped or the process ends (even if killed).
public final class FileLock: Sendable {
    let fd: Int32
    public let path: String

    /// Takes the lock; returns nil when another process holds it and `wait` is false.
    public init?(path: String, wait: Bool) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "cannot open the lock file \(path): \(String(cString: strerror(errno)))"])
        }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            close(fd)
            return nil
        }
    }

    /// The publish lock of a database: `<file>.lock` beside the file the path resolves to (symbolic links followed, in
    /// the name and in its folders), so two names for one database (a link, a linked folder) share one lock.
    public static func publishLockPath(database: String) -> String {
        guard let resolved = realpath(database, nil) else { return database + ".lock" }
        defer { free(resolved) }
        return String(cString: resolved) + ".lock"
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Test-only crash points: when the environment variable `HERALD_FAILPOINT` names a point, the process kills itself
/// there with SIGKILL, so tests can prove that a crash at that moment loses and duplicates nothing.
public enum Failpoint: String, Sendable {
    /// Right after claiming deliveries (committed), before any hook is called.
    case afterClaim = "after-claim"
    /// After the hook answered, before the result is committed.
    case afterSend = "after-send"

    public func hit(_ environment: [String: String]) {
        if environment["HERALD_FAILPOINT"] == rawValue { kill(getpid(), SIGKILL) }
    }
}
