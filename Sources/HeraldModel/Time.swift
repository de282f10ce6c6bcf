import Foundation
import Synchronization

/// A calendar date without a time or zone (a day in the strategy's time zone).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when the day does not exist (e.g. 2027-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let w = ((daysSinceEpoch % 7) + 7 + 3) % 7  // 0 = Monday
        return Weekday(rawValue: w + 1)!
    }

    /// The Monday of this date's ISO week.
    public var startOfWeek: LocalDate { adding(days: -(weekday.rawValue - 1)) }

    public var firstOfMonth: LocalDate { LocalDate(unchecked: year, month, 1) }

    public var lastOfMonth: LocalDate { LocalDate(unchecked: year, month, LocalDate.daysIn(month: month, year: year)) }

    public var iso: String {
        let y = String(year), m = month < 10 ? "0\(month)" : "\(month)", d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    public var description: String { iso }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// A wall-clock time of day (`HH:mm`).
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour; self.minute = minute
    }

    /// Parses `HH:mm` (24-hour clock, two-digit minutes).
    public init?(hhmm text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    public var minutesSinceMidnight: Int { hour * 60 + minute }

    public var description: String {
        (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (minute < 10 ? "0\(minute)" : "\(minute)")
    }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.minutesSinceMidnight < b.minutesSinceMidnight }
}

/// A day of the week, Monday first (ISO 8601).
public enum Weekday: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The short names accepted in strategy files.
    public var shortName: String {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue - 1]
    }

    public var description: String { shortName }

    /// Accepts `mon`, `monday`, `Mon`, … .
    public init?(name: String) {
        let n = name.lowercased()
        guard n.count >= 3, let match = Weekday.allCases.first(where: { n == $0.shortName || n == $0.fullName.lowercased() }) else { return nil }
        self = match
    }

    public var fullName: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][rawValue - 1]
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }
}

/// An inclusive range of days.
public struct DateRange: Hashable, Sendable, CustomStringConvertible {
    public let start: LocalDate
    public let end: LocalDate

    public init(start: LocalDate, end: LocalDate) {
        self.start = start; self.end = end
    }

    public func contains(_ date: LocalDate) -> Bool { start <= date && date <= end }

    public func overlaps(_ other: DateRange) -> Bool { start <= other.end && other.start <= end }

    public var dayCount: Int { start.days(to: end) + 1 }

    public var days: [LocalDate] { (0..<dayCount).map { start.adding(days: $0) } }

    public var description: String { "\(start.iso)..\(end.iso)" }
}

/// Converts between wall-clock times in one IANA zone and instants (UTC).
///
/// Times that do not exist (the hour skipped when clocks go forward) move forward by the gap;
/// times that occur twice (when clocks go back) take the first occurrence.
public struct ZoneClock: Sendable {
    public let timeZone: TimeZone
    /// Offsets already looked up, by UTC day: planning and exports ask for the same few hundred days again and again,
    /// and each Foundation time-zone lookup costs far more than a dictionary's.
    let offsets = OffsetCache()

    public init(_ timeZone: TimeZone) { self.timeZone = timeZone }

    /// The zone named by a validated strategy; UTC if the name is unknown here (the strategy loader refuses unknown
    /// zones, so this only guards values built in code).
    public static func orUTC(_ identifier: String) -> ZoneClock {
        ZoneClock(identifier: identifier) ?? ZoneClock(TimeZone(secondsFromGMT: 0)!)
    }

    public init?(identifier: String) {
        guard let tz = TimeZone(identifier: identifier) else { return nil }
        self.timeZone = tz
    }

    public var identifier: String { timeZone.identifier }

    /// The zone's offset from UTC in seconds at an instant.
    public func offset(at instant: Date) -> Int {
        let seconds = instant.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else { return timeZone.secondsFromGMT(for: instant) }
        let day = floorDiv(Int64(seconds.rounded(.down)), 86_400)
        switch offsets.lookup(day: day) {
        case .some(.some(let known)): return known
        case .some(.none): return timeZone.secondsFromGMT(for: instant)
        case .none: break
        }
        // A day whose first and last second have the same offset has it throughout (no zone changes twice in a day).
        let first = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(day * 86_400)))
        let last = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(day * 86_400 + 86_399)))
        offsets.record(day: day, offset: first == last ? first : nil)
        return first == last ? first : timeZone.secondsFromGMT(for: instant)
    }

    /// The instant at which the wall clock shows `date` `time`.
    public func instant(_ date: LocalDate, _ time: LocalTime) -> Date {
        let wall = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.minutesSinceMidnight) * 60
        // Try the offsets in force a day either side; pick the earliest that maps back to the wall time.
        let before = Int64(offset(at: Date(timeIntervalSince1970: TimeInterval(wall - 86_400))))
        let after = Int64(offset(at: Date(timeIntervalSince1970: TimeInterval(wall + 86_400))))
        var candidates: [Int64] = []
        for off in [before, after] where !candidates.contains(wall - off) {
            let t = wall - off
            if Int64(offset(at: Date(timeIntervalSince1970: TimeInterval(t)))) == off { candidates.append(t) }
        }
        if let first = candidates.min() { return Date(timeIntervalSince1970: TimeInterval(first)) }
        // In a gap: the wall time never happens; use the offset before the change, which lands after it.
        return Date(timeIntervalSince1970: TimeInterval(wall - before))
    }

    /// The wall-clock date and time of an instant, with the offset in seconds.
    public func local(_ instant: Date) -> (date: LocalDate, time: LocalTime, offset: Int) {
        let off = offset(at: instant)
        let wall = Int64(instant.timeIntervalSince1970.rounded(.down)) + Int64(off)
        let days = Int(floorDiv(wall, 86_400))
        let secs = Int(wall - Int64(days) * 86_400)
        return (LocalDate(daysSinceEpoch: days), LocalTime(hour: secs / 3600, minute: (secs % 3600) / 60)!, off)
    }

    public func localDate(_ instant: Date) -> LocalDate { local(instant).date }

    /// ISO 8601 with the zone's offset, e.g. `2027-02-03T10:00:00+01:00`.
    public func isoLocal(_ instant: Date) -> String {
        let l = local(instant)
        return "\(l.date.iso)T\(l.time):00\(Self.offsetString(l.offset))"
    }

    public static func offsetString(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        let h = a / 3600, m = (a % 3600) / 60
        return sign + (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }
}

/// Offsets by UTC day for one `ZoneClock` (and its copies), safe to share between threads.
final class OffsetCache: Sendable {
    /// nil: the offset changes during that day, so it is looked up by the second.
    private let days = Mutex<[Int64: Int?]>([:])

    /// The day's offset; `.some(nil)` when it changes during the day, nil when the day was not looked up yet.
    func lookup(day: Int64) -> Int?? { days.withLock { $0[day] } }

    func record(day: Int64, offset: Int?) { days.withLock { $0[day] = .some(offset) } }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

extension Date {
    /// `2027-02-03T09:00:00Z`
    public var isoUTC: String {
        let secs = Int64(timeIntervalSince1970.rounded(.down))
        let days = Int(floorDiv(secs, 86_400))
        let rem = Int(secs - Int64(days) * 86_400)
        let h = rem / 3600, m = (rem % 3600) / 60, s = rem % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(LocalDate(daysSinceEpoch: days).iso)T\(two(h)):\(two(m)):\(two(s))Z"
    }

    /// Parses `2027-02-03T09:00:00Z`, `2027-02-03T10:00:00+01:00`, or `2027-02-03T09:00Z`.
    public init?(iso text: String) {
        var s = Substring(text)
        guard s.count >= 16 else { return nil }
        let datePart = s.prefix(10)
        guard let date = LocalDate(iso: String(datePart)) else { return nil }
        s = s.dropFirst(10)
        guard s.first == "T" || s.first == " " else { return nil }
        s = s.dropFirst()
        let hh = s.prefix(2), mm = s.dropFirst(3).prefix(2)
        guard s.dropFirst(2).first == ":", let h = Int(hh), let m = Int(mm), h < 24, m < 60 else { return nil }
        s = s.dropFirst(5)
        var sec = 0
        if s.first == ":" {
            guard let v = Int(s.dropFirst().prefix(2)), v < 61 else { return nil }
            sec = v
            s = s.dropFirst(3)
            if s.first == "." { s = s.dropFirst().drop(while: { $0.isNumber }) }
        }
        var offset = 0
        if s == "Z" || s == "z" {
            offset = 0
        } else if let sign = s.first, sign == "+" || sign == "-", s.count == 6 || s.count == 5 {
            let body = s.dropFirst().replacingOccurrences(of: ":", with: "")
            guard body.count == 4, let oh = Int(body.prefix(2)), let om = Int(body.suffix(2)) else { return nil }
            offset = (oh * 3600 + om * 60) * (sign == "-" ? -1 : 1)
        } else {
            return nil
        }
        let secs = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + sec) - Int64(offset)
        self.init(timeIntervalSince1970: TimeInterval(secs))
    }
}
