import GRDB
import HeraldModel

/// The database schema, as an ordered list of migrations. Never edit a migration once it has shipped:
/// add a new one.
enum Schema {
    static func sqlList<S: Sequence>(_ values: S) -> String where S.Element: RawRepresentable, S.Element.RawValue == String {
        values.map { "'\($0.rawValue)'" }.joined(separator: ", ")
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
        return m
    }
}
