import Foundation
import HeraldStore
import NIOCore
import PostgresNIO

/// What `herald db copy` moved: rows per table, in the order they were copied.
public struct CopyReport: Sendable, Codable {
    public struct Table: Sendable, Codable {
        public var name: String
        public var rows: Int
    }
    public var from: String
    public var to: String
    public var tables: [Table]
    public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
}

/// Moves a brand's whole database between SQLite files and PostgreSQL servers (either way, or between two of the
/// same), all or nothing: the target must hold no data; the source is read as one consistent snapshot; the target is
/// written in one transaction (PostgreSQL) or as a new file renamed into place (SQLite); row counts are compared
/// before anything becomes visible. A failed copy leaves the target as it was.
public enum DatabaseCopy {
    public static func copy(from source: DatabaseAddress, to target: DatabaseAddress,
                            busyTimeout: TimeInterval = Store.defaultBusyTimeout) async throws(StoreError) -> CopyReport {
        if source == target { throw .refused("--from and --to name the same database (\(source)); name another target.") }
        if case .sqlite(let a) = source, case .sqlite(let b) = target,
           URL(fileURLWithPath: a).standardizedFileURL == URL(fileURLWithPath: b).standardizedFileURL {
            throw .refused("--from and --to name the same database (\(source)); name another target.")
        }
        let shapes = try Store.currentTableShapes()
        let reader = try await openSource(source, busyTimeout: busyTimeout)
        do {
            let counts = try await reader.counts(shapes)
            let writer = try await openTarget(target, shapes: shapes, busyTimeout: busyTimeout)
            do {
                for shape in shapes {
                    var after: Int64?
                    while let page = try await reader.page(of: shape, after: after) {
                        try await writer.append(shape, page.rows)
                        after = page.last
                    }
                }
                let written = try await writer.counts(shapes)
                for shape in shapes where written[shape.name, default: 0] != counts[shape.name, default: 0] {
                    throw StoreError.refused("the copy of \(shape.name) has \(written[shape.name, default: 0]) rows where \(source) has "
                        + "\(counts[shape.name, default: 0]); nothing was changed at \(target).")
                }
                try await writer.finish(shapes)
            } catch {
                await writer.abandon()
                throw error
            }
            await reader.close()
            return CopyReport(from: source.description, to: target.description,
                              tables: shapes.map { CopyReport.Table(name: $0.name, rows: counts[$0.name, default: 0]) })
        } catch {
            await reader.close()
            if let e = error as? StoreError { throw e }
            throw .database(path: target.description, message: "\(error)")
        }
    }

    // MARK: Sources

    static func openSource(_ address: DatabaseAddress, busyTimeout: TimeInterval) async throws(StoreError) -> any CopySource {
        switch address {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw .cannotOpen(path: path, reason: "there is no database file there")
            }
            // Opening brings an older file's schema up to date, as every command does, so the tables match.
            let store = try Store(path: path, busyTimeout: busyTimeout)
            return SQLiteSource(store: store, reader: try store.snapshotReader())
        case .postgres(let pg):
            let store = try await PostgresStore.connect(pg)
            do {
                let applied = try await store.appliedSteps()
                if applied.isEmpty {
                    throw StoreError.refused("\(pg) holds no Herald database (no schema); nothing to copy.")
                }
                if let missing = PostgresSchema.knownSteps.first(where: { !applied.contains($0) }) {
                    throw StoreError.refused("\(pg) has an older schema (\(missing) not applied); run `herald db migrate --db \(pg)` first.")
                }
                _ = try await store.info()  // refuses a newer schema
                try await store.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return PostgresSource(store: store)
            } catch {
                await store.close()
                throw PostgresStore.map(error, address: pg)
            }
        }
    }

    // MARK: Targets

    static func openTarget(_ address: DatabaseAddress, shapes: [TableShape], busyTimeout: TimeInterval) async throws(StoreError) -> any CopyTarget {
        switch address {
        case .sqlite(let path):
            if FileManager.default.fileExists(atPath: path) {
                if try Store.holdsData(path: path) {
                    throw .refused("\(path) already holds a brand's data; db copy only fills a new or empty database. Nothing was changed.")
                }
            }
            let folder = (path as NSString).deletingLastPathComponent
            let prefix = ".\((path as NSString).lastPathComponent).copying-"
            let temporary = (folder.isEmpty ? "" : folder + "/") + prefix + "\(getpid())"
            removeAbandoned(in: folder.isEmpty ? "." : folder, prefix: prefix)
            removeSQLite(temporary)
            do {
                return SQLiteTarget(path: path, temporary: temporary, store: try Store(path: temporary, busyTimeout: busyTimeout))
            } catch {
                removeSQLite(temporary)
                throw error
            }
        case .postgres(let pg):
            let store = try await PostgresStore.connect(pg)
            do {
                try await store.execute("BEGIN")
                _ = try await store.migrateInTransaction()
                for shape in shapes {
                    if try await store.count("SELECT COUNT(*) FROM (SELECT 1 FROM \(shape.name) LIMIT 1) AS t") > 0 {
                        throw StoreError.refused("\(pg) already holds a brand's data (table \(shape.name) is not empty); db copy only fills "
                            + "a new or empty database. Nothing was changed.")
                    }
                }
                return PostgresTarget(store: store)
            } catch {
                _ = try? await store.connection.query("ROLLBACK", logger: store.logger)
                await store.close()
                throw PostgresStore.map(error, address: pg)
            }
        }
    }

    /// Removes what an interrupted copy to the same file left (`.NAME.copying-PID`, its process gone).
    static func removeAbandoned(in folder: String, prefix: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(rest), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    static func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// Where a copy reads from.
protocol CopySource: Sendable {
    func counts(_ shapes: [TableShape]) async throws -> [String: Int]
    func page(of table: TableShape, after: Int64?) async throws -> (rows: [[TableValue]], last: Int64)?
    func close() async
}

/// Where a copy writes to.
protocol CopyTarget: Sendable {
    func append(_ table: TableShape, _ rows: [[TableValue]]) async throws
    func counts(_ shapes: [TableShape]) async throws -> [String: Int]
    /// Makes the copy visible (commit, or rename into place).
    func finish(_ shapes: [TableShape]) async throws
    /// Takes everything back.
    func abandon() async
}

struct SQLiteSource: CopySource {
    let store: Store
    let reader: TableReader

    func counts(_ shapes: [TableShape]) async throws -> [String: Int] { try reader.counts(shapes) }
    func page(of table: TableShape, after: Int64?) async throws -> (rows: [[TableValue]], last: Int64)? {
        try reader.page(of: table, after: after)
    }
    func close() async {}
}

struct PostgresSource: CopySource {
    let store: PostgresStore
    static let pageSize = 2_000

    func counts(_ shapes: [TableShape]) async throws -> [String: Int] { try await store.counts(shapes) }

    func page(of table: TableShape, after: Int64?) async throws -> (rows: [[TableValue]], last: Int64)? {
        let columns = table.copiedColumns.joined(separator: ", ")
        let order = table.orderColumn
        var binds = PostgresBindings()
        binds.append(after ?? Int64.min)
        let rows = try await store.rows(
            "SELECT \(columns) FROM \(table.name) WHERE \(order) > $1 ORDER BY \(order) LIMIT \(Self.pageSize)", binds)
        guard !rows.isEmpty else { return nil }
        let orderIndex = table.copiedColumns.firstIndex(of: order) ?? 0
        var values: [[TableValue]] = []
        values.reserveCapacity(rows.count)
        var last: Int64 = 0
        for row in rows {
            let cells = try row.map(Self.value)
            if case .integer(let n) = cells[orderIndex] { last = n }
            values.append(cells)
        }
        return (values, last)
    }

    static func value(_ cell: PostgresCell) throws -> TableValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
        case .float8, .float4: return .real(try cell.decode(Double.self))
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: return .text(try cell.decode(String.self))
        }
    }

    func close() async {
        _ = try? await store.connection.query("ROLLBACK", logger: store.logger)
        await store.close()
    }
}

struct SQLiteTarget: CopyTarget {
    let path: String
    let temporary: String
    let store: Store

    func append(_ table: TableShape, _ rows: [[TableValue]]) async throws { try store.insertRows(table, rows) }
    func counts(_ shapes: [TableShape]) async throws -> [String: Int] { try store.snapshotReader().counts(shapes) }

    func finish(_ shapes: [TableShape]) async throws {
        try store.checkpoint()
        try store.close()
        guard rename(temporary, path) == 0 else {
            throw StoreError.cannotOpen(path: path, reason: "cannot move the copy into place: \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
    }

    func abandon() async { DatabaseCopy.removeSQLite(temporary) }
}

struct PostgresTarget: CopyTarget {
    let store: PostgresStore

    func append(_ table: TableShape, _ rows: [[TableValue]]) async throws {
        guard !rows.isEmpty else { return }
        var buffer = ByteBuffer()
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                Self.write(value, to: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        do {
            try await store.connection.copyFrom(table: table.name, columns: table.copiedColumns, logger: store.logger) { writer in
                try await writer.write(buffer)
            }
        } catch {
            throw PostgresStore.map(error, address: store.address)
        }
    }

    /// One value in COPY's text format: `\N` for NULL, backslash escapes in text, `\\x…` hex for bytes.
    static func write(_ value: TableValue, to buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeString("\\N")
        case .integer(let n): buffer.writeString(String(n))
        case .real(let d):
            buffer.writeString(d.isNaN ? "NaN" : d == .infinity ? "Infinity" : d == -.infinity ? "-Infinity" : "\(d)")
        case .text(let s):
            for byte in s.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeString("\\t")
                case UInt8(ascii: "\n"): buffer.writeString("\\n")
                case UInt8(ascii: "\r"): buffer.writeString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        case .blob(let bytes):
            buffer.writeString("\\\\x")
            let hex = Array("0123456789abcdef".utf8)
            for b in bytes {
                buffer.writeInteger(hex[Int(b >> 4)])
                buffer.writeInteger(hex[Int(b & 0x0f)])
            }
        }
    }

    func counts(_ shapes: [TableShape]) async throws -> [String: Int] { try await store.counts(shapes) }

    func finish(_ shapes: [TableShape]) async throws {
        // The identity columns continue after the copied ids and rowids.
        for shape in shapes {
            let column = shape.orderColumn
            try await store.execute("""
                SELECT setval(pg_get_serial_sequence('\(shape.name)', '\(column)'), COALESCE((SELECT MAX(\(column)) FROM \(shape.name)), 0) + 1, false)
                """)
        }
        try await store.execute("COMMIT")
        await store.close()
    }

    func abandon() async {
        _ = try? await store.connection.query("ROLLBACK", logger: store.logger)
        await store.close()
    }
}
