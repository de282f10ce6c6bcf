import Foundation

/// What the metrics need to know of one inbox item (read without its text, so a quarter of items stays small).
public struct InboxFact: Sendable, Equatable {
    public var id: String
    public var channel: String
    public var createdAt: Date
    public var deadline: Date?
    public var firstReplyAt: Date?
    public var status: InboxStatus
    public var sentiment: Sentiment?
    public var intent: Intent?
    public var topic: String?
    /// Labelled spam, or closed as spam.
    public var spam: Bool

    public init(id: String, channel: String, createdAt: Date, deadline: Date? = nil, firstReplyAt: Date? = nil,
                status: InboxStatus = .new, sentiment: Sentiment? = nil, intent: Intent? = nil, topic: String? = nil, spam: Bool = false) {
        self.id = id; self.channel = channel; self.createdAt = createdAt; self.deadline = deadline; self.firstReplyAt = firstReplyAt
        self.status = status; self.sentiment = sentiment; self.intent = intent; self.topic = topic; self.spam = spam
    }

    public init(_ i: InboxItem) {
        self.init(id: i.id, channel: i.channel, createdAt: i.createdAt, deadline: i.deadline, firstReplyAt: i.firstReplyAt,
                  status: i.status, sentiment: i.labels.sentiment, intent: i.labels.intent, topic: i.labels.topic,
                  spam: i.labels.spam || i.closeReason == .spam)
    }
}

/// Daily readings computed from the inbox: each `InboxMeasure` exactly as its documentation says, day by day in the
/// strategy's zone, up to `now` (today's reading is what has happened so far).
public enum InboxMetrics {
    /// The readings of `measure` over items that pass `filter`, for every day of `days` up to today. Counts read 0 on a
    /// day without items; shares and the median have no reading on a day with nothing to measure. `unit` turns the
    /// median into hours when it says hours.
    public static func daily(_ measure: InboxMeasure, filter: InboxFilter, facts: [InboxFact], days: DateRange, unit: String = "minutes",
                             clock: ZoneClock, now: Date) -> [(date: LocalDate, value: Double)] {
        let today = clock.localDate(now)
        let last = min(days.end, today)
        guard days.start <= last else { return [] }
        let items = facts.filter { !$0.spam && filter.matches(channel: $0.channel, topic: $0.topic) }
        var byDay: [LocalDate: [InboxFact]] = [:]
        func bucket(_ at: Date?, _ f: InboxFact) {
            guard let at, at <= now else { return }
            let d = clock.localDate(at)
            if d >= days.start && d <= last { byDay[d, default: []].append(f) }
        }
        switch measure {
        case .volume, .complaintsPerDay, .negativeShare: for f in items { bucket(f.createdAt, f) }
        case .firstReplyMedian: for f in items { bucket(f.firstReplyAt, f) }
        case .answeredWithinTarget: for f in items where f.status != .closed || f.firstReplyAt != nil { bucket(f.deadline, f) }
        }
        var out: [(LocalDate, Double)] = []
        var d = days.start
        while d <= last {
            let here = byDay[d] ?? []
            switch measure {
            case .volume: out.append((d, Double(here.count)))
            case .complaintsPerDay: out.append((d, Double(here.filter { $0.intent == .complaint }.count)))
            case .negativeShare:
                if !here.isEmpty { out.append((d, percent(here.filter { $0.sentiment == .negative }.count, of: here.count))) }
            case .answeredWithinTarget:
                if !here.isEmpty {
                    let inTime = here.filter { f in f.firstReplyAt.map { $0 <= f.deadline! } ?? false }.count
                    out.append((d, percent(inTime, of: here.count)))
                }
            case .firstReplyMedian:
                let waits = here.map { $0.firstReplyAt!.timeIntervalSince($0.createdAt) / 60 }
                if let m = median(waits) { out.append((d, isHours(unit) ? m / 60 : m)) }
            }
            d = d.adding(days: 1)
        }
        return out
    }

    /// `hours`/`h`: the median reads in hours.
    public static func isHours(_ unit: String) -> Bool { ["hours", "hour", "h"].contains(unit.lowercased()) }

    static func percent(_ part: Int, of whole: Int) -> Double { (Double(part) * 1000 / Double(whole)).rounded() / 10 }

    /// The middle value (the mean of the two middle ones for an even count), rounded to a tenth; nil for none.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.map { max(0, $0) }.sorted()
        let m = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        return (m * 10).rounded() / 10
    }
}

/// What the spike rule saw: negative items in the window against the usual rate.
public struct SpikeReading: Sendable, Equatable {
    /// Negative items written in the last `rule.hours`.
    public var recent: Int
    /// Negative items written in the 14 days before the window.
    public var trailing: Int
    /// The usual count for a window as long: `trailing` scaled to `rule.hours`.
    public var usual: Double
    /// The count from which it fires: at least `minItems`, and at least `factor` × `usual`.
    public var threshold: Double
    public var fires: Bool
    /// The window's start: a dismissal holds for the window it was made in.
    public var windowStart: Date

    /// Negative items (spam left out) in the last `rule.hours` before `now` against the 14 days before that window.
    /// With no negative items in those 14 days the usual rate is 0, so only `minItems` holds it back.
    public static func evaluate(_ rule: SpikeRule, facts: [InboxFact], now: Date) -> SpikeReading {
        let window = rule.hours * 3600
        let start = now.addingTimeInterval(-window)
        let trailingStart = start.addingTimeInterval(-Double(SpikeRule.trailingDays) * 86_400)
        var recent = 0, trailing = 0
        for f in facts where !f.spam && f.sentiment == .negative && f.createdAt <= now {
            if f.createdAt > start { recent += 1 } else if f.createdAt > trailingStart { trailing += 1 }
        }
        let usual = Double(trailing) * window / (Double(SpikeRule.trailingDays) * 86_400)
        let threshold = max(Double(rule.minItems), rule.factor * usual)
        // Windows are counted from the epoch in steps of `hours`, so a dismissal covers the window it was made in.
        let bucket = (now.timeIntervalSince1970 / window).rounded(.down) * window
        return SpikeReading(recent: recent, trailing: trailing, usual: (usual * 10).rounded() / 10, threshold: threshold,
                            fires: Double(recent) >= threshold, windowStart: Date(timeIntervalSince1970: bucket))
    }
}
