import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server the tests use: `HERALD_TEST_POSTGRES` (a `postgres://` address of a user that may create
/// databases), which `.ci/run` sets after starting a throwaway cluster. Without it the PostgreSQL tests are skipped,
/// except under CI, where they fail.
public enum TestPostgres {
    public static var base: String? {
        ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }
    public static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }
    /// Run the PostgreSQL tests: a server is named, or CI (where its absence is a failure).
    public static var enabled: Bool { base != nil || inCI }

    /// A new, empty database on the test server for `body`, dropped afterwards. `body` gets its address.
    public static func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        guard let base, var components = URLComponents(string: base) else {
            throw TestPostgresError("no test PostgreSQL server: set HERALD_TEST_POSTGRES (bash .ci/run starts one)")
        }
        let name = "herald_test_\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000_000)"
        try await admin(base, "CREATE DATABASE \(name)")
        components.path = "/" + name
        guard let address = components.string else { throw TestPostgresError("cannot build the address of \(name)") }
        do {
            let value = try await body(address)
            try await admin(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return value
        } catch {
            try? await admin(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs `sql` on the server's database named by `address` and returns the first column of each row as text.
    @discardableResult
    public static func admin(_ address: String, _ sql: String) async throws -> [String?] {
        guard let c = URLComponents(string: address), let host = c.host else { throw TestPostgresError("bad address \(address)") }
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        let database = c.path.count > 1 ? String(c.path.dropFirst()) : (c.user ?? "postgres")
        let configuration = PostgresConnection.Configuration(host: host, port: c.port ?? 5432, username: c.user ?? "postgres",
                                                             password: c.password, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 9, logger: logger)
        do {
            var result: [String?] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                result.append(row.first.flatMap { cell -> String? in
                    guard cell.bytes != nil else { return nil }
                    switch cell.dataType {
                    case .int8, .int4, .int2: return (try? cell.decode(Int64.self)).map(String.init)
                    default: return try? cell.decode(String.self)
                    }
                })
            }
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
