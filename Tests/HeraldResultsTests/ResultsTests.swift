import Foundation
import HeraldModel
import HeraldResults
import Testing

@Suite struct StatisticsTests {
    @Test func medianAndQuartilesFollowTypeSeven() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
        let q = Statistics.quartiles([1, 2, 3, 4])!
        #expect(q.q1 == 1.75 && q.q3 == 3.25)
        let q5 = Statistics.quartiles([5, 4, 3, 2, 1])!
        #expect(q5.q1 == 2 && q5.q3 == 4)
    }

    @Test func bootstrapIsSeededAndBracketsTheMedian() {
        let values = (0..<30).map { Double(($0 * 37) % 101) }
        let a = Statistics.bootstrapMedianInterval(values)!
        let b = Statistics.bootstrapMedianInterval(values)!
        #expect(a.low == b.low && a.high == b.high)
        let m = Statistics.median(values)!
        #expect(a.low <= m && m <= a.high)
        #expect(a.low < a.high)
        // Identical values: no spread, so the interval is the value itself.
        let c = Statistics.bootstrapMedianInterval([5, 5, 5, 5])!
        #expect(c.low == 5 && c.high == 5)
        #expect(Statistics.bootstrapMedianInterval([7]) == nil)
        // Another seed gives a (slightly) different, still valid interval.
        let d = Statistics.bootstrapMedianInterval(values, seed: 1)!
        #expect(d.low <= m && m <= d.high)
    }

    /// Large groups draw each resample's median from its distribution: the interval agrees with drawing and sorting
    /// every resample, up to the noise of 2,000 resamples, for an odd and an even count.
    @Test(arguments: [1_501, 1_500])
    func directDrawsAgreeWithResampling(_ n: Int) {
        var rng = SeededRandom(seed: 9)
        let values = (0..<n).map { _ in Double(rng.next() % 10_000) }
        let sorting = Statistics.bootstrapMedianInterval(values, directAbove: .max)!
        let direct = Statistics.bootstrapMedianInterval(values, directAbove: 0)!
        let width = sorting.high - sorting.low
        #expect(width > 0)
        #expect(abs(direct.low - sorting.low) <= 0.2 * width, "\(direct) vs \(sorting)")
        #expect(abs(direct.high - sorting.high) <= 0.2 * width, "\(direct) vs \(sorting)")
        let m = Statistics.median(values)!
        #expect(direct.low <= m && m <= direct.high)
    }
}

@Suite struct RollupTests {
    func outcome(_ id: Int, _ kind: ContentKind, reach: Double?, weekday: Weekday = .monday, sentiment: SentimentCount = SentimentCount()) -> PostOutcome {
        PostOutcome(id: "p-\(id)", channel: "facebook", kind: kind, campaign: nil, owner: "anna", weekday: weekday,
                    slot: LocalTime(hour: 8, minute: 30)!, latest: reach.map { ResultCounts([.reach: $0]) }, sentiment: sentiment)
    }

    @Test func aClearDifferenceOnEnoughPostsIsAFinding() {
        let posts = (0..<10).map { outcome($0, .contest, reach: 1000 + Double($0)) }
            + (0..<10).map { outcome(100 + $0, .informational, reach: 100 + Double($0)) }
        let r = Rollup(outcomes: posts, by: .kind, metric: .reach)
        #expect(r.groups.map(\.key) == ["contest", "informational"])
        #expect(r.groups[0].posts == 10 && r.groups[0].median == 1004.5)
        #expect(r.groups[1].median == 104.5)
        #expect(r.groups[0].q1 == 1002.25 && r.groups[0].q3 == 1006.75 && r.groups[0].iqr == 4.5)
        #expect(r.findings.count == 1)
        #expect(r.findings[0].hasPrefix("contest beats informational on reach: median 1004.5 vs 104.5"))
        // Promotion vs information is the same comparison, by balance.
        let b = Rollup(outcomes: posts, by: .balance, metric: .reach)
        #expect(b.groups.map(\.key) == ["promotion", "information"])
        #expect(b.findings.count == 1)
    }

    @Test func fivePostsAreNeverAFinding() {
        let posts = (0..<5).map { outcome($0, .contest, reach: 1000 + Double($0)) }
            + (0..<5).map { outcome(100 + $0, .informational, reach: 100 + Double($0)) }
        let r = Rollup(outcomes: posts, by: .kind, metric: .reach)
        #expect(r.findings.isEmpty)
        #expect(r.groups.allSatisfy { !$0.enough })
        #expect(r.notes.contains { $0.hasPrefix("Fewer than 8 measured posts") })
    }

    @Test func overlappingIntervalsAreNotAFinding() {
        let posts = (0..<12).map { outcome($0, .contest, reach: Double(100 + $0 * 10)) }
            + (0..<12).map { outcome(100 + $0, .informational, reach: Double(105 + $0 * 10)) }
        let r = Rollup(outcomes: posts, by: .kind, metric: .reach)
        #expect(r.findings.isEmpty)
        #expect(r.notes.contains { $0.contains("overlapping intervals") })
    }

    @Test func engagementRateIsDefinedExactly() {
        let c = ResultCounts([.impressions: 200, .reactions: 10, .comments: 5, .shares: 3, .saves: 2])
        #expect(ResultMetric.engagementRate.value(c) == 10)
        #expect(ResultMetric.engagement.value(c) == 20)
        #expect(ResultMetric.engagementRate.value(ResultCounts([.reactions: 4])) == nil)
        #expect(ResultMetric.engagementRate.value(ResultCounts([.impressions: 0, .reactions: 4])) == nil)
        #expect(ResultMetric.clicks.value(ResultCounts([.linkClicks: 7])) == 7)
        #expect(ResultMetric(name: "link_clicks") == .clicks)
    }

    @Test func postsWithoutResultsAndSentimentAreCounted() {
        let posts = [outcome(1, .engagement, reach: 50, sentiment: SentimentCount(positive: 2, negative: 1)),
                     outcome(2, .engagement, reach: nil, sentiment: SentimentCount(neutral: 1)),
                     outcome(3, .crisis, reach: 10)]
        let r = Rollup(outcomes: posts, by: .kind, metric: .reach)
        #expect(r.published == 3 && r.measured == 2)
        let g = r.groups.first { $0.key == "engagement" }!
        #expect(g.posts == 1)
        #expect(g.sentiment == SentimentCount(positive: 2, neutral: 1, negative: 1))
        // Crisis posts are neither promotion nor information.
        #expect(Rollup(outcomes: posts, by: .balance, metric: .reach).groups.map(\.key) == ["information"])
    }
}

@Suite struct ResultsFileTests {
    let reader = ResultsFile(layout: .generic, capturedAt: nil, now: Date(iso: "2027-04-02T09:00:00Z")!, today: LocalDate(iso: "2027-04-02")!) { _ in
        Date(iso: "2027-03-01T22:59:59Z")!
    }

    @Test func readsTheGenericLayout() {
        let (rows, problems) = reader.read(header: ["post_id", "captured_at", "reach", "revenue", "comments"],
                                           rows: [(2, ["p-1", "2027-02-03T18:00:00Z", "900", "12.50", ""])])
        #expect(problems.isEmpty)
        #expect(rows.first?.counts == ResultCounts([.reach: 900, .revenue: 12.5]))
        #expect(rows.first?.keys.postID == "p-1")
    }

    @Test func refusesBadCountersWithTheirColumn() {
        let (rows, problems) = reader.read(header: ["post_id", "date", "reach", "comments", "shares", "saves", "impressions"],
                                           rows: [(2, ["p-1", "2027-02-03", "-5", "nan", "inf", "2.5", "1,200"])])
        #expect(rows.isEmpty)
        #expect(problems.map(\.column) == ["impressions", "reach", "comments", "shares", "saves"])
        #expect(problems[0].message == "'1,200' is not a number: write counts without thousands separators (1200, not 1,200).")
        #expect(problems[1].message == "-5 is negative; a count or amount is never below zero.")
        #expect(problems[2].message.contains("not a finite number"))
        #expect(problems[3].message.contains("not a finite number"))
        #expect(problems[4].message == "2.5 is not a whole number; counts are whole.")
    }

    @Test func refusesHeadersWithoutKeysTimeOrCounters() {
        let (_, problems) = reader.read(header: ["reech"], rows: [])
        #expect(problems.contains { $0.column == "reech" && $0.message.contains("Did you mean 'reach'?") })
        #expect(problems.contains { $0.column == "post_id" })
        #expect(problems.contains { $0.column == "captured_at" })
    }

    @Test func readsMastodonStatuses() {
        let m = ResultsFile(layout: .mastodon, capturedAt: Date(iso: "2027-02-10T12:00:00Z"), now: Date(iso: "2027-04-02T09:00:00Z")!,
                            today: LocalDate(iso: "2027-04-02")!) { _ in Date() }
        let (rows, problems) = m.read(header: ["id", "url", "created_at", "favourites_count", "reblogs_count", "replies_count", "content"],
                                      rows: [(2, ["1099", "https://mastodon.social/@bb/1099", "2027-02-01T08:30:00Z", "12", "3", "4", "<p>Hi</p>"])])
        #expect(problems.isEmpty)
        #expect(rows.first?.counts == ResultCounts([.reactions: 12, .shares: 3, .comments: 4]))
        #expect(rows.first?.keys.network == .mastodon && rows.first?.keys.networkID == "1099")
    }
}
