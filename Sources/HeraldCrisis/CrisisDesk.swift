import Foundation
import HeraldContent
import HeraldModel
import HeraldPlanner
import HeraldStore

/// Why a crisis action was refused (EX_DATAERR, 65).
public struct CrisisError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32 { 65 }
    public init(_ description: String) { self.description = description }
}

/// What opening a crisis did.
public struct CrisisOpened: Sendable {
    public var crisis: Crisis
    public var paused: [Post]
    public var responses: [Post]
    public var checks: [CrisisCheck]
    public var metrics: [CrisisMetric]
}

/// What closing a crisis did, decision by decision.
public struct CrisisClosed: Sendable {
    public var crisis: Crisis
    public var decisions: [RestoreDecision]
    /// The closing statement and the trust-rebuilding phase.
    public var posts: [Post]
    /// Pending updates (and planned posts whose slots were taken) that were cancelled.
    public var cancelled: [String]
}

/// A raised crisis alert: the latest reading of the strategy's alert metric is above its threshold.
public struct CrisisAlertState: Sendable {
    public var metric: String
    public var value: Double
    public var above: Double
    public var date: LocalDate
    public var recordedAt: Date
    /// Someone opened a crisis or dismissed the alert since that reading.
    public var handled: Bool
}

/// Runs crisis mode as the playbook says: pause promotion, respond on every affected channel as the brand, update
/// regularly, work the five-step checklist, then close with a statement, rebuild trust and restore what was paused.
public struct CrisisDesk: Sendable {
    public let strategy: Strategy
    public let store: Store
    public let templates: TemplateSet
    /// Calendar marks for a range of days (blackout and no-promo days).
    public let calendar: @Sendable (DateRange) throws -> CalendarDays

    public init(strategy: Strategy, store: Store, templates: TemplateSet, calendar: @escaping @Sendable (DateRange) throws -> CalendarDays) {
        self.strategy = strategy; self.store = store; self.templates = templates; self.calendar = calendar
    }

    var clock: ZoneClock { ZoneClock(identifier: strategy.timeZone) ?? ZoneClock(TimeZone(identifier: "UTC")!) }
    var context: DraftContext { DraftContext(strategy: strategy) }

    /// The first public response goes out this long after opening (within `crisis.response_hours`).
    var responseDelay: TimeInterval { min(30 * 60, strategy.crisis.responseHours * 3600 / 2) }
    var updateEvery: TimeInterval { strategy.crisis.updateEveryDays * 86_400 }
    /// Scheduled updates are planned this far ahead; closing cancels the rest.
    static let updateHorizon: TimeInterval = 14 * 86_400

    // MARK: Open

    public func open(title: String, severity: CrisisSeverity, channels requested: [String]?, pauseAll: Bool, by person: String,
                     now: Date) throws -> CrisisOpened {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw CrisisError("give the crisis a short public title, e.g. \"Contaminated batch of oat milk\".") }
        let channels = try affectedChannels(requested)
        if let open = try store.openCrisis() {
            throw CrisisError("crisis \(open.id) (\"\(open.title)\") is still open; update it with `herald crisis update` or close it first.")
        }
        let day = clock.localDate(now)
        let sameDay = try store.crises().filter { $0.id.hasPrefix("c-\(day.iso)") }.count
        let crisis = Crisis(id: "c-\(day.iso)" + (sameDay > 0 ? "-\(sameDay + 1)" : ""), title: title, severity: severity,
                            channels: channels.map(\.id), pauseAll: pauseAll, status: .open, openedAt: now, openedBy: person,
                            owner: strategy.crisis.owner)
        var responses: [Post] = []
        let apologyAt = roundUp(now.addingTimeInterval(responseDelay))
        for c in channels {
            responses.append(try post(crisis, channel: c, template: "crisis-apology", at: apologyAt, topic: "Apology: \(title)",
                                      values: crisisValues(crisis, day: day)))
            var t = now.addingTimeInterval(updateEvery)
            while t <= now.addingTimeInterval(Self.updateHorizon) {
                responses.append(try post(crisis, channel: c, template: "crisis-update", at: roundUp(t), topic: "Update (scheduled): \(title)",
                                          values: crisisValues(crisis, day: clock.localDate(t))))
                t = t.addingTimeInterval(updateEvery)
            }
        }
        let checks = CrisisStep.allCases.map { CrisisCheck(step: $0, owner: strategy.crisis.owner) }
        let readings = try store.readings(metrics: CrisisMetric.standard.map(\.id))
        let metrics = CrisisMetric.standard.map { m -> CrisisMetric in
            var m = m
            if let strategyMetric = strategy.metrics.first(where: { $0.id == m.id }) { m.name = strategyMetric.name; m.unit = strategyMetric.unit }
            if let latest = readings.filter({ $0.metric == m.id && $0.channel == nil }).max(by: { ($0.date, $0.recordedAt) < ($1.date, $1.recordedAt) }) {
                m.baseline = latest.value
                m.baselineDate = latest.date
            }
            return m
        }
        let paused = try store.openCrisis(crisis, responses: responses, checks: checks, metrics: metrics, at: now)
        return CrisisOpened(crisis: crisis, paused: paused, responses: responses, checks: checks, metrics: metrics)
    }

    func affectedChannels(_ requested: [String]?) throws -> [Channel] {
        guard let requested, !requested.isEmpty, requested != ["all"] else { return strategy.channels }
        return try requested.map { id in
            guard let c = strategy.channel(id) else {
                throw CrisisError("no channel '\(id)' in the strategy (known: \(strategy.channels.map(\.id).joined(separator: ", ")), or all).")
            }
            return c
        }
    }

    func crisisValues(_ c: Crisis, day: LocalDate, update: String? = nil, summary: String? = nil, locale: String? = nil) -> [String: TemplateValue] {
        var g: [String: TemplateValue] = ["title": .text(c.title), "date": .text(LocaleFormat.date(day, locale: locale ?? strategy.locale))]
        if let update { g["update"] = .text(update) }
        if let summary { g["summary"] = .text(summary) }
        return ["crisis": .group(g)]
    }

    /// A drafted crisis post from a crisis template, owned by the crisis owner (the brand speaks, not a culprit).
    func post(_ crisis: Crisis, channel: Channel, template name: String, at: Date, topic: String, values: [String: TemplateValue],
              kind: ContentKind = .crisis, reuse id: String? = nil) throws -> Post {
        var p = Post(id: id ?? Post.makeID("crisis", crisis.id, channel.id, name, at.isoUTC), channel: channel.id, network: channel.network,
                     kind: kind, goal: strategy.goals.first { $0.kind == .trust }?.id ?? channel.goals.first, owner: crisis.owner,
                     scheduledAt: at, status: .drafted, topic: topic, locked: true, source: .crisis, crisis: crisis.id)
        let locale = context.locale(for: channel)
        var extra = values
        if case .group(var g)? = extra["crisis"] {
            // Apologies and updates are dated the day they go out; the closing posts name the day the crisis began.
            let day = ["crisis-apology", "crisis-update"].contains(name) ? clock.localDate(at) : clock.localDate(crisis.openedAt)
            g["date"] = .text(LocaleFormat.date(day, locale: locale))
            extra["crisis"] = .group(g)
        }
        let file = try templates.template(name, locale: locale, network: channel.network.rawValue, variant: Int(StableHash.value(p.id) % 7))
        // The topic labels the post in calendars; it is written in English, so templates do not get it.
        var rendered = p
        rendered.topic = nil
        p.body = try TemplateRenderer.render(file, context: context.values(for: rendered, extra: kind == .crisis ? extra : [:]), post: p.id)
        p.template = file.path
        return p
    }

    func roundUp(_ d: Date) -> Date {
        Date(timeIntervalSince1970: (d.timeIntervalSince1970 / 60).rounded(.up) * 60)
    }

    func requireOpen() throws -> Crisis {
        guard let c = try store.openCrisis() else { throw CrisisError("no crisis is open. Open one with `herald crisis open \"Title\" --severity high`.") }
        return c
    }

    // MARK: Update

    /// A dated public update on the affected channels; scheduled updates due before the next regular one are
    /// replaced by it.
    public func update(_ text: String, by person: String, now: Date) throws -> [Post] {
        let crisis = try requireOpen()
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CrisisError("the update is empty; say what is new, e.g. \"Lab results: …\".") }
        let at = roundUp(now.addingTimeInterval(responseDelay))
        let channels = crisis.channels.compactMap(strategy.channel)
        var posts: [Post] = []
        for c in channels {
            posts.append(try post(crisis, channel: c, template: "crisis-update", at: at, topic: "Update: \(text.prefix(60))",
                                  values: crisisValues(crisis, day: clock.localDate(at), update: text)))
        }
        let pending = try store.posts(PostQuery(from: now, to: now.addingTimeInterval(updateEvery), channels: crisis.channels,
                                                kinds: [.crisis], statuses: [.planned, .drafted, .approved]))
            .filter { $0.crisis == crisis.id && ($0.topic ?? "").hasPrefix("Update (scheduled)") }
        try store.addCrisisPosts(crisis.id, posts: posts, cancel: pending.map(\.id), actor: person, action: "update",
                                 detail: "\(text) — on \(channels.map(\.id).joined(separator: ", ")) at \(clock.isoLocal(at)); \(pending.count) scheduled update\(pending.count == 1 ? "" : "s") replaced", at: now)
        return posts
    }

    // MARK: Close

    public func close(summary: String, by person: String, now: Date) throws -> CrisisClosed {
        let crisis = try requireOpen()
        let summary = summary.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty else { throw CrisisError("say what changed in --summary; it is the public closing statement.") }
        let channels = crisis.channels.compactMap(strategy.channel)
        let today = clock.localDate(now)
        let around = DateRange(start: today.adding(days: -7), end: today.adding(days: 75))
        let days = try calendar(around)
        let rules = PostRules(strategy: strategy, calendar: days)
        let window = (from: clock.instant(around.start, LocalTime(hour: 0, minute: 0)!), to: clock.instant(around.end, LocalTime(hour: 0, minute: 0)!))
        var others = try store.posts(PostQuery(from: window.from, to: window.to))
        var taken = Set<String>()  // planned posts whose slots were given away
        var newPosts: [Post] = []

        // The closing statement, then the trust-rebuilding phase.
        let closingAt = roundUp(now.addingTimeInterval(responseDelay))
        let phase: [(days: Int, template: String, kind: ContentKind, topic: String)] = [
            (3, "crisis-corrective-report", .crisis, "Corrective-action report"),
            (7, "social-proof", .socialProof, "Customer stories after the crisis"),
            (10, "social-proof", .socialProof, "Customer stories after the crisis"),
            (14, "crisis-thank-you", .crisis, "Thank you for staying with us"),
        ]
        for c in channels {
            newPosts.append(try post(crisis, channel: c, template: "crisis-resolved", at: closingAt, topic: "Resolved: \(crisis.title)",
                                     values: crisisValues(crisis, day: today, summary: summary)))
            for step in phase {
                let target = today.adding(days: step.days)
                // Take over a planned regular post near the day (keeps the cadence), else add one at the channel's slot.
                let slot = others.filter {
                    $0.channel == c.id && $0.status == .planned && !$0.locked && !$0.kind.isPromotional && $0.kind != .crisis
                        && !taken.contains($0.id) && clock.localDate($0.scheduledAt) >= target
                        && clock.localDate($0.scheduledAt) <= target.adding(days: 6)
                }.min { $0.scheduledAt < $1.scheduledAt }
                let busy = Set((others + newPosts).filter { $0.channel == c.id && ![.cancelled, .expired, .failed].contains($0.status) && !taken.contains($0.id) }
                    .map(\.scheduledAt) + newPosts.filter { $0.channel == c.id }.map(\.scheduledAt))
                let at = slot?.scheduledAt ?? firstSlot(c, onOrAfter: target, days: days, busy: busy)
                if let slot { taken.insert(slot.id) }
                var p = try post(crisis, channel: c, template: step.template, at: at, topic: step.topic,
                                 values: crisisValues(crisis, day: clock.localDate(at), summary: summary), kind: step.kind, reuse: slot?.id)
                if step.kind != .crisis { p.goal = slot?.goal ?? p.goal }
                newPosts.append(p)
            }
        }
        // Pending updates are no longer needed.
        let pendingUpdates = others.filter {
            $0.crisis == crisis.id && $0.scheduledAt > now && [.planned, .drafted, .approved].contains($0.status)
                && ($0.topic ?? "").hasPrefix("Update")
        }.map(\.id)

        // What to do with each paused post.
        var decisions: [RestoreDecision] = []
        others = others.filter { !pendingUpdates.contains($0.id) }
        for paused in try store.pausedPosts(crisis.id) where paused.post.status == .paused {
            var p = paused.post
            let when = clock.isoLocal(p.scheduledAt)
            if try store.wasDelivered(p.id) {
                decisions.append(RestoreDecision(post: p.id, action: .published, note: "\(p.id) (\(p.channel)) went out before the pause; marked published."))
                continue
            }
            if p.scheduledAt > now.addingTimeInterval(responseDelay) {
                decisions.append(RestoreDecision(post: p.id, action: .restore(at: p.scheduledAt),
                                                 note: "\(p.id) (\(p.channel), \(p.kind.rawValue)) keeps its time \(when) and is \(paused.previousStatus.rawValue) again."))
                continue
            }
            let campaign = p.campaign.flatMap(strategy.campaign)
            if let campaign, campaign.dates.end < today {
                decisions.append(RestoreDecision(post: p.id, action: .expire,
                                                 note: "\(p.id) (\(p.channel), \(p.kind.rawValue)) expired: its campaign '\(campaign.id)' ended \(campaign.dates.end)."))
                continue
            }
            let limit = min(campaign?.dates.end ?? today.adding(days: 14), today.adding(days: 14))
            p.status = paused.previousStatus
            if let (slot, displaced) = freeSlot(for: p, until: limit, after: now.addingTimeInterval(responseDelay), others: others,
                                                taken: taken, rules: rules, days: days) {
                p.scheduledAt = slot
                others.removeAll { $0.id == p.id || $0.id == displaced?.id }
                others.append(p)
                if let d = displaced { taken.insert(d.id) }
                decisions.append(RestoreDecision(post: p.id, action: .restore(at: slot),
                    note: "\(p.id) (\(p.channel), \(p.kind.rawValue)) was due \(when), now \(clock.isoLocal(slot))\(displaced.map { ", in the slot of planned \($0.kind.rawValue) post \($0.id) (cancelled)" } ?? ""), \(paused.previousStatus.rawValue) again."))
            } else {
                decisions.append(RestoreDecision(post: p.id, action: .expire,
                                                 note: "\(p.id) (\(p.channel), \(p.kind.rawValue)) expired: no slot on \(p.channel) before \(limit) keeps the rules."))
            }
        }
        let cancelled = pendingUpdates + taken.filter { id in !newPosts.contains { $0.id == id } }.sorted()
        try store.closeCrisis(crisis.id, summary: summary, decisions: decisions, posts: newPosts, cancel: cancelled, by: person, at: now)
        var closed = crisis
        closed.status = .closed
        closed.closedAt = now
        closed.summary = summary
        return CrisisClosed(crisis: closed, decisions: decisions, posts: newPosts, cancelled: cancelled)
    }

    /// The channel's first allowed slot on or after a day that is not a blackout day.
    /// The channel's first free slot on or after a day that is not a blackout day, within a week; when every slot
    /// of that week is taken, two hours after the first slot of the first allowed day (trust comes before cadence).
    func firstSlot(_ c: Channel, onOrAfter day: LocalDate, days: CalendarDays, busy: Set<Date>) -> Date {
        var d = day
        var firstAllowed: LocalDate?
        for _ in 0..<7 {
            if c.days.contains(d.weekday), !days.isBlackout(d) {
                if firstAllowed == nil { firstAllowed = d }
                for t in c.times where !busy.contains(clock.instant(d, t)) { return clock.instant(d, t) }
            }
            d = d.adding(days: 1)
        }
        var at = clock.instant(firstAllowed ?? day, c.times[0]).addingTimeInterval(2 * 3600)
        while busy.contains(at) { at = at.addingTimeInterval(3600) }
        return at
    }

    /// A slot for a paused post that keeps every rule: a free cadence slot, or the slot of a planned regular post
    /// (which is then cancelled). Earliest first.
    func freeSlot(for post: Post, until limit: LocalDate, after: Date, others: [Post], taken: Set<String>, rules: PostRules,
                  days: CalendarDays) -> (Date, Post?)? {
        guard let channel = strategy.channel(post.channel) else { return nil }
        var candidates: [(Date, Post?)] = []
        var d = clock.localDate(after)
        while d <= limit {
            if channel.days.contains(d.weekday) {
                for t in channel.times {
                    let at = clock.instant(d, t)
                    guard at > after else { continue }
                    let occupant = others.first { $0.channel == post.channel && $0.scheduledAt == at && $0.id != post.id
                        && ![.cancelled, .expired, .failed].contains($0.status) }
                    if let o = occupant {
                        if o.status == .planned, !o.locked, !o.kind.isPromotional, o.kind != .crisis, !taken.contains(o.id) { candidates.append((at, o)) }
                    } else {
                        candidates.append((at, nil))
                    }
                }
            }
            d = d.adding(days: 1)
        }
        for (at, displaced) in candidates {
            var moved = post
            moved.scheduledAt = at
            let rest = others.filter { $0.id != post.id && $0.id != displaced?.id && !taken.contains($0.id) }
            if rules.violations(moved, others: rest, now: after).isEmpty { return (at, displaced) }
        }
        return nil
    }

    // MARK: Approval, checklist, alert

    /// Approves the open crisis's drafted posts that fit their network, recording who.
    public func approve(by person: String, now: Date) throws -> (approved: [Post], refused: [(Post, String)]) {
        let crisis = try requireOpen()
        let drafted = try store.posts(PostQuery(kinds: nil, statuses: [.drafted])).filter { $0.crisis == crisis.id }
        var ok: [Post] = [], refused: [(Post, String)] = []
        for p in drafted {
            guard let c = strategy.channel(p.channel), let body = p.body else { continue }
            let check = NetworkRules.check(body, channel: c)
            if check.fits { ok.append(p) } else { refused.append((p, check.errors.joined(separator: "; "))) }
        }
        let done = Set(try store.approve(ok.map(\.id), by: person, at: now))
        try store.recordCrisisEvent(crisis.id, actor: person, action: "approved", detail: "\(done.count) crisis post\(done.count == 1 ? "" : "s") approved", at: now)
        return (ok.filter { done.contains($0.id) }, refused)
    }

    public func check(_ step: CrisisStep, done: Bool, by person: String, now: Date) throws {
        let crisis = try requireOpen()
        try store.checkCrisisStep(crisis.id, step: step, done: done, by: person, at: now)
    }

    /// The strategy's alert, when its metric's latest reading is above the threshold.
    public func alert() throws -> CrisisAlertState? {
        guard let rule = strategy.crisis.alert else { return nil }
        let readings = try store.readings(metrics: [rule.metric]).filter { $0.channel == nil }
        guard let latest = readings.max(by: { ($0.date, $0.recordedAt) < ($1.date, $1.recordedAt) }), latest.value > rule.above else { return nil }
        let handled = try store.alertHandled(metric: rule.metric, readingRecordedAt: latest.recordedAt)
        return CrisisAlertState(metric: rule.metric, value: latest.value, above: rule.above, date: latest.date,
                                recordedAt: latest.recordedAt, handled: handled)
    }

    public func dismissAlert(by person: String, now: Date) throws -> CrisisAlertState {
        guard let a = try alert(), !a.handled else { throw CrisisError("no crisis alert is raised; nothing to dismiss.") }
        try store.dismissAlert(metric: a.metric, readingRecordedAt: a.recordedAt, by: person, at: now)
        return a
    }
}
