import Foundation
import HeraldModel
import HeraldPublish
import HeraldStore

/// What `herald status` shows: the last pass, what is due, and what needs a person.
public struct PublishStatus: Sendable {
    /// The last publish pass (cron's or the service's), if any ran.
    public var lastRun: PublishRun?
    /// Approved posts due before now that have no delivery yet.
    public var overdueWithoutDelivery: Int
    /// Deliveries waiting to be claimed (scheduled or retrying).
    public var pendingDeliveries: Int
    /// Approved posts whose time has come and that have not gone out yet.
    public var overdue: [Post]
    /// The next approved posts after now.
    public var nextDue: [Post]
    /// Posts in the next 7 days that are not approved yet (they will not be published).
    public var unapprovedNextWeek: [Post]
    /// Deliveries failed for good, unknown or expired.
    public var needsAPerson: [Delivery]
    /// Hooks a receiver disabled (HTTP 410), with the reason.
    public var disabledHooks: [String: String]
    public var inbox: (open: Int, overdue: Int, unassigned: Int)
}

extension Workspace {
    /// The database file this workspace works on.
    public var databasePath: String { store.path }

    /// The state of publishing at `now`, with at most `listed` of the next due posts.
    public func publishStatus(now: Date, listed: Int) throws -> PublishStatus {
        PublishStatus(
            lastRun: try store.lastRuns(1).first,
            overdueWithoutDelivery: try store.overdueWithoutDelivery(before: now),
            pendingDeliveries: (try store.deliveryCounts()).filter { DeliveryState.claimable.contains($0.key) }.values.reduce(0, +),
            overdue: try store.posts(PostQuery(to: now.addingTimeInterval(1), statuses: [.approved])),
            nextDue: try store.nextDue(after: now, limit: listed),
            unapprovedNextWeek: try store.posts(PostQuery(from: now, to: now.addingTimeInterval(7 * 86_400), statuses: [.planned, .drafted])),
            needsAPerson: try store.deliveries(states: DeliveryState.needsPerson),
            disabledHooks: try store.disabledHooks(),
            inbox: try store.inboxCounts(now: now))
    }

    /// Deliveries, newest state first as the store lists them: only `states` (all when nil), only one post's.
    public func deliveries(states: [DeliveryState]? = nil, post: String? = nil) throws(StoreError) -> [Delivery] {
        try store.deliveries(states: states, post: post)
    }

    /// How many deliveries are in each state.
    public func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] { try store.deliveryCounts() }

    /// One delivery with every attempt at it.
    public func delivery(_ id: String) throws(StoreError) -> (delivery: Delivery, attempts: [Attempt]) {
        (try store.delivery(id), try store.attempts(delivery: id))
    }

    /// Turns due approved posts into deliveries without sending them (`herald queue refresh`).
    public func queueDuePosts(now: Date) throws(StoreError) -> RunCounts {
        try store.refreshQueue(now: now, hooks: DueHook.byChannel(strategy), notify: strategy.notify != nil)
    }

    /// A person's decision: try a delivery again at the next pass (never before its post's time).
    public func retryDelivery(_ id: String, now: Date) throws(StoreError) -> Delivery { try store.retryDelivery(id, now: now) }

    /// A person's decision: do not send a delivery.
    public func cancelDelivery(_ id: String, now: Date) throws(StoreError) -> Delivery { try store.cancelDelivery(id, now: now) }

    /// A person's decision: a delivery did go out (checked by hand), at `url` when given.
    public func markPublished(_ id: String, url: String?, now: Date) throws(StoreError) -> Delivery {
        try store.markPublished(id, url: url, now: now)
    }

    /// Hooks a receiver disabled (HTTP 410), with the reason.
    public func disabledHooks() throws(StoreError) -> [String: String] { try store.disabledHooks() }

    /// Enables a hook a receiver disabled; false when it was not disabled.
    public func enableHook(_ id: String) throws(StoreError) -> Bool { try store.enableHook(id) }
}
