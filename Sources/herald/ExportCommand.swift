import ArgumentParser
import Foundation
import HeraldModel
import HeraldPlanner
import HeraldReports
import HeraldStore
import HeraldWorkspace

/// The file formats `herald export` writes.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case ics, csv, html
    case bufferCSV = "buffer-csv"
    case hootsuiteCSV = "hootsuite-csv"

    /// Bulk-upload layouts go one file per channel (a profile in the tool).
    var isPerChannel: Bool { self == .bufferCSV || self == .hootsuiteCSV }

    static func inferred(from path: String) -> ExportFormat? {
        switch (path as NSString).pathExtension.lowercased() {
        case "ics", "ical", "ifb": .ics
        case "csv": .csv
        case "html", "htm": .html
        default: nil
        }
    }
}

extension Herald {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the stored plan: ICS for calendar apps, CSV for spreadsheets or Buffer/Hootsuite, HTML month grid.",
            discussion: """
            Formats:
              ics            one event per post (RFC 5545), stable UIDs
              csv            one row per post (UTF-8, RFC 4180); `import` reads it
              buffer-csv     Buffer's bulk upload, one file per channel
              hootsuite-csv  Hootsuite's bulk composer, one file per channel
              html           a month grid with filters, self-contained

            The bulk-upload layouts take posts that have a body (planned, drafted or approved unless --status says otherwise) and say how many they left out. With several channels they need -o FILE and write FILE-<channel>.csv for each; or pick one with --channel. Without -o the export goes to standard output. CSV values starting with = + - @ are neutralised against spreadsheet formulas.

            Examples:
              herald export 2027-Q1 --format ics -o acme-q1.ics
              herald export 2027-Q1 --format ics --owner anna -o anna.ics
              herald export 2027-Q1 --format buffer-csv --channel instagram
              herald export 2027-Q1 --format hootsuite-csv -o up.csv
              herald export 2027-Q1 --format html -o calendar.html
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("ics, csv, buffer-csv, hootsuite-csv or html (default: from the -o file's extension).", valueName: "format"))
        var format: ExportFormat?
        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
        var output: String?
        @OptionGroup var filter: PostFilterOptions
        @Option(name: .customLong("date-format"), help: ArgumentHelp("hootsuite-csv: the date order the uploader is set to: dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd.", valueName: "order"))
        var dateFormat: String?
        @Flag(help: "ics: write times in UTC instead of the strategy's time zone.")
        var utc = false
        @Flag(name: .customLong("no-formula-guard"), help: "--format csv: write values starting with = + - @ as they are. (The Buffer and Hootsuite layouts always carry the text exactly.)")
        var noFormulaGuard = false
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        var resolvedFormat: ExportFormat { format ?? output.flatMap(ExportFormat.inferred) ?? .csv }

        func validate() throws {
            if format == nil, output.flatMap(ExportFormat.inferred) == nil {
                throw ValidationError("say which format: --format ics, csv, buffer-csv, hootsuite-csv or html (or an -o file ending in .ics, .csv or .html).")
            }
            if let dateFormat {
                guard resolvedFormat == .hootsuiteCSV else { throw ValidationError("--date-format is for --format hootsuite-csv.") }
                if HootsuiteCSV.DateFormat(rawValue: dateFormat.lowercased()) == nil {
                    throw ValidationError("--date-format '\(dateFormat)' is not one of \(HootsuiteCSV.DateFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
            }
            if utc, resolvedFormat != .ics { throw ValidationError("--utc is for --format ics.") }
            if noFormulaGuard, resolvedFormat != .csv {
                throw ValidationError("--no-formula-guard is for --format csv; the Buffer and Hootsuite layouts always carry the text exactly.")
            }
            if let output, output.hasSuffix("/") { throw ValidationError("-o '\(output)' is a folder; name a file.") }
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let filter = try self.filter.checked(against: ws.strategy)
                let range = try periodOptions.range(in: ws)
                let bounds = ws.instants(range)
                let query = filter.query(from: bounds.from, to: bounds.to)
                let name = periodName(range)
                switch resolvedFormat {
                case .ics: try exportICS(ws, range: range, query: query, name: name)
                case .csv: try exportCSV(ws, query: query)
                case .html: try exportHTML(ws, range: range, query: query, name: name)
                case .bufferCSV, .hootsuiteCSV: try exportBulk(ws, query: query)
                }
            }
        }

        func periodName(_ range: DateRange) -> String {
            if let p = periodOptions.period { return p.uppercased() }
            return "\(range.start.iso) – \(range.end.iso)"
        }

        /// Runs `body` with a sink for `path` (atomic) or standard output, and says what was written.
        func withOutput(_ path: String?, _ body: (inout FileSink) throws -> String) throws {
            if let path {
                let file = try AtomicFile(path: path)
                var sink = file.sink
                let what: String
                do {
                    what = try body(&sink)
                } catch {
                    file.discard()
                    throw error is StoreError || error is CLIError ? error : OutputError(path: path, reason: "\(error)")
                }
                try file.commit()
                Console.out("Wrote \(path): \(what).")
            } else {
                var sink = FileSink(FileHandle.standardOutput)
                _ = try body(&sink)
                try sink.flush()
            }
        }

        func exportICS(_ ws: Workspace, range: DateRange, query: PostQuery, name: String) throws {
            var title = ws.strategy.brand.name
            if let owner = filter.owner { title += " — " + (ws.strategy.participantMatching(owner)?.name ?? owner) }
            if filter.channels.count == 1 { title += " — " + filter.channels[0] }
            title += " — " + name
            try withOutput(output) { sink in
                var writer = ICSWriter(strategy: ws.strategy, clock: ws.clock,
                                       options: .init(name: title, range: range, generatedAt: clockOptions.now, utc: utc), sink: sink)
                try writer.begin()
                try ws.forEachPost(query) { try writer.write($0) }
                try writer.end()
                return "\(writer.events) event\(writer.events == 1 ? "" : "s") (\(range.start) – \(range.end))"
            }
        }

        func exportCSV(_ ws: Workspace, query: PostQuery) throws {
            try withOutput(output) { sink in
                try sink.write(PostCSV.headerLine())
                var n = 0
                try ws.forEachPost(query) { p in
                    try sink.write(CSV.record(PostCSV.row(p, clock: ws.clock), guardFormulas: !noFormulaGuard))
                    n += 1
                }
                return "\(n) post\(n == 1 ? "" : "s")"
            }
        }

        func exportHTML(_ ws: Workspace, range: DateRange, query: PostQuery, name: String) throws {
            let posts = try ws.posts(query)
            let marks = (try? ws.calendarDays(range)) ?? CalendarDays()
            let calendar = HTMLCalendar(strategy: ws.strategy, clock: ws.clock, range: range,
                                        title: "\(ws.strategy.brand.name) — content calendar \(name)", generatedAt: clockOptions.now, marks: marks)
            try withOutput(output) { sink in
                try calendar.write(posts, into: &sink)
                return "\(posts.count) post\(posts.count == 1 ? "" : "s") on a month grid"
            }
        }

        func exportBulk(_ ws: Workspace, query: PostQuery) throws {
            var q = query
            if q.statuses == nil { q.statuses = [.planned, .drafted, .approved] }
            let all = try ws.posts(q)
            let posts = all.filter { !($0.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            let format = resolvedFormat
            let tool = format == .bufferCSV ? "Buffer" : "Hootsuite"
            let channels = filter.channels.isEmpty
                ? ws.strategy.channels.map(\.id).filter { id in posts.contains { $0.channel == id } } : filter.channels
            if channels.count > 1, output == nil {
                throw CLIError("\(tool) takes one file per channel (a profile): give --channel C, or -o FILE to write FILE-<channel>.csv for each of \(channels.joined(separator: ", ")).", exitCode: 64)
            }
            let skipped = all.count - posts.count
            if skipped > 0 {
                Console.error("herald: left out \(skipped) post\(skipped == 1 ? "" : "s") without a body; \(tool) needs the text. Write them first.")
            }
            let dateOrder = dateFormat.flatMap { HootsuiteCSV.DateFormat(rawValue: $0.lowercased()) } ?? .dayMonthYear
            let labels = PostLabels(ws.strategy)
            if format == .hootsuiteCSV {
                let off = posts.filter { !HootsuiteCSV.acceptsTime($0, clock: ws.clock) }
                if !off.isEmpty {
                    Console.error("herald: \(off.count) post\(off.count == 1 ? "" : "s") at minutes Hootsuite refuses (it takes minutes ending in 0 or 5): \(off.prefix(5).map(\.id).joined(separator: ", ")). Move them with `herald post move`.")
                }
            }
            let targets: [(channel: String?, path: String?)] = channels.count <= 1
                ? [(channels.first, output)]
                : channels.map { c in (c, output.map { Self.perChannelPath($0, channel: c) }) }
            for target in targets {
                let mine = posts.filter { target.channel == nil || $0.channel == target.channel }
                try withOutput(target.path) { sink in
                    if format == .bufferCSV { try sink.write(BufferCSV.headerLine()) }
                    for p in mine {
                        let row = format == .bufferCSV ? BufferCSV.row(p, clock: ws.clock)
                            : HootsuiteCSV.row(p, clock: ws.clock, labels: labels, format: dateOrder)
                        // An upload must carry the text exactly: the formula guard is for spreadsheets (`--format csv`) only.
                        try sink.write(CSV.record(row, guardFormulas: false))
                    }
                    return "\(mine.count) post\(mine.count == 1 ? "" : "s") for \(tool)\(target.channel.map { " (\($0))" } ?? "")"
                }
            }
        }

        /// `up.csv` → `up-facebook.csv`
        static func perChannelPath(_ path: String, channel: String) -> String {
            let ext = (path as NSString).pathExtension
            let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
            return "\(base)-\(channel).\(ext.isEmpty ? "csv" : ext)"
        }
    }
}
