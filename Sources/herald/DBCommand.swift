import ArgumentParser
import Foundation
import HeraldPostgres
import HeraldStore

extension Herald {
    struct DB: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "db",
            abstract: "Look after the database: a SQLite file, or a PostgreSQL server for a team.",
            subcommands: [Migrate.self, Info.self, Copy.self])

        struct Migrate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create the database or bring its schema up to date.",
                discussion: """
                    Every command does this on its own for a SQLite file; run it by hand after an upgrade, and once to set up \
                    a PostgreSQL database. Examples: herald db migrate --db herald.sqlite; \
                    herald db migrate --db postgres://herald@db.internal/acme
                    """)

            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let applied: [String]
                    let info: StoreInfo
                    switch try location.databaseAddress() {
                    case .sqlite(let path):
                        let store = try Store(path: path, migrate: false)
                        applied = try store.migrate()
                        info = try store.info()
                    case .postgres(let address):
                        let store = try await PostgresStore.connect(address)
                        do {
                            applied = try await store.migrate()
                            info = try await store.info()
                        } catch {
                            await store.close()
                            throw error
                        }
                        await store.close()
                    }
                    if applied.isEmpty {
                        Console.out("\(info.path): up to date (schema \(info.schemaVersion)).")
                    } else {
                        Console.out("\(info.path): applied \(applied.joined(separator: ", ")); schema \(info.schemaVersion).")
                    }
                }
            }
        }

        struct Info: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the database's path or address, schema version and counts.",
                discussion: "Example: herald db info --json")

            @OptionGroup var location: LocationOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await withExitCodes {
                    let info: StoreInfo
                    switch try location.databaseAddress() {
                    case .sqlite:
                        info = try location.openStore().info()
                    case .postgres(let address):
                        let store = try await PostgresStore.connect(address)
                        do { info = try await store.info() } catch { await store.close(); throw error }
                        await store.close()
                    }
                    if output.json { return try Console.json(info) }
                    Console.out("path:           \(info.path)")
                    Console.out("schema:         \(info.schemaVersion) (\(info.appliedMigrations.count) migration\(info.appliedMigrations.count == 1 ? "" : "s"))")
                    let total = info.postsByStatus.values.reduce(0, +)
                    let byStatus = info.postsByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    Console.out("posts:          \(total)\(byStatus.isEmpty ? "" : " (\(byStatus))")")
                    Console.out("share tasks:    \(info.shareTasks)")
                    Console.out("strategy seen:  \(info.snapshots) version\(info.snapshots == 1 ? "" : "s")")
                }
            }
        }

        struct Copy: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Copy a brand's whole database between a SQLite file and a PostgreSQL server (either way), all or nothing.",
                discussion: """
                    Everything moves: posts, share tasks, deliveries and attempts, runs, notifications, crisis records, metrics, \
                    the inbox and replies, results. The source is read as one snapshot and left as it is; the target must be new \
                    or empty; row counts are compared before the copy becomes visible, and a failed copy leaves the target \
                    untouched. Examples: herald db copy --to postgres://herald@db.internal/acme (from this brand's herald.sqlite); \
                    herald db copy --from postgres://herald@db.internal/acme --to acme.sqlite
                    """)

            @Option(name: .customLong("from"), help: ArgumentHelp("The database to copy: a SQLite file or postgres://… Default: this brand's (--db, $HERALD_DB, herald.sqlite).", valueName: "file|url"))
            var from: String?
            @Option(name: .customLong("to"), help: ArgumentHelp("The new or empty database to fill: a SQLite file or postgres://…", valueName: "file|url"))
            var to: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var output: OutputOptions

            func validate() throws {
                if to.isEmpty { throw ValidationError("--to is empty; name the target, e.g. --to postgres://herald@db.internal/acme.") }
                if from?.isEmpty == true { throw ValidationError("--from is empty; name the source, e.g. --from herald.sqlite.") }
            }

            func run() async throws {
                try await withExitCodes {
                    let environment = ProcessInfo.processInfo.environment
                    let source = try from.map { text throws(StoreError) in try DatabaseAddress(parsing: text, environment: environment) }
                        ?? location.databaseAddress()
                    let target = try DatabaseAddress(parsing: to, environment: environment)
                    let report = try await DatabaseCopy.copy(from: source, to: target, busyTimeout: LocationOptions.busyTimeout(environment))
                    if output.json { return try Console.json(report) }
                    for table in report.tables where table.rows > 0 {
                        Console.out("  \(table.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(table.rows)")
                    }
                    Console.out("Copied \(report.rows) row\(report.rows == 1 ? "" : "s") in \(report.tables.count) tables from \(report.from) to \(report.to); counts verified.")
                }
            }
        }
    }
}
