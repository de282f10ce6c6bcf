import Foundation
import GRDB
import HeraldModel

/// A body to store for a post.
public struct DraftWrite: Sendable {
    public var post: String
    public var body: String
    public var template: String
    /// New media for the post (a library post's); nil keeps the post's own.
    public var media: [String]?

    public init(post: String, body: String, template: String, media: [String]? = nil) {
        self.post = post; self.body = body; self.template = template; self.media = media
    }
}

extension Store {
    /// Stores drafted bodies in one transaction: `planned` posts become `drafted`; with `overwrite`, `drafted` posts
    /// get the new body too. Returns the ids written (others changed status meanwhile and are left alone).
    @discardableResult
    public func saveDrafts(_ drafts: [DraftWrite], overwrite: Bool, at now: Date) throws(StoreError) -> [String] {
        try write { db in
            var written: [String] = []
            let event: PostEvent = overwrite ? .redraft : .draft
            for d in drafts {
                try db.execute(sql: """
                    UPDATE post SET body = ?, template = ?, status = \(LifecycleSQL.to(event)), revision = revision + 1, updated_at = ?,
                                    approved_by = NULL, approved_at = NULL
                    WHERE id = ? AND status IN (\(LifecycleSQL.from(event)))
                    """, arguments: [d.body, d.template, Int64(now.timeIntervalSince1970), d.post])
                guard db.changesCount > 0 else { continue }
                written.append(d.post)
                if let media = d.media {
                    try db.execute(sql: "UPDATE post SET media = ? WHERE id = ?", arguments: [PostRecord.encode(media), d.post])
                }
            }
            return written
        }
    }

    /// Approves drafted posts in one transaction, recording who and when. Returns the ids approved.
    @discardableResult
    public func approve(_ ids: [String], by person: String, at now: Date) throws(StoreError) -> [String] {
        try write { db in
            var done: [String] = []
            for id in ids {
                try db.execute(sql: """
                    UPDATE post SET status = \(LifecycleSQL.to(.approve)), approved_by = ?, approved_at = ?, updated_at = ?
                    WHERE id = ? AND status IN (\(LifecycleSQL.from(.approve))) AND body IS NOT NULL AND trim(body) <> ''
                    """, arguments: [person, Int64(now.timeIntervalSince1970), Int64(now.timeIntervalSince1970), id])
                if db.changesCount > 0 { done.append(id) }
            }
            return done
        }
    }
}
