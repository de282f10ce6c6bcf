import Foundation
import GRDB
import HeraldModel

/// A post a crisis paused, with the status it had.
public struct PausedPost: Sendable {
    public var post: Post
    public var previousStatus: PostStatus
    public var decision: String?
}

/// What to do with one paused post when the crisis closes.
public struct RestoreDecision: Sendable {
    public enum Action: Sendable { case restore(at: Date), expire, published }
    public var post: String
    public var action: Action
    /// Said to the person closing the crisis, and recorded.
    public var note: String

    public init(post: String, action: Action, note: String) { self.post = post; self.action = action; self.note = note }
}

extension Store {
    /// Opens a crisis in one IMMEDIATE transaction: records it, pauses the posts it affects (voiding their queued
    /// deliveries; a delivery already being sent finishes), adds the response posts, the checklist and the metrics.
    /// A publisher claiming at the same moment either claimed before (in flight) or sees the posts paused.
    public func openCrisis(_ crisis: Crisis, responses: [Post], checks: [CrisisCheck], metrics: [CrisisMetric],
                           at now: Date) throws(StoreError) -> [Post] {
        try writeImmediate { db in
            if let open = try String.fetchOne(db, sql: "SELECT id FROM crisis WHERE status = 'open'") {
                throw StoreError.refused("crisis \(open) is still open; update it (`herald crisis update`) or close it first.")
            }
            let nowS = Store.secs(now)
            try db.execute(sql: """
                INSERT INTO crisis (id, title, severity, channels, pause_all, status, opened_at, opened_by, owner)
                VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?)
                """, arguments: [crisis.id, crisis.title, crisis.severity.rawValue, PostRecord.encode(crisis.channels), crisis.pauseAll,
                                 nowS, crisis.openedBy, crisis.owner])
            let marks = crisis.channels.map { _ in "?" }.joined(separator: ", ")
            var sql = "SELECT * FROM post WHERE status IN (\(LifecycleSQL.from(.pause))) AND kind <> 'crisis' AND channel IN (\(marks))"
            if !crisis.pauseAll { sql += " AND kind IN ('contest', 'discount')" }
            let toPause = try PostRecord.fetchAll(db, sql: sql, arguments: StatementArguments(crisis.channels))
            for r in toPause {
                try db.execute(sql: "INSERT INTO crisis_pause (crisis_id, post_id, previous_status) VALUES (?, ?, ?)",
                               arguments: [crisis.id, r.id, r.status])
                let paused = try Store.moving(post: r.id, from: PostStatus(rawValue: r.status) ?? .planned, on: .pause)
                try db.execute(sql: "UPDATE post SET status = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
                               arguments: [paused.rawValue, nowS, r.id])
                // Its queued deliveries are void (one being sent finishes, and settles the post as published if it went out).
                try db.execute(sql: """
                    UPDATE delivery SET state = \(LifecycleSQL.to(.void)), updated_at = ?, last_error = 'paused by crisis \(crisis.id)'
                    WHERE post_id = ? AND state IN (\(LifecycleSQL.from(.void)))
                    """, arguments: [nowS, r.id])
            }
            for p in responses { try PostRecord(p, now: now).insert(db) }
            for c in checks {
                try db.execute(sql: "INSERT INTO crisis_check (crisis_id, step, owner) VALUES (?, ?, ?)",
                               arguments: [crisis.id, c.step.rawValue, c.owner])
            }
            for m in metrics {
                try db.execute(sql: """
                    INSERT INTO crisis_metric (crisis_id, metric, name, unit, direction, baseline, baseline_date) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [crisis.id, m.id, m.name, m.unit, m.direction.rawValue, m.baseline, m.baselineDate?.iso])
            }
            try Store.crisisEvent(db, crisis.id, at: nowS, actor: crisis.openedBy, action: "opened",
                                  detail: "\(crisis.severity.rawValue) severity on \(crisis.channels.joined(separator: ", ")); paused \(toPause.count) post\(toPause.count == 1 ? "" : "s")\(crisis.pauseAll ? " (all but crisis posts)" : " (promotional)"); \(responses.count) response post\(responses.count == 1 ? "" : "s") drafted")
            return toPause.map(\.post)
        }
    }

    static func crisisEvent(_ db: Database, _ crisis: String, at: Int64, actor: String, action: String, detail: String) throws {
        try db.execute(sql: "INSERT INTO crisis_event (crisis_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [crisis, at, actor, action, detail])
    }

    /// Records something done in a crisis.
    public func recordCrisisEvent(_ crisis: String, actor: String, action: String, detail: String, at now: Date) throws(StoreError) {
        try write { db in try Store.crisisEvent(db, crisis, at: Store.secs(now), actor: actor, action: action, detail: detail) }
    }

    static func crisis(_ row: Row) -> Crisis {
        Crisis(id: row["id"], title: row["title"], severity: CrisisSeverity(rawValue: row["severity"]) ?? .medium,
               channels: (try? JSONDecoder().decode([String].self, from: Data((row["channels"] as String).utf8))) ?? [],
               pauseAll: row["pause_all"], status: CrisisStatus(rawValue: row["status"]) ?? .open,
               openedAt: date(row["opened_at"]), openedBy: row["opened_by"], owner: row["owner"],
               closedAt: (row["closed_at"] as Int64?).map(date), summary: row["summary"])
    }

    public func openCrisis() throws(StoreError) -> Crisis? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM crisis WHERE status = 'open'").map(Store.crisis) }
    }

    public func crisis(_ id: String) throws(StoreError) -> Crisis {
        let c = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM crisis WHERE id = ?", arguments: [id]).map(Store.crisis) }
        guard let c else { throw .notFound(what: "crisis", id: id) }
        return c
    }

    public func crises() throws(StoreError) -> [Crisis] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM crisis ORDER BY opened_at, id").map(Store.crisis) }
    }

    public func crisisEvents(_ id: String) throws(StoreError) -> [CrisisEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM crisis_event WHERE crisis_id = ? ORDER BY at, id", arguments: [id]).map {
                CrisisEvent(at: Store.date($0["at"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }

    public func crisisChecks(_ id: String) throws(StoreError) -> [CrisisCheck] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM crisis_check WHERE crisis_id = ?", arguments: [id]).compactMap { r in
                CrisisStep(rawValue: r["step"]).map {
                    CrisisCheck(step: $0, owner: r["owner"], doneAt: (r["done_at"] as Int64?).map(Store.date), doneBy: r["done_by"])
                }
            }.sorted { CrisisStep.allCases.firstIndex(of: $0.step)! < CrisisStep.allCases.firstIndex(of: $1.step)! }
        }
    }

    public func crisisMetrics(_ id: String) throws(StoreError) -> [CrisisMetric] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM crisis_metric WHERE crisis_id = ? ORDER BY rowid", arguments: [id]).map { r in
                CrisisMetric(id: r["metric"], name: r["name"], unit: r["unit"], direction: Direction(rawValue: r["direction"]) ?? .down,
                             baseline: r["baseline"], baselineDate: (r["baseline_date"] as String?).flatMap(LocalDate.init(iso:)))
            }
        }
    }

    /// Marks a checklist step done (or not done again).
    public func checkCrisisStep(_ id: String, step: CrisisStep, done: Bool, by person: String, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE crisis_check SET done_at = ?, done_by = ? WHERE crisis_id = ? AND step = ?",
                           arguments: [done ? Store.secs(now) : nil, done ? person : nil, id, step.rawValue])
            guard db.changesCount > 0 else { throw StoreError.notFound(what: "checklist step", id: step.rawValue) }
            try Store.crisisEvent(db, id, at: Store.secs(now), actor: person, action: done ? "checked" : "unchecked", detail: step.label)
        }
    }

    public func pausedPosts(_ id: String) throws(StoreError) -> [PausedPost] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT post.*, crisis_pause.previous_status AS previous_status, crisis_pause.decision AS decision
                FROM crisis_pause JOIN post ON post.id = crisis_pause.post_id WHERE crisis_pause.crisis_id = ?
                ORDER BY post.scheduled_at, post.id
                """, arguments: [id]).map { r in
                PausedPost(post: try PostRecord(row: r).post, previousStatus: PostStatus(rawValue: r["previous_status"]) ?? .planned,
                           decision: r["decision"])
            }
        }
    }

    /// Adds crisis posts (updates, the closing statement, the trust-rebuilding phase), cancels others, and records
    /// what was done — one transaction.
    public func addCrisisPosts(_ id: String, posts: [Post], cancel: [String], actor: String, action: String, detail: String,
                               at now: Date) throws(StoreError) {
        try writeImmediate { db in
            let nowS = Store.secs(now)
            for p in posts { try Store.saveCrisisPost(db, p, at: now) }
            try Store.withdraw(db, cancel, at: nowS)
            try Store.crisisEvent(db, id, at: nowS, actor: actor, action: action, detail: detail)
        }
    }

    /// Closes a crisis in one transaction: restores, reschedules or expires the paused posts as decided, adds the
    /// closing and trust-rebuilding posts, cancels pending updates, and records every decision.
    public func closeCrisis(_ id: String, summary: String, decisions: [RestoreDecision], posts: [Post], cancel: [String],
                            by person: String, notes: [String] = [], at now: Date) throws(StoreError) {
        try writeImmediate { db in
            let nowS = Store.secs(now)
            guard try String.fetchOne(db, sql: "SELECT status FROM crisis WHERE id = ?", arguments: [id]) == "open" else {
                throw StoreError.refused("crisis \(id) is not open.")
            }
            for d in decisions {
                guard let previous = try String.fetchOne(db, sql: "SELECT previous_status FROM crisis_pause WHERE crisis_id = ? AND post_id = ?",
                                                         arguments: [id, d.post]) else { continue }
                let event: PostEvent = switch d.action {
                case .restore: .restore(to: PostStatus(rawValue: previous) ?? .planned)
                case .expire: .expireAfterPause
                case .published: .delivered
                }
                // A post that moved on since the decision was made (a person cancelled it, a delivery in flight settled it
                // as published) is left as it is; the decision is still recorded.
                let current = try String.fetchOne(db, sql: "SELECT status FROM post WHERE id = ?", arguments: [d.post]).flatMap(PostStatus.init)
                if let current, current == .paused {
                    let next = try Store.moving(post: d.post, from: current, on: event)
                    if case .restore(let at) = d.action {
                        try db.execute(sql: """
                            UPDATE post SET status = ?, scheduled_at = ?, revision = revision + 1, updated_at = ?, locked = locked OR ?
                            WHERE id = ?
                            """, arguments: [next.rawValue, Store.secs(at), nowS, true, d.post])
                    } else {
                        try db.execute(sql: "UPDATE post SET status = ?, updated_at = ? WHERE id = ?", arguments: [next.rawValue, nowS, d.post])
                    }
                }
                try db.execute(sql: "UPDATE crisis_pause SET restored_at = ?, decision = ? WHERE crisis_id = ? AND post_id = ?",
                               arguments: [nowS, d.note, id, d.post])
                try Store.crisisEvent(db, id, at: nowS, actor: person, action: "restored", detail: d.note)
            }
            for p in posts { try Store.saveCrisisPost(db, p, at: now) }
            try Store.withdraw(db, cancel, at: nowS)
            for note in notes { try Store.crisisEvent(db, id, at: nowS, actor: person, action: "note", detail: note) }
            try db.execute(sql: "UPDATE crisis SET status = 'closed', closed_at = ?, summary = ? WHERE id = ?", arguments: [nowS, summary, id])
            try Store.crisisEvent(db, id, at: nowS, actor: person, action: "closed",
                                  detail: "\(summary) — \(decisions.count) paused post\(decisions.count == 1 ? "" : "s") decided, \(posts.count) closing and trust-rebuilding post\(posts.count == 1 ? "" : "s") added")
        }
    }

    /// The crisis desk withdraws its pending posts `ids` (replaced updates, slots taken for restored posts): each one the
    /// table allows it from is cancelled (a new revision); one that moved on meanwhile is left.
    static func withdraw(_ db: Database, _ ids: [String], at nowS: Int64) throws {
        for pid in ids {
            try db.execute(sql: """
                UPDATE post SET status = \(LifecycleSQL.to(.withdraw)), revision = revision + 1, updated_at = ?
                WHERE id = ? AND status IN (\(LifecycleSQL.from(.withdraw)))
                """, arguments: [nowS, pid])
        }
    }

    /// Inserts a crisis post, or rewrites a planned post taken over for the trust-rebuilding phase (keeping its
    /// creation time, bumping its revision).
    static func saveCrisisPost(_ db: Database, _ p: Post, at now: Date) throws {
        var r = PostRecord(p, now: now)
        if let old = try PostRecord.fetchOne(db, key: p.id) {
            // Taking a planned post over (or writing a drafted one again) is re-planning it, with a body when the desk wrote
            // one (the table's `replan` and `redraft`): anything else the table refuses, with its reason.
            let event: PostEvent = p.status == .planned ? .replan : .redraft
            let next = try Store.moving(post: p.id, from: PostStatus(rawValue: old.status) ?? .planned, on: event)
            guard next == p.status else {
                throw StoreError.refused("\(p.id) would become \(next.rawValue), not \(p.status.rawValue), when the crisis desk takes it over.")
            }
            r.created_at = old.created_at
            r.revision = old.revision + 1
            try r.update(db)
        } else {
            try r.insert(db)
        }
    }

    /// Whether any delivery of the post has gone out (e.g. one in flight when the crisis paused it).
    public func wasDelivered(_ post: String) throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM delivery WHERE post_id = ? AND state = 'published')", arguments: [post]) ?? false }
    }

    // MARK: Alerts

    /// Records that a person looked at the alert raised by a reading and chose not to open a crisis.
    public func dismissAlert(metric: String, readingRecordedAt: Date, by person: String, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT INTO alert_dismissal (metric, reading_recorded_at, dismissed_at, dismissed_by) VALUES (?, ?, ?, ?)",
                           arguments: [metric, Store.secs(readingRecordedAt), Store.secs(now), person])
        }
    }

    /// What the crisis alert is worked out from (`CrisisDesk.alert`), read in one transaction: the readings of the alert
    /// rule's metric, the inbox of the spike rule's window, and what people did about alerts (dismissals, crises).
    public func alertFacts(_ strategy: Strategy, _ query: AlertFactsQuery, now: Date) throws(StoreError) -> AlertFacts {
        try read { db in try Store.alertFacts(db, strategy, query, now: now) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`): the check before each publishing pass.
    public func alertFacts(_ strategy: Strategy, _ query: AlertFactsQuery, now: Date) async throws(StoreError) -> AlertFacts {
        try await read { db in try Store.alertFacts(db, strategy, query, now: now) }
    }

    static func alertFacts(_ db: Database, _ strategy: Strategy, _ query: AlertFactsQuery, now: Date) throws -> AlertFacts {
        var facts = AlertFacts()
        if let metric = query.metric {
            facts.readings = try Store.metricReadings(db, strategy, metrics: [metric], from: query.from, to: query.to, now: now)
        }
        if let window = query.inbox { facts.inboxFacts = try Store.inboxFacts(db, from: window.from, to: window.to) }
        for row in try Row.fetchAll(db, sql: "SELECT metric, MAX(reading_recorded_at) AS upTo FROM alert_dismissal GROUP BY metric") {
            facts.dismissedUpTo[row["metric"]] = row["upTo"]
        }
        if let row = try Row.fetchOne(db, sql: "SELECT MAX(opened_at) AS opened, COALESCE(MAX(status = 'open'), 0) AS open FROM crisis") {
            facts.lastCrisisOpenedAt = row["opened"]
            facts.crisisOpen = (row["open"] as Int64?) == 1
        }
        return facts
    }
}

/// What `Store.alertFacts` reads: the readings of `metric` over [`from`, `to`] (as `metricReadings` gives them), and
/// the inbox facts of items written in `inbox`.
public struct AlertFactsQuery: Sendable {
    public var metric: String?
    public var from, to: LocalDate?
    public var inbox: (from: Date, to: Date)?

    public init(metric: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil, inbox: (from: Date, to: Date)? = nil) {
        self.metric = metric; self.from = from; self.to = to; self.inbox = inbox
    }
}

/// What the crisis alert is worked out from (`Store.alertFacts`).
public struct AlertFacts: Sendable {
    public var readings: [MetricReading] = []
    public var inboxFacts: [InboxFact] = []
    /// Per metric, the latest reading whose alert a person dismissed (seconds since 1970).
    var dismissedUpTo: [String: Int64] = [:]
    /// When the latest crisis was opened (seconds since 1970), and whether one is open.
    var lastCrisisOpenedAt: Int64?
    var crisisOpen = false

    /// Whether a person handled readings up to this one: dismissed the alert of this or a later reading, or opened a
    /// crisis after it was recorded (or one is open).
    public func handled(metric: String, readingRecordedAt: Date) -> Bool {
        let r = Store.secs(readingRecordedAt)
        return crisisOpen || (dismissedUpTo[metric].map { $0 >= r } ?? false) || (lastCrisisOpenedAt.map { $0 >= r } ?? false)
    }
}
