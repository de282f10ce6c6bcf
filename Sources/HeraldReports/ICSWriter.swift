import Foundation
import HeraldModel

/// Writes posts as an RFC 5545 calendar, one VEVENT per post, event by event into a sink: memory stays flat in the
/// number of posts.
///
/// Lines end in CRLF and are folded at 75 octets, never inside a UTF-8 sequence; TEXT values are escaped. Each
/// event's UID is derived from the post id and the brand, so exporting again and re-importing updates events in a
/// calendar app instead of duplicating them. Times carry the strategy's TZID with a VTIMEZONE that lists the zone's
/// transitions around the exported range, or are written in UTC.
public struct ICSWriter<Sink: TextSink> {
    public struct Options: Sendable {
        /// The calendar's display name (X-WR-CALNAME).
        public var name: String
        /// The days exported; the VTIMEZONE covers them.
        public var range: DateRange
        /// The time written as DTSTAMP (the export's time).
        public var generatedAt: Date
        /// Write times in UTC instead of the strategy's zone.
        public var utc: Bool
        /// How long each event lasts in a calendar app.
        public var eventMinutes: Int

        public init(name: String, range: DateRange, generatedAt: Date, utc: Bool = false, eventMinutes: Int = ICSDefaults.eventMinutes) {
            self.name = name; self.range = range; self.generatedAt = generatedAt; self.utc = utc; self.eventMinutes = eventMinutes
        }
    }

    public private(set) var sink: Sink
    let labels: PostLabels
    let clock: ZoneClock
    let options: Options
    let stamp: String
    let uidDomain: String
    public private(set) var events = 0
    /// The lines of the event being written, folded, as UTF-8.
    var pending: [UInt8] = []

    public init(strategy: Strategy, clock: ZoneClock, options: Options, sink: Sink) {
        self.sink = sink
        labels = PostLabels(strategy)
        self.clock = clock
        self.options = options
        stamp = ICSFormat.utc(options.generatedAt)
        uidDomain = slug(strategy.brand.name) + ".herald"
    }

    /// The calendar's header and its VTIMEZONE.
    public mutating func begin() throws {
        try line("BEGIN:VCALENDAR")
        try line("VERSION:2.0")
        try line("PRODID:-//Herald//Herald social-media planner//EN")
        try line("CALSCALE:GREGORIAN")
        try line("METHOD:PUBLISH")
        try line("X-WR-CALNAME:" + ICSFormat.text(options.name))
        if !options.utc {
            try line("X-WR-TIMEZONE:" + clock.identifier)
            for l in ICSFormat.vtimezone(clock, around: options.range) { try line(l) }
        }
        try sink.write(utf8: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// One post as one VEVENT.
    public mutating func write(_ p: Post) throws {
        try line("BEGIN:VEVENT")
        try line("UID:" + ICSFormat.text("\(p.id)@\(uidDomain)"))
        try line("DTSTAMP:" + stamp)
        if options.utc {
            try line("DTSTART:" + ICSFormat.utc(p.scheduledAt))
        } else {
            try line("DTSTART;TZID=\(clock.identifier):" + ICSFormat.local(clock, p.scheduledAt))
        }
        try line("DURATION:PT\(options.eventMinutes)M")
        try line("SUMMARY:" + ICSFormat.text(labels.summary(p)))
        try line("DESCRIPTION:" + ICSFormat.text(description(p)))
        try line("CATEGORIES:" + ICSFormat.text(p.kind.rawValue))
        try line("STATUS:" + ICSFormat.status(p.status))
        try line("TRANSP:TRANSPARENT")
        if let link = labels.link(p), link.hasPrefix("http"), link.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) { try line("URL:" + link) }
        try line("X-HERALD-POST:" + ICSFormat.text(p.id))
        try line("X-HERALD-CHANNEL:" + ICSFormat.text(p.channel))
        if let o = p.owner { try line("X-HERALD-OWNER:" + ICSFormat.text(o)) }
        try line("END:VEVENT")
        try sink.write(utf8: pending)
        pending.removeAll(keepingCapacity: true)
        events += 1
    }

    public mutating func end() throws {
        try line("END:VCALENDAR")
        try sink.write(utf8: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// What the event's description says: the post's body and where it fits in the plan.
    func description(_ p: Post) -> String {
        var parts: [String] = []
        parts.append("Channel: \(p.channel) (\(p.network.rawValue))")
        if let g = p.goal { parts.append("Goal: " + (labels.goalTitle(g).map { "\(g) — \($0)" } ?? g)) }
        parts.append("Owner: " + (labels.ownerName(p).map { name in p.owner == name ? name : "\(name) (\(p.owner!))" } ?? "nobody yet"))
        parts.append("Status: \(p.status.rawValue)")
        if let c = p.campaign { parts.append("Campaign: " + (labels.campaignName(c).map { "\($0) (\(c))" } ?? c)) }
        if let t = p.topic { parts.append("Topic: \(t)") }
        parts.append("Post: \(p.id)")
        if let body = p.body, !body.isEmpty { parts.append(""); parts.append(body) }
        return parts.joined(separator: "\n")
    }

    mutating func line(_ content: String) throws {
        ICSFormat.fold(content, into: &pending)
    }
}

public enum ICSDefaults {
    /// How long a post's event lasts in a calendar app.
    public static let eventMinutes = 15
    /// The longest line, in octets, before it is folded (RFC 5545 §3.1).
    public static let lineOctets = 75
}

/// RFC 5545 formatting: folding, TEXT escaping, date-times, VTIMEZONE.
public enum ICSFormat {
    /// Folds one content line at 75 octets (continuation lines start with a space, which counts) and hands over each
    /// physical line with its CRLF. A fold never splits a UTF-8 sequence.
    public static func fold(_ content: String, _ emit: (String) throws -> Void) rethrows {
        var out: [UInt8] = []
        fold(content, into: &out)
        var start = 0
        for i in out.indices where out[i] == 10 {
            try emit(String(decoding: out[start...i], as: UTF8.self))
            start = i + 1
        }
    }

    /// Appends one folded content line, with its CRLF, to a byte buffer.
    public static func fold(_ content: String, into out: inout [UInt8]) {
        var content = content
        content.withUTF8 { bytes in
            var start = 0
            var first = true
            repeat {
                let limit = first ? ICSDefaults.lineOctets : ICSDefaults.lineOctets - 1
                var end = min(start + limit, bytes.count)
                // Step back to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
                while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
                if !first { out.append(0x20) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                out.append(13)
                out.append(10)
                first = false
                start = end
            } while start < bytes.count
        }
    }

    /// Escapes a TEXT value: backslash, semicolon, comma, and line breaks as `\n`; a tab becomes a space, other
    /// control characters are dropped. Works on UTF-8 bytes: every byte it changes is ASCII.
    public static func text(_ value: String) -> String {
        var clean = true
        for b in value.utf8 where b < 0x20 || b == 0x5C || b == 0x3B || b == 0x2C || b == 0x7F {
            clean = false
            break
        }
        if clean { return value }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 16)
        var previousCR = false
        for b in value.utf8 {
            switch b {
            case 0x5C, 0x3B, 0x2C: out.append(0x5C); out.append(b)
            case 13: out.append(0x5C); out.append(0x6E)
            case 10: if !previousCR { out.append(0x5C); out.append(0x6E) }
            case 9: out.append(0x20)
            default: if b >= 0x20 && b != 0x7F { out.append(b) }
            }
            previousCR = b == 13
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `20270203T083000Z`
    public static func utc(_ instant: Date) -> String {
        basic(UTCClock.local(instant)) + "Z"
    }

    /// `20270203T093000`, the wall-clock time in the zone.
    public static func local(_ clock: ZoneClock, _ instant: Date) -> String {
        let l = clock.local(instant)
        let second = Int(instant.timeIntervalSince1970.rounded(.down)) % 60
        return basic((date: l.date, time: l.time, second: second < 0 ? second + 60 : second))
    }

    static func basic(_ l: (date: LocalDate, time: LocalTime, second: Int)) -> String {
        four(l.date.year) + two(l.date.month) + two(l.date.day) + "T" + two(l.time.hour) + two(l.time.minute) + two(l.second)
    }

    /// `+0100`
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        return sign + two(a / 3600) + two((a % 3600) / 60) + (a % 60 == 0 ? "" : two(a % 60))
    }

    /// A VEVENT's STATUS for a post's status.
    public static func status(_ s: PostStatus) -> String {
        switch s {
        case .planned, .drafted, .paused: "TENTATIVE"
        case .approved, .published: "CONFIRMED"
        case .cancelled, .expired, .failed: "CANCELLED"
        }
    }

    /// A VTIMEZONE for the zone: one observance per offset change from the one in force before `range` to the last
    /// one inside it (a zone without changes gets one STANDARD observance).
    public static func vtimezone(_ clock: ZoneClock, around range: DateRange) -> [String] {
        let tz = clock.timeZone
        let start = UTCClock.instant(range.start.adding(days: -1))
        let end = UTCClock.instant(range.end.adding(days: 2))
        var transitions: [Date] = []
        var cursor = start.addingTimeInterval(-400 * 86_400)
        while let next = tz.nextDaylightSavingTimeTransition(after: cursor), next <= end, transitions.count < 1000 {
            transitions.append(next)
            cursor = next
        }
        // Keep the last change before the range (it sets the offset the range starts with) and every one inside it.
        if let lastBefore = transitions.lastIndex(where: { $0 <= start }) { transitions.removeFirst(lastBefore) }
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(clock.identifier)"]
        func observance(_ at: Date?, from: Int, to: Int, daylight: Bool, name: String?) {
            let kind = daylight ? "DAYLIGHT" : "STANDARD"
            lines.append("BEGIN:\(kind)")
            if let at {
                // DTSTART of an observance is the local time just before the change, in the old offset.
                let wall = Date(timeIntervalSince1970: at.timeIntervalSince1970 + Double(from))
                lines.append("DTSTART:" + basic(UTCClock.local(wall)))
            } else {
                lines.append("DTSTART:19700101T000000")
            }
            lines.append("TZOFFSETFROM:" + offset(from))
            lines.append("TZOFFSETTO:" + offset(to))
            if let name, !name.isEmpty { lines.append("TZNAME:" + text(name)) }
            lines.append("END:\(kind)")
        }
        if transitions.isEmpty || transitions[0] > start {
            let before = transitions.first.map { $0.addingTimeInterval(-1) } ?? start
            let off = tz.secondsFromGMT(for: before)
            observance(nil, from: off, to: off, daylight: tz.isDaylightSavingTime(for: before), name: tz.abbreviation(for: before))
        }
        for t in transitions {
            observance(t, from: tz.secondsFromGMT(for: t.addingTimeInterval(-1)), to: tz.secondsFromGMT(for: t),
                       daylight: tz.isDaylightSavingTime(for: t), name: tz.abbreviation(for: t))
        }
        lines.append("END:VTIMEZONE")
        return lines
    }
}

/// UTC wall-clock conversions without Foundation calendars.
enum UTCClock {
    static func local(_ instant: Date) -> (date: LocalDate, time: LocalTime, second: Int) {
        let secs = Int64(instant.timeIntervalSince1970.rounded(.down))
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let r = Int(rem)
        return (LocalDate(daysSinceEpoch: Int(days)), LocalTime(hour: r / 3600, minute: (r % 3600) / 60)!, r % 60)
    }

    static func instant(_ date: LocalDate) -> Date {
        Date(timeIntervalSince1970: TimeInterval(Int64(date.daysSinceEpoch) * 86_400))
    }
}
