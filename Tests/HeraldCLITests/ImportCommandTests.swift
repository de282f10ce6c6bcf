import Foundation
import HeraldTestSupport
import Testing

@Suite struct ImportCommandTests {
    static let now = ["--now", "2026-12-01T00:00:00Z"]

    /// The fields a round trip must keep.
    func calendarFields(_ posts: [[String: Any]]) -> [String] {
        posts.map { p in
            ["id", "channel", "kind", "step", "campaign", "goal", "owner", "topic", "body", "scheduled_at"]
                .map { "\(p[$0] ?? "nil")" }.joined(separator: "|")
        }
    }

    @Test func exportThenImportIntoAnEmptyDatabaseGivesTheSamePosts() throws {
        let ex = try PlannedExample()
        #expect(try ex.run(["export", "2027-Q1", "--format", "csv", "-o", "q1.csv"]).status == 0)
        let original = try ex.posts()
        let run = try ex.run(["import", "q1.csv", "--db", "copy.sqlite"] + Self.now)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Imported \(original.count) posts from q1.csv.\n")
        let copy = try ex.posts(["--db", "copy.sqlite"])
        #expect(calendarFields(copy) == calendarFields(original))
        #expect(copy.allSatisfy { $0["source"] as? String == "import" && $0["locked"] as? Bool == true && $0["status"] as? String == "planned" })
        // Again: nothing new.
        let again = try ex.run(["import", "q1.csv", "--db", "copy.sqlite"] + Self.now)
        #expect(again.status == 0)
        #expect(again.stdout == "Imported 0 posts from q1.csv; \(original.count) already there, unchanged.\n")
        #expect(try ex.posts(["--db", "copy.sqlite"]).count == original.count)
    }

    @Test func formulasAndMultibyteTextSurviveTheRoundTrip() throws {
        let ex = try PlannedExample(plan: false)
        let body = "=SUM(A1:A9) or @anna — Zażółć gęślą jaźń, \"quoted\"\nsecond line ☕️"
        ex.dir.write("in.csv", "channel,date,time,kind,body\r\nfacebook,2027-01-04,08:30,engagement,\"\(body.replacingOccurrences(of: "\"", with: "\"\""))\"\r\n")
        #expect(try ex.run(["import", "in.csv"] + Self.now).status == 0)
        let exported = try ex.run(["export", "2027-Q1", "--format", "csv", "-o", "out.csv"])
        #expect(exported.status == 0)
        #expect(ex.dir.read("out.csv")?.contains(",\"'=SUM(A1:A9) or @anna") == true)
        #expect(try ex.run(["import", "out.csv", "--db", "b.sqlite"] + Self.now).status == 0)
        let posts = try ex.posts(["--db", "b.sqlite"])
        #expect(posts.map { $0["body"] as? String } == [body])
        #expect(posts.first?["status"] as? String == "drafted")
    }

    @Test func everyProblemIsListedWithRowAndColumnAndNothingIsWritten() throws {
        let ex = try PlannedExample()
        let before = try ex.posts()
        ex.dir.write("bad.csv", """
            channel,date,time,kind,campaign,step,owner,goal,body
            facebok,2027-02-30,8:3,informational,,,,,
            facebook,2027-01-11,08:30,contest,latte-art,launch,tom,awareness,
            mastodon,2027-01-05,12:00,discount,spring-blend,launch,,,
            instagram,2027-01-01,11:00,engagement,,,anna,,
            instagram,2027-02-02,11:00,engagement,,,,nope,"\(String(repeating: "x", count: 2201))"
            """)
        let run = try ex.run(["import", "bad.csv"] + Self.now)
        #expect(run.status == 65)
        let expected = [
            "bad.csv:2:channel: no channel 'facebok' in the strategy. Did you mean 'facebook'?",
            "bad.csv:2:date: '2027-02-30' is not a date like 2027-02-03.",
            "bad.csv:2:time: '8:3' is not a time like 08:30",
            "bad.csv:3:step: a contest has the steps announce, reminder, last-call, winners, not launch.",
            "bad.csv:4:campaign: campaign 'spring-blend' does not run on mastodon",
            "bad.csv:5:time: 2027-01-01 is a blackout day (New Year's Day): no posts that day.",
            "bad.csv:6:goal: no goal 'nope' in the strategy.",
            "bad.csv:6:body: 2201 characters; instagram takes at most 2200.",
            "nothing was imported",
        ]
        for line in expected { #expect(run.stderr.contains(line), "missing: \(line)\n\(run.stderr)") }
        #expect(try ex.posts().count == before.count)
    }

    @Test func rulesAreCheckedAgainstStoredPostsAndEarlierRows() throws {
        let ex = try PlannedExample(plan: false)
        // facebook posts 3 a week: the fourth row of one week breaks the cadence; tom is not trained.
        ex.dir.write("week.csv", """
            channel,date,time,kind,owner
            facebook,2027-01-11,08:30,informational,
            facebook,2027-01-13,08:30,engagement,
            facebook,2027-01-15,08:30,social-proof,
            facebook,2027-01-15,17:30,informational,
            instagram,2027-01-12,11:00,informational,tom
            """)
        let run = try ex.run(["import", "week.csv"] + Self.now)
        #expect(run.status == 65)
        #expect(run.stderr.contains("week.csv:5:time: facebook already has 3 posts in the week of 2027-01-11; its cadence is 3 a week."))
        #expect(run.stderr.contains("week.csv:6:owner: Tom Jansen is not trained yet."))
        #expect(try ex.posts().isEmpty)
        // --skip-invalid imports the rest and lists what it left out.
        let skip = try ex.run(["import", "week.csv", "--skip-invalid"] + Self.now)
        #expect(skip.status == 0)
        #expect(skip.stdout.contains("Imported 3 posts from week.csv."))
        #expect(skip.stderr.contains("Skipped 2 invalid rows:"))
        #expect(try ex.posts().count == 3)
        // --force skips the plan's rules but never unknown ids or bad dates.
        let forced = try ex.run(["import", "week.csv", "--force"] + Self.now)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try ex.posts().count == 5)
    }

    @Test func bufferLayoutNeedsAChannelAndRoundTrips() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("buffer.csv", "Text,Image URL,Tags,Posting Time\r\nWin a barista class!,,\"contest,latte-art,announce\",2027-02-01 08:30\r\n")
        let noChannel = try ex.run(["import", "buffer.csv"] + Self.now)
        #expect(noChannel.status == 65)
        #expect(noChannel.stderr.contains("buffer.csv:1:-: a Buffer file has no channel column: say which channel it is for with --channel"))
        let ok = try ex.run(["import", "buffer.csv", "--channel", "facebook"] + Self.now)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Imported 1 post from buffer.csv (Buffer layout)."))
        let post = try #require(try ex.posts().first)
        #expect(post["kind"] as? String == "contest")
        #expect(post["campaign"] as? String == "latte-art")
        #expect(post["step"] as? String == "announce")
        #expect(post["goal"] as? String == "community")
        #expect(post["local_time"] as? String == "2027-02-01T08:30:00+01:00")
        let back = try ex.run(["export", "2027-Q1", "--format", "buffer-csv", "--channel", "facebook"])
        #expect(back.stdout == ex.dir.read("buffer.csv"))
        #expect(try ex.run(["import", "buffer.csv", "--channel", "facebook"] + Self.now).stdout.contains("1 already there"))
    }

    @Test func unreadableAndMalformedFiles() throws {
        let ex = try PlannedExample(plan: false)
        let missing = try ex.run(["import", "nope.csv"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.csv: cannot read the file (no such file)"))
        ex.dir.write("broken.csv", "channel,date,time\nfacebook,\"2027-01-04,08:30\n")
        let broken = try ex.run(["import", "broken.csv"])
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("broken.csv:2:-: a quoted field is never closed"))
        ex.dir.write("cols.csv", "chanel,date,time\nfacebook,2027-01-04,08:30\n")
        let cols = try ex.run(["import", "cols.csv"])
        #expect(cols.status == 65)
        #expect(cols.stderr.contains("cols.csv:1:chanel: unknown column 'chanel'. Did you mean 'channel'?"))
        let dry = try ex.run(["import", "cols.csv", "--dry-run"])
        #expect(dry.status == 65)
        #expect(try ex.posts().isEmpty)
    }
}
