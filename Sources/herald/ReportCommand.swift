import ArgumentParser
import Foundation
import HeraldModel
import HeraldReports
import HeraldResults
import HeraldStore
import HeraldWorkspace

extension Herald {
    struct Report: AsyncParsableCommand {
        enum Format: String, CaseIterable, ExpressibleByArgument {
            case md, html, json

            static func inferred(from path: String) -> Format? {
                switch (path as NSString).pathExtension.lowercased() {
                case "md", "markdown": .md
                case "html", "htm": .html
                case "json": .json
                default: nil
                }
            }
        }

        static let configuration = CommandConfiguration(
            abstract: "The goal-to-metric plan for management, with progress once readings come in.",
            discussion: """
            For each goal: its metrics (baseline → target, direction, deadline, how measured, owner), the latest reading, a projection to the deadline and a status (on track, at risk, off track; the rule is printed in the report); the channels, posts by kind, campaigns and people that serve it; the review cadence. Then what worked (the period's published posts compared by promotion vs information, kind, channel, weekday, time slot, campaign and owner, from `herald results import`), the content mix per channel, the participants' load, the response targets and the crisis playbook in brief.

            Formats: md (Markdown for email and wikis), html (self-contained with inline SVG charts; prints one goal per page), json (for other tools). Without -o it goes to standard output.

            Examples:
              herald report 2027-Q1
              herald report 2027-Q1 --format html -o plan.html
              herald report --format json -o plan.json
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("md, html or json (default: from the -o file's extension, else md).", valueName: "format"))
        var format: Format?
        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
        var output: String?
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            if let output, output.hasSuffix("/") { throw ValidationError("-o '\(output)' is a folder; name a file.") }
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let range = try periodOptions.range(in: ws)
                let bounds = ws.instants(range)
                let posts = try ws.posts(PostQuery(from: bounds.from, to: bounds.to))
                let tasks = try ws.shareTasks(from: bounds.from, to: bounds.to)
                let readings = try ws.readings(metrics: ws.strategy.metrics.map(\.id), now: clockOptions.now)
                let name = periodOptions.period?.uppercased() ?? "\(range.start.iso) – \(range.end.iso)"
                var report = ManagementReport(strategy: ws.strategy, clock: ws.clock, range: range, periodName: name, posts: posts,
                                              shareTasks: tasks, readings: readings, generatedAt: clockOptions.now,
                                              crises: try ws.crisisSummaries(range), listening: try ws.listeningInput(range, now: clockOptions.now))
                let outcomes = try ws.outcomes(range, posts: posts)
                report.whatWorked = WhatWorked(outcomes: outcomes)
                report.spend = CampaignSpend.list(ws.strategy, range: range, outcomes: outcomes)
                let chosen = format ?? output.flatMap(Format.inferred) ?? .md
                let text: String = switch chosen {
                case .md: report.markdown()
                case .html: report.html()
                case .json: String(decoding: try report.json(), as: UTF8.self) + "\n"
                }
                if let output {
                    let file = try AtomicFile(path: output)
                    try file.sink.write(text)
                    try file.commit()
                    let statuses = report.statusSummary.map { "\($0.metrics) \(TrackStatus(rawValue: $0.status)?.label ?? $0.status)" }.joined(separator: ", ")
                    Console.out("Wrote \(output): \(report.goals.count) goals, \(report.goals.flatMap(\.metrics).count) metrics (\(statuses)), \(report.posts) posts.")
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }
    }
}
