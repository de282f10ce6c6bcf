import GRDB
import GRDBSQLite

/// SQLite copies a bound text or blob before the call returns (SQLITE_TRANSIENT, a macro Swift cannot import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Binds a bulk statement's parameters in order, straight through SQLite's C interface: a plan binds millions of
/// values, and building `DatabaseValue`s or GRDB's checked `StatementArguments` for each costs several times more
/// than the bind itself. The caller binds exactly one value per parameter, then calls `finish()`.
struct BulkBinder {
    private let handle: SQLiteStatement
    private var index: Int32 = 0
    private var code = SQLITE_OK

    /// Resets `statement` and marks its arguments as set, so GRDB runs it with the bindings that follow.
    init(_ statement: Statement) {
        statement.setUncheckedArguments(StatementArguments())
        handle = statement.sqliteStatement
    }

    mutating func text(_ value: String?) {
        index += 1
        guard var value else { return null() }
        let c = value.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                return sqlite3_bind_text(handle, index, base, Int32(chars.count), transient)
            }
        }
        if code == SQLITE_OK { code = c }
    }

    /// A text bound as a blob (its UTF-8 bytes, a NUL byte included).
    mutating func blob(_ value: String) {
        index += 1
        var value = value
        let c = value.withUTF8 { utf8 in
            sqlite3_bind_blob(handle, index, UnsafeRawPointer(utf8.baseAddress) ?? UnsafeRawPointer(bitPattern: 1), Int32(utf8.count), transient)
        }
        if code == SQLITE_OK { code = c }
    }

    mutating func int(_ value: Int64?) {
        index += 1
        guard let value else { return null() }
        let c = sqlite3_bind_int64(handle, index, value)
        if code == SQLITE_OK { code = c }
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    mutating func double(_ value: Double?) {
        index += 1
        guard let value else { return null() }
        let c = sqlite3_bind_double(handle, index, value)
        if code == SQLITE_OK { code = c }
    }
    mutating func bool(_ value: Bool) { int(value ? 1 : 0) }

    private mutating func null() {
        let c = sqlite3_bind_null(handle, index)
        if code == SQLITE_OK { code = c }
    }

    /// Throws when a bind failed or the statement's parameter count differs from the values bound.
    func finish() throws {
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind value") }
        guard Int32(sqlite3_bind_parameter_count(handle)) == index else {
            throw DatabaseError(resultCode: .SQLITE_RANGE, message: "bulk write bound \(index) values for \(sqlite3_bind_parameter_count(handle)) parameters")
        }
    }
}
