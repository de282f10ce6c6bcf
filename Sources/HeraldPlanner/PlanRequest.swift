import Foundation
import HeraldModel

/// What the calendars say about one day.
public struct DayMark: Sendable, Hashable {
    public var role: CalendarRole
    /// The event's name, e.g. "Easter Monday".
    public var name: String
    /// The calendar's name or file.
    public var calendar: String

    public init(role: CalendarRole, name: String, calendar: String) {
        self.role = role; self.name = name; self.calendar = calendar
    }
}

/// Calendar marks by day, as the planner needs them.
public struct CalendarDays: Sendable {
    public var marks: [LocalDate: [DayMark]]

    public init(marks: [LocalDate: [DayMark]] = [:]) { self.marks = marks }

    public func isBlackout(_ d: LocalDate) -> Bool { marks[d]?.contains { $0.role == .blackout } ?? false }
    public func isNoPromo(_ d: LocalDate) -> Bool { marks[d]?.contains { $0.role == .noPromo || $0.role == .blackout } ?? false }
    public func blackoutName(_ d: LocalDate) -> String? { marks[d]?.first { $0.role == .blackout }?.name }
    public func noPromoName(_ d: LocalDate) -> String? { marks[d]?.first { $0.role == .noPromo || $0.role == .blackout }?.name }

    public func observances(in range: DateRange) -> [(date: LocalDate, name: String)] {
        marks.filter { range.contains($0.key) }
            .flatMap { day in day.value.filter { $0.role == .observance }.map { (day.key, $0.name) } }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }
}

/// Everything the planner needs: it does no I/O.
public struct PlanRequest: Sendable {
    public var strategy: Strategy
    public var period: DateRange
    /// Posts already stored (any status) on the strategy's channels around the period; kept ones constrain the plan.
    public var existing: [Post]
    /// Share tasks already stored for kept posts.
    public var existingTasks: [ShareTask]
    public var calendar: CalendarDays
    /// Picks template variants and breaks ties; the same seed gives the same plan.
    public var seed: UInt64
    /// No new post is planned before this instant (the planner never fills the past).
    public var notBefore: Date?
    /// Plan from scratch, ignoring the stored plan's choices (by default re-planning starts from the stored `planned`
    /// posts and changes only what a rule forces).
    public var fresh = false

    public init(strategy: Strategy, period: DateRange, existing: [Post] = [], existingTasks: [ShareTask] = [],
                calendar: CalendarDays = CalendarDays(), seed: UInt64 = 1, notBefore: Date? = nil) {
        self.strategy = strategy; self.period = period; self.existing = existing; self.existingTasks = existingTasks
        self.calendar = calendar; self.seed = seed; self.notBefore = notBefore
    }
}
