import Foundation
import GRDB
import HeraldModel

/// A row of `inbox_item`.
struct InboxItemRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "inbox_item"
    var id: String
    var source: String
    var webhook_id: String?
    var network: String
    var channel: String
    var kind: String
    var network_item_id: String?
    var author_handle: String
    var author_name: String?
    var author_followers: Int?
    var text: Data
    var url: String?
    var created_at: Int64
    var received_at: Int64
    var in_reply_to: String?
    var location: String?
    var labels: String
    var owner: String?
    var deadline: Int64?
    var status: String
    var close_reason: String?
    var note: String?
    var updated_at: Int64
    var first_reply_at: Int64?
    var overdue_notified_at: Int64?
    var urgent_notified_at: Int64?

    init(_ i: InboxItem, webhookID: String?, at now: Date) {
        id = i.id; source = i.source; webhook_id = webhookID; network = i.network.rawValue; channel = i.channel
        kind = i.kind.rawValue; network_item_id = i.networkItemID; author_handle = i.authorHandle; author_name = i.authorName
        author_followers = i.authorFollowers; text = Data(i.text.utf8); url = i.url
        created_at = Int64(i.createdAt.timeIntervalSince1970); received_at = Int64(i.receivedAt.timeIntervalSince1970)
        in_reply_to = i.inReplyTo; location = i.location
        labels = (try? String(decoding: JSONEncoder.sorted.encode(i.labels), as: UTF8.self)) ?? "{}"
        owner = i.owner; deadline = i.deadline.map { Int64($0.timeIntervalSince1970) }; status = i.status.rawValue
        close_reason = i.closeReason?.rawValue; note = i.note; updated_at = Int64(now.timeIntervalSince1970)
        first_reply_at = i.firstReplyAt.map { Int64($0.timeIntervalSince1970) }
    }

    var item: InboxItem {
        var i = InboxItem(id: id, source: source, network: Network(rawValue: network) ?? .facebook, channel: channel,
                  kind: InboxKind(rawValue: kind) ?? .comment, networkItemID: network_item_id, authorHandle: author_handle,
                  authorName: author_name, authorFollowers: author_followers, text: String(decoding: text, as: UTF8.self), url: url,
                  createdAt: Date(timeIntervalSince1970: TimeInterval(created_at)),
                  receivedAt: Date(timeIntervalSince1970: TimeInterval(received_at)), inReplyTo: in_reply_to, location: location,
                  labels: (try? JSONDecoder().decode(InboxLabels.self, from: Data(labels.utf8))) ?? InboxLabels(),
                  owner: owner, deadline: deadline.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                  status: InboxStatus(rawValue: status) ?? .new, closeReason: close_reason.flatMap(InboxCloseReason.init(rawValue:)),
                  note: note)
        i.firstReplyAt = first_reply_at.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        return i
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// What storing inbox items did.
public struct InboxWrite: Sendable, Equatable {
    /// Items stored now.
    public var stored: [String]
    /// Items already there (the same network id, or the same source and webhook id): left as they were.
    public var duplicates: [String]

    public init(stored: [String] = [], duplicates: [String] = []) { self.stored = stored; self.duplicates = duplicates }
}

/// Which inbox items to list.
public struct InboxQuery: Sendable {
    public var statuses: [InboxStatus]
    public var owner: String?
    public var channel: String?
    public var from: Date?
    public var to: Date?
    public var limit: Int?

    public init(statuses: [InboxStatus] = [.new, .assigned], owner: String? = nil, channel: String? = nil,
                from: Date? = nil, to: Date? = nil, limit: Int? = nil) {
        self.statuses = statuses; self.owner = owner; self.channel = channel; self.from = from; self.to = to; self.limit = limit
    }
}

extension Store {
    /// Stores items in one transaction (all or none). An item whose network id (or source and webhook id) is stored
    /// already is a duplicate and left as it was, so the same export imported again, or a connector's retry, changes
    /// nothing.
    @discardableResult
    public func storeInbox(_ items: [(item: InboxItem, webhookID: String?)], at now: Date) throws(StoreError) -> InboxWrite {
        try write { db in
            var w = InboxWrite()
            for (item, webhookID) in items {
                // The primary key and the two unique indexes say what is a duplicate: it is left as it was.
                try InboxItemRecord(item, webhookID: webhookID, at: now).insert(db, onConflict: .ignore)
                if db.changesCount > 0 { w.stored.append(item.id) } else { w.duplicates.append(item.id) }
            }
            // The brand's own replies (after every item of the batch is in, whatever their order): each marks the item it
            // answers answered, with the reply's time as its first reply.
            let stored = Set(w.stored)
            for (item, _) in items where item.isOwnReply && stored.contains(item.id) {
                guard let target = item.inReplyTo else { continue }
                try Store.answeredByOwnReply(db, network: item.network, networkItemID: target, reply: item, at: now)
            }
            return w
        }
    }

    /// Marks the item with this network id answered (answered elsewhere, by the brand's own account): the lifecycle's
    /// `answer`, where it allows it; its first reply is the own reply's time unless one went out before.
    static func answeredByOwnReply(_ db: Database, network: Network, networkItemID: String, reply: InboxItem, at now: Date) throws {
        guard let record = try InboxItemRecord.fetchOne(db, sql: "SELECT * FROM inbox_item WHERE network = ? AND network_item_id = ?",
                                                        arguments: [network.rawValue, networkItemID]) else { return }
        guard case .moves(let to) = InboxLifecycle.transition(from: record.item.status, on: .answer) else { return }
        var item = record.item
        item.status = to
        item.firstReplyAt = item.firstReplyAt ?? min(reply.createdAt, now)
        item.note = "answered by the brand's own account (\(reply.authorHandle)) at \(reply.createdAt.isoUTC): \(reply.id)"
        try InboxItemRecord(item, webhookID: record.webhook_id, at: now).update(db)
    }

    /// One item, or `notFound`.
    public func inboxItem(_ id: String) throws(StoreError) -> InboxItem {
        let found = try read { db in try InboxItemRecord.fetchOne(db, key: id)?.item }
        guard let found else { throw .notFound(what: "inbox item", id: id) }
        return found
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func inboxItem(_ id: String) async throws(StoreError) -> InboxItem {
        let found = try await read { db in try InboxItemRecord.fetchOne(db, key: id)?.item }
        guard let found else { throw .notFound(what: "inbox item", id: id) }
        return found
    }

    /// Items by deadline (those without one last), then by when they came in.
    public func inboxItems(_ q: InboxQuery) throws(StoreError) -> [InboxItem] {
        try read { db in
            var sql = "SELECT * FROM inbox_item WHERE status IN (\(q.statuses.map { "'\($0.rawValue)'" }.joined(separator: ",")))"
            var args: [any DatabaseValueConvertible] = []
            if let o = q.owner { sql += " AND owner = ?"; args.append(o) }
            if let c = q.channel { sql += " AND channel = ?"; args.append(c) }
            if let f = q.from { sql += " AND received_at >= ?"; args.append(Int64(f.timeIntervalSince1970)) }
            if let t = q.to { sql += " AND received_at < ?"; args.append(Int64(t.timeIntervalSince1970)) }
            sql += " ORDER BY deadline IS NULL, deadline, received_at, id"
            if let l = q.limit { sql += " LIMIT \(l)" }
            return try InboxItemRecord.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(\.item)
        }
    }

    /// Counts of the inbox stop at this (`herald inbox`'s count line, `herald status`): past it they say "more than 10,000",
    /// so a count costs at most this many index steps however many items are open (counting a million took 0.25 s).
    public static let inboxCountCap = 10_000

    /// A page of `herald inbox`: the first `limit` items of the query by deadline (items without one last), how many
    /// match in all, and how many of those are past their deadline at `now`. Open items (new, assigned, replying) are
    /// read through the `inbox_item_listing` index, so the first page of a million open items costs a few index steps.
    /// The counts stop at `cap` + 1: a count above `cap` means "more than `cap`".
    public func inboxPage(_ q: InboxQuery, now: Date, limit: Int, cap: Int = Store.inboxCountCap) throws(StoreError) -> (items: [InboxItem], total: Int, overdue: Int) {
        try read { db in
            let statuses = "status IN (\(q.statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
            var filter = ""
            var args: [any DatabaseValueConvertible] = []
            if let o = q.owner { filter += " AND owner = ?"; args.append(o) }
            if let c = q.channel { filter += " AND channel = ?"; args.append(c) }
            let order = "ORDER BY deadline, received_at, id LIMIT \(limit)"
            var items = try InboxItemRecord.fetchAll(db, sql: "SELECT * FROM inbox_item WHERE \(statuses) AND deadline IS NOT NULL\(filter) \(order)",
                                                     arguments: StatementArguments(args)).map(\.item)
            if items.count < limit {
                items += try InboxItemRecord.fetchAll(db, sql: "SELECT * FROM inbox_item WHERE \(statuses) AND deadline IS NULL\(filter) ORDER BY received_at, id LIMIT \(limit - items.count)",
                                                      arguments: StatementArguments(args)).map(\.item)
            }
            // Two capped counts, each of which the partial index `inbox_item_listing` answers alone when no owner or channel
            // is asked for.
            let total = try Store.cappedCount(db, "FROM inbox_item WHERE \(statuses)\(filter)", StatementArguments(args), cap: cap)
            let overdue = try Store.cappedCount(db, "FROM inbox_item WHERE status IN ('new', 'assigned', 'replying') AND deadline < ? AND \(statuses)\(filter)",
                                                StatementArguments([Int64(now.timeIntervalSince1970)] as [any DatabaseValueConvertible] + args), cap: cap)
            return (items, total, overdue)
        }
    }

    /// `SELECT COUNT(*) \(from)`, stopping at `cap` + 1 rows.
    static func cappedCount(_ db: Database, _ from: String, _ arguments: StatementArguments = StatementArguments(), cap: Int) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 \(from) LIMIT \(max(0, cap) + 1))", arguments: arguments) ?? 0
    }

    /// Items awaiting an answer (new, assigned, or with a reply on its way), those past their deadline, and those nobody
    /// has: what `herald status` shows. Each count stops at `cap` + 1 (above `cap`: "more than `cap`").
    public func inboxCounts(now: Date, cap: Int = Store.inboxCountCap) throws(StoreError) -> (open: Int, overdue: Int, unassigned: Int) {
        try read { db in
            let open = "FROM inbox_item WHERE status IN ('new', 'assigned', 'replying')"
            return (try Store.cappedCount(db, open, cap: cap),
                    try Store.cappedCount(db, open + " AND deadline < ?", [Int64(now.timeIntervalSince1970)], cap: cap),
                    try Store.cappedCount(db, open + " AND owner IS NULL", cap: cap))
        }
    }

    /// Open items per owner, for routing to the person with the fewest.
    public func openInboxCounts() throws(StoreError) -> [String: Int] {
        try read { db in try Store.openInboxCounts(db) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func openInboxCounts() async throws(StoreError) -> [String: Int] {
        try await read { db in try Store.openInboxCounts(db) }
    }

    static func openInboxCounts(_ db: Database) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT owner, COUNT(*) AS n FROM inbox_item WHERE status IN ('new', 'assigned') AND owner IS NOT NULL GROUP BY owner") {
            out[row["owner"]] = row["n"]
        }
        return out
    }

    /// Changes one item through its lifecycle: `event` must be allowed from its status (`InboxLifecycle`), else the
    /// change is refused with the reason and nothing is written.
    @discardableResult
    public func updateInbox(_ id: String, event: InboxEvent?, at now: Date, _ edit: @Sendable (InboxItem) -> InboxItem) throws(StoreError) -> InboxItem {
        try write { db in
            guard let record = try InboxItemRecord.fetchOne(db, key: id) else { throw StoreError.notFound(what: "inbox item", id: id) }
            var item = edit(record.item)
            if let event {
                switch InboxLifecycle.transition(from: record.item.status, on: event) {
                case .moves(let to): item.status = to
                case .refused(let why): throw StoreError.refused("\(id): \(why)")
                }
            }
            // The first answer is kept: a follow-up or a reopened item does not move it.
            if event == .answer, item.firstReplyAt == nil { item.firstReplyAt = now }
            var updated = InboxItemRecord(item, webhookID: record.webhook_id, at: now)
            updated.overdue_notified_at = record.overdue_notified_at
            updated.urgent_notified_at = record.urgent_notified_at
            try updated.update(db)
            return item
        }
    }
}
