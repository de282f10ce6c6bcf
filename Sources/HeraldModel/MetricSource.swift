import Foundation

/// Where a metric's daily readings come from: typed in (`herald metrics record` / `metrics import`), or computed by
/// Herald from what it holds. A later kind of computed source (per-post results, `.posts(…)`) is added beside `.inbox`.
public enum MetricSource: Sendable, Hashable {
    /// Readings are recorded by people or imported (the default).
    case recorded
    /// Readings are computed from the inbox, day by day in the strategy's zone.
    case inbox(InboxMeasure, InboxFilter)

    /// Computed by Herald: `metrics record` and `metrics import` refuse it.
    public var isComputed: Bool {
        switch self {
        case .recorded: false
        case .inbox: true
        }
    }

    /// As the strategy writes it: `inbox.volume`, with its filter: `inbox.volume (channel instagram, topic coffee)`.
    public var label: String {
        switch self {
        case .recorded: "recorded"
        case .inbox(let m, let f): m.sourceName + (f.isEmpty ? "" : " (\(f.label))")
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
