import Foundation
import HeraldModel
import HeraldStore

extension Workspace {
    /// Says a post went out outside Herald (`herald post published`): it becomes published through `PostLifecycle`,
    /// with the time (default: its scheduled time, or now when that is still to come), address and network id recorded.
    /// A time after now is refused.
    @discardableResult
    public func markPublishedElsewhere(_ id: String, at: Date?, url: String?, networkID: String?, now: Date) throws(StoreError) -> PublishedElsewhere {
        let post = try store.post(id)
        let when = at ?? min(post.scheduledAt, now)
        if when > now { throw .refused("--at \(clock.isoLocal(when)) is after now; say a post went out once it has.") }
        if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw .refused("--url '\(url)' is not a web address; give the post's address on the network (https://…).")
        }
        if let networkID, networkID.trimmingCharacters(in: .whitespaces).isEmpty { throw .refused("--network-id is empty; give the network's id of the post, or leave it out.") }
        let e = PublishedElsewhere(post: id, at: when, url: url, networkID: networkID)
        try store.markPublishedElsewhere([e], now: now)
        return e
    }
}
