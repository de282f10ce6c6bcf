import Foundation
import HeraldModel

/// What a post is measured by in a comparison.
public enum ResultMetric: String, CaseIterable, Sendable, Codable {
    case impressions, reach, reactions, comments, shares, saves, clicks
    case videoViews = "video_views"
    case conversions, revenue, engagement
    case engagementRate = "engagement_rate"

    /// `link_clicks` is accepted for `clicks`.
    public init?(name: String) {
        if name == "link_clicks" { self = .clicks } else { self.init(rawValue: name) }
    }

    /// The exact definition, printed under every comparison.
    public var definition: String {
        switch self {
        case .clicks: "link clicks per post"
        case .engagement: "reactions + comments + shares + saves per post (a counter not reported counts as 0; a post reporting none of them is left out)"
        case .engagementRate:
            "100 × (reactions + comments + shares + saves + link clicks) ÷ impressions, per post, in % (a counter not reported counts as 0; a post without impressions, or with 0, is left out)"
        case .videoViews: "video views per post"
        default: "\(rawValue) per post"
        }
    }

    public var unit: String { self == .engagementRate ? "%" : self == .revenue ? "" : "" }

    /// The post's value from its latest snapshot, or nil when the snapshot does not report what it needs.
    public func value(_ c: ResultCounts) -> Double? {
        switch self {
        case .impressions: c[.impressions]
        case .reach: c[.reach]
        case .reactions: c[.reactions]
        case .comments: c[.comments]
        case .shares: c[.shares]
        case .saves: c[.saves]
        case .clicks: c[.linkClicks]
        case .videoViews: c[.videoViews]
        case .conversions: c[.conversions]
        case .revenue: c[.revenue]
        case .engagement:
            [c[.reactions], c[.comments], c[.shares], c[.saves]].allSatisfy { $0 == nil } ? nil
                : (c[.reactions] ?? 0) + (c[.comments] ?? 0) + (c[.shares] ?? 0) + (c[.saves] ?? 0)
        case .engagementRate:
            if let imp = c[.impressions], imp > 0 {
                100 * ((c[.reactions] ?? 0) + (c[.comments] ?? 0) + (c[.shares] ?? 0) + (c[.saves] ?? 0) + (c[.linkClicks] ?? 0)) / imp
            } else {
                nil
            }
        }
    }
}

/// What posts are grouped by.
public enum ResultDimension: String, CaseIterable, Sendable, Codable {
    case kind, campaign, channel, weekday, slot, owner
    /// Promotion (contests, discounts) against information (every other planned kind); crisis posts are left out.
    case balance
}

/// Counts of inbox comments linked to a post, by sentiment.
public struct SentimentCount: Sendable, Equatable, Codable {
    public var positive = 0, neutral = 0, negative = 0, unlabelled = 0
    public init(positive: Int = 0, neutral: Int = 0, negative: Int = 0, unlabelled: Int = 0) {
        self.positive = positive; self.neutral = neutral; self.negative = negative; self.unlabelled = unlabelled
    }
    public var total: Int { positive + neutral + negative + unlabelled }
    mutating func add(_ o: SentimentCount) {
        positive += o.positive; neutral += o.neutral; negative += o.negative; unlabelled += o.unlabelled
    }
}

/// One published post with what it achieved: the facts the groups are made from.
public struct PostOutcome: Sendable {
    public var id: String
    public var channel: String
    public var kind: ContentKind
    public var campaign: String?
    public var owner: String?
    public var weekday: Weekday
    /// The local time it was scheduled for.
    public var slot: LocalTime
    /// The counters of its latest snapshot (nil: no results yet).
    public var latest: ResultCounts?
    public var sentiment: SentimentCount

    public init(id: String, channel: String, kind: ContentKind, campaign: String?, owner: String?, weekday: Weekday, slot: LocalTime,
                latest: ResultCounts?, sentiment: SentimentCount = SentimentCount()) {
        self.id = id; self.channel = channel; self.kind = kind; self.campaign = campaign; self.owner = owner
        self.weekday = weekday; self.slot = slot; self.latest = latest; self.sentiment = sentiment
    }

    func key(_ d: ResultDimension) -> (key: String, order: Int)? {
        switch d {
        case .kind: (kind.rawValue, ContentKind.allCases.firstIndex(of: kind)!)
        case .campaign: (campaign ?? "(no campaign)", 0)
        case .channel: (channel, 0)
        case .weekday: (weekday.fullName, weekday.rawValue)
        case .slot: (slot.description, slot.minutesSinceMidnight)
        case .owner: (owner ?? "(nobody)", 0)
        case .balance: kind == .crisis ? nil : kind.isPromotional ? ("promotion", 0) : ("information", 1)
        }
    }
}

/// Posts grouped by one dimension and compared on one metric.
public struct Rollup: Sendable, Encodable {
    public struct Group: Sendable, Encodable, Equatable {
        public var key: String
        /// Posts in the group with a value of the metric.
        public var posts: Int
        public var median: Double?
        public var q1: Double?
        public var q3: Double?
        public var iqr: Double?
        /// The 95 % bootstrap interval of the median.
        public var low: Double?
        public var high: Double?
        /// Inbox comments linked to the group's posts, by sentiment.
        public var sentiment: SentimentCount
        /// Whether this group has enough posts for its figure to count (`Rollup.minimumPosts`).
        public var enough: Bool
    }

    /// Fewer posts than this in a group: its figure is shown, never a finding.
    public static let minimumPosts = 8

    public var dimension: String
    public var metric: String
    public var definition: String
    public var method: String
    /// Published posts in the period, and how many of them have a value of the metric.
    public var published: Int
    public var measured: Int
    public var groups: [Group]
    /// Differences that hold: both groups have enough posts and their intervals do not overlap.
    public var findings: [String]
    /// Why other differences are not findings.
    public var notes: [String]

    public static let methodText = "median and interquartile range (IQR, 25th–75th percentile) per post of each post's latest snapshot; the interval is a 95 % percentile bootstrap of the median (2,000 resamples with replacement, seeded, so the same data gives the same interval). A difference is a finding only when both groups have at least \(minimumPosts) posts and their intervals do not overlap."

    public init(outcomes: [PostOutcome], by dimension: ResultDimension, metric: ResultMetric, seed: UInt64 = Statistics.defaultSeed) {
        self.dimension = dimension.rawValue
        self.metric = metric.rawValue
        definition = metric.definition
        method = Self.methodText
        published = outcomes.count
        var values: [String: [Double]] = [:]
        var order: [String: Int] = [:]
        var sentiment: [String: SentimentCount] = [:]
        var measured = 0
        for o in outcomes {
            guard let (key, ord) = o.key(dimension) else { continue }
            order[key] = ord
            sentiment[key, default: SentimentCount()].add(o.sentiment)
            if let c = o.latest, let v = metric.value(c) {
                values[key, default: []].append(v)
                measured += 1
            } else if values[key] == nil {
                values[key] = []
            }
        }
        self.measured = measured
        var groups: [Group] = []
        for (key, vs) in values {
            let q = Statistics.quartiles(vs)
            let ci = Statistics.bootstrapMedianInterval(vs, seed: seed)
            groups.append(Group(key: key, posts: vs.count, median: Statistics.median(vs), q1: q?.q1, q3: q?.q3,
                                iqr: q.map { $0.q3 - $0.q1 }, low: ci?.low, high: ci?.high,
                                sentiment: sentiment[key] ?? SentimentCount(), enough: vs.count >= Self.minimumPosts))
        }
        // Best first; then the dimension's natural order (kinds, weekdays, times), then by name.
        groups.sort {
            let a = $0.median ?? -.infinity, b = $1.median ?? -.infinity
            if a != b { return a > b }
            if order[$0.key] != order[$1.key] { return order[$0.key]! < order[$1.key]! }
            return $0.key < $1.key
        }
        self.groups = groups
        var findings: [String] = []
        for (i, a) in groups.enumerated() {
            for b in groups[(i + 1)...] {
                guard a.enough, b.enough, let aLow = a.low, let bHigh = b.high, let am = a.median, let bm = b.median, bHigh < aLow else { continue }
                findings.append("\(a.key) beats \(b.key) on \(metric.rawValue): median \(Self.format(am)) vs \(Self.format(bm)) (intervals \(Self.format(a.low!))–\(Self.format(a.high!)) and \(Self.format(b.low!))–\(Self.format(b.high!)); \(a.posts) and \(b.posts) posts).")
            }
        }
        self.findings = findings
        var notes: [String] = []
        let few = groups.filter { !$0.enough }.map(\.key)
        if !few.isEmpty {
            notes.append("Fewer than \(Self.minimumPosts) measured posts, so not a finding either way: \(few.joined(separator: ", ")).")
        }
        if findings.isEmpty, groups.filter(\.enough).count >= 2 {
            notes.append("The groups with enough posts have overlapping intervals: their differences may be chance.")
        }
        if measured == 0 {
            notes.append(published == 0 ? "No published posts in the period." : "No results for the period's published posts yet (herald results import FILE).")
        }
        self.notes = notes
    }

    /// A number as the tables show it: whole numbers plain, others with up to 2 decimals.
    public static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
