import Foundation
import GRDB
import HeraldModel

/// A row of `reply`.
struct ReplyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "reply"
    var id: String
    var item_id: String
    var network: String
    var channel: String
    var in_reply_to: String?
    var author_handle: String
    var replier: String
    var body: String
    var template: String?
    var language: String
    var status: String
    var approval_needed: String?
    var approver: String?
    var approved_by: String?
    var approved_at: Int64?
    var created_at: Int64
    var sent_at: Int64?
    var updated_at: Int64

    init(_ r: Reply, at now: Date) {
        id = r.id; item_id = r.item; network = r.network.rawValue; channel = r.channel; in_reply_to = r.inReplyTo
        author_handle = r.authorHandle; replier = r.replier; body = r.body; template = r.template; language = r.language
        status = r.status.rawValue; approval_needed = r.approvalNeeded; approver = r.approver; approved_by = r.approvedBy
        approved_at = r.approvedAt.map(Store.secs); created_at = Store.secs(r.createdAt); sent_at = r.sentAt.map(Store.secs)
        updated_at = Store.secs(now)
    }

    var reply: Reply {
        Reply(id: id, item: item_id, network: Network(rawValue: network) ?? .facebook, channel: channel, inReplyTo: in_reply_to,
              authorHandle: author_handle, replier: replier, body: body, template: template, language: language,
              status: ReplyStatus(rawValue: status) ?? .failed, approvalNeeded: approval_needed, approver: approver,
              approvedBy: approved_by, approvedAt: approved_at.map(Store.date), createdAt: Store.date(created_at),
              sentAt: sent_at.map(Store.date))
    }
}

/// The queue's statements for replies (the posts' are `PublishSQL`). Every status they test or set comes from
/// `ReplyLifecycle`.
enum ReplySQL {
    /// `'approved'`: the status whose replies are delivered (the one `delivered` and `undelivered` settle from).
    static let deliverable = LifecycleSQL.quoted(ReplyLifecycle.states(allowing: .delivered).first?.rawValue)
    /// Approved replies without a delivery yet: the queue refresh makes theirs.
    static let due = """
        SELECT id, channel, COALESCE(approved_at, created_at) FROM reply
        WHERE status = \(deliverable) AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.post_id = reply.id)
        """
    /// `delivery.post_id` names a reply that is still to be delivered.
    static func isDeliverable(_ delivery: String) -> String {
        "EXISTS (SELECT 1 FROM reply r WHERE r.id = \(delivery).post_id AND r.status = \(deliverable))"
    }
}

extension Store {
    /// Whether a delivery's `post_id` may be a reply's (replies' ids start `r-`; whether it is one, the reply table says).
    static func isReply(_ id: String) -> Bool { id.hasPrefix("r-") }

    /// Whether a delivery's `post_id` is a stored reply's.
    static func isStoredReply(_ db: Database, _ id: String) throws -> Bool {
        try isReply(id) && ReplyRecord.exists(db, key: id)
    }

    /// Queues a reply and moves its item (`queueReply`) in one transaction: the item's status must allow it, else
    /// nothing is written. The person replying becomes the item's owner when it had none.
    public func queueReply(_ reply: Reply, at now: Date) throws(StoreError) -> (reply: Reply, item: InboxItem) {
        try writeImmediate { db in
            guard let record = try InboxItemRecord.fetchOne(db, key: reply.item) else { throw StoreError.notFound(what: "inbox item", id: reply.item) }
            var item = record.item
            switch InboxLifecycle.transition(from: item.status, on: .queueReply) {
            case .moves(let to): item.status = to
            case .refused(let why): throw StoreError.refused("\(item.id): \(why)")
            }
            if item.owner == nil { item.owner = reply.replier }
            try ReplyRecord(reply, at: now).insert(db)
            try InboxItemRecord(item, webhookID: record.webhook_id, at: now).update(db)
            return (reply, item)
        }
    }

    /// A person's approval of the reply waiting for it on `item`: `ReplyLifecycle`'s `approve`. `check` sees the reply
    /// first and may refuse with a reason (who may approve is the workspace's rule); then nothing is written.
    public func approveReply(item: String, by person: String, at now: Date, check: @escaping @Sendable (Reply) -> String?) throws(StoreError) -> Reply {
        try writeImmediate { db in
            guard try InboxItemRecord.fetchOne(db, key: item) != nil else { throw StoreError.notFound(what: "inbox item", id: item) }
            let waiting = try ReplyRecord.fetchAll(db, sql: "SELECT * FROM reply WHERE item_id = ? ORDER BY created_at DESC, id", arguments: [item])
                .map(\.reply)
            guard let r = waiting.first(where: { $0.status == .awaitingApproval }) else {
                let last = waiting.first.map { " (its latest reply, \($0.id), is \($0.status.rawValue))" } ?? " (it has no reply; `herald inbox reply` writes one)"
                throw StoreError.refused("\(item) has no reply waiting for approval\(last).")
            }
            if let refusal = check(r) { throw StoreError.refused(refusal) }
            var approved = r
            switch ReplyLifecycle.transition(from: r.status, on: .approve) {
            case .success(let to): approved.status = to
            case .failure(let refusal): throw StoreError.refused(refusal.message(for: r.id))
            }
            approved.approvedBy = person
            approved.approvedAt = now
            try ReplyRecord(approved, at: now).update(db)
            return approved
        }
    }

    /// The replies to an item, newest first.
    public func replies(item: String) throws(StoreError) -> [Reply] {
        try read { db in
            try ReplyRecord.fetchAll(db, sql: "SELECT * FROM reply WHERE item_id = ? ORDER BY created_at DESC, id", arguments: [item]).map(\.reply)
        }
    }

    public func reply(_ id: String) throws(StoreError) -> Reply {
        let found = try read { db in try ReplyRecord.fetchOne(db, key: id)?.reply }
        guard let found else { throw .notFound(what: "reply", id: id) }
        return found
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func reply(_ id: String) async throws(StoreError) -> Reply {
        let found = try await read { db in try ReplyRecord.fetchOne(db, key: id)?.reply }
        guard let found else { throw .notFound(what: "reply", id: id) }
        return found
    }

    /// Makes the deliveries of approved replies that have none yet (one per hook of the item's channel, due when the
    /// reply was approved, too late after the channel's `max_lateness`). Returns how many were queued, and the ids of
    /// the replies whose deliveries were already too late (to settle).
    static func enqueueReplies(_ db: Database, now nowS: Int64, hooks: [String: [DueHook]]) throws -> (queued: Int, expired: [String]) {
        var rows: [[SQLJSON.Value]] = []
        let due = try Row.fetchAll(db.cachedStatement(sql: ReplySQL.due))
        var withoutHooks: [String] = []
        for row in due {
            let id: String = row[0], channel: String = row[1], at: Int64 = row[2]
            let list = hooks[channel] ?? []
            if list.isEmpty { withoutHooks.append(id) }
            for h in list {
                let expires = at + Int64(h.maxLateness)
                rows.append([.text(Delivery.makeID(post: id, hook: h.hook, revision: 1)), .text(id), .text(h.hook), .int(1),
                             .text(nowS > expires ? DeliveryState.expired.rawValue : DeliveryState.scheduled.rawValue), .int(at), .int(expires),
                             .int(Int64(h.maxAttempts))])
            }
        }
        var queued = 0
        var expired: Set<String> = []
        if !rows.isEmpty {
            for row in try Row.fetchAll(db.cachedStatement(sql: PublishSQL.enqueue), arguments: [SQLJSON.rows(rows), nowS]) {
                let reply: String = row[1], state: String = row[3]
                if state == DeliveryState.expired.rawValue { expired.insert(reply) } else { queued += 1 }
            }
        }
        // A channel without a usable hook cannot send it: the reply fails at once and its item goes back to its owner.
        for id in withoutHooks {
            try settleReply(db, id, at: nowS, forced: .undelivered, why: "its channel has no hook to send it through")
        }
        return (queued, Array(expired))
    }

    /// Settles the replies among `subjects` (ids of what deliveries belong to) from their deliveries.
    static func settleReplies(_ db: Database, _ subjects: [String], at now: Int64) throws {
        var seen = Set<String>()
        for id in subjects where isReply(id) && seen.insert(id).inserted {
            try settleReply(db, id, at: now)
        }
    }

    /// Gives a reply the status its deliveries settle it in (`ReplyLifecycle.settlement(of:)`), and its item the matching
    /// event: `replySent` (answered, first reply recorded) or `replyFailed` (back to its owner).
    static func settleReply(_ db: Database, _ id: String, at now: Int64, forced: ReplyEvent? = nil, why: String? = nil) throws {
        guard let record = try ReplyRecord.fetchOne(db, key: id) else { return }
        var reply = record.reply
        let states = try String.fetchAll(db, sql: "SELECT state FROM delivery WHERE post_id = ?", arguments: [id]).compactMap(DeliveryState.init)
        guard let event = forced ?? ReplyLifecycle.settlement(of: states),
              case .success(let next) = ReplyLifecycle.transition(from: reply.status, on: event) else { return }
        reply.status = next
        let published = try Int64.fetchOne(db, sql: "SELECT MIN(published_at) FROM delivery WHERE post_id = ? AND state = 'published'", arguments: [id])
        if next == .sent { reply.sentAt = published.map(Store.date) ?? Store.date(now) }
        try ReplyRecord(reply, at: Store.date(now)).update(db)
        guard let itemRecord = try InboxItemRecord.fetchOne(db, key: reply.item) else { return }
        var item = itemRecord.item
        let itemEvent: InboxEvent = next == .sent ? .replySent : .replyFailed
        guard case .moves(let to) = InboxLifecycle.transition(from: item.status, on: itemEvent) else { return }
        let before = item.status
        item.status = to
        if next == .sent {
            item.firstReplyAt = item.firstReplyAt ?? reply.sentAt
            item.note = "answered: reply \(reply.id) went out at \(reply.sentAt?.isoUTC ?? "")"
        } else if before != to {
            let lastError = try String.fetchOne(db, sql: "SELECT last_error FROM delivery WHERE post_id = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
                                                arguments: [id])
            let reason = why ?? lastError ?? "its deliveries did not go out"
            item.note = "reply \(reply.id) did not go out (\(reason)); the item is open again"
        }
        try InboxItemRecord(item, webhookID: itemRecord.webhook_id, at: Store.date(now)).update(db)
    }

    /// Settles what a batch of deliveries belongs to: posts (`settlePosts`, which leaves an id that is no post alone) and
    /// replies (an `r-…` id that is no reply is left alone too: a post may be named so).
    static func settleSubjects(_ db: Database, _ subjects: [(post: String, revision: Int, at: Int64)]) throws {
        try settlePosts(db, subjects)
        for s in subjects where isReply(s.post) { try settleReply(db, s.post, at: s.at) }
    }

    /// A reply that failed is queued again (`requeue`), and its item waits for it again (`queueReply`); refused with
    /// the reason when either table does not allow it.
    static func requeueReply(_ db: Database, _ id: String, at now: Date) throws {
        guard let record = try ReplyRecord.fetchOne(db, key: id) else { throw StoreError.notFound(what: "reply", id: id) }
        var reply = record.reply
        let before = reply.status
        switch ReplyLifecycle.transition(from: reply.status, on: .requeue) {
        case .success(let to): reply.status = to
        case .failure(let refusal): throw StoreError.refused("the reply \(refusal.message(for: id))")
        }
        guard before != reply.status, let itemRecord = try InboxItemRecord.fetchOne(db, key: reply.item) else { return }
        var item = itemRecord.item
        switch InboxLifecycle.transition(from: item.status, on: .queueReply) {
        case .moves(let to): item.status = to
        case .refused(let why): throw StoreError.refused("its item \(item.id): \(why)")
        }
        try ReplyRecord(reply, at: now).update(db)
        try InboxItemRecord(item, webhookID: itemRecord.webhook_id, at: now).update(db)
    }

    /// `retryDelivery` for a delivery of a reply: the reply (and its item) wait for it again, and it is tried now.
    static func retryReplyDelivery(_ db: Database, _ d: Delivery, state: DeliveryState, now: Date) throws -> Delivery {
        do { try requeueReply(db, d.post, at: now) } catch let e as StoreError {
            throw StoreError.refused("\(d.id) cannot be retried: \(e)")
        }
        let nowS = Store.secs(now)
        try db.executeCached(sql: """
            UPDATE delivery SET state = ?, next_attempt_at = ?, max_attempts = MAX(max_attempts, attempts + 1),
                   expires_at = MAX(expires_at, ? + 3600), updated_at = ?, last_error = NULL WHERE id = ?
            """, arguments: [state.rawValue, nowS, nowS, nowS, d.id])
        return Store.delivery(try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [d.id])!)
    }

    /// `markPublished` for a delivery of a reply: a reply that had failed is queued again, then settles as sent.
    static func markReplySent(_ db: Database, _ id: String, at now: Int64) throws {
        if let r = try ReplyRecord.fetchOne(db, key: id)?.reply, r.status == .failed { try requeueReply(db, id, at: Store.date(now)) }
        try settleReply(db, id, at: now)
    }
}
