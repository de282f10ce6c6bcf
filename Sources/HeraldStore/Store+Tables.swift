import Foundation
import GRDB

/// A value of a table cell as `herald db copy` carries it between SQLite and PostgreSQL.
public enum TableValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A table of Herald's schema, as a copy moves it: its columns in order and the column that keeps the rows' order.
public struct TableShape: Sendable, Equatable {
    public var name: String
    /// The declared columns, in the schema's order.
    public var columns: [String]
    /// True when the table's key is an auto-incremented integer `id` (SQLite's rowid itself). Other tables carry their
    /// SQLite rowid (their order of insertion, which the queue relies on) as an explicit `rowid` column elsewhere.
    public var integerKey: Bool

    /// The columns a copy carries: the declared ones, after `rowid` when the table has no integer key.
    public var copiedColumns: [String] { integerKey ? columns : ["rowid"] + columns }
    /// The column that orders the rows.
    public var orderColumn: String { integerKey ? "id" : "rowid" }
}

/// Reads a whole database as one consistent snapshot, table by table, a page at a time.
public struct TableReader: Sendable {
    let reader: any DatabaseReader
    let path: String

    /// The row counts of `tables`, in the snapshot.
    public func counts(_ tables: [TableShape]) throws(StoreError) -> [String: Int] {
        do {
            return try reader.read { db in
                var counts: [String: Int] = [:]
                for t in tables { counts[t.name] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(t.name.quotedDatabaseIdentifier)") ?? 0 }
                return counts
            }
        } catch { throw Store.map(error, path: path) }
    }

    /// The rows of `table` (its `copiedColumns`) after the row with rowid `after` (nil: from the first), at most
    /// `limit`, in rowid order, with the last row's rowid; nil when there are no more.
    public func page(of table: TableShape, after: Int64?, limit: Int = 2_000) throws(StoreError) -> (rows: [[TableValue]], last: Int64)? {
        let columns = (["rowid"] + table.columns).map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let sql = "SELECT \(columns) FROM \(table.name.quotedDatabaseIdentifier) WHERE rowid > ? ORDER BY rowid LIMIT \(limit)"
        do {
            return try reader.read { db -> (rows: [[TableValue]], last: Int64)? in
                var rows: [[TableValue]] = []
                var last: Int64 = 0
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: [after ?? Int64.min])
                while let row = try cursor.next() {
                    last = row[0]
                    let values = (0..<row.count).map { i in TableValue(row[i] as DatabaseValue) }
                    rows.append(table.integerKey ? Array(values.dropFirst()) : values)
                }
                return rows.isEmpty ? nil : (rows, last)
            }
        } catch { throw Store.map(error, path: path) }
    }
}

extension TableValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let n): self = .integer(n)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let n): n.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): Data(b).databaseValue
        }
    }
}

extension Store {
    /// The schema's tables (Herald's own, not SQLite's or the migrator's bookkeeping), each after the tables it refers
    /// to, so rows can be inserted in this order with foreign keys enforced.
    public func tableShapes() throws(StoreError) -> [TableShape] {
        try Store.tableShapes(in: pool, path: path)
    }

    static func tableShapes(in reader: any DatabaseReader, path: String) throws(StoreError) -> [TableShape] {
        do { return try reader.read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                ORDER BY name
                """)
            var shapes: [String: TableShape] = [:]
            var parents: [String: Set<String>] = [:]
            for name in names {
                let info = try Row.fetchAll(db, sql: "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [name])
                let keys = info.filter { ($0["pk"] as Int) > 0 }
                let integerKey = keys.count == 1 && (keys[0]["type"] as String).uppercased() == "INTEGER"
                shapes[name] = TableShape(name: name, columns: info.map { $0["name"] }, integerKey: integerKey)
                parents[name] = Set(try String.fetchAll(db, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [name]))
                    .subtracting([name])
            }
            var ordered: [TableShape] = []
            var placed: Set<String> = []
            while ordered.count < names.count {
                let ready = names.filter { !placed.contains($0) && parents[$0, default: []].isSubset(of: placed) }
                guard !ready.isEmpty else { throw StoreError.refused("the schema's foreign keys form a cycle; cannot order its tables.") }
                for name in ready { if let shape = shapes[name] { ordered.append(shape) }; placed.insert(name) }
            }
            return ordered
        } } catch { throw Store.map(error, path: path) }
    }

    /// The tables of the schema this version of Herald writes (every migration applied), in `tableShapes()`'s order.
    public static func currentTableShapes() throws(StoreError) -> [TableShape] {
        do {
            let queue = try DatabaseQueue()
            try migrator.migrate(queue)
            return try tableShapes(in: queue, path: ":memory:")
        } catch { throw Store.map(error, path: ":memory:") }
    }

    /// A reader of the whole database as it is now: later writes (by this or another process) are not seen.
    public func snapshotReader() throws(StoreError) -> TableReader {
        do {
            if let pool = pool as? DatabasePool { return TableReader(reader: try pool.makeSnapshot(), path: path) }
            return TableReader(reader: pool, path: path)
        } catch { throw Store.map(error, path: path) }
    }

    /// Appends `rows` (values of `table.copiedColumns`) to `table`, in one transaction.
    public func insertRows(_ table: TableShape, _ rows: [[TableValue]]) throws(StoreError) {
        guard !rows.isEmpty else { return }
        let columns = table.copiedColumns
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let sql = "INSERT INTO \(table.name.quotedDatabaseIdentifier) (\(columns.map(\.quotedDatabaseIdentifier).joined(separator: ", "))) VALUES \(placeholders)"
        try write { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in rows {
                try statement.execute(arguments: StatementArguments(row.map(\.databaseValue)))
            }
        }
    }

    /// Whether any table of the SQLite file at `path` holds a row, read without writing anything (not even a journal).
    public static func holdsData(path: String) throws(StoreError) -> Bool {
        do {
            var config = Configuration()
            config.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                    """)
                for t in tables where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(t.quotedDatabaseIdentifier))") == true {
                    return true
                }
                return false
            }
        } catch { throw Store.map(error, path: path, opening: true) }
    }

    /// Closes the database: every later use fails. For a copy about to be renamed into place.
    public func close() throws(StoreError) {
        do {
            if let pool = pool as? DatabasePool { try pool.close() } else if let queue = pool as? DatabaseQueue { try queue.close() }
        } catch { throw Store.map(error, path: path) }
    }

    /// Makes the file durable and self-contained (the write-ahead log folded in), for a copy that is renamed into place.
    public func checkpoint() throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch { throw Store.map(error, path: path) }
    }
}
