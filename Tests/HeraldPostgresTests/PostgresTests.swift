import Foundation
import GRDB
import HeraldPostgres
import HeraldStore
import HeraldTestSupport
import Testing

/// The PostgreSQL backend against a real server (`HERALD_TEST_POSTGRES`; `.ci/run` starts a throwaway cluster).
@Suite(.serialized, .enabled(if: TestPostgres.enabled, "needs a PostgreSQL server: set HERALD_TEST_POSTGRES (bash .ci/run starts one)"))
struct PostgresTests {
    @Test func ciHasAServer() {
        #expect(TestPostgres.base != nil, "CI must have a PostgreSQL server: .ci/run starts one and sets HERALD_TEST_POSTGRES")
    }

    static func address(_ text: String) throws -> PostgresAddress {
        guard case .postgres(let a) = try DatabaseAddress(parsing: text) else { throw TestPostgresError("not a postgres address: \(text)") }
        return a
    }

    @Test func migrateCreatesTheSchemaOnceAndSaysSoTheSecondTime() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.connect(try Self.address(url))
            let first = try await store.migrate()
            let second = try await store.migrate()
            let info = try await store.info()
            await store.close()
            #expect(first == PostgresSchema.knownSteps)
            #expect(second.isEmpty)
            #expect(info.schemaVersion == PostgresSchema.knownSteps.last)
            #expect(info.pendingMigrations.isEmpty)
        }
    }

    /// The one place the dialects differ must not drift: every SQLite table has its PostgreSQL twin with the same
    /// columns in the same order (plus `rowid` where SQLite's is implicit), and the last step names SQLite's last migration.
    @Test func theSchemaAgreesWithSQLites() async throws {
        let shapes = try Store.currentTableShapes()
        #expect(PostgresSchema.steps.last?.matchesSQLite == Store.knownMigrations.last,
                "a new SQLite migration needs its PostgreSQL twin in PostgresSchema.swift")
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.connect(try Self.address(url))
            try await store.migrate()
            let columns = try await store.columnsByTable()
            await store.close()
            #expect(Set(columns.keys) == Set(shapes.map(\.name)))
            for shape in shapes {
                #expect(columns[shape.name] == shape.copiedColumns, "table \(shape.name)")
            }
        }
    }

    @Test func aNewerSchemaOnTheServerIsRefused() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.connect(try Self.address(url))
            try await store.migrate()
            try await TestPostgres.admin(url, "INSERT INTO herald_migrations VALUES ('pg99-future', 0)")
            await #expect(throws: StoreError.self) { try await store.migrate() }
            do { try await store.migrate() } catch {
                #expect("\(error)".contains("newer version of Herald"))
                #expect("\(error)".contains("pg99-future"))
            }
            await store.close()
        }
    }

    @Test func aWrongPasswordSaysWhatToCheckAndNeverShowsIt() async throws {
        guard let base = TestPostgres.base, var c = URLComponents(string: base) else { return }
        // A role that must log in with a password (the test cluster trusts its own user only).
        let role = "herald_pw_\(Int.random(in: 1000...9999))"
        try await TestPostgres.admin(base, "CREATE ROLE \(role) LOGIN PASSWORD 'right-horse'")
        defer { Task { try? await TestPostgres.admin(base, "DROP ROLE IF EXISTS \(role)") } }
        c.user = role
        c.password = "s3cret-Battery"
        let address = try Self.address(c.string!)
        do {
            _ = try await PostgresStore.connect(address)
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.exitCode == 69)
            #expect(error.description.contains("refused the login"))
            #expect(!error.description.contains("s3cret-Battery"))
            #expect(error.description.contains(":***@"))
        }
    }

    @Test func aServerThatIsNotThereIsReportedWithTheAddress() async throws {
        let address = try Self.address("postgres://herald:pw-hidden@127.0.0.1:1/acme")
        do {
            _ = try await PostgresStore.connect(address)
            Issue.record("connected to port 1")
        } catch {
            #expect(error.exitCode == 69)
            #expect(error.description.contains("cannot reach 127.0.0.1:1"))
            #expect(!error.description.contains("pw-hidden"))
        }
    }

    @Test func tlsRequiredWorksWhenTheServerOffersIt() async throws {
        try await TestPostgres.withDatabase { url in
            var address = try Self.address(url)
            address.sslMode = .require
            let store = try await PostgresStore.connect(address)
            let ssl = try await TestPostgres.admin(url, "SELECT COUNT(*) FROM pg_stat_ssl WHERE ssl")
            try await store.migrate()
            await store.close()
            // The server of .ci/run has TLS on; a server without it answers sslmode=require with a clear refusal instead.
            #expect((Int((ssl.first ?? nil) ?? "") ?? 0) >= 1, "no connection of the test used TLS")
        }
    }
}

extension Error {
    var exitCode: Int32 { (self as? StoreError)?.exitCode ?? -1 }
    var description: String { "\(self)" }
}
