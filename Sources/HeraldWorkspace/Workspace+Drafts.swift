import Foundation
import HeraldCrisis
import HeraldContent
import HeraldModel
import HeraldPlanner
import HeraldStore

/// What `draft` did.
public struct DraftOutcome: Sendable {
    public var results: [DraftResult]
    /// Ids actually stored (nil for a dry run).
    public var written: [String]
    /// Written posts that cannot be approved until they get an image or video (Instagram, TikTok, …), with what
    /// their network needs.
    public var needingMedia: [(post: Post, needs: String)] = []
    public var overLimit: [DraftResult] { results.filter { !$0.check.fits } }
}

/// A problem `lint` or `review` found with a post.
public struct PostFinding: Sendable {
    public enum Severity: String, Sendable { case error, warning }
    public var post: Post
    public var severity: Severity
    public var message: String
}

extension Workspace {
    /// The bundled templates with the strategy's own folder layered over them.
    public func templateSet() throws -> TemplateSet {
        try TemplateSet.layered(userFolder: strategy.templatesPath.map(locator.diskPath), displayName: strategy.templatesPath)
    }

    public func libraryEntries() throws -> [LibraryEntry] {
        guard let lib = strategy.library else { return [] }
        return try EvergreenLibrary.load(folder: locator.diskPath(lib.path), display: lib.path)
    }

    public func drafter() throws -> Drafter {
        Drafter(strategy: strategy, templates: try templateSet(), library: try libraryEntries(),
                recycleAfterDays: strategy.library?.recycleAfterDays ?? 60)
    }

    /// Drafts planned posts (and with `overwrite`, drafted ones again) in a period or one post, storing all bodies
    /// in one transaction, or none when a template fails.
    public func draft(period: DateRange?, post id: String?, overwrite: Bool, now: Date) throws -> DraftOutcome {
        var targets: [Post]
        if let id {
            let p = try store.post(id)
            if case .failure(let refusal) = PostLifecycle.transition(from: p.status, on: overwrite ? .redraft : .draft) {
                throw StoreError.refused(refusal.message(for: id))
            }
            targets = [p]
        } else {
            let bounds = period.map(instants)
            let statuses = PostLifecycle.states(allowing: overwrite ? .redraft : .draft)
            targets = try store.posts(PostQuery(from: bounds?.from, to: bounds?.to, statuses: statuses))
        }
        targets.removeAll { $0.kind == .crisis }
        let recycle = strategy.library?.recycleAfterDays ?? 60
        var history: [Post] = []
        if let first = targets.map(\.scheduledAt).min(), let last = targets.map(\.scheduledAt).max() {
            history = try store.posts(PostQuery(from: first.addingTimeInterval(-Double(recycle) * 86_400),
                                                to: last.addingTimeInterval(Double(recycle) * 86_400)))
                .filter { p in p.template?.hasPrefix("library:") == true && !targets.contains { $0.id == p.id } }
        }
        let results = try drafter().draft(targets, history: history)
        let written = try store.saveDrafts(results.map { DraftWrite(post: $0.post, body: $0.body, template: $0.source, media: $0.media) },
                                           overwrite: overwrite, at: now)
        let mediaFor = Dictionary(results.map { ($0.post, $0.media) }, uniquingKeysWith: { a, _ in a })
        let writtenSet = Set(written)
        let needing = targets.compactMap { p -> (post: Post, needs: String)? in
            let media = mediaFor[p.id].flatMap { $0 } ?? p.media
            guard writtenSet.contains(p.id), media.isEmpty,
                  let needs = PostChecks.mediaNeeded(on: p.network) else { return nil }
            return (p, needs)
        }
        return DraftOutcome(results: results, written: written, needingMedia: needing)
    }

    /// Replaces a post's body. A planned or approved post becomes `drafted` (approval must be given again).
    @discardableResult
    public func editBody(_ id: String, body: String, now: Date) throws -> Post {
        let current = try store.post(id)
        if case .failure(let refusal) = PostLifecycle.transition(from: current.status, on: .editBody) {
            throw StoreError.refused(refusal.message(for: id))
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw StoreError.refused("the new body is empty; nothing was changed.")
        }
        if let p = PlainText.problem(in: body, field: "new body") { throw StoreError.refused(p + " Nothing was changed.") }
        return try store.update(id, on: .editBody, at: now) { p in
            var p = p
            p.body = body
            p.template = "edited"
            p.approvedBy = nil
            p.approvedAt = nil
            return p
        }
    }

    /// The network check of a post's body (nil without a body or channel).
    public func check(_ post: Post) -> TextCheck? {
        guard let body = post.body, let channel = strategy.channel(post.channel) else { return nil }
        return NetworkRules.check(body, channel: channel)
    }

    /// Approves drafted posts whose text fits their network; returns approved ids and refusals with reasons.
    /// Crisis posts are approved only by the crisis owner (unless `force`), and each after the crisis posts before it
    /// on its channel (see `CrisisDesk.inOrder`).
    public func approve(period: DateRange?, post id: String?, by person: String, force: Bool = false, now: Date) throws
        -> (approved: [Post], refused: [(Post, String)]) {
        var candidates: [Post]
        if let id {
            let p = try store.post(id)
            if case .failure(let refusal) = PostLifecycle.transition(from: p.status, on: .approve) {
                throw StoreError.refused(refusal.message(for: id) + (p.status == .planned ? " Run `herald draft --post \(id)` first." : ""))
            }
            candidates = [p]
        } else {
            let bounds = period.map(instants)
            candidates = try store.posts(PostQuery(from: bounds?.from, to: bounds?.to, statuses: PostLifecycle.states(allowing: .approve)))
        }
        var ok: [Post] = [], refused: [(Post, String)] = []
        let approver = strategy.participantMatching(person)
        let desk = candidates.contains { $0.crisis != nil } ? try crisisDesk() : nil
        for p in candidates {
            var problems = lintErrors(p, now: now)
            if p.crisis != nil, let why = desk?.approverProblem(approver, named: person, force: force) { problems.append(why) }
            if problems.isEmpty { ok.append(p) } else { refused.append((p, problems.joined(separator: "; "))) }
        }
        if desk != nil {
            let waiting = try store.posts(PostQuery(kinds: [.crisis, .socialProof], statuses: [.planned, .drafted])).filter { $0.crisis != nil }
            let order = CrisisDesk.inOrder(ok, waiting: waiting, clock: clock)
            ok = order.ok
            refused += order.held
        }
        let done = Set(try store.approve(ok.map(\.id), by: person, at: now))
        return (ok.filter { done.contains($0.id) }, refused)
    }

    /// Problems that stop a post from being approved or published.
    func lintErrors(_ p: Post, now: Date, calendar: CalendarDays? = nil) -> [String] {
        var out = check(p)?.errors ?? (p.body == nil ? ["it has no body yet"] : [])
        // A network that publishes nothing without an image or video would refuse it: checked once there is a text.
        if p.body != nil, let missing = PostChecks.missingMedia(network: p.network, media: p.media, post: p.id) {
            out.append(missing)
        }
        if p.kind.isPromotional, let c = p.campaign.flatMap(strategy.campaign), clock.localDate(p.scheduledAt) > c.dates.end,
           p.step != .winners {
            out.append("campaign '\(c.id)' ends \(c.dates.end), before this post goes out (an expired offer)")
        }
        if let calendar, let name = calendar.blackoutName(clock.localDate(p.scheduledAt)) {
            out.append("\(clock.localDate(p.scheduledAt)) is a blackout day (\(name))")
        }
        return out
    }

    /// Checks a period's posts the way networks and readers would: errors stop approval, warnings are advice.
    /// Posts that break a planning rule (placed with `--force`, or kept from before the strategy changed) are reported
    /// by the same checker `post add` and `post move` use, as warnings: a person chose them.
    public func lint(_ period: DateRange?, now: Date) throws -> [PostFinding] {
        let bounds = period.map(instants)
        let posts = try store.posts(PostQuery(from: bounds?.from, to: bounds?.to,
                                              statuses: [.planned, .drafted, .approved, .paused]))
        let range = period ?? posts.first.map { first in
            DateRange(start: clock.localDate(first.scheduledAt), end: clock.localDate(posts.last!.scheduledAt))
        } ?? DateRange(start: LocalDate(iso: "2000-01-01")!, end: LocalDate(iso: "2000-01-01")!)
        let days = try calendarDays(range)
        // The rules see the posts around the period too (a week's cadence, a run of promotions across its edge).
        let rules = PostRules(strategy: strategy, calendar: try calendarDays(DateRange(start: range.start.adding(days: -7),
                                                                                       end: range.end.adding(days: 7))))
        let aroundBounds = instants(DateRange(start: range.start.adding(days: -14), end: range.end.adding(days: 14)))
        let around = posts.isEmpty ? [] : try store.posts(PostQuery(from: aroundBounds.from, to: aroundBounds.to))
        // A post a person placed (locked) is checked against every post around it; the planner's own posts against
        // each other only, so a week over its cadence is reported on the post that was forced in, not on its neighbours.
        let planned = around.filter { !$0.locked }
        var out: [PostFinding] = []
        var byDayText: [String: [Post]] = [:]
        for p in posts {
            for e in lintErrors(p, now: now, calendar: days) where !(p.status == .planned && e == "it has no body yet") {
                out.append(PostFinding(post: p, severity: .error, message: e))
            }
            // A blackout day is already an error above. Crisis posts go out when the crisis needs them, not on the plan.
            let blackout = "\(clock.localDate(p.scheduledAt)) is a blackout day"
            for v in p.kind == .crisis ? [] : rules.violations(p, others: p.locked ? around : planned, now: now) where !v.hasPrefix(blackout) {
                out.append(PostFinding(post: p, severity: .warning, message: "breaks a planning rule: \(v)"))
            }
            if p.status == .planned { out.append(PostFinding(post: p, severity: .warning, message: "not drafted yet")) }
            guard let body = p.body else { continue }
            for url in UTM.urls(in: body) where !UTM.isTagged(url) {
                out.append(PostFinding(post: p, severity: .warning, message: "the link \(url) has no UTM tags, so its visits cannot be traced to this post"))
            }
            for w in PostChecks.warnings(body: body, network: p.network) {
                out.append(PostFinding(post: p, severity: .warning, message: w))
            }
            let key = "\(clock.localDate(p.scheduledAt))|\(body.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())"
            byDayText[key, default: []].append(p)
        }
        for (_, same) in byDayText where Set(same.map(\.channel)).count > 1 {
            for p in same {
                let others = same.filter { $0.id != p.id }.map(\.channel).joined(separator: ", ")
                out.append(PostFinding(post: p, severity: .warning, message: "the same text goes out on \(others) the same day; vary it per channel"))
            }
        }
        return out.sorted { ($0.post.scheduledAt, $0.post.id, $0.severity.rawValue) < ($1.post.scheduledAt, $1.post.id, $1.severity.rawValue) }
    }
}
