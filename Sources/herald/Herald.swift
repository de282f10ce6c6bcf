import ArgumentParser
import Foundation
import Logging

/// The `herald` command: plans a quarter of social media from goals and publishes it through hooks.
@main
struct Herald: AsyncParsableCommand {
    /// Logging goes to standard error at the level in HERALD_LOG_LEVEL (default: error).
    static func bootstrapLogging() {
        let level = ProcessInfo.processInfo.environment["HERALD_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func main() async {
        bootstrapLogging()
        let args = Array(CommandLine.arguments.dropFirst())
        if let problem = UnknownCommand.problem(in: args, root: Herald.self) {
            Console.error("herald: \(problem)")
            exit(withError: ExitCode(64))
        }
        do {
            var command = try parseAsRoot(NegativeValues.rewrite(args))
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Plan a quarter of social media from business goals, draft it, and publish it through hooks.",
        discussion: """
        Herald reads strategy.yaml (goals and metrics, channels, people, campaigns) and keeps its plan in a SQLite \
        file beside it (herald.sqlite; --db or HERALD_DB to change). Start with `herald init`, then \
        `herald validate` and `herald plan`.

        Exit codes follow sysexits: 65 bad data, 66 missing file, 69 unavailable, 73 cannot create, 75 try again \
        later, 78 bad configuration.
        """,
        version: "herald \(version)",
        groupedSubcommands: [
            CommandGroup(name: "Strategy", subcommands: [Init.self, Validate.self, Goals.self, Channels.self, People.self]),
            CommandGroup(name: "Planning", subcommands: [Plan.self, Calendar.self, PostCommand.self, Tasks.self, Import.self]),
            CommandGroup(name: "Content", subcommands: [Draft.self, Review.self, Approve.self, Lint.self, Templates.self]),
            CommandGroup(name: "Publishing", subcommands: [Publish.self, Run.self, Queue.self, Hooks.self, Status.self]),
            CommandGroup(name: "Listening", subcommands: [Inbox.self]),
            CommandGroup(name: "Crisis", subcommands: [CrisisCommand.self]),
            CommandGroup(name: "Reporting", subcommands: [Export.self, Report.self, Metrics.self, Results.self]),
            CommandGroup(name: "Database", subcommands: [DB.self]),
        ])
}
