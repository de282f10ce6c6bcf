import Foundation

/// Where a metric's daily readings come from: typed in (`herald metrics record` / `metrics import`), or computed by
/// Herald from what it holds: the inbox (`.inbox`) or the published posts' results (`.posts`).
public enum MetricSource: Sendable, Hashable {
    /// Readings are recorded by people or imported (the default).
    case recorded
    /// Readings are computed from the inbox, day by day in the strategy's zone.
    case inbox(InboxMeasure, InboxFilter)
    /// Readings are computed from the results of the published posts (`post_result`), one per period in the
    /// strategy's zone.
    case posts(PostsSource)

    /// Computed by Herald: `metrics record` and `metrics import` refuse it.
    public var isComputed: Bool {
        switch self {
        case .recorded: false
        case .inbox, .posts: true
        }
    }

    /// Where a computed metric's readings come from, for messages: "the inbox", "the posts' results".
    public var origin: String {
        switch self {
        case .recorded: "readings people record"
        case .inbox: "the inbox"
        case .posts: "the published posts' results"
        }
    }

    /// As the strategy writes it: `inbox.volume`, with its filter: `inbox.volume (channel instagram, topic coffee)`.
    public var label: String {
        switch self {
        case .recorded: "recorded"
        case .inbox(let m, let f): m.sourceName + (f.isEmpty ? "" : " (\(f.label))")
        case .posts(let p): p.label
        }
    }
}

/// What is measured from the inbox. Every measure leaves spam out (labelled spam, or closed as spam) and counts an item
/// on the day (in the strategy's zone) of the instant the measure is about.
public enum InboxMeasure: String, Sendable, Hashable, CaseIterable {
    /// Median time from an item being written to its first reply, among items first answered that day; in minutes,
    /// or hours when the metric's unit is hours. No reading on a day nothing was answered.
    case firstReplyMedian = "first_reply_median"
    /// Percent of items due that day (deadline on that day and already passed) answered by their deadline. Closed
    /// items (they needed no reply) are left out. No reading on a day nothing fell due.
    case answeredWithinTarget = "answered_within_target"
    /// Percent of the items written that day that are negative. No reading on a day without items.
    case negativeShare = "negative_share"
    /// Items written that day whose intent is a complaint (0 on a day without any).
    case complaintsPerDay = "complaints_per_day"
    /// Items written that day (0 on a day without any).
    case volume

    /// `inbox.volume`.
    public var sourceName: String { "inbox.\(rawValue)" }

    /// Every name a strategy may write.
    public static var sourceNames: [String] { allCases.map(\.sourceName) }

    /// The measure named `inbox.…`, or nil.
    public init?(sourceName: String) {
        guard sourceName.hasPrefix("inbox.") else { return nil }
        self.init(rawValue: String(sourceName.dropFirst("inbox.".count)))
    }

    /// A count on every day (0 when nothing came in), not a share or a time that needs items to exist.
    public var isCount: Bool { self == .complaintsPerDay || self == .volume }

    /// The units a metric with this source may have (nil: any word, it is a count).
    public var units: [String]? {
        switch self {
        case .firstReplyMedian: ["minutes", "min", "hours", "h"]
        case .answeredWithinTarget, .negativeShare: ["%"]
        case .complaintsPerDay, .volume: nil
        }
    }
}

/// Which inbox items a measure counts: one channel, one topic, or all.
public struct InboxFilter: Sendable, Hashable {
    /// A channel id of the strategy.
    public var channel: String?
    /// The item's topic label (as `herald inbox show` shows it, a correction by `inbox label` included).
    public var topic: String?

    public init(channel: String? = nil, topic: String? = nil) { self.channel = channel; self.topic = topic }

    public var isEmpty: Bool { channel == nil && topic == nil }

    public var label: String {
        [channel.map { "channel \($0)" }, topic.map { "topic \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    public func matches(channel c: String, topic t: String?) -> Bool {
        (channel == nil || channel == c) && (topic == nil || topic == t)
    }
}

/// What is measured from a published post's latest results snapshot (`source: posts.…`). The names and definitions
/// are those of `herald results` (`ResultMetric`; a test checks they agree).
public enum PostMeasure: String, Sendable, Hashable, CaseIterable {
    case impressions, reach, reactions, comments, shares, saves
    /// Link clicks (`posts.link_clicks` is accepted too).
    case clicks
    case videoViews = "video_views"
    case conversions, revenue
    /// reactions + comments + shares + saves.
    case engagement
    /// 100 × (reactions + comments + shares + saves + link clicks) ÷ impressions, in %.
    case engagementRate = "engagement_rate"

    /// `posts.reach`.
    public var sourceName: String { "posts.\(rawValue)" }

    public static var sourceNames: [String] { allCases.map(\.sourceName) }

    /// The measure named `posts.…` (`posts.link_clicks` is `posts.clicks`), or nil.
    public init?(sourceName: String) {
        guard sourceName.hasPrefix("posts.") else { return nil }
        let name = String(sourceName.dropFirst("posts.".count))
        if name == "link_clicks" { self = .clicks } else { self.init(rawValue: name) }
    }

    /// A rate per post: adding rates up means nothing, so `sum` is refused for it.
    public var isRate: Bool { self == .engagementRate }
}

/// How the values of the posts published in one period make one reading.
public enum PostAggregation: String, Sendable, Hashable, CaseIterable {
    case sum, mean, median
}

/// The length of the periods a `posts.…` metric is read over, in the strategy's zone.
public enum PostPeriod: String, Sendable, Hashable, CaseIterable {
    /// One calendar day.
    case day
    /// An ISO week, Monday to Sunday.
    case week
    /// A calendar month.
    case month

    /// The first day of the period holding `date`.
    public func start(of date: LocalDate) -> LocalDate {
        switch self {
        case .day: date
        case .week: date.startOfWeek
        case .month: LocalDate(year: date.year, month: date.month, day: 1)!
        }
    }

    /// The last day of the period holding `date`: the day a reading of that period is dated.
    public func end(of date: LocalDate) -> LocalDate {
        switch self {
        case .day: date
        case .week: date.startOfWeek.adding(days: 6)
        case .month: LocalDate(year: date.year, month: date.month, day: LocalDate.daysIn(month: date.month, year: date.year))!
        }
    }
}

/// Which posts a `posts.…` metric counts: one channel, one kind, one campaign (any combination), or all.
public struct PostFilter: Sendable, Hashable {
    public var channel: String?
    public var kind: ContentKind?
    public var campaign: String?

    public init(channel: String? = nil, kind: ContentKind? = nil, campaign: String? = nil) {
        self.channel = channel; self.kind = kind; self.campaign = campaign
    }

    public var isEmpty: Bool { channel == nil && kind == nil && campaign == nil }

    public var label: String {
        [channel.map { "channel \($0)" }, kind.map { "kind \($0.rawValue)" }, campaign.map { "campaign \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    public func matches(channel c: String, kind k: ContentKind, campaign g: String?) -> Bool {
        (channel == nil || channel == c) && (kind == nil || kind == k) && (campaign == nil || campaign == g)
    }
}

/// A metric computed from the published posts' results: `source: {from: posts.reach, aggregation: sum, period: week,
/// channel: instagram}`.
public struct PostsSource: Sendable, Hashable {
    public var measure: PostMeasure
    public var aggregation: PostAggregation
    public var period: PostPeriod
    public var filter: PostFilter

    /// Without a word: `sum` (`median` for a rate) per `week`.
    public init(_ measure: PostMeasure, aggregation: PostAggregation? = nil, period: PostPeriod = .week, filter: PostFilter = PostFilter()) {
        self.measure = measure
        self.aggregation = aggregation ?? (measure.isRate ? .median : .sum)
        self.period = period; self.filter = filter
    }

    /// `posts.reach (sum per week; channel instagram)`.
    public var label: String {
        "\(measure.sourceName) (\(aggregation.rawValue) per \(period.rawValue)\(filter.isEmpty ? "" : "; \(filter.label)"))"
    }
}
