import Foundation
import GRDB
import HeraldTestSupport
import Testing

/// The planned example with some of its posts published (as the publisher leaves them: the post `published`, a
/// published delivery with the receiver's answered id and url).
final class PublishedExample: @unchecked Sendable {
    let ex = try! PlannedExample()
    static let now = ["--now", "2027-04-02T09:00:00Z"]
    /// The example's posts in time order: ids and networks.
    let posts: [(id: String, network: String, kind: String)]

    init() throws {
        posts = try ex.posts().map { ($0["id"] as! String, $0["network"] as! String, $0["kind"] as! String) }
    }

    var db: String { ex.dir.file("herald.sqlite") }

    func publish(_ ids: [String]) throws {
        let q = try DatabaseQueue(path: db)
        try q.write { db in
            for (i, id) in ids.enumerated() {
                try db.execute(sql: "UPDATE post SET status = 'published' WHERE id = ?", arguments: [id])
                try db.execute(sql: """
                    INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                          remote_url, remote_id, published_at, created_at, updated_at)
                    VALUES (?, ?, 'social-api', 1, 'published', 0, 0, 0, 1, 5, ?, ?, 0, 0, 0)
                    """, arguments: ["dlv_\(i)", id, "https://net.example/posts/\(i)", "net-\(i)"])
            }
        }
    }

    func snapshots() throws -> Int {
        try DatabaseQueue(path: db).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM post_result") ?? 0 }
    }

    func run(_ args: [String]) throws -> ProcessResult { try ex.run(args + Self.now) }
}

@Suite struct ResultsCommandTests {
    @Test func matchesByEachKeyAndReimportChangesNothing() throws {
        let f = try PublishedExample()
        let ids = f.posts.prefix(4).map(\.id)
        try f.publish(ids)
        f.ex.dir.write("r.csv", """
            post_id,delivery_id,network_id,url,captured_at,reach,impressions,comments
            \(ids[0]),,,,2027-02-01T10:00:00Z,900,1500,4
            ,dlv_1,,,2027-02-01T10:00:00Z,800,,
            ,,net-2,,2027-02-01T10:00:00Z,700,,1
            ,,,https://net.example/posts/3/,2027-02-01T10:00:00Z,600,,0
            """)
        let a = try f.run(["results", "import", "r.csv"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == "Imported 4 snapshots of 4 posts from r.csv: 4 new, 0 already there.\n")
        #expect(try f.snapshots() == 4)
        let b = try f.run(["results", "import", "r.csv"])
        #expect(b.status == 0)
        #expect(b.stdout.contains("0 new, 4 already there"))
        #expect(try f.snapshots() == 4)
        // A later snapshot of the same post is another row: counts grow.
        f.ex.dir.write("later.csv", "post_id,captured_at,reach\n\(ids[0]),2027-02-03T10:00:00Z,1200\n")
        #expect(try f.run(["results", "import", "later.csv"]).status == 0)
        #expect(try f.snapshots() == 5)
    }

    @Test func aConflictingSnapshotIsRefusedAndNothingChanges() throws {
        let f = try PublishedExample()
        let ids = f.posts.prefix(2).map(\.id)
        try f.publish(ids)
        f.ex.dir.write("r.csv", "post_id,captured_at,reach\n\(ids[0]),2027-02-01T10:00:00Z,900\n")
        #expect(try f.run(["results", "import", "r.csv"]).status == 0)
        f.ex.dir.write("c.csv", "post_id,captured_at,reach\n\(ids[1]),2027-02-01T10:00:00Z,50\n\(ids[0]),2027-02-01T10:00:00Z,950\n")
        let r = try f.run(["results", "import", "c.csv"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("c.csv:3:captured_at: post \(ids[0]) already has a snapshot at 2027-02-01T10:00:00Z with other counts (reach 900 stored, 950 here)"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was imported"))
        #expect(try f.snapshots() == 1)
        // The same row twice in one file.
        f.ex.dir.write("d.csv", "post_id,captured_at,reach\n\(ids[1]),2027-02-01T10:00:00Z,50\n\(ids[1]),2027-02-01T10:00:00Z,50\n")
        let d = try f.run(["results", "import", "d.csv"])
        #expect(d.status == 65)
        #expect(d.stderr.contains("d.csv:3:captured_at: row 2 already gives post \(ids[1])"))
        #expect(try f.snapshots() == 1)
    }

    /// The file is streamed and stored block by block in one transaction: a bad row near the end still leaves
    /// nothing stored, and is reported with its row and column.
    @Test func aBadRowLateInABigFileStoresNothing() throws {
        let f = try PublishedExample()
        let ids = f.posts.prefix(4).map(\.id)
        try f.publish(ids)
        let start = Date(iso: "2027-02-01T00:00:00Z")!
        var lines = ["post_id,captured_at,reach,impressions"]
        for k in 0..<5_000 {
            let at = start.addingTimeInterval(Double(k) * 60).isoUTC
            for id in ids { lines.append("\(id),\(at),\(100 + k),\(1000 + k)") }
        }
        var bad = lines
        bad[19_989] = bad[19_989].replacingOccurrences(of: ",\(100 + 4_997),", with: ",-1,")
        bad[19_995] = bad[19_994]
        f.ex.dir.write("big.csv", bad.joined(separator: "\n") + "\n")
        let r = try f.run(["results", "import", "big.csv"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("big.csv:19990:reach: -1 is negative"), "\(r.stderr.suffix(600))")
        #expect(r.stderr.contains("big.csv:19996:captured_at: row 19995 already gives post \(ids[1])"), "\(r.stderr.suffix(600))")
        #expect(r.stderr.contains("big.csv: 2 problems in 2 of 20000 rows; nothing was imported."))
        #expect(try f.snapshots() == 0)
        f.ex.dir.write("big.csv", lines.joined(separator: "\n") + "\n")
        let ok = try f.run(["results", "import", "big.csv"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "Imported 20000 snapshots of 4 posts from big.csv: 20000 new, 0 already there.\n")
        #expect(try f.snapshots() == 20_000)
    }

    @Test func crlfQuotedFieldsAndAByteOrderMarkAreRead() throws {
        let f = try PublishedExample()
        let ids = f.posts.prefix(2).map(\.id)
        try f.publish(ids)
        f.ex.dir.write("q.csv", "\u{FEFF}\"post_id\",\"captured_at\",\"reach\",\"url\"\r\n"
                       + "\"\(ids[0])\",\"2027-02-01T10:00:00Z\",\"1200\",\r\n"
                       + ",2027-02-01T10:00:00Z,\" 700 \",\"https://net.example/posts/1\"\r\n")
        let r = try f.run(["results", "import", "q.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Imported 2 snapshots of 2 posts from q.csv: 2 new, 0 already there.\n")
        let reach = try DatabaseQueue(path: f.db).read { db in try Int.fetchAll(db, sql: "SELECT reach FROM post_result ORDER BY reach") }
        #expect(reach == [700, 1200])
        // A quote in the middle of a field is a CSV mistake, reported with its row; nothing is stored.
        f.ex.dir.write("broken.csv", "post_id,captured_at,reach\r\n\(ids[0]),2027-02-02T10:00:00Z,1\r\n\(ids[1]),2027-02-02T10:00:00Z,1\"2\r\n")
        let broken = try f.run(["results", "import", "broken.csv"])
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("broken.csv:3:-: a quote inside an unquoted field"), "\(broken.stderr)")
        #expect(try f.snapshots() == 2)
    }

    @Test func aDryRunChecksAgainstStoredSnapshotsAndStoresNothing() throws {
        let f = try PublishedExample()
        let ids = f.posts.prefix(2).map(\.id)
        try f.publish(ids)
        f.ex.dir.write("r.csv", "post_id,captured_at,reach\n\(ids[0]),2027-02-01T10:00:00Z,900\n")
        #expect(try f.run(["results", "import", "r.csv"]).status == 0)
        f.ex.dir.write("c.csv", "post_id,captured_at,reach\n\(ids[1]),2027-02-01T10:00:00Z,50\n\(ids[0]),2027-02-01T10:00:00Z,900\n")
        let dry = try f.run(["results", "import", "c.csv", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Would import 2 snapshots of 2 posts from c.csv: 1 new, 1 already there."), "\(dry.stdout)")
        #expect(try f.snapshots() == 1)
        f.ex.dir.write("x.csv", "post_id,captured_at,reach\n\(ids[0]),2027-02-01T10:00:00Z,950\n")
        let conflict = try f.run(["results", "import", "x.csv", "--dry-run"])
        #expect(conflict.status == 65)
        #expect(conflict.stderr.contains("x.csv:2:captured_at: post \(ids[0]) already has a snapshot"), "\(conflict.stderr)")
        #expect(try f.snapshots() == 1)
    }

    @Test func unmatchedRowsAreReportedNotGuessed() throws {
        let f = try PublishedExample()
        try f.publish([f.posts[0].id])
        f.ex.dir.write("r.csv", "post_id,captured_at,reach\np-nothere,2027-02-01T10:00:00Z,10\n\(f.posts[0].id),2027-02-01T10:00:00Z,900\n")
        let r = try f.run(["results", "import", "r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("r.csv:2:post_id: post_id 'p-nothere' matches no Herald post"))
        #expect(r.stdout.contains("1 row named no Herald post and was left out"))
        #expect(try f.snapshots() == 1)
        f.ex.dir.write("none.csv", "url,captured_at,reach\nhttps://elsewhere.example/1,2027-02-01T10:00:00Z,10\n")
        let n = try f.run(["results", "import", "none.csv"])
        #expect(n.status == 65)
        #expect(n.stderr.contains("no row names a Herald post"))
        #expect(try f.snapshots() == 1)
    }

    @Test func badInputIsRefusedWithItsPlaceAndNothingIsStored() throws {
        let f = try PublishedExample()
        let published = f.posts[0].id, planned = f.posts[1].id
        try f.publish([published])
        let cases: [(String, [String], Int32, String)] = [
            ("a.csv", ["--layout", "tiktok"], 64, "--layout"),
            ("a.csv", ["--layout", "meta"], 64, "could not be confirmed from public documentation"),
            ("a.csv", ["--layout", "linkedin"], 64, "could not be confirmed from public documentation"),
            ("missing.csv", [], 66, "missing.csv: cannot read the file (no such file)"),
            ("nokey.csv", [], 65, "nokey.csv:1:post_id: no column names the post"),
            ("neg.csv", [], 65, "neg.csv:2:reach: -5 is negative"),
            ("nan.csv", [], 65, "nan.csv:2:reach: 'NaN' is not a finite number"),
            ("unpublished.csv", [], 65, "unpublished.csv:3:post_id: post \(planned) is not published (it is planned)"),
            ("future.csv", [], 65, "future.csv:2:captured_at: 2027-05-01T00:00:00Z is in the future"),
        ]
        f.ex.dir.write("a.csv", "post_id,captured_at,reach\n\(published),2027-02-01T10:00:00Z,1\n")
        f.ex.dir.write("nokey.csv", "captured_at,reach\n2027-02-01T10:00:00Z,1\n")
        f.ex.dir.write("neg.csv", "post_id,captured_at,reach\n\(published),2027-02-01T10:00:00Z,-5\n")
        f.ex.dir.write("nan.csv", "post_id,captured_at,reach\n\(published),2027-02-01T10:00:00Z,NaN\n")
        f.ex.dir.write("unpublished.csv", "post_id,captured_at,reach\n\(published),2027-02-01T10:00:00Z,5\n\(planned),2027-02-01T10:00:00Z,5\n")
        f.ex.dir.write("future.csv", "post_id,captured_at,reach\n\(published),2027-05-01T00:00:00Z,5\n")
        for (file, extra, code, message) in cases {
            let r = try f.run(["results", "import", file] + extra)
            #expect(r.status == code, "\(file) \(extra): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(file) \(extra): \(r.stderr)")
            #expect(try f.snapshots() == 0)
        }
    }

    @Test func mastodonStatusesMatchByTheNetworkID() throws {
        let f = try PublishedExample()
        let masto = try #require(f.posts.first { $0.network == "mastodon" })
        try f.publish([masto.id])
        f.ex.dir.write("m.csv", "id,url,created_at,favourites_count,reblogs_count,replies_count\nnet-0,https://net.example/posts/0,2027-01-04T09:00:00Z,12,3,4\n")
        let r = try f.run(["results", "import", "m.csv", "--layout", "mastodon", "--captured-at", "2027-02-01T10:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try f.snapshots() == 1)
        let show = try f.ex.run(["results", "2027-Q1", "--by", "channel", "--metric", "reactions", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.first { $0["posts"] as? Int == 1 }?["median"] as? Double == 12)
    }

    @Test func rollupByKindCountsPostsAndInboxSentiment() throws {
        let f = try PublishedExample()
        let chosen = Array(f.posts.prefix(6))
        try f.publish(chosen.map(\.id))
        var csv = "post_id,captured_at,reach,impressions,reactions\n"
        for (i, p) in chosen.enumerated() { csv += "\(p.id),2027-02-01T10:00:00Z,\(100 * (i + 1)),\(1000),\(10 * (i + 1))\n" }
        f.ex.dir.write("r.csv", csv)
        #expect(try f.run(["results", "import", "r.csv"]).status == 0)
        let first = chosen[0]
        f.ex.dir.write("m.jsonl", """
            {"network":"\(first.network)","kind":"comment","id":"c-1","author":{"handle":"@kasia"},"text":"Absolutely love this, wonderful latte!","created_at":"2027-01-09T11:30:00Z","in_reply_to":"\(first.id)","language":"en"}

            """)
        let inbox = try f.run(["inbox", "import", "m.jsonl"])
        #expect(inbox.status == 0, "\(inbox.stderr)")
        let show = try f.ex.run(["results", "2027-Q1", "--by", "kind", "--metric", "engagement_rate", "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(json["measured"] as? Int == 6)
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.reduce(0) { $0 + ($1["posts"] as? Int ?? 0) } == 6)
        let sentiments = groups.compactMap { $0["sentiment"] as? [String: Int] }
        #expect(sentiments.reduce(0) { $0 + $1.values.reduce(0, +) } == 1)
        #expect(groups.allSatisfy { $0["enough"] as? Bool == false })
        let text = try f.ex.run(["results", "2027-Q1", "--by", "kind"])
        let report = try f.ex.run(["report", "2027-Q1", "--format", "md"])
        #expect(report.stdout.contains("## What worked"))
        #expect(report.stdout.contains("6 of 6 published posts measured; compared on **engagement_rate**"))
        #expect(report.stdout.contains("### Promotion vs information"))
        let html = try f.ex.run(["report", "2027-Q1", "--format", "html"])
        #expect(html.stdout.contains("<section class=\"part\" id=\"what-worked\">"))
        let reportJSON = try JSONSerialization.jsonObject(with: Data(try f.ex.run(["report", "2027-Q1", "--format", "json"]).stdout.utf8)) as? [String: Any]
        let worked = reportJSON?["what_worked"] as? [String: Any]
        #expect(worked?["measured"] as? Int == 6)
        #expect(text.stdout.contains("Fewer than 8 measured posts, so not a finding either way"))
        #expect(text.stdout.contains("reach by kind, 2027-01-01 – 2027-03-31: 6 of 6 published posts measured."))
    }
}
