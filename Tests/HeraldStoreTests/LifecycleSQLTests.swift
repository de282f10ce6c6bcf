import Foundation
import GRDB
import HeraldModel
@testable import HeraldStore
import HeraldTestSupport
import Testing

/// The statements that move many rows at once take their state lists from the lifecycle tables: run on a real database
/// holding a row in every state, each moves exactly the rows the table allows, to the state the table names.
@Suite struct LifecycleSQLTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func post(_ id: String, _ status: PostStatus, revision: Int = 1) -> String {
        """
        INSERT INTO post (id, channel, network, kind, goal, scheduled_at, status, body, variant, locked, source, media, revision,
                          created_at, updated_at)
        VALUES ('\(id)', 'fb', 'facebook', 'informational', 'g', 1800000000, '\(status.rawValue)', 'Hello', 0, 0, 'manual', '[]', \(revision),
                1700000000, 1700000000)
        """
    }

    /// A delivery of post `post` at revision 1, due at t0 and expiring at `expires`.
    func delivery(_ id: String, post: String, _ state: DeliveryState, expires: Int64 = 1_800_086_400) -> String {
        let lease = state == .publishing ? "'someone', 1800000060" : "NULL, NULL"
        return """
            INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                  lease_owner, lease_expires_at, created_at, updated_at)
            VALUES ('\(id)', '\(post)', 'h-\(id)', 1, '\(state.rawValue)', 1800000000, \(expires), 1800000000, 1, 5, \(lease), 1700000000, 1700000000)
            """
    }

    func states(_ store: Store) throws -> [String: DeliveryState] {
        Dictionary(uniqueKeysWithValues: try store.deliveries().map { ($0.id, $0.state) })
    }

    /// A post's deliveries settle it as `PostLifecycle.settlement(of:)` says, and only from the statuses the table
    /// allows that settlement from: every post status × every pair of delivery states.
    @Test func settlingPostsAgreesWithTheTable() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        var combos: [[DeliveryState]] = [[]]
        for (i, a) in DeliveryState.allCases.enumerated() {
            combos.append([a])
            for b in DeliveryState.allCases[i...] { combos.append([a, b]) }
        }
        var expected: [String: PostStatus] = [:]
        let allCombos = combos
        try store.write { db in
            for status in PostStatus.allCases {
                for (n, combo) in allCombos.enumerated() {
                    let id = "p-\(status.rawValue)-\(n)"
                    try db.execute(sql: post(id, status))
                    for (k, state) in combo.enumerated() { try db.execute(sql: delivery("\(id)-\(k)", post: id, state)) }
                }
            }
        }
        var settle: [(post: String, revision: Int, at: Int64)] = []
        for status in PostStatus.allCases {
            for (n, combo) in combos.enumerated() {
                let id = "p-\(status.rawValue)-\(n)"
                settle.append((id, 1, 1_800_000_100))
                expected[id] = PostLifecycle.settlement(of: combo).flatMap { try? PostLifecycle.transition(from: status, on: $0).get() } ?? status
            }
        }
        let rows = settle
        try store.write { db in try Store.settlePosts(db, rows) }
        for (id, status) in expected {
            #expect(try store.post(id).status == status, "\(id)")
        }
    }

    /// The claim takes exactly the states the table lets a publisher claim, and sets the state the table names.
    @Test func theClaimTakesTheTablesStates() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        try store.write { db in
            try db.execute(sql: post("p-1", .approved))
            for s in DeliveryState.allCases { try db.execute(sql: delivery(s.rawValue, post: "p-1", s)) }
        }
        let claimed = try store.claim(owner: "me", limit: 100, now: t0.addingTimeInterval(10), lease: 60, notify: false).claimed
        #expect(Set(claimed.map(\.delivery.id)) == Set(DeliveryLifecycle.states(allowing: .claim).map(\.rawValue)))
        let after = try states(store)
        for s in DeliveryState.allCases {
            let expected = (try? DeliveryLifecycle.transition(from: s, on: .claim).get()) ?? s
            #expect(after[s.rawValue] == expected, "\(s)")
        }
    }

    /// A queue refresh voids the deliveries of a post no longer approved, and expires those too late: only from the
    /// states the table allows, to the states it names.
    @Test(arguments: [DeliveryEvent.void, .tooLate])
    func theRefreshMovesTheTablesStates(event: DeliveryEvent) throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        try store.write { db in
            // Void: the post was edited (drafted again). Too late: the post is approved but its deliveries expired an hour ago.
            try db.execute(sql: post("p-1", event == .void ? .drafted : .approved))
            for s in DeliveryState.allCases {
                try db.execute(sql: delivery(s.rawValue, post: "p-1", s, expires: event == .void ? 1_800_086_400 : 1_799_996_400))
            }
        }
        if event == .void {
            _ = try store.refreshQueue(now: t0.addingTimeInterval(10), hooks: [:], notify: false)
        } else {
            _ = try store.claim(owner: "me", limit: 0, now: t0.addingTimeInterval(10), lease: 60, notify: false)
        }
        let after = try states(store)
        for s in DeliveryState.allCases {
            let expected = (try? DeliveryLifecycle.transition(from: s, on: event).get()) ?? s
            #expect(after[s.rawValue] == expected, "\(event) from \(s)")
        }
    }

    /// The pending indexes are written in a shipped migration, so they cannot follow the table: the table's pending states
    /// must stay theirs (or SQLite stops using them, and every pass reads the whole queue).
    @Test func thePendingIndexesHoldTheTablesPendingStates() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        #expect(PublishSQL.pending == "'scheduled', 'retrying'")
        #expect(DeliveryLifecycle.states(allowing: .tooLate) == DeliveryState.claimable)
        #expect(DeliveryLifecycle.states(allowing: .void) == DeliveryState.claimable)
        let indexes = try store.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('delivery_pending_by_next_attempt', 'delivery_pending_by_expiry')")
        }
        #expect(indexes.count == 2)
        for sql in indexes { #expect(sql.contains("WHERE state IN (\(PublishSQL.pending))"), "\(sql)") }
        // The batch statements name the table's states.
        #expect(PublishSQL.claim.contains("WHERE d.state IN (\(PublishSQL.pending))"))
        #expect(PublishSQL.claim.contains("SET state = 'publishing'"))
        #expect(PublishSQL.finishDeliveries.contains("+delivery.state IN ('publishing')"))
        #expect(PublishSQL.settleAllowed == "(s.status = 'failed' AND +post.status IN ('approved')) OR (s.status = 'expired' AND +post.status IN ('approved'))"
                + " OR (s.status = 'published' AND +post.status IN ('approved', 'paused'))")
    }
}
