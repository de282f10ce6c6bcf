import HeraldModel

/// An `RRULE` (RFC 5545 §3.3.10), limited to what calendars of days need: FREQ DAILY, WEEKLY, MONTHLY or
/// YEARLY with INTERVAL, COUNT, UNTIL, BYDAY (with ordinals such as `2SU` or `-1FR` for MONTHLY and YEARLY),
/// BYMONTH, BYMONTHDAY and WKST.
struct RecurrenceRule: Sendable, Hashable {
    enum Frequency: String, Sendable { case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY" }

    /// A BYDAY entry: a weekday, and which one in the month or year (`2` second, `-1` last; 0 = every one).
    struct WeekdayNumber: Sendable, Hashable {
        var ordinal: Int
        var weekday: Weekday
    }

    var frequency: Frequency
    var interval = 1
    var count: Int?
    var until: ICSTime?
    var byDay: [WeekdayNumber] = []
    var byMonth: [Int] = []
    var byMonthDay: [Int] = []
    var weekStart: Weekday = .monday

    static let supportedParts = "FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTH, BYMONTHDAY and WKST"
    private static let unsupportedParts: Set<String> = ["BYSETPOS", "BYWEEKNO", "BYYEARDAY", "BYHOUR", "BYMINUTE", "BYSECOND"]
    private static let weekdayCodes: [String: Weekday] = [
        "MO": .monday, "TU": .tuesday, "WE": .wednesday, "TH": .thursday, "FR": .friday, "SA": .saturday, "SU": .sunday,
    ]

    /// Parses the value of an RRULE line, e.g. `FREQ=MONTHLY;BYDAY=-1FR;COUNT=6`.
    static func parse(_ text: Substring) throws(ValueProblem) -> RecurrenceRule {
        var parts: [String: Substring] = [:]
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            guard let eq = part.firstIndex(of: "=") else {
                throw ValueProblem("RRULE: '\(part)' is not a NAME=VALUE part; write e.g. RRULE:FREQ=WEEKLY;BYDAY=MO.")
            }
            let name = part[..<eq].uppercased()
            if name.hasPrefix("X-") { continue }
            if unsupportedParts.contains(name) {
                throw ValueProblem("RRULE: \(part) is not supported; Herald understands \(supportedParts). Rewrite the rule with those, or list the dates with RDATE.")
            }
            guard ["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "BYMONTHDAY", "WKST"].contains(name) else {
                throw ValueProblem("RRULE: '\(name)' is not a rule part; Herald understands \(supportedParts).")
            }
            guard parts[name] == nil else {
                throw ValueProblem("RRULE: \(name) is given twice; keep one.")
            }
            parts[name] = part[part.index(after: eq)...]
        }
        guard let freqText = parts["FREQ"] else {
            throw ValueProblem("RRULE: the rule has no FREQ; start it with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
        }
        let freq = freqText.uppercased()
        guard let frequency = Frequency(rawValue: freq) else {
            if ["SECONDLY", "MINUTELY", "HOURLY"].contains(freq) {
                throw ValueProblem("RRULE: FREQ=\(freq) is not supported, since Herald plans whole days; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
            }
            throw ValueProblem("RRULE: FREQ=\(freqText) is not a repeat frequency; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
        }
        var rule = RecurrenceRule(frequency: frequency)
        if let text = parts["INTERVAL"] {
            guard let n = Int(text), n >= 1, n <= 10_000 else {
                throw ValueProblem("RRULE: INTERVAL=\(text) must be a whole number of at least 1, e.g. INTERVAL=2 for every other time.")
            }
            rule.interval = n
        }
        if let text = parts["COUNT"] {
            guard let n = Int(text), n >= 1 else {
                throw ValueProblem("RRULE: COUNT=\(text) must be a whole number of at least 1 (how many times the event happens).")
            }
            rule.count = n
        }
        if let text = parts["UNTIL"] {
            rule.until = try ICSValue.time(text, valueType: nil, tzid: nil, property: "RRULE UNTIL")
        }
        if let text = parts["WKST"] {
            guard let day = weekdayCodes[text.uppercased()] else {
                throw ValueProblem("RRULE: WKST=\(text) is not a weekday; use MO, TU, WE, TH, FR, SA or SU.")
            }
            rule.weekStart = day
        }
        if let text = parts["BYDAY"] {
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                let code = item.suffix(2).uppercased()
                let number = item.dropLast(2)
                guard let day = weekdayCodes[code],
                      number.isEmpty || (Int(number.hasPrefix("+") ? number.dropFirst() : number).map { $0 != 0 && abs($0) <= 53 } ?? false) else {
                    throw ValueProblem("RRULE: BYDAY=\(text): '\(item)' is not a weekday; use MO, TU, WE, TH, FR, SA, SU, optionally with a number such as 2SU (second Sunday) or -1FR (last Friday).")
                }
                let ordinal = number.isEmpty ? 0 : Int(number.hasPrefix("+") ? number.dropFirst() : number)!
                if ordinal != 0 && (frequency == .daily || frequency == .weekly) {
                    throw ValueProblem("RRULE: BYDAY=\(item) counts weekdays within a month or year, which needs FREQ=MONTHLY or YEARLY; with FREQ=\(frequency.rawValue) write the weekday alone (e.g. BYDAY=\(code)).")
                }
                rule.byDay.append(WeekdayNumber(ordinal: ordinal, weekday: day))
            }
        }
        if let text = parts["BYMONTH"] {
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let m = Int(item), (1...12).contains(m) else {
                    throw ValueProblem("RRULE: BYMONTH=\(text): '\(item)' is not a month; use 1 (January) to 12 (December).")
                }
                rule.byMonth.append(m)
            }
            rule.byMonth.sort()
        }
        if let text = parts["BYMONTHDAY"] {
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let d = Int(item.hasPrefix("+") ? item.dropFirst() : item), d != 0, abs(d) <= 31 else {
                    throw ValueProblem("RRULE: BYMONTHDAY=\(text): '\(item)' is not a day of the month; use 1 to 31, or -1 for the last day.")
                }
                rule.byMonthDay.append(d)
            }
        }
        return rule
    }

    // MARK: - Expansion

    /// How the end of the rule is compared with an occurrence, once UNTIL is placed on the event's clock.
    enum Bound: Sendable, Hashable {
        /// Occurrences whose start (wall-clock seconds, on the event's clock) is after this are past the end.
        case wall(Int64)
        /// Occurrences whose start date is after this are past the end.
        case date(LocalDate)
    }

    /// Calls `body` with each occurrence date, in order, starting with `start` (DTSTART always counts as the
    /// first occurrence), until COUNT or UNTIL ends the rule or the dates pass `last`. Dates that do not exist
    /// (February 29 in a common year, the 31st of a short month) are skipped.
    /// - Parameters:
    ///   - startSeconds: DTSTART's time of day, for comparing with a `.wall` bound.
    ///   - notBefore: a rule without COUNT may skip ahead to this date; earlier dates may still be passed.
    func forEachDate(start: LocalDate, startSeconds: Int, bound: Bound?, notBefore: LocalDate, through last: LocalDate,
                     _ body: (LocalDate) -> Void) {
        func pastEnd(_ d: LocalDate) -> Bool {
            switch bound {
            case .none: return false
            case .wall(let w): return Int64(d.daysSinceEpoch) * 86_400 + Int64(startSeconds) > w
            case .date(let limit): return d > limit
            }
        }
        guard start <= last else { return }
        body(start)
        var emitted = 1
        if let count, emitted >= count { return }
        let weekOrigin = start.adding(days: -((start.weekday.rawValue - weekStart.rawValue + 7) % 7))
        var period = count == nil ? max(0, periodIndex(of: notBefore, start: start, weekOrigin: weekOrigin) - 1) : 0
        while let first = firstDay(ofPeriod: period, start: start, weekOrigin: weekOrigin), first <= last {
            for d in candidates(inPeriod: period, start: start, weekOrigin: weekOrigin) where d > start {
                if pastEnd(d) || d > last { return }
                body(d)
                emitted += 1
                if let count, emitted >= count { return }
            }
            period += 1
        }
    }

    /// Which period (counted in INTERVALs from DTSTART's) holds `date`; negative before DTSTART's.
    private func periodIndex(of date: LocalDate, start: LocalDate, weekOrigin: LocalDate) -> Int {
        let periods: Int
        switch frequency {
        case .daily: periods = start.days(to: date)
        case .weekly: periods = Self.floorDivide(weekOrigin.days(to: date), 7)
        case .monthly: periods = (date.year * 12 + date.month) - (start.year * 12 + start.month)
        case .yearly: periods = date.year - start.year
        }
        return Self.floorDivide(periods, interval)
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// The first day of a period, or nil past year 9999.
    private func firstDay(ofPeriod k: Int, start: LocalDate, weekOrigin: LocalDate) -> LocalDate? {
        let step = k * interval
        switch frequency {
        case .daily:
            let d = start.adding(days: step)
            return d.year <= 9999 ? d : nil
        case .weekly:
            let d = weekOrigin.adding(days: 7 * step)
            return d.year <= 9999 ? d : nil
        case .monthly:
            let index = start.year * 12 + (start.month - 1) + step
            return LocalDate(year: index / 12, month: index % 12 + 1, day: 1)
        case .yearly:
            return LocalDate(year: start.year + step, month: 1, day: 1)
        }
    }

    /// The dates the rule gives in one period, sorted, before COUNT and UNTIL.
    private func candidates(inPeriod k: Int, start: LocalDate, weekOrigin: LocalDate) -> [LocalDate] {
        let step = k * interval
        switch frequency {
        case .daily:
            let d = start.adding(days: step)
            return passesFilters(d) && (byDay.isEmpty || byDay.contains { $0.weekday == d.weekday }) ? [d] : []
        case .weekly:
            let origin = weekOrigin.adding(days: 7 * step)
            if byDay.isEmpty {
                let d = origin.adding(days: weekOrigin.days(to: start))
                return passesFilters(d) ? [d] : []
            }
            return (0..<7).map { origin.adding(days: $0) }.filter { d in
                byDay.contains { $0.weekday == d.weekday } && passesFilters(d)
            }
        case .monthly:
            let index = start.year * 12 + (start.month - 1) + step
            let year = index / 12, month = index % 12 + 1
            guard byMonth.isEmpty || byMonth.contains(month) else { return [] }
            return datesInMonth(year: year, month: month, dayOfStart: start.day, ordinalsWithinMonth: true)
        case .yearly:
            let year = start.year + step
            guard year <= 9999 else { return [] }
            if byMonthDay.isEmpty && !byDay.isEmpty && byMonth.isEmpty {
                // BYDAY alone counts weekdays within the whole year (20MO: the 20th Monday of the year).
                return expand(byDay, first: LocalDate(year: year, month: 1, day: 1)!, last: LocalDate(year: year, month: 12, day: 31)!)
            }
            let months = !byMonth.isEmpty ? byMonth : (byMonthDay.isEmpty ? [start.month] : Array(1...12))
            var dates: [LocalDate] = []
            for month in months {
                dates += datesInMonth(year: year, month: month, dayOfStart: start.day, ordinalsWithinMonth: !byMonth.isEmpty)
            }
            return dates
        }
    }

    /// The rule's dates in one month: BYMONTHDAY (filtered by BYDAY), else BYDAY, else DTSTART's day of the month.
    private func datesInMonth(year: Int, month: Int, dayOfStart: Int, ordinalsWithinMonth: Bool) -> [LocalDate] {
        guard let first = LocalDate(year: year, month: month, day: 1) else { return [] }
        let length = LocalDate.daysIn(month: month, year: year)
        let last = first.adding(days: length - 1)
        if !byMonthDay.isEmpty {
            var days = Set<Int>()
            for d in byMonthDay {
                let day = d > 0 ? d : length + 1 + d
                if (1...length).contains(day) { days.insert(day) }
            }
            var dates = days.sorted().map { first.adding(days: $0 - 1) }
            if !byDay.isEmpty {
                let yearFirst = LocalDate(year: year, month: 1, day: 1)!, yearLast = LocalDate(year: year, month: 12, day: 31)!
                let allowed = Set(ordinalsWithinMonth ? expand(byDay, first: first, last: last) : expand(byDay, first: yearFirst, last: yearLast))
                dates = dates.filter { allowed.contains($0) }
            }
            return dates
        }
        if !byDay.isEmpty { return expand(byDay, first: first, last: last) }
        guard dayOfStart <= length else { return [] }
        return [first.adding(days: dayOfStart - 1)]
    }

    /// Every date in `first...last` that a BYDAY list picks, sorted and without repeats.
    private func expand(_ days: [WeekdayNumber], first: LocalDate, last: LocalDate) -> [LocalDate] {
        var result = Set<LocalDate>()
        for entry in days {
            let firstMatch = first.adding(days: (entry.weekday.rawValue - first.weekday.rawValue + 7) % 7)
            let lastMatch = last.adding(days: -((last.weekday.rawValue - entry.weekday.rawValue + 7) % 7))
            if entry.ordinal == 0 {
                var d = firstMatch
                while d <= last { result.insert(d); d = d.adding(days: 7) }
            } else if entry.ordinal > 0 {
                let d = firstMatch.adding(days: 7 * (entry.ordinal - 1))
                if d <= last { result.insert(d) }
            } else {
                let d = lastMatch.adding(days: 7 * (entry.ordinal + 1))
                if d >= first { result.insert(d) }
            }
        }
        return result.sorted()
    }

    /// BYMONTH and BYMONTHDAY as limits (for DAILY and WEEKLY).
    private func passesFilters(_ d: LocalDate) -> Bool {
        if !byMonth.isEmpty && !byMonth.contains(d.month) { return false }
        if !byMonthDay.isEmpty {
            let length = LocalDate.daysIn(month: d.month, year: d.year)
            if !byMonthDay.contains(where: { ($0 > 0 ? $0 : length + 1 + $0) == d.day }) { return false }
        }
        return true
    }
}
