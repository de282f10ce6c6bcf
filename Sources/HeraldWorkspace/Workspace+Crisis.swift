import Foundation
import HeraldCrisis
import HeraldModel
import HeraldReports
import HeraldStore

extension Workspace {
    /// Crisis mode over this workspace's strategy, database, templates and calendars.
    public func crisisDesk() throws -> CrisisDesk {
        let ws = self
        return CrisisDesk(strategy: strategy, store: store, templates: try templateSet()) { range in try ws.calendarDays(range) }
    }

    /// The crises that touch a period, for the management report.
    public func crisisSummaries(_ range: DateRange) throws -> [ManagementReport.CrisisSummary] {
        let (from, to) = instants(range)
        return try store.crises().filter { $0.openedAt < to && ($0.closedAt ?? .distantFuture) >= from }.map { c in
            let checks = try store.crisisChecks(c.id)
            let paused = try store.pausedPosts(c.id)
            let metrics = try store.crisisMetrics(c.id).map { m in
                "\(m.name) \(m.baseline.map { "from \(formatNumber($0)) (\(m.baselineDate?.iso ?? ""))" } ?? "(no baseline yet)")"
            }
            let notes = ["\(c.severity.rawValue) severity on \(c.channels.joined(separator: ", "))",
                         "\(paused.count) post\(paused.count == 1 ? "" : "s") paused",
                         "checklist \(checks.filter { $0.doneAt != nil }.count)/\(checks.count) done",
                         c.summary.map { "what changed: \($0)" }, metrics.isEmpty ? nil : "tracked: " + metrics.joined(separator: "; ")]
                .compactMap { $0 }.joined(separator: "; ")
            return ManagementReport.CrisisSummary(id: c.id, title: c.title, opened: clock.isoLocal(c.openedAt),
                                                  closed: c.closedAt.map(clock.isoLocal), status: c.status.rawValue, notes: notes)
        }
    }
}


/// One crisis as `herald crisis status` and `show` print it: what was paused, what was said and is next, the checklist,
/// and each tracked metric with its latest reading.
public struct CrisisRecord: Sendable {
    public var crisis: Crisis
    public var paused: [PausedPost]
    /// The crisis's own posts (responses and updates), in time order.
    public var posts: [Post]
    public var checks: [CrisisCheck]
    /// Each tracked metric with its latest brand-wide reading.
    public var metrics: [(metric: CrisisMetric, latest: MetricReading?)]
}

extension Workspace {
    /// The crisis that is open, if one is.
    public func openCrisis() throws(StoreError) -> Crisis? { try store.openCrisis() }

    /// Every crisis recorded, oldest first.
    public func crises() throws(StoreError) -> [Crisis] { try store.crises() }

    /// One crisis by id.
    public func crisis(_ id: String) throws(StoreError) -> Crisis { try store.crisis(id) }

    /// Everything done in a crisis, in order.
    public func crisisEvents(_ id: String) throws(StoreError) -> [CrisisEvent] { try store.crisisEvents(id) }

    /// A crisis with its paused posts, its own posts, its checklist and its metrics.
    public func crisisRecord(_ c: Crisis, now: Date) throws(StoreError) -> CrisisRecord {
        let readings = try store.metricReadings(strategy, metrics: CrisisMetric.standard.map(\.id), now: now).filter { $0.channel == nil }
        let metrics = try store.crisisMetrics(c.id).map { m in
            (metric: m, latest: readings.filter { $0.metric == m.id }.max { ($0.date, $0.recordedAt) < ($1.date, $1.recordedAt) })
        }
        return CrisisRecord(crisis: c, paused: try store.pausedPosts(c.id),
                            posts: try store.posts(PostQuery(kinds: nil)).filter { $0.crisis == c.id },
                            checks: try store.crisisChecks(c.id), metrics: metrics)
    }
}
