/// Why the database could not be used. Each case maps to a sysexits code.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The file cannot be created or opened (EX_CANTCREAT, 73).
    case cannotOpen(path: String, reason: String)
    /// The file was written by a newer Herald (EX_DATAERR, 65).
    case newerSchema(path: String, unknown: [String])
    /// Another process held the database past the busy timeout (EX_TEMPFAIL, 75).
    case busy(path: String)
    /// A post, task or other row the user named does not exist (EX_DATAERR, 65).
    case notFound(what: String, id: String)
    /// A change the data does not allow (EX_DATAERR, 65).
    case refused(String)
    /// The file may be read but not written (a copy on a read-only mount, no write permission): reading commands work,
    /// this one needs to change it (EX_CANTCREAT, 73).
    case readOnly(path: String, action: String)
    /// Anything else the database reported (EX_IOERR, 74).
    case database(path: String, message: String)
    /// `--db` / `HERALD_DB` cannot be read as a file path or a `postgres://` address (EX_USAGE, 64).
    case badAddress(String)
    /// The database server cannot be reached or refused the login (EX_UNAVAILABLE, 69).
    case unavailable(address: String, reason: String)
    /// This command does not work on a PostgreSQL database yet (EX_UNAVAILABLE, 69).
    case notOnPostgres(address: String)

    public var exitCode: Int32 {
        switch self {
        case .cannotOpen, .readOnly: 73
        case .newerSchema, .notFound, .refused: 65
        case .busy: 75
        case .database: 74
        case .badAddress: 64
        case .unavailable, .notOnPostgres: 69
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "\(path): cannot open the database (\(reason)). Check the folder exists and is writable, or pass --db PATH."
        case .readOnly(let path, let action):
            "\(path) is read-only here (no write permission on the file or its folder, or a read-only mount), so Herald cannot \(action). Reading commands (calendar, export, report, queue, status) work on it; copy it somewhere writable, or pass --db PATH, to change it."
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer version of Herald (schema steps unknown here: \(unknown.joined(separator: ", "))). Upgrade Herald; this version will not touch the file."
        case .busy(let path):
            "\(path): the database is busy (another herald process holds it). Nothing was changed; try again in a moment."
        case .notFound(let what, let id):
            "no \(what) with id '\(id)'."
        case .refused(let reason):
            reason
        case .database(let path, let message):
            "\(path): database error: \(message)"
        case .badAddress(let reason):
            reason
        case .unavailable(let address, let reason):
            "\(address): cannot use the database server (\(reason)). Nothing was changed."
        case .notOnPostgres(let address):
            "\(address) is a PostgreSQL database. In this version only `herald db migrate`, `herald db info` and `herald db copy` "
                + "work on PostgreSQL (README, \"Teams: PostgreSQL\"); this command needs a SQLite file. Nothing was changed. "
                + "To go on working, copy the brand to a file: herald db copy --from <this postgres:// address> --to herald.sqlite"
        }
    }
}
