import Foundation
import GRDB
import HeraldModel

/// Filters for listing posts.
public struct PostQuery: Sendable {
    public var from: Date?
    /// Exclusive end.
    public var to: Date?
    public var channels: [String]?
    public var owner: String?
    public var kinds: [ContentKind]?
    public var statuses: [PostStatus]?
    public var campaign: String?

    public init(from: Date? = nil, to: Date? = nil, channels: [String]? = nil, owner: String? = nil,
                kinds: [ContentKind]? = nil, statuses: [PostStatus]? = nil, campaign: String? = nil) {
        self.from = from; self.to = to; self.channels = channels; self.owner = owner; self.kinds = kinds
        self.statuses = statuses; self.campaign = campaign
    }
}

extension PostQuery {
    /// The filtered request, in time order.
    var request: QueryInterfaceRequest<PostRecord> {
        var r = PostRecord.all()
        if let from { r = r.filter(PostRecord.Columns.scheduledAt >= Int64(from.timeIntervalSince1970)) }
        if let to { r = r.filter(PostRecord.Columns.scheduledAt < Int64(to.timeIntervalSince1970)) }
        if let channels { r = r.filter(channels.contains(PostRecord.Columns.channel)) }
        if let owner { r = r.filter(PostRecord.Columns.owner == owner) }
        if let kinds { r = r.filter(kinds.map(\.rawValue).contains(PostRecord.Columns.kind)) }
        if let statuses { r = r.filter(statuses.map(\.rawValue).contains(PostRecord.Columns.status)) }
        if let campaign { r = r.filter(Column("campaign") == campaign) }
        return r.order(PostRecord.Columns.scheduledAt, PostRecord.Columns.channel, PostRecord.Columns.id)
    }
}

/// A strategy file's text, as a snapshot records it.
public struct SnapshotSource: Sendable {
    public var file: String
    public var text: String
    public var contentHash: String
    public var brand: String

    public init(file: String, text: String, contentHash: String, brand: String) {
        self.file = file
        self.text = text
        self.contentHash = contentHash
        self.brand = brand
    }
}

/// What writing a plan did.
public struct PlanWrite: Sendable {
    public var inserted: Int
    public var updated: Int
    public var deleted: Int
    public var tasks: Int
}

extension Store {
    /// Posts written per statement by `applyPlan`.
    static let upsertBatch = 1000

    /// `INSERT` of `rows` new posts at revision 1 (23 values each, bound by `bindPlanRows`).
    static func insertPostsSQL(rows: Int) -> String {
        let tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)"
        return """
            INSERT INTO post (id, channel, network, kind, step, campaign, goal, owner, scheduled_at, status, body, topic, variant,
                              locked, source, link, media, crisis, revision, template, approved_by, approved_at, created_at, updated_at)
            VALUES \(Array(repeating: tuple, count: rows).joined(separator: ", "))
            """
    }

    /// `insertPostsSQL` + `ON CONFLICT DO UPDATE … RETURNING` (the id of a replaced post, NULL for a new one).
    static func upsertPostsSQL(rows: Int) -> String {
        insertPostsSQL(rows: rows) + """

            ON CONFLICT(id) DO UPDATE SET
                channel = excluded.channel, network = excluded.network, kind = excluded.kind, step = excluded.step,
                campaign = excluded.campaign, goal = excluded.goal, owner = excluded.owner, scheduled_at = excluded.scheduled_at,
                status = excluded.status, body = excluded.body, topic = excluded.topic, variant = excluded.variant,
                locked = excluded.locked, source = excluded.source, link = excluded.link, media = excluded.media,
                crisis = excluded.crisis, revision = post.revision + 1, template = excluded.template,
                approved_by = excluded.approved_by, approved_at = excluded.approved_at, updated_at = excluded.updated_at
            WHERE post.status IN (\(LifecycleSQL.from(.replan))) AND post.locked = 0
            RETURNING CASE revision WHEN 1 THEN NULL ELSE id END
            """
    }

    /// `INSERT OR REPLACE` of `rows` share tasks (6 values each).
    static func insertTasksSQL(rows: Int) -> String {
        "INSERT OR REPLACE INTO share_task (id, post_id, participant, network, due_at, done) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    public func posts(_ q: PostQuery = PostQuery()) throws(StoreError) -> [Post] {
        try read { db in try q.request.fetchAll(db).map(\.post) }
    }

    /// Hands the matching posts to `body` one at a time, in time order, from one read transaction, without holding
    /// them all in memory (exports of any size). An error thrown by `body` stops the walk and is rethrown as it is.
    public func forEachPost(_ q: PostQuery = PostQuery(), _ body: (Post) throws -> Void) throws {
        var failure: (any Error)?
        do {
            try pool.read { db in
                let cursor = try q.request.fetchCursor(db)
                while let record = try cursor.next() {
                    do { try body(record.post) } catch { failure = error; return }
                }
            }
        } catch {
            throw Store.map(error, path: path)
        }
        if let failure { throw failure }
    }

    public func post(_ id: String) throws(StoreError) -> Post {
        let found = try read { db in try PostRecord.fetchOne(db, key: id)?.post }
        guard let found else { throw .notFound(what: "post", id: id) }
        return found
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func post(_ id: String) async throws(StoreError) -> Post {
        let found = try await read { db in try PostRecord.fetchOne(db, key: id)?.post }
        guard let found else { throw .notFound(what: "post", id: id) }
        return found
    }

    /// The post's revision: bumped by every change to what would be published.
    public func revision(of id: String) throws(StoreError) -> Int {
        let r = try read { db in try Int.fetchOne(db, sql: "SELECT revision FROM post WHERE id = ?", arguments: [id]) }
        guard let r else { throw .notFound(what: "post", id: id) }
        return r
    }

    public func shareTasks(participant: String? = nil, from: Date? = nil, to: Date? = nil) throws(StoreError) -> [ShareTask] {
        try read { db in
            var r = ShareTaskRecord.all()
            if let participant { r = r.filter(Column("participant") == participant) }
            if let from { r = r.filter(Column("due_at") >= Int64(from.timeIntervalSince1970)) }
            if let to { r = r.filter(Column("due_at") < Int64(to.timeIntervalSince1970)) }
            return try r.order(Column("due_at"), Column("participant")).fetchAll(db).map(\.task)
        }
    }

    /// Replaces the period's re-plannable posts in one transaction: deletes `removed`, inserts or updates `posts`
    /// (keeping their creation time), and replaces the share tasks of the posts written.
    /// A post that is no longer `planned` or has been locked since it was read is left alone.
    /// - Parameter strategy: the strategy file the plan was made from, recorded in the same transaction (as
    ///   `recordSnapshot` would; one synced commit instead of two).
    @discardableResult
    public func applyPlan(posts: [Post], removed: [String], tasks: [ShareTask], at now: Date,
                          strategy: SnapshotSource? = nil) throws(StoreError) -> PlanWrite {
        try write { db in
            if let strategy {
                _ = try Store.recordSnapshot(db, file: strategy.file, text: strategy.text, contentHash: strategy.contentHash,
                                             brand: strategy.brand, at: now)
            }
            var write = PlanWrite(inserted: 0, updated: 0, deleted: 0, tasks: 0)
            let nowSecs = Int64(now.timeIntervalSince1970)
            // Prepared once and reused for every row: a plan writes up to hundreds of thousands of them.
            let delete = try db.cachedStatement(sql: "DELETE FROM post WHERE id = ? AND status IN (\(LifecycleSQL.from(.replan))) AND locked = 0")
            for id in removed {
                try delete.execute(arguments: [id])
                write.deleted += db.changesCount
            }
            // Posts go in batches of up to `Store.upsertBatch` rows per statement: a new id is inserted at revision 1; an
            // existing one is replaced (keeping its creation time, revision + 1) only while it is still `planned` and
            // unlocked. RETURNING names the rows written (an id it leaves out was left alone). One statement per thousand
            // rows saves SQLite a statement execution per row.
            // A first plan has no post to replace, and a plain INSERT costs SQLite a quarter less than the upsert, so
            // batches go in as plain inserts until one meets an id that exists: SQLite undoes that statement alone, the
            // batch is upserted, and so is every batch after it.
            var plainInsert = true
            let dropTasks = try db.cachedStatement(sql: "DELETE FROM share_task WHERE post_id = ?")
            // The statement texts of a full batch, built once (the statement cache is looked up by them).
            let fullInsertSQL = Store.insertPostsSQL(rows: Store.upsertBatch)
            let fullBatchSQL = Store.upsertPostsSQL(rows: Store.upsertBatch)
            var start = 0
            while start < posts.count {
                let batch = posts[start..<min(posts.count, start + Store.upsertBatch)]
                start += batch.count
                if plainInsert {
                    let insert = try db.cachedStatement(sql: batch.count == Store.upsertBatch ? fullInsertSQL : Store.insertPostsSQL(rows: batch.count))
                    try Store.bindPlanRows(batch, to: insert, now: nowSecs)
                    do {
                        try insert.execute()
                        write.inserted += batch.count
                        continue
                    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                        plainInsert = false
                    }
                }
                let upsert = try db.cachedStatement(sql: batch.count == Store.upsertBatch ? fullBatchSQL : Store.upsertPostsSQL(rows: batch.count))
                try Store.bindPlanRows(batch, to: upsert, now: nowSecs)
                // RETURNING gives a row per post written: NULL for a new one (no share task can point at it yet), the id of a
                // planned post it replaced, whose share tasks go.
                var replaced: [String] = []
                let rows = try Optional<String>.fetchCursor(upsert)
                while let row = try rows.next() {
                    if let id = row { replaced.append(id) } else { write.inserted += 1 }
                }
                for id in replaced { try dropTasks.execute(arguments: [id]) }
                write.updated += replaced.count
            }
            // Share tasks in batches too.
            let fullTaskSQL = Store.insertTasksSQL(rows: Store.upsertBatch)
            start = 0
            while start < tasks.count {
                let batch = tasks[start..<min(tasks.count, start + Store.upsertBatch)]
                start += batch.count
                let insert = try db.cachedStatement(sql: batch.count == Store.upsertBatch ? fullTaskSQL : Store.insertTasksSQL(rows: batch.count))
                var bind = BulkBinder(insert)
                for t in batch {
                    bind.text(t.id); bind.text(t.post); bind.text(t.participant); bind.text(t.network.rawValue)
                    bind.int(Int64(t.due.timeIntervalSince1970)); bind.bool(t.done)
                }
                try bind.finish()
                try insert.execute()
                write.tasks += batch.count
            }
            return write
        }
    }

    /// Binds `posts` to a statement of `insertPostsSQL`'s or `upsertPostsSQL`'s shape, created and updated at `now`.
    static func bindPlanRows(_ posts: ArraySlice<Post>, to statement: Statement, now: Int64) throws {
        var bind = BulkBinder(statement)
        for post in posts {
            bind.text(post.id); bind.text(post.channel); bind.text(post.network.rawValue); bind.text(post.kind.rawValue)
            bind.text(post.step?.rawValue); bind.text(post.campaign); bind.text(post.goal); bind.text(post.owner)
            bind.int(Int64(post.scheduledAt.timeIntervalSince1970)); bind.text(post.status.rawValue); bind.text(post.body)
            bind.text(post.topic); bind.int(post.variant); bind.bool(post.locked); bind.text(post.source.rawValue)
            bind.text(post.link); bind.text(PostRecord.encode(post.media)); bind.text(post.crisis); bind.text(post.template)
            bind.text(post.approvedBy); bind.int(post.approvedAt.map { Int64($0.timeIntervalSince1970) })
            bind.int(now); bind.int(now)
        }
        try bind.finish()
    }

    /// Inserts one post (manual or imported) and its share tasks.
    public func insert(_ post: Post, tasks: [ShareTask] = [], at now: Date) throws(StoreError) {
        try write { db in
            if try PostRecord.exists(db, key: post.id) { throw StoreError.refused("a post with id \(post.id) already exists.") }
            try PostRecord(post, now: now).insert(db)
            for t in tasks { try ShareTaskRecord(t).insert(db, onConflict: .replace) }
        }
    }

    /// Inserts many posts in one transaction (nothing is written if one fails).
    public func insert(_ posts: [Post], at now: Date) throws(StoreError) {
        try write { db in
            for post in posts {
                if try PostRecord.exists(db, key: post.id) { throw StoreError.refused("a post with id \(post.id) already exists.") }
                try PostRecord(post, now: now).insert(db)
            }
        }
    }

    /// Applies a change to one post in a transaction. `change` sees the current post and returns the new one, or
    /// throws to refuse. Changes to what would be published bump the revision.
    /// - Parameter event: what the change is in the post lifecycle (an edit, a cancel): the post's status is the one
    ///   `PostLifecycle` gives for it from the status it has in this transaction, or the change is refused with the
    ///   table's reason. A post that becomes `drafted` loses its approval. Without an event (locking, say), the status
    ///   cannot change.
    @discardableResult
    public func update(_ id: String, on event: PostEvent? = nil, at now: Date, _ change: @Sendable (Post) throws -> Post) throws(StoreError) -> Post {
        try write { db in
            guard let old = try PostRecord.fetchOne(db, key: id) else { throw StoreError.notFound(what: "post", id: id) }
            let before = old.post
            var after = try change(before)
            if let event {
                after.status = try Store.moving(post: id, from: before.status, on: event)
                if after.status == .drafted { after.approvedBy = nil; after.approvedAt = nil }
            } else if after.status != before.status {
                throw StoreError.refused("\(id) is \(before.status.rawValue); its status changes only through the post lifecycle, not as an edit.")
            }
            var r = PostRecord(after, now: now, revision: old.revision)
            r.created_at = old.created_at
            r.updated_at = Int64(now.timeIntervalSince1970)
            if before.publishedContentDiffers(from: after) { r.revision = old.revision + 1 }
            try r.update(db)
            if before.owner != after.owner || before.scheduledAt != after.scheduledAt || before.channel != after.channel {
                if before.channel != after.channel || after.status == .cancelled {
                    try db.execute(sql: "DELETE FROM share_task WHERE post_id = ?", arguments: [id])
                } else {
                    try db.execute(sql: "UPDATE share_task SET due_at = ? WHERE post_id = ?",
                                   arguments: [Int64(after.scheduledAt.timeIntervalSince1970), id])
                    if let owner = after.owner {
                        try db.execute(sql: "DELETE FROM share_task WHERE post_id = ? AND participant = ?", arguments: [id, owner])
                    }
                }
            }
            return r.post
        }
    }
}

extension Post {
    /// Whether a change alters what a hook would receive (time, channel, body, kind, link, media, status).
    func publishedContentDiffers(from other: Post) -> Bool {
        scheduledAt != other.scheduledAt || channel != other.channel || body != other.body || kind != other.kind
            || step != other.step || campaign != other.campaign || link != other.link || media != other.media
            || status != other.status
    }
}
