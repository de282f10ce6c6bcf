import Foundation
import HeraldModel

/// A time a channel can post at.
struct Slot: Hashable, Comparable, Sendable {
    let date: LocalDate
    let time: LocalTime
    let instant: Date

    static func < (a: Slot, b: Slot) -> Bool { a.instant < b.instant }
}

/// Turns a channel's cadence into concrete slots.
///
/// A week's slots depend only on the channel and the week, never on the period asked for, so planning
/// January and then February gives the same slots as planning the quarter at once.
struct SlotMaker {
    let channel: Channel
    let clock: ZoneClock

    /// The week's slots before blackouts are applied: `postsPerWeek` of the days × times grid, spread out.
    func cadenceSlots(weekStart: LocalDate) -> [Slot] {
        let days = channel.days, times = channel.times
        let n = channel.postsPerWeek
        // Floor division and modulo: weeks before 1970 are negative and must still pick a valid time.
        let days0 = weekStart.daysSinceEpoch
        let week = days0 >= 0 ? days0 / 7 : -((-days0 + 6) / 7)
        func rotate(_ k: Int) -> Int { ((k % times.count) + times.count) % times.count }
        var picks: [(day: Int, time: Int)] = []
        if n <= days.count {
            for i in 0..<n {
                let d = i * days.count / n
                picks.append((d, rotate(i + week)))
            }
        } else {
            let base = n / days.count, extra = n % days.count
            let extraDays = Set((0..<extra).map { $0 * days.count / max(extra, 1) })
            for d in 0..<days.count {
                let k = base + (extraDays.contains(d) ? 1 : 0)
                for j in 0..<k { picks.append((d, rotate(j * times.count / k + week))) }
            }
        }
        return picks.map { pick in
            let date = weekStart.adding(days: days[pick.day].rawValue - 1)
            let time = times[pick.time]
            return Slot(date: date, time: time, instant: clock.instant(date, time))
        }.sorted()
    }

    /// Every allowed day × time of the week, for finding replacements.
    func gridSlots(weekStart: LocalDate) -> [Slot] {
        channel.days.flatMap { day in
            channel.times.map { time in
                let date = weekStart.adding(days: day.rawValue - 1)
                return Slot(date: date, time: time, instant: clock.instant(date, time))
            }
        }.sorted()
    }

    /// The channel's slots over a range of days, with slots on blackout days moved to a free allowed day of the
    /// same week where one exists. Returns the slots and the blackout days that cost a post.
    func slots(in range: DateRange, calendar: CalendarDays) -> (slots: [Slot], dropped: [(LocalDate, String)]) {
        var result: [Slot] = []
        var dropped: [(LocalDate, String)] = []
        var week = range.start.startOfWeek
        while week <= range.end {
            var chosen = cadenceSlots(weekStart: week)
            let blocked = chosen.filter { calendar.isBlackout($0.date) }
            if !blocked.isEmpty {
                chosen.removeAll { calendar.isBlackout($0.date) }
                var used = Set(chosen.map(\.date))
                let grid = gridSlots(weekStart: week).filter { !calendar.isBlackout($0.date) && range.contains($0.date) }
                for b in blocked {
                    // Prefer a day without a post yet, then the nearest time.
                    let free = grid.filter { !chosen.contains($0) }
                    let pick = free.min { a, c in
                        let ka = (used.contains(a.date) ? 1 : 0, abs(a.instant.timeIntervalSince(b.instant)))
                        let kc = (used.contains(c.date) ? 1 : 0, abs(c.instant.timeIntervalSince(b.instant)))
                        return ka < kc
                    }
                    if let pick {
                        chosen.append(pick)
                        used.insert(pick.date)
                    } else if range.contains(b.date) {
                        dropped.append((b.date, calendar.blackoutName(b.date) ?? "blackout"))
                    }
                }
                chosen.sort()
            }
            result += chosen.filter { range.contains($0.date) }
            week = week.adding(days: 7)
        }
        return (result, dropped)
    }
}
