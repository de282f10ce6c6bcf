import Foundation
import GRDB
import HeraldModel
import HeraldStore
import HeraldTestSupport
import Testing

@Suite struct MetricReadingTests {
    let t = Date(timeIntervalSince1970: 1_800_000_000)

    func reading(_ metric: String, _ date: String, _ value: Double, channel: String? = nil, source: ReadingSource = .manual) -> MetricReading {
        MetricReading(metric: metric, date: LocalDate(iso: date)!, value: value, channel: channel, recordedAt: t, source: source)
    }

    @Test func theMigrationIsAppendedUnderItsName() {
        #expect(Store.knownMigrations.firstIndex(of: "v2-metric-readings")! > Store.knownMigrations.firstIndex(of: "v1-strategy-and-posts")!)
    }

    @Test func recordingTheSameDayAgainReplaces() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("h.sqlite"))
        #expect(try store.record(reading("nps", "2027-02-01", 30)) == ReadingsWrite(inserted: 1, replaced: 0))
        #expect(try store.record(reading("nps", "2027-02-01", 36)) == ReadingsWrite(inserted: 0, replaced: 1))
        // Per channel and overall are different readings.
        #expect(try store.record(reading("nps", "2027-02-01", 40, channel: "facebook")) == ReadingsWrite(inserted: 1, replaced: 0))
        let all = try store.readings()
        #expect(all.map(\.value) == [36, 40])
        #expect(try store.readings(channel: "").map(\.value) == [36])
        #expect(try store.readings(channel: "facebook").map(\.value) == [40])
    }

    @Test func importIsOneTransactionAndIdempotent() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("h.sqlite"))
        let batch = [reading("reach", "2027-01-31", 13000, source: .import), reading("reach", "2027-02-28", 15000, source: .import),
                     reading("nps", "2027-01-31", 31, source: .import)]
        #expect(try store.importReadings(batch) == ReadingsWrite(inserted: 3, replaced: 0))
        #expect(try store.importReadings(batch) == ReadingsWrite(inserted: 0, replaced: 3))
        #expect(try store.readings().count == 3)
        // A bad reading in the middle: nothing of the batch is stored.
        #expect(throws: StoreError.self) {
            try store.importReadings([reading("reach", "2027-03-31", 17000), reading("", "2027-03-31", 1)])
        }
        #expect(throws: StoreError.self) { try store.importReadings([reading("reach", "2027-03-30", .nan)]) }
        #expect(try store.readings().count == 3)
        #expect(try store.readings(metrics: ["reach"], from: LocalDate(iso: "2027-02-01"), to: LocalDate(iso: "2027-03-31")).map(\.value) == [15000])
    }

    @Test func theSchemaRefusesBadRows() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("h.sqlite")
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        for sql in ["INSERT INTO metric_reading (metric, date, value, recorded_at, source) VALUES ('nps', '1 Feb', 1, 0, 'manual')",
                    "INSERT INTO metric_reading (metric, date, value, recorded_at, source) VALUES ('nps', '2027-02-01', 1, 0, 'guess')",
                    "INSERT INTO metric_reading (metric, date, value, recorded_at, source) VALUES ('nps', '2027-02-01', NULL, 0, 'manual')"] {
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: sql) } }
        }
    }
}
