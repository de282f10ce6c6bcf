import Foundation
import HeraldTestSupport
import Testing

/// The example's `response-rate` says `source: inbox.answered_within_target`: it computes itself from the inbox.
@Suite struct ComputedMetricsCommandTests {
    static let now = ["--now", "2027-01-12T12:00:00Z"]

    func readings(_ ex: PlannedExample, _ extra: [String] = []) throws -> [[String: Any]] {
        let r = try ex.run(["metrics", "list", "--json"] + extra + Self.now)
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// Two Instagram comments on Monday 11 January (Amsterdam), one with markup and control characters in it.
    func withItems() throws -> PlannedExample {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("items.jsonl", """
            {"network": "instagram", "channel": "instagram", "id": "1", "author": {"handle": "@kasia"}, "text": "Do you have oat milk?", "created_at": "2027-01-11T09:00:00Z", "language": "en"}
            {"network": "instagram", "channel": "instagram", "id": "2", "author": {"handle": "@mallory"}, "text": "Cold coffee <script>alert(1)</script>\\u0007 terrible, never again", "created_at": "2027-01-11T10:00:00Z", "language": "en"}

            """)
        let r = try ex.run(["inbox", "import", "items.jsonl", "--now", "2027-01-11T10:05:00Z"])
        precondition(r.status == 0, r.stderr)
        return ex
    }

    @Test func recordingAComputedMetricIsRefusedAndNothingIsStored() throws {
        let ex = try PlannedExample(plan: false)
        let r = try ex.run(["metrics", "record", "response-rate", "80", "--date", "2027-01-11"] + Self.now)
        #expect(r.status == 65)
        #expect(r.stderr.contains("response-rate computes itself from the inbox (source: inbox.answered_within_target); there is nothing to record."), "\(r.stderr)")
        #expect(try readings(ex).isEmpty)
    }

    @Test func importingAComputedMetricIsRefusedWithItsRow() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("results.csv", "date,metric,value\n2027-01-11,reach,16000\n2027-01-11,response-rate,80\n")
        let r = try ex.run(["metrics", "import", "results.csv"] + Self.now)
        #expect(r.status == 65)
        #expect(r.stderr.contains("results.csv:3:metric"), "\(r.stderr)")
        #expect(r.stderr.contains("response-rate computes itself from the inbox"), "\(r.stderr)")
        #expect(try readings(ex).isEmpty)
    }

    @Test func theListShowsComputedReadings() throws {
        let ex = try withItems()
        let list = try readings(ex, ["response-rate"])
        // Both items were due on the 11th (business hours from 08:00) and neither was answered.
        #expect(list.map { $0["date"] as? String } == ["2027-01-11", "2027-01-12"] || list.map { $0["date"] as? String } == ["2027-01-11"], "\(list)")
        #expect(list.first?["value"] as? Double == 0)
        #expect(list.allSatisfy { $0["source"] as? String == "computed" })
        let table = try ex.run(["metrics", "list", "response-rate"] + Self.now)
        #expect(table.stdout.contains("2027-01-11  response-rate  0%"), "\(table.stdout)")
    }

    @Test func theReportHasAListeningSectionWithEveryTextEscaped() throws {
        let ex = try withItems()
        let html = try ex.run(["report", "2027-Q1", "--format", "html"] + Self.now)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("<h2>Listening</h2>"))
        #expect(html.stdout.contains("Overdue now: 2"))
        #expect(html.stdout.contains("Cold coffee &lt;script&gt;alert(1)&lt;/script&gt;␇ terrible"), "\(html.stdout)")
        #expect(!html.stdout.contains("<script>alert"))
        #expect(!html.stdout.contains("\u{7}"))
        let md = try ex.run(["report", "2027-Q1", "--format", "md"] + Self.now)
        #expect(md.stdout.contains("## Listening"))
        #expect(md.stdout.contains("| 2027-01-11 | 2 |"), "\(md.stdout)")
        #expect(md.stdout.contains("Cold coffee &lt;script&gt;alert(1)&lt;/script&gt;␇ terrible"))
        #expect(!md.stdout.contains("<script>"))
        let json = try ex.run(["report", "2027-Q1", "--format", "json"] + Self.now)
        let o = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let listening = try #require(o?["listening"] as? [String: Any])
        #expect(listening["items"] as? Int == 2)
        #expect(listening["overdue_total"] as? Int == 2)
    }
}
