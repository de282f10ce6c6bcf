import Foundation
import HeraldModel
import HeraldPlanner
import HeraldReports
import HeraldStrategy
import HeraldTestSupport
import Testing

@Suite struct ManagementReportTests {
    static let plan = try! Planner.plan(PlanRequest(strategy: Example.strategy, period: Example.quarter))

    func reading(_ metric: String, _ date: String, _ value: Double, channel: String? = nil) -> MetricReading {
        MetricReading(metric: metric, date: LocalDate(iso: date)!, value: value, channel: channel, recordedAt: Example.generatedAt, source: .import)
    }

    func report(strategy: Strategy = Example.strategy, posts: [Post] = Example.posts, readings: [MetricReading] = []) -> ManagementReport {
        ManagementReport(strategy: strategy, clock: Example.clock, range: Example.quarter, periodName: "2027-Q1", posts: posts,
                         shareTasks: Self.plan.shareTasks, readings: readings, generatedAt: Example.generatedAt)
    }

    @Test func theNumbersAddUpToThePosts() {
        var posts = Example.posts
        posts[0].status = .cancelled
        let r = report(posts: posts)
        let live = posts.filter { $0.status != .cancelled }
        #expect(r.posts == live.count)
        #expect(r.postsByStatus == ["planned": posts.count - 1, "cancelled": 1])
        #expect(r.shareTasks == Self.plan.shareTasks.count)
        #expect(r.goals.map(\.posts).reduce(0, +) == live.filter { $0.goal != nil }.count)
        for g in r.goals {
            let mine = live.filter { $0.goal == g.id }
            #expect(g.posts == mine.count)
            #expect(g.postsByKind.map(\.posts).reduce(0, +) == mine.count)
            for k in g.postsByKind { #expect(k.posts == mine.filter { $0.kind.rawValue == k.kind }.count) }
            #expect(g.channels.map(\.posts).reduce(0, +) == mine.count)
            #expect(g.people.map(\.posts).reduce(0, +) == mine.filter { $0.owner != nil }.count)
        }
        for c in r.mix {
            let here = live.filter { $0.channel == c.channel }
            #expect(c.posts == here.count)
            #expect(c.kinds.map(\.planned).reduce(0, +) == here.count)
            #expect(c.kinds.map(\.target).reduce(0, +) == here.count)
            #expect(c.weeks.map(\.total).reduce(0, +) == here.count)
            #expect(c.weeks.first?.week == "2026-12-28")
            #expect(c.weeks.count == 14)
        }
        for p in r.people {
            #expect(p.posts == live.filter { $0.owner == p.id }.count)
            #expect(p.shares == Self.plan.shareTasks.filter { $0.participant == p.id }.count)
            #expect(p.busiestWeek <= p.capacityPerWeek)
        }
        #expect(r.goals.first { $0.id == "community" }?.campaigns.map(\.id) == ["latte-art"])
        #expect(r.goals.first { $0.id == "sales" }?.campaigns.map(\.id) == ["winter-warmer", "spring-blend"])
        #expect(r.response.metrics == ["response-time", "response-rate"])
        #expect(r.crisis.steps.count == 5)
        #expect(r.crises.isEmpty)
        #expect(r.statusSummary.map(\.status) == ["no-data"])
    }

    @Test func readingsGiveLatestValuesAndStatuses() {
        let r = report(readings: [
            reading("reach", "2027-01-31", 15000), reading("reach", "2027-02-28", 18000), reading("reach", "2027-02-28", 9000, channel: "facebook"),
            reading("reach", "2027-01-31", 8000, channel: "facebook"),
            reading("response-time", "2027-01-31", 8.8),  // should have come down to about 5.3 by now
            reading("response-rate", "2027-01-31", 75),
        ])
        let metrics = Dictionary(uniqueKeysWithValues: r.goals.flatMap(\.metrics).map { ($0.id, $0) })
        #expect(metrics["reach"]?.latest?.date == "2027-02-28")
        #expect(metrics["reach"]?.latest?.value == 18000)
        #expect(metrics["reach"]?.readings.count == 2)
        #expect(metrics["reach"]?.byChannel.map(\.value) == [9000])
        #expect(metrics["reach"]?.projection.status == .onTrack)
        #expect(metrics["response-time"]?.projection.status == .offTrack)
        #expect(metrics["response-rate"]?.projection.status == .onTrack)
        #expect(metrics["new-followers"]?.projection.status == .noData)
        #expect(r.statusSummary.map(\.status) == ["on-track", "off-track", "no-data"])
    }

    @Test func markdownHasEverySection() {
        let md = report(readings: [reading("reach", "2027-01-31", 16000)]).markdown()
        for fragment in ["# Bean & Bloom Coffee — goal-to-metric plan, 2027-Q1", "Status rule:", "## Goal: Be the neighbourhood's first coffee stop",
                         "| **Monthly reach** (`reach`) | 12000 people → 20000 people | ↑ up | 2027-03-31 | 16000 people (2027-01-31) |",
                         "✅ on track", "**Campaigns:** Latte art", "## Content mix per channel", "## Participants' load",
                         "| Tom Jansen (not trained or rules not accepted) |", "## Answering people",
                         "**Median first reply to comments and messages**: 9 hours → 2 hours by 2027-02-28 (lower is better)",
                         "## Crisis playbook in brief", "1. Apologise", "5. Repair", "every 2 days", "Anna de Vries owns the checklist"] {
            #expect(md.contains(fragment), "missing: \(fragment)")
        }
    }

    @Test func hostileStrategyTextIsEscapedEverywhere() throws {
        var s = Example.strategy
        s.brand.name = "<script>alert('x')</script> | Co & \"Sons\""
        s.goals[0].title = "<img src=x onerror=alert(1)>"
        s.goals[0].metrics[0].measuredBy = "a | b\nc"
        s.participants[0].name = "</td><b>Anna"
        let r = report(strategy: s, readings: [reading("reach", "2027-01-31", 14000)])
        let html = r.html()
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("</td><b>Anna"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | Co &amp; &quot;Sons&quot;"))
        let checker = WellFormedChecker()
        #expect(checker.check(html) == nil)
        #expect(checker.elements["script"] == nil)
        #expect(checker.elements["img"] == nil)
        #expect(checker.elements["svg", default: 0] >= 7 + 4)
        let md = r.markdown()
        #expect(md.contains("# &lt;script&gt;alert('x')&lt;/script&gt; \\| Co & \"Sons\""))
        #expect(md.contains("measured by: a \\| b c;"))
        #expect(!md.contains("<img"))
        let json = try #require(try JSONSerialization.jsonObject(with: try r.json()) as? [String: Any])
        #expect(json["brand"] as? String == s.brand.name)
    }

    @Test func jsonUsesSnakeCaseAndCarriesTheModel() throws {
        let r = report(readings: [reading("reach", "2027-01-31", 16000)])
        let json = try #require(try JSONSerialization.jsonObject(with: try r.json()) as? [String: Any])
        for key in ["brand", "period", "start", "end", "time_zone", "generated_at", "posts", "posts_by_status", "share_tasks", "status_rule",
                    "goals", "mix", "people", "response", "crisis", "crises"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let goals = try #require(json["goals"] as? [[String: Any]])
        let reach = try #require((goals[0]["metrics"] as? [[String: Any]])?.first)
        #expect(reach["measured_by"] as? String != nil)
        #expect((reach["projection"] as? [String: Any])?["status"] as? String == "on-track")
        #expect((reach["latest"] as? [String: Any])?["value"] as? Double == 16000)
    }

    @Test func theHTMLCalendarIsWellFormedAndFiltersOffline() throws {
        var posts = Example.posts
        posts.append(Example.hostilePost())
        var s = Example.strategy
        s.brand.name = "<script>alert(1)</script>"
        let cal = HTMLCalendar(strategy: s, clock: Example.clock, range: Example.quarter, title: "\(s.brand.name) — calendar",
                               generatedAt: Example.generatedAt)
        var sink = StringSink()
        try cal.write(posts, into: &sink)
        let html = sink.text
        let checker = WellFormedChecker()
        #expect(checker.check(html) == nil)
        #expect(checker.elements["script"] == 1)
        #expect(checker.elements["li", default: 0] >= posts.count)
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("=HYPERLINK(&quot;http://evil&quot;), then; a &quot;quote&quot;"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
        for name in ["channel", "owner", "kind", "status"] { #expect(html.contains("<select name=\"\(name)\">")) }
        #expect(html.contains("data-channel=\"facebook\" data-owner=\"anna\" data-kind=\"engagement\" data-status=\"drafted\""))
        #expect(html.contains("@media (max-width: 720px)"))
    }
}
