import Foundation
import GRDB
@testable import HeraldStore
import HeraldTestSupport
import Testing

/// v5 rebuilds the post table (its CHECK constraints as comparisons, which SQLite evaluates far faster than IN lists).
/// A database from an earlier version must come through with every row, its links and its guarantees intact.
@Suite struct PostTableRebuildTests {
    /// A database at v4 holding posts, share tasks, a delivery and a crisis pause that point at them.
    func databaseAtV4(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.file("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v4-crisis")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO post (id, channel, network, kind, step, campaign, goal, owner, scheduled_at, status, body, topic, variant,
                                  locked, source, link, media, crisis, revision, template, approved_by, approved_at, created_at, updated_at)
                VALUES ('p-1', 'fb', 'facebook', 'contest', 'announce', 'spring', 'sales', 'ola', 1800000000, 'approved', 'Win — ☕', NULL, 2,
                        1, 'planner', 'https://x.example/', '["a.jpg"]', NULL, 3, 'contest.mustache', 'Anna', 1799990000, 1700000000, 1700000500),
                       ('p-2', 'ig', 'instagram', 'informational', NULL, NULL, 'awareness', NULL, 1800003600, 'planned', NULL, 'menu', 0,
                        0, 'manual', NULL, '[]', NULL, 1, NULL, NULL, NULL, 1700000000, 1700000000)
                """)
            try db.execute(sql: "INSERT INTO share_task (id, post_id, participant, network, due_at, done) VALUES ('t-1', 'p-1', 'ewa', 'facebook', 1800000000, 0)")
            try db.execute(sql: """
                INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                      created_at, updated_at)
                VALUES ('dlv-1', 'p-1', 'outbox', 3, 'scheduled', 1800000000, 1800086400, 1800000000, 0, 5, 1700000000, 1700000000)
                """)
        }
        return path
    }

    func rows(_ db: Database, _ sql: String) throws -> [String] {
        try Row.fetchAll(db, sql: sql).map(\.description)
    }

    @Test func postsAndWhatPointsAtThemSurvive() throws {
        let dir = TemporaryDirectory()
        let path = try databaseAtV4(dir)
        let before = try DatabaseQueue(path: path).read { db in
            try rows(db, "SELECT rowid, * FROM post ORDER BY id") + rows(db, "SELECT * FROM share_task") + rows(db, "SELECT * FROM delivery")
        }
        let store = try Store(path: path, migrate: false)
        #expect(try store.migrate().prefix(3) == ["v5-post-checks-as-comparisons", "v6-pending-delivery-indexes", "v7-publish-run-strategy-hash"])
        let queue = try DatabaseQueue(path: path)
        try queue.read { db in
            let after = try rows(db, "SELECT rowid, * FROM post ORDER BY id") + rows(db, "SELECT * FROM share_task") + rows(db, "SELECT * FROM delivery")
            #expect(after == before)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'post' AND sql IS NOT NULL ORDER BY name")
            #expect(indexes == ["post_on_channel_scheduled_at", "post_on_scheduled_at", "post_on_status_scheduled_at"])
            // The tables that point at posts still name the post table, and nothing names the temporary one.
            for table in ["share_task", "crisis_pause"] {
                #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(table))").contains { $0["table"] == "post" })
            }
            // Since v9 a delivery belongs to a post or a reply: a trigger, not a foreign key, takes it with its post.
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(delivery)").isEmpty)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%new_post%'") == 0)
        }
        // Deleting a post still takes its share tasks and deliveries with it.
        try queue.write { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "DELETE FROM post WHERE id = 'p-1'")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM share_task") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM delivery") == 0)
        }
    }

    /// A new database (its empty post table replaced, not copied) ends with the same post table as an upgraded one.
    @Test func newAndUpgradedDatabasesHaveTheSameSchema() throws {
        let dir = TemporaryDirectory()
        let upgraded = try databaseAtV4(dir)
        _ = try Store(path: upgraded)
        let fresh = dir.file("fresh.sqlite")
        _ = try Store(path: fresh)
        let schema = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        let a = try DatabaseQueue(path: upgraded).read { db in try rows(db, schema) }
        let b = try DatabaseQueue(path: fresh).read { db in try rows(db, schema) }
        #expect(a == b)
        let postTable = try DatabaseQueue(path: upgraded).read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'post'") }
        #expect(postTable?.contains("(kind = 'contest' OR kind = 'discount') = (step IS NOT NULL)") == true)
        #expect(postTable?.contains(" IN (") == false)
    }

    /// The comparisons refuse exactly what the IN lists refused.
    @Test(arguments: [
        ("network", "'myspace'"), ("kind", "'advert'"), ("status", "'done'"), ("source", "'robot'"), ("step", "'teaser'"),
        ("kind", "'contest'"),  // a contest without its step
        ("step", "'announce'"), // a step on an informational post
    ])
    func badValuesAreStillRefused(column: String, value: String) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("new.sqlite")
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        var values = ["id": "'p-9'", "channel": "'fb'", "network": "'facebook'", "kind": "'informational'", "step": "NULL",
                      "scheduled_at": "1800000000", "status": "'planned'", "source": "'planner'", "created_at": "0", "updated_at": "0"]
        // A good row goes in, so the refusal below is the one value's doing.
        try queue.write { db in
            try db.execute(sql: "INSERT INTO post (\(values.keys.joined(separator: ", "))) VALUES (\(values.values.joined(separator: ", ")))")
            try db.execute(sql: "DELETE FROM post")
        }
        values[column] = value
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO post (\(values.keys.joined(separator: ", "))) VALUES (\(values.values.joined(separator: ", ")))")
            }
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM post") } == 0)
    }
}

/// v12 adds the first reply and the notified times to inbox items, and rebuilds the notification table so it can hold
/// inbox events: earlier rows come through, and answered items take their last change as their first reply.
@Suite struct ListeningMigrationTests {
    @Test func notificationsAndAnsweredItemsComeThrough() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v8-inbox")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO notification (event, post_id, delivery_id, hook, detail, created_at, sent_at, attempts) VALUES ('post.failed', 'p-1', 'dlv-1', 'out', 'gone', 100, NULL, 2)")
            for (id, status) in [("m-a", "answered"), ("m-b", "assigned")] {
                try db.execute(sql: """
                    INSERT INTO inbox_item (id, source, network, channel, kind, author_handle, text, created_at, received_at, labels, status, updated_at)
                    VALUES (?, 'import', 'facebook', 'fb', 'comment', '@x', X'6869', 1000, 1000, '{}', ?, 5000)
                    """, arguments: [id, status])
            }
        }
        let store = try Store(path: path, migrate: false)
        #expect(try store.migrate().contains("v12-listening"))
        try DatabaseQueue(path: path).read { db in
            let n = try Row.fetchOne(db, sql: "SELECT * FROM notification")!
            #expect(n["event"] as String == "post.failed")
            #expect(n["detail"] as String == "gone")
            #expect(n["attempts"] as Int == 2)
            #expect(n["item_id"] as String? == nil)
            #expect(try Int64?.fetchAll(db, sql: "SELECT first_reply_at FROM inbox_item ORDER BY id") == [5000, nil])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox_item WHERE first_reply_at IS NULL") == 1)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
        }
        // The new events are allowed, once per item.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO notification (event, item_id, created_at) VALUES ('inbox.overdue', 'm-b', 1)")
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO notification (event, item_id, created_at) VALUES ('inbox.overdue', 'm-b', 2)") }
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO notification (event, created_at) VALUES ('inbox.nonsense', 2)") }
        }
    }
}

/// v9 rebuilds the delivery table (a delivery belongs to a post or a reply) and the inbox table (the `replying` status,
/// the first reply's time). What an earlier version stored comes through: deliveries with their attempts, items.
@Suite struct ReplyMigrationTests {
    @Test func deliveriesAttemptsAndItemsSurvive() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v8.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v8-inbox")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO post (id, channel, network, kind, scheduled_at, status, body, source, created_at, updated_at)
                VALUES ('p-1', 'fb', 'facebook', 'informational', 1800000000, 'approved', 'Hi', 'manual', 1700000000, 1700000000)
                """)
            try db.execute(sql: """
                INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                      last_error, created_at, updated_at)
                VALUES ('dlv-1', 'p-1', 'out', 1, 'retrying', 1800000000, 1800086400, 1800000060, 1, 5, 'HTTP 503', 1700000000, 1700000000)
                """)
            try db.execute(sql: "INSERT INTO attempt (delivery_id, number, hook, lease_owner, started_at, ended_at, outcome) VALUES ('dlv-1', 1, 'out', 'me', 1800000000, 1800000001, 'retry')")
            try db.execute(sql: """
                INSERT INTO inbox_item (id, source, network, channel, kind, network_item_id, author_handle, text, created_at, received_at,
                                        labels, owner, deadline, status, updated_at)
                VALUES ('m-1', 'import', 'facebook', 'fb', 'comment', 'fb-1', 'kasia', X'4869', 1800000000, 1800000000, '{}', 'ola',
                        1800003600, 'assigned', 1800000000)
                """)
        }
        func rows(_ db: Database, _ sql: String) throws -> [String] { try Row.fetchAll(db, sql: sql).map(\.description) }
        let before = try queue.read { db in
            try rows(db, "SELECT rowid, * FROM delivery") + rows(db, "SELECT * FROM attempt")
                + rows(db, "SELECT rowid, id, source, network, channel, kind, network_item_id, author_handle, text, created_at, received_at, labels, owner, deadline, status, updated_at FROM inbox_item")
        }
        let store = try Store(path: path, migrate: false)
        #expect(try store.migrate().first == "v9-replies")
        try DatabaseQueue(path: path).read { db in
            let after = try rows(db, "SELECT rowid, * FROM delivery") + rows(db, "SELECT * FROM attempt")
                + rows(db, "SELECT rowid, id, source, network, channel, kind, network_item_id, author_handle, text, created_at, received_at, labels, owner, deadline, status, updated_at FROM inbox_item")
            #expect(after == before)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(attempt)").contains { $0["table"] == "delivery" })
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%new_delivery%' OR sql LIKE '%new_inbox_item%'") == 0)
        }
        #expect(try store.inboxItem("m-1").status == .assigned)
        #expect(try store.inboxItem("m-1").firstReplyAt == nil)
    }
}
