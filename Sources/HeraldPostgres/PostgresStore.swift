import Foundation
import HeraldStore
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// A brand's database on a PostgreSQL server: one connection, the schema's steps, and what `herald db info` and
/// `herald db copy` need. Every message names the server by its address without the password.
public final class PostgresStore: Sendable {
    public let address: PostgresAddress
    let connection: PostgresConnection
    let logger: Logger

    init(address: PostgresAddress, connection: PostgresConnection, logger: Logger) {
        self.address = address; self.connection = connection; self.logger = logger
    }

    /// Connects (TLS as `sslmode` says). Does not change anything on the server.
    public static func connect(_ address: PostgresAddress) async throws(StoreError) -> PostgresStore {
        var logger = Logger(label: "herald.postgres")
        logger.logLevel = .critical
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try tlsMode(address)
        } catch {
            throw .unavailable(address: address.description, reason: "cannot set up TLS: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        if address.sslMode == .verifyFull { configuration.options.tlsServerName = address.host }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresStore(address: address, connection: connection, logger: logger)
        } catch {
            throw map(error, address: address, connecting: true)
        }
    }

    static func tlsMode(_ address: PostgresAddress) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch address.sslMode {
        case .disable:
            return .disable
        case .allow, .prefer, .require:
            // libpq's meaning: encrypted, certificate not checked (unless a root certificate is named: then as verify-ca).
            tls.certificateVerification = address.sslRootCert == nil ? .none : .noHostnameVerification
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        if let root = address.sslRootCert { tls.trustRoots = .file(root) }
        let context = try NIOSSLContext(configuration: tls)
        return address.sslMode == .allow || address.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }

    // MARK: Statements

    func execute(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws(StoreError) {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        } catch {
            throw Self.map(error, address: address)
        }
    }

    func rows(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws(StoreError) -> [PostgresRow] {
        do {
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                rows.append(row)
            }
            return rows
        } catch {
            throw Self.map(error, address: address)
        }
    }

    func strings(_ sql: String) async throws(StoreError) -> [String] {
        do {
            return try await rows(sql).map { try $0.decode(String.self) }
        } catch {
            throw Self.map(error, address: address)
        }
    }

    func count(_ sql: String) async throws(StoreError) -> Int {
        do {
            return try await rows(sql).first.map { Int(try $0.decode(Int64.self)) } ?? 0
        } catch {
            throw Self.map(error, address: address)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await execute("BEGIN")
        do {
            let value = try await body()
            try await execute("COMMIT")
            return value
        } catch {
            try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    // MARK: Schema

    /// The steps applied on this server, in order; empty for a database Herald has not used.
    public func appliedSteps() async throws(StoreError) -> [String] {
        let exists = try await count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'herald_migrations'")
        guard exists > 0 else { return [] }
        return try await strings("SELECT identifier FROM herald_migrations ORDER BY applied_at, identifier")
    }

    /// Applies the steps not applied yet, all in one transaction (PostgreSQL's DDL is transactional), under a lock so
    /// two hosts upgrading at once take turns. Returns the steps applied. Refuses a schema from a newer Herald.
    @discardableResult
    public func migrate() async throws(StoreError) -> [String] {
        do {
            return try await transaction { try await self.migrateInTransaction() }
        } catch {
            throw Self.map(error, address: address)
        }
    }

    /// `migrate()` inside the caller's transaction.
    func migrateInTransaction() async throws(StoreError) -> [String] {
        try await execute("SELECT pg_advisory_xact_lock(7274827731)")
        try await execute("CREATE TABLE IF NOT EXISTS herald_migrations (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        let applied = try await appliedSteps()
        let unknown = Set(applied).subtracting(PostgresSchema.knownSteps)
        if !unknown.isEmpty { throw .newerSchema(path: address.description, unknown: unknown.sorted()) }
        var done: [String] = []
        for step in PostgresSchema.steps where !applied.contains(step.identifier) {
            for sql in step.statements { try await execute(sql) }
            var binds = PostgresBindings()
            binds.append(step.identifier)
            binds.append(Int64(Date().timeIntervalSince1970))
            try await execute("INSERT INTO herald_migrations (identifier, applied_at) VALUES ($1, $2)", binds)
            done.append(step.identifier)
        }
        return done
    }

    /// What `herald db info` shows.
    public func info() async throws(StoreError) -> StoreInfo {
        let applied = try await appliedSteps()
        let unknown = Set(applied).subtracting(PostgresSchema.knownSteps)
        if !unknown.isEmpty { throw .newerSchema(path: address.description, unknown: unknown.sorted()) }
        var byStatus: [String: Int] = [:]
        var snapshots = 0, shareTasks = 0
        if applied.contains("pg1-schema") {
            do {
                for row in try await rows("SELECT status, COUNT(*) FROM post GROUP BY status") {
                    let (status, n) = try row.decode((String, Int64).self)
                    byStatus[status] = Int(n)
                }
            } catch { throw Self.map(error, address: address) }
            snapshots = try await count("SELECT COUNT(*) FROM strategy_snapshot")
            shareTasks = try await count("SELECT COUNT(*) FROM share_task")
        }
        return StoreInfo(path: address.description, schemaVersion: applied.last ?? "empty", appliedMigrations: applied,
                         pendingMigrations: PostgresSchema.knownSteps.filter { !applied.contains($0) },
                         snapshots: snapshots, postsByStatus: byStatus, shareTasks: shareTasks)
    }

    /// The row count of each of `shapes`' tables.
    func counts(_ shapes: [TableShape]) async throws(StoreError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for shape in shapes { counts[shape.name] = try await count("SELECT COUNT(*) FROM \(shape.name)") }
        return counts
    }

    /// The tables and their columns on the server (Herald's own), for the schema's agreement with SQLite.
    public func columnsByTable() async throws(StoreError) -> [String: [String]] {
        var result: [String: [String]] = [:]
        do {
            for row in try await rows("""
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name != 'herald_migrations' ORDER BY table_name, ordinal_position
                """) {
                let (table, column) = try row.decode((String, String).self)
                result[table, default: []].append(column)
            }
        } catch { throw Self.map(error, address: address) }
        return result
    }

    // MARK: Errors

    /// A PostgreSQL or network error as a message a person can act on; never with the password.
    static func map(_ error: any Error, address: PostgresAddress, connecting: Bool = false) -> StoreError {
        if let e = error as? StoreError { return e }
        let shown = address.description
        if let e = error as? PSQLError {
            if e.code == .server, let info = e.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "error \(state)"
                switch state {
                case "28P01", "28000":
                    return .unavailable(address: shown, reason: "the server refused the login of '\(address.user)': check the user and the password (in the address or in PGPASSWORD)")
                case "3D000":
                    return .unavailable(address: shown, reason: "there is no database '\(address.database)' on the server; create it (createdb \(address.database)) or name another")
                case "40001", "40P01", "55P03":
                    return .busy(path: shown)
                default:
                    let detail = info[.detail].map { " (\($0))" } ?? ""
                    return connecting ? .unavailable(address: shown, reason: message + detail) : .database(path: shown, message: message + detail)
                }
            }
            switch e.code {
            case .sslUnsupported:
                return .unavailable(address: shown, reason: "the server does not offer TLS, and sslmode=\(address.sslMode.rawValue) requires it")
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
                var why = e.underlying.map { "\($0)" } ?? "the connection was closed"
                if why.contains("Connection refused") { why = "connection refused; is the server running and listening there?" }
                if why.contains("timed out") || why.contains("connectTimeout") { why = "no answer within 10 s" }
                return .unavailable(address: shown, reason: "cannot reach \(address.host):\(address.port): \(why)")
            case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
                return .unavailable(address: shown, reason: "TLS could not be set up: \(e.underlying.map { "\($0)" } ?? "\(e.code)")")
            case .authMechanismRequiresPassword:
                return .unavailable(address: shown, reason: "the server asks for a password for '\(address.user)'; put it in the address or in PGPASSWORD")
            default:
                return connecting ? .unavailable(address: shown, reason: "\(e.code)") : .database(path: shown, message: "\(e.code)")
            }
        }
        if error is NIOSSLError || error is BoringSSLError {
            return .unavailable(address: shown, reason: "TLS failed: \(error)")
        }
        return connecting ? .unavailable(address: shown, reason: "\(error)") : .database(path: shown, message: "\(error)")
    }
}
