import HeraldStore
import Testing

@Suite struct DatabaseAddressTests {
    @Test func aPathIsAFileAndAPostgresURLIsAServer() throws {
        #expect(try DatabaseAddress(parsing: "herald.sqlite") == .sqlite(path: "herald.sqlite"))
        #expect(try DatabaseAddress(parsing: "/srv/acme/herald.sqlite") == .sqlite(path: "/srv/acme/herald.sqlite"))
        let a = try DatabaseAddress(parsing: "postgres://herald@db.internal/acme")
        #expect(a == .postgres(PostgresAddress(host: "db.internal", port: 5432, user: "herald", database: "acme")))
        let b = try DatabaseAddress(parsing: "postgresql://anna:p%40ss%3Aw0rd@10.0.0.5:6432/team?sslmode=require")
        guard case .postgres(let pg) = b else { Issue.record("not postgres"); return }
        #expect(pg.password == "p@ss:w0rd")
        #expect(pg.port == 6432)
        #expect(pg.sslMode == .require)
        #expect(pg.user == "anna")
        let v6 = try PostgresAddress(parsing: "postgres://u@[::1]:5433/d")
        #expect(v6.host == "::1")
        #expect(v6.description == "postgres://u@[::1]:5433/d")
    }

    @Test func whatTheAddressLeavesOutComesFromLibpqsVariables() throws {
        let env = ["PGUSER": "lena", "PGPASSWORD": "from-env", "PGPORT": "6000", "PGSSLMODE": "verify-full"]
        let a = try PostgresAddress(parsing: "postgres://db.internal/acme", environment: env)
        #expect(a.user == "lena")
        #expect(a.password == "from-env")
        #expect(a.port == 6000)
        #expect(a.sslMode == .verifyFull)
        let b = try PostgresAddress(parsing: "postgres://db.internal", environment: ["PGUSER": "lena"])
        #expect(b.database == "lena")
    }

    @Test func thePasswordIsNeverShown() throws {
        let a = try PostgresAddress(parsing: "postgres://anna:hunter2@db/acme?sslmode=require")
        #expect(a.description == "postgres://anna:***@db:5432/acme?sslmode=require")
        #expect(DatabaseAddress.postgres(a).description.contains("hunter2") == false)
        #expect(PostgresAddress.redact("postgres://anna:hunter2@db/acme") == "postgres://anna:***@db/acme")
        #expect(PostgresAddress.redact("postgres://anna:hun@ter2@db/acme") == "postgres://anna:***@db/acme")
        #expect(PostgresAddress.redact("herald.sqlite") == "herald.sqlite")
    }

    @Test(arguments: [
        ("postgres://anna:hunter2@db:99999/acme", "the port must be from 1 to 65535"),
        ("postgres://anna:hunter2@db/acme?sslmode=sometimes", "sslmode=sometimes is unknown"),
        ("postgres://anna:hunter2@db/acme?pool=5", "the parameter 'pool' is not one Herald understands"),
        ("postgres://anna:hunter2@db/acme/extra", "is not a database name"),
        ("postgres:anna:hunter2@db/acme", "is not a PostgreSQL address"),
    ])
    func badAddressesSayWhatIsWrongWithoutThePassword(text: String, message: String) {
        do {
            _ = try DatabaseAddress(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(!error.description.contains("hunter2"))
            #expect(error.exitCode == 64)
        }
    }
}
