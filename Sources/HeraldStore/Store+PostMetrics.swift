import Foundation
import GRDB
import HeraldModel
import HeraldResults

extension Store {
    /// Every post with results, as `posts.…` metrics see it: its channel, kind, campaign, when it went out (the first
    /// published delivery's time, else its scheduled time) and its latest snapshot.
    public func postFacts() throws(StoreError) -> [PostFact] {
        try read { db in try Store.postFacts(db) }
    }

    /// `postFacts` in the caller's transaction.
    static func postFacts(_ db: Database) throws -> [PostFact] {
        let latest = try Store.latestResults(db)
        guard !latest.isEmpty else { return [] }
        var out: [PostFact] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.id, p.channel, p.kind, p.campaign, p.scheduled_at,
                   (SELECT MIN(d.published_at) FROM delivery d WHERE d.post_id = p.id AND d.state = 'published') AS published_at
            FROM post p WHERE p.id IN (SELECT DISTINCT post_id FROM post_result) ORDER BY p.id
            """)
        while let r = try rows.next() {
            let id: String = r[0]
            let at: Int64 = (r[5] as Int64?) ?? r[4]
            out.append(PostFact(id: id, channel: r[1], kind: ContentKind(rawValue: r[2]) ?? .informational, campaign: r[3],
                                publishedAt: Store.date(at), latest: latest[id]?.counts))
        }
        return out
    }
}
