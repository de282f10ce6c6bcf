import Foundation
import HeraldTestSupport
import Testing

@Suite struct ReportCommandTests {
    @Test func reportNumbersMatchTheDatabase() throws {
        let ex = try PlannedExample()
        let posts = try ex.posts()
        let run = try ex.run(["report", "2027-Q1", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["posts"] as? Int == posts.count)
        let goals = try #require(json["goals"] as? [[String: Any]])
        #expect(goals.map { $0["id"] as? String } == ["awareness", "community", "sales"])
        for g in goals {
            let id = g["id"] as! String
            let mine = posts.filter { $0["goal"] as? String == id }
            #expect(g["posts"] as? Int == mine.count, "\(id)")
            for k in g["posts_by_kind"] as! [[String: Any]] {
                #expect(k["posts"] as? Int == mine.filter { $0["kind"] as? String == k["kind"] as? String }.count)
            }
        }
        for c in json["mix"] as! [[String: Any]] {
            let here = posts.filter { $0["channel"] as? String == c["channel"] as? String }
            #expect(c["posts"] as? Int == here.count)
            for k in c["kinds"] as! [[String: Any]] {
                #expect(k["planned"] as? Int == here.filter { $0["kind"] as? String == k["kind"] as? String }.count)
            }
        }
        let tasks = try JSONSerialization.jsonObject(with: Data(try ex.run(["tasks", "--owner", "lena", "--json"]).stdout.utf8)) as! [String: Any]
        let lena = (json["people"] as! [[String: Any]]).first { $0["id"] as? String == "lena" }!
        #expect(lena["shares"] as? Int == (tasks["shares"] as! [Any]).count)
        #expect(lena["posts"] as? Int == posts.filter { $0["owner"] as? String == "lena" }.count)
    }

    @Test func progressAppearsOnceReadingsComeIn() throws {
        let ex = try PlannedExample()
        let before = try ex.run(["report", "2027-Q1"])
        #expect(before.stdout.contains("**Progress:** 7 no data yet"))
        ex.dir.write("results.csv", "date,metric,value\n2027-01-31,response-time,7.5\n2027-02-14,response-time,4.5\n2027-01-31,reach,16000\n")
        #expect(try ex.run(["metrics", "import", "results.csv", "--now", "2027-02-20T00:00:00Z"]).status == 0)
        let md = try ex.run(["report", "2027-Q1", "--now", "2027-02-20T09:00:00Z"])
        #expect(md.stdout.contains("**Progress:** 2 on track · 5 no data yet"))
        #expect(md.stdout.contains("| 4.5 hours (2027-02-14) |"))
        let html = try ex.run(["report", "2027-Q1", "-o", "plan.html", "--now", "2027-02-20T09:00:00Z"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout == "Wrote plan.html: 3 goals, 7 metrics (2 on track, 5 no data yet), \(try ex.posts().count) posts.\n")
        let page = try #require(ex.dir.read("plan.html"))
        #expect(WellFormedChecker().check(page) == nil)
        #expect(page.contains("Status rule:"))
        #expect(page.contains("section.goal, section#mix { break-before: page;"))
        #expect(try ex.run(["report", "-o", "plan.json"]).status == 0)
        #expect(ex.dir.read("plan.json")?.hasPrefix("{") == true)
    }

    @Test func badInputsWriteNothing() throws {
        let ex = try PlannedExample()
        let cases: [([String], Int32, String)] = [
            (["report", "--format", "pdf"], 64, "'pdf'"),
            (["report", "2027-Q5"], 64, "'2027-Q5' is not a period"),
            (["report", "-o", "nowhere/plan.html"], 73, "nowhere"),
            (["report", "--from", "2027-03-01"], 64, "give both --from and --to"),
        ]
        for (args, code, message) in cases {
            let run = try ex.run(args)
            #expect(run.status == code, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(args): \(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: ex.dir.path).filter { !$0.hasPrefix("herald.sqlite") } == ["strategy.yaml"])
    }
}
