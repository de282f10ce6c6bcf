import Foundation
import GRDB
import HeraldModel

/// A row of `metric_reading`.
struct MetricReadingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "metric_reading"
    var id: Int64?
    var metric: String
    var date: String
    var value: Double
    var channel: String?
    var recorded_at: Int64
    var source: String

    init(_ r: MetricReading) {
        id = nil; metric = r.metric; date = r.date.iso; value = r.value; channel = r.channel
        recorded_at = Int64(r.recordedAt.timeIntervalSince1970); source = r.source.rawValue
    }

    var reading: MetricReading {
        MetricReading(metric: metric, date: LocalDate(iso: date) ?? LocalDate(daysSinceEpoch: 0), value: value, channel: channel,
                      recordedAt: Date(timeIntervalSince1970: TimeInterval(recorded_at)), source: ReadingSource(rawValue: source) ?? .manual)
    }
}

/// What storing readings did.
public struct ReadingsWrite: Sendable, Equatable {
    /// Readings for a metric, day and channel that had none.
    public var inserted: Int
    /// Readings that replaced an earlier value for the same metric, day and channel.
    public var replaced: Int

    public init(inserted: Int, replaced: Int) { self.inserted = inserted; self.replaced = replaced }
}

extension Store {
    /// Stores one reading; a reading for the same metric, day and channel is replaced.
    @discardableResult
    public func record(_ reading: MetricReading) throws(StoreError) -> ReadingsWrite {
        try importReadings([reading])
    }

    /// Stores many readings in one transaction (all or none); each replaces an earlier reading for the same metric,
    /// day and channel, so importing a results file again changes nothing.
    @discardableResult
    public func importReadings(_ readings: [MetricReading]) throws(StoreError) -> ReadingsWrite {
        guard readings.allSatisfy({ $0.value.isFinite }) else { throw .refused("a reading must be a finite number.") }
        return try write { db in
            var w = ReadingsWrite(inserted: 0, replaced: 0)
            for r in readings {
                let existing = try Int64.fetchOne(db, sql: """
                    SELECT id FROM metric_reading WHERE metric = ? AND date = ? AND IFNULL(channel, '') = IFNULL(?, '')
                    """, arguments: [r.metric, r.date.iso, r.channel])
                if existing != nil { w.replaced += 1 } else { w.inserted += 1 }
                try db.execute(sql: """
                    INSERT INTO metric_reading (metric, date, value, channel, recorded_at, source) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (metric, date, IFNULL(channel, '')) DO UPDATE SET
                      value = excluded.value, recorded_at = excluded.recorded_at, source = excluded.source
                    """, arguments: [r.metric, r.date.iso, r.value, r.channel, Int64(r.recordedAt.timeIntervalSince1970), r.source.rawValue])
            }
            return w
        }
    }

    /// Readings by date (then metric and channel, the whole metric first), optionally for some metrics, one channel
    /// (`""` for the metric as a whole) and a range of days.
    public func readings(metrics: [String]? = nil, channel: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil) throws(StoreError) -> [MetricReading] {
        try read { db in try Store.readings(db, metrics: metrics, channel: channel, from: from, to: to) }
    }

    static func readings(_ db: Database, metrics: [String]?, channel: String?, from: LocalDate?, to: LocalDate?) throws -> [MetricReading] {
        var r = MetricReadingRecord.all()
        if let metrics { r = r.filter(metrics.contains(Column("metric"))) }
        if let channel { r = channel.isEmpty ? r.filter(Column("channel") == nil) : r.filter(Column("channel") == channel) }
        if let from { r = r.filter(Column("date") >= from.iso) }
        if let to { r = r.filter(Column("date") <= to.iso) }
        return try r.order(Column("date"), Column("metric"), SQL("IFNULL(channel, '')")).fetchAll(db).map(\.reading)
    }
}
