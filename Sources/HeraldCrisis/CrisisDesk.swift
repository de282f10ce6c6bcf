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
    /// Approved updates that were kept (`--keep-approved`): they go out first, the closing statement after them.
    public var keptApproved: [Post] = []
    /// Where a closing post could not keep to the channel's slots and cadence, and what was done instead.
    public var notes: [String] = []
}

/// What `crisis close` does with crisis updates that were approved and have not gone out yet.
public enum ApprovedUpdates: Sendable {
    /// Refuse to close, listing them (the default: an approved post is never cancelled unasked).
    case ask
    /// Cancel them.
    case cancel
    /// Keep them: they go out as approved, and the closing statement follows them.
    case keep
}

/// What `crisis update` did.
public struct CrisisUpdated: Sendable {
    public var posts: [Post]
    /// Unapproved scheduled updates the new one replaced (cancelled).
    public var replaced: [String]
    /// Approved scheduled updates due soon that were kept (cancel one by hand if the new update makes it redundant).
    public var keptApproved: [Post]
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

    var clock: ZoneClock { ZoneClock.orUTC(strategy.timeZone) }
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
        let readings = try store.metricReadings(strategy, metrics: CrisisMetric.standard.map(\.id), now: now)
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
        var g: [String: TemplateValue] = ["title": .text(c.title), "date": .text(LocaleFormat.date(day, locale: locale ?? strategy.locale)),
                                          "update_every": .text(Self.interval(days: strategy.crisis.updateEveryDays, locale: locale ?? strategy.locale))]
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
            g["update_every"] = .text(Self.interval(days: strategy.crisis.updateEveryDays, locale: locale))
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

    /// A dated public update on the affected channels, after anything the crisis still has to say there (the apology
    /// first). Unapproved scheduled updates due before the next regular one are replaced by it; approved ones are
    /// kept and listed. The next update follows within `update_every_days`, as the text says: one is scheduled when
    /// none is due by then.
    public func update(_ text: String, by person: String, now: Date) throws -> CrisisUpdated {
        let crisis = try requireOpen()
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CrisisError("the update is empty; say what is new, e.g. \"Lab results: …\".") }
        let earliest = roundUp(now.addingTimeInterval(responseDelay))
        let channels = crisis.channels.compactMap(strategy.channel)
        let pendingAll = try pendingCrisisPosts(crisis)
        let soon = pendingAll.filter {
            $0.scheduledAt >= now && $0.scheduledAt <= now.addingTimeInterval(updateEvery) && ($0.topic ?? "").hasPrefix("Update (scheduled)")
        }
        let replaced = soon.filter { $0.status != .approved }
        let kept = soon.filter { $0.status == .approved }
        let staying = pendingAll.filter { p in !replaced.contains { $0.id == p.id } }
        var posts: [Post] = []
        for c in channels {
            // After the apology (and anything else still to go out on the channel that is not an update).
            let before = staying.filter { $0.channel == c.id && !($0.topic ?? "").hasPrefix("Update") }.map(\.scheduledAt).max()
            let at = max(earliest, before.map { $0.addingTimeInterval(60) } ?? earliest)
            posts.append(try post(crisis, channel: c, template: "crisis-update", at: at, topic: "Update: \(text.prefix(60))",
                                  values: crisisValues(crisis, day: clock.localDate(at), update: text)))
            let next = staying.filter { $0.channel == c.id && ($0.topic ?? "").hasPrefix("Update") && $0.scheduledAt > at }.map(\.scheduledAt).min()
            if next.map({ $0 > at.addingTimeInterval(updateEvery) }) ?? true {
                let t = at.addingTimeInterval(updateEvery)
                posts.append(try post(crisis, channel: c, template: "crisis-update", at: t, topic: "Update (scheduled): \(crisis.title)",
                                      values: crisisValues(crisis, day: clock.localDate(t))))
            }
        }
        let written = posts.filter { ($0.topic ?? "").hasPrefix("Update: ") }
        try store.addCrisisPosts(crisis.id, posts: posts, cancel: replaced.map(\.id), actor: person, action: "update",
                                 detail: "\(text) — on \(written.map(\.channel).joined(separator: ", ")) from \(clock.isoLocal(earliest)); \(replaced.count) scheduled update\(replaced.count == 1 ? "" : "s") replaced\(kept.isEmpty ? "" : ", \(kept.count) approved one\(kept.count == 1 ? "" : "s") kept")", at: now)
        return CrisisUpdated(posts: written, replaced: replaced.map(\.id), keptApproved: kept)
    }

    /// The crisis's posts that have not gone out and may still: planned, drafted or approved.
    func pendingCrisisPosts(_ crisis: Crisis) throws -> [Post] {
        try store.posts(PostQuery(kinds: nil, statuses: [.planned, .drafted, .approved])).filter { $0.crisis == crisis.id }
    }

    /// A crisis cadence in words, in the form the locale's "within …" takes (en "2 days", pl "2 dni", de "2 Tagen",
    /// nl "2 dagen", ru "2 дней"); whole days, else hours. Templates get it as `{{crisis.update_every}}`.
    public static func interval(days: Double, locale: String) -> String {
        let inDays = days >= 1 && days == days.rounded()
        let n = inDays ? Int(days) : max(1, Int((days * 24).rounded()))
        let one = n == 1
        switch locale.prefix(2).lowercased() {
        case "pl": return inDays ? (one ? "1 dnia" : "\(n) dni") : (one ? "1 godziny" : "\(n) godzin")
        case "de": return inDays ? (one ? "1 Tag" : "\(n) Tagen") : (one ? "1 Stunde" : "\(n) Stunden")
        case "nl": return inDays ? (one ? "1 dag" : "\(n) dagen") : "\(n) uur"
        case "ru":
            let singular = n % 10 == 1 && n % 100 != 11
            return inDays ? "\(n) \(singular ? "дня" : "дней")" : "\(n) \(singular ? "часа" : "часов")"
        default: return inDays ? (one ? "1 day" : "\(n) days") : (one ? "1 hour" : "\(n) hours")
        }
    }

    // MARK: Close

    /// Closes the open crisis. Crisis updates still to go out are cancelled — approved ones only when `approved` says
    /// so (`.ask` refuses, listing them, and changes nothing). The apology and kept updates go out first: the closing
    /// statement and the trust-rebuilding phase land on channel slots after them, in that order.
    public func close(summary: String, by person: String, approved: ApprovedUpdates = .ask, now: Date) throws -> CrisisClosed {
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
        var notes: [String] = []

        // What the crisis still has to say: updates are cancelled (approved ones as the person said), the rest stays.
        let pending = try pendingCrisisPosts(crisis)
        let updates = pending.filter { ($0.topic ?? "").hasPrefix("Update") }
        let approvedUpdates = updates.filter { $0.status == .approved }
        if approved == .ask, !approvedUpdates.isEmpty {
            let list = approvedUpdates.map { p in
                "  \(clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.id)  \(p.topic ?? "")\(p.approvedBy.map { " (approved by \($0))" } ?? "")"
            }
            throw CrisisError("""
                \(approvedUpdates.count) approved crisis update\(approvedUpdates.count == 1 ? " has" : "s have") not gone out yet:
                \(list.joined(separator: "\n"))
                Say what to do with \(approvedUpdates.count == 1 ? "it" : "them"): --cancel-approved cancels \(approvedUpdates.count == 1 ? "it" : "them"); --keep-approved lets \(approvedUpdates.count == 1 ? "it" : "them") go out, and the closing statement follows. Nothing was changed.
                """)
        }
        let cancelledUpdates = updates.filter { $0.status != .approved || approved == .cancel }
        let cancelledIDs = Set(cancelledUpdates.map(\.id))
        let staying = pending.filter { !cancelledIDs.contains($0.id) }
        others = others.filter { !cancelledIDs.contains($0.id) }

        // The closing statement, then the trust-rebuilding phase, each on the channel's slots after what comes before.
        let earliest = now.addingTimeInterval(responseDelay)
        let phase: [(days: Int, template: String, kind: ContentKind, topic: String)] = [
            (3, "crisis-corrective-report", .crisis, "Corrective-action report"),
            (7, "social-proof", .socialProof, "Customer stories after the crisis"),
            (10, "social-proof", .socialProof, "Customer stories after the crisis"),
            (14, "crisis-thank-you", .crisis, "Thank you for staying with us"),
        ]
        for c in channels {
            let before = staying.filter { $0.channel == c.id }.map(\.scheduledAt).max()
            var after = max(earliest, before ?? earliest)
            let resolved = landing(on: c, after: after, from: clock.localDate(after), days: 14, calendar: days, posts: others, taken: taken)
                ?? landing(on: c, after: after, from: clock.localDate(after), days: 14, calendar: days, posts: others, taken: taken, overCadence: true)
            guard let resolved else {
                notes.append("\(c.id): no slot of its own in the next two weeks is free (\(slotWords(c))), so no closing statement was drafted there; say it in the next post there (herald post edit ID) or add one (herald post add --channel \(c.id) …).")
                continue
            }
            if resolved.over {
                notes.append("\(c.id): the closing statement goes out \(clock.isoLocal(resolved.at)), a slot beyond its cadence of \(c.postsPerWeek) a week (every planned post that week is already drafted or approved).")
            }
            var p = try post(crisis, channel: c, template: "crisis-resolved", at: resolved.at, topic: "Resolved: \(crisis.title)",
                             values: crisisValues(crisis, day: today, summary: summary), reuse: resolved.displaced?.id)
            p.goal = p.goal ?? resolved.displaced?.goal
            place(p, displacing: resolved.displaced, in: &others, new: &newPosts, taken: &taken)
            after = resolved.at
            for step in phase {
                // Counted from the closing statement's day.
                let target = clock.localDate(resolved.at).adding(days: step.days)
                // Take over a planned regular post near the day (keeps the cadence), else a free slot that keeps it.
                guard let spot = landing(on: c, after: after, from: target, days: 7, calendar: days, posts: others, taken: taken)
                        ?? landing(on: c, after: after, from: target, days: 7, calendar: days, posts: others, taken: taken, overCadence: true)
                else {
                    notes.append("\(c.id): no free slot between \(target) and \(target.adding(days: 6)) (\(slotWords(c))); “\(step.topic)” was left out there.")
                    continue
                }
                var p = try post(crisis, channel: c, template: step.template, at: spot.at, topic: step.topic,
                                 values: crisisValues(crisis, day: clock.localDate(spot.at), summary: summary), kind: step.kind, reuse: spot.displaced?.id)
                if step.kind != .crisis { p.goal = spot.displaced?.goal ?? p.goal }
                place(p, displacing: spot.displaced, in: &others, new: &newPosts, taken: &taken)
                after = spot.at
            }
        }

        // What to do with each paused post.
        var decisions: [RestoreDecision] = []
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
        let cancelled = cancelledUpdates.map(\.id) + taken.filter { id in !newPosts.contains { $0.id == id } }.sorted()
        let kept = staying.filter { ($0.topic ?? "").hasPrefix("Update") }
        try store.closeCrisis(crisis.id, summary: summary, decisions: decisions, posts: newPosts, cancel: cancelled, by: person,
                              notes: notes + (kept.isEmpty ? [] : ["kept \(kept.count) approved update\(kept.count == 1 ? "" : "s") (--keep-approved)"]), at: now)
        var closed = crisis
        closed.status = .closed
        closed.closedAt = now
        closed.summary = summary
        return CrisisClosed(crisis: closed, decisions: decisions, posts: newPosts, cancelled: cancelled, keptApproved: kept, notes: notes)
    }

    /// Adds a closing post to the working set: it replaces the planned post whose slot it took.
    func place(_ p: Post, displacing d: Post?, in others: inout [Post], new: inout [Post], taken: inout Set<String>) {
        if let d { taken.insert(d.id) }
        others.removeAll { $0.id == p.id }
        others.append(p)
        new.append(p)
    }

    func slotWords(_ c: Channel) -> String {
        "\(c.days.map(\.shortName).joined(separator: ", ")) at \(c.times.map(\.description).joined(separator: ", ")), \(c.postsPerWeek) a week"
    }

    /// The earliest of the channel's slots (its days and times, not on a blackout day) strictly after `after`, on or
    /// after the day `from` and within `days` days of it, that no other post holds — or that a planned regular post
    /// holds, which then gives it up (the cadence holds). A free slot is taken only while the channel's week keeps
    /// to its posts per week, counting every post that goes out, unless `overCadence`.
    func landing(on c: Channel, after: Date, from: LocalDate, days count: Int, calendar marks: CalendarDays, posts: [Post],
                 taken: Set<String>, overCadence: Bool = false) -> (at: Date, displaced: Post?, over: Bool)? {
        let live = posts.filter { $0.channel == c.id && ![.cancelled, .expired, .failed].contains($0.status) && !taken.contains($0.id) }
        var d = max(from, clock.localDate(after))
        let end = from.adding(days: count - 1)
        while d <= end {
            if c.days.contains(d.weekday), !marks.isBlackout(d) {
                for t in c.times.sorted() {
                    let at = clock.instant(d, t)
                    guard at > after else { continue }
                    if let o = live.first(where: { $0.scheduledAt == at }) {
                        if o.status == .planned, !o.locked, !o.kind.isPromotional, o.kind != .crisis { return (at, o, false) }
                        continue
                    }
                    let week = d.startOfWeek
                    let inWeek = live.filter { clock.localDate($0.scheduledAt).startOfWeek == week }.count
                    if inWeek < c.postsPerWeek { return (at, nil, false) }
                    if overCadence { return (at, nil, true) }
                }
            }
            d = d.adding(days: 1)
        }
        return nil
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

    /// Approves the open crisis's drafted posts that fit their network, recording who. Only the crisis owner
    /// approves crisis posts, unless `force` (recorded); a post waits while one before it on its channel is not
    /// approved, so they go out in order.
    public func approve(by person: Participant, force: Bool = false, now: Date) throws -> (approved: [Post], refused: [(Post, String)]) {
        let crisis = try requireOpen()
        let forced = try ownerCheck(person, force: force)
        let drafted = try store.posts(PostQuery(kinds: nil, statuses: [.drafted])).filter { $0.crisis == crisis.id }
        var ok: [Post] = [], refused: [(Post, String)] = []
        for p in drafted {
            guard let c = strategy.channel(p.channel), let body = p.body else { continue }
            let check = NetworkRules.check(body, channel: c)
            if check.fits { ok.append(p) } else { refused.append((p, check.errors.joined(separator: "; "))) }
        }
        let waiting = try pendingCrisisPosts(crisis).filter { $0.status != .approved }
        let order = Self.inOrder(ok, waiting: waiting, clock: clock)
        refused += order.held
        let done = Set(try store.approve(order.ok.map(\.id), by: person.name, at: now))
        try store.recordCrisisEvent(crisis.id, actor: person.name, action: "approved",
                                    detail: "\(done.count) crisis post\(done.count == 1 ? "" : "s") approved\(forced ? " (not the crisis owner: --force)" : "")", at: now)
        return (order.ok.filter { done.contains($0.id) }, refused)
    }

    /// Throws unless `person` may approve crisis posts: the crisis owner, or anyone with `force`. True when forced.
    func ownerCheck(_ person: Participant, force: Bool) throws -> Bool {
        guard let ownerID = strategy.crisis.owner, ownerID != person.id else { return false }
        let owner = strategy.participant(ownerID)?.name ?? ownerID
        if force { return true }
        throw CrisisError("crisis posts are approved by the crisis owner, \(owner) (crisis.owner in the strategy), not \(person.name). Approve as \(owner) (--as \"\(owner)\"), or add --force to approve as \(person.name); it is recorded. Nothing was approved.")
    }

    /// Why `person` may not approve crisis posts (nil when they may): see `ownerCheck`. For `herald approve`, which
    /// names any approver, a participant or not.
    public func approverProblem(_ person: Participant?, named name: String, force: Bool) -> String? {
        guard let ownerID = strategy.crisis.owner, person?.id != ownerID, !force else { return nil }
        let owner = strategy.participant(ownerID)?.name ?? ownerID
        return "a crisis post is approved by the crisis owner, \(owner), not \(name) (or add --force)"
    }

    /// Splits crisis posts about to be approved into those that may go and those that wait for an earlier crisis post
    /// on the same channel that is not approved (and not in this batch): crisis posts go out in order — the apology,
    /// then updates, then the closing statement. Other posts pass.
    public static func inOrder(_ approving: [Post], waiting: [Post], clock: ZoneClock) -> (ok: [Post], held: [(Post, String)]) {
        let ids = Set(approving.map(\.id))
        var blockers = waiting.filter { $0.crisis != nil && !ids.contains($0.id) }
        var ok: [Post] = [], held: [(Post, String)] = []
        for p in approving.sorted(by: { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }) {
            guard let crisis = p.crisis else { ok.append(p); continue }
            let blocker = blockers.filter { $0.crisis == crisis && $0.channel == p.channel && $0.scheduledAt < p.scheduledAt }
                .min { $0.scheduledAt < $1.scheduledAt }
            if let b = blocker {
                held.append((p, "it follows \(b.id) (\(b.topic ?? "crisis post"), \(clock.isoLocal(b.scheduledAt))) on \(p.channel), which is not approved; crisis posts go out in order, so approve that one first"))
                blockers.append(p)
            } else {
                ok.append(p)
            }
        }
        return (ok, held)
    }

    public func check(_ step: CrisisStep, done: Bool, by person: String, now: Date) throws {
        let crisis = try requireOpen()
        try store.checkCrisisStep(crisis.id, step: step, done: done, by: person, at: now)
    }

    /// The name a raised spike rule goes by (`crisis status`, dismissals).
    public static let spikeMetric = "inbox.spike"

    /// A raised alert nobody has handled, else a handled one, else nil. Raised are: the strategy's alert, when its
    /// metric's latest reading is above the threshold (a metric computed from the inbox is computed up to `now`: its
    /// reading of the day counts, and a dismissal holds for that day), and the spike rule (`crisis.spike`), when negative
    /// items surge (a dismissal holds for the rule's window of hours it was made in).
    public func alert(now: Date) throws -> CrisisAlertState? {
        guard hasAlertRules else { return nil }
        return alert(now: now, facts: try store.alertFacts(strategy, alertQuery(now: now), now: now))
    }

    /// The same for async code (the check before each publishing pass): the same reads, through GRDB's async access.
    public func alert(now: Date) async throws -> CrisisAlertState? {
        guard hasAlertRules else { return nil }
        return alert(now: now, facts: try await store.alertFacts(strategy, alertQuery(now: now), now: now))
    }

    /// Whether the strategy sets an alert or a spike rule (without one nothing is read).
    var hasAlertRules: Bool { strategy.crisis.alert != nil || strategy.crisis.spike != nil }

    /// What the alert is worked out from: the alert rule's metric (a computed one over the last two weeks, up to today)
    /// and the spike rule's window with the days before it.
    func alertQuery(now: Date) -> AlertFactsQuery {
        var query = AlertFactsQuery()
        if let rule = strategy.crisis.alert {
            let source = strategy.metrics.first { $0.id == rule.metric }?.source
            let computed = source?.isComputed ?? false
            // A `posts.…` metric's latest reading is its last ended period's (a month's is dated up to a month ago).
            var lookback = 13
            if case .posts(let p)? = source { lookback = p.period == .month ? 62 : p.period == .week ? 14 : 13 }
            let today = clock.localDate(now)
            query = AlertFactsQuery(metric: rule.metric, from: computed ? today.adding(days: -lookback) : nil, to: computed ? today : nil)
        }
        if let rule = strategy.crisis.spike { query.inbox = Self.spikeWindow(rule, now: now) }
        return query
    }

    func alert(now: Date, facts: AlertFacts) -> CrisisAlertState? {
        var raised: [CrisisAlertState] = []
        if let rule = strategy.crisis.alert {
            let readings = facts.readings.filter { $0.channel == nil }
            if let latest = readings.max(by: { ($0.date, $0.recordedAt) < ($1.date, $1.recordedAt) }), latest.value > rule.above {
                let handled = facts.handled(metric: rule.metric, readingRecordedAt: latest.recordedAt)
                raised.append(CrisisAlertState(metric: rule.metric, value: latest.value, above: rule.above, date: latest.date,
                                               recordedAt: latest.recordedAt, handled: handled))
            }
        }
        if let rule = strategy.crisis.spike {
            let spike = SpikeReading.evaluate(rule, facts: facts.inboxFacts, now: now)
            if spike.fires {
                let handled = facts.handled(metric: Self.spikeMetric, readingRecordedAt: spike.windowStart)
                raised.append(CrisisAlertState(metric: Self.spikeMetric, value: Double(spike.recent), above: spike.threshold,
                                               date: clock.localDate(now), recordedAt: spike.windowStart, handled: handled))
            }
        }
        return raised.first { !$0.handled } ?? raised.first
    }

    /// The spike rule's reading at `now`, or nil when the strategy has none.
    public func spike(now: Date) throws -> SpikeReading? {
        guard let rule = strategy.crisis.spike else { return nil }
        let window = Self.spikeWindow(rule, now: now)
        return SpikeReading.evaluate(rule, facts: try store.inboxFacts(from: window.from, to: window.to), now: now)
    }

    /// The items the spike rule reads: its window of hours and the trailing days before it, up to `now`.
    static func spikeWindow(_ rule: SpikeRule, now: Date) -> (from: Date, to: Date) {
        (now.addingTimeInterval(-rule.hours * 3600 - Double(SpikeRule.trailingDays) * 86_400), now.addingTimeInterval(1))
    }

    public func dismissAlert(by person: String, now: Date) throws -> CrisisAlertState {
        guard let a = try alert(now: now), !a.handled else { throw CrisisError("no crisis alert is raised; nothing to dismiss.") }
        try store.dismissAlert(metric: a.metric, readingRecordedAt: a.recordedAt, by: person, at: now)
        return a
    }
}
