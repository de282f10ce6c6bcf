import ArgumentParser
import Foundation
import HeraldModel
import HeraldWorkspace

extension Herald {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bulk-add posts from a spreadsheet (CSV), each row checked like `post add`.",
            discussion: """
            Reads Herald's own CSV (what `herald export --format csv` writes) or Buffer's bulk-upload layout (Text, Image URL, Tags, Posting Time) with --channel. Only `channel` and a time (`date` + `time` local to the strategy's zone, or `scheduled_at`) are required; weekday, network, status, locked and source are ignored.

            Every problem is listed as FILE:ROW:COLUMN (rows as the spreadsheet numbers them; the header is row 1), and nothing is written unless every row is valid; --skip-invalid imports the valid rows and lists the rest. Imported posts are locked, `drafted` when they have a body and `planned` otherwise. Importing the same rows again changes nothing.

            Examples:
              herald import posts.csv
              herald import posts.csv --dry-run
              herald import buffer-instagram.csv --channel instagram
            """)

        @Argument(help: ArgumentHelp("The CSV file (UTF-8).", valueName: "file")) var file: String
        @Option(help: ArgumentHelp("The channel of every row (needed for Buffer's layout, which has no channel column).", valueName: "id"))
        var channel: String?
        @Flag(name: .customLong("skip-invalid"), help: "Import the valid rows and list the invalid ones instead of refusing the file.")
        var skipInvalid = false
        @Flag(help: "Skip the plan's rules (cadence, days and times, blackouts, owners' capacity) as `post add --force` does.")
        var force = false
        @Flag(name: .customLong("dry-run"), help: "Check the file; write nothing.")
        var dryRun = false
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func run() async throws {
            try await withExitCodes {
                let text = try ImportError.readText(file)
                let ws = try location.openWorkspace(printWarnings: false)
                let options = PostImportOptions(file: file, channel: channel, force: force, skipInvalid: skipInvalid, dryRun: dryRun)
                let result = try ws.importPosts(csv: text, options: options, now: clockOptions.now)
                let n = result.imported.count
                let layout = result.layout == .buffer ? " (Buffer layout)" : ""
                var line = "\(dryRun ? "Would import" : "Imported") \(n) post\(n == 1 ? "" : "s") from \(file)\(layout)"
                if !result.unchanged.isEmpty { line += "; \(result.unchanged.count) already there, unchanged" }
                Console.out(line + ".")
                if !result.skipped.isEmpty {
                    let rows = Set(result.skipped.map(\.row)).count
                    Console.error("Skipped \(rows) invalid row\(rows == 1 ? "" : "s"):")
                    for p in result.skipped { Console.error("  \(p)") }
                }
                if dryRun { Console.out(Console.dim("Dry run: nothing was stored.")) }
            }
        }
    }
}
