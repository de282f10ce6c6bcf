import Foundation
import HeraldModel

/// A problem with one value, before it is placed on a line of a file.
struct ValueProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// What a date-time is relative to (RFC 5545 §3.3.5).
enum TimeBasis: Hashable, Sendable {
    /// No zone: the same wall-clock time wherever one is (and every DATE value).
    case floating
    /// Ends in `Z`.
    case utc
    /// `;TZID=…`, as written (an IANA name, a Windows name, or anything else).
    case zone(String)
}

/// A DATE or DATE-TIME value as written: a day, a time of day, and what it is relative to.
struct ICSTime: Hashable, Sendable {
    var date: LocalDate
    /// Seconds since midnight; 0 for a DATE.
    var seconds: Int
    var isDate: Bool
    var basis: TimeBasis

    /// Seconds since 1970-01-01T00:00 on the value's own wall clock.
    var wall: Int64 { Int64(date.daysSinceEpoch) * 86_400 + Int64(seconds) }
}

enum ICSValue {
    /// Parses a DATE (`20270105`) or DATE-TIME (`20270105T090000`, `20270105T090000Z`) value.
    /// - Parameters:
    ///   - valueType: the `VALUE` parameter, upper-cased, if given.
    ///   - tzid: the `TZID` parameter, if given.
    static func time(_ raw: Substring, valueType: String?, tzid: String?, property: String) throws(ValueProblem) -> ICSTime {
        let text = trim(raw)
        let bytes = Array(text.utf8)
        let example = "e.g. \(property);VALUE=DATE:20270105 for a day or \(property):20270105T090000 for a time"
        if let valueType, valueType != "DATE", valueType != "DATE-TIME" {
            throw ValueProblem("\(property): VALUE=\(valueType) is not supported here; write a date or a date and time, \(example).")
        }
        guard bytes.count >= 8, let year = digits(bytes, 0, 4), let month = digits(bytes, 4, 2), let day = digits(bytes, 6, 2) else {
            throw ValueProblem("\(property): '\(text)' is not a date; write it as YYYYMMDD (\(example)).")
        }
        let date = try validDate(year: year, month: month, day: day, text: text, property: property)
        if bytes.count == 8 {
            if valueType == "DATE-TIME" {
                throw ValueProblem("\(property): '\(text)' is a date but VALUE=DATE-TIME asks for a date and time; add the time (e.g. \(text)T090000) or write VALUE=DATE.")
            }
            return ICSTime(date: date, seconds: 0, isDate: true, basis: .floating)
        }
        let isUTC = bytes.count == 16 && (bytes[15] == UInt8(ascii: "Z") || bytes[15] == UInt8(ascii: "z"))
        guard bytes.count == 15 || isUTC, bytes[8] == UInt8(ascii: "T") || bytes[8] == UInt8(ascii: "t"),
              let hour = digits(bytes, 9, 2), let minute = digits(bytes, 11, 2), let second = digits(bytes, 13, 2) else {
            throw ValueProblem("\(property): '\(text)' is not a valid date-time; write YYYYMMDDTHHMMSS, with Z for UTC (\(example)).")
        }
        guard hour < 24, minute < 60, second <= 60 else {
            throw ValueProblem("\(property): '\(text)' is not a valid date-time: \(hour < 24 ? (minute < 60 ? "second \(second)" : "minute \(minute)") : "hour \(hour)") does not exist; write YYYYMMDDTHHMMSS, e.g. 20270105T090000.")
        }
        if valueType == "DATE" {
            throw ValueProblem("\(property): VALUE=DATE asks for a date, but '\(text)' has a time; write \(text.prefix(8)) or drop VALUE=DATE.")
        }
        let basis: TimeBasis = isUTC ? .utc : (tzid.map { .zone($0) } ?? .floating)
        return ICSTime(date: date, seconds: hour * 3600 + minute * 60 + min(second, 59), isDate: false, basis: basis)
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]

    private static func validDate(year: Int, month: Int, day: Int, text: Substring, property: String) throws(ValueProblem) -> LocalDate {
        if let date = LocalDate(year: year, month: month, day: day) { return date }
        let why: String
        if year < 1 {
            why = "there is no year 0"
        } else if !(1...12).contains(month) {
            why = "there is no month \(month)"
        } else {
            why = "\(monthNames[month - 1]) \(year) has \(LocalDate.daysIn(month: month, year: year)) days, so there is no day \(day)"
        }
        throw ValueProblem("\(property): '\(text)' is not a valid date (\(why)); write it as YYYYMMDD, e.g. 20270105.")
    }

    /// The text without spaces and tabs at either end.
    static func trim(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = text.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return text[text.endIndex...] }
        return text[first...last]
    }

    /// A run of ASCII digits as a number, or nil.
    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for i in start..<(start + count) {
            let b = bytes[i]
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    /// Parses a DURATION (`P1D`, `PT1H30M`, `P1W`, `P1DT2H`) into seconds; negative durations are refused.
    static func duration(_ text: Substring) throws(ValueProblem) -> Int {
        let bad = ValueProblem("DURATION: '\(text)' is not a duration; write e.g. P1D (a day), PT1H (an hour), PT30M, P1W (a week) or P1DT2H.")
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard bytes.first == UInt8(ascii: "P") || bytes.first == UInt8(ascii: "p") else { throw bad }
        bytes = bytes.dropFirst()
        var total = 0, number: Int?, inTime = false, sawPart = false
        for b in bytes {
            switch b {
            case 0x30...0x39:
                number = (number ?? 0) * 10 + Int(b - 0x30)
                if number! > 10_000_000 { throw bad }
            case UInt8(ascii: "T"), UInt8(ascii: "t"):
                guard number == nil, !inTime else { throw bad }
                inTime = true
            default:
                guard let n = number else { throw bad }
                switch (b | 0x20, inTime) {
                case (UInt8(ascii: "w"), false): total += n * 7 * 86_400
                case (UInt8(ascii: "d"), false): total += n * 86_400
                case (UInt8(ascii: "h"), true): total += n * 3600
                case (UInt8(ascii: "m"), true): total += n * 60
                case (UInt8(ascii: "s"), true): total += n
                default: throw bad
                }
                number = nil
                sawPart = true
            }
        }
        guard number == nil, sawPart else { throw bad }
        if negative && total > 0 {
            throw ValueProblem("DURATION: '\(text)' is negative; an event cannot end before it starts. Write e.g. PT1H.")
        }
        return total
    }

    /// Undoes TEXT escaping (RFC 5545 §3.3.11): `\n` and `\N` become a line break, `\,` `\;` `\\` their character.
    /// An unknown escape is kept as written.
    static func unescape(_ text: Substring) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var escaped = false
        for b in text.utf8 {
            if escaped {
                switch b {
                case UInt8(ascii: "n"), UInt8(ascii: "N"): out.append(0x0A)
                case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\\"): out.append(b)
                default: out.append(UInt8(ascii: "\\")); out.append(b)
                }
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else {
                out.append(b)
            }
        }
        if escaped { out.append(UInt8(ascii: "\\")) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Splits a list value at commas that are not escaped (`\,`), without unescaping.
    static func splitList(_ text: Substring) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex, escaped = false
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "," {
                parts.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        parts.append(text[start..<text.endIndex])
        return parts
    }
}

/// Finds the clock for a TZID: an IANA name, a common Windows name (as Outlook writes), or a path ending in
/// an IANA name (`/mozilla.org/20050126_1/Europe/Warsaw`). Unknown names give nil: the times are then read
/// as written, which is right for the dates Herald needs.
struct ZoneResolver {
    private var cache: [String: ZoneClock?] = [:]

    mutating func clock(_ tzid: String) -> ZoneClock? {
        if let known = cache[tzid] { return known }
        let found = Self.lookUp(tzid)
        cache[tzid] = found
        return found
    }

    private static func lookUp(_ tzid: String) -> ZoneClock? {
        let name = tzid.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        if let iana = WindowsZones.iana[name] { return ZoneClock(identifier: iana) }
        if name.contains("/") {
            let parts = name.split(separator: "/")
            if let clock = ZoneClock(identifier: parts.joined(separator: "/")) { return clock }
            if parts.count >= 2, let clock = ZoneClock(identifier: parts.suffix(2).joined(separator: "/")) { return clock }
            if parts.count >= 3, let clock = ZoneClock(identifier: parts.suffix(3).joined(separator: "/")) { return clock }
            return nil
        }
        // Only plain names such as UTC or GMT: Foundation also accepts odd spellings we would rather not guess at.
        return name.allSatisfy({ $0.isLetter || $0 == "_" }) ? ZoneClock(identifier: name) : nil
    }

    /// The instant (seconds since 1970 UTC) a value stands for, or nil for floating times, dates and unknown zones.
    mutating func instant(_ t: ICSTime) -> Int64? {
        guard !t.isDate else { return nil }
        switch t.basis {
        case .floating: return nil
        case .utc: return t.wall
        case .zone(let id):
            guard let clock = clock(id), let time = LocalTime(hour: t.seconds / 3600, minute: (t.seconds % 3600) / 60) else { return nil }
            return Int64(clock.instant(t.date, time).timeIntervalSince1970) + Int64(t.seconds % 60)
        }
    }

    /// The wall-clock seconds of `t` on the clock of `basis`; as written when either side has no known zone.
    mutating func wall(of t: ICSTime, on basis: TimeBasis) -> Int64 {
        guard !t.isDate, t.basis != basis, let instant = instant(t) else { return t.wall }
        switch basis {
        case .floating: return t.wall
        case .utc: return instant
        case .zone(let id):
            guard let clock = clock(id) else { return t.wall }
            return instant + Int64(clock.offset(at: Date(timeIntervalSince1970: TimeInterval(instant))))
        }
    }

    /// Whether `wall(of:on:)` can convert exactly (both sides known), rather than read the value as written.
    mutating func canConvert(_ t: ICSTime, to basis: TimeBasis) -> Bool {
        if t.isDate || t.basis == basis { return true }
        guard instant(t) != nil else { return false }
        switch basis {
        case .floating: return false
        case .utc: return true
        case .zone(let id): return clock(id) != nil
        }
    }
}

extension LocalDate {
    /// The date of a wall-clock second count (floor division by a day).
    init(wall: Int64) {
        let days = wall >= 0 ? wall / 86_400 : -((-wall + 86_399) / 86_400)
        self.init(daysSinceEpoch: Int(days))
    }
}
