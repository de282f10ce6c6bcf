import Foundation
import HeraldModel
import HeraldReports
import HeraldStore
import HeraldStrategy

extension Workspace {
    /// The strategy's metric with this id, or a refusal naming the known ones (with a did-you-mean).
    public func metric(_ id: String) throws(StoreError) -> Metric {
        if let m = strategy.metrics.first(where: { $0.id == id }) { return m }
        if let c = CrisisMetric.standard.first(where: { $0.id == id }) {
            // A metric every crisis tracks (complaints per day, negative mentions, response time, CSAT, NPS).
            return Metric(id: c.id, name: c.name, unit: c.unit, baseline: 0, target: 0, direction: c.direction,
                          deadline: LocalDate(year: 9999, month: 12, day: 31)!, measuredBy: "crisis tracking")
        }
        let known = strategy.metrics.map(\.id) + CrisisMetric.standard.map(\.id).filter { id in !strategy.metrics.contains { $0.id == id } }
        throw .refused("no metric '\(id)' in the strategy.\(Suggest.hint(for: id, in: known)) Known: \(known.isEmpty ? "none (add metrics under goals[].metrics)" : known.joined(separator: ", ")).")
    }

    /// Why a metric takes no recorded readings (it computes itself), or nil.
    public func computedRefusal(_ m: Metric) -> String? {
        guard m.source.isComputed else { return nil }
        return "\(m.id) computes itself from \(m.source.origin) (source: \(m.source.label)); there is nothing to record. `herald metrics list \(m.id)` shows its readings."
    }

    /// Readings of every metric (or these), recorded and computed (`Store.metricReadings`), optionally for one channel
    /// (`""` for the metric as a whole; computed readings are for the metric as a whole).
    public func readings(metrics ids: [String]? = nil, channel: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil,
                         now: Date) throws -> [MetricReading] {
        let list = try store.metricReadings(strategy, metrics: ids, from: from, to: to, now: now)
        guard let channel else { return list }
        return list.filter { channel.isEmpty ? $0.channel == nil : $0.channel == channel }
    }

    /// The report's listening section input: the period's items (and those written up to 31 days before, whose replies
    /// and deadlines may fall in it) and the 20 longest-overdue open items now.
    public func listeningInput(_ range: DateRange, now: Date) throws -> ListeningInput {
        let bounds = instants(range)
        let facts = try store.inboxFacts(from: bounds.from.addingTimeInterval(-Store.inboxMetricLookback), to: bounds.to)
        let overdue = try store.overdueInbox(now: now, limit: 20)
        return ListeningInput(facts: facts, overdue: overdue.items, overdueTotal: overdue.total, now: now)
    }

    /// Records one reading (replacing one for the same metric, day and channel). A computed metric is refused.
    @discardableResult
    public func recordReading(metric id: String, value: Double, date: LocalDate, channel: String?, now: Date) throws -> ReadingsWrite {
        let m = try metric(id)
        if let refusal = computedRefusal(m) { throw StoreError.refused(refusal) }
        if let problem = readingProblem(value: value, date: date, channel: channel, now: now) { throw StoreError.refused(problem) }
        return try store.record(MetricReading(metric: m.id, date: date, value: value, channel: channel, recordedAt: now, source: .manual))
    }

    /// The largest magnitude a reading may have: no count, rate, amount or score a brand measures comes near a trillion,
    /// and readings far beyond it overflow the projections.
    public static let largestReading = 1e12

    /// What is wrong with a reading's value, day or channel, or nil.
    func readingProblem(value: Double, date: LocalDate, channel: String?, now: Date) -> String? {
        if !value.isFinite { return "the value must be a number." }
        if abs(value) > Workspace.largestReading {
            return "\(String(format: "%g", value)) is not a plausible reading (at most a trillion either way); check the number and its unit."
        }
        if date > clock.localDate(now) { return "\(date) is in the future; record a value on or after the day it was measured." }
        if let channel, strategy.channel(channel) == nil {
            let known = strategy.channels.map(\.id)
            return "no channel '\(channel)' in the strategy.\(Suggest.hint(for: channel, in: known)) Known: \(known.joined(separator: ", "))."
        }
        return nil
    }

    /// Imports readings from CSV (`date,metric,value[,channel]`, columns in any order), all or nothing: every problem
    /// is listed as FILE:ROW:COLUMN and nothing is stored unless every row is valid. Importing the same file again
    /// replaces the readings with themselves.
    public func importReadings(csv text: String, file: String, now: Date, dryRun: Bool = false) throws -> (readings: [MetricReading], write: ReadingsWrite) {
        let records: [CSVRecord]
        do { records = try CSVReader.parse(text) } catch {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: error.row, column: "-", message: error.message)], rows: 0)
        }
        let expected = ["date", "metric", "value", "channel"]
        guard let header = records.first else {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: 1, column: "-", message: "the file is empty; the first row must be the header date,metric,value[,channel].")], rows: 0)
        }
        let names = header.fields.map { CSV.unguard($0).trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [ImportProblem] = []
        func fail(_ row: Int, _ column: String, _ message: String) { problems.append(ImportProblem(file: file, row: row, column: column, message: message)) }
        for n in names where !expected.contains(n) {
            fail(1, n.isEmpty ? "-" : n, "unknown column '\(n)'.\(Suggest.hint(for: n, in: expected)) The columns are date, metric, value and optionally channel.")
        }
        for n in ["date", "metric", "value"] where !names.contains(n) { fail(1, n, "no '\(n)' column; the header is date,metric,value[,channel].") }
        let rows = Array(records.dropFirst())
        guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: problems, rows: rows.count) }
        let col = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let known = strategy.metrics + CrisisMetric.standard.filter { c in !strategy.metrics.contains { $0.id == c.id } }.compactMap { try? metric($0.id) }
        var readings: [MetricReading] = []
        var seen: [String: Int] = [:]
        for r in rows {
            guard r.fields.count == names.count else {
                fail(r.row, "-", "\(r.fields.count) field\(r.fields.count == 1 ? "" : "s"), but the header has \(names.count).")
                continue
            }
            func cell(_ n: String) -> String? {
                guard let i = col[n] else { return nil }
                let v = CSV.unguard(r.fields[i]).trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            let before = problems.count
            let date = cell("date").flatMap(LocalDate.init(iso:))
            if date == nil { fail(r.row, "date", cell("date").map { "'\($0)' is not a date like 2027-02-01." } ?? "no date.") }
            var metric: Metric?
            if let id = cell("metric") {
                metric = known.first { $0.id == id }
                if let m = metric, let refusal = computedRefusal(m) { fail(r.row, "metric", refusal); metric = nil }
                else if metric == nil { fail(r.row, "metric", "no metric '\(id)' in the strategy.\(Suggest.hint(for: id, in: known.map(\.id))) Known: \(known.map(\.id).joined(separator: ", ")).") }
            } else {
                fail(r.row, "metric", "no metric.")
            }
            var value: Double?
            if var v = cell("value") {
                if v.hasSuffix("%"), metric?.unit == "%" { v = String(v.dropLast()).trimmingCharacters(in: .whitespaces) }
                value = Double(v).flatMap { $0.isFinite ? $0 : nil }
                if value == nil { fail(r.row, "value", "'\(v)' is not a number (write 36 or 2.5, with a point)." ) }
            } else {
                fail(r.row, "value", "no value.")
            }
            let channel = cell("channel")
            if let date, let value {
                if let p = readingProblem(value: value, date: date, channel: channel, now: now) {
                    fail(r.row, p.hasPrefix("no channel") ? "channel" : p.contains("plausible") ? "value" : "date", p)
                }
            }
            guard problems.count == before, let date, let metric, let value else { continue }
            let key = "\(metric.id)|\(date.iso)|\(channel ?? "")"
            if let first = seen[key] {
                fail(r.row, "date", "row \(first) already gives \(metric.id) on \(date)\(channel.map { " for \($0)" } ?? ""); keep one.")
                continue
            }
            seen[key] = r.row
            readings.append(MetricReading(metric: metric.id, date: date, value: value, channel: channel, recordedAt: now, source: .import))
        }
        guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: problems, rows: rows.count) }
        if dryRun { return (readings, ReadingsWrite(inserted: 0, replaced: 0)) }
        return (readings, try store.importReadings(readings))
    }
}
