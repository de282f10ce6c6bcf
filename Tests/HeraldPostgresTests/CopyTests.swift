import Foundation
import GRDB
import HeraldPostgres
import HeraldStore
import HeraldTestSupport
import Testing

/// `herald db copy`: a brand moves to PostgreSQL and back with every row and value intact, or not at all.
@Suite(.serialized, .enabled(if: TestPostgres.enabled, "needs a PostgreSQL server: set HERALD_TEST_POSTGRES (bash .ci/run starts one)"))
struct CopyTests {
    /// A brand with something in every table: the example planned, results imported, a metric recorded, inbox items, a
    /// reply, a crisis, and (written directly) a delivery with attempts, a run, notifications and values that test the
    /// copy's escaping: tabs, newlines, backslashes, quotes, a NUL byte, non-Latin text, extreme numbers.
    static func richBrand(in dir: TemporaryDirectory) throws -> String {
        func run(_ args: [String]) throws {
            let r = try herald(args, directory: dir.path)
            guard r.status == 0 else { throw TestPostgresError("herald \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)") }
        }
        try run(["init"])
        try run(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"])
        try run(["results", "import", "results-example.csv", "--published", "--now", "2027-04-02T09:00:00Z"])
        try run(["metrics", "record", "reach", "1234.5", "--date", "2027-01-31", "--now", "2027-02-01T09:00:00Z"])
        _ = dir.write("items.jsonl", """
            {"network": "instagram", "kind": "comment", "id": "1789", "author": {"handle": "@kasia", "name": "Kasia", "followers": 120}, "text": "Czy macie mleko owsiane?\\tA\\\\B\\n", "created_at": "2027-01-08T09:00:00Z", "language": "pl"}
            {"network": "facebook", "kind": "review", "id": "fb-2", "author": {"handle": "@ivan"}, "text": "Кофе был холодный 😡 и никто не извинился", "created_at": "2027-01-09T10:00:00Z"}
            """ + "\n")
        try run(["inbox", "import", "items.jsonl", "--now", "2027-01-09T11:00:00Z"])
        let path = dir.file("herald.sqlite")
        let db = try DatabaseQueue(path: path)
        let item = try db.read { db in try String.fetchOne(db, sql: "SELECT id FROM inbox_item ORDER BY id LIMIT 1") } ?? ""
        try run(["inbox", "reply", item, "--body", "Dzięki! \"Tak\" — mamy.", "--as", "anna", "--now", "2027-01-09T11:05:00Z"])
        try run(["crisis", "open", "Contaminated batch of oat milk", "--severity", "high", "--as", "Anna", "--now", "2027-01-10T08:00:00Z"])
        try db.write { db in
            let post = try String.fetchOne(db, sql: "SELECT id FROM post ORDER BY id LIMIT 1") ?? ""
            try db.execute(sql: """
                INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                      last_error, created_at, updated_at)
                VALUES ('d-1', ?, 'social-api', 1, 'retrying', 1800000000, 1800003600, 1800000060, 1, 8, 'HTTP 503:\tbusy\\n"x"', 1, 2)
                """, arguments: [post])
            try db.execute(sql: """
                INSERT INTO attempt (delivery_id, number, hook, lease_owner, started_at, ended_at, outcome, http_status, error, response_excerpt)
                VALUES ('d-1', 1, 'social-api', 'host-a:1', 1800000000, 1800000001, 'retry', 503, 'busy', ?)
                """, arguments: ["line1\nline2\r\n\\N not null"])
            try db.execute(sql: "INSERT INTO publish_run (owner, mode, started_at, clock_at, ended_at, claimed, retrying) VALUES ('host-a:1', 'run', 1, 1, 2, 1, 1)")
            try db.execute(sql: "INSERT INTO notification (event, post_id, delivery_id, hook, detail, created_at) VALUES ('post.failed', ?, 'd-1', 'social-api', '{}', 3)", arguments: [post])
            try db.execute(sql: "INSERT INTO hook_state (hook, disabled_at, reason) VALUES ('social-api', 4, 'HTTP 410')")
            try db.execute(sql: "INSERT INTO alert_dismissal (metric, reading_recorded_at, dismissed_at, dismissed_by) VALUES ('complaints', -9223372036854775807, 5, 'Łucja')")
            try db.execute(sql: "UPDATE inbox_item SET text = ? WHERE id = ?", arguments: [Data([0x61, 0x00, 0x62, 0xff]), item])
            try db.execute(sql: "UPDATE post_result SET revenue = 1e300 WHERE rowid = (SELECT MIN(rowid) FROM post_result)")
        }
        return path
    }

    /// Every table's rows, with SQLite's rowid, as values.
    static func dump(_ path: String) throws -> [String: [[TableValue]]] {
        let store = try Store(path: path)
        let reader = try store.snapshotReader()
        var result: [String: [[TableValue]]] = [:]
        for shape in try store.tableShapes() {
            var after: Int64?
            var rows: [[TableValue]] = []
            while let page = try reader.page(of: shape, after: after) { rows += page.rows; after = page.last }
            result[shape.name] = rows
        }
        return result
    }

    @Test func aBrandGoesToPostgresAndBackUnchanged() async throws {
        let dir = TemporaryDirectory()
        let source = try Self.richBrand(in: dir)
        let before = try Self.dump(source)
        let empty = before.filter { $0.value.isEmpty }.map(\.key)
        #expect(empty.isEmpty, "the test brand should fill every table; empty: \(empty)")
        try await TestPostgres.withDatabase { url in
            let there = try await DatabaseCopy.copy(from: .sqlite(path: source), to: try DatabaseAddress(parsing: url))
            #expect(there.rows == before.values.reduce(0) { $0 + $1.count })
            let back = dir.file("back.sqlite")
            let report = try await DatabaseCopy.copy(from: try DatabaseAddress(parsing: url), to: .sqlite(path: back))
            #expect(report.rows == there.rows)
            let after = try Self.dump(back)
            for (table, rows) in before { #expect(after[table] == rows, "table \(table)") }
            // The identities continue after the copied ids: a new row on the server gets a fresh id.
            let next = try await TestPostgres.admin(url, "INSERT INTO publish_run (owner, mode, started_at, clock_at) VALUES ('b', 'run', 1, 1) RETURNING id")
            let maxID = before["publish_run"]?.compactMap { row -> Int64? in if case .integer(let n) = row.first { n } else { nil } }.max() ?? 0
            #expect(Int64(next.first.flatMap { $0 } ?? "") == maxID + 1)
        }
    }

    @Test func aTargetWithDataIsRefusedAndLeftAlone() async throws {
        let dir = TemporaryDirectory()
        let r = try herald(["init"], directory: dir.path)
        #expect(r.status == 0)
        #expect(try herald(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"], directory: dir.path).status == 0)
        let source = dir.file("herald.sqlite")
        try await TestPostgres.withDatabase { url in
            _ = try await DatabaseCopy.copy(from: .sqlite(path: source), to: try DatabaseAddress(parsing: url))
            let posts = try await TestPostgres.admin(url, "SELECT COUNT(*) FROM post")
            do {
                _ = try await DatabaseCopy.copy(from: .sqlite(path: source), to: try DatabaseAddress(parsing: url))
                Issue.record("a second copy into a full database went through")
            } catch {
                #expect("\(error)".contains("already holds a brand's data"))
                #expect((error as? StoreError)?.exitCode == 65)
            }
            #expect(try await TestPostgres.admin(url, "SELECT COUNT(*) FROM post") == posts)
            // And a SQLite target with data: the file is not touched.
            let other = dir.file("other.sqlite")
            _ = try await DatabaseCopy.copy(from: try DatabaseAddress(parsing: url), to: .sqlite(path: other))
            let bytes = FileManager.default.contents(atPath: other)
            await #expect(throws: StoreError.self) {
                _ = try await DatabaseCopy.copy(from: try DatabaseAddress(parsing: url), to: .sqlite(path: other))
            }
            #expect(FileManager.default.contents(atPath: other) == bytes)
        }
    }

    /// A row PostgreSQL rejects (SQLite stores text in an integer column; PostgreSQL does not) makes the whole copy fail
    /// after other tables were written: the server is left as it was, without even the schema.
    @Test func aCopyThatFailsHalfWayLeavesTheServerUntouched() async throws {
        let dir = TemporaryDirectory()
        #expect(try herald(["init"], directory: dir.path).status == 0)
        #expect(try herald(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"], directory: dir.path).status == 0)
        let source = dir.file("herald.sqlite")
        try await DatabaseQueue(path: source).write { db in
            try db.execute(sql: "INSERT INTO alert_dismissal (metric, reading_recorded_at, dismissed_at, dismissed_by) VALUES ('m', 'not a time', 1, 'x')")
        }
        try await TestPostgres.withDatabase { url in
            do {
                _ = try await DatabaseCopy.copy(from: .sqlite(path: source), to: try DatabaseAddress(parsing: url))
                Issue.record("the copy went through")
            } catch {
                #expect("\(error)".contains("alert_dismissal") || "\(error)".contains("bigint"), "\(error)")
            }
            let tables = try await TestPostgres.admin(url, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
            #expect(tables.first == "0")
        }
        // What an interrupted copy left (its process gone) is cleared by the next copy to that file; a live process's is not.
        for stale in [".never.sqlite.copying-2147483646", ".never.sqlite.copying-2147483646-wal"] { dir.write(stale, "x") }
        let live = dir.write(".never.sqlite.copying-1", "x")
        _ = try await DatabaseCopy.copy(from: .sqlite(path: source), to: .sqlite(path: dir.file("never.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: dir.file(".never.sqlite.copying-2147483646")))
        #expect(!FileManager.default.fileExists(atPath: dir.file(".never.sqlite.copying-2147483646-wal")))
        #expect(FileManager.default.fileExists(atPath: live))
        try FileManager.default.removeItem(atPath: dir.file("never.sqlite"))
        // A failed copy to a SQLite file leaves no file behind.
        let target = dir.file("never.sqlite")
        await #expect(throws: StoreError.self) {
            _ = try await DatabaseCopy.copy(from: .sqlite(path: dir.file("missing.sqlite")), to: .sqlite(path: target))
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing.sqlite")))
    }

    @Test func theCommandLineCopiesAndNeverPrintsThePassword() async throws {
        let dir = TemporaryDirectory()
        #expect(try herald(["init"], directory: dir.path).status == 0)
        #expect(try herald(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"], directory: dir.path).status == 0)
        try await TestPostgres.withDatabase { url in
            // The test cluster trusts its user, so any password gets in: what matters is that none is shown.
            var c = URLComponents(string: url)!
            c.password = "Tr0ub4dor-and-3"
            let withPassword = c.string!
            let migrate = try herald(["db", "migrate", "--db", withPassword], directory: dir.path)
            #expect(migrate.status == 0, "\(migrate.stderr)")
            #expect(migrate.stdout.contains(":***@"))
            let copy = try herald(["db", "copy", "--to", withPassword], directory: dir.path)
            #expect(copy.status == 0, "\(copy.stderr)")
            #expect(copy.stdout.contains("counts verified"))
            let info = try herald(["db", "info", "--json"], environment: ["HERALD_DB": withPassword], directory: dir.path)
            #expect(info.status == 0)
            #expect(info.stdout.contains("\"path\""))
            let plan = try herald(["calendar", "2027-Q1"], environment: ["HERALD_DB": withPassword], directory: dir.path)
            #expect(plan.status == 69)
            #expect(plan.stderr.contains("only `herald db migrate`, `herald db info` and `herald db copy`"))
            for output in [migrate.stdout, migrate.stderr, copy.stdout, copy.stderr, info.stdout, info.stderr, plan.stdout, plan.stderr] {
                #expect(!output.contains("Tr0ub4dor-and-3"))
            }
            // Nothing in the database holds it either.
            let stored = try await TestPostgres.admin(url, "SELECT COUNT(*) FROM strategy_snapshot WHERE yaml LIKE '%Tr0ub4dor%' OR file LIKE '%Tr0ub4dor%'")
            #expect(stored.first == "0")
        }
    }
}
