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
                "\(m.name) \(m.baseline.map { "from \(formatValue($0)) (\(m.baselineDate?.iso ?? ""))" } ?? "(no baseline yet)")"
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

func formatValue(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.2f", v)
}
