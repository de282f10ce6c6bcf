import ArgumentParser
import Foundation
import HeraldEndpoint
import HeraldModel
import HeraldResources
import HeraldStore
import HeraldContent
import HeraldCrisis
import HeraldPublish
import HeraldStrategy
import HeraldPlanner
import HeraldReports
import HeraldWorkspace

/// Where the strategy and the database are: shared by every command that reads them.
struct LocationOptions: ParsableArguments {
    @Option(name: [.customShort("s"), .customLong("strategy")],
            help: ArgumentHelp("The strategy file. Default: $HERALD_STRATEGY, else strategy.yaml.", valueName: "file"))
    var strategy: String?

    @Option(name: .customLong("db"),
            help: ArgumentHelp("The database: a SQLite file, or a PostgreSQL server as postgres://USER@HOST/DATABASE. Default: $HERALD_DB, else herald.sqlite beside the strategy.", valueName: "file|url"))
    var db: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    func validate() throws {
        if db?.isEmpty == true { throw ValidationError("--db is empty; name the database file, e.g. --db herald.sqlite.") }
        if strategy?.isEmpty == true { throw ValidationError("--strategy is empty; name the strategy file, e.g. --strategy strategy.yaml.") }
    }

    var strategyPath: String {
        strategy ?? environment["HERALD_STRATEGY"].flatMap { $0.isEmpty ? nil : $0 } ?? "strategy.yaml"
    }

    /// `--db`, else `$HERALD_DB`, else herald.sqlite beside the strategy, as typed (it may hold a password: never print it).
    var databaseText: String {
        if let db { return db }
        if let env = environment["HERALD_DB"], !env.isEmpty { return env }
        let dir = (strategyPath as NSString).deletingLastPathComponent
        return dir.isEmpty ? "herald.sqlite" : (dir as NSString).appendingPathComponent("herald.sqlite")
    }

    /// The database: a SQLite file or a PostgreSQL server.
    func databaseAddress() throws(StoreError) -> DatabaseAddress {
        try DatabaseAddress(parsing: databaseText, environment: environment)
    }

    /// The SQLite file's path, or a PostgreSQL address without its password (which no SQLite command can open).
    var databasePath: String {
        (try? databaseAddress())?.description ?? PostgresAddress.redact(databaseText)
    }

    /// Loads and validates the strategy, printing its warnings to standard error.
    func loadStrategy(printWarnings: Bool = true) throws -> LoadedStrategy {
        let loaded = try Workspace.loadStrategy(file: strategyPath)
        if printWarnings { for w in loaded.warnings { Console.error(w.description) } }
        return loaded
    }

    /// Opens the database; `HERALD_BUSY_TIMEOUT` (seconds) changes how long a write waits for another process.
    /// A PostgreSQL address is refused with `StoreError.notOnPostgres` (69) until the commands work there.
    func openStore() throws -> Store {
        switch try databaseAddress() {
        case .sqlite(let path): return try Store(path: path, busyTimeout: Self.busyTimeout(environment))
        case .postgres(let address): throw StoreError.notOnPostgres(address: address.description)
        }
    }

    /// `HERALD_BUSY_TIMEOUT`: seconds from 0 to 3600; another value is reported with a warning and the default kept.
    static func busyTimeout(_ environment: [String: String]) -> Double {
        guard let raw = environment["HERALD_BUSY_TIMEOUT"] else { return Store.defaultBusyTimeout }
        if let n = Double(raw.trimmingCharacters(in: .whitespaces)), n.isFinite, n >= 0, n <= 3600 { return n }
        Console.error("warning: HERALD_BUSY_TIMEOUT='\(raw)' is not a number of seconds from 0 to 3600; using \(formatSeconds(Store.defaultBusyTimeout)).")
        return Store.defaultBusyTimeout
    }

    static func formatSeconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }

    /// The strategy (validated, warnings printed) with its database.
    func openWorkspace(printWarnings: Bool = true, store: Store? = nil) throws -> Workspace {
        let loaded = try loadStrategy(printWarnings: printWarnings)
        return Workspace(loaded: loaded, store: try store ?? openStore())
    }
}

/// `--now`: replay time for testing; defaults to the system clock.
struct ClockOptions: ParsableArguments {
    @Option(name: .customLong("now"), help: ArgumentHelp("Act as if it were this time (ISO 8601, e.g. 2027-02-01T09:00:00Z); webhooks are still signed with the real time.", valueName: "time"))
    var nowText: String?

    func validate() throws {
        if let nowText, Date(iso: nowText) == nil {
            throw ValidationError("--now '\(nowText)' is not an ISO 8601 time like 2027-02-01T09:00:00Z or 2027-02-01T10:00:00+01:00.")
        }
        if let note = Self.aheadNote(nowText.flatMap { Date(iso: $0) }, real: Date()) { Console.error(note) }
    }

    /// What a command says when `--now` is ahead of the real clock (by more than a minute): it acts at the replayed
    /// time, but what leaves the machine (a webhook's `webhook-timestamp`) carries the real one.
    static func aheadNote(_ replayed: Date?, real: Date) -> String? {
        guard let replayed, replayed.timeIntervalSince(real) > 60 else { return nil }
        return "note: --now \(replayed.isoUTC) is ahead of this computer's clock (\(real.isoUTC)); Herald acts as if it were that time, "
            + "but webhooks are signed with the real time."
    }

    var now: Date { nowText.flatMap { Date(iso: $0) } ?? Date() }
}

/// `--json` for listings.
struct OutputOptions: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print JSON for scripts instead of a table.")
    var json = false
}

/// Errors the command layer raises itself.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    init(_ description: String, exitCode: Int32 = 64) {
        self.description = description; self.exitCode = exitCode
    }
}

/// Runs a command body, turning Herald's errors into a message on standard error and a sysexits code.
func withExitCodes(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as StrategyError {
        Console.error(e.description)
        if case .invalid(let ds) = e {
            let n = ds.filter { $0.severity == .error }.count
            Console.error("\(n) error\(n == 1 ? "" : "s"); nothing was changed.")
        }
        throw ExitCode(e.exitCode)
    } catch let e as StoreError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as WorkspaceError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as CrisisError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as HookConfigError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as ContentError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as PlanError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as CLIError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    } catch let e as ImportError {
        Console.error(e.description)
        throw ExitCode(e.exitCode)
    } catch let e as OutputError {
        Console.error("herald: \(e.description)")
        throw ExitCode(73)
    } catch let e as EndpointError {
        Console.error("herald: \(e.description)")
        throw ExitCode(e.exitCode)
    }
}
