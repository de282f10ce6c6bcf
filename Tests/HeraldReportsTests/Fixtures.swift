import Foundation
import HeraldModel
import HeraldPlanner
import HeraldStrategy
import HeraldTestSupport
import Testing

/// The bundled example strategy and its planned first quarter, built once.
enum Example {
    static let strategy: Strategy = try! StrategyLoader.parse(exampleStrategy).strategy
    static let clock = ZoneClock(identifier: strategy.timeZone)!
    static let quarter = PeriodName.parse("2027-Q1")!
    static let generatedAt = Date(iso: "2026-12-01T09:00:00Z")!
    static let posts: [Post] = try! Planner.plan(PlanRequest(strategy: strategy, period: quarter)).posts

    /// A post with text that trips every escaping rule: commas, semicolons, quotes, line breaks, backslashes,
    /// multibyte characters (Polish, Cyrillic, CJK, emoji) and a formula.
    static func hostilePost(id: String = "p-hostile1", body: String? = nil) -> Post {
        Post(id: id, channel: "facebook", network: .facebook, kind: .engagement, goal: "community", owner: "anna",
             scheduledAt: clock.instant(LocalDate(iso: "2027-03-29")!, LocalTime(hhmm: "08:30")!), status: .drafted,
             body: body ?? "=HYPERLINK(\"http://evil\"), then; a \"quote\"\nZażółć gęślą jaźń — Съешь же ещё этих мягких французских булок 咖啡☕️👩🏽‍🍳 \\ back",
             topic: "Oat, almond; or whole?", locked: true, source: .manual)
    }
}

/// Python with the `icalendar` package, used as the strict RFC 5545 reader.
enum Python {
    static let hasICalendar: Bool = {
        (try? runProcess("/usr/bin/env", ["python3", "-c", "import icalendar"]))?.status == 0
    }()

    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    static func run(_ script: String, _ args: [String]) throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["python3", Repo.path("Tests/HeraldReportsTests/\(script)")] + args)
    }
}
