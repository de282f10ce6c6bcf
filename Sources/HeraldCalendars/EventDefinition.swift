import HeraldModel

/// One VEVENT as read, with everything placed on its own clock, ready to be expanded into occurrences.
struct EventDefinition: Sendable {
    var uid: String?
    var summary: String
    var description: String?
    var categories: [String]
    var allDay: Bool
    /// Where the VEVENT begins.
    var line: Int
    /// DTSTART's date and time of day, on the event's clock.
    var start: LocalDate
    var startSeconds: Int
    /// The clock DTSTART is on (`.floating` for all-day events).
    var basis: TimeBasis
    /// How many days after its first day each occurrence's last day is.
    var spanDays: Int
    var rule: RecurrenceRule?
    var bound: RecurrenceRule.Bound?
    /// RDATE dates, on the event's clock.
    var extraDates: [LocalDate]
    /// EXDATE dates and dates replaced by a changed occurrence (RECURRENCE-ID), on the event's clock.
    var excluded: Set<LocalDate>

    /// Whether other dates than DTSTART's belong to the event.
    var recurs: Bool { rule != nil || !extraDates.isEmpty }

    /// Appends the occurrences that touch `range`.
    func expand(in range: DateRange, into result: inout [CalendarEvent]) {
        // An occurrence touches the range when it starts no later than its end and ends no earlier than its start.
        let from = range.start.adding(days: -spanDays)
        var seen = Set<LocalDate>()
        let checkRepeats = !extraDates.isEmpty
        func emit(_ date: LocalDate) {
            guard date >= from, date <= range.end, !excluded.contains(date) else { return }
            if checkRepeats && !seen.insert(date).inserted { return }
            result.append(CalendarEvent(uid: uid, summary: summary, description: description, categories: categories,
                                        start: date, end: date.adding(days: spanDays), allDay: allDay, line: line))
        }
        if let rule {
            rule.forEachDate(start: start, startSeconds: startSeconds, bound: bound, notBefore: from, through: range.end, emit)
        } else {
            emit(start)
        }
        for date in extraDates { emit(date) }
    }
}
