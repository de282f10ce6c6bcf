import GRDB
import HeraldModel

/// The database schema, as an ordered list of migrations. Never edit a migration once it has shipped:
/// add a new one.
enum Schema {
    static func sqlList<S: Sequence>(_ values: S) -> String where S.Element: RawRepresentable, S.Element.RawValue == String {
        values.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }

    /// `column = 'a' OR column = 'b' …`: the same test as `column IN ('a', 'b', …)`, but SQLite 3.40 evaluates an IN
    /// list in a CHECK constraint through a lookup table that costs microseconds per inserted row; comparisons cost
    /// nanoseconds (a year's plan for an agency inserts 150,000 rows).
    static func sqlEither<S: Sequence>(_ column: String, _ values: S) -> String
    where S.Element: RawRepresentable, S.Element.RawValue == String {
        "(" + values.map { "\(column) = '\($0.rawValue)'" }.joined(separator: " OR ") + ")"
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()

        m.registerMigration("v1-strategy-and-posts") { db in
            // Every strategy file Herald has worked from, so a plan can be traced to its input.
            try db.create(table: "strategy_snapshot") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("imported_at", .integer).notNull()
                t.column("file", .text).notNull()
                t.column("content_hash", .text).notNull()
                t.column("brand", .text).notNull()
                t.column("yaml", .text).notNull()
            }
            try db.create(table: "post") { t in
                t.primaryKey("id", .text)
                t.column("channel", .text).notNull()
                t.column("network", .text).notNull().check(sql: "network IN (\(sqlList(Network.allCases)))")
                t.column("kind", .text).notNull().check(sql: "kind IN (\(sqlList(ContentKind.allCases)))")
                t.column("step", .text).check(sql: "step IS NULL OR step IN (\(sqlList(CampaignStep.allCases)))")
                t.column("campaign", .text)
                t.column("goal", .text)
                t.column("owner", .text)
                t.column("scheduled_at", .integer).notNull()
                t.column("status", .text).notNull().check(sql: "status IN (\(sqlList(PostStatus.allCases)))")
                t.column("body", .text)
                t.column("topic", .text)
                t.column("variant", .integer).notNull().defaults(to: 0)
                t.column("locked", .boolean).notNull().defaults(to: false)
                t.column("source", .text).notNull().check(sql: "source IN (\(sqlList(PostSource.allCases)))")
                t.column("link", .text)
                t.column("media", .text).notNull().defaults(to: "[]")
                t.column("crisis", .text)
                // Bumped by every change to what would be published; a queued delivery of an older revision is void.
                t.column("revision", .integer).notNull().defaults(to: 1)
                t.column("template", .text)
                t.column("approved_by", .text)
                t.column("approved_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.check(sql: "(kind IN ('contest', 'discount')) = (step IS NOT NULL) OR kind = 'crisis'")
            }
            try db.create(index: "post_on_scheduled_at", on: "post", columns: ["scheduled_at"])
            try db.create(index: "post_on_status_scheduled_at", on: "post", columns: ["status", "scheduled_at"])
            try db.create(index: "post_on_channel_scheduled_at", on: "post", columns: ["channel", "scheduled_at"])

            // Employees asked to share a brand post from their own accounts.
            try db.create(table: "share_task") { t in
                t.primaryKey("id", .text)
                t.column("post_id", .text).notNull().references("post", onDelete: .cascade)
                t.column("participant", .text).notNull()
                t.column("network", .text).notNull()
                t.column("due_at", .integer).notNull()
                t.column("done", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "share_task_on_post", on: "share_task", columns: ["post_id"])
            try db.create(index: "share_task_on_participant", on: "share_task", columns: ["participant", "due_at"])
        }

        m.registerMigration("v2-metric-readings") { db in
            // Measured values of the strategy's metrics (`herald metrics record` / `import`), for progress reports.
            // One value per metric, day and channel (NULL: the metric as a whole): recording it again replaces it.
            try db.create(table: "metric_reading") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("metric", .text).notNull().check(sql: "length(metric) > 0")
                t.column("date", .text).notNull().check(sql: "date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'")
                t.column("value", .double).notNull()
                t.column("channel", .text)
                t.column("recorded_at", .integer).notNull()
                t.column("source", .text).notNull().check(sql: "source IN ('manual', 'import')")
            }
            try db.execute(sql: "CREATE UNIQUE INDEX metric_reading_on_metric_date_channel ON metric_reading (metric, date, IFNULL(channel, ''))")
        }

        m.registerMigration("v3-publishing") { db in
            // One delivery per (post revision, hook); its id is the idempotency key.
            try db.create(table: "delivery") { t in
                t.primaryKey("id", .text)
                t.column("post_id", .text).notNull().references("post", onDelete: .cascade)
                t.column("hook", .text).notNull()
                t.column("revision", .integer).notNull()
                t.column("state", .text).notNull().check(sql: "state IN (\(sqlList(DeliveryState.allCases)))")
                t.column("due_at", .integer).notNull()
                // After this instant the post is too late to be worth sending.
                t.column("expires_at", .integer).notNull()
                t.column("next_attempt_at", .integer).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("max_attempts", .integer).notNull()
                t.column("lease_owner", .text)
                t.column("lease_expires_at", .integer)
                t.column("last_error", .text)
                t.column("remote_url", .text)
                t.column("remote_id", .text)
                t.column("published_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.uniqueKey(["post_id", "hook", "revision"])
                t.check(sql: "(state = 'publishing') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)")
            }
            try db.create(index: "delivery_on_state_next_attempt_at", on: "delivery", columns: ["state", "next_attempt_at"])
            // Every call to a hook.
            try db.create(table: "attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("delivery_id", .text).notNull().references("delivery", onDelete: .cascade)
                t.column("number", .integer).notNull()
                t.column("hook", .text).notNull()
                t.column("lease_owner", .text).notNull()
                t.column("started_at", .integer).notNull()
                // Set just before a hook that cannot drop repeats is called, so a crash before it is safe to retry.
                t.column("called_at", .integer)
                t.column("ended_at", .integer)
                t.column("outcome", .text).check(sql: "outcome IS NULL OR outcome IN (\(sqlList(AttemptOutcome.allCases)))")
                t.column("http_status", .integer)
                t.column("exit_code", .integer)
                t.column("error", .text)
                t.column("response_excerpt", .text)
                t.uniqueKey(["delivery_id", "number"])
            }
            // Every publish pass, for `herald status`.
            try db.create(table: "publish_run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("owner", .text).notNull()
                t.column("mode", .text).notNull().check(sql: "mode IN ('publish', 'run')")
                t.column("started_at", .integer).notNull()
                t.column("clock_at", .integer).notNull()
                t.column("ended_at", .integer)
                t.column("enqueued", .integer).notNull().defaults(to: 0)
                t.column("claimed", .integer).notNull().defaults(to: 0)
                t.column("published", .integer).notNull().defaults(to: 0)
                t.column("retrying", .integer).notNull().defaults(to: 0)
                t.column("failed", .integer).notNull().defaults(to: 0)
                t.column("unknown", .integer).notNull().defaults(to: 0)
                t.column("expired", .integer).notNull().defaults(to: 0)
                t.column("rescued", .integer).notNull().defaults(to: 0)
                t.column("exit_code", .integer)
                t.column("note", .text)
            }
            try db.create(table: "hook_state") { t in
                t.primaryKey("hook", .text)
                t.column("disabled_at", .integer)
                t.column("reason", .text)
            }
            // Lifecycle events for the strategy's `notify` hook, sent after each pass.
            try db.create(table: "notification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("event", .text).notNull()
                    .check(sql: "event IN ('post.published', 'post.failed', 'post.unknown', 'post.expired', 'hook.disabled')")
                t.column("post_id", .text)
                t.column("delivery_id", .text)
                t.column("hook", .text)
                t.column("detail", .text)
                t.column("created_at", .integer).notNull()
                t.column("sent_at", .integer)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("last_error", .text)
            }
            try db.create(index: "notification_unsent", on: "notification", columns: ["sent_at", "id"])
        }

        m.registerMigration("v4-crisis") { db in
            try db.create(table: "crisis") { t in
                t.primaryKey("id", .text)
                t.column("title", .text).notNull()
                t.column("severity", .text).notNull().check(sql: "severity IN (\(sqlList(CrisisSeverity.allCases)))")
                t.column("channels", .text).notNull()
                t.column("pause_all", .boolean).notNull()
                t.column("status", .text).notNull().check(sql: "status IN (\(sqlList(CrisisStatus.allCases)))")
                t.column("opened_at", .integer).notNull()
                t.column("opened_by", .text).notNull()
                t.column("owner", .text)
                t.column("closed_at", .integer)
                t.column("summary", .text)
            }
            // At most one open crisis.
            try db.execute(sql: "CREATE UNIQUE INDEX crisis_one_open ON crisis (status) WHERE status = 'open'")
            // Everything done in a crisis: who, when, what.
            try db.create(table: "crisis_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("crisis_id", .text).notNull().references("crisis", onDelete: .cascade)
                t.column("at", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "crisis_check") { t in
                t.column("crisis_id", .text).notNull().references("crisis", onDelete: .cascade)
                t.column("step", .text).notNull().check(sql: "step IN (\(sqlList(CrisisStep.allCases)))")
                t.column("owner", .text)
                t.column("done_at", .integer)
                t.column("done_by", .text)
                t.primaryKey(["crisis_id", "step"])
            }
            // Posts a crisis paused, with what to restore when it closes.
            try db.create(table: "crisis_pause") { t in
                t.column("crisis_id", .text).notNull().references("crisis", onDelete: .cascade)
                t.column("post_id", .text).notNull().references("post", onDelete: .cascade)
                t.column("previous_status", .text).notNull()
                t.column("restored_at", .integer)
                t.column("decision", .text)
                t.primaryKey(["crisis_id", "post_id"])
            }
            try db.create(table: "crisis_metric") { t in
                t.column("crisis_id", .text).notNull().references("crisis", onDelete: .cascade)
                t.column("metric", .text).notNull()
                t.column("name", .text).notNull()
                t.column("unit", .text).notNull()
                t.column("direction", .text).notNull().check(sql: "direction IN ('up', 'down')")
                t.column("baseline", .double)
                t.column("baseline_date", .text)
                t.primaryKey(["crisis_id", "metric"])
            }
            // An alert a person dismissed, up to the reading that raised it.
            try db.create(table: "alert_dismissal") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("metric", .text).notNull()
                t.column("reading_recorded_at", .integer).notNull()
                t.column("dismissed_at", .integer).notNull()
                t.column("dismissed_by", .text).notNull()
            }
        }

        m.registerMigration("v5-post-checks-as-comparisons") { db in
            // The post table again, column for column, with its CHECK constraints written as comparisons (see
            // `sqlEither`). An empty table (a new database) is simply replaced. Otherwise SQLite's documented table
            // rebuild (create, copy, drop, rename), foreign keys checked once at the end by the migrator: rows, ids and
            // rowids are kept, and the tables pointing at posts follow the name.
            func definePosts(_ t: TableDefinition) {
                t.primaryKey("id", .text)
                t.column("channel", .text).notNull()
                t.column("network", .text).notNull().check(sql: sqlEither("network", Network.allCases))
                t.column("kind", .text).notNull().check(sql: sqlEither("kind", ContentKind.allCases))
                t.column("step", .text).check(sql: "step IS NULL OR " + sqlEither("step", CampaignStep.allCases))
                t.column("campaign", .text)
                t.column("goal", .text)
                t.column("owner", .text)
                t.column("scheduled_at", .integer).notNull()
                t.column("status", .text).notNull().check(sql: sqlEither("status", PostStatus.allCases))
                t.column("body", .text)
                t.column("topic", .text)
                t.column("variant", .integer).notNull().defaults(to: 0)
                t.column("locked", .boolean).notNull().defaults(to: false)
                t.column("source", .text).notNull().check(sql: sqlEither("source", PostSource.allCases))
                t.column("link", .text)
                t.column("media", .text).notNull().defaults(to: "[]")
                t.column("crisis", .text)
                t.column("revision", .integer).notNull().defaults(to: 1)
                t.column("template", .text)
                t.column("approved_by", .text)
                t.column("approved_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.check(sql: "(kind = 'contest' OR kind = 'discount') = (step IS NOT NULL) OR kind = 'crisis'")
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM post)") == true {
                try db.create(table: "new_post", body: definePosts)
                try db.execute(sql: """
                    INSERT INTO new_post (rowid, id, channel, network, kind, step, campaign, goal, owner, scheduled_at, status, body,
                                          topic, variant, locked, source, link, media, crisis, revision, template, approved_by,
                                          approved_at, created_at, updated_at)
                    SELECT rowid, id, channel, network, kind, step, campaign, goal, owner, scheduled_at, status, body,
                           topic, variant, locked, source, link, media, crisis, revision, template, approved_by,
                           approved_at, created_at, updated_at
                    FROM post
                    """)
                try db.drop(table: "post")
                try db.rename(table: "new_post", to: "post")
            } else {
                try db.drop(table: "post")
                try db.create(table: "post", body: definePosts)
            }
            try db.create(index: "post_on_scheduled_at", on: "post", columns: ["scheduled_at"])
            try db.create(index: "post_on_status_scheduled_at", on: "post", columns: ["status", "scheduled_at"])
            try db.create(index: "post_on_channel_scheduled_at", on: "post", columns: ["channel", "scheduled_at"])
        }

        m.registerMigration("v6-pending-delivery-indexes") { db in
            // Only pending deliveries (scheduled or retrying), in the order they are claimed (time, then rowid: the order
            // they were queued in, which follows the posts' order): a claim reads its batch straight off this index instead
            // of sorting every due delivery (10,000 due made each claim sort 10,000), and a batch's rows sit together on
            // disk, so its commit writes a few pages rather than one per delivery.
            try db.execute(sql: """
                CREATE INDEX delivery_pending_by_next_attempt ON delivery(next_attempt_at) WHERE state IN ('scheduled', 'retrying')
                """)
            // Pending deliveries by the time they become too late: expiring finds only those, not every due one.
            try db.execute(sql: """
                CREATE INDEX delivery_pending_by_expiry ON delivery(expires_at) WHERE state IN ('scheduled', 'retrying')
                """)
        }
        m.registerMigration("v7-publish-run-strategy-hash") { db in
            // The strategy text (its content hash) a publish or run pass worked from, and whose warnings it showed: a
            // pass prints the strategy's warnings only when this differs from the last pass's (cron mails them once).
            try db.alter(table: "publish_run") { t in t.add(column: "strategy_hash", .text) }
        }

        m.registerMigration("v8-inbox") { db in
            // Comments, mentions, messages and reviews that came in (the endpoint of `herald run --listen`, or
            // `herald inbox import`). The text is kept as UTF-8 bytes, exactly as received (a NUL byte included).
            // One item per network id on a network, and per (source, webhook id) for what a connector sent.
            try db.create(table: "inbox_item") { t in
                t.primaryKey("id", .text).check(sql: "id GLOB 'm-*'")
                t.column("source", .text).notNull()
                t.column("webhook_id", .text)
                t.column("network", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("kind", .text).notNull().check(sql: "kind IN ('comment', 'mention', 'message', 'review')")
                t.column("network_item_id", .text)
                t.column("author_handle", .text).notNull()
                t.column("author_name", .text)
                t.column("author_followers", .integer).check(sql: "author_followers >= 0")
                t.column("text", .blob).notNull()
                t.column("url", .text)
                t.column("created_at", .integer).notNull()
                t.column("received_at", .integer).notNull()
                t.column("in_reply_to", .text)
                t.column("location", .text)
                t.column("labels", .text).notNull()
                t.column("owner", .text)
                t.column("deadline", .integer)
                t.column("status", .text).notNull().check(sql: "status IN ('new', 'assigned', 'answered', 'closed')")
                t.column("close_reason", .text).check(sql: "close_reason IS NULL OR close_reason IN ('spam', 'no-reply-needed', 'answered-elsewhere')")
                t.column("note", .text)
                t.column("updated_at", .integer).notNull()
            }
            try db.execute(sql: "CREATE UNIQUE INDEX inbox_item_on_network_item ON inbox_item (network, network_item_id) WHERE network_item_id IS NOT NULL")
            try db.execute(sql: "CREATE UNIQUE INDEX inbox_item_on_source_webhook ON inbox_item (source, webhook_id) WHERE webhook_id IS NOT NULL")
            // `herald inbox`: open items by deadline.
            try db.execute(sql: "CREATE INDEX inbox_item_open_by_deadline ON inbox_item (deadline) WHERE status IN ('new', 'assigned')")
        }
        m.registerMigration("v9-replies") { db in
            // A delivery now belongs to a post (`p-…`) or a reply (`r-…`): `post_id` holds either, so its foreign key
            // to `post` goes; a trigger keeps the cascade for posts. The table is rebuilt column for column (SQLite's
            // documented way, as v5 did for posts; foreign keys are checked once at the end by the migrator): rows,
            // ids and rowids are kept, attempts keep pointing at their deliveries.
            func defineDeliveries(_ t: TableDefinition) {
                t.primaryKey("id", .text)
                t.column("post_id", .text).notNull()
                t.column("hook", .text).notNull()
                t.column("revision", .integer).notNull()
                t.column("state", .text).notNull().check(sql: "state IN (\(sqlList(DeliveryState.allCases)))")
                t.column("due_at", .integer).notNull()
                t.column("expires_at", .integer).notNull()
                t.column("next_attempt_at", .integer).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("max_attempts", .integer).notNull()
                t.column("lease_owner", .text)
                t.column("lease_expires_at", .integer)
                t.column("last_error", .text)
                t.column("remote_url", .text)
                t.column("remote_id", .text)
                t.column("published_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.uniqueKey(["post_id", "hook", "revision"])
                t.check(sql: "(state = 'publishing') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)")
            }
            let columns = "id, post_id, hook, revision, state, due_at, expires_at, next_attempt_at, attempts, max_attempts, lease_owner, "
                + "lease_expires_at, last_error, remote_url, remote_id, published_at, created_at, updated_at"
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM delivery)") == true {
                try db.create(table: "new_delivery", body: defineDeliveries)
                try db.execute(sql: "INSERT INTO new_delivery (rowid, \(columns)) SELECT rowid, \(columns) FROM delivery")
                try db.drop(table: "delivery")
                try db.rename(table: "new_delivery", to: "delivery")
            } else {
                try db.drop(table: "delivery")
                try db.create(table: "delivery", body: defineDeliveries)
            }
            try db.create(index: "delivery_on_state_next_attempt_at", on: "delivery", columns: ["state", "next_attempt_at"])
            try db.execute(sql: """
                CREATE INDEX delivery_pending_by_next_attempt ON delivery(next_attempt_at) WHERE state IN ('scheduled', 'retrying')
                """)
            try db.execute(sql: """
                CREATE INDEX delivery_pending_by_expiry ON delivery(expires_at) WHERE state IN ('scheduled', 'retrying')
                """)
            try db.execute(sql: "CREATE TRIGGER delivery_follows_post AFTER DELETE ON post BEGIN DELETE FROM delivery WHERE post_id = old.id; END")

            // Inbox items get the `replying` status (a reply is queued) and the time of the first reply. Rebuilt the
            // same way (a CHECK constraint cannot be changed in place).
            func defineItems(_ t: TableDefinition) {
                t.primaryKey("id", .text).check(sql: "id GLOB 'm-*'")
                t.column("source", .text).notNull()
                t.column("webhook_id", .text)
                t.column("network", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("kind", .text).notNull().check(sql: "kind IN ('comment', 'mention', 'message', 'review')")
                t.column("network_item_id", .text)
                t.column("author_handle", .text).notNull()
                t.column("author_name", .text)
                t.column("author_followers", .integer).check(sql: "author_followers >= 0")
                t.column("text", .blob).notNull()
                t.column("url", .text)
                t.column("created_at", .integer).notNull()
                t.column("received_at", .integer).notNull()
                t.column("in_reply_to", .text)
                t.column("location", .text)
                t.column("labels", .text).notNull()
                t.column("owner", .text)
                t.column("deadline", .integer)
                t.column("status", .text).notNull().check(sql: "status IN (\(sqlList(InboxStatus.allCases)))")
                t.column("close_reason", .text).check(sql: "close_reason IS NULL OR close_reason IN ('spam', 'no-reply-needed', 'answered-elsewhere')")
                t.column("note", .text)
                t.column("updated_at", .integer).notNull()
                t.column("first_reply_at", .integer)
            }
            let itemColumns = "id, source, webhook_id, network, channel, kind, network_item_id, author_handle, author_name, author_followers, "
                + "text, url, created_at, received_at, in_reply_to, location, labels, owner, deadline, status, close_reason, note, updated_at"
            try db.create(table: "new_inbox_item", body: defineItems)
            try db.execute(sql: "INSERT INTO new_inbox_item (rowid, \(itemColumns)) SELECT rowid, \(itemColumns) FROM inbox_item")
            try db.drop(table: "inbox_item")
            try db.rename(table: "new_inbox_item", to: "inbox_item")
            try db.execute(sql: "CREATE UNIQUE INDEX inbox_item_on_network_item ON inbox_item (network, network_item_id) WHERE network_item_id IS NOT NULL")
            try db.execute(sql: "CREATE UNIQUE INDEX inbox_item_on_source_webhook ON inbox_item (source, webhook_id) WHERE webhook_id IS NOT NULL")
            try db.execute(sql: "CREATE INDEX inbox_item_open_by_deadline ON inbox_item (deadline) WHERE status IN ('new', 'assigned')")

            // Replies to inbox items (`herald inbox reply`), delivered like posts: one delivery per hook of the item's
            // channel once the reply is approved (docs/lifecycle.md, "Replies").
            try db.create(table: "reply") { t in
                t.primaryKey("id", .text).check(sql: "id GLOB 'r-*'")
                t.column("item_id", .text).notNull().references("inbox_item", onDelete: .cascade)
                t.column("network", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("in_reply_to", .text)
                t.column("author_handle", .text).notNull()
                t.column("replier", .text).notNull()
                t.column("body", .text).notNull()
                t.column("template", .text)
                t.column("language", .text).notNull()
                t.column("status", .text).notNull().check(sql: sqlEither("status", ReplyStatus.allCases))
                t.column("approval_needed", .text)
                t.column("approver", .text)
                t.column("approved_by", .text)
                t.column("approved_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("sent_at", .integer)
                t.column("updated_at", .integer).notNull()
            }
            try db.create(index: "reply_on_item", on: "reply", columns: ["item_id"])
            // The queue refresh reads the approved replies (a handful: they settle as soon as they went out).
            try db.execute(sql: "CREATE INDEX reply_approved ON reply (status) WHERE status = 'approved'")

            try db.execute(sql: "CREATE TRIGGER delivery_follows_reply AFTER DELETE ON reply BEGIN DELETE FROM delivery WHERE post_id = old.id; END")
        }

        m.registerMigration("v12-listening") { db in
            // (The time an item was first answered, `first_reply_at`, came with v9-replies.) When its `inbox.overdue` / `inbox.urgent`
            // notification was queued: set in the transaction that queues it, so each fires once per item. Items
            // answered before this version take the time of their last change as their first reply.
            try db.alter(table: "inbox_item") { t in
                t.add(column: "overdue_notified_at", .integer)
                t.add(column: "urgent_notified_at", .integer)
            }
            try db.execute(sql: "UPDATE inbox_item SET first_reply_at = updated_at WHERE status = 'answered'")
            // Each pass looks for items awaiting an answer (a reply not gone out yet included) past their deadline and not yet
            // notified: only those are in this index.
            try db.execute(sql: """
                CREATE INDEX inbox_item_overdue_unnotified ON inbox_item (deadline)
                WHERE status IN ('new', 'assigned', 'replying') AND overdue_notified_at IS NULL
                """)
            // `herald inbox` lists open items by deadline (a reply on its way counts as open there): its first page is read
            // from this index, however many items are open.
            try db.execute(sql: """
                CREATE INDEX inbox_item_listing ON inbox_item (deadline, received_at, id) WHERE status IN ('new', 'assigned', 'replying')
                """)
            // The metrics and the urgent check read items by when they were written or came in.
            try db.execute(sql: "CREATE INDEX inbox_item_on_created_at ON inbox_item (created_at)")
            try db.execute(sql: "CREATE INDEX inbox_item_on_received_at ON inbox_item (received_at)")
            // Notifications may be about an inbox item: the events' CHECK grows, so the table is rebuilt (it has no links).
            try db.create(table: "new_notification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("event", .text).notNull()
                    .check(sql: "event IN ('post.published', 'post.failed', 'post.unknown', 'post.expired', 'hook.disabled', 'inbox.overdue', 'inbox.urgent')")
                t.column("post_id", .text)
                t.column("delivery_id", .text)
                t.column("hook", .text)
                t.column("detail", .text)
                t.column("created_at", .integer).notNull()
                t.column("sent_at", .integer)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("last_error", .text)
                t.column("item_id", .text)
            }
            try db.execute(sql: """
                INSERT INTO new_notification (id, event, post_id, delivery_id, hook, detail, created_at, sent_at, attempts, last_error)
                SELECT id, event, post_id, delivery_id, hook, detail, created_at, sent_at, attempts, last_error FROM notification
                """)
            try db.drop(table: "notification")
            try db.rename(table: "new_notification", to: "notification")
            try db.create(index: "notification_unsent", on: "notification", columns: ["sent_at", "id"])
            // One notification of each inbox event per item, whatever happens.
            try db.execute(sql: "CREATE UNIQUE INDEX notification_once_per_item ON notification (event, item_id) WHERE item_id IS NOT NULL")
        }

        m.registerMigration("v10-results") { db in
            // What each published post achieved, as snapshots over time (`herald results import`): counts grow for days
            // after posting, so one row per post, network and capture time. A counter the source did not report is NULL.
            try db.create(table: "post_result") { t in
                t.column("post_id", .text).notNull().references("post", onDelete: .cascade)
                t.column("network", .text).notNull().check(sql: sqlEither("network", Network.allCases))
                t.column("captured_at", .integer).notNull()
                for c in ["impressions", "reach", "reactions", "comments", "shares", "saves", "link_clicks", "video_views", "conversions"] {
                    t.column(c, .integer).check(sql: "\(c) IS NULL OR \(c) >= 0")
                }
                t.column("revenue", .double).check(sql: "revenue IS NULL OR revenue >= 0")
                t.column("source", .text).notNull()
                t.column("imported_at", .integer).notNull()
                t.primaryKey(["post_id", "network", "captured_at"])
            }
        }
        return m
    }
}
