import Foundation
import HeraldTestSupport
import Testing

@Suite struct ExportCommandTests {
    @Test func icsToAFileAndPerOwner() throws {
        let ex = try PlannedExample()
        let all = try ex.posts()
        let run = try ex.run(["export", "2027-Q1", "--format", "ics", "-o", "q1.ics", "--now", "2026-12-01T09:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Wrote q1.ics: \(all.count) events (2027-01-01 – 2027-03-31).\n")
        let text = try #require(ex.dir.read("q1.ics"))
        #expect(text.components(separatedBy: "BEGIN:VEVENT\r\n").count - 1 == all.count)
        #expect(text.contains("DTSTAMP:20261201T090000Z\r\n"))
        for id in all.prefix(5).compactMap({ $0["id"] as? String }) { #expect(text.contains("UID:\(id)@bean-bloom-coffee.herald\r\n")) }
        // Each employee gets their own feed.
        let anna = try ex.run(["export", "2027-Q1", "--format", "ics", "--owner", "anna"])
        #expect(anna.status == 0)
        let annaCount = try ex.posts(["--owner", "anna"]).count
        #expect(anna.stdout.components(separatedBy: "BEGIN:VEVENT").count - 1 == annaCount)
        #expect(anna.stdout.contains("X-WR-CALNAME:Bean & Bloom Coffee — Anna de Vries — 2027-Q1"))
        // The format follows from the file name.
        #expect(try ex.run(["export", "-o", "again.ics"]).status == 0)
        #expect(ex.dir.read("again.ics")?.hasPrefix("BEGIN:VCALENDAR") == true)
        // Exporting over an existing file replaces it, and leaves no temporary file behind.
        #expect(try ex.run(["export", "--owner", "lena", "-o", "again.ics"]).status == 0)
        #expect(ex.dir.read("again.ics")?.contains("Lena Bakker — ") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ex.dir.path).filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test func csvForSpreadsheets() throws {
        let ex = try PlannedExample()
        let run = try ex.run(["export", "2027-02", "--format", "csv", "--channel", "facebook"])
        #expect(run.status == 0)
        let lines = run.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines[0].hasPrefix("id,date,time,weekday,channel,network,kind,step,campaign,goal,owner,status"))
        #expect(lines.count - 1 == (try ex.posts(["2027-02", "--channel", "facebook"])).count)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",2027-02-") && $0.contains(",facebook,facebook,") })
    }

    @Test func bulkUploadLayoutsTakeWrittenPostsOneFilePerChannel() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("posts.csv", """
            channel,date,time,kind,owner,body,media
            facebook,2027-01-04,08:30,engagement,anna,"Which pastry should join the winter menu? Tell us, please!",https://img.example/pastry.jpg
            instagram,2027-01-05,11:00,informational,lena,"-- our new Huila single origin --",
            facebook,2027-01-06,17:30,informational,,,
            """)
        let imported = try ex.run(["import", "posts.csv", "--now", "2026-12-01T00:00:00Z"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let many = try ex.run(["export", "2027-Q1", "--format", "buffer-csv"])
        #expect(many.status == 64)
        #expect(many.stderr.contains("Buffer takes one file per channel"))
        let one = try ex.run(["export", "2027-Q1", "--format", "buffer-csv", "--channel", "facebook"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == "Text,Image URL,Tags,Posting Time\r\n\"Which pastry should join the winter menu? Tell us, please!\",https://img.example/pastry.jpg,engagement,2027-01-04 08:30\r\n")
        #expect(one.stderr.contains("left out 1 post without a body"))
        let split = try ex.run(["export", "2027-Q1", "--format", "buffer-csv", "-o", "up.csv"])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.contains("Wrote up-facebook.csv: 1 post for Buffer (facebook)."))
        // An upload carries the text exactly: no spreadsheet formula guard (that is for --format csv only).
        #expect(ex.dir.read("up-instagram.csv")?.contains("\r\n-- our new Huila single origin --,,informational,2027-01-05 11:00") == true)
        let guarded = try ex.run(["export", "2027-Q1", "--format", "csv", "--channel", "instagram"])
        #expect(guarded.stdout.contains(",'-- our new Huila single origin --,"))
        let raw = try ex.run(["export", "2027-Q1", "--format", "buffer-csv", "--channel", "instagram", "--no-formula-guard"])
        #expect(raw.status == 64)
        #expect(raw.stderr.contains("--no-formula-guard is for --format csv"))
        let hoot = try ex.run(["export", "2027-Q1", "--format", "hootsuite-csv", "--channel", "facebook", "--date-format", "mm/dd/yyyy"])
        #expect(hoot.status == 0)
        #expect(hoot.stdout == "01/04/2027 08:30,\"Which pastry should join the winter menu? Tell us, please!\",\r\n")
    }

    @Test func htmlCalendarIsWellFormedAndEscapesHostileText() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("strategy.yaml", exampleStrategy.replacingOccurrences(of: "name: \"Bean & Bloom Coffee\"", with: "name: \"<script>alert('x')</script> & \\\"Co\\\"\""))
        #expect(try ex.run(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"]).status == 0)
        let run = try ex.run(["export", "2027-Q1", "--format", "html", "-o", "cal.html"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try #require(ex.dir.read("cal.html"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"))
        #expect(!html.contains("<script>alert"))
        let checker = WellFormedChecker()
        #expect(checker.check(html) == nil)
        #expect(checker.elements["script"] == 1)
        #expect(checker.elements["section"] == 3)
        #expect(checker.elements["li", default: 0] >= (try ex.posts()).count)
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
    }

    @Test func badInputsChangeNothing() throws {
        let ex = try PlannedExample()
        let cases: [([String], Int32, String)] = [
            (["export", "--format", "pdf"], 64, "'pdf'"),
            (["export", "2027-Q1"], 64, "say which format"),
            (["export", "--format", "csv", "--utc", "-o", "x.csv"], 64, "--utc is for --format ics"),
            (["export", "--format", "hootsuite-csv", "--date-format", "yyyy.mm.dd", "-o", "x.csv"], 64, "--date-format 'yyyy.mm.dd' is not one of"),
            (["export", "--format", "ics", "--channel", "tiktok", "-o", "x.ics"], 65, "no channel 'tiktok'"),
            (["export", "--format", "ics", "-o", "missing-folder/x.ics"], 73, "missing-folder"),
            (["export", "2027-Q9", "--format", "ics", "-o", "x.ics"], 64, "'2027-Q9' is not a period"),
        ]
        for (args, code, message) in cases {
            let run = try ex.run(args)
            #expect(run.status == code, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(args): \(run.stderr)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: ex.dir.path).filter { !$0.hasPrefix("herald.sqlite") }
        #expect(files == ["strategy.yaml"])
        // A failed export leaves an existing file as it was.
        ex.dir.write("keep.ics", "old")
        #expect(try ex.run(["export", "--format", "ics", "--owner", "zed", "-o", "keep.ics"]).status == 65)
        #expect(ex.dir.read("keep.ics") == "old")
    }
}
