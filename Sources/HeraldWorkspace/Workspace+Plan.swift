import Foundation
import HeraldModel
import HeraldPlanner
import HeraldStore

/// A plan and what storing it did (nil for a dry run).
public struct PlanOutcome: Sendable {
    public var plan: Plan
    public var written: PlanWrite?
}

extension Workspace {
    /// Plans a period: reads stored posts around it, runs the planner, and (unless `dryRun`) replaces the
    /// period's re-plannable posts in one transaction.
    public func plan(_ period: DateRange, seed: UInt64, now: Date, dryRun: Bool) throws -> PlanOutcome {
        let around = DateRange(start: period.start.adding(days: -70), end: period.end.adding(days: 70))
        let bounds = instants(around)
        let existing = try store.posts(PostQuery(from: bounds.from, to: bounds.to))
        let tasks = try store.shareTasks(from: bounds.from, to: bounds.to)
        let keptIDs = Set(existing.filter(Planner.isKept).map(\.id))
        let request = PlanRequest(strategy: strategy, period: period, existing: existing,
                                  existingTasks: tasks.filter { keptIDs.contains($0.post) },
                                  calendar: try calendarDays(around), seed: seed, notBefore: now)
        let plan = try Planner.plan(request)
        guard !dryRun else { return PlanOutcome(plan: plan, written: nil) }
        try store.recordSnapshot(file: loaded.file, text: loaded.text, contentHash: loaded.contentHash,
                                 brand: strategy.brand.name, at: now)
        // Posts the plan adds, moves or changes are written (with their share tasks); with nothing unchanged (a first
        // plan), that is every post, and a large plan is spared building the set.
        var toWrite = plan.posts, tasksToWrite = plan.shareTasks
        if plan.changes.unchanged > 0 {
            let changed = Set(plan.changes.added.map(\.id) + plan.changes.moved.map(\.to.id) + plan.changes.changed.map(\.to.id))
            toWrite = plan.posts.filter { changed.contains($0.id) }
            tasksToWrite = plan.shareTasks.filter { changed.contains($0.post) }
        }
        let written = try store.applyPlan(posts: toWrite, removed: plan.changes.removed.map(\.id) + plan.changes.moved.map(\.from.id),
                                          tasks: tasksToWrite, at: now)
        return PlanOutcome(plan: plan, written: written)
    }
}
