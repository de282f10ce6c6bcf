import Foundation
import HeraldModel

extension ResultMetric {
    /// The `herald results` metric a `posts.…` source measures (the same name and definition).
    public init(_ m: PostMeasure) {
        switch m {
        case .impressions: self = .impressions
        case .reach: self = .reach
        case .reactions: self = .reactions
        case .comments: self = .comments
        case .shares: self = .shares
        case .saves: self = .saves
        case .clicks: self = .clicks
        case .videoViews: self = .videoViews
        case .conversions: self = .conversions
        case .revenue: self = .revenue
        case .engagement: self = .engagement
        case .engagementRate: self = .engagementRate
        }
    }
}

/// A published post, as a `posts.…` metric sees it: what it is, when it went out, and its latest snapshot.
public struct PostFact: Sendable, Equatable {
    public var id: String
    public var channel: String
    public var kind: ContentKind
    public var campaign: String?
    /// When it went out: the first published delivery's time, else its scheduled time.
    public var publishedAt: Date
    /// The counters of its latest snapshot (by capture time); nil without results.
    public var latest: ResultCounts?

    public init(id: String, channel: String, kind: ContentKind, campaign: String?, publishedAt: Date, latest: ResultCounts?) {
        self.id = id; self.channel = channel; self.kind = kind; self.campaign = campaign; self.publishedAt = publishedAt; self.latest = latest
    }
}

/// Readings of a metric with `source: posts.…`.
public enum PostMetrics {
    /// One reading per period (day, ISO week or month in the clock's zone) that has ended before today (`now`'s day):
    /// the sum, mean or median of the measure over the posts that match the filter, were published in the period, and
    /// have a value of the measure in their latest snapshot (a post counts once, with its latest counts). A period in
    /// which no such post was published has no reading (missing results are not zero). A reading is dated on its
    /// period's last day; only readings dated in [from, to] are returned, oldest first.
    public static func readings(_ source: PostsSource, facts: [PostFact], clock: ZoneClock, from: LocalDate? = nil, to: LocalDate? = nil,
                                now: Date) -> [(date: LocalDate, value: Double)] {
        let metric = ResultMetric(source.measure)
        let today = clock.localDate(now)
        var values: [LocalDate: [Double]] = [:]
        for f in facts where source.filter.matches(channel: f.channel, kind: f.kind, campaign: f.campaign) {
            guard let counts = f.latest, let v = metric.value(counts) else { continue }
            let end = source.period.end(of: clock.localDate(f.publishedAt))
            guard end < today else { continue }
            if let from, end < from { continue }
            if let to, end > to { continue }
            values[end, default: []].append(v)
        }
        return values.keys.sorted().map { d in (d, aggregate(values[d]!, source.aggregation)) }
    }

    static func aggregate(_ v: [Double], _ a: PostAggregation) -> Double {
        switch a {
        case .sum: v.reduce(0, +)
        case .mean: v.reduce(0, +) / Double(v.count)
        case .median: Statistics.median(v) ?? 0
        }
    }
}
