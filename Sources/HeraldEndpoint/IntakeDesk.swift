import Foundation
import HeraldListening
import HeraldModel
import HeraldStore
import HeraldWorkspace

/// What became of one item handed to the desk.
enum IntakeOutcome: Sendable {
    /// Stored now, durably (the commit returned).
    case stored(id: String, owner: String?)
    /// Already there (the same network item, or the same source and webhook id): the id of the one kept.
    case duplicate(id: String)
    /// Refused with (field, message) pairs, as `herald inbox import` words them.
    case invalid([Problem])
    /// The database could not take it; nothing was stored.
    case failed(StoreError)

    struct Problem: Sendable, Equatable { var field: String; var message: String }
}

/// Checks, sorts, routes and stores items as they come in: the same `Workspace.inboxItem` that `herald inbox import`
/// uses, then a group commit — items arriving while a write is in progress are written together in the next
/// transaction, so many senders share one synced commit instead of waiting for one each.
final class IntakeDesk: @unchecked Sendable {
    private let workspace: Workspace
    private let router: InboxRouter
    private let sorter: ListeningSorter?
    private let clock: @Sendable () -> Date
    /// How often the open items per person are counted again from the database (others assign and close items too).
    private let recount: TimeInterval = 60

    // Guarded by `lock`.
    private let lock = NSLock()
    private var counts: [String: Int]
    private var countedAt: Date
    private var pending: [(item: InboxItem, webhookID: String?, done: CheckedContinuation<Result<Bool, StoreError>, Never>)] = []
    private var writing = false
    private let writer = DispatchQueue(label: "herald.endpoint.writer")

    init(workspace: Workspace, clock: @escaping @Sendable () -> Date) throws(StoreError) {
        self.workspace = workspace
        router = InboxRouter(strategy: workspace.strategy)
        sorter = try? ListeningSorter()
        self.clock = clock
        counts = try workspace.store.openInboxCounts()
        countedAt = clock()
    }

    func take(_ draft: InboxDraft, source: String, webhookID: String?) async -> IntakeOutcome {
        let now = clock()
        let stale = lock.withLock { now.timeIntervalSince(countedAt) > recount || now < countedAt }
        if stale, let fresh = try? await workspace.store.openInboxCounts() {
            lock.withLock { counts = fresh; countedAt = now }
        }
        let snapshot = lock.withLock { counts }
        let (made, problems) = workspace.inboxItem(draft, source: source, receivedAt: now, openCounts: snapshot, router: router, sorter: sorter)
        guard let item = made else { return .invalid(problems.map { IntakeOutcome.Problem(field: $0.0, message: $0.1) }) }
        if let o = item.owner { lock.withLock { counts[o, default: 0] += 1 } }
        let result = await commit(item, webhookID: webhookID)
        switch result {
        case .success(true):
            return .stored(id: item.id, owner: item.owner)
        case .success(false):
            if let o = item.owner { lock.withLock { counts[o, default: 1] -= 1 } }
            let kept = try? await workspace.store.existingInboxItemID(id: item.id, network: item.network, networkItemID: item.networkItemID,
                                                                     source: source, webhookID: webhookID)
            return .duplicate(id: (kept ?? nil) ?? item.id)
        case .failure(let e):
            if let o = item.owner { lock.withLock { counts[o, default: 1] -= 1 } }
            return .failed(e)
        }
    }

    /// Waits until the item's transaction has committed: true when it was stored, false when it was a duplicate.
    private func commit(_ item: InboxItem, webhookID: String?) async -> Result<Bool, StoreError> {
        await withCheckedContinuation { (done: CheckedContinuation<Result<Bool, StoreError>, Never>) in
            let start = lock.withLock {
                pending.append((item, webhookID, done))
                if writing { return false }
                writing = true
                return true
            }
            if start { writer.async { self.drain() } }
        }
    }

    /// Writes what is pending, one transaction per round, until nothing is left. Runs on `writer` only.
    private func drain() {
        while true {
            let batch = lock.withLock {
                let b = pending
                pending = []
                if b.isEmpty { writing = false }
                return b
            }
            if batch.isEmpty { return }
            let result: Result<InboxWrite, StoreError>
            do { result = .success(try workspace.store.storeInbox(batch.map { ($0.item, $0.webhookID) }, at: clock())) } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let write):
                // Urgent complaints are queued for the notify hook at once (the next publishing pass sends them); if this
                // fails, that pass queues them itself, so the items' answers do not wait for it.
                // Only a stored complaint can be urgent: other batches skip the check (it reads the day's complaints).
                if batch.contains(where: { $0.item.labels.intent == .complaint && write.stored.contains($0.item.id) }) {
                    _ = try? workspace.queueInboxNotices(now: clock())
                }
                // Positions, not ids, say which one was stored: two of the same item in one batch store the first.
                var stored = Dictionary(write.stored.map { ($0, 1) }, uniquingKeysWith: +)
                for p in batch {
                    if let n = stored[p.item.id], n > 0 {
                        stored[p.item.id] = n - 1
                        p.done.resume(returning: .success(true))
                    } else {
                        p.done.resume(returning: .success(false))
                    }
                }
            case .failure(let e):
                for p in batch { p.done.resume(returning: .failure(e)) }
            }
        }
    }
}
