import Foundation

/// Where a brand's database is: a SQLite file (the default) or a PostgreSQL server, as `--db` or `HERALD_DB` name it.
///
/// Its `description` never contains a password: it is what every message, log line and stored record shows.
public enum DatabaseAddress: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// Reads `postgres://…` / `postgresql://…` as a server, anything else as a file path. `environment` gives libpq's
    /// defaults (`PGUSER`, `PGPASSWORD`, `PGHOST`, `PGPORT`, `PGDATABASE`, `PGSSLMODE`) for what the address leaves out.
    public init(parsing text: String, environment: [String: String] = [:]) throws(StoreError) {
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(try PostgresAddress(parsing: text, environment: environment))
        } else if lower.hasPrefix("postgres:") || lower.hasPrefix("postgresql:") {
            throw .badAddress("'\(PostgresAddress.redact(text))' is not a PostgreSQL address; write it as postgres://USER@HOST[:PORT]/DATABASE.")
        } else {
            self = .sqlite(path: text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let address): address.description
        }
    }

    public var isPostgres: Bool { if case .postgres = self { true } else { false } }
}

/// A PostgreSQL server and database: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=…]`.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode`, with its meaning: `disable` never uses TLS; `prefer` (the default) uses it when the server
    /// offers it; `require` insists on it without checking the certificate; `verify-ca` also checks the certificate
    /// against trusted roots; `verify-full` also checks it names the host.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    /// Never printed: `description` shows `***` in its place.
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: a PEM file of the certificate authorities to trust (else the system's).
    public var sslRootCert: String?

    public init(host: String = "localhost", port: Int = 5432, user: String, password: String? = nil, database: String,
                sslMode: SSLMode = .prefer, sslRootCert: String? = nil) {
        self.host = host; self.port = port; self.user = user; self.password = password; self.database = database
        self.sslMode = sslMode; self.sslRootCert = sslRootCert
    }

    public init(parsing text: String, environment: [String: String] = [:]) throws(StoreError) {
        let shown = Self.redact(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw .badAddress("'\(shown)' is not a PostgreSQL address; write it as postgres://USER@HOST[:PORT]/DATABASE "
                + "(a password with @, : or / in it must be percent-encoded, e.g. %40 for @).")
        }
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
            ?? env("PGUSER") ?? env("USER") ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? env("PGPASSWORD")
        var host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? env("PGHOST") ?? "localhost"
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var port = 5432
        if let p = components.port {
            port = p
        } else if let p = env("PGPORT") {
            guard let n = Int(p) else { throw .badAddress("PGPORT='\(p)' is not a port number.") }
            port = n
        }
        guard (1...65535).contains(port) else { throw .badAddress("'\(shown)': the port must be from 1 to 65535.") }
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        var database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if database.isEmpty { database = env("PGDATABASE") ?? user }
        if database.contains("/") {
            throw .badAddress("'\(shown)': '\(database)' is not a database name; the address ends with /DATABASE.")
        }
        var sslMode = SSLMode.prefer
        if let m = env("PGSSLMODE") {
            guard let mode = SSLMode(rawValue: m) else {
                throw .badAddress("PGSSLMODE='\(m)' is not an sslmode; use one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            sslMode = mode
        }
        var rootCert: String?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw .badAddress("'\(shown)': sslmode=\(value) is unknown; use one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                sslMode = mode
            case "sslrootcert":
                rootCert = value
            default:
                throw .badAddress("'\(shown)': the parameter '\(item.name)' is not one Herald understands (sslmode, sslrootcert).")
            }
        }
        self.init(host: host, port: port, user: user, password: password, database: database, sslMode: sslMode, sslRootCert: rootCert)
    }

    /// `postgres://user:***@host:port/database?sslmode=…`: the address with its password hidden.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        var s = "postgres://\(user)\(password == nil ? "" : ":***")@\(h):\(port)/\(database)"
        var query: [String] = []
        if sslMode != .prefer { query.append("sslmode=\(sslMode.rawValue)") }
        if let sslRootCert { query.append("sslrootcert=\(sslRootCert)") }
        if !query.isEmpty { s += "?" + query.joined(separator: "&") }
        return s
    }

    /// Hides the password of an address that could not be read, so even a message about a typo does not show it:
    /// whatever sits between `scheme://user:` (or `scheme:user:`) and the last `@` becomes `***`.
    public static func redact(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        var rest = text[text.index(after: colon)...]
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        guard let at = rest.lastIndex(of: "@") else { return text }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(rest[at...])
    }
}
