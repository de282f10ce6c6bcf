import Foundation
import HeraldModel
import HeraldPlanner
import HeraldResources
import HeraldStrategy
import HeraldTestSupport

/// A small strategy to vary per test: one café, Warsaw time, two channels, three people.
let baseYAML = """
brand: {name: Test Café, link: "https://cafe.example/"}
timezone: Europe/Warsaw
locale: en
goals:
  - {id: awareness, title: Be known, kind: awareness, owner: ola}
  - {id: community, title: Talk, kind: engagement, owner: ola}
  - {id: sales, title: Sell, kind: sales, owner: ola}
channels:
  - {id: fb, network: facebook, posts_per_week: 3, days: [mon, wed, fri], times: ["09:00", "17:00"], goals: [awareness, community, sales]}
  - {id: ig, network: instagram, posts_per_week: 4, days: [tue, thu, sat, sun], times: ["11:00"], goals: [awareness, community]}
mix: {informational: 0.4, engagement: 0.3, social-proof: 0.1, contest: 0.1, discount: 0.1}
rules: {min_days_between_contests: 21, min_days_between_discounts: 14, max_promotional_in_a_row: 1}
participants:
  - {id: ola, name: Ola Nowak, channels: [fb, ig], capacity_per_week: 4, trained: true, rules_accepted: true}
  - {id: piotr, name: Piotr Zieliński, channels: [fb, ig], capacity_per_week: 4, trained: true, rules_accepted: true}
  - {id: ewa, name: Ewa Wójcik, channels: [ig], capacity_per_week: 2, trained: true, rules_accepted: true}
campaigns: []
"""

func strategy(_ yaml: String = baseYAML, _ edits: [(String, String)] = []) throws -> Strategy {
    var text = yaml
    for (a, b) in edits {
        precondition(text.contains(a), "edit target not found: \(a)")
        text = text.replacingOccurrences(of: a, with: b)
    }
    return try StrategyLoader.parse(text, file: "test.yaml").strategy
}

func quarter(_ name: String = "2027-Q1") -> DateRange { PeriodName.parse(name)! }

extension Strategy {
    var clock: ZoneClock { ZoneClock(identifier: timeZone)! }
}

/// Checks every hard rule of a plan; returns the violations (empty when the plan is good).
func hardRuleViolations(_ plan: Plan, _ request: PlanRequest) -> [String] {
    let s = request.strategy
    let clock = s.clock
    var v: [String] = []
    let posts = plan.allPosts.filter { $0.status != .cancelled }
    for p in plan.posts {
        guard let c = s.channel(p.channel) else { v.append("\(p.id): unknown channel"); continue }
        let local = clock.local(p.scheduledAt)
        if !c.days.contains(local.date.weekday) { v.append("\(p.id) on \(c.id) falls on \(local.date.weekday), not an allowed day") }
        if !c.times.contains(local.time) { v.append("\(p.id) on \(c.id) at \(local.time), not an allowed time") }
        if !request.period.contains(local.date) { v.append("\(p.id) outside the period") }
        if request.calendar.isBlackout(local.date) { v.append("\(p.id) on blackout day \(local.date)") }
        if p.kind.isPromotional && request.calendar.isNoPromo(local.date) { v.append("\(p.id) promotional on no-promo day \(local.date)") }
        if let o = p.owner {
            guard let person = s.participant(o) else { v.append("\(p.id): unknown owner \(o)"); continue }
            if !person.channels.contains(c.id) { v.append("\(p.id): \(o) does not cover \(c.id)") }
            if !person.mayPost { v.append("\(p.id): \(o) is not trained or has not accepted the rules") }
            if person.isOff(on: local.date) { v.append("\(p.id): \(o) is off on \(local.date)") }
        } else if !plan.report.unassigned.contains(where: { $0.post == p.id }) {
            v.append("\(p.id) has no owner and is not reported as unassigned")
        }
        if p.goal == nil { v.append("\(p.id) serves no goal") }
    }
    // Cadence and capacity per week.
    for c in s.channels {
        let byWeek = Dictionary(grouping: posts.filter { $0.channel == c.id }, by: { clock.localDate($0.scheduledAt).startOfWeek })
        for (week, list) in byWeek where list.count > c.postsPerWeek {
            v.append("\(c.id) has \(list.count) posts in the week of \(week), more than \(c.postsPerWeek)")
        }
        // Promotional runs.
        var run = 0
        for p in posts.filter({ $0.channel == c.id }).sorted(by: { $0.scheduledAt < $1.scheduledAt }) {
            run = p.kind.isPromotional ? run + 1 : 0
            if run > s.rules.maxPromotionalInARow { v.append("\(c.id): \(run) promotional posts in a row at \(p.scheduledAt.isoUTC)") }
        }
    }
    for person in s.participants {
        let byWeek = Dictionary(grouping: posts.filter { $0.owner == person.id }, by: { clock.localDate($0.scheduledAt).startOfWeek })
        for (week, list) in byWeek where list.count > person.capacityPerWeek {
            v.append("\(person.id) owns \(list.count) posts in the week of \(week), capacity \(person.capacityPerWeek)")
        }
    }
    // Campaign spacing per channel.
    for c in s.channels {
        for kind in [ContentKind.contest, .discount] {
            let starts = Dictionary(grouping: posts.filter { $0.channel == c.id && $0.kind == kind && $0.campaign != nil }, by: { $0.campaign! })
                .compactMap { s.campaign($0.key)?.dates.start }.sorted()
            let minDays = kind == .contest ? s.rules.minDaysBetweenContests : s.rules.minDaysBetweenDiscounts
            for (a, b) in zip(starts, starts.dropFirst()) where a.days(to: b) < minDays {
                v.append("\(c.id): \(kind) campaigns starting \(a) and \(b) are closer than \(minDays) days")
            }
        }
    }
    return v
}

/// Weeks entirely inside the period.
func fullWeeks(_ period: DateRange) -> [LocalDate] {
    var w = period.start.startOfWeek
    if w < period.start { w = w.adding(days: 7) }
    var out: [LocalDate] = []
    while w.adding(days: 6) <= period.end { out.append(w); w = w.adding(days: 7) }
    return out
}

/// The stored form of a plan, for re-planning tests.
func stored(_ plan: Plan) -> [Post] { plan.allPosts }
