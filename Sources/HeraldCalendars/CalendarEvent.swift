import HeraldModel

/// One occurrence of a calendar event: a holiday, an observance, a meeting.
///
/// A recurring event yields one `CalendarEvent` per occurrence; a multi-day event is one occurrence that
/// covers `start...end`. Only days matter to the planner, so times of day are not kept.
public struct CalendarEvent: Sendable, Hashable {
    /// The event's `UID`, shared by all occurrences of a recurring event.
    public var uid: String?
    /// The `SUMMARY` (the title), unescaped; empty when the event has none.
    public var summary: String
    /// The `DESCRIPTION`, unescaped (`\n` becomes a line break).
    public var description: String?
    /// The `CATEGORIES`, in order, from every `CATEGORIES` line of the event.
    public var categories: [String]
    /// First day of this occurrence: the local date in the event's own zone (TZID), the UTC date for UTC
    /// times, the date as written for floating times and all-day events.
    public var start: LocalDate
    /// Last day covered, inclusive (an all-day DTEND is exclusive, so DTEND 20270220 ends on 2027-02-19;
    /// a timed event ends on the date of its end, or the day before when it ends exactly at midnight).
    public var end: LocalDate
    /// Whether DTSTART is a date (`VALUE=DATE`) rather than a date and time.
    public var allDay: Bool
    /// 1-based line in the file where the VEVENT begins.
    public var line: Int

    /// The days the occurrence covers, both ends inclusive.
    public var days: DateRange { DateRange(start: start, end: end) }

    public init(uid: String? = nil, summary: String, description: String? = nil, categories: [String] = [],
                start: LocalDate, end: LocalDate, allDay: Bool, line: Int) {
        self.uid = uid; self.summary = summary; self.description = description; self.categories = categories
        self.start = start; self.end = end; self.allDay = allDay; self.line = line
    }
}

/// A calendar file that has been read and checked: its events, ready to be expanded over any range of days.
public struct ParsedCalendar: Sendable {
    /// The calendar's display name (`X-WR-CALNAME`), if it has one.
    public var name: String?
    /// The file it came from, as given to `ICSReader.parse`.
    public var file: String
    /// The events as written (recurring ones not yet expanded), in file order.
    var definitions: [EventDefinition]

    init(name: String?, file: String, definitions: [EventDefinition]) {
        self.name = name; self.file = file; self.definitions = definitions
    }

    /// Every occurrence that touches `range` (its first or last day or a day between falls in the range),
    /// recurrences expanded (RRULE, RDATE, EXDATE, changed single occurrences), sorted by start, then summary
    /// (Unicode code points), then line.
    public func occurrences(in range: DateRange) -> [CalendarEvent] {
        var result: [CalendarEvent] = []
        for definition in definitions {
            definition.expand(in: range, into: &result)
        }
        result.sort { a, b in
            if a.start != b.start { return a.start < b.start }
            if a.summary != b.summary {
                return a.summary.unicodeScalars.lexicographicallyPrecedes(b.summary.unicodeScalars)
            }
            if a.line != b.line { return a.line < b.line }
            return a.end < b.end
        }
        return result
    }
}

/// Why a calendar file cannot be read: where, and what to fix.
public struct CalendarError: Error, Sendable, CustomStringConvertible {
    /// The file, as given to `ICSReader.parse`.
    public var file: String
    /// The 1-based physical line of the problem; a problem with a whole component (an event without a
    /// start, a component never closed) is reported at its `BEGIN` line.
    public var line: Int
    /// What is wrong and what to do about it, in words a marketer can act on.
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file; self.line = line; self.reason = reason
    }

    /// `holidays.ics:24: DTSTART: '20271345' is not a valid date …`
    public var description: String { "\(file):\(line): \(reason)" }
}
