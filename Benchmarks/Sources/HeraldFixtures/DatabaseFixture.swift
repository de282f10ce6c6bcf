import Foundation
import GRDB
import HeraldModel
import HeraldStore

/// Databases of many posts, written straight into SQLite in big transactions (a fixture generator, not product code).
/// The schema comes from Herald's own migrations (`Store(path:)`), so the files are what Herald would have written.
public enum DatabaseFixture {
    /// The clock of the cron-tick scenario: every post before it is published, nothing is due.
    public static let cronNow = Date(iso: "2027-06-01T09:00:00Z")!
    /// The 100 posts of the "100 due" cron tick fall due 30 s before this.
    public static let dueNow = Date(iso: "2027-06-01T09:10:00Z")!
    /// The burst's posts are all due at this minute.
    public static let burstAt = Date(iso: "2027-03-01T10:00:00Z")!

    static let bodyText = "Fresh this week: our seasonal menu is here, with three new drinks and a pastry made by our bakers. "
        + "Come by and tell us what you think! #Northwind"

    /// Scenario 3: `count` posts on the shape's channels, two a day per channel going back from `cronNow` and on
    /// into the future. Posts before `cronNow` are published (with their delivery and attempt, as Herald leaves them);
    /// later ones are planned, drafted or approved. Plus `dueCount` approved posts on outbox channels that fall due
    /// just before `dueNow` (see `resetDue`).
    public static func cronTick(path: String, shape: StrategyShape, count: Int, dueCount: Int = 100,
                                progress: (String) -> Void = { _ in }) throws {
        try removeDatabase(path)
        // Herald has worked from this strategy before (it planned these posts): its snapshot is on record.
        let text = StrategyFixture.yaml(shape)
        try Store(path: path).recordSnapshot(file: "strategy.yaml", text: text, contentHash: StableHash.hex(text),
                                             brand: "Northwind Agency Clients", at: cronNow.addingTimeInterval(-86_400))
        let queue = try DatabaseQueue(path: path)
        let channels = shape.channels
        let perChannel = (count + channels - 1) / channels
        let nowS = Int64(cronNow.timeIntervalSince1970)
        // Two slots a day per channel (within an hour of each other across channels); two thirds of each channel's posts lie
        // before cronNow. No slot falls between an hour before cronNow and two hours after it, so nothing of the bulk is due
        // at cronNow or at dueNow.
        let firstS = nowS + 7_200 - Int64(perChannel * 2 / 3) * 43_200
        var written = 0
        let chunk = 50_000
        while written < count {
            let end = min(count, written + chunk)
            try queue.inTransaction { db in
                let post = try db.cachedStatement(sql: """
                    INSERT INTO post (id, channel, network, kind, goal, owner, scheduled_at, status, body, topic, variant, locked, source,
                                      media, revision, template, approved_by, approved_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'planner', '[]', 1, ?, ?, ?, ?, ?)
                    """)
                let delivery = try db.cachedStatement(sql: """
                    INSERT INTO delivery (id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts,
                                          remote_url, published_at, created_at, updated_at)
                    VALUES (?, ?, ?, 1, 'published', ?, ?, ?, 1, 8, ?, ?, ?, ?)
                    """)
                let attempt = try db.cachedStatement(sql: """
                    INSERT INTO attempt (delivery_id, number, hook, lease_owner, started_at, ended_at, outcome, http_status)
                    VALUES (?, 1, ?, 'fixture:1:abc', ?, ?, 'published', ?)
                    """)
                for n in written..<end {
                    let c = n % channels, k = n / channels
                    let at = firstS + Int64(k) * 43_200 + Int64(c % 7) * 600
                    let id = "p-\(String(UInt64(n), radix: 16))x"
                    let kind = ["informational", "engagement", "social-proof"][n % 3]
                    let past = at <= nowS
                    let status = past ? "published" : ["planned", "drafted", "approved"][n % 3]
                    let hasBody = status != "planned"
                    try post.execute(arguments: [
                        id, shape.channelID(c), shape.network(c).rawValue, kind, StrategyShape.goalIDs[n % 3],
                        shape.participantID(n % shape.participants), at, status, hasBody ? bodyText : nil, "What is new this week",
                        n % 60, hasBody ? "informational.mustache" : nil, status == "approved" || past ? "lead" : nil,
                        status == "approved" || past ? at - 86_400 : nil, at - 30 * 86_400, at - 86_400,
                    ])
                    if past {
                        let hook = shape.hook(c)
                        let did = Delivery.makeID(post: id, hook: hook, revision: 1)
                        try delivery.execute(arguments: [did, id, hook, at, at + 21_600, at, hook == "social" ? "https://social.example/\(id)" : nil,
                                                         at + 2, at, at + 2])
                        try attempt.execute(arguments: [did, hook, at, at + 2, hook == "social" ? 200 : nil])
                    }
                }
                return .commit
            }
            written = end
            progress("\(written) posts")
        }
        try queue.write { db in
            try insertDue(db, shape: shape, count: dueCount)
        }
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Puts the "100 due" posts back as approved with no deliveries, and removes what a previous pass left in the
    /// outbox folder, so each timed `herald publish` finds the same work.
    public static func resetDue(path: String, shape: StrategyShape, count: Int = 100, outbox: String?) throws {
        let text = StrategyFixture.yaml(shape)
        try Store(path: path).recordSnapshot(file: "strategy.yaml", text: text, contentHash: StableHash.hex(text),
                                             brand: "Northwind Agency Clients", at: cronNow.addingTimeInterval(-86_400))
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            try db.execute(sql: "DELETE FROM notification WHERE post_id LIKE 'p-due%'")
            try db.execute(sql: "DELETE FROM delivery WHERE post_id LIKE 'p-due%'")
            try db.execute(sql: "DELETE FROM post WHERE id LIKE 'p-due%'")
            try db.execute(sql: "DELETE FROM publish_run")
            try insertDue(db, shape: shape, count: count)
        }
        if let outbox, FileManager.default.fileExists(atPath: outbox) { try FileManager.default.removeItem(atPath: outbox) }
    }

    static func insertDue(_ db: Database, shape: StrategyShape, count: Int) throws {
        let outbox = shape.outboxChannels
        guard !outbox.isEmpty else { return }
        let at = Int64(dueNow.timeIntervalSince1970) - 30
        for n in 0..<count {
            let c = outbox[n % outbox.count]
            try db.execute(sql: """
                INSERT INTO post (id, channel, network, kind, goal, owner, scheduled_at, status, body, variant, locked, source, media,
                                  revision, template, approved_by, approved_at, created_at, updated_at)
                VALUES (?, ?, ?, 'informational', 'awareness', ?, ?, 'approved', ?, 0, 0, 'planner', '[]', 1, 'informational.mustache',
                        'lead', ?, ?, ?)
                """, arguments: ["p-due\(pad(n, 5))", shape.channelID(c), shape.network(c).rawValue,
                                 shape.participantID(n % shape.participants), at, bodyText, at - 86_400, at - 86_400, at - 86_400])
        }
    }

    /// Scenario 4: `count` approved posts with bodies, all due at `burstAt`, on the shape's webhook channels.
    public static func burst(path: String, shape: StrategyShape, count: Int) throws {
        try removeDatabase(path)
        _ = try Store(path: path)
        let db = try DatabaseQueue(path: path)
        let channels = shape.webhookChannels
        let at = Int64(burstAt.timeIntervalSince1970)
        try db.write { db in
            let post = try db.cachedStatement(sql: """
                INSERT INTO post (id, channel, network, kind, goal, owner, scheduled_at, status, body, variant, locked, source, media,
                                  revision, template, approved_by, approved_at, created_at, updated_at)
                VALUES (?, ?, ?, 'informational', 'awareness', ?, ?, 'approved', ?, 0, 0, 'planner', '[]', 1, 'informational.mustache',
                        'lead', ?, ?, ?)
                """)
            for n in 0..<count {
                let c = channels[n % channels.count]
                try post.execute(arguments: ["p-burst\(pad(n, 5))", shape.channelID(c), shape.network(c).rawValue,
                                             shape.participantID(n % shape.participants), at, bodyText, at - 86_400, at - 86_400, at - 86_400])
            }
        }
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    static func removeDatabase(_ path: String) throws {
        for suffix in ["", "-wal", "-shm", ".lock"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
