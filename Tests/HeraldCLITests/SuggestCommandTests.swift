import Foundation
import GRDB
import HeraldTestSupport
import Testing

/// A small strategy (UTC, one feedback goal that informational and engagement posts both serve) with Q1 posts published
/// and their results imported, so `plan 2027-Q2 --suggest` has known answers.
final class SuggestFixture: @unchecked Sendable {
    let dir = TemporaryDirectory("herald-suggest")
    static let now = ["--now", "2027-04-02T09:00:00Z"]

    static let strategy = """
        # Suggest fixture: every comment and quote here must survive a proposal.
        brand:
          name: Test Café
        timezone: UTC
        goals:
          - id: community   # hear from customers
            title: Hear from customers
            kind: feedback
            owner: ola
            metrics:
              - id: comments
                name: Comments
                unit: comments
                baseline: 10
                target: 20
                direction: up
                deadline: 2027-06-30
                measured_by: Insights
        channels:
          - id: fb
            network: facebook
            posts_per_week: 4
            days: [mon, tue, wed, thu]
            times: ["09:00", "17:30"]   # morning and evening
            hooks: [out]
            goals: [community]
        mix:
          informational: 0.50   # what we know
          engagement: 0.30
          social-proof: 0.20
        participants:
          - id: ola
            name: Ola Nowak
            channels: [fb]
            capacity_per_week: 5
            trained: true
            rules_accepted: true
        hooks:
          - id: out
            type: outbox
            dir: outbox

        """

    var db: String { dir.file("herald.sqlite") }

    init() throws {
        dir.write("strategy.yaml", Self.strategy)
        let m = try herald(["db", "migrate"], directory: dir.path)
        precondition(m.status == 0, m.stderr)
    }

    func run(_ args: [String]) throws -> ProcessResult { try herald(args + Self.now, directory: dir.path) }

    /// Published posts on fb, one a day from 2027-01-04 on, with their reactions imported as results.
    /// - Parameter groups: (kind, local time, reactions of each post).
    func publish(_ groups: [(kind: String, time: String, reactions: [Int])]) throws {
        let q = try DatabaseQueue(path: db)
        var csv = "post_id,captured_at,reactions\n"
        var day = 0
        try q.write { db in
            for g in groups {
                for r in g.reactions {
                    let parts = g.time.split(separator: ":").map { Int($0)! }
                    // 2027-01-04T00:00:00Z is 1799020800.
                    let at = 1_799_020_800 + day * 86_400 + parts[0] * 3600 + parts[1] * 60
                    let id = "p-\(g.kind)-\(day)"
                    day += 1
                    try db.execute(sql: """
                        INSERT INTO post (id, channel, network, kind, scheduled_at, status, source, created_at, updated_at)
                        VALUES (?, 'fb', 'facebook', ?, ?, 'published', 'manual', 0, 0)
                        """, arguments: [id, g.kind, at])
                    csv += "\(id),2027-04-01T00:00:00Z,\(r)\n"
                }
            }
        }
        dir.write("results.csv", csv)
        let r = try run(["results", "import", "results.csv"])
        precondition(r.status == 0, r.stderr)
    }

    /// The clear case: engagement posts (morning) get 40–49 reactions, informational ones (evening) 10–19, and
    /// social-proof posts at noon — a time not in `times` — 100–109.
    func publishClearCase(perGroup n: Int = 10) throws {
        try publish([("engagement", "09:00", (0..<n).map { 40 + $0 }),
                     ("informational", "17:30", (0..<n).map { 10 + $0 }),
                     ("social-proof", "12:00", (0..<n).map { 100 + $0 })])
    }

    /// Rows per table: the database must not change.
    func counts() throws -> [Int] {
        try DatabaseQueue(path: db).read { db in
            try ["post", "post_result", "delivery", "share_task"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 }
        }
    }

    var strategyBytes: Data { FileManager.default.contents(atPath: dir.file("strategy.yaml"))! }
    var proposalExists: Bool { FileManager.default.fileExists(atPath: dir.file("strategy.suggested.yaml")) }
}

@Suite struct SuggestCommandTests {
    @Test func aClearWinnerGainsTheStepAndTheWeakestSlotIsSwapped() throws {
        let f = try SuggestFixture()
        try f.publishClearCase()
        let before = try f.counts()
        let r = try f.run(["plan", "2027-Q2", "--suggest"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("from the 30 posts published before 2027-04-01 (30 with results)"), "\(r.stdout)")
        #expect(r.stdout.contains("1. mix: engagement 30% → 35%, informational 50% → 45% (engagement did better for goal community)"), "\(r.stdout)")
        #expect(r.stdout.contains("evidence: goal community: engagement beats informational on engagement: median 44.5 vs 14.5"), "\(r.stdout)")
        #expect(r.stdout.contains("10 and 10 posts"))
        #expect(r.stdout.contains("2. channels.fb.times: 17:30 → 12:00"), "\(r.stdout)")
        #expect(r.stdout.contains("evidence: 12:00 beats 17:30 on engagement: median 104.5 vs 14.5"), "\(r.stdout)")
        #expect(r.stdout.contains("Wrote strategy.suggested.yaml; strategy.yaml is unchanged."), "\(r.stdout)")
        // The diff names both files and shows the changed lines.
        #expect(r.stdout.contains("--- strategy.yaml\n+++ strategy.suggested.yaml\n@@ "), "\(r.stdout)")
        #expect(r.stdout.contains("-    times: [\"09:00\", \"17:30\"]   # morning and evening\n+    times: [\"09:00\", \"12:00\"]   # morning and evening\n"), "\(r.stdout)")
        #expect(r.stdout.contains("-  informational: 0.50   # what we know\n-  engagement: 0.30\n+  informational: 0.45   # what we know\n+  engagement: 0.35\n"), "\(r.stdout)")
        // The user's file is untouched; the proposal changes exactly those lines and keeps every comment and quote.
        #expect(f.strategyBytes == Data(SuggestFixture.strategy.utf8))
        let expected = SuggestFixture.strategy
            .replacingOccurrences(of: "times: [\"09:00\", \"17:30\"]", with: "times: [\"09:00\", \"12:00\"]")
            .replacingOccurrences(of: "informational: 0.50", with: "informational: 0.45")
            .replacingOccurrences(of: "engagement: 0.30", with: "engagement: 0.35")
        #expect(f.dir.read("strategy.suggested.yaml") == expected)
        // The proposal loads as a strategy.
        let v = try herald(["validate", "strategy.suggested.yaml"], directory: f.dir.path)
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        // Nothing stored, nothing planned.
        #expect(try f.counts() == before)
    }

    @Test func jsonCarriesTheEvidenceAndAWiderStep() throws {
        let f = try SuggestFixture()
        try f.publishClearCase()
        let r = try f.run(["plan", "2027-Q2", "--suggest", "--step", "10", "--json", "-o", "next.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["written"] as? String == "next.yaml")
        #expect(json["before"] as? String == "2027-04-01")
        let s = try #require(json["suggestions"] as? [String: Any])
        #expect(s["enough_data"] as? Bool == true)
        let proposals = try #require(s["proposals"] as? [[String: Any]])
        #expect(proposals.map { $0["type"] as? String } == ["mix", "slot"])
        let mix = try #require(proposals[0]["mix"] as? [String: Any])
        #expect(mix["raise"] as? String == "engagement" && mix["raise_to"] as? Double == 0.4)
        #expect(mix["lower"] as? String == "informational" && mix["lower_to"] as? Double == 0.4)
        let ev = try #require((proposals[0]["evidence"] as? [[String: Any]])?.first)
        let better = try #require(ev["better"] as? [String: Any]), worse = try #require(ev["worse"] as? [String: Any])
        #expect(better["posts"] as? Int == 10 && better["median"] as? Double == 44.5)
        #expect(worse["posts"] as? Int == 10 && worse["median"] as? Double == 14.5)
        #expect((better["low"] as? Double ?? 0) > (worse["high"] as? Double ?? .infinity))
        // The shares still sum to 1: the proposal loads.
        let text = try #require(f.dir.read("next.yaml"))
        #expect(text.contains("informational: 0.40   # what we know\n  engagement: 0.40\n  social-proof: 0.20"), "\(text)")
        #expect(try herald(["validate", "next.yaml"], directory: f.dir.path).status == 0)
        #expect(!f.proposalExists)
        #expect(f.strategyBytes == Data(SuggestFixture.strategy.utf8))
    }

    @Test func tooLittleDataProposesNothingAndSaysWhatIsMissing() throws {
        let f = try SuggestFixture()
        try f.publishClearCase(perGroup: 5)
        let before = try f.counts()
        let r = try f.run(["plan", "2027-Q2", "--suggest"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Too little data to propose anything"), "\(r.stdout)")
        #expect(r.stdout.contains("at least 8 measured posts in each of two groups"))
        #expect(r.stdout.contains("Published posts with results, per channel: fb 15 of 15."), "\(r.stdout)")
        #expect(r.stdout.contains("Nothing proposed: no file written, and strategy.yaml is unchanged."))
        #expect(!f.proposalExists)
        #expect(f.strategyBytes == Data(SuggestFixture.strategy.utf8))
        #expect(try f.counts() == before)
        // No results at all: the same.
        let empty = try SuggestFixture()
        let e = try empty.run(["plan", "2027-Q2", "--suggest", "--json"])
        #expect(e.status == 0, "\(e.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        #expect(json["written"] == nil || json["written"] is NSNull)
        let s = try #require(json["suggestions"] as? [String: Any])
        #expect((s["proposals"] as? [Any])?.isEmpty == true)
        #expect(s["enough_data"] as? Bool == false)
        #expect(!empty.proposalExists)
    }

    @Test func differencesThatAreNoFindingMoveNothing() throws {
        let f = try SuggestFixture()
        // Same spread for both kinds, and every post at a slot already in `times`.
        try f.publish([("engagement", "09:00", Array(10..<20)), ("informational", "17:30", Array(11..<21))])
        let r = try f.run(["plan", "2027-Q2", "--suggest"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("mix: no finding between the kinds that serve a goal"), "\(r.stdout)")
        #expect(r.stdout.contains("channels.fb.times: no slot seen in the data does better"), "\(r.stdout)")
        #expect(r.stdout.contains("Nothing proposed"))
        #expect(!r.stdout.contains("Too little data"))
        #expect(!f.proposalExists)
    }

    @Test func badInputIsRefusedAndNothingIsWritten() throws {
        let f = try SuggestFixture()
        try f.publishClearCase()
        let before = try f.counts()
        let cases: [([String], Int32, String)] = [
            (["plan", "2027-Q7", "--suggest"], 64, "'2027-Q7' is not a period"),
            (["plan", "2027-Q2", "--suggest", "--step", "0"], 64, "--step 0 is out of range: give 1 to 25 percentage points"),
            (["plan", "2027-Q2", "--suggest", "--step", "30"], 64, "--step 30 is out of range"),
            (["plan", "2027-Q2", "--suggest", "--step", "nan"], 64, "--step"),
            (["plan", "2027-Q2", "--suggest", "-o", "strategy.yaml"], 64, "-o strategy.yaml is the strategy file itself; --suggest never changes it"),
            (["plan", "2027-Q2", "--suggest", "-o", "./sub/../strategy.yaml"], 64, "is the strategy file itself"),
            (["plan", "2027-Q2", "--suggest", "-o", "herald.sqlite"], 64, "-o herald.sqlite is the database"),
            (["plan", "2027-Q2", "--suggest", "-o", "sub"], 64, "-o sub is a folder"),
            (["plan", "2027-Q2", "--suggest", "--dry-run"], 64, "--suggest plans nothing"),
            (["plan", "2027-Q2", "--step", "5"], 64, "--step goes with --suggest"),
            (["plan", "2027-Q2", "--suggest", "-o", "missing/next.yaml"], 73, "the folder"),
        ]
        try FileManager.default.createDirectory(atPath: f.dir.file("sub"), withIntermediateDirectories: true)
        for (args, code, message) in cases {
            let r = try f.run(args)
            #expect(r.status == code, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(f.strategyBytes == Data(SuggestFixture.strategy.utf8), "\(args)")
            #expect(!f.proposalExists, "\(args)")
            #expect(try f.counts() == before, "\(args)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.dir.file("missing")))
    }

    @Test func aBrokenStrategyIsRefusedAndNothingIsWritten() throws {
        let dir = TemporaryDirectory("herald-suggest")
        let broken = SuggestFixture.strategy.replacingOccurrences(of: "engagement: 0.30", with: "engagement: 0.50")
        dir.write("strategy.yaml", broken)
        let r = try herald(["plan", "2027-Q2", "--suggest"], directory: dir.path)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("the shares add up to 1.200"), "\(r.stderr)")
        #expect(dir.read("strategy.yaml") == broken)
        #expect(!FileManager.default.fileExists(atPath: dir.file("strategy.suggested.yaml")))
    }

    @Test func helpDescribesTheFlags() throws {
        let r = try herald(["plan", "--help"])
        #expect(r.status == 0)
        for flag in ["--suggest", "--step <points>", "-o, --output <file>", "--json", "herald plan 2027-Q2 --suggest", "strategy.suggested.yaml"] {
            #expect(r.stdout.contains(flag), "\(flag): \(r.stdout)")
        }
    }
}
