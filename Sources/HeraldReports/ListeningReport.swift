import Foundation
import HeraldModel

/// What the report's listening section is made from: the period's inbox facts and what is overdue now.
public struct ListeningInput: Sendable {
    public var facts: [InboxFact]
    /// The longest-overdue open items (at most a screenful) and how many there are in all.
    public var overdue: [InboxItem]
    public var overdueTotal: Int
    public var now: Date

    public init(facts: [InboxFact], overdue: [InboxItem], overdueTotal: Int, now: Date) {
        self.facts = facts; self.overdue = overdue; self.overdueTotal = overdueTotal; self.now = now
    }
}

extension ManagementReport {
    /// The listening section: volume by topic and sentiment per week, response time against the target, what is overdue.
    public struct Listening: Sendable, Encodable {
        public struct Week: Sendable, Encodable {
            /// The Monday of the ISO week.
            public var week: String
            public var items: Int
            public var negative, neutral, positive: Int
            /// Items per topic (no topic: "other"), largest first.
            public var topics: [TopicCount]
            /// Median minutes to the first reply among items first answered that week; nil when none was.
            public var medianFirstReplyMinutes: Double?
            /// Percent of items due that week (deadline passed) answered by their deadline; nil when none fell due.
            public var answeredWithinTarget: Double?
        }

        public struct TopicCount: Sendable, Encodable {
            public var topic: String
            public var items: Int
        }

        public struct Overdue: Sendable, Encodable {
            public var id, channel, author: String
            /// The text as received (escaped wherever it is shown), cut to 140 characters.
            public var text: String
            public var deadline: String
            public var owner: String?
            public var minutesOverdue: Int
        }

        public var items: Int
        public var spam: Int
        public var weeks: [Week]
        /// The first-reply target in minutes (the strategy's `response_targets.first_reply`) and for complaints.
        public var targetMinutes: Double
        public var complaintTargetMinutes: Double
        public var businessHours: Bool
        public var overdue: [Overdue]
        public var overdueTotal: Int

        public init(strategy s: Strategy, clock: ZoneClock, range: DateRange, input: ListeningInput) {
            let facts = input.facts.filter { !$0.spam }
            spam = input.facts.count - facts.count
            var week: [LocalDate: [InboxFact]] = [:], replied: [LocalDate: [InboxFact]] = [:], due: [LocalDate: [InboxFact]] = [:]
            func inRange(_ d: Date?) -> LocalDate? {
                guard let d, d <= input.now else { return nil }
                let day = clock.localDate(d)
                return day >= range.start && day <= range.end ? day.startOfWeek : nil
            }
            for f in facts {
                if let w = inRange(f.createdAt) { week[w, default: []].append(f) }
                if let w = inRange(f.firstReplyAt) { replied[w, default: []].append(f) }
                if f.status != .closed || f.firstReplyAt != nil, let w = inRange(f.deadline) { due[w, default: []].append(f) }
            }
            items = week.values.map(\.count).reduce(0, +)
            var weeks: [Week] = []
            var w = range.start.startOfWeek
            while w <= range.end {
                let here = week[w] ?? []
                var topics: [String: Int] = [:]
                for f in here { topics[f.topic ?? "other", default: 0] += 1 }
                let waits = (replied[w] ?? []).map { $0.firstReplyAt!.timeIntervalSince($0.createdAt) / 60 }
                let dueHere = due[w] ?? []
                let inTime = dueHere.filter { f in f.firstReplyAt.map { $0 <= f.deadline! } ?? false }.count
                weeks.append(Week(week: w.iso, items: here.count, negative: here.filter { $0.sentiment == .negative }.count,
                                  neutral: here.filter { $0.sentiment == .neutral || $0.sentiment == nil }.count,
                                  positive: here.filter { $0.sentiment == .positive }.count,
                                  topics: topics.map { TopicCount(topic: $0.key, items: $0.value) }.sorted { ($1.items, $0.topic) < ($0.items, $1.topic) },
                                  medianFirstReplyMinutes: InboxMetrics.median(waits),
                                  answeredWithinTarget: dueHere.isEmpty ? nil : (Double(inTime) * 1000 / Double(dueHere.count)).rounded() / 10))
                w = w.adding(days: 7)
            }
            self.weeks = weeks
            targetMinutes = s.responseTargets.firstReply / 60
            complaintTargetMinutes = min(s.responseTargets.firstReply, s.responseTargets.complaint) / 60
            businessHours = s.responseTargets.businessHours != nil
            overdue = input.overdue.map { i in
                Overdue(id: i.id, channel: i.channel, author: i.authorHandle,
                        text: i.text.count > 140 ? String(i.text.prefix(140)) + "…" : i.text, deadline: i.deadline.map(clock.isoLocal) ?? "",
                        owner: i.owner, minutesOverdue: Int((input.now.timeIntervalSince(i.deadline ?? input.now) / 60).rounded(.down)))
            }
            overdueTotal = input.overdueTotal
        }

        /// "1 h", "45 min".
        static func duration(_ minutes: Double) -> String {
            minutes >= 60 ? "\(formatNumber(minutes / 60, decimals: 1)) h" : "\(formatNumber(minutes, decimals: 0)) min"
        }

        var targetText: String {
            "first reply within \(Self.duration(targetMinutes)), complaints within \(Self.duration(complaintTargetMinutes))"
                + (businessHours ? " (business hours)" : " (around the clock)")
        }

        /// Text shown on a page: control characters as visible symbols (the stored text keeps them).
        static func visible(_ text: String) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.map { s in
                s.value < 0x20 ? Unicode.Scalar(0x2400 + s.value)! : s.value == 0x7F ? "\u{2421}" : s
            }))
        }

        // MARK: Markdown

        func markdown() -> [String] {
            var o = ["## Listening", ""]
            o.append("\(items) item\(items == 1 ? "" : "s") came in during the period (\(spam) spam left out). Target: \(targetText).")
            o.append("")
            o.append("| Week of | Items | Negative | Neutral | Positive | Topics | Median first reply | Answered in time |")
            o.append("|---|---:|---:|---:|---:|---|---:|---:|")
            for w in weeks {
                let topics = w.topics.prefix(4).map { "\(md($0.topic)) \($0.items)" }.joined(separator: ", ")
                let median = w.medianFirstReplyMinutes.map { Self.duration($0) + ($0 <= targetMinutes ? "" : " ⚠️") } ?? "–"
                o.append("| \(w.week) | \(w.items) | \(w.negative) | \(w.neutral) | \(w.positive) | \(topics.isEmpty ? "–" : topics) | \(median) | \(w.answeredWithinTarget.map { formatNumber($0, decimals: 1) + "%" } ?? "–") |")
            }
            o.append("")
            if overdueTotal == 0 {
                o.append("Nothing is overdue.")
            } else {
                o.append("**Overdue now: \(overdueTotal).**\(overdueTotal > overdue.count ? " The \(overdue.count) longest overdue:" : "")")
                o.append("")
                o.append("| Item | Channel | From | Text | Due | Owner |")
                o.append("|---|---|---|---|---|---|")
                for i in overdue {
                    o.append("| `\(md(i.id))` | \(md(i.channel)) | \(md(Self.visible(i.author))) | \(md(Self.visible(i.text))) | \(i.deadline) (\(Self.duration(Double(i.minutesOverdue))) ago) | \(i.owner.map(md) ?? "nobody") |")
                }
            }
            o.append("")
            return o
        }

        // MARK: HTML

        func html() -> String {
            var o = "<section class=\"part\" id=\"listening\">\n<h2>Listening</h2>\n"
            o += "<p>\(items) item\(items == 1 ? "" : "s") came in during the period (\(spam) spam left out). Target: \(htmlEscape(targetText)).</p>\n"
            o += sentimentChart()
            o += "<table><thead><tr><th>Week of</th><th>Items</th><th>Negative</th><th>Neutral</th><th>Positive</th><th>Topics</th><th>Median first reply</th><th>Answered in time</th></tr></thead><tbody>"
            for w in weeks {
                let topics = w.topics.prefix(4).map { "\(htmlEscape($0.topic)) \($0.items)" }.joined(separator: ", ")
                let median = w.medianFirstReplyMinutes.map { m in
                    m <= targetMinutes ? htmlEscape(Self.duration(m)) : "<b class=\"late\">\(htmlEscape(Self.duration(m)))</b>"
                } ?? "–"
                o += "<tr><td>\(w.week)</td><td>\(w.items)</td><td>\(w.negative)</td><td>\(w.neutral)</td><td>\(w.positive)</td><td>\(topics.isEmpty ? "–" : topics)</td><td>\(median)</td><td>\(w.answeredWithinTarget.map { formatNumber($0, decimals: 1) + "%" } ?? "–")</td></tr>"
            }
            o += "</tbody></table>\n"
            if overdueTotal == 0 {
                o += "<p>Nothing is overdue.</p>\n"
            } else {
                o += "<h3>Overdue now: \(overdueTotal)</h3>\n<table><thead><tr><th>Item</th><th>Channel</th><th>From</th><th>Text</th><th>Due</th><th>Owner</th></tr></thead><tbody>"
                for i in overdue {
                    o += "<tr><td>\(htmlEscape(i.id))</td><td>\(htmlEscape(i.channel))</td><td>\(htmlEscape(Self.visible(i.author)))</td><td>\(htmlEscape(Self.visible(i.text)))</td><td>\(htmlEscape(i.deadline)) (\(htmlEscape(Self.duration(Double(i.minutesOverdue)))) ago)</td><td>\(htmlEscape(i.owner ?? "nobody"))</td></tr>"
                }
                o += "</tbody></table>\n"
            }
            return o + "</section>\n"
        }

        /// Items per week stacked by sentiment.
        func sentimentChart() -> String {
            let barW = 22.0, gap = 8.0, left = 28.0, top = 10.0, bottom = 24.0, h = 140.0
            let w = left + Double(weeks.count) * (barW + gap) + 8
            let maxTotal = Double(max(weeks.map(\.items).max() ?? 0, 1))
            func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - v / maxTotal) }
            func n(_ v: Double) -> String { formatNumber(v, decimals: 1) }
            var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart mix\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\" aria-label=\"inbox items per week by sentiment\"><title>inbox items per week by sentiment</title>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y(maxTotal) + 8))\" text-anchor=\"end\" class=\"ax\">\(Int(maxTotal))</text>"
            for (i, wk) in weeks.enumerated() {
                let x0 = left + Double(i) * (barW + gap) + gap / 2
                var acc = 0.0
                for (count, color, name) in [(wk.negative, "#b91c1c", "negative"), (wk.neutral, "#9ca3af", "neutral"), (wk.positive, "#15803d", "positive")] where count > 0 {
                    let y1 = y(acc + Double(count)), y0 = y(acc)
                    s += "<rect x=\"\(n(x0))\" y=\"\(n(y1))\" width=\"\(n(barW))\" height=\"\(n(max(0, y0 - y1 - 1)))\" fill=\"\(color)\"><title>week of \(wk.week): \(count) \(name)</title></rect>"
                    acc += Double(count)
                }
            }
            s += "<text x=\"\(n(w - 4))\" y=\"\(n(h - 4))\" text-anchor=\"end\" class=\"ax\">weeks · red negative, grey neutral, green positive</text>"
            return s + "</svg>\n"
        }
    }
}
