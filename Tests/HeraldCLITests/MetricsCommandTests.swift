import Foundation
import HeraldTestSupport
import Testing

@Suite struct MetricsCommandTests {
    static let now = ["--now", "2027-04-02T09:00:00Z"]

    func readings(_ ex: PlannedExample, _ extra: [String] = []) throws -> [[String: Any]] {
        let r = try ex.run(["metrics", "list", "--json"] + extra)
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func recordReplaceAndList() throws {
        let ex = try PlannedExample(plan: false)
        let a = try ex.run(["metrics", "record", "response-time", "6.5", "--date", "2027-01-31"] + Self.now)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == "Recorded response-time = 6.5 hours on 2027-01-31 (target 2 hours by 2027-02-28).\n")
        let b = try ex.run(["metrics", "record", "response-time", "5", "--date", "2027-01-31"] + Self.now)
        #expect(b.stdout.hasPrefix("Replaced response-time = 5 hours"))
        #expect(try ex.run(["metrics", "record", "reach", "9200", "--date", "2027-01-31", "--channel", "facebook"] + Self.now).status == 0)
        #expect(try ex.run(["metrics", "record", "engagement-rate", "2.6%", "--date", "2027-02-01"] + Self.now).status == 0)
        let list = try readings(ex)
        #expect(list.count == 3)
        #expect(list.first { $0["metric"] as? String == "response-time" }?["value"] as? Double == 5)
        #expect(list.first { $0["metric"] as? String == "reach" }?["channel"] as? String == "facebook")
        #expect(list.first { $0["metric"] as? String == "engagement-rate" }?["source"] as? String == "manual")
        let table = try ex.run(["metrics", "list", "reach"])
        #expect(table.stdout.contains("2027-01-31  reach   9200 people  facebook  manual"))
    }

    /// NPS and net follower changes go below zero: a negative value is taken as it is, before or after the options,
    /// with a percent sign, or after `--` as before.
    @Test func negativeValuesAreTakenAsWritten() throws {
        let ex = try PlannedExample(plan: false)
        let cases: [([String], String, Double)] = [
            (["metrics", "record", "nps", "-5", "--date", "2027-01-30"], "2027-01-30", -5),
            (["metrics", "record", "--date", "2027-01-31", "nps", "-2.5"], "2027-01-31", -2.5),
            (["metrics", "record", "nps", "--date", "2027-02-01", "-12%"], "2027-02-01", -12),
            (["metrics", "record", "nps", "--date", "2027-02-02", "--", "-7"], "2027-02-02", -7),
            (["metrics", "record", "-s", "strategy.yaml", "nps", "-1", "--date=2027-02-03"], "2027-02-03", -1),
        ]
        for (args, _, _) in cases {
            let r = try ex.run(Array(args.prefix(2)) + Self.now + args.dropFirst(2))
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let list = try readings(ex, ["nps"])
        for (_, date, value) in cases {
            #expect(list.first { $0["date"] as? String == date }?["value"] as? Double == value, "\(date)")
        }
        // Not a number is still refused, and nothing more is stored.
        let bad = try ex.run(["metrics", "record", "nps", "-x5", "--date", "2027-02-04"] + Self.now)
        #expect(bad.status == 64)
        #expect(try readings(ex, ["nps"]).count == cases.count)
    }

    @Test func badReadingsAreRefusedAndNothingIsStored() throws {
        let ex = try PlannedExample(plan: false)
        let cases: [([String], Int32, String)] = [
            (["metrics", "record", "respnse-time", "3", "--date", "2027-01-31"], 65, "no metric 'respnse-time' in the strategy. Did you mean 'response-time'? Known: reach, new-followers"),
            (["metrics", "record", "happiness", "36", "--date", "2027-02-01"], 65, "no metric 'happiness' in the strategy."),
            (["metrics", "record", "reach", "lots", "--date", "2027-01-31"], 64, "'lots' is not a number"),
            (["metrics", "record", "reach", "3", "--date", "31/01/2027"], 64, "--date '31/01/2027' is not a date"),
            (["metrics", "record", "reach", "3", "--date", "2027-01-31", "--channel", "tiktok"], 65, "no channel 'tiktok'"),
            (["metrics", "record", "reach", "3", "--date", "2027-06-01"], 65, "2027-06-01 is in the future"),
        ]
        for (args, code, message) in cases {
            let run = try ex.run(args + Self.now)
            #expect(run.status == code, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(args): \(run.stderr)")
        }
        #expect(try readings(ex).isEmpty)
    }

    @Test func importIsAllOrNothingAndRepeatable() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("results.csv", """
            date,metric,value,channel
            2027-01-31,reach,13500,
            2027-02-28,reach,16000,
            2027-01-31,reach,7000,instagram
            2027-02-28,response-time,4,
            """)
        let run = try ex.run(["metrics", "import", "results.csv"] + Self.now)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Imported 4 readings of 2 metrics from results.csv: 4 new, 0 replaced.\n")
        let again = try ex.run(["metrics", "import", "results.csv"] + Self.now)
        #expect(again.stdout == "Imported 4 readings of 2 metrics from results.csv: 0 new, 4 replaced.\n")
        #expect(try readings(ex).count == 4)
        #expect(try readings(ex).allSatisfy { $0["source"] as? String == "import" })

        ex.dir.write("bad.csv", """
            metric,date,value
            reach,2027-03-31,17000
            rech,2027-03-31,1
            happiness,2027-13-01,x
            reach,2027-03-31,18000
            """)
        let bad = try ex.run(["metrics", "import", "bad.csv"] + Self.now)
        #expect(bad.status == 65)
        for line in ["bad.csv:3:metric: no metric 'rech' in the strategy. Did you mean 'reach'?",
                     "bad.csv:4:date: '2027-13-01' is not a date like 2027-02-01.",
                     "bad.csv:4:metric: no metric 'happiness'", "bad.csv:4:value: 'x' is not a number",
                     "bad.csv:5:date: row 2 already gives reach on 2027-03-31; keep one.",
                     "bad.csv: 5 problems in 3 of 4 rows; nothing was imported."] {
            #expect(bad.stderr.contains(line), "missing \(line)\n\(bad.stderr)")
        }
        #expect(try readings(ex).count == 4)
        ex.dir.write("cols.csv", "day,metric,value\n2027-01-31,reach,1\n")
        let cols = try ex.run(["metrics", "import", "cols.csv"] + Self.now)
        #expect(cols.status == 65)
        #expect(cols.stderr.contains("cols.csv:1:day: unknown column 'day'."))
        #expect(cols.stderr.contains("cols.csv:1:date: no 'date' column"))
        #expect(try ex.run(["metrics", "import", "missing.csv"]).status == 66)
        #expect(try readings(ex).count == 4)
    }
}
