import Foundation
import GRDB
import HeraldTestSupport
import Testing

/// Posts that went out outside Herald (`herald post published`, `results import --published`), and the README's
/// "See what worked on the example" sequence.
@Suite struct PublishedElsewhereTests {
    static let now = ["--now", "2027-04-02T09:00:00Z"]

    func status(_ ex: PlannedExample, _ id: String) throws -> String? {
        try DatabaseQueue(path: ex.dir.file("herald.sqlite")).read { db in try String.fetchOne(db, sql: "SELECT status FROM post WHERE id = ?", arguments: [id]) }
    }

    func deliveries(_ ex: PlannedExample) throws -> Int {
        try DatabaseQueue(path: ex.dir.file("herald.sqlite")).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0 }
    }

    @Test func aPostPublishedByHandTakesResultsByItsAddress() throws {
        let ex = try PlannedExample()
        let ids = try ex.posts().map { $0["id"] as! String }
        let r = try ex.run(["post", "published", ids[0], "--at", "2027-01-04 08:40", "--url", "https://www.facebook.com/beanandbloom/posts/1"] + Self.now)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Marked \(ids[0]) published outside Herald at 2027-01-04T08:40"), "\(r.stdout)")
        #expect(try status(ex, ids[0]) == "published")
        ex.dir.write("r.csv", "url,captured_at,reach\nhttps://www.facebook.com/beanandbloom/posts/1,2027-01-10T10:00:00Z,420\n")
        let i = try ex.run(["results", "import", "r.csv"] + Self.now)
        #expect(i.status == 0, "\(i.stderr)")
        #expect(i.stdout.contains("Imported 1 snapshot of 1 post"))
        // Saying it again is refused by the lifecycle, and changes nothing.
        let again = try ex.run(["post", "published", ids[0]] + Self.now)
        #expect(again.status == 65)
        #expect(again.stderr.contains("\(ids[0]) is published; it is already published."), "\(again.stderr)")
        #expect(try deliveries(ex) == 1)
    }

    @Test func badInputIsRefusedAndNothingChanges() throws {
        let ex = try PlannedExample()
        let ids = try ex.posts().map { $0["id"] as! String }
        #expect(try ex.run(["post", "cancel", ids[1]] + Self.now).status == 0)
        let cases: [([String], Int32, String)] = [
            (["post", "published", ids[1]], 65, "\(ids[1]) is cancelled; it was cancelled, so it did not go out as this post"),
            (["post", "published", ids[0], "--at", "2027-05-01 10:00"], 65, "is after now; say a post went out once it has."),
            (["post", "published", ids[0], "--at", "soon"], 64, "--at 'soon' is not a time"),
            (["post", "published", ids[0], "--url", "facebook.com/x"], 65, "--url 'facebook.com/x' is not a web address"),
            (["post", "published", "p-nothere"], 65, "p-nothere"),
        ]
        for (args, code, message) in cases {
            let r = try ex.run(args + Self.now)
            #expect(r.status == code, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(try status(ex, ids[0]) == "planned")
        #expect(try deliveries(ex) == 0)
    }

    @Test func importWithPublishedMarksOnlyPostsWhoseTimeHasPassed() throws {
        let ex = try PlannedExample()
        let posts = try ex.posts()
        let ids = posts.map { $0["id"] as! String }
        ex.dir.write("r.csv", "post_id,captured_at,reach\n\(ids[0]),2027-02-01T10:00:00Z,100\n")
        // Without --published: refused, with the way out.
        let plain = try ex.run(["results", "import", "r.csv"] + Self.now)
        #expect(plain.status == 65)
        #expect(plain.stderr.contains("r.csv:2:post_id: post \(ids[0]) is not published (it is planned)"), "\(plain.stderr)")
        #expect(plain.stderr.contains("--published"))
        // A post still to come on the given day is refused, and nothing is stored or marked.
        ex.dir.write("late.csv", "post_id,captured_at,reach\n\(ids[0]),2027-01-20T10:00:00Z,100\n\(ids.last!),2027-01-20T10:00:00Z,5\n")
        let late = try ex.run(["results", "import", "late.csv", "--published", "--now", "2027-01-21T00:00:00Z"])
        #expect(late.status == 65)
        #expect(late.stderr.contains("late.csv:3:post_id: --published marks only posts whose time has passed"), "\(late.stderr)")
        #expect(try status(ex, ids[0]) == "planned")
        let ok = try ex.run(["results", "import", "r.csv", "--published"] + Self.now)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Marked 1 post published outside Herald (--published)."))
        #expect(try status(ex, ids[0]) == "published")
    }

    /// README, "See what worked on the example": exactly these commands.
    @Test func theReadmeSequenceShowsWhatWorkedAndCampaignSpend() throws {
        let dir = TemporaryDirectory()
        func run(_ args: [String]) throws -> ProcessResult {
            let r = try herald(args, directory: dir.path)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return r
        }
        let initRun = try run(["init"])
        #expect(initRun.stdout.contains("Wrote results-example.csv"))
        _ = try run(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"])
        let imported = try run(["results", "import", "results-example.csv", "--published", "--now", "2027-04-02T09:00:00Z"])
        #expect(imported.stdout.contains("Marked "), "\(imported.stdout)")
        let byKind = try run(["results", "2027-Q1", "--by", "kind"])
        #expect(byKind.stdout.contains("published posts measured"), "\(byKind.stdout)")
        let report = try run(["report", "2027-Q1", "--now", "2027-04-02T09:00:00Z"])
        #expect(report.stdout.contains("## What worked"))
        #expect(report.stdout.contains("published posts measured; compared on **engagement_rate**"), "\(report.stdout)")
        #expect(report.stdout.contains("## Campaign spend"))
        #expect(report.stdout.contains("| Spring Blend launch | 200.00 EUR |"), "\(report.stdout)")
        #expect(!report.stdout.contains("| Spring Blend launch | 200.00 EUR | 0 of"), "\(report.stdout)")
        _ = try run(["report", "2027-Q1", "--now", "2027-04-02T09:00:00Z", "-o", "report.html"])
        let html = try String(contentsOfFile: dir.file("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>What worked</h2>") && html.contains("<h2>Campaign spend</h2>"))
    }
}
