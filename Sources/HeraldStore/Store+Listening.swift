import Foundation
import GRDB
import HeraldModel
import HeraldResults

/// What queueing inbox notifications did.
public struct InboxNotices: Sendable, Equatable {
    /// Items that went past their deadline (`inbox.overdue`): the first `InboxNotices.idsKept` by deadline.
    public var overdue: [String] = []
    /// New high-priority complaints (`inbox.urgent`): the first `InboxNotices.idsKept`.
    public var urgent: [String] = []
    /// How many of each, all of them (an import of a million overdue items keeps counts, not a million ids).
    public var overdueCount = 0
    public var urgentCount = 0
    public static let idsKept = 10_000

    public init(overdue: [String] = [], urgent: [String] = []) {
        self.overdue = overdue; self.urgent = urgent
        overdueCount = overdue.count; urgentCount = urgent.count
    }

    mutating func noteOverdue(_ id: String) {
        if overdue.count < Self.idsKept { overdue.append(id) }
        overdueCount += 1
    }

    mutating func noteUrgent(_ id: String) {
        if urgent.count < Self.idsKept { urgent.append(id) }
        urgentCount += 1
    }
}

extension Store {
    /// A reply or a deadline counts on its day when the item was written at most this long before it.
    public static let inboxMetricLookback: TimeInterval = 31 * 86_400

    /// The metric facts of items written in [from, to) (all items when nil), without their text.
    public func inboxFacts(from: Date?, to: Date?) throws(StoreError) -> [InboxFact] {
        try read { db in try Store.inboxFacts(db, from: from, to: to) }
    }

    static func inboxFacts(_ db: Database, from: Date?, to: Date?) throws -> [InboxFact] {
        var sql = """
            SELECT id, channel, created_at, deadline, first_reply_at, status, close_reason,
                   labels ->> '$.sentiment' AS sentiment, labels ->> '$.intent' AS intent, labels ->> '$.topic' AS topic,
                   labels ->> '$.spam' AS spam
            FROM inbox_item WHERE 1
            """
        var args: [any DatabaseValueConvertible] = []
        if let from { sql += " AND created_at >= ?"; args.append(Store.secs(from)) }
        if let to { sql += " AND created_at < ?"; args.append(Store.secs(to)) }
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
            InboxFact(id: r["id"], channel: r["channel"], createdAt: Store.date(r["created_at"]),
                      deadline: (r["deadline"] as Int64?).map(Store.date), firstReplyAt: (r["first_reply_at"] as Int64?).map(Store.date),
                      status: InboxStatus(rawValue: r["status"]) ?? .new,
                      sentiment: (r["sentiment"] as String?).flatMap(Sentiment.init(rawValue:)),
                      intent: (r["intent"] as String?).flatMap(Intent.init(rawValue:)), topic: r["topic"],
                      spam: (r["spam"] as Int?) == 1 || (r["close_reason"] as String?) == InboxCloseReason.spam.rawValue)
        }
    }

    /// The first day an item was written, in the zone; nil for an empty inbox.
    public func firstInboxDay(clock: ZoneClock) throws(StoreError) -> LocalDate? {
        try read { db in try Store.firstInboxDay(db, clock: clock) }
    }

    static func firstInboxDay(_ db: Database, clock: ZoneClock) throws -> LocalDate? {
        try Int64.fetchOne(db, sql: "SELECT MIN(created_at) FROM inbox_item").map { clock.localDate(Store.date($0)) }
    }

    /// Readings of the strategy's metrics, as `readings(…)` returns them: recorded ones from the readings table, and
    /// those with a computed source: `source: inbox.…` computed from the inbox, day by day up to `now`; `source: posts.…`
    /// from the published posts' latest results, one per ended period (`PostMetrics.readings`). Both as readings of
    /// the metric as a whole (`channel` nil, `source` `.computed`). Readings stored for a computed metric (before it
    /// said so) are left out: the computed ones are its readings.
    public func metricReadings(_ strategy: Strategy, metrics ids: [String]? = nil, from: LocalDate? = nil, to: LocalDate? = nil,
                               now: Date) throws(StoreError) -> [MetricReading] {
        try read { db in try Store.metricReadings(db, strategy, metrics: ids, from: from, to: to, now: now) }
    }

    /// `metricReadings` in the caller's transaction (one snapshot of the readings and the inbox).
    static func metricReadings(_ db: Database, _ strategy: Strategy, metrics ids: [String]?, from: LocalDate?, to: LocalDate?,
                               now: Date) throws -> [MetricReading] {
        let clock = ZoneClock.orUTC(strategy.timeZone)
        let wanted = strategy.metrics.filter { ids?.contains($0.id) ?? true }
        let computed = wanted.filter(\.source.isComputed)
        let computedIDs = Set(computed.map(\.id))
        let recordedIDs = ids?.filter { !computedIDs.contains($0) }
        var out = recordedIDs?.isEmpty == true ? []
            : try Store.readings(db, metrics: recordedIDs, channel: nil, from: from, to: to).filter { !computedIDs.contains($0.metric) }
        guard !computed.isEmpty else { return out }
        let midnight = LocalTime(hour: 0, minute: 0)!
        // Computed from the published posts' results: one reading per ended period, dated on its last day.
        let fromPosts = computed.filter { if case .posts = $0.source { true } else { false } }
        if !fromPosts.isEmpty {
            let facts = try Store.postFacts(db)
            for m in fromPosts {
                guard case .posts(let source) = m.source else { continue }
                for (date, value) in PostMetrics.readings(source, facts: facts, clock: clock, from: from, to: to, now: now) {
                    out.append(MetricReading(metric: m.id, date: date, value: value, recordedAt: clock.instant(date, midnight), source: .computed))
                }
            }
        }
        let fromInbox = computed.filter { if case .inbox = $0.source { true } else { false } }
        var start = from
        if start == nil, !fromInbox.isEmpty { start = try Store.firstInboxDay(db, clock: clock) }
        guard let start, !fromInbox.isEmpty else {
            return out.sorted { ($0.date, $0.metric, $0.channel ?? "") < ($1.date, $1.metric, $1.channel ?? "") }
        }
        let end = to ?? clock.localDate(now)
        let facts = try Store.inboxFacts(db, from: clock.instant(start, midnight).addingTimeInterval(-Store.inboxMetricLookback),
                                         to: clock.instant(end.adding(days: 1), midnight))
        for m in fromInbox {
            guard case .inbox(let measure, let filter) = m.source else { continue }
            for (date, value) in InboxMetrics.daily(measure, filter: filter, facts: facts, days: DateRange(start: start, end: end),
                                                    unit: m.unit, clock: clock, now: now) {
                out.append(MetricReading(metric: m.id, date: date, value: value, recordedAt: clock.instant(date, midnight), source: .computed))
            }
        }
        return out.sorted { ($0.date, $0.metric, $0.channel ?? "") < ($1.date, $1.metric, $1.channel ?? "") }
    }

    // MARK: Notifications

    /// Queues `inbox.overdue` for open items past their deadline and `inbox.urgent` for open high-priority complaints
    /// received in the last day (`InboxRouter.isUrgent`), each at most once per item: the item is marked in the same
    /// transaction as its notification is queued (and the notification table holds one per event and item). The notify
    /// hook sends them after the pass, as it sends post events. Without a notify hook (`notify: false`) the items are
    /// marked all the same, so setting one up later does not announce what went overdue before.
    /// `page`: how many items are read at a time (memory), `noticePage` unless a test says.
    @discardableResult
    public func queueInboxNotifications(_ strategy: Strategy, now: Date, notify: Bool = true, page: Int = Store.noticePage) throws(StoreError) -> InboxNotices {
        let router = InboxRouter(strategy: strategy)
        return try write { db in try Store.queueInboxNotifications(db, router, now: now, notify: notify, page: max(1, page)) }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    @discardableResult
    public func queueInboxNotifications(_ strategy: Strategy, now: Date, notify: Bool = true) async throws(StoreError) -> InboxNotices {
        let router = InboxRouter(strategy: strategy)
        return try await write { db in try Store.queueInboxNotifications(db, router, now: now, notify: notify) }
    }

    /// Overdue items read per page by the notices pass.
    public static let noticePage = 10_000

    /// The statements of both, in the caller's transaction.
    /// `page`: items read at a time (a test makes it small).
    static func queueInboxNotifications(_ db: Database, _ router: InboxRouter, now: Date, notify: Bool, page size: Int = noticePage) throws -> InboxNotices {
        let clock = router.clock
        var done = InboxNotices()
        let nowS = Store.secs(now)
        // Only the columns the notice needs (no item decoded), a page at a time in deadline order (memory stays flat
        // however many items went overdue); each page is marked by one statement with the same condition up to its last
        // item, which takes it out of the index the next page is read from.
        let overdueSQL = "WHERE status IN ('new', 'assigned', 'replying') AND overdue_notified_at IS NULL AND deadline < ?"
        let page = try db.cachedStatement(sql: "SELECT id, deadline, owner FROM inbox_item \(overdueSQL) ORDER BY deadline, id LIMIT \(size)")
        let mark = try db.cachedStatement(sql: "UPDATE inbox_item SET overdue_notified_at = ? \(overdueSQL) AND (deadline, id) <= (?, ?)")
        let insertNotice = notify ? try db.cachedStatement(sql: "INSERT OR IGNORE INTO notification (event, item_id, detail, created_at) VALUES ('inbox.overdue', ?, ?, ?)") : nil
        while true {
            var last: (Int64, String)?
            let rows = try Row.fetchCursor(page, arguments: [nowS])
            var pending: [(String, Int64?, String?)] = []
            pending.reserveCapacity(min(size, 1_024))
            while let r = try rows.next() { pending.append((r[0], r[1], r[2])) }
            for (id, deadlineS, owner) in pending {
                let deadline = deadlineS.map { Date(timeIntervalSince1970: TimeInterval($0)) }
                if let insertNotice {
                    let late = Int((now.timeIntervalSince(deadline ?? now) / 60).rounded(.down))
                    let detail = "due \(deadline.map(clock.isoLocal) ?? "?"), \(late) min overdue, " + (owner.map { "owner \($0)" } ?? "nobody has it")
                    try insertNotice.execute(arguments: [id, detail, nowS])
                }
                done.noteOverdue(id)
                if let deadlineS { last = (deadlineS, id) }
            }
            guard let last else { break }
            try mark.execute(arguments: [nowS, nowS, last.0, last.1])
            if pending.count < size { break }
        }
        // Urgent means a complaint from an account with `largeAccountFollowers` or more (`isUrgent` checks the rest); read a
        // page at a time too, after the last item of the page before.
        let urgentPage = try db.cachedStatement(sql: """
            SELECT * FROM inbox_item WHERE received_at >= ? AND urgent_notified_at IS NULL AND status IN ('new', 'assigned')
              AND labels ->> '$.intent' = 'complaint' AND author_followers >= ? AND (received_at, id) > (?, ?)
            ORDER BY received_at, id LIMIT \(size)
            """)
        let insertUrgent = notify ? try db.cachedStatement(sql: "INSERT OR IGNORE INTO notification (event, item_id, detail, created_at) VALUES ('inbox.urgent', ?, ?, ?)") : nil
        let markUrgent = try db.cachedStatement(sql: "UPDATE inbox_item SET urgent_notified_at = ? WHERE id = ?")
        var after: (Int64, String) = (Int64.min, "")
        while true {
            let recent = try InboxItemRecord.fetchAll(urgentPage, arguments: [nowS - 86_400, InboxRouter.largeAccountFollowers, after.0, after.1])
            for r in recent {
                let item = r.item
                guard router.isUrgent(item) else { continue }
                let detail = "complaint from \(item.authorHandle) (\(item.authorFollowers ?? 0) followers) on \(item.channel), "
                    + (item.owner.map { "owner \($0)" } ?? "nobody has it") + (item.deadline.map { ", due \(clock.isoLocal($0))" } ?? "")
                try insertUrgent?.execute(arguments: [item.id, detail, nowS])
                try markUrgent.execute(arguments: [nowS, item.id])
                done.noteUrgent(item.id)
            }
            guard let last = recent.last, recent.count == size else { break }
            after = (Int64(last.received_at), last.id)
        }
        return done
    }

    /// Open items past their deadline, the longest overdue first.
    public func overdueInbox(now: Date, limit: Int) throws(StoreError) -> (items: [InboxItem], total: Int) {
        try read { db in
            let nowS = Store.secs(now)
            let items = try InboxItemRecord.fetchAll(db, sql: """
                SELECT * FROM inbox_item WHERE status IN ('new', 'assigned', 'replying') AND deadline < ? ORDER BY deadline, id LIMIT ?
                """, arguments: [nowS, limit]).map(\.item)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_item WHERE status IN ('new', 'assigned') AND deadline < ?",
                                         arguments: [nowS]) ?? 0
            return (items, total)
        }
    }
}
