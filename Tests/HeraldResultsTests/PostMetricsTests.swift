import Foundation
import HeraldModel
import HeraldResults
import Testing

/// Readings of `source: posts.…` metrics, on constructed posts with known answers.
@Suite struct PostMetricsTests {
    static let clock = ZoneClock.orUTC("Europe/Amsterdam")

    static func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    static func fact(_ id: String, _ channel: String, _ kind: ContentKind, _ at: String, reach: Double?, campaign: String? = nil) -> PostFact {
        PostFact(id: id, channel: channel, kind: kind, campaign: campaign, publishedAt: Self.at(at), latest: reach.map { ResultCounts([.reach: $0]) })
    }

    /// Week of Monday 4 January 2027 (Amsterdam): a, b, c and d (d went out at 00:30 on Monday in Amsterdam, still
    /// Sunday in UTC). Week of the 11th: e. February: g. f has no results.
    static let facts = [
        fact("a", "fb", .informational, "2027-01-04T08:00:00Z", reach: 100),
        fact("b", "fb", .discount, "2027-01-06T08:00:00Z", reach: 300, campaign: "spring"),
        fact("c", "ig", .informational, "2027-01-10T17:00:00Z", reach: 200),
        fact("d", "ig", .contest, "2027-01-03T23:30:00Z", reach: 50),
        fact("e", "fb", .informational, "2027-01-12T08:00:00Z", reach: 1000),
        fact("f", "fb", .informational, "2027-01-05T08:00:00Z", reach: nil),
        fact("g", "fb", .informational, "2027-02-01T08:00:00Z", reach: 10),
    ]
    static let now = at("2027-02-10T12:00:00Z")

    func read(_ s: PostsSource, now: Date = Self.now, from: String? = nil, to: String? = nil) -> [String] {
        PostMetrics.readings(s, facts: Self.facts, clock: Self.clock, from: from.flatMap(LocalDate.init(iso:)),
                             to: to.flatMap(LocalDate.init(iso:)), now: now).map { "\($0.date.iso)=\($0.value)" }
    }

    @Test func sumMeanAndMedianPerWeekDatedOnSunday() {
        #expect(read(PostsSource(.reach, aggregation: .sum, period: .week)) == ["2027-01-10=650.0", "2027-01-17=1000.0", "2027-02-07=10.0"])
        #expect(read(PostsSource(.reach, aggregation: .mean, period: .week)) == ["2027-01-10=162.5", "2027-01-17=1000.0", "2027-02-07=10.0"])
        // 50, 100, 200, 300: the mean of the two middle values.
        #expect(read(PostsSource(.reach, aggregation: .median, period: .week)) == ["2027-01-10=150.0", "2027-01-17=1000.0", "2027-02-07=10.0"])
    }

    @Test func perDayAndPerMonthOnlyForEndedPeriods() {
        #expect(read(PostsSource(.reach, aggregation: .sum, period: .day))
                == ["2027-01-04=150.0", "2027-01-06=300.0", "2027-01-10=200.0", "2027-01-12=1000.0", "2027-02-01=10.0"])
        // February has not ended on the 10th: no reading for it yet.
        #expect(read(PostsSource(.reach, aggregation: .sum, period: .month)) == ["2027-01-31=1650.0"])
        // On Sunday the 10th the first week has not ended; its days before today have.
        let sunday = Self.at("2027-01-10T12:00:00Z")
        #expect(read(PostsSource(.reach, aggregation: .sum, period: .week), now: sunday).isEmpty)
        #expect(read(PostsSource(.reach, aggregation: .sum, period: .day), now: sunday) == ["2027-01-04=150.0", "2027-01-06=300.0"])
    }

    @Test func filtersByChannelKindAndCampaign() {
        #expect(read(PostsSource(.reach, period: .week, filter: PostFilter(channel: "fb"))) == ["2027-01-10=400.0", "2027-01-17=1000.0", "2027-02-07=10.0"])
        #expect(read(PostsSource(.reach, period: .week, filter: PostFilter(kind: .informational))) == ["2027-01-10=300.0", "2027-01-17=1000.0", "2027-02-07=10.0"])
        #expect(read(PostsSource(.reach, period: .week, filter: PostFilter(campaign: "spring"))) == ["2027-01-10=300.0"])
        #expect(read(PostsSource(.reach, period: .week, filter: PostFilter(channel: "ig", kind: .contest))) == ["2027-01-10=50.0"])
        #expect(read(PostsSource(.reach, period: .week, filter: PostFilter(channel: "nowhere"))).isEmpty)
    }

    @Test func onlyReadingsDatedInTheRange() {
        #expect(read(PostsSource(.reach, period: .week), from: "2027-01-11", to: "2027-01-31") == ["2027-01-17=1000.0"])
    }

    @Test func aPostWithoutTheCounterIsLeftOutNotCountedAsZero() {
        // Only f and g on their own: f has no results, so its week has no reading (not 0).
        let facts = [Self.facts[5], Self.facts[6]]
        let r = PostMetrics.readings(PostsSource(.reach, period: .week), facts: facts, clock: Self.clock, now: Self.now)
        #expect(r.map(\.date.iso) == ["2027-02-07"])
        let clicks = PostMetrics.readings(PostsSource(.clicks), facts: Self.facts, clock: Self.clock, now: Self.now)
        #expect(clicks.isEmpty)
    }

    @Test func engagementRateIsTheMedianOfThePostsRates() {
        func f(_ id: String, _ at: String, _ imp: Double, _ reactions: Double, _ clicks: Double) -> PostFact {
            PostFact(id: id, channel: "fb", kind: .engagement, campaign: nil, publishedAt: Self.at(at),
                     latest: ResultCounts([.impressions: imp, .reactions: reactions, .linkClicks: clicks]))
        }
        // 100 × (10 + 0) ÷ 1000 = 1 %, 100 × (30 + 10) ÷ 1000 = 4 %, 100 × (5 + 5) ÷ 100 = 10 %.
        let facts = [f("x", "2027-01-04T08:00:00Z", 1000, 10, 0), f("y", "2027-01-05T08:00:00Z", 1000, 30, 10), f("z", "2027-01-06T08:00:00Z", 100, 5, 5)]
        let r = PostMetrics.readings(PostsSource(.engagementRate), facts: facts, clock: Self.clock, now: Self.now)
        #expect(r.map(\.value) == [4])
        let mean = PostMetrics.readings(PostsSource(.engagementRate, aggregation: .mean), facts: facts, clock: Self.clock, now: Self.now)
        #expect(mean.map(\.value) == [5])
    }

    @Test(arguments: PostMeasure.allCases)
    func everyMeasureIsAResultsMetricOfTheSameName(_ m: PostMeasure) {
        #expect(ResultMetric(m).rawValue == m.rawValue)
        #expect(PostMeasure(sourceName: m.sourceName) == m)
    }
}
