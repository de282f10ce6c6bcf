import Foundation
import GRDB
import HeraldTestSupport
import Testing

/// A goal metric with `source: posts.…` computes itself from the published posts' latest results.
@Suite struct GoalsFromResultsTests {
    /// The example, with `reach` computed as the month's summed reach of the posts published in it.
    func example() throws -> PublishedExample {
        let f = try PublishedExample()
        let yaml = exampleStrategy.replacingOccurrences(
            of: "measured_by: \"Meta Business Suite: accounts reached per month, Facebook + Instagram\"",
            with: "source: {from: posts.reach, aggregation: sum, period: month}")
        precondition(yaml != exampleStrategy)
        f.ex.dir.write("strategy.yaml", yaml)
        let ids = f.posts.prefix(4).map(\.id)
        try f.publish(ids)
        // They went out at their scheduled times.
        try DatabaseQueue(path: f.db).write { db in
            try db.execute(sql: "UPDATE delivery SET published_at = (SELECT scheduled_at FROM post WHERE post.id = delivery.post_id)")
        }
        // Two snapshots of the first post: only the latest (900) counts.
        f.ex.dir.write("r.csv", """
            post_id,captured_at,reach
            \(ids[0]),2027-01-20T10:00:00Z,500
            \(ids[0]),2027-02-01T10:00:00Z,900
            \(ids[1]),2027-02-01T10:00:00Z,800
            \(ids[2]),2027-02-01T10:00:00Z,700
            \(ids[3]),2027-02-01T10:00:00Z,600
            """)
        let r = try f.run(["results", "import", "r.csv"])
        precondition(r.status == 0, r.stderr)
        return f
    }

    func readings(_ f: PublishedExample) throws -> [[String: Any]] {
        let r = try f.run(["metrics", "list", "reach", "--json"])
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func theMonthsReachIsTheSumOfItsPostsLatestReach() throws {
        let f = try example()
        let list = try readings(f)
        #expect(list.count == 1, "\(list)")
        #expect(list.first?["date"] as? String == "2027-01-31")
        #expect(list.first?["value"] as? Double == 3000)
        #expect(list.first?["source"] as? String == "computed")
        // The report's goal uses it like a recorded reading.
        let json = try f.run(["report", "2027-Q1", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let metrics = ((o?["goals"] as? [[String: Any]]) ?? []).flatMap { ($0["metrics"] as? [[String: Any]]) ?? [] }
        let reach = try #require(metrics.first { $0["id"] as? String == "reach" })
        #expect((reach["latest"] as? [String: Any])?["value"] as? Double == 3000)
        #expect((reach["measured_by"] as? String)?.contains("posts.reach (sum per month)") == true)
    }

    @Test func recordingOrImportingItIsRefusedAndNothingChanges() throws {
        let f = try example()
        let r = try f.run(["metrics", "record", "reach", "16000", "--date", "2027-02-01"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("reach computes itself from the published posts' results (source: posts.reach (sum per month)); there is nothing to record."), "\(r.stderr)")
        f.ex.dir.write("m.csv", "date,metric,value\n2027-02-01,reach,16000\n")
        let i = try f.run(["metrics", "import", "m.csv"])
        #expect(i.status == 65)
        #expect(i.stderr.contains("m.csv:2:metric"), "\(i.stderr)")
        #expect(try readings(f).map { $0["value"] as? Double } == [3000])
    }
}
