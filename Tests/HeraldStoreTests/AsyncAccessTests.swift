import Foundation
import GRDB
import HeraldModel
@testable import HeraldStore
import HeraldTestSupport
import Testing

/// The store's async methods (what the publishing pass, the service and the endpoint call) run the same transactions as
/// their synchronous twins (what commands and most tests call), through GRDB's async access.
@Suite struct AsyncAccessTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A publisher claiming through the async twin and one claiming through the synchronous twin, at once on two
    /// connections, never take the same delivery, and between them take every one.
    @Test func asyncAndSyncClaimsNeverTakeTheSameDelivery() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("herald.sqlite")
        let rows = LifecycleSQLTests()
        try await Store(path: path).write { db in
            for p in 0..<30 {
                try db.execute(sql: rows.post("p-\(p)", .approved))
                for d in 0..<10 { try db.execute(sql: rows.delivery("d-\(p)-\(d)", post: "p-\(p)", .scheduled)) }
            }
        }
        let a = try Store(path: path), b = try Store(path: path)
        let now = t0.addingTimeInterval(10)
        async let bySync = Task.detached { () throws -> [String] in
            var ids: [String] = []
            while true {
                let c = try a.claim(owner: "sync", limit: 7, now: now, lease: 60, notify: false).claimed
                if c.isEmpty { return ids }
                ids += c.map(\.delivery.id)
            }
        }.value
        async let byAsync = Task.detached { () async throws -> [String] in
            var ids: [String] = []
            while true {
                let c = try await b.claim(owner: "async", limit: 5, now: now, lease: 60, notify: false).claimed
                if c.isEmpty { return ids }
                ids += c.map(\.delivery.id)
            }
        }.value
        let (x, y) = try await (bySync, byAsync)
        #expect(x.count + y.count == 300)
        #expect(Set(x).isDisjoint(with: Set(y)))
        #expect(try a.deliveries().allSatisfy { $0.state == .publishing })
    }

    /// A write asked for from a task that is then cancelled is committed all the same (GRDB would interrupt it): a
    /// claim or a result is recorded, as the synchronous call always did.
    @Test func anAsyncWriteCommitsWhenItsTaskIsCancelled() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let at = t0
        let id = try await Task { () async throws -> Int64 in
            withUnsafeCurrentTask { $0?.cancel() }
            #expect(Task.isCancelled)
            return try await store.startRun(owner: "me", mode: "publish", startedAt: at, clockAt: at)
        }.value
        #expect(try store.lastRuns(1).map(\.id) == [id])
    }
}
