import ArgumentParser
import Foundation
import HeraldModel
import HeraldReports
import HeraldStore
import HeraldWorkspace

extension Herald {
    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the measured values of the strategy's metrics, so `herald report` shows progress.",
            discussion: """
            A reading is one value of a metric on a day, for the metric as a whole or for one channel. A metric whose source is the inbox or the posts' results (`source: inbox.…` or `source: posts.…` in the strategy) computes itself; recording it is refused. Recording the same metric, day and channel again replaces the value, so importing a results file twice changes nothing. A negative value is written as it is (-5). A results file has the columns date,metric,value[,channel].

            Examples:
              herald metrics record response-time 6.5 --date 2027-01-31
              herald metrics record reach 9200 --date 2027-01-31 --channel facebook
              herald metrics record nps -5 --date 2027-02-01
              herald metrics import results.csv
              herald metrics list response-time
            """,
            subcommands: [Record.self, Import.self, List.self])

        struct Record: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record one value of a metric.",
                discussion: "Examples: herald metrics record nps 36 --date 2027-02-01 · herald metrics record nps -5 (a negative value as it is)")

            @Argument(help: ArgumentHelp("The metric's id (see `herald goals`).", valueName: "metric")) var metric: String
            @Argument(help: ArgumentHelp("The measured value, a number like 36 or 2.5.", valueName: "value")) var value: String
            @Option(help: ArgumentHelp("The day it was measured for (YYYY-MM-DD). Default: today in the strategy's zone.", valueName: "date"))
            var date: String?
            @Option(help: ArgumentHelp("The channel the value is for; leave out for the metric as a whole.", valueName: "id"))
            var channel: String?
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                let v = value.hasSuffix("%") ? String(value.dropLast()) : value
                if Double(v).map({ !$0.isFinite }) ?? true { throw ValidationError("'\(value)' is not a number; write e.g. 36 or 2.5 (with a point).") }
                if let date, LocalDate(iso: date) == nil { throw ValidationError("--date '\(date)' is not a date like 2027-02-01.") }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let m = try ws.metric(metric)
                    let v = Double(value.hasSuffix("%") ? String(value.dropLast()) : value)!
                    let day = date.flatMap(LocalDate.init(iso:)) ?? ws.clock.localDate(clockOptions.now)
                    let w = try ws.recordReading(metric: m.id, value: v, date: day, channel: channel, now: clockOptions.now)
                    // The crisis metrics every strategy tracks (NPS, CSAT, …) have no target unless a goal names them.
                    let target = ws.strategy.metrics.contains { $0.id == m.id }
                        ? "target \(formatValue(m.target, unit: m.unit)) by \(m.deadline)"
                        : "tracked for crisis mode; no goal in the strategy sets a target for it"
                    Console.out("\(w.replaced > 0 ? "Replaced" : "Recorded") \(m.id) = \(formatValue(v, unit: m.unit)) on \(day)\(channel.map { " for \($0)" } ?? "") (\(target)).")
                }
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import readings from a CSV file: date,metric,value[,channel].",
                discussion: """
                The header names the columns (any order). Every problem is listed as FILE:ROW:COLUMN and nothing is stored unless every row is valid.

                Example: herald metrics import results.csv
                """)

            @Argument(help: ArgumentHelp("The CSV file (UTF-8).", valueName: "file")) var file: String
            @Flag(name: .customLong("dry-run"), help: "Check the file; store nothing.") var dryRun = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let text = try ImportError.readText(file)
                    let ws = try location.openWorkspace(printWarnings: false)
                    let (readings, w) = try ws.importReadings(csv: text, file: file, now: clockOptions.now, dryRun: dryRun)
                    let metrics = Set(readings.map(\.metric)).count
                    if dryRun {
                        Console.out("Would import \(readings.count) reading\(readings.count == 1 ? "" : "s") of \(metrics) metric\(metrics == 1 ? "" : "s") from \(file).")
                        Console.out(Console.dim("Dry run: nothing was stored."))
                    } else {
                        Console.out("Imported \(readings.count) reading\(readings.count == 1 ? "" : "s") of \(metrics) metric\(metrics == 1 ? "" : "s") from \(file): \(w.inserted) new, \(w.replaced) replaced.")
                    }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List readings, oldest first: recorded ones, and those computed from the inbox or the posts' results.",
                discussion: "A metric with `source: inbox.…` computes itself: its readings are worked out from the inbox up to now (source `computed`, one a day, for the metric as a whole). A metric with `source: posts.…` computes one reading per ended day, week or month from the published posts' latest results, dated on the period's last day. JSON fields: metric, date, value, unit, channel, source, recorded_at. With --now, the readings as they stood then (measured and recorded by that time). Example: herald metrics list nps --json")

            @Argument(help: ArgumentHelp("Only this metric.", valueName: "metric")) var metric: String?
            @Option(help: ArgumentHelp("Only readings for this channel.", valueName: "id")) var channel: String?
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            struct ReadingJSON: Encodable {
                var metric, date, unit, source, recorded_at: String
                var value: Double
                var channel: String?

                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(metric, forKey: .metric); try c.encode(date, forKey: .date); try c.encode(value, forKey: .value)
                    try c.encode(unit, forKey: .unit); try c.encode(channel, forKey: .channel); try c.encode(source, forKey: .source)
                    try c.encode(recorded_at, forKey: .recorded_at)
                }

                enum CodingKeys: String, CodingKey { case metric, date, value, unit, channel, source, recorded_at }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    if let metric { _ = try ws.metric(metric) }
                    if let channel, ws.strategy.channel(channel) == nil {
                        throw CLIError("no channel '\(channel)' in the strategy (known: \(ws.strategy.channels.map(\.id).joined(separator: ", "))).", exitCode: 65)
                    }
                    var list = try ws.readings(metrics: metric.map { [$0] }, channel: channel, now: clockOptions.now)
                    if clockOptions.nowText != nil {
                        let now = clockOptions.now, today = ws.clock.localDate(now)
                        list.removeAll { $0.date > today || $0.recordedAt > now }
                    }
                    let units = Dictionary(ws.strategy.metrics.map { ($0.id, $0.unit) }, uniquingKeysWith: { a, _ in a })
                    if output.json {
                        return try Console.json(list.map {
                            ReadingJSON(metric: $0.metric, date: $0.date.iso, unit: units[$0.metric] ?? "", source: $0.source.rawValue,
                                        recorded_at: $0.recordedAt.isoUTC, value: $0.value, channel: $0.channel)
                        })
                    }
                    guard !list.isEmpty else {
                        Console.out("No readings\(metric.map { " of \($0)" } ?? ""). Record one with `herald metrics record METRIC VALUE --date D`.")
                        return
                    }
                    var t = Table("date", "metric", "value", "channel", "source")
                    for r in list {
                        t.add(r.date.iso, r.metric, formatValue(r.value, unit: units[r.metric] ?? ""), r.channel ?? "–", r.source.rawValue)
                    }
                    Console.out(t.rendered)
                }
            }
        }
    }
}
