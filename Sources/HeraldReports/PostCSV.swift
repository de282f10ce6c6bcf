import Foundation
import HeraldModel

/// Herald's own CSV layout: one row per post with the calendar's fields, for spreadsheets and for `herald import`.
///
/// Times are local to the strategy's zone (`date`, `time`) with the UTC instant beside them; `media` holds URLs
/// separated by spaces. Values that a spreadsheet would take for a formula are neutralised (`CSV.guardFormula`).
public enum PostCSV {
    public static let header = ["id", "date", "time", "weekday", "channel", "network", "kind", "step", "campaign", "goal",
                                "owner", "status", "topic", "body", "link", "media", "scheduled_at", "locked", "source"]

    public static func headerLine() -> String { CSV.record(header, guardFormulas: false) }

    public static func row(_ p: Post, clock: ZoneClock) -> [String] {
        let l = clock.local(p.scheduledAt)
        return [p.id, l.date.iso, l.time.description, l.date.weekday.shortName, p.channel, p.network.rawValue, p.kind.rawValue,
                p.step?.rawValue ?? "", p.campaign ?? "", p.goal ?? "", p.owner ?? "", p.status.rawValue, p.topic ?? "",
                p.body ?? "", p.link ?? "", p.media.joined(separator: " "), p.scheduledAt.isoUTC, p.locked ? "true" : "false",
                p.source.rawValue]
    }

    /// Writes the header and every post, streaming.
    public static func write<S: TextSink, Posts: Sequence<Post>>(_ posts: Posts, clock: ZoneClock, guardFormulas: Bool = true,
                                                               into sink: inout S) throws -> Int {
        try sink.write(headerLine())
        var n = 0
        for p in posts {
            try sink.write(CSV.record(row(p, clock: clock), guardFormulas: guardFormulas))
            n += 1
        }
        return n
    }
}

/// Buffer's bulk upload: header `Text,Image URL,Tags,Posting Time`, one file per channel (a Buffer profile), times
/// `YYYY-MM-DD HH:mm` in the strategy's zone. Tags carry the kind, campaign and step so the file imports back.
public enum BufferCSV {
    public static let header = ["Text", "Image URL", "Tags", "Posting Time"]

    public static func headerLine() -> String { CSV.record(header, guardFormulas: false) }

    public static func tags(_ p: Post) -> String {
        ([p.kind.rawValue] + [p.campaign, p.step?.rawValue].compactMap { $0 }).joined(separator: ",")
    }

    public static func row(_ p: Post, clock: ZoneClock) -> [String] {
        [p.body ?? "", p.media.first ?? "", tags(p), clock.dateTimeText(p.scheduledAt)]
    }
}

/// Hootsuite's bulk composer: no header; each row `date time, message, link`. The date's order must match what the
/// uploader is set to; Hootsuite takes 24-hour times whose minutes end in 0 or 5.
public enum HootsuiteCSV {
    public enum DateFormat: String, CaseIterable, Sendable {
        case dayMonthYear = "dd/mm/yyyy"
        case monthDayYear = "mm/dd/yyyy"
        case yearMonthDay = "yyyy/mm/dd"

        public func text(_ d: LocalDate, _ t: LocalTime) -> String {
            let day = two(d.day), month = two(d.month), year = four(d.year)
            let date = switch self {
            case .dayMonthYear: "\(day)/\(month)/\(year)"
            case .monthDayYear: "\(month)/\(day)/\(year)"
            case .yearMonthDay: "\(year)/\(month)/\(day)"
            }
            return "\(date) \(t)"
        }
    }

    public static func row(_ p: Post, clock: ZoneClock, labels: PostLabels, format: DateFormat) -> [String] {
        let l = clock.local(p.scheduledAt)
        return [format.text(l.date, l.time), p.body ?? "", labels.link(p) ?? ""]
    }

    /// Whether Hootsuite's uploader accepts the post's minute.
    public static func acceptsTime(_ p: Post, clock: ZoneClock) -> Bool { clock.local(p.scheduledAt).time.minute % 5 == 0 }
}
