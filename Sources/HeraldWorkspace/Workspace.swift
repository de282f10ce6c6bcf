import Foundation
import HeraldCalendars
import HeraldModel
import HeraldPlanner
import HeraldResources
import HeraldStore
import HeraldStrategy

/// Why a workspace operation failed, beyond the strategy and store errors. Each case maps to a sysexits code.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    /// A calendar file named by the strategy is broken (EX_DATAERR, 65).
    case calendar(CalendarError)
    /// A calendar file named by the strategy cannot be found (EX_NOINPUT, 66).
    case calendarMissing(path: String)
    /// No period given and none in the strategy (EX_USAGE, 64).
    case noPeriod
    /// A manual change breaks the plan's rules (EX_DATAERR, 65).
    case ruleViolations(post: String, [String])
    /// A reply to an inbox item cannot be queued as given (EX_DATAERR, 65).
    case reply(String)
    /// `plan --suggest` could not place its proposal in the strategy text (EX_SOFTWARE, 70: a Herald bug).
    case suggestion(String)

    public var exitCode: Int32 {
        switch self {
        case .calendar, .ruleViolations, .reply: 65
        case .calendarMissing: 66
        case .noPeriod: 64
        case .suggestion: 70
        }
    }

    public var description: String {
        switch self {
        case .calendar(let e): "\(e.description) (a calendar named in the strategy)"
        case .calendarMissing(let p): "\(p): no such calendar file (named under `calendars:` in the strategy)."
        case .noPeriod: "name a period (e.g. 2027-Q1, 2027-03, or --from/--to), or set `period:` in the strategy."
        case .ruleViolations(let post, let list):
            "\(post) would break the plan's rules; nothing was changed:\n" + list.map { "  - \($0)" }.joined(separator: "\n")
                + "\nUse --force to do it anyway (the post is then locked so re-planning keeps it)."
        case .reply(let why): why
        case .suggestion(let why): why
        }
    }
}

/// A strategy file with its database and the files it names: what every command works on.
public struct Workspace: Sendable {
    public let loaded: LoadedStrategy
    public let store: Store
    public let locator: ResourceLocator

    public var strategy: Strategy { loaded.strategy }
    /// The strategy's zone, made once: its offsets are cached as they are looked up.
    public let clock: ZoneClock

    public init(loaded: LoadedStrategy, store: Store) {
        self.loaded = loaded
        self.store = store
        locator = ResourceLocator(baseDirectory: loaded.directory)
        clock = ZoneClock.orUTC(loaded.strategy.timeZone)
    }

    /// The period to work on: a name (`2027-Q1`, `2027-03`), explicit dates, or the strategy's own.
    public func period(named name: String?, from: LocalDate? = nil, to: LocalDate? = nil) throws(WorkspaceError) -> DateRange {
        if let from, let to { return DateRange(start: from, end: to) }
        if let name, let r = PeriodName.parse(name) { return r }
        if let p = strategy.period { return p }
        throw .noPeriod
    }

    /// UTC instants bounding a period of local days: [start of first day, start of the day after the last).
    public func instants(_ range: DateRange) -> (from: Date, to: Date) {
        (clock.instant(range.start, LocalTime(hour: 0, minute: 0)!), clock.instant(range.end.adding(days: 1), LocalTime(hour: 0, minute: 0)!))
    }

    /// The calendars' marks for a range of days.
    public func calendarDays(_ range: DateRange) throws(WorkspaceError) -> CalendarDays {
        var days = CalendarDays()
        for source in strategy.calendars {
            let parsed = try Workspace.parsedCalendar(source, locator: locator)
            let calendarName = source.name ?? parsed.name ?? source.path
            for event in parsed.occurrences(in: range) {
                var d = max(event.start, range.start)
                while d <= min(event.end, range.end) {
                    days.marks[d, default: []].append(DayMark(role: source.role, name: event.summary, calendar: calendarName))
                    d = d.adding(days: 1)
                }
            }
        }
        return days
    }

    /// The rules checker for manual edits, with the calendars around a date.
    public func rules(around date: LocalDate) throws(WorkspaceError) -> PostRules {
        PostRules(strategy: strategy, calendar: try calendarDays(DateRange(start: date.adding(days: -7), end: date.adding(days: 7))))
    }
}
