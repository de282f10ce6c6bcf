import GRDB
import GRDBSQLite

/// SQLite copies a bound text or blob before the call returns (SQLITE_TRANSIENT, a macro Swift cannot import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Binds `values` to the statement's parameters in order, straight through SQLite's C interface: a bulk write binds
    /// millions of values, and GRDB's checked `StatementArguments` path costs several times more per value. The
    /// statement is reset first; the caller passes exactly one value per parameter.
    func bindDirect(_ values: [DatabaseValue]) throws {
        // Resets the statement and marks its arguments as set, so GRDB runs it with the bindings below.
        setUncheckedArguments(StatementArguments())
        let handle = sqliteStatement
        precondition(Int(sqlite3_bind_parameter_count(handle)) == values.count, "bulk write: wrong number of values")
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(handle, index)
            case .int64(let v): code = sqlite3_bind_int64(handle, index, v)
            case .double(let v): code = sqlite3_bind_double(handle, index, v)
            case .string(let v):
                var text = v
                code = text.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { chars in
                        guard let base = chars.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                        return sqlite3_bind_text(handle, index, base, Int32(chars.count), transient)
                    }
                }
            case .blob(let v):
                code = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
            }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind value \(index)") }
        }
    }
}
