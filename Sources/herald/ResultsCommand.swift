import ArgumentParser
import Foundation
import HeraldModel
import HeraldResults
import HeraldStore
import HeraldWorkspace

extension ResultLayout: ExpressibleByArgument {}
extension ResultDimension: ExpressibleByArgument {}

extension Herald {
    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What each published post achieved: import per-post results, compare kinds, campaigns, channels, days, times and owners.",
            discussion: """
            Results are snapshots: a post's counters (impressions, reach, reactions, comments, shares, saves, link clicks, video views, conversions, revenue) as read at one time; counts grow for days, so a post has many and comparisons use each post's latest.

            Examples:
              herald results import insights.csv --layout generic
              herald results 2027-Q1 --by kind --metric reach
              herald results 2027-Q1 --by weekday --metric engagement_rate --json
            """,
            subcommands: [Show.self, Import.self],
            defaultSubcommand: Show.self)

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import per-post results from a CSV file, all or nothing.",
                discussion: """
                Layouts: generic (Herald's columns: post_id, delivery_id, network_id or url to name the post, optionally network; captured_at (ISO 8601) or date; and any of impressions, reach, reactions, comments, shares, saves, link_clicks, video_views, conversions, revenue) and mastodon (Mastodon Status fields: id, url, favourites_count, reblogs_count, replies_count; with captured_at or --captured-at). meta and linkedin are refused: their exports' column names could not be confirmed.

                Rows are matched by Herald post id, delivery id, or the network's id or address stored when the delivery published (or given to `herald post published`). With --published, a row may name a post that went out outside Herald: one whose time has passed is marked published at its scheduled time. Rows naming no Herald post are listed and left out; every other problem (a post not published, a negative or non-numeric counter, a snapshot stored with other counts) is listed as FILE:ROW:COLUMN and nothing is stored (exit 65). Importing the same rows again changes nothing.

                Example: herald results import insights.csv --layout generic
                """)

            @Argument(help: ArgumentHelp("The CSV file (UTF-8).", valueName: "file")) var file: String
            @Option(help: ArgumentHelp("generic or mastodon (meta and linkedin are refused: see --help).", valueName: "layout"))
            var layout: ResultLayout = .generic
            @Option(name: .customLong("captured-at"), help: ArgumentHelp("When the counts were read (ISO 8601), for a file without a captured_at column.", valueName: "time"))
            var capturedAt: String?
            @Flag(name: .customLong("dry-run"), help: "Check the file; store nothing.") var dryRun = false
            @Flag(help: "Posts the file names that went out outside Herald: mark each one whose time has passed (planned, drafted, approved, failed or expired) published at its scheduled time.")
            var published = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if !layout.isSupported { throw ValidationError("--layout \(layout.rawValue): \(layout.refusal)") }
                if let capturedAt, Date(iso: capturedAt) == nil {
                    throw ValidationError("--captured-at '\(capturedAt)' is not an ISO 8601 time like 2027-02-03T18:00:00Z.")
                }
            }

            func run() async throws {
                try await withExitCodes {
                    let source = try CSVSource(path: file)
                    let ws = try location.openWorkspace(printWarnings: false)
                    let r = try ws.importResults(source, file: file, layout: layout, capturedAt: capturedAt.flatMap { Date(iso: $0) },
                                                 now: clockOptions.now, dryRun: dryRun, markPublished: published)
                    for u in r.unmatched { Console.error(u.description) }
                    let of = "\(r.snapshots) snapshot\(r.snapshots == 1 ? "" : "s") of \(r.posts) post\(r.posts == 1 ? "" : "s") from \(file)"
                    let skipped = r.unmatched.isEmpty ? "" : "; \(r.unmatched.count) row\(r.unmatched.count == 1 ? "" : "s") named no Herald post and \(r.unmatched.count == 1 ? "was" : "were") left out"
                    if dryRun {
                        Console.out("Would import \(of): \(r.inserted) new, \(r.unchanged) already there\(skipped).")
                        if !r.markedPublished.isEmpty {
                            Console.out("Would mark \(r.markedPublished.count) post\(r.markedPublished.count == 1 ? "" : "s") published outside Herald (--published).")
                        }
                        Console.out(Console.dim("Dry run: nothing was stored."))
                    } else {
                        Console.out("Imported \(of): \(r.inserted) new, \(r.unchanged) already there\(skipped).")
                        if !r.markedPublished.isEmpty {
                            Console.out("Marked \(r.markedPublished.count) post\(r.markedPublished.count == 1 ? "" : "s") published outside Herald (--published).")
                        }
                    }
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Compare the period's published posts by group: posts, median, spread (IQR) and a bootstrap interval.",
                discussion: """
                Each post counts once, with its latest snapshot. Per group: the number of posts with a value, the median and the interquartile range (25th–75th percentile), and a 95 % percentile-bootstrap interval of the median (2,000 resamples, seeded: the same data gives the same interval). A difference is reported as a finding only when both groups have at least 8 posts and their intervals do not overlap. Inbox comments linked to the posts are counted by sentiment.

                --by: kind, campaign, channel, weekday, slot (local time), owner, balance (promotion vs information).
                --metric: impressions, reach, reactions, comments, shares, saves, clicks, video_views, conversions, revenue, engagement (reactions + comments + shares + saves), engagement_rate (100 × (reactions + comments + shares + saves + link clicks) ÷ impressions).

                Example: herald results 2027-Q1 --by kind --metric reach
                """)

            @OptionGroup var periodOptions: PeriodOptions
            @Option(help: ArgumentHelp("kind, campaign, channel, weekday, slot, owner or balance.", valueName: "group")) var by: ResultDimension = .kind
            @Option(help: ArgumentHelp("What to compare (default reach; see --help for the list and definitions).", valueName: "metric")) var metric: String = "reach"
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions

            func validate() throws {
                if ResultMetric(name: metric) == nil {
                    throw ValidationError("--metric '\(metric)' is not a metric; use one of \(ResultMetric.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let range = try periodOptions.range(in: ws)
                    let rollup = Rollup(outcomes: try ws.outcomes(range), by: by, metric: ResultMetric(name: metric)!)
                    if output.json { return try Console.json(rollup) }
                    Console.out("\(rollup.metric) by \(rollup.dimension), \(range.start.iso) – \(range.end.iso): \(rollup.measured) of \(rollup.published) published post\(rollup.published == 1 ? "" : "s") measured.")
                    if !rollup.groups.isEmpty {
                        var t = Table(rollup.dimension, "posts", "median", "IQR", "95% interval", "comments +/·/−")
                        for g in rollup.groups {
                            let f = { (v: Double?) in v.map(Rollup.format) ?? "–" }
                            let interval = g.low.map { "\(Rollup.format($0))–\(f(g.high))" } ?? "–"
                            let iqr = g.q1.map { "\(Rollup.format($0))–\(f(g.q3))" } ?? "–"
                            t.add(g.key, "\(g.posts)\(g.enough ? "" : " (few)")", f(g.median), iqr, interval,
                                  "\(g.sentiment.positive)/\(g.sentiment.neutral)/\(g.sentiment.negative)")
                        }
                        Console.out(t.rendered)
                    }
                    for f in rollup.findings { Console.out("Finding: \(f)") }
                    for n in rollup.notes { Console.out(n) }
                    Console.out(Console.dim("\(rollup.metric): \(rollup.definition). Method: \(rollup.method)"))
                }
            }
        }
    }
}
