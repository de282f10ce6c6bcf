import Foundation
import GRDB
import HeraldStore
import HeraldModel
import HeraldTestSupport
import Testing

@Suite struct MigrationTests {
    @Test func createsAFreshDatabase() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let info = try store.info()
        #expect(info.appliedMigrations == Store.knownMigrations)
        #expect(info.pendingMigrations.isEmpty)
        #expect(info.postsByStatus.isEmpty)
    }

    @Test func reopensAnExistingDatabaseWithoutLosingData() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("herald.sqlite")
        do {
            let store = try Store(path: path)
            try store.recordSnapshot(file: "strategy.yaml", text: "a", contentHash: "h1", brand: "B", at: Date(timeIntervalSince1970: 0))
        }
        let again = try Store(path: path)
        #expect(try again.migrate().isEmpty)
        #expect(try again.info().snapshots == 1)
    }

    @Test func migratesADatabaseCreatedEmpty() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("herald.sqlite")
        _ = try Store(path: path, migrate: false)
        let store = try Store(path: path, migrate: false)
        #expect(try store.info().pendingMigrations == Store.knownMigrations)
        #expect(try store.migrate() == Store.knownMigrations)
        #expect(try store.info().pendingMigrations.isEmpty)
    }

    @Test func refusesADatabaseFromANewerHerald() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("herald.sqlite")
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        let snapshot = { @Sendable (db: Database) throws -> [String] in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                + String.fetchAll(db, sql: "SELECT name FROM sqlite_master ORDER BY name")
        }
        let before = try queue.read(snapshot)
        try queue.close()
        #expect {
            _ = try Store(path: path)
        } throws: { error in
            guard let e = error as? StoreError, case .newerSchema(_, let unknown) = e else { return false }
            return unknown == ["v99-from-the-future"] && e.exitCode == 65 && e.description.contains("newer version of Herald")
        }
        #expect(try DatabaseQueue(path: path).read(snapshot) == before)
    }

    @Test func reportsAMissingFolder() {
        #expect {
            _ = try Store(path: "/nonexistent-folder/herald.sqlite")
        } throws: { error in
            (error as? StoreError)?.exitCode == 73
        }
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("notes.sqlite", "this is a shopping list, not a database\n")
        #expect {
            _ = try Store(path: path)
        } throws: { error in
            (error as? StoreError)?.description.contains("not a Herald database") == true
        }
        #expect(dir.read("notes.sqlite") == "this is a shopping list, not a database\n")
    }

    @Test func theSchemaEnforcesStatusValues() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("herald.sqlite")
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO post (id, channel, network, kind, scheduled_at, status, source, created_at, updated_at)
                    VALUES ('p-1', 'fb', 'facebook', 'informational', 0, 'published-maybe', 'manual', 0, 0)
                    """)
            }
        }
    }
}

@Suite struct SnapshotTests {
    @Test func recordsEachDistinctStrategyOnce() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let a = try store.recordSnapshot(file: "s.yaml", text: "one", contentHash: "h1", brand: "B", at: t)
        let b = try store.recordSnapshot(file: "s.yaml", text: "one", contentHash: "h1", brand: "B", at: t)
        let c = try store.recordSnapshot(file: "s.yaml", text: "two", contentHash: "h2", brand: "B", at: t)
        #expect(a.id == b.id)
        #expect(c.id != a.id)
        #expect(try store.latestSnapshot()?.contentHash == "h2")
        #expect(try store.info().snapshots == 2)
    }
}

/// What keeps a cron tick cheap on a database of millions of posts, and every state change durable.
@Suite struct PublishPathTests {
    @Test func everyQueryOfAPublishPassIsAnIndexSearch() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let plans = try store.publishQueryPlans()
        #expect(plans.map(\.query) == ["any work", "void changed deliveries", "due posts", "queue deliveries", "expired leases", "expire late deliveries", "claim",
                                        "start attempts", "claimed posts", "finish deliveries", "finish attempts", "settle posts"])
        for (query, plan) in plans {
            // A SCAN reads a whole table; only the tiny hook_state table may be read that way ("SCAN CONSTANT ROW" is
            // the one row of a SELECT without FROM). The batch statements scan their own argument: the JSON array of the
            // batch (`json_each`, a virtual table) and the rows materialized from it (`s`).
            let scans = plan.filter {
                $0.hasPrefix("SCAN") && !$0.hasPrefix("SCAN hook_state") && $0 != "SCAN CONSTANT ROW" && !$0.hasSuffix("VIRTUAL TABLE INDEX 1:")
                    && $0 != "SCAN s"
            }
            #expect(scans.isEmpty, "\(query): \(plan)")
            // Queueing inserts the rows of its argument: it reads no table of its own (a delivery already queued is left by
            // the primary key's conflict check, which is not a step of the plan).
            if query == "queue deliveries" { continue }
            #expect(plan.contains { $0.hasPrefix("SEARCH") }, "\(query): \(plan)")
        }
        func plan(_ name: String) throws -> [String] { try #require(plans.first { $0.query == name }).plan }
        #expect(try plan("due posts").contains { $0.contains("post_on_status_scheduled_at") })
        // A claim reads its batch in order off the index of pending deliveries: no sort of everything due.
        let claim = try plan("claim")
        #expect(claim.contains { $0.contains("delivery_pending_by_next_attempt") }, "\(claim)")
        #expect(!claim.contains { $0.contains("TEMP B-TREE") }, "\(claim)")
        #expect(try plan("expire late deliveries").contains { $0.contains("delivery_pending_by_expiry") })
        // The batch statements look each row up by key.
        #expect(try plan("finish deliveries").contains { $0.contains("SEARCH delivery USING INDEX sqlite_autoindex_delivery_1 (id=?)") })
        #expect(try plan("settle posts").contains { $0.contains("SEARCH post USING INDEX sqlite_autoindex_post_1 (id=?)") })
    }

    @Test func commitsAreSyncedToDisk() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        // 2 = FULL: in WAL mode, NORMAL could lose the last commits on a power cut.
        #expect(try store.writerPragma("synchronous") == "2")
        #expect(try store.writerPragma("journal_mode") == "wal")
        // A new file's schema is created without a sync per migration; the writer is back at FULL before anything else,
        // whether the schema was made on opening or by `migrate()` afterwards (`herald db migrate`).
        let later = try Store(path: dir.file("later.sqlite"), migrate: false)
        #expect(try later.migrate() == Store.knownMigrations)
        #expect(try later.writerPragma("synchronous") == "2")
        #expect(try later.writerPragma("wal_autocheckpoint") == "1000")
        #expect(try store.writerPragma("wal_autocheckpoint") == "1000")
        // Reopened, the file is not new: nothing to apply, still FULL.
        let reopened = try Store(path: dir.file("herald.sqlite"))
        #expect(try reopened.migrate().isEmpty)
        #expect(try reopened.writerPragma("synchronous") == "2")
    }
}

@Suite struct BulkWriteTests {
    /// applyPlan binds its values through SQLite's C interface: text of any kind, empty text, null and numbers must
    /// come back as they went in, and a second write replaces (revision + 1) rather than duplicates.
    @Test func planRowsComeBackAsWritten() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let at = Date(iso: "2027-01-04T09:00:00Z")!
        var posts: [Post] = []
        for n in 0..<1_203 {
            let promo = n % 7 == 0
            let owner: String? = n % 3 == 0 ? nil : "Zoë ☕ \"\(n)\""
            let topic: String? = n % 4 == 0 ? "Café — 😀 \\ ' \n" : nil
            let media: [String] = n % 9 == 0 ? ["https://x.example/\(n).jpg"] : []
            posts.append(Post(id: "p-\(n)", channel: "fb", network: .facebook, kind: promo ? .contest : .informational,
                              step: promo ? .announce : nil, campaign: promo ? "c" : nil, goal: n % 2 == 0 ? "g" : nil, owner: owner,
                              scheduledAt: at.addingTimeInterval(Double(n) * 3_600), body: n % 5 == 0 ? "" : nil, topic: topic,
                              variant: n, media: media))
        }
        let tasks = posts.prefix(10).map { ShareTask(id: "t-\($0.id)", post: $0.id, participant: "ola", network: .facebook, due: $0.scheduledAt) }
        let first = try store.applyPlan(posts: posts, removed: [], tasks: tasks, at: at)
        #expect(first.inserted == posts.count && first.updated == 0 && first.tasks == 10)
        #expect(try store.posts() == posts)
        #expect(try store.shareTasks() == tasks)
        let again = try store.applyPlan(posts: posts, removed: [], tasks: [], at: at)
        #expect(again.inserted == 0 && again.updated == posts.count)
        #expect(try store.revision(of: "p-1") == 2)
        #expect(try store.shareTasks().isEmpty)
    }

    /// A first plan goes in as plain inserts; the batch that meets a post already stored (one moved by hand out of the
    /// planned window keeps its id) is upserted instead, as is every batch after it: nothing is lost, duplicated or
    /// overwritten that a plan must leave alone.
    @Test func aBatchMeetingAStoredPostIsUpserted() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let at = Date(iso: "2027-01-04T09:00:00Z")!
        let posts = (0..<2_500).map { n in
            Post(id: "p-\(n)", channel: "fb", network: .facebook, kind: .informational, owner: "ola",
                 scheduledAt: at.addingTimeInterval(Double(n) * 3_600), topic: "plan \(n)")
        }
        // Stored before: a planned post the plan replaces, a locked one and a drafted one it must leave alone.
        var replaced = posts[1_500]; replaced.topic = "old"; replaced.scheduledAt = at.addingTimeInterval(-86_400 * 200)
        var locked = posts[1_700]; locked.topic = "mine"; locked.locked = true
        var drafted = posts[2_400]; drafted.topic = "written"; drafted.status = .drafted; drafted.body = "Hello"
        let oldTask = ShareTask(id: "t-old", post: replaced.id, participant: "ola", network: .facebook, due: replaced.scheduledAt)
        try store.insert(replaced, tasks: [oldTask], at: at)
        try store.insert([locked, drafted], at: at)
        let newTask = ShareTask(id: "t-new", post: replaced.id, participant: "ola", network: .facebook, due: posts[1_500].scheduledAt)
        let write = try store.applyPlan(posts: posts, removed: [], tasks: [newTask], at: at)
        #expect(write.inserted == 2_497 && write.updated == 1 && write.tasks == 1)
        let stored = try store.posts()
        #expect(stored.count == 2_500)
        #expect(Set(stored.map(\.id)).count == 2_500)
        #expect(try store.post(replaced.id) == posts[1_500])
        #expect(try store.revision(of: replaced.id) == 2)
        #expect(try store.post(locked.id) == locked)
        #expect(try store.post(drafted.id) == drafted)
        #expect(try store.shareTasks() == [newTask])
        #expect(try store.post("p-0") == posts[0] && store.post("p-2499") == posts[2_499])
    }

    /// A plan records the strategy it was made from in its own transaction: a snapshot with the plan, none again for
    /// the same text, and none when the plan is refused (nothing of a failed write stays).
    @Test func aPlanRecordsItsStrategyWithIt() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("herald.sqlite"))
        let at = Date(iso: "2027-01-04T09:00:00Z")!
        let post = Post(id: "p-1", channel: "fb", network: .facebook, kind: .informational, owner: "ola", scheduledAt: at)
        let source = SnapshotSource(file: "strategy.yaml", text: "brand: x\n", contentHash: "h1", brand: "X")
        try store.applyPlan(posts: [post], removed: [], tasks: [], at: at, strategy: source)
        #expect(try store.latestSnapshot()?.contentHash == "h1")
        try store.applyPlan(posts: [post], removed: [], tasks: [], at: at, strategy: source)
        #expect(try store.info().snapshots == 1)
        // A share task for a post that does not exist breaks a foreign key: the whole write, snapshot included, is undone.
        let orphan = ShareTask(id: "t-x", post: "missing", participant: "ola", network: .facebook, due: at)
        var changed = source; changed.contentHash = "h2"
        #expect(throws: StoreError.self) {
            try store.applyPlan(posts: [post], removed: [], tasks: [orphan], at: at, strategy: changed)
        }
        #expect(try store.latestSnapshot()?.contentHash == "h1")
        #expect(try store.info().snapshots == 1)
    }
}
