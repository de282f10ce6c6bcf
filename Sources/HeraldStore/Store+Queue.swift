import Foundation
import GRDB
import HeraldModel

/// What a queue refresh found to do for one approved post.
public struct DueHook: Sendable {
    public var hook: String
    public var maxAttempts: Int
    public var maxLateness: TimeInterval

    public init(hook: String, maxAttempts: Int, maxLateness: TimeInterval) {
        self.hook = hook; self.maxAttempts = maxAttempts; self.maxLateness = maxLateness
    }

    /// Where each channel's posts go: its hooks (those `usable` keeps) with their attempts and the channel's lateness.
    public static func byChannel(_ strategy: Strategy, usable: (String) -> Bool = { _ in true }) -> [String: [DueHook]] {
        Dictionary(uniqueKeysWithValues: strategy.channels.map { c in
            (c.id, c.hooks.compactMap { id in
                strategy.hook(id).flatMap { usable(id) ? DueHook(hook: id, maxAttempts: $0.maxAttempts, maxLateness: c.maxLateness) : nil }
            })
        })
    }
}

/// How a claimed delivery ended, for `finish`.
public enum DeliveryResult: Sendable {
    case published(url: String?, remoteID: String?, httpStatus: Int?, exitCode: Int?, excerpt: String?)
    /// Try again no sooner than `notBefore`.
    case retry(notBefore: Date, error: String, httpStatus: Int?, exitCode: Int?, excerpt: String?)
    case failed(error: String, httpStatus: Int?, exitCode: Int?, excerpt: String?, disableHook: Bool)
    case unknown(error: String)
}

/// One claimed delivery with what the publisher needs to send it: its post, or its reply (a delivery's `post` is a
/// reply's id, `r-…`, for a reply to an inbox item).
public struct ClaimedDelivery: Sendable {
    public var delivery: Delivery
    public var post: Post?
    public var reply: Reply?
}

/// Counts of what a pass did, for `publish_run`.
public struct RunCounts: Sendable, Equatable {
    public var enqueued = 0, claimed = 0, published = 0, retrying = 0, failed = 0, unknown = 0, expired = 0, rescued = 0
    public init() {}
}

/// A recorded publish pass.
public struct PublishRun: Sendable {
    public var id: Int64
    public var owner: String
    public var mode: String
    public var startedAt: Date
    public var clockAt: Date
    public var endedAt: Date?
    public var counts: RunCounts
    public var exitCode: Int?
    public var note: String?
}

/// A lifecycle event waiting for the notify hook.
public struct PendingNotification: Sendable {
    public var id: Int64
    public var event: String
    public var post: String?
    public var delivery: String?
    public var hook: String?
    public var detail: String?
    public var createdAt: Date
    public var attempts: Int
    /// The inbox item an `inbox.*` event is about.
    public var item: String? = nil
}

/// The queries every publish pass runs, even when nothing is due. On a database of millions of posts each must be an
/// index search that reads only what is due (`Store.publishQueryPlans` shows how SQLite runs them; a test checks it).
/// Batch statements read their JSON rows with `->>`: in SQLite 3.40 that is half the cost of `json_extract`, which for
/// rows of eight fields cost more than writing the rows.
/// Every state a statement tests or sets comes from the lifecycle tables (`LifecycleSQL`); the pending states must stay
/// written as the partial indexes' `WHERE state IN ('scheduled', 'retrying')` for SQLite to use them (a test checks).
enum PublishSQL {
    /// The states a publisher claims: `state IN (…)` of the pending indexes.
    static let pending = LifecycleSQL.from(.claim)
    /// The status of a post whose deliveries are sent.
    static let deliverable = LifecycleSQL.quoted(PostStatus.approved.rawValue)

    /// Voids deliveries whose post is no longer approved at that revision.
    static let voidChanged = """
        UPDATE delivery SET state = \(LifecycleSQL.to(.void)), updated_at = ?, last_error = 'the post changed, was cancelled or paused'
        WHERE state IN (\(LifecycleSQL.from(.void))) AND NOT EXISTS (
            SELECT 1 FROM post WHERE post.id = delivery.post_id AND post.status = \(deliverable) AND post.revision = delivery.revision)
          AND NOT \(ReplySQL.isDeliverable("delivery"))
        """
    /// Approved posts whose time has come.
    static let duePosts = "SELECT id, channel, revision, scheduled_at FROM post WHERE status = \(deliverable) AND scheduled_at <= ?"
    /// Makes the deliveries in the JSON rows `[id, post, hook, revision, state, due_at, expires_at, max_attempts]` at ?2,
    /// leaving any that exist; returns the ones made.
    static let enqueue = """
        INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, max_attempts, last_error,
                              created_at, updated_at)
        SELECT r.id, r.post, r.hook, r.revision, r.state, r.due, r.expires, r.due, r.max,
               CASE WHEN r.state = 'expired' THEN 'too late: more than the channel''s max_lateness after its time' END, ?2, ?2
        FROM (SELECT value ->> 0 AS id, value ->> 1 AS post, value ->> 2 AS hook,
                     value ->> 3 AS revision, value ->> 4 AS state, value ->> 5 AS due,
                     value ->> 6 AS expires, value ->> 7 AS max FROM json_each(?1)) AS r
        WHERE true
        ON CONFLICT DO NOTHING
        RETURNING id, post_id, hook, state
        """
    /// Leases that ran out (their publisher died).
    static let expiredLeases = """
        SELECT d.id, d.hook, d.post_id, d.revision, d.attempts, a.called_at FROM delivery d
        LEFT JOIN attempt a ON a.delivery_id = d.id AND a.number = d.attempts
        WHERE d.state IN (\(LifecycleSQL.from(DeliveryEvent.rescues))) AND d.lease_expires_at < ?
        """
    /// Due deliveries that are too late.
    static let expireLate = """
        UPDATE delivery SET state = \(LifecycleSQL.to(.tooLate)), updated_at = ?, last_error = 'too late: more than the channel''s max_lateness after its time'
        WHERE id IN (SELECT id FROM delivery INDEXED BY delivery_pending_by_expiry
                     WHERE state IN (\(LifecycleSQL.from(.tooLate))) AND next_attempt_at <= ? AND expires_at < ?)
        RETURNING id, post_id, hook, revision
        """
    /// Claims a batch of due deliveries, oldest first, read in order off the pending index (no sort). Returns the
    /// columns `Store.delivery(claimed:)` reads, by position. The rows are picked by rowid, which the pending index
    /// holds: a seventh less work than looking each id up again.
    static let claim = """
        UPDATE delivery SET state = \(LifecycleSQL.to(.claim)), lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
        WHERE rowid IN (
            SELECT d.rowid FROM delivery d INDEXED BY delivery_pending_by_next_attempt
            WHERE d.state IN (\(LifecycleSQL.from(.claim))) AND d.next_attempt_at <= ?
              AND d.hook NOT IN (SELECT hook FROM hook_state WHERE disabled_at IS NOT NULL)
              AND (EXISTS (SELECT 1 FROM post p WHERE p.id = d.post_id AND p.status = \(deliverable) AND p.revision = d.revision
                           AND (? = 0 OR p.kind NOT IN ('contest', 'discount')))
                   OR \(ReplySQL.isDeliverable("d")))
            ORDER BY d.next_attempt_at, d.rowid LIMIT ?)
        RETURNING id, post_id, hook, revision, state, due_at, next_attempt_at, attempts, max_attempts, lease_owner, lease_expires_at,
                  last_error, remote_url, remote_id, published_at, rowid
        """
    /// Finishes the deliveries in the JSON rows `[id, attempt, state, next_attempt_at, ended_at, error, url, remote_id]`
    /// that this owner (?2) still holds at that attempt; returns their ids.
    static let finishDeliveries = """
        UPDATE delivery SET state = r.state, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = r.next, updated_at = r.ended,
               last_error = r.error, remote_url = COALESCE(r.url, delivery.remote_url), remote_id = COALESCE(r.rid, delivery.remote_id),
               published_at = CASE WHEN r.state = \(LifecycleSQL.to(.accepted)) THEN r.ended ELSE delivery.published_at END
        FROM (SELECT value ->> 0 AS id, value ->> 1 AS attempt, value ->> 2 AS state,
                     value ->> 3 AS next, value ->> 4 AS ended, value ->> 5 AS error,
                     value ->> 6 AS url, value ->> 7 AS rid FROM json_each(?1)) AS r
        WHERE delivery.id = r.id AND +delivery.state IN (\(LifecycleSQL.from(DeliveryEvent.attemptEnds))) AND +delivery.lease_owner = ?2
          AND +delivery.attempts = r.attempt
        RETURNING delivery.id
        """
    /// Ends the attempts in the JSON rows `[delivery id, number, ended_at, outcome, http_status, exit_code, error, excerpt]`.
    static let finishAttempts = """
        UPDATE attempt SET ended_at = r.ended, outcome = r.outcome, http_status = r.status, exit_code = r.exit, error = r.error,
               response_excerpt = r.excerpt
        FROM (SELECT value ->> 0 AS id, value ->> 1 AS number, value ->> 2 AS ended,
                     value ->> 3 AS outcome, value ->> 4 AS status, value ->> 5 AS exit,
                     value ->> 6 AS error, value ->> 7 AS excerpt FROM json_each(?1)) AS r
        WHERE attempt.delivery_id = r.id AND attempt.number = r.number AND +attempt.lease_owner = ?2
        """
    /// Gives each post in the JSON rows `[post id, revision, at]` the status its deliveries at that revision settle it
    /// in (`PostLifecycle.settlement(of:)`, a test checks they agree) once none of them is pending: failed if any failed,
    /// expired if all expired, else published if any was published; then only where the table allows that settlement
    /// from the post's status. A post paused by a crisis while its delivery was in flight did go out: it is published
    /// (the pause bumped its revision, so a paused post is matched whatever its revision).
    static let settlePosts = """
        WITH s AS MATERIALIZED (
            SELECT k.post AS id, k.revision AS revision, k.at AS at,
                   (SELECT CASE WHEN count(*) = 0 OR sum(d.state IN (\(LifecycleSQL.list(DeliveryState.keepsPostOpen)))) > 0 THEN NULL
                                WHEN sum(d.state = '\(DeliveryState.failed.rawValue)') > 0 THEN \(LifecycleSQL.to(.deliveryFailed))
                                WHEN sum(d.state = '\(DeliveryState.expired.rawValue)') = count(*) THEN \(LifecycleSQL.to(.deliveriesExpired))
                                WHEN sum(d.state = '\(DeliveryState.published.rawValue)') > 0 THEN \(LifecycleSQL.to(.delivered)) END
                    FROM delivery d WHERE d.post_id = k.post AND d.revision = k.revision) AS status
            FROM (SELECT value ->> 0 AS post, value ->> 1 AS revision, value ->> 2 AS at
                  FROM json_each(?1)) AS k)
        UPDATE post SET status = s.status, updated_at = s.at FROM s
        WHERE post.id = s.id AND s.status IS NOT NULL
          AND (\(settleAllowed))
          AND (+post.revision = s.revision OR +post.status = '\(PostStatus.paused.rawValue)')
        """
    /// `(s.status = 'failed' AND +post.status IN ('approved')) OR …`: each settlement only from the statuses the table
    /// allows it from.
    static let settleAllowed = PostEvent.settlements.map { e in
        "(s.status = \(LifecycleSQL.to(e)) AND +post.status IN (\(LifecycleSQL.from(e))))"
    }.joined(separator: " OR ")

    /// Starts an attempt for each delivery whose id is in the JSON array (the deliveries just claimed).
    static let startAttempts = """
        INSERT INTO attempt (delivery_id, number, hook, lease_owner, started_at)
        SELECT d.id, d.attempts, d.hook, ?, ? FROM json_each(?) j JOIN delivery d ON d.id = j.value
        """
    /// The posts whose ids are in the JSON array, with the columns `PostRecord(ordered:)` reads.
    static let postsByID = "SELECT \(PostRecord.orderedColumns) FROM post WHERE id IN (SELECT value FROM json_each(?))"

    /// Whether a pass at `now` would find anything to do: a due approved post, a due or voidable delivery, a lease
    /// that ran out, a notification waiting. Each part is one index search.
    static let anyWork = """
        SELECT EXISTS (SELECT 1 FROM post WHERE status = \(deliverable) AND scheduled_at <= ?1)
            OR EXISTS (SELECT 1 FROM delivery WHERE state IN (\(pending)) AND next_attempt_at <= ?1)
            OR EXISTS (SELECT 1 FROM delivery WHERE state IN (\(LifecycleSQL.from(DeliveryEvent.rescues))) AND lease_expires_at < ?1)
            OR EXISTS (SELECT 1 FROM delivery WHERE state IN (\(LifecycleSQL.from(.void))) AND NOT EXISTS (
                SELECT 1 FROM post WHERE post.id = delivery.post_id AND post.status = \(deliverable) AND post.revision = delivery.revision)
                AND NOT \(ReplySQL.isDeliverable("delivery")))
            OR EXISTS (SELECT 1 FROM notification WHERE sent_at IS NULL)
            OR EXISTS (\(ReplySQL.due))
            OR EXISTS (SELECT 1 FROM inbox_item WHERE status IN ('new', 'assigned', 'replying') AND overdue_notified_at IS NULL AND deadline < ?1)
        """

    static var all: [(name: String, sql: String, arguments: StatementArguments)] { [
        ("any work", anyWork, [0]),
        ("void changed deliveries", voidChanged, [0]),
        ("due posts", duePosts, [0]),
        ("queue deliveries", enqueue, ["[]", 0]),
        ("expired leases", expiredLeases, [0]),
        ("expire late deliveries", expireLate, [0, 0, 0]),
        ("claim", claim, ["owner", 0, 0, 0, false, 64]),
        ("start attempts", startAttempts, ["owner", 0, "[]"]),
        ("claimed posts", postsByID, ["[]"]),
        ("finish deliveries", finishDeliveries, ["[]", "owner"]),
        ("finish attempts", finishAttempts, ["[]", "owner"]),
        ("settle posts", settlePosts, ["[]"]),
    ] }
}

extension Store {
    /// How SQLite runs each query of a publish pass (`EXPLAIN QUERY PLAN` details), by query name.
    public func publishQueryPlans() throws(StoreError) -> [(query: String, plan: [String])] {
        try read { db in
            try PublishSQL.all.map { q in
                (q.name, try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + q.sql, arguments: q.arguments).map { $0["detail"] as String })
            }
        }
    }

    /// Whether a publish pass at `now` has anything to do (see `PublishSQL.anyWork`): when it has not, `herald publish`
    /// records the pass and stops without loading the strategy or starting an HTTP client.
    public func hasPublishWork(now: Date) throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: PublishSQL.anyWork, arguments: [Store.secs(now)]) ?? true }
    }

    /// Records a pass that found nothing to do: one row, one commit.
    public func recordIdleRun(owner: String, mode: String, startedAt: Date, clockAt: Date, endedAt: Date) throws(StoreError) {
        try write { db in
            try db.executeCached(sql: "INSERT INTO publish_run (owner, mode, started_at, clock_at, ended_at, exit_code) VALUES (?, ?, ?, ?, ?, 0)",
                           arguments: [owner, mode, Store.secs(startedAt), Store.secs(clockAt), Store.secs(endedAt)])
        }
    }

    static func secs(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded(.down)) }
    static func date(_ s: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(s)) }

    /// Turns approved posts whose time has come into deliveries (one per hook), voids deliveries of posts that
    /// changed, were paused or cancelled, and expires what is too late. One transaction.
    /// - Parameter hooks: for each channel, the hooks its posts go to.
    public func refreshQueue(now: Date, hooks: [String: [DueHook]], notify: Bool) throws(StoreError) -> RunCounts {
        try writeImmediate { db in try Store.refreshQueue(db, now: now, hooks: hooks, notify: notify) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func refreshQueue(now: Date, hooks: [String: [DueHook]], notify: Bool) async throws(StoreError) -> RunCounts {
        try await writeImmediate { db in try Store.refreshQueue(db, now: now, hooks: hooks, notify: notify) }
    }

    /// The statements of both, in the caller's transaction (as for each pair below).
    static func refreshQueue(_ db: Database, now: Date, hooks: [String: [DueHook]], notify: Bool) throws -> RunCounts {
        var counts = RunCounts()
        let nowS = Store.secs(now)
        // Void deliveries whose post is no longer approved at that revision.
        try db.executeCached(sql: PublishSQL.voidChanged, arguments: [nowS])
        // The deliveries to make, one per (due post, hook), inserted by one statement; those already queued are kept.
        var rows: [[SQLJSON.Value]] = []
        var ids: [String] = []
        var posts: [(post: String, revision: Int)] = []
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: PublishSQL.duePosts), arguments: [nowS])
        while let row = try cursor.next() {
            let postID: String = row[0], channel: String = row[1], revision: Int = row[2]
            let scheduled: Int64 = row[3]
            posts.append((postID, revision))
            for h in hooks[channel] ?? [] {
                let expires = scheduled + Int64(h.maxLateness)
                let id = Delivery.makeID(post: postID, hook: h.hook, revision: revision)
                ids.append(id)
                rows.append([.text(id), .text(postID), .text(h.hook),
                             .int(Int64(revision)), .text(nowS > expires ? "expired" : "scheduled"), .int(scheduled), .int(expires),
                             .int(Int64(h.maxAttempts))])
            }
        }
        var queued = Set<String>()
        var expired: [(id: String, post: String, hook: String)] = []
        if !rows.isEmpty {
            for row in try Row.fetchAll(db.cachedStatement(sql: PublishSQL.enqueue), arguments: [SQLJSON.rows(rows), nowS]) {
                let id: String = row[0], post: String = row[1], hook: String = row[2], state: String = row[3]
                if state == DeliveryState.expired.rawValue {
                    expired.append((id, post, hook))
                } else {
                    counts.enqueued += 1
                    queued.insert(post)
                }
            }
        }
        counts.expired = expired.count
        if notify, !expired.isEmpty {
            // In queue order (RETURNING's order is SQLite's to choose), as one statement per delivery used to write them.
            let order = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            for e in expired.sorted(by: { order[$0.id, default: 0] < order[$1.id, default: 0] }) {
                try Store.notify(db, "post.expired", post: e.post, delivery: e.id, hook: e.hook, detail: nil, at: nowS)
            }
        }
        // A post that just got a delivery to make is pending: nothing to settle.
        let settle = posts.filter { !queued.contains($0.post) }.map { ($0.post, $0.revision, nowS) }
        try Store.settlePosts(db, settle)
        // Replies to inbox items: an approved reply without deliveries gets its own, like a post whose time has come.
        let replies = try Store.enqueueReplies(db, now: nowS, hooks: hooks)
        counts.enqueued += replies.queued
        counts.expired += replies.expired.count
        try Store.settleReplies(db, replies.expired, at: nowS)
        return counts
    }

    /// Takes back deliveries whose lease ran out (their process died). A hook that can drop repeats, or a call
    /// that never started, is retried; otherwise the delivery waits for a person as `unknown`. Returns how many were
    /// taken back, and how many of those are now `unknown`.
    public func rescueExpiredLeases(now: Date, idempotentHooks: Set<String>, notify: Bool) throws(StoreError) -> (rescued: Int, unknown: Int) {
        try writeImmediate { db in try Store.rescueExpiredLeases(db, now: now, idempotentHooks: idempotentHooks, notify: notify) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func rescueExpiredLeases(now: Date, idempotentHooks: Set<String>, notify: Bool) async throws(StoreError) -> (rescued: Int, unknown: Int) {
        try await writeImmediate { db in try Store.rescueExpiredLeases(db, now: now, idempotentHooks: idempotentHooks, notify: notify) }
    }

    static func rescueExpiredLeases(_ db: Database, now: Date, idempotentHooks: Set<String>, notify: Bool) throws -> (rescued: Int, unknown: Int) {
        let nowS = Store.secs(now)
        let rows = try Row.fetchAll(db, sql: PublishSQL.expiredLeases, arguments: [nowS])
        var unknown = 0
        for row in rows {
            let id: String = row["id"], hook: String = row["hook"], post: String = row["post_id"]
            let calledAt: Int64? = row["called_at"]
            let safe = idempotentHooks.contains(hook) || calledAt == nil
            let event: DeliveryEvent = safe ? .leaseRanOut : .leaseRanOutMidCall
            let state = try Store.moving(delivery: id, from: .publishing, on: event)
            try db.executeCached(sql: """
                UPDATE delivery SET state = ?, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = ?, updated_at = ?,
                       last_error = ? WHERE id = ? AND state IN (\(LifecycleSQL.from(DeliveryEvent.rescues)))
                """, arguments: [state.rawValue, nowS, nowS,
                                 safe ? "the publisher stopped mid-delivery; retrying (the receiver can drop the repeat by its id)"
                                      : "the publisher stopped while the hook was running; it may or may not have posted", id])
            try db.executeCached(sql: """
                UPDATE attempt SET ended_at = ?, outcome = ?, error = 'the publishing process stopped (lease expired)'
                WHERE delivery_id = ? AND ended_at IS NULL
                """, arguments: [nowS, event.attemptOutcome?.rawValue, id])
            if state == .unknown { unknown += 1 }
            if state == .unknown, notify { try Store.notify(db, "post.unknown", post: post, delivery: id, hook: hook, detail: nil, at: nowS) }
            try Store.settleSubjects(db, [(post, row["revision"], nowS)])
        }
        return (rows.count, unknown)
    }

    /// Claims up to `limit` due deliveries for `owner` in one IMMEDIATE transaction, so two publishers never claim
    /// the same one; expires those past their lateness instead. Records the attempt's start.
    /// With `holdPromotional`, contest and discount posts are left queued (a crisis alert is raised and unhandled).
    public func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, notify: Bool, holdPromotional: Bool = false) throws(StoreError)
        -> (claimed: [ClaimedDelivery], expired: Int) {
        try writeImmediate { db in
            try Store.claim(db, owner: owner, limit: limit, now: now, lease: lease, notify: notify, holdPromotional: holdPromotional)
        }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, notify: Bool, holdPromotional: Bool = false) async throws(StoreError)
        -> (claimed: [ClaimedDelivery], expired: Int) {
        try await writeImmediate { db in
            try Store.claim(db, owner: owner, limit: limit, now: now, lease: lease, notify: notify, holdPromotional: holdPromotional)
        }
    }

    /// `finish` for a batch just sent and `claim` of the next in one transaction: one commit between two sends instead
    /// of two. Each part keeps its guarantees: the results are durable before the next claim is, and the claim is
    /// durable before its deliveries are sent. A `limit` of 0 only finishes.
    public func finishAndClaim(_ results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], owner: String, notify: Bool,
                               limit: Int, now: @Sendable () -> Date, lease: TimeInterval, holdPromotional: Bool = false) throws(StoreError)
        -> (counts: RunCounts, claimed: [ClaimedDelivery], expired: Int) {
        try writeImmediate { db in
            try Store.finishAndClaim(db, results, owner: owner, notify: notify, limit: limit, now: now, lease: lease, holdPromotional: holdPromotional)
        }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func finishAndClaim(_ results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], owner: String, notify: Bool,
                               limit: Int, now: @escaping @Sendable () -> Date, lease: TimeInterval, holdPromotional: Bool = false)
        async throws(StoreError) -> (counts: RunCounts, claimed: [ClaimedDelivery], expired: Int) {
        try await writeImmediate { db in
            try Store.finishAndClaim(db, results, owner: owner, notify: notify, limit: limit, now: now, lease: lease, holdPromotional: holdPromotional)
        }
    }

    static func finishAndClaim(_ db: Database, _ results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], owner: String,
                               notify: Bool, limit: Int, now: () -> Date, lease: TimeInterval, holdPromotional: Bool) throws
        -> (counts: RunCounts, claimed: [ClaimedDelivery], expired: Int) {
        let counts = try Store.finish(db, results, owner: owner, notify: notify)
        guard limit > 0 else { return (counts, [], 0) }
        let next = try Store.claim(db, owner: owner, limit: limit, now: now(), lease: lease, notify: notify, holdPromotional: holdPromotional)
        return (counts, next.claimed, next.expired)
    }

    /// `claim` inside a transaction.
    static func claim(_ db: Database, owner: String, limit: Int, now: Date, lease: TimeInterval, notify: Bool, holdPromotional: Bool) throws
        -> (claimed: [ClaimedDelivery], expired: Int) {
        let nowS = Store.secs(now)
        // Expire what is too late.
        let late = try Row.fetchAll(db, sql: PublishSQL.expireLate, arguments: [nowS, nowS, nowS])
        for row in late where notify {
            try Store.notify(db, "post.expired", post: row["post_id"], delivery: row["id"], hook: row["hook"], detail: nil, at: nowS)
        }
        try Store.settleSubjects(db, late.map { ($0["post_id"], $0["revision"], nowS) })
        let rows = try Row.fetchAll(db, sql: PublishSQL.claim, arguments: [owner, nowS + Int64(lease.rounded(.up)), nowS, nowS, holdPromotional, limit])
        guard !rows.isEmpty else { return ([], late.count) }
        // In claim order: RETURNING does not keep the subquery's.
        let claimed = rows.map { (Store.delivery(claimed: $0), $0[15] as Int64) }.sorted { ($0.0.nextAttemptAt, $0.1) < ($1.0.nextAttemptAt, $1.1) }
            .map(\.0)
        try db.executeCached(sql: PublishSQL.startAttempts, arguments: [owner, nowS, SQLJSON.strings(claimed.map(\.id))])
        var posts: [String: Post] = [:]
        posts.reserveCapacity(claimed.count)
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: PublishSQL.postsByID), arguments: [SQLJSON.strings(claimed.map(\.post))])
        while let row = try cursor.next() {
            let post = PostRecord(ordered: row).post
            posts[post.id] = post
        }
        var replies: [String: Reply] = [:]
        let replyIDs = claimed.map(\.post).filter { posts[$0] == nil && Store.isReply($0) }
        if !replyIDs.isEmpty {
            for r in try ReplyRecord.fetchAll(db, sql: "SELECT * FROM reply WHERE id IN (SELECT value FROM json_each(?))",
                                              arguments: [SQLJSON.strings(replyIDs)]) {
                replies[r.id] = r.reply
            }
        }
        return (claimed.compactMap { d in
            if let p = posts[d.post] { return ClaimedDelivery(delivery: d, post: p, reply: nil) }
            return replies[d.post].map { ClaimedDelivery(delivery: d, post: nil, reply: $0) }
        }, late.count)
    }

    /// A delivery from the columns `PublishSQL.claim` returns, by position.
    static func delivery(claimed row: Row) -> Delivery {
        Delivery(id: row[0], post: row[1], hook: row[2], revision: row[3], state: DeliveryState(rawValue: row[4]) ?? .scheduled,
                 dueAt: date(row[5]), nextAttemptAt: date(row[6]), attempts: row[7], maxAttempts: row[8], leaseOwner: row[9],
                 leaseExpiresAt: (row[10] as Int64?).map(date), lastError: row[11], remoteURL: row[12], remoteID: row[13],
                 publishedAt: (row[14] as Int64?).map(date))
    }

    /// Marks that a hook which cannot drop repeats is about to be called for these deliveries (each with its attempt
    /// number), in one transaction, so a crash after this is `unknown`. Only deliveries this owner still holds at that
    /// attempt, with the lease not run out, are marked; returns their ids (the others must not be called).
    public func markCalling(_ deliveries: [(id: String, attempt: Int)], owner: String, at now: Date) throws(StoreError) -> Set<String> {
        try write { db in try Store.markCalling(db, deliveries, owner: owner, at: now) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func markCalling(_ deliveries: [(id: String, attempt: Int)], owner: String, at now: Date) async throws(StoreError) -> Set<String> {
        try await write { db in try Store.markCalling(db, deliveries, owner: owner, at: now) }
    }

    static func markCalling(_ db: Database, _ deliveries: [(id: String, attempt: Int)], owner: String, at now: Date) throws -> Set<String> {
        var marked = Set<String>()
        for (id, attempt) in deliveries {
            try db.executeCached(sql: """
                UPDATE attempt SET called_at = ?1 WHERE delivery_id = ?2 AND number = ?3 AND lease_owner = ?4
                AND EXISTS (SELECT 1 FROM delivery WHERE id = ?2 AND state IN (\(LifecycleSQL.from(DeliveryEvent.attemptEnds))) AND lease_owner = ?4 AND attempts = ?3
                            AND lease_expires_at > ?1)
                """, arguments: [Store.secs(now), id, attempt, owner])
            if db.changesCount > 0 { marked.insert(id) }
        }
        return marked
    }

    /// Finishes claimed deliveries in one transaction, each fenced on its lease owner and attempt number: a
    /// delivery whose lease was taken back meanwhile is left as the rescuer set it. Returns the counts.
    public func finish(_ results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], owner: String,
                       notify: Bool) throws(StoreError) -> RunCounts {
        try writeImmediate { db in try Store.finish(db, results, owner: owner, notify: notify) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func finish(_ results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], owner: String,
                       notify: Bool) async throws(StoreError) -> RunCounts {
        try await writeImmediate { db in try Store.finish(db, results, owner: owner, notify: notify) }
    }

    /// A finished delivery's new row values.
    struct Ended {
        var delivery: Delivery
        var state: DeliveryState
        var next: Int64
        var end: Int64
        var error: String?, url: String?, remoteID: String?, excerpt: String?
        var status: Int?, exit: Int?
        var outcome: AttemptOutcome
    }

    /// `finish` inside a transaction: the new states worked out here, then three statements for the whole batch
    /// (deliveries, attempts, posts) instead of four per delivery.
    static func finish(_ db: Database, _ results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], owner: String,
                       notify: Bool) throws -> RunCounts {
        var ended: [Ended] = []
        ended.reserveCapacity(results.count)
        for (d, result, endedAt) in results {
            let endS = Store.secs(endedAt)
            var e = Ended(delivery: d, state: .published, next: endS, end: endS, outcome: .published)
            // The hook's answer, with the attempts and the time left, is an event of the delivery lifecycle; the table
            // gives the state it leads to from `publishing` (the statement below changes only deliveries still in it).
            let event: DeliveryEvent
            switch result {
            case .published(let u, let rid, let s, let x, let ex):
                e.url = u; e.remoteID = rid; e.status = s; e.exit = x; e.excerpt = ex
                event = .accepted
            case .retry(let notBefore, let err, let s, let x, let ex):
                e.error = err; e.status = s; e.exit = x; e.excerpt = ex
                e.next = Store.secs(notBefore)
                let expires = try Int64.fetchOne(db.cachedStatement(sql: "SELECT expires_at FROM delivery WHERE id = ?"), arguments: [d.id])
                    ?? Int64.max
                event = DeliveryLifecycle.eventAfterRetryableFailure(attempts: d.attempts, maxAttempts: d.maxAttempts, nextTry: e.next,
                                                                     expires: expires)
                switch event {
                case .attemptsRanOut: e.error = "\(err) (gave up after \(d.attempts) attempt\(d.attempts == 1 ? "" : "s"))"
                case .nextTryTooLate: e.error = "\(err); the next try would be too late (after the channel's max_lateness)"
                default: break
                }
            case .failed(let err, let s, let x, let ex, let disable):
                e.error = err; e.status = s; e.exit = x; e.excerpt = ex
                event = .hookRefused
                if disable {
                    try db.executeCached(sql: """
                        INSERT INTO hook_state (hook, disabled_at, reason) VALUES (?, ?, ?)
                        ON CONFLICT(hook) DO UPDATE SET disabled_at = excluded.disabled_at, reason = excluded.reason
                        """, arguments: [d.hook, endS, err])
                    if notify { try Store.notify(db, "hook.disabled", post: d.post, delivery: d.id, hook: d.hook, detail: err, at: endS) }
                }
            case .unknown(let err):
                e.error = err
                event = .outcomeUnknown
            }
            e.state = try Store.moving(delivery: d.id, from: .publishing, on: event)
            e.outcome = event.attemptOutcome ?? .interrupted
            ended.append(e)
        }
        guard !ended.isEmpty else { return RunCounts() }
        // Only deliveries still held by this owner at this attempt change (the others were taken back meanwhile).
        let held = Set(try String.fetchAll(db.cachedStatement(sql: PublishSQL.finishDeliveries), arguments: [SQLJSON.rows(ended.map { e in
            [.text(e.delivery.id), .int(Int64(e.delivery.attempts)), .text(e.state.rawValue), .int(e.next), .int(e.end), .text(e.error),
             .text(e.url), .text(e.remoteID)]
        }), owner]))
        let changed = ended.filter { held.contains($0.delivery.id) }
        guard !changed.isEmpty else { return RunCounts() }
        try db.executeCached(sql: PublishSQL.finishAttempts, arguments: [SQLJSON.rows(changed.map { e in
            [.text(e.delivery.id), .int(Int64(e.delivery.attempts)), .int(e.end), .text(e.outcome.rawValue), .int(e.status.map(Int64.init)),
             .int(e.exit.map(Int64.init)), .text(e.error), .text(e.excerpt)]
        }), owner])
        var counts = RunCounts()
        for e in changed {
            switch e.state {
            case .published: counts.published += 1
            case .retrying: counts.retrying += 1
            case .failed: counts.failed += 1
            case .unknown: counts.unknown += 1
            case .expired: counts.expired += 1
            default: break
            }
            if notify, e.state != .retrying {
                try Store.notify(db, "post.\(e.state.rawValue)", post: e.delivery.post, delivery: e.delivery.id, hook: e.delivery.hook,
                                 detail: e.error, at: e.end)
            }
        }
        try settleSubjects(db, changed.map { ($0.delivery.post, $0.delivery.revision, $0.end) })
        return counts
    }

    /// Gives a post its final status once none of its deliveries (at its revision) is pending.
    static func settlePost(_ db: Database, _ post: String, revision: Int, at now: Int64) throws {
        try settlePosts(db, [(post, revision, now)])
    }

    /// `settlePost` for many posts in one statement (`PublishSQL.settlePosts`).
    static func settlePosts(_ db: Database, _ posts: [(post: String, revision: Int, at: Int64)]) throws {
        guard !posts.isEmpty else { return }
        var seen = Set<String>()
        let unique = posts.reversed().filter { seen.insert("\($0.post)\u{0}\($0.revision)").inserted }
        try db.executeCached(sql: PublishSQL.settlePosts, arguments: [SQLJSON.rows(unique.map {
            [.text($0.post), .int(Int64($0.revision)), .int($0.at)]
        })])
    }

    static func notify(_ db: Database, _ event: String, post: String?, delivery: String?, hook: String?, detail: String?, at: Int64) throws {
        guard ["post.published", "post.failed", "post.unknown", "post.expired", "hook.disabled"].contains(event) else { return }
        try db.executeCached(sql: """
            INSERT INTO notification (event, post_id, delivery_id, hook, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [event, post, delivery, hook, detail, at])
    }

    static func delivery(_ row: Row) -> Delivery {
        Delivery(id: row["id"], post: row["post_id"], hook: row["hook"], revision: row["revision"],
                 state: DeliveryState(rawValue: row["state"]) ?? .scheduled, dueAt: date(row["due_at"]),
                 nextAttemptAt: date(row["next_attempt_at"]), attempts: row["attempts"], maxAttempts: row["max_attempts"],
                 leaseOwner: row["lease_owner"], leaseExpiresAt: (row["lease_expires_at"] as Int64?).map(date),
                 lastError: row["last_error"], remoteURL: row["remote_url"], remoteID: row["remote_id"],
                 publishedAt: (row["published_at"] as Int64?).map(date))
    }

    // MARK: Runs, listing, and a person's decisions

    /// Records the start of a pass.
    /// - Parameter strategyHash: the content hash of the strategy the pass works from, whose warnings were shown.
    public func startRun(owner: String, mode: String, startedAt: Date, clockAt: Date, strategyHash: String? = nil) throws(StoreError) -> Int64 {
        try write { db in try Store.startRun(db, owner: owner, mode: mode, startedAt: startedAt, clockAt: clockAt, strategyHash: strategyHash) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func startRun(owner: String, mode: String, startedAt: Date, clockAt: Date, strategyHash: String? = nil) async throws(StoreError) -> Int64 {
        try await write { db in try Store.startRun(db, owner: owner, mode: mode, startedAt: startedAt, clockAt: clockAt, strategyHash: strategyHash) }
    }

    static func startRun(_ db: Database, owner: String, mode: String, startedAt: Date, clockAt: Date, strategyHash: String?) throws -> Int64 {
        try db.executeCached(sql: "INSERT INTO publish_run (owner, mode, started_at, clock_at, strategy_hash) VALUES (?, ?, ?, ?, ?)",
                       arguments: [owner, mode, Store.secs(startedAt), Store.secs(clockAt), strategyHash])
        return db.lastInsertedRowID
    }

    /// The strategy (content hash) the last pass that named one worked from: its warnings have been shown.
    public func lastRunStrategyHash() throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT strategy_hash FROM publish_run WHERE strategy_hash IS NOT NULL ORDER BY id DESC LIMIT 1")
        }
    }

    public func endRun(_ id: Int64, counts: RunCounts, exitCode: Int32, note: String?, at: Date) throws(StoreError) {
        try write { db in try Store.endRun(db, id, counts: counts, exitCode: exitCode, note: note, at: at) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func endRun(_ id: Int64, counts: RunCounts, exitCode: Int32, note: String?, at: Date) async throws(StoreError) {
        try await write { db in try Store.endRun(db, id, counts: counts, exitCode: exitCode, note: note, at: at) }
    }

    static func endRun(_ db: Database, _ id: Int64, counts: RunCounts, exitCode: Int32, note: String?, at: Date) throws {
        try db.executeCached(sql: """
            UPDATE publish_run SET ended_at = ?, enqueued = ?, claimed = ?, published = ?, retrying = ?, failed = ?, unknown = ?,
                   expired = ?, rescued = ?, exit_code = ?, note = ? WHERE id = ?
            """, arguments: [Store.secs(at), counts.enqueued, counts.claimed, counts.published, counts.retrying, counts.failed,
                             counts.unknown, counts.expired, counts.rescued, exitCode, note, id])
    }

    public func lastRuns(_ n: Int) throws(StoreError) -> [PublishRun] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM publish_run ORDER BY id DESC LIMIT ?", arguments: [n]).map { r in
                var c = RunCounts()
                c.enqueued = r["enqueued"]; c.claimed = r["claimed"]; c.published = r["published"]; c.retrying = r["retrying"]
                c.failed = r["failed"]; c.unknown = r["unknown"]; c.expired = r["expired"]; c.rescued = r["rescued"]
                return PublishRun(id: r["id"], owner: r["owner"], mode: r["mode"], startedAt: Store.date(r["started_at"]),
                                  clockAt: Store.date(r["clock_at"]), endedAt: (r["ended_at"] as Int64?).map(Store.date), counts: c,
                                  exitCode: r["exit_code"], note: r["note"])
            }
        }
    }

    public func deliveries(states: [DeliveryState]? = nil, post: String? = nil, limit: Int? = nil) throws(StoreError) -> [Delivery] {
        try read { db in
            var sql = "SELECT * FROM delivery WHERE 1"
            var args: [any DatabaseValueConvertible] = []
            if let states { sql += " AND state IN (\(states.map { _ in "?" }.joined(separator: ", ")))"; args += states.map(\.rawValue) }
            if let post { sql += " AND post_id = ?"; args.append(post) }
            sql += " ORDER BY next_attempt_at, id"
            if let limit { sql += " LIMIT \(limit)" }
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { Store.delivery($0) }
        }
    }

    public func delivery(_ id: String) throws(StoreError) -> Delivery {
        let d = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]).map { Store.delivery($0) } }
        guard let d else { throw .notFound(what: "delivery", id: id) }
        return d
    }

    public func attempts(delivery: String) throws(StoreError) -> [Attempt] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempt WHERE delivery_id = ? ORDER BY number", arguments: [delivery]).map { r in
                Attempt(delivery: r["delivery_id"], number: r["number"], hook: r["hook"], startedAt: Store.date(r["started_at"]),
                        endedAt: (r["ended_at"] as Int64?).map(Store.date), outcome: (r["outcome"] as String?).flatMap(AttemptOutcome.init),
                        httpStatus: r["http_status"], exitCode: r["exit_code"], error: r["error"], responseExcerpt: r["response_excerpt"])
            }
        }
    }

    /// Counts of deliveries by state.
    public func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] {
        try read { db in
            var out: [DeliveryState: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state") {
                if let s = DeliveryState(rawValue: r["state"]) { out[s] = r["n"] }
            }
            return out
        }
    }

    /// The next time a pending delivery is to be tried that is after `now` (what `herald run` sleeps until). Pending
    /// deliveries already due are left out: after a pass those are the ones it had to leave (contest and discount
    /// posts held by a crisis alert, a disabled hook), and waking for them would only find them held again.
    public func nextAttempt(after now: Date) throws(StoreError) -> Date? {
        try read { db in try Store.nextAttempt(db, after: now) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func nextAttempt(after now: Date) async throws(StoreError) -> Date? {
        try await read { db in try Store.nextAttempt(db, after: now) }
    }

    static func nextAttempt(_ db: Database, after now: Date) throws -> Date? {
        try Int64.fetchOne(db, sql: """
            SELECT next_attempt_at FROM delivery WHERE state IN (\(PublishSQL.pending)) AND next_attempt_at > ?
            ORDER BY next_attempt_at LIMIT 1
            """, arguments: [Store.secs(now)]).map(Store.date)
    }

    /// The next approved posts to go out after `now`.
    public func nextDue(after now: Date, limit: Int) throws(StoreError) -> [Post] {
        try read { db in try Store.nextDue(db, after: now, limit: limit) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func nextDue(after now: Date, limit: Int) async throws(StoreError) -> [Post] {
        try await read { db in try Store.nextDue(db, after: now, limit: limit) }
    }

    static func nextDue(_ db: Database, after now: Date, limit: Int) throws -> [Post] {
        try PostRecord.filter(sql: "status = \(PublishSQL.deliverable) AND scheduled_at > ?", arguments: [Store.secs(now)])
            .order(PostRecord.Columns.scheduledAt).limit(limit).fetchAll(db).map(\.post)
    }

    /// Approved posts whose time has passed but that have no delivery yet (cron not running?).
    public func overdueWithoutDelivery(before now: Date) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM post p WHERE p.status = \(PublishSQL.deliverable) AND p.scheduled_at <= ?
                AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.post_id = p.id AND d.revision = p.revision)
                """, arguments: [Store.secs(now)]) ?? 0
        }
    }

    /// A person's decision: try a failed, unknown, expired or cancelled delivery again now, or at its post's time when
    /// that is still ahead (a retry never sends a post early). Its post goes back to approved if it failed or expired; a
    /// post in another status than those and approved is refused with the reason (its delivery would never be sent).
    public func retryDelivery(_ id: String, now: Date) throws(StoreError) -> Delivery {
        try writeImmediate { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "delivery", id: id)
            }
            let d = Store.delivery(row)
            let state = try Store.moving(d, on: .retry)
            if try Store.isStoredReply(db, d.post) { return try Store.retryReplyDelivery(db, d, state: state, now: now) }
            guard let current = try String.fetchOne(db, sql: "SELECT status FROM post WHERE id = ? AND revision = ?", arguments: [d.post, d.revision])
                .flatMap(PostStatus.init) else {
                throw StoreError.refused("the post changed since this delivery was made; approve it again and `herald publish` makes a new one.")
            }
            // The post must be (or go back to) approved, or the delivery would never be claimed.
            let status: PostStatus
            do {
                status = try Store.moving(post: d.post, from: current, on: .requeue)
            } catch {
                throw StoreError.refused("\(id) cannot be retried: its post \(error)")
            }
            let nowS = Store.secs(now)
            let at = max(nowS, Store.secs(d.dueAt))
            try db.executeCached(sql: """
                UPDATE delivery SET state = ?, next_attempt_at = ?, max_attempts = MAX(max_attempts, attempts + 1),
                       expires_at = MAX(expires_at, ? + 3600), updated_at = ?, last_error = NULL WHERE id = ?
                """, arguments: [state.rawValue, at, at, nowS, id])
            if status != current {
                try db.executeCached(sql: "UPDATE post SET status = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, nowS, d.post])
            }
            return Store.delivery(try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id])!)
        }
    }

    /// A person's decision: do not send this delivery.
    public func cancelDelivery(_ id: String, now: Date) throws(StoreError) -> Delivery {
        try writeImmediate { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "delivery", id: id)
            }
            let d = Store.delivery(row)
            let state = try Store.moving(d, on: .cancel)
            try db.executeCached(sql: "UPDATE delivery SET state = ?, updated_at = ?, last_error = 'cancelled by a person' WHERE id = ?",
                           arguments: [state.rawValue, Store.secs(now), id])
            // A reply whose deliveries are all withdrawn did not go out: its item goes back to its owner.
            try Store.settleReplies(db, [d.post], at: Store.secs(now))
            return Store.delivery(try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id])!)
        }
    }

    /// A person's decision: it did go out (e.g. an `unknown` delivery they checked), at this address.
    public func markPublished(_ id: String, url: String?, now: Date) throws(StoreError) -> Delivery {
        try writeImmediate { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "delivery", id: id)
            }
            let d = Store.delivery(row)
            let state = try Store.moving(d, on: .markPublished)
            let nowS = Store.secs(now)
            try db.executeCached(sql: """
                UPDATE delivery SET state = ?, published_at = ?, remote_url = COALESCE(?, remote_url), updated_at = ?,
                       last_error = NULL WHERE id = ?
                """, arguments: [state.rawValue, nowS, url, nowS, id])
            // A post that failed or expired is open again, and settles from its deliveries as they now stand; one in
            // another status (cancelled, published, changed since) is left as it is: the delivery's record is the fact.
            try db.executeCached(sql: """
                UPDATE post SET status = \(LifecycleSQL.to(.requeue)) WHERE id = ? AND revision = ? AND status IN (\(LifecycleSQL.from(.requeue)))
                """, arguments: [d.post, d.revision])
            try Store.settlePost(db, d.post, revision: d.revision, at: nowS)
            if try Store.isStoredReply(db, d.post) { try Store.markReplySent(db, d.post, at: nowS) }
            return Store.delivery(try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id])!)
        }
    }

    // MARK: Hooks and notifications

    public func disabledHooks() throws(StoreError) -> [String: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT hook, reason FROM hook_state WHERE disabled_at IS NOT NULL")
                .map { ($0["hook"] as String, ($0["reason"] as String?) ?? "") })
        }
    }

    public func enableHook(_ hook: String) throws(StoreError) -> Bool {
        try write { db in
            try db.executeCached(sql: "UPDATE hook_state SET disabled_at = NULL, reason = NULL WHERE hook = ?", arguments: [hook])
            return db.changesCount > 0
        }
    }

    public func pendingNotifications(limit: Int, maxAttempts: Int) throws(StoreError) -> [PendingNotification] {
        try read { db in try Store.pendingNotifications(db, limit: limit, maxAttempts: maxAttempts) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func pendingNotifications(limit: Int, maxAttempts: Int) async throws(StoreError) -> [PendingNotification] {
        try await read { db in try Store.pendingNotifications(db, limit: limit, maxAttempts: maxAttempts) }
    }

    static func pendingNotifications(_ db: Database, limit: Int, maxAttempts: Int) throws -> [PendingNotification] {
        try Row.fetchAll(db, sql: "SELECT * FROM notification WHERE sent_at IS NULL AND attempts < ? ORDER BY id LIMIT ?",
                         arguments: [maxAttempts, limit]).map { r in
            PendingNotification(id: r["id"], event: r["event"], post: r["post_id"], delivery: r["delivery_id"], hook: r["hook"],
                                detail: r["detail"], createdAt: Store.date(r["created_at"]), attempts: r["attempts"], item: r["item_id"])
        }
    }

    public func notificationSent(_ id: Int64, ok: Bool, error: String?, at: Date) throws(StoreError) {
        try write { db in try Store.notificationSent(db, id, ok: ok, error: error, at: at) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func notificationSent(_ id: Int64, ok: Bool, error: String?, at: Date) async throws(StoreError) {
        try await write { db in try Store.notificationSent(db, id, ok: ok, error: error, at: at) }
    }

    static func notificationSent(_ db: Database, _ id: Int64, ok: Bool, error: String?, at: Date) throws {
        try db.executeCached(sql: "UPDATE notification SET attempts = attempts + 1, sent_at = CASE WHEN ? THEN ? ELSE NULL END, last_error = ? WHERE id = ?",
                       arguments: [ok, Store.secs(at), error, id])
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    func writeImmediate<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in try Store.immediate(db, body) }
        } catch {
            throw Store.map(error, path: path)
        }
    }

    /// `writeImmediate` for async code (see `write`): not given up when the calling task is cancelled.
    func writeImmediate<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let pool = pool
        return try await uncancelled { try await pool.writeWithoutTransaction { db in try Store.immediate(db, body) } }
    }

    /// `body` in one IMMEDIATE transaction (the write lock taken at BEGIN, so two publishers never read the same due rows).
    private static func immediate<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        var result: T?
        try db.inTransaction(.immediate) {
            result = try body(db)
            return .commit
        }
        return result!
    }
}

extension Database {
    /// Runs one statement through the connection's statement cache: the publish path runs the same few statements for
    /// every delivery, and compiling them each time costs more than running them.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

/// Values for `json_each(?)`: a whole batch bound as one JSON text, so one statement handles every row.
enum SQLJSON {
    enum Value {
        case text(String?)
        case int(Int64?)
    }

    /// `["a","b",…]`
    static func strings(_ values: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(values.count * 24)
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(v, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `[[…],[…],…]`, each inner array one row's values in order.
    static func rows(_ rows: [[Value]]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(rows.count * 96)
        for (i, row) in rows.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (k, v) in row.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                switch v {
                case .text(let t?): string(t, into: &out)
                case .int(let n?): JSONText.appendInt(n, to: &out)
                case .text(nil), .int(nil): out.append(contentsOf: "null".utf8)
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func string(_ s: String, into out: inout [UInt8]) { JSONText.appendString(s, to: &out) }
}
