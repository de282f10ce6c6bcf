import Foundation
import GRDB
import HeraldModel
import HeraldResults

/// A post results can be recorded for, with the keys rows may name it by.
public struct ResultTargets: Sendable {
    public struct Target: Sendable, Equatable {
        public var id: String
        public var network: Network
        public var status: PostStatus
        /// The post went out: its status is `published`, or one of its deliveries is.
        public var published: Bool
    }

    public var posts: [String: Target] = [:]
    /// Delivery id → post id.
    public var deliveries: [String: String] = [:]
    /// The network's id of a published post (a receiver's answered `id`) → post ids (one per network, normally one).
    public var remoteIDs: [String: [String]] = [:]
    /// The post's address (a receiver's answered `url`, or `queue mark-published --url`) → post ids.
    public var urls: [String: [String]] = [:]
}

/// A post's latest snapshot.
public struct LatestResult: Sendable {
    public var capturedAt: Date
    public var counts: ResultCounts
    public var snapshots: Int
}

extension Store {
    static let resultColumns = ResultCounter.allCases.map(\.rawValue)

    /// Every post with the keys a results row may name it by.
    public func resultTargets() throws(StoreError) -> ResultTargets {
        try read { db in
            var t = ResultTargets()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, network, status FROM post")
            while let r = try rows.next() {
                let id: String = r[0]
                let status = PostStatus(rawValue: r[2]) ?? .planned
                t.posts[id] = ResultTargets.Target(id: id, network: Network(rawValue: r[1]) ?? .facebook, status: status,
                                                   published: status == .published)
            }
            let ds = try Row.fetchCursor(db, sql: "SELECT id, post_id, remote_id, remote_url, state FROM delivery")
            while let r = try ds.next() {
                let post: String = r[1]
                t.deliveries[r[0]] = post
                if let rid: String = r[2], !rid.isEmpty { t.remoteIDs[rid, default: []].append(post) }
                if let url: String = r[3], !url.isEmpty { t.urls[url, default: []].append(post) }
                if (r[4] as String) == DeliveryState.published.rawValue { t.posts[post]?.published = true }
            }
            for (k, v) in t.remoteIDs where v.count > 1 { t.remoteIDs[k] = Array(Set(v)).sorted() }
            for (k, v) in t.urls where v.count > 1 { t.urls[k] = Array(Set(v)).sorted() }
            return t
        }
    }

    /// Runs a whole results import in one write transaction: `body` looks posts up and adds snapshots through the
    /// inserter as it reads them; when it throws, nothing is stored (the transaction is rolled back) and its error is
    /// rethrown as it is. Database errors come out as `StoreError`.
    public func importResults<T>(at now: Date, _ body: (ResultsInserter) throws -> T) throws -> T {
        do {
            return try pool.write { db in try body(try ResultsInserter(db, at: now)) }
        } catch let e as DatabaseError {
            throw Store.map(e, path: path)
        }
    }

    static func counts(_ row: Row, from start: Int = 0) -> ResultCounts {
        var c = ResultCounts()
        for (j, k) in ResultCounter.allCases.enumerated() {
            let v: Double? = row[start + j]
            c[k] = v
        }
        return c
    }

    /// Each post's latest snapshot (by capture time), with how many it has.
    public func latestResults() throws(StoreError) -> [String: LatestResult] {
        try read { db in try Store.latestResults(db) }
    }

    /// `latestResults` in the caller's transaction.
    static func latestResults(_ db: Database) throws -> [String: LatestResult] {
        let cols = Store.resultColumns.map { "r.\($0)" }.joined(separator: ", ")
        var out: [String: LatestResult] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT r.post_id, r.captured_at, l.n, \(cols) FROM post_result r
            JOIN (SELECT post_id, MAX(captured_at) AS m, COUNT(*) AS n FROM post_result GROUP BY post_id) l
              ON r.post_id = l.post_id AND r.captured_at = l.m
            ORDER BY r.post_id, r.network
            """)
        while let r = try rows.next() {
            let id: String = r[0]
            if out[id] != nil { continue }
            out[id] = LatestResult(capturedAt: Date(timeIntervalSince1970: TimeInterval(r[1] as Int64)), counts: Store.counts(r, from: 3),
                                   snapshots: r[2])
        }
        return out
    }

    /// Every snapshot of a post, oldest first.
    public func resultSnapshots(post id: String) throws(StoreError) -> [ResultSnapshot] {
        let cols = Store.resultColumns.joined(separator: ", ")
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT post_id, network, captured_at, source, \(cols) FROM post_result WHERE post_id = ? ORDER BY captured_at, network",
                             arguments: [id]).map { r in
                ResultSnapshot(postID: r[0], network: Network(rawValue: r[1]) ?? .facebook,
                               capturedAt: Date(timeIntervalSince1970: TimeInterval(r[2] as Int64)), counts: Store.counts(r, from: 4), source: r[3])
            }
        }
    }

    /// How many snapshots are stored.
    public func resultSnapshotCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM post_result") ?? 0 }
    }

    /// Inbox items that answer something (`in_reply_to`: a Herald post id or a network id), counted by what they
    /// answer and their sentiment label (nil: not labelled).
    public func inboxReplyCounts() throws(StoreError) -> [(inReplyTo: String, sentiment: Sentiment?, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT in_reply_to, json_extract(labels, '$.sentiment') AS s, COUNT(*) FROM inbox_item
                WHERE in_reply_to IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
                """).map { r in (r[0], (r[1] as String?).flatMap(Sentiment.init(rawValue:)), r[2]) }
        }
    }
}

/// A post a results row names, as the import needs it.
public struct ResultPost: Sendable, Equatable {
    public var id: String
    public var network: Network
    public var status: PostStatus
    /// The post went out: its status is `published`, or one of its deliveries is.
    public var published: Bool
    public var scheduledAt: Date
    /// The post's rowid: a small number standing for it.
    public var rowid: Int64
}

/// Looks posts up and stores snapshots inside one import's write transaction, one row at a time, with prepared
/// statements. Memory stays flat whatever the file's size, apart from four bytes per new snapshot and a dozen per
/// snapshot found already stored (the file row that gave it, for "row N already gives this snapshot"), and the network
/// ids and addresses of deliveries, read once when the file names posts by them (they have no index to look them up by).
public final class ResultsInserter {
    public enum Added: Sendable, Equatable {
        case inserted
        /// Stored before with the same counts: left as it is.
        case unchanged
        /// An earlier row of this import gave the same post, network and time.
        case repeated(firstRow: Int)
        /// Stored before with other counts (these).
        case conflict(stored: ResultCounts)
    }

    let db: Database
    private let insert, existing, post, delivery, open: Statement
    private let stamp: Int64
    /// The largest rowid before this import: rows above it are this import's.
    private let base: Int64
    private var rows: [UInt32] = []
    /// Snapshots stored before this import that a row gave again → that row.
    private var seenStored: [Int64: UInt32] = [:]
    private var remoteIDs: [String: [String]]?
    private var urls: [String: [String]]?
    public private(set) var inserted = 0
    public private(set) var unchanged = 0

    init(_ db: Database, at now: Date) throws {
        self.db = db
        let cols = Store.resultColumns
        insert = try db.makeStatement(sql: "INSERT INTO post_result (post_id, network, captured_at, \(cols.joined(separator: ", ")), source, imported_at) VALUES (?, ?, ?, \(cols.map { _ in "?" }.joined(separator: ", ")), ?, ?) ON CONFLICT DO NOTHING")
        existing = try db.makeStatement(sql: "SELECT rowid, \(cols.joined(separator: ", ")) FROM post_result WHERE post_id = ? AND network = ? AND captured_at = ?")
        // `+d.state`: the post's few deliveries by their post, not every published delivery by the index on state.
        post = try db.makeStatement(sql: """
            SELECT network, status, scheduled_at, rowid,
                   CASE WHEN status = 'published' THEN 1
                        ELSE EXISTS (SELECT 1 FROM delivery d WHERE d.post_id = post.id AND +d.state = 'published') END
            FROM post WHERE id = ?
            """)
        delivery = try db.makeStatement(sql: "SELECT post_id FROM delivery WHERE id = ?")
        open = try db.makeStatement(sql: "SELECT id FROM delivery WHERE post_id = ? AND state IN (\(Schema.sqlList(DeliveryState.keepsPostOpen))) ORDER BY id LIMIT 1")
        stamp = Store.secs(now)
        base = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(rowid), 0) FROM post_result") ?? 0
    }

    /// The post with this Herald id, or nil.
    public func post(_ id: String) throws -> ResultPost? {
        guard let r = try Row.fetchOne(post, arguments: [id]) else { return nil }
        let status = PostStatus(rawValue: r[1]) ?? .planned
        return ResultPost(id: id, network: Network(rawValue: r[0]) ?? .facebook, status: status, published: r[4],
                          scheduledAt: Date(timeIntervalSince1970: TimeInterval(r[2] as Int64)), rowid: r[3])
    }

    /// The post of a delivery, or nil.
    public func post(delivery id: String) throws -> String? { try String.fetchOne(delivery, arguments: [id]) }

    /// The posts a network's id of a published post (a receiver's answered `id`) belongs to.
    public func posts(networkID: String) throws -> [String] {
        if remoteIDs == nil { remoteIDs = try keys("remote_id") }
        return remoteIDs?[networkID] ?? []
    }

    /// The posts at an address (a receiver's answered `url`, or `queue mark-published --url`).
    public func posts(url: String) throws -> [String] {
        if urls == nil { urls = try keys("remote_url") }
        return urls?[url] ?? []
    }

    private func keys(_ column: String) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT \(column), post_id FROM delivery WHERE IFNULL(\(column), '') <> '' ORDER BY 1, 2")
        while let r = try rows.next() {
            let post: String = r[1]
            out[r[0], default: []].append(post)
        }
        for (k, v) in out where v.count > 1 { out[k] = Array(Set(v)).sorted() }
        return out
    }

    /// A delivery of the post still waiting, being sent or maybe sent, or nil.
    public func openDelivery(post id: String) throws -> String? { try String.fetchOne(open, arguments: [id]) }

    /// Stores a snapshot (given by the file's `row`) unless it is stored already.
    public func add(_ s: ResultSnapshot, row: Int) throws -> Added {
        let at = Int64(s.capturedAt.timeIntervalSince1970)
        var b = BulkBinder(insert)
        b.text(s.postID); b.text(s.network.rawValue); b.int(at)
        for c in ResultCounter.allCases {
            if c.isAmount { b.double(s.counts[c]) } else { b.int(s.counts[c].map { Int64($0) }) }
        }
        b.text(s.source); b.int(stamp)
        try b.finish()
        try insert.execute()
        if db.changesCount > 0 {
            inserted += 1
            rows.append(UInt32(truncatingIfNeeded: row))
            return .inserted
        }
        guard let r = try Row.fetchOne(existing, arguments: [s.postID, s.network.rawValue, at]) else { return .unchanged }
        let rowid: Int64 = r[0]
        if rowid > base, rowid - base <= Int64(rows.count) { return .repeated(firstRow: Int(rows[Int(rowid - base - 1)])) }
        if let first = seenStored[rowid] { return .repeated(firstRow: Int(first)) }
        seenStored[rowid] = UInt32(truncatingIfNeeded: row)
        let stored = Store.counts(r, from: 1)
        if stored == s.counts { unchanged += 1; return .unchanged }
        return .conflict(stored: stored)
    }
}
