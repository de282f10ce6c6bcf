import Foundation
import HeraldModel
import HeraldPlanner
import HeraldStore

/// A plan and what storing it did (nil for a dry run).
public struct PlanOutcome: Sendable {
    public var plan: Plan
    public var written: PlanWrite?
    /// The period's posts as stored after the plan (for a dry run: as they would be stored), for the summary.
    public var stored: PlanTotals
}

/// What the period holds once a plan is stored: counted from the database, so the summary never disagrees with it.
public struct PlanTotals: Sendable {
    public struct Ownerless: Sendable {
        public var post: String
        public var channel: String
        public var date: LocalDate
        public var reason: String
    }

    /// Posts of the period that are not cancelled.
    public var posts: Int = 0
    public var campaignPosts: Int = 0
    /// Posts per channel and kind (cancelled ones aside).
    public var byChannel: [String: [ContentKind: Int]] = [:]
    /// Share tasks for the period's posts.
    public var shareTasks: Int = 0
    /// Posts still to come (not cancelled, published, expired or failed) without an owner, by time.
    public var ownerless: [Ownerless] = []
}

extension Workspace {
    /// Plans a period: reads stored posts around it, runs the planner, and (unless `dryRun`) replaces the
    /// period's re-plannable posts in one transaction. `fresh` plans from scratch instead of keeping the stored plan's
    /// choices where the rules allow.
    public func plan(_ period: DateRange, seed: UInt64, now: Date, dryRun: Bool, fresh: Bool = false) throws -> PlanOutcome {
        let around = DateRange(start: period.start.adding(days: -70), end: period.end.adding(days: 70))
        let bounds = instants(around)
        let existing = try store.posts(PostQuery(from: bounds.from, to: bounds.to))
        let tasks = try store.shareTasks(from: bounds.from, to: bounds.to)
        let keptIDs = Set(existing.filter(Planner.isKept).map(\.id))
        var request = PlanRequest(strategy: strategy, period: period, existing: existing,
                                  existingTasks: tasks.filter { keptIDs.contains($0.post) },
                                  calendar: try calendarDays(around), seed: seed, notBefore: now)
        request.fresh = fresh
        let plan = try Planner.plan(request)
        // Posts the plan adds, moves or changes are written (with their share tasks); with nothing unchanged (a first
        // plan), that is every post, and a large plan is spared building the set.
        var toWrite = plan.posts, tasksToWrite = plan.shareTasks
        if plan.changes.unchanged > 0 {
            let changed = Set(plan.changes.added.map(\.id) + plan.changes.moved.map(\.to.id) + plan.changes.changed.map(\.to.id))
            toWrite = plan.posts.filter { changed.contains($0.id) }
            tasksToWrite = plan.shareTasks.filter { changed.contains($0.post) }
        }
        let removed = plan.changes.removed.map(\.id) + plan.changes.moved.map(\.from.id)
        // The period as it is stored afterwards (or would be, for a dry run): every stored post the write leaves alone,
        // with its share tasks, and the posts and tasks written. Worked out from what was read and written rather than
        // read back, which would cost a large plan a second pass over its posts.
        var untouched: [Post] = []
        if !existing.isEmpty {
            let replaced = Set(toWrite.map(\.id) + removed)
            untouched = existing.filter { !replaced.contains($0.id) && period.contains(clock.localDate($0.scheduledAt)) }
        }
        let untouchedIDs = Set(untouched.map(\.id))
        let stored = totals(posts: untouched + toWrite,
                            tasks: tasks.filter { untouchedIDs.contains($0.post) }.count + tasksToWrite.count, plan: plan, now: now)
        guard !dryRun else { return PlanOutcome(plan: plan, written: nil, stored: stored) }
        // The strategy's snapshot and the plan in one transaction: one synced commit.
        let written = try store.applyPlan(posts: toWrite, removed: removed, tasks: tasksToWrite, at: now,
                                          strategy: SnapshotSource(file: loaded.file, text: loaded.text, contentHash: loaded.contentHash,
                                                                 brand: strategy.brand.name))
        return PlanOutcome(plan: plan, written: written, stored: stored)
    }

    func totals(posts: [Post], tasks: Int, plan: Plan, now: Date) -> PlanTotals {
        var t = PlanTotals()
        t.shareTasks = tasks
        let reasons = Dictionary(plan.report.unassigned.map { ($0.post, $0.reason) }, uniquingKeysWith: { a, _ in a })
        for p in posts where p.status != .cancelled {
            t.posts += 1
            if p.campaign != nil { t.campaignPosts += 1 }
            t.byChannel[p.channel, default: [:]][p.kind, default: 0] += 1
            guard p.owner == nil, !p.status.isFinal, p.scheduledAt >= now else { continue }
            let reason = reasons[p.id]
                ?? "re-planning keeps \(p.locked ? "locked" : p.status.rawValue) posts as they are; give it an owner: herald post set \(p.id) --owner NAME"
            t.ownerless.append(.init(post: p.id, channel: p.channel, date: clock.localDate(p.scheduledAt), reason: reason))
        }
        t.ownerless.sort { ($0.date, $0.channel, $0.post) < ($1.date, $1.channel, $1.post) }
        return t
    }
}
