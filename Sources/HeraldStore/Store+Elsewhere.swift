import Foundation
import GRDB
import HeraldModel

/// A post a person says went out outside Herald.
public struct PublishedElsewhere: Sendable, Equatable {
    public var post: String
    public var at: Date
    public var url: String?
    public var networkID: String?

    public init(post: String, at: Date, url: String? = nil, networkID: String? = nil) {
        self.post = post; self.at = at; self.url = url; self.networkID = networkID
    }
}

extension Store {
    /// The hook name of the delivery that records a post published outside Herald (no strategy hook id can have
    /// brackets, so it never meets a real hook).
    public static let elsewhereHook = "(outside Herald)"

    /// Marks posts published outside Herald, all or none, in one transaction: each moves through `PostLifecycle`
    /// (`publishedElsewhere`), and gets a published delivery on `elsewhereHook` holding the time, the address and the
    /// network's id (so results rows can name it by them, and `posts.…` metrics bucket it by that time). A post with a
    /// delivery still waiting, being sent or maybe sent is refused: that delivery settles it (`herald queue`).
    public func markPublishedElsewhere(_ list: [PublishedElsewhere], now: Date) throws(StoreError) {
        try write { db in
            for e in list {
                guard let old = try PostRecord.fetchOne(db, key: e.post) else { throw StoreError.notFound(what: "post", id: e.post) }
                _ = try Store.moving(post: e.post, from: old.post.status, on: .publishedElsewhere)
                let open = try String.fetchOne(db, sql: "SELECT id FROM delivery WHERE post_id = ? AND state IN (\(Schema.sqlList(DeliveryState.keepsPostOpen))) LIMIT 1",
                                               arguments: [e.post])
                if let open {
                    throw StoreError.refused("\(e.post) has delivery \(open) waiting or in flight; let it settle, or say it went out with `herald queue mark-published \(open)`.")
                }
                let at = Store.secs(e.at), stamp = Store.secs(now)
                try db.execute(sql: "UPDATE post SET status = 'published', updated_at = ? WHERE id = ?", arguments: [stamp, e.post])
                try db.execute(sql: """
                    INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                          remote_url, remote_id, published_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'published', ?, ?, ?, 0, 0, ?, ?, ?, ?, ?)
                    """, arguments: [Delivery.makeID(post: e.post, hook: Store.elsewhereHook, revision: Int(old.revision)), e.post, Store.elsewhereHook,
                                     old.revision, at, at, at, e.url, e.networkID, at, stamp, stamp])
            }
        }
    }

    /// A delivery of the post still waiting, being sent or maybe sent, or nil.
    public func openDelivery(post id: String) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT id FROM delivery WHERE post_id = ? AND state IN (\(Schema.sqlList(DeliveryState.keepsPostOpen))) ORDER BY id LIMIT 1",
                                arguments: [id])
        }
    }
}
