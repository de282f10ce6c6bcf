import Foundation
import GRDB
import HeraldModel

/// What `herald db info` shows.
public struct StoreInfo: Sendable, Codable {
    public var path: String
    /// The last migration applied.
    public var schemaVersion: String
    public var appliedMigrations: [String]
    public var pendingMigrations: [String]
    public var snapshots: Int
    public var postsByStatus: [String: Int]
    public var shareTasks: Int

    public init(path: String, schemaVersion: String, appliedMigrations: [String], pendingMigrations: [String], snapshots: Int,
                postsByStatus: [String: Int], shareTasks: Int) {
        self.path = path; self.schemaVersion = schemaVersion; self.appliedMigrations = appliedMigrations
        self.pendingMigrations = pendingMigrations; self.snapshots = snapshots; self.postsByStatus = postsByStatus
        self.shareTasks = shareTasks
    }
}

/// A strategy file as it was when Herald last worked from it.
public struct StrategySnapshot: Sendable {
    public var id: Int64
    public var importedAt: Date
    public var file: String
    public var contentHash: String
    public var brand: String
}

/// The one database type: owns the connection pool and the migrator.
///
/// The file is shared by cron runs, a long-running service and interactive commands, so it is opened as a
/// WAL `DatabasePool` with a busy timeout, and every write is one transaction.
public final class Store: Sendable {
    public let path: String
    /// A WAL `DatabasePool`; for a file Herald may not write (a copy on a read-only mount, a file without write
    /// permission) a read-only connection, so reading commands still work.
    let pool: any DatabaseWriter
    /// True when the file was opened read-only: every change is refused with `StoreError.readOnly`.
    public let isReadOnly: Bool
    /// True when this store created the file (it did not exist, or was empty): its schema is then created without
    /// syncing each migration (see `migrate()`).
    let createdFile: Bool

    /// How long a write waits for another process before giving up.
    public static let defaultBusyTimeout: TimeInterval = 5

    /// Opens (creating if needed) the database and brings its schema up to date.
    /// Refuses a file written by a newer Herald.
    public init(path: String, busyTimeout: TimeInterval = Store.defaultBusyTimeout, migrate: Bool = true) throws(StoreError) {
        self.path = path
        if path.isEmpty { throw .cannotOpen(path: "''", reason: "the database path is empty") }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "herald"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            throw .cannotOpen(path: path, reason: "the folder \(dir) does not exist")
        }
        isReadOnly = Store.cannotWrite(path: path, folder: dir.isEmpty ? "." : dir)
        createdFile = !isReadOnly && Store.isAbsentOrEmpty(path)
        if createdFile {
            // Turning the new, empty file to WAL mode (GRDB does it as the writer opens) is a rollback-journal transaction
            // with four syncs at SQLite's default; there is nothing to protect yet. The writer is set to FULL below.
            config.prepareDatabase { db in
                if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = OFF") }
            }
        }
        do {
            if isReadOnly {
                // A copy nobody writes (no -wal beside it): open it immutable, which needs no -shm/-wal (the folder may
                // be read-only too). A live database another user's process writes (a -wal beside it): read-only, so
                // its latest commits in the WAL are seen.
                config.readonly = true
                let url = URL(fileURLWithPath: path).standardizedFileURL
                let encoded = url.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? url.path
                let live = FileManager.default.fileExists(atPath: path + "-wal")
                pool = try DatabaseQueue(path: "file:\(encoded)?\(live ? "mode=ro" : "immutable=1")", configuration: config)
            } else {
                let writable = try DatabasePool(path: path, configuration: config)
                // GRDB leaves WAL databases at synchronous=NORMAL, where a power cut can take back the last commits. Every
                // state change (a claim before its send, a finished delivery) must survive one: sync the WAL at each commit.
                try writable.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                    // A plan of a large strategy writes a few hundred thousand rows in one transaction: with SQLite's default
                    // 2 MiB page cache it spills pages to the WAL mid-transaction and rewrites them. Allow up to 32 MiB (taken
                    // only as pages are touched). And keep the statement journal (the undo record of a multi-row statement,
                    // dropped when the statement ends) in memory rather than in a temporary file written page by page.
                    try db.execute(sql: "PRAGMA cache_size = -32768")
                    try db.execute(sql: "PRAGMA temp_store = MEMORY")
                }
                pool = writable
            }
        } catch {
            throw Store.map(error, path: path, opening: true)
        }
        try checkNotNewer()
        if migrate { _ = try self.migrate() }
    }

    /// An existing file that this process may not write, or whose folder it may not write (SQLite needs the folder
    /// for its journal files): a copy on a read-only mount, or one without write permission.
    static func cannotWrite(path: String, folder: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        return access(path, W_OK) != 0 || access(folder, W_OK) != 0
    }

    /// No file at `path`, or one of 0 bytes (SQLite's own new database before its first write).
    static func isAbsentOrEmpty(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) != 0 || info.st_size == 0
    }

    static var migrator: DatabaseMigrator { Schema.migrator }

    /// All migrations this version knows, in order.
    public static var knownMigrations: [String] { Schema.migrator.migrations }

    func checkNotNewer() throws(StoreError) {
        let known = Set(Store.knownMigrations)
        let applied: Set<String>
        do {
            applied = try pool.read { db in
                try db.tableExists("grdb_migrations")
                    ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
            }
        } catch {
            throw Store.map(error, path: path)
        }
        let unknown = applied.subtracting(known)
        if !unknown.isEmpty { throw .newerSchema(path: path, unknown: unknown.sorted()) }
    }

    /// Applies pending migrations; returns the ones applied.
    @discardableResult
    public func migrate() throws(StoreError) -> [String] {
        let before: Set<String>
        do { before = try appliedIdentifiers() } catch { throw Store.map(error, path: path) }
        if Store.knownMigrations.allSatisfy(before.contains) { return [] }
        if isReadOnly { throw .readOnly(path: path, action: "bring its schema up to date for this version of Herald") }
        // Another process (cron's publish and a person's plan on a new file) may be migrating at the same moment. GRDB
        // applies each migration in its own transaction after reading which are applied, so the slower process can
        // find a migration's table already created by the other. Such a failure is taken back (its transaction rolled
        // back) and the migrator runs again, starting after what the other process applied; it is a real failure only
        // when nothing new was applied meanwhile.
        //
        // A file this store has just created holds nothing yet, so its migrations are not synced one by one (each is a
        // transaction of its own, and at synchronous=FULL each commit waits for the disk: a dozen syncs for an empty
        // schema). The writer is back at FULL before anything else is written; the first commit after (the command's
        // own) syncs the WAL, schema frames included. A power cut before then loses only the new, empty file's schema,
        // which the next command creates again.
        let unsynced = createdFile && before.isEmpty
        if unsynced { try setUnsynced(true) }
        var seen = before
        while true {
            do {
                try Store.migrator.migrate(pool)
                if unsynced { try setUnsynced(false) }
                return Store.knownMigrations.filter { !before.contains($0) }
            } catch {
                let now: Set<String>
                do { now = try appliedIdentifiers() } catch {
                    if unsynced { try? setUnsynced(false) }
                    throw Store.map(error, path: path)
                }
                guard now.count > seen.count else {
                    if unsynced { try? setUnsynced(false) }
                    throw Store.map(error, path: path)
                }
                seen = now
            }
        }
    }

    /// While `migrate()` creates a new file's schema the writer neither syncs nor checkpoints (a checkpoint that does not
    /// sync could let the WAL be reused before the database file holds its pages); otherwise `synchronous=FULL`, with
    /// SQLite's default checkpoint every 1,000 pages.
    private func setUnsynced(_ unsynced: Bool) throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: unsynced ? "PRAGMA synchronous = OFF; PRAGMA wal_autocheckpoint = 0"
                                             : "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000")
            }
        } catch {
            throw Store.map(error, path: path)
        }
    }

    private func appliedIdentifiers() throws -> Set<String> {
        try pool.read { db in
            try db.tableExists("grdb_migrations") ? try Store.migrator.appliedIdentifiers(db) : []
        }
    }

    public func info() throws(StoreError) -> StoreInfo {
        do {
            return try pool.read { db in
                let applied = try Store.migrator.appliedMigrations(db)
                let pending = Store.knownMigrations.filter { !applied.contains($0) }
                let hasPosts = try db.tableExists("post")
                var byStatus: [String: Int] = [:]
                if hasPosts {
                    for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM post GROUP BY status") {
                        byStatus[row["status"]] = row["n"]
                    }
                }
                return StoreInfo(
                    path: path, schemaVersion: applied.last ?? "empty", appliedMigrations: applied,
                    pendingMigrations: pending,
                    snapshots: try db.tableExists("strategy_snapshot") ? try SnapshotRecord.fetchCount(db) : 0,
                    postsByStatus: byStatus,
                    shareTasks: try db.tableExists("share_task") ? try ShareTaskRecord.fetchCount(db) : 0)
            }
        } catch {
            throw Store.map(error, path: path)
        }
    }

    // MARK: Strategy snapshots

    /// Records the strategy text unless the latest snapshot has the same hash; returns the snapshot.
    @discardableResult
    public func recordSnapshot(file: String, text: String, contentHash: String, brand: String, at now: Date) throws(StoreError) -> StrategySnapshot {
        try write { db in try Store.recordSnapshot(db, file: file, text: text, contentHash: contentHash, brand: brand, at: now) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    @discardableResult
    public func recordSnapshot(file: String, text: String, contentHash: String, brand: String, at now: Date) async throws(StoreError) -> StrategySnapshot {
        try await write { db in try Store.recordSnapshot(db, file: file, text: text, contentHash: contentHash, brand: brand, at: now) }
    }

    static func recordSnapshot(_ db: Database, file: String, text: String, contentHash: String, brand: String, at now: Date) throws -> StrategySnapshot {
        if let last = try SnapshotRecord.order(Column("id").desc).fetchOne(db), last.content_hash == contentHash {
            return last.snapshot
        }
        var r = SnapshotRecord(id: nil, imported_at: Int64(now.timeIntervalSince1970), file: file,
                               content_hash: contentHash, brand: brand, yaml: text)
        try r.insert(db)
        return r.snapshot
    }

    /// The content hash of the latest snapshot, without reading its text.
    public func latestSnapshotHash() throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT content_hash FROM strategy_snapshot ORDER BY id DESC LIMIT 1") }
    }

    public func latestSnapshot() throws(StoreError) -> StrategySnapshot? {
        try read { db in try SnapshotRecord.order(Column("id").desc).fetchOne(db)?.snapshot }
    }

    /// A pragma's value on the connection that writes (e.g. `synchronous`, `journal_mode`), for `herald db info` and tests.
    public func writerPragma(_ name: String) throws(StoreError) -> String {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { throw .refused("'\(name)' is not a pragma name.") }
        do {
            return try pool.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA \(name)") } ?? ""
        } catch {
            throw Store.map(error, path: path)
        }
    }

    // MARK: Plumbing

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw Store.map(error, path: path) }
    }

    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw Store.map(error, path: path) }
    }

    // Async code (a publishing pass, the endpoint) reaches the database through GRDB's async access: the task is
    // suspended while the connection's dispatch queue runs the statements and syncs the file, instead of a thread of the
    // cooperative pool waiting for SQLite and fsync. Each public async method has a synchronous twin for the commands
    // and tests; both run the same `(Database) throws -> T` body, so every statement is written once.

    /// `read` for async code. A cancelled task's read stops with an error (nothing is changed by a read).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.read(body) } catch { throw Store.map(error, path: path) }
    }

    /// `write` for async code. The transaction is not given up when the calling task is cancelled: a claim, a result, a
    /// run's record asked for is committed (or fails on the database), as the synchronous call always did.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let pool = pool
        return try await uncancelled { try await pool.write(body) }
    }

    /// Runs `work` in a task of its own, which the caller's cancellation does not reach (GRDB's async access interrupts
    /// the statement of a cancelled task), and waits for it.
    func uncancelled<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws(StoreError) -> T {
        let result = await Task { () async -> Result<T, any Error> in
            do { return .success(try await work()) } catch { return .failure(error) }
        }.value
        do { return try result.get() } catch { throw Store.map(error, path: path) }
    }

    static func map(_ error: any Error, path: String, opening: Bool = false) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError {
            if e.resultCode == .SQLITE_READONLY { return .readOnly(path: path, action: "change it") }
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY: return .cannotOpen(path: path, reason: e.message ?? "\(e.resultCode)")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .cannotOpen(path: path, reason: "it is not a Herald database or it is damaged")
            default: return .database(path: path, message: e.message ?? "\(e)")
            }
        }
        return opening ? .cannotOpen(path: path, reason: "\(error)") : .database(path: path, message: "\(error)")
    }
}

extension SnapshotRecord {
    var snapshot: StrategySnapshot {
        StrategySnapshot(id: id ?? 0, importedAt: Date(timeIntervalSince1970: TimeInterval(imported_at)), file: file,
                         contentHash: content_hash, brand: brand)
    }
}
