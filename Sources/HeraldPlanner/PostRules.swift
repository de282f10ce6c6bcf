import Foundation
import HeraldModel

/// Checks one post against the plan's hard rules, for manual edits (`post move`, `post set`, `post add`).
public struct PostRules: Sendable {
    public let strategy: Strategy
    public let calendar: CalendarDays
    public let clock: ZoneClock

    public init(strategy: Strategy, calendar: CalendarDays) {
        self.strategy = strategy
        self.calendar = calendar
        clock = ZoneClock.orUTC(strategy.timeZone)
    }

    /// What `post` would break, given the other stored posts (any status). Empty when it is fine.
    public func violations(_ post: Post, others: [Post], now: Date? = nil) -> [String] {
        var out: [String] = []
        guard let channel = strategy.channel(post.channel) else {
            return ["there is no channel '\(post.channel)' in the strategy (known: \(strategy.channels.map(\.id).joined(separator: ", ")))."]
        }
        let local = clock.local(post.scheduledAt)
        let when = "\(local.date) \(local.time)"
        if let now, post.scheduledAt < now { out.append("\(when) has already passed.") }
        if !channel.days.contains(local.date.weekday) {
            out.append("\(channel.id) posts on \(channel.days.map(\.shortName).joined(separator: ", ")), not on \(local.date.weekday.fullName)s.")
        }
        if !channel.times.contains(local.time) {
            out.append("\(local.time) is not one of \(channel.id)'s times (\(channel.times.map(\.description).joined(separator: ", "))).")
        }
        if let name = calendar.blackoutName(local.date) {
            out.append("\(local.date) is a blackout day (\(name)): no posts that day.")
        } else if post.kind.isPromotional, let name = calendar.noPromoName(local.date) {
            out.append("\(local.date) is a no-promotion day (\(name)): no contest or discount posts that day.")
        }
        let active = others.filter { $0.id != post.id && $0.channel == post.channel && ![.cancelled, .expired, .failed].contains($0.status) }
        if post.status != .cancelled {
            let week = local.date.startOfWeek
            let inWeek = active.filter { clock.localDate($0.scheduledAt).startOfWeek == week && $0.kind != .crisis }.count
            if post.kind != .crisis, inWeek + 1 > channel.postsPerWeek {
                out.append("\(channel.id) already has \(inWeek) post\(inWeek == 1 ? "" : "s") in the week of \(week); its cadence is \(channel.postsPerWeek) a week.")
            }
            if post.kind.isPromotional {
                let seq = (active + [post]).sorted { $0.scheduledAt < $1.scheduledAt }
                var run = 0, worst = 0
                for p in seq {
                    run = p.kind.isPromotional ? run + 1 : 0
                    worst = max(worst, run)
                }
                if worst > strategy.rules.maxPromotionalInARow {
                    out.append("that makes \(worst) promotional posts in a row on \(channel.id); the rule allows \(strategy.rules.maxPromotionalInARow).")
                }
            }
        }
        if post.kind.isPromotional {
            if let id = post.campaign {
                if let c = strategy.campaign(id) {
                    if c.kind.contentKind != post.kind { out.append("campaign '\(id)' is a \(c.kind.rawValue), not a \(post.kind.rawValue).") }
                    if !c.channels.contains(channel.id) { out.append("campaign '\(id)' does not run on \(channel.id).") }
                } else {
                    out.append("there is no campaign '\(id)' in the strategy.")
                }
            } else {
                out.append("a \(post.kind.rawValue) post belongs to a campaign; give --campaign and --step.")
            }
        }
        if let o = post.owner {
            if let person = strategy.participant(o) {
                if !person.channels.contains(channel.id) { out.append("\(person.name) does not cover \(channel.id).") }
                if !person.trained { out.append("\(person.name) is not trained yet.") }
                if !person.rulesAccepted { out.append("\(person.name) has not accepted the social-media rules yet.") }
                if person.isOff(on: local.date) { out.append("\(person.name) is off on \(local.date).") }
                let week = local.date.startOfWeek
                let load = others.filter {
                    $0.id != post.id && $0.owner == o && $0.status != .cancelled && clock.localDate($0.scheduledAt).startOfWeek == week
                }.count
                if load + 1 > person.capacityPerWeek {
                    out.append("\(person.name) already has \(load) post\(load == 1 ? "" : "s") in the week of \(week); capacity is \(person.capacityPerWeek).")
                }
            } else {
                out.append("there is no participant '\(o)' in the strategy.")
            }
        }
        if let g = post.goal, strategy.goal(g) == nil { out.append("there is no goal '\(g)' in the strategy.") }
        return out
    }
}
