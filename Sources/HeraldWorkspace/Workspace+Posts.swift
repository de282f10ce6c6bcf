import Foundation
import HeraldModel
import HeraldStore

/// Reading posts, share tasks and metric readings, and the post decisions that need no rules check: what the commands
/// that list, show and export ask of the database.
extension Workspace {
    /// The posts a query selects, in time order.
    public func posts(_ query: PostQuery = PostQuery()) throws(StoreError) -> [Post] { try store.posts(query) }

    /// Each post a query selects, one at a time (a large export without holding every post in memory).
    public func forEachPost(_ query: PostQuery = PostQuery(), _ body: (Post) throws -> Void) throws { try store.forEachPost(query, body) }

    /// One post.
    public func post(_ id: String) throws(StoreError) -> Post { try store.post(id) }

    /// Share tasks: one participant's (all when nil), between two instants.
    public func shareTasks(participant: String? = nil, from: Date? = nil, to: Date? = nil) throws(StoreError) -> [ShareTask] {
        try store.shareTasks(participant: participant, from: from, to: to)
    }

    /// Locks a post so re-planning keeps it as it is (`locked: false` unlocks it).
    public func setLocked(_ id: String, _ locked: Bool, now: Date) throws(StoreError) {
        _ = try store.update(id, at: now) { p in var p = p; p.locked = locked; return p }
    }

    /// Cancels a post: it is never published, and re-planning leaves its slot empty.
    public func cancelPost(_ id: String, now: Date) throws(StoreError) {
        _ = try store.update(id, on: .cancel, at: now) { $0 }
    }
}
