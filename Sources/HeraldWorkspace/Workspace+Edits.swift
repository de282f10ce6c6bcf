import Foundation
import HeraldModel
import HeraldPlanner
import HeraldStore

extension Workspace {
    /// Changes one post, checked against the plan's rules (unless `force`), and locks it so re-planning keeps it.
    /// What may change and what becomes of its status is `PostLifecycle`'s: a change to what a hook would receive
    /// (time, channel, kind, campaign, media) is `editContent`, which sends an approved post back to `drafted`; the rest
    /// is `editDetails`. A published, cancelled, failed or expired post is refused with the table's reason.
    @discardableResult
    public func change(_ id: String, force: Bool, now: Date, _ edit: @Sendable (Post) -> Post) throws -> Post {
        let current = try store.post(id)
        var proposed = edit(current)
        proposed.locked = true
        let event: PostEvent = proposed.scheduledAt != current.scheduledAt || proposed.channel != current.channel
            || proposed.kind != current.kind || proposed.campaign != current.campaign || proposed.media != current.media
            ? .editContent : .editDetails
        switch PostLifecycle.transition(from: current.status, on: event) {
        case .success(let status):
            proposed.status = status
            if status == .drafted { proposed.approvedBy = nil; proposed.approvedAt = nil }
        case .failure(let refusal):
            throw StoreError.refused(refusal.message(for: id))
        }
        try checkShape(proposed)
        if !force {
            let problems = try violations(of: proposed, now: now)
            if !problems.isEmpty { throw WorkspaceError.ruleViolations(post: id, problems) }
        }
        let final = proposed
        // The store asks the table again, from the status the post has when the change is written.
        return try store.update(id, on: event, at: now) { _ in final }
    }

    /// Adds a post by hand, checked against the plan's rules unless `force`.
    @discardableResult
    public func add(_ post: Post, force: Bool, now: Date) throws -> Post {
        try checkShape(post)
        if !force {
            let problems = try violations(of: post, now: now)
            if !problems.isEmpty { throw WorkspaceError.ruleViolations(post: "the new post", problems) }
        }
        try store.insert(post, at: now)
        return try store.post(post.id)
    }

    /// What no post may be, even with --force: a contest or discount outside a campaign step, or a step on a
    /// regular post.
    func checkShape(_ post: Post) throws {
        for (field, text) in [("body", post.body), ("topic", post.topic)] {
            if let text, let p = PlainText.problem(in: text, field: field) { throw StoreError.refused(p) }
        }
        if post.kind.isPromotional, post.campaign == nil || post.step == nil {
            throw StoreError.refused("a \(post.kind.rawValue) post belongs to a campaign step; give --campaign and --step (e.g. --campaign latte-art --step reminder).")
        }
        if let step = post.step, let c = post.campaign.flatMap(strategy.campaign), !c.kind.steps.contains(step) {
            throw StoreError.refused("a \(c.kind.rawValue) has the steps \(c.kind.steps.map(\.rawValue).joined(separator: ", ")), not \(step.rawValue).")
        }
        if !post.kind.isPromotional, post.kind != .crisis, post.step != nil {
            throw StoreError.refused("only contest and discount posts have a campaign step.")
        }
    }

    /// What a post would break, against the stored posts around it.
    public func violations(of post: Post, now: Date) throws -> [String] {
        let date = clock.localDate(post.scheduledAt)
        let around = instants(DateRange(start: date.adding(days: -14), end: date.adding(days: 14)))
        let others = try store.posts(PostQuery(from: around.from, to: around.to))
        return try rules(around: date).violations(post, others: others, now: now)
    }
}
