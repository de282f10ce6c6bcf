import ArgumentParser
import Foundation
import HeraldStore

extension Herald {
    struct DB: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "db",
            abstract: "Look after the database file.",
            subcommands: [Migrate.self, Info.self])

        struct Migrate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create the database or bring its schema up to date.",
                discussion: "Every command does this on its own; run it by hand after an upgrade. Example: herald db migrate --db herald.sqlite")

            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let store = try Store(path: location.databasePath, migrate: false)
                    let applied = try store.migrate()
                    let info = try store.info()
                    if applied.isEmpty {
                        Console.out("\(store.path): up to date (schema \(info.schemaVersion)).")
                    } else {
                        Console.out("\(store.path): applied \(applied.joined(separator: ", ")); schema \(info.schemaVersion).")
                    }
                }
            }
        }

        struct Info: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the database's path, schema version and counts.",
                discussion: "Example: herald db info --json")

            @OptionGroup var location: LocationOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await withExitCodes {
                    let store = try location.openStore()
                    let info = try store.info()
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
    }
}
