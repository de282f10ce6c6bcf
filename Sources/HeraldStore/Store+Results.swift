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

/// What storing snapshots did. With conflicts, nothing was stored.
public struct ResultsWrite: Sendable, Equatable {
    public var inserted: Int
    /// Snapshots already stored with the same counts.
    public var unchanged: Int
    /// Indices (into the snapshots given) of snapshots whose post, network and time are stored with other counts, with
    /// the stored counts.
    public var conflicts: [(index: Int, stored: ResultCounts)]

    public init(inserted: Int, unchanged: Int, conflicts: [(index: Int, stored: ResultCounts)]) {
        self.inserted = inserted; self.unchanged = unchanged; self.conflicts = conflicts
    }

    public static func == (a: ResultsWrite, b: ResultsWrite) -> Bool {
        a.inserted == b.inserted && a.unchanged == b.unchanged && a.conflicts.map(\.index) == b.conflicts.map(\.index)
    }
}

/// A post's latest snapshot.
public struct LatestResult: Sendable {
    public var capturedAt: Date
    public var counts: ResultCounts
    public var snapshots: Int
}

private struct ConflictsFound: Error { var conflicts: [(index: Int, stored: ResultCounts)] }

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

    /// Stores snapshots in one transaction. A snapshot already stored with the same counts is left as it is (importing
    /// a file again changes nothing); when any is stored with other counts, nothing is stored and the conflicts are
    /// returned.
    public func importResults(_ snapshots: [ResultSnapshot], at now: Date) throws(StoreError) -> ResultsWrite {
        let cols = Store.resultColumns
        let insertSQL = "INSERT INTO post_result (post_id, network, captured_at, \(cols.joined(separator: ", ")), source, imported_at) VALUES (?, ?, ?, \(cols.map { _ in "?" }.joined(separator: ", ")), ?, ?) ON CONFLICT DO NOTHING"
        let selectSQL = "SELECT \(cols.joined(separator: ", ")) FROM post_result WHERE post_id = ? AND network = ? AND captured_at = ?"
        do {
            return try pool.write { db in
                let insert = try db.cachedStatement(sql: insertSQL)
                let select = try db.cachedStatement(sql: selectSQL)
                var w = ResultsWrite(inserted: 0, unchanged: 0, conflicts: [])
                let stamp = Int64(now.timeIntervalSince1970)
                var args = [DatabaseValue](repeating: .null, count: cols.count + 5)
                for (i, s) in snapshots.enumerated() {
                    let at = Int64(s.capturedAt.timeIntervalSince1970)
                    args[0] = s.postID.databaseValue; args[1] = s.network.rawValue.databaseValue; args[2] = at.databaseValue
                    for (j, c) in ResultCounter.allCases.enumerated() {
                        if let v = s.counts[c] { args[3 + j] = c.isAmount ? v.databaseValue : Int64(v).databaseValue } else { args[3 + j] = .null }
                    }
                    args[3 + cols.count] = s.source.databaseValue
                    args[4 + cols.count] = stamp.databaseValue
                    try insert.execute(arguments: StatementArguments(args))
                    if db.changesCount > 0 { w.inserted += 1; continue }
                    guard let row = try Row.fetchOne(select, arguments: [s.postID, s.network.rawValue, at]) else { continue }
                    let stored = Store.counts(row)
                    if stored == s.counts { w.unchanged += 1 } else { w.conflicts.append((i, stored)) }
                }
                if !w.conflicts.isEmpty { throw ConflictsFound(conflicts: w.conflicts) }
                return w
            }
        } catch let e as ConflictsFound {
            return ResultsWrite(inserted: 0, unchanged: 0, conflicts: e.conflicts)
        } catch {
            throw Store.map(error, path: path)
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
