import Foundation
import HeraldModel
import HeraldStrategy
import HeraldTestSupport
import Testing

/// `source:` on a goal's metric, and `crisis.spike`.
@Suite struct MetricSourceTests {
    static let base = Repo.text("Tests/HeraldStrategyTests/Fixtures/valid-minimal.yaml")

    /// The minimal strategy with `lines` added to its metric (after `measured_by: Insights`, at the same indent).
    static func withMetric(_ lines: String, dropMeasuredBy: Bool = false, unit: String = "people") -> String {
        let indented = lines.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        return base
            .replacingOccurrences(of: "        unit: people\n", with: "        unit: \"\(unit)\"\n")
            .replacingOccurrences(of: "        measured_by: Insights\n", with: (dropMeasuredBy ? "" : "        measured_by: Insights\n") + indented + "\n")
    }

    func failure(_ yaml: String) -> StrategyError? {
        do { _ = try StrategyLoader.parse(yaml, file: "s.yaml"); return nil } catch { return error }
    }

    @Test func aMetricIsRecordedUnlessItSaysOtherwise() throws {
        let s = try StrategyLoader.parse(Self.base).strategy
        #expect(s.metrics[0].source == .recorded)
        #expect(!s.metrics[0].source.isComputed)
    }

    @Test func aSourceNameAlone() throws {
        let s = try StrategyLoader.parse(Self.withMetric("source: inbox.volume", dropMeasuredBy: true)).strategy
        #expect(s.metrics[0].source == .inbox(.volume, InboxFilter()))
        #expect(s.metrics[0].source.isComputed)
        // Herald measures it, so measured_by may be left out.
        #expect(s.metrics[0].measuredBy == "Herald, from the inbox: inbox.volume")
    }

    @Test func aSourceWithAChannelAndTopic() throws {
        let s = try StrategyLoader.parse(Self.withMetric("source: {from: inbox.complaints_per_day, channel: fb, topic: coffee}")).strategy
        #expect(s.metrics[0].source == .inbox(.complaintsPerDay, InboxFilter(channel: "fb", topic: "coffee")))
        #expect(s.metrics[0].source.label == "inbox.complaints_per_day (channel fb, topic coffee)")
        #expect(s.metrics[0].measuredBy == "Insights")
    }

    @Test(arguments: InboxMeasure.allCases)
    func everyMeasureIsReadWithAUnitThatFits(_ m: InboxMeasure) throws {
        let unit = m.units?.first ?? "items"
        let s = try StrategyLoader.parse(Self.withMetric("source: \(m.sourceName)", unit: unit)).strategy
        #expect(s.metrics[0].source == .inbox(m, InboxFilter()))
    }

    @Test func recordedMayBeWrittenOut() throws {
        let s = try StrategyLoader.parse(Self.withMetric("source: recorded")).strategy
        #expect(s.metrics[0].source == .recorded)
    }

    @Test func anUnknownSourceNamesTheKnownOnesWithLineAndField() throws {
        let yaml = Self.withMetric("source: inbox.volumes")
        let e = try #require(failure(yaml))
        #expect(e.exitCode == 65)
        let d = try #require(e.diagnostics.first { $0.path == "goals[0].metrics[0].source" })
        #expect(d.message.contains("'inbox.volumes' is not a metric source"))
        #expect(d.message.contains("inbox.volume"))
        #expect(d.message.contains("inbox.first_reply_median"))
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("inbox.volumes") }! + 1
        #expect(d.line == line)
        #expect(d.file == "s.yaml")
    }

    @Test func anUnknownChannelInTheFilter() throws {
        let e = try #require(failure(Self.withMetric("source: {from: inbox.volume, channel: instagram}")))
        let d = try #require(e.diagnostics.first { $0.path == "goals[0].metrics[0].source.channel" })
        #expect(d.message.contains("instagram"))
        #expect(d.line != nil)
    }

    @Test func anUnknownFilterKey() throws {
        let e = try #require(failure(Self.withMetric("source: {from: inbox.volume, network: facebook}")))
        let d = try #require(e.diagnostics.first { $0.path == "goals[0].metrics[0].source.network" })
        #expect(d.message.contains("unknown key 'network'"))
        #expect(d.message.contains("channel, topic"))
    }

    @Test func aFilterWithoutFrom() throws {
        let e = try #require(failure(Self.withMetric("source: {channel: fb}")))
        #expect(e.diagnostics.contains { $0.path == "goals[0].metrics[0].source.from" && $0.message.contains("required") })
    }

    @Test func aFilterOnARecordedMetric() throws {
        let e = try #require(failure(Self.withMetric("source: {from: recorded, channel: fb}")))
        #expect(e.diagnostics.contains { $0.path == "goals[0].metrics[0].source" && $0.message.contains("no filter") })
    }

    @Test func anEmptyTopic() throws {
        let e = try #require(failure(Self.withMetric("source: {from: inbox.volume, topic: \" \"}")))
        #expect(e.diagnostics.contains { $0.path == "goals[0].metrics[0].source.topic" })
    }

    @Test func aShareNeedsPercent() throws {
        let e = try #require(failure(Self.withMetric("source: inbox.negative_share")))
        let d = try #require(e.diagnostics.first { $0.path == "goals[0].metrics[0].unit" })
        #expect(d.message.contains("measured in %"))
    }

    @Test func aReplyTimeNeedsMinutesOrHours() throws {
        let e = try #require(failure(Self.withMetric("source: inbox.first_reply_median")))
        #expect(e.diagnostics.contains { $0.path == "goals[0].metrics[0].unit" && $0.message.contains("minutes or hours") })
    }

    @Test func aRecordedMetricStillNeedsMeasuredBy() throws {
        let e = try #require(failure(Self.withMetric("", dropMeasuredBy: true)))
        let d = try #require(e.diagnostics.first { $0.path == "goals[0].metrics[0].measured_by" })
        #expect(d.message.contains("is required but missing"))
        #expect(d.message.contains("source: inbox."))
    }

    // MARK: posts.…

    @Test func aPostsSourceAloneSumsPerWeek() throws {
        let s = try StrategyLoader.parse(Self.withMetric("source: posts.reach", dropMeasuredBy: true)).strategy
        #expect(s.metrics[0].source == .posts(PostsSource(.reach, aggregation: .sum, period: .week)))
        #expect(s.metrics[0].source.isComputed)
        #expect(s.metrics[0].source.label == "posts.reach (sum per week)")
        #expect(s.metrics[0].measuredBy == "Herald, from the published posts' results: posts.reach (sum per week)")
        // A rate is not added up: its default is the median.
        let r = try StrategyLoader.parse(Self.withMetric("source: posts.engagement_rate", unit: "%")).strategy
        #expect(r.metrics[0].source == .posts(PostsSource(.engagementRate, aggregation: .median, period: .week)))
        // link_clicks is clicks.
        let c = try StrategyLoader.parse(Self.withMetric("source: posts.link_clicks")).strategy
        #expect(c.metrics[0].source == .posts(PostsSource(.clicks)))
    }

    @Test func aPostsSourceWithAggregationPeriodAndFilters() throws {
        let s = try StrategyLoader.parse(Self.withMetric(
            "source: {from: posts.revenue, aggregation: mean, period: month, channel: fb, kind: discount, campaign: spring}")).strategy
        #expect(s.metrics[0].source == .posts(PostsSource(.revenue, aggregation: .mean, period: .month,
                                                           filter: PostFilter(channel: "fb", kind: .discount, campaign: "spring"))))
        #expect(s.metrics[0].source.label == "posts.revenue (mean per month; channel fb, kind discount, campaign spring)")
    }

    @Test(arguments: PostMeasure.allCases)
    func everyPostsMeasureIsRead(_ m: PostMeasure) throws {
        let s = try StrategyLoader.parse(Self.withMetric("source: \(m.sourceName)", unit: m.isRate ? "%" : "people")).strategy
        #expect(s.metrics[0].source == .posts(PostsSource(m)))
    }

    /// Each mistake is reported at its own line and field, with what to write instead; the loader's exit code is 65.
    @Test(arguments: [
        ("source: posts.reech", "goals[0].metrics[0].source", "'posts.reech' is not a metric source Herald knows. Did you mean 'posts.reach'?"),
        ("source: {from: posts.reach, aggregation: total}", "goals[0].metrics[0].source.aggregation", "'total' is not one of: sum, mean, median."),
        ("source: {from: posts.reach, period: year}", "goals[0].metrics[0].source.period", "'year' is not one of: day, week, month."),
        ("source: {from: posts.reach, channel: instagram}", "goals[0].metrics[0].source.channel", "no channel with id 'instagram' (known: fb)."),
        ("source: {from: posts.reach, kind: promo}", "goals[0].metrics[0].source.kind", "'promo' is not one of: informational"),
        ("source: {from: posts.reach, campaign: winter}", "goals[0].metrics[0].source.campaign", "no campaign with id 'winter' (known: spring)."),
        ("source: {from: posts.reach, topic: coffee}", "goals[0].metrics[0].source.topic", "`topic:` goes with `from: inbox.…`"),
        ("source: {from: inbox.volume, period: week}", "goals[0].metrics[0].source.period", "`period:` goes with `from: posts.…`"),
    ])
    func badPostsSources(_ line: String, _ path: String, _ message: String) throws {
        let yaml = Self.withMetric(line)
        let e = try #require(failure(yaml))
        #expect(e.exitCode == 65)
        let d = try #require(e.diagnostics.first { $0.path == path }, "\(e.diagnostics.map { "\($0.path): \($0.message)" })")
        #expect(d.message.contains(message), "\(d.message)")
        let lineNo = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(line) }! + 1
        #expect(d.line == lineNo)
        #expect(d.file == "s.yaml")
    }

    @Test func aRateIsNotSummedAndIsInPercent() throws {
        let e = try #require(failure(Self.withMetric("source: {from: posts.engagement_rate, aggregation: sum}", unit: "%")))
        #expect(e.diagnostics.contains { $0.path == "goals[0].metrics[0].source.aggregation" && $0.message.contains("adding rates up means nothing") })
        let u = try #require(failure(Self.withMetric("source: posts.engagement_rate", unit: "people")))
        #expect(u.diagnostics.contains { $0.path == "goals[0].metrics[0].unit" && $0.message.contains("measured in %") })
    }

    // MARK: Spike rule

    static func withCrisis(_ crisis: String) -> String { base + "\ncrisis:\n" + crisis.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n" }

    @Test func aSpikeRule() throws {
        let s = try StrategyLoader.parse(Self.withCrisis("spike: {hours: 4, factor: 2.5, min_items: 8}")).strategy
        #expect(s.crisis.spike == SpikeRule(hours: 4, factor: 2.5, minItems: 8))
    }

    @Test func aSpikeRuleWithDefaults() throws {
        let s = try StrategyLoader.parse(Self.withCrisis("spike: {}")).strategy
        #expect(s.crisis.spike == SpikeRule(hours: 6, factor: 3, minItems: 10))
        #expect(try StrategyLoader.parse(Self.base).strategy.crisis.spike == nil)
    }

    @Test func badSpikeValues() throws {
        let e = try #require(failure(Self.withCrisis("spike: {hours: 0, factor: 1, min_items: lots, window: 2}")))
        #expect(e.exitCode == 65)
        #expect(e.diagnostics.contains { $0.path == "crisis.spike.hours" && $0.message.contains("at least 1") })
        #expect(e.diagnostics.contains { $0.path == "crisis.spike.factor" && $0.message.contains("at least 1.1") })
        #expect(e.diagnostics.contains { $0.path == "crisis.spike.min_items" && $0.message.contains("whole number") })
        #expect(e.diagnostics.contains { $0.path == "crisis.spike.window" && $0.message.contains("unknown key") })
    }

    @Test func theAlertMayUseAnInboxMetric() throws {
        let yaml = Self.withMetric("source: inbox.complaints_per_day").replacingOccurrences(of: "id: reach", with: "id: complaints")
            + "\ncrisis:\n  alert: {metric: complaints, above: 20}\n"
        let s = try StrategyLoader.parse(yaml).strategy
        #expect(s.crisis.alert?.metric == "complaints")
    }
}
