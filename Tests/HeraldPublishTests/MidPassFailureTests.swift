import Foundation
import GRDB
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldStrategy
import HeraldTestSupport
import Logging
import Testing

/// A pass commits each batch's results together with the next batch's claim, while the batch in between is being sent.
/// When that commit fails (another process holds the database), the pass waits for the batch in flight, tries to
/// record what it knows, and stops: nothing is lost, and what went out without being recorded goes out again under the
/// same `webhook-id` once its lease runs out.
@Suite(.serialized) struct MidPassFailureTests {
    @Test func aDatabaseHeldInTheMiddleOfAPassLosesNothing() async throws {
        let dir = TemporaryDirectory("herald-midpass")
        let receiver = try Receiver(dir)
        let f = try PublishFixture(hooksYAML: webhookYAML("social", receiver.url), channelHooks: ["social"])
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60), t0.addingTimeInterval(120)])
        let strategy = try StrategyLoader.load(file: f.dir.file("strategy.yaml")).strategy
        let hooks = try ResolvedHook.resolve(strategy, environment: f.environment, baseDirectory: f.dir.path)
        let caller = HookCaller(environment: f.environment, concurrency: 4)
        var settings = PublisherSettings(owner: "test:1:abc")
        settings.batchSize = 1
        var quiet = Logger(label: "test")
        quiet.logLevel = .error
        // The store gives up on a held database after 0.2 s rather than the usual 5.
        var publisher = Publisher(store: try Store(path: f.dbPath, busyTimeout: 0.2), strategy: strategy, hooks: hooks, caller: caller,
                                  settings: settings, environment: f.environment, logger: quiet, link: { _ in nil })
        // Once the second batch is claimed, another process takes the write lock: the commit of the first batch's result
        // with the third batch's claim fails while the second batch is being sent.
        var config = Configuration()
        config.allowsUnsafeTransactions = true  // the lock is held across several accesses
        let holder = try DatabaseQueue(path: f.dbPath, configuration: config)
        publisher.batchClaimed = { n in
            if n == 2 { try? holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") } }
        }
        let now = t0.addingTimeInterval(150)
        let first = publisher
        await #expect(throws: StoreError.self) { _ = try await first.runOnce(now: { now }) }
        try await holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }

        // Both batches sent were waited for (the receiver has them); neither result could be recorded, so both stay
        // claimed under their lease; the third post was never claimed.
        #expect(receiver.requests.count == 2)
        let store = try f.store()
        let byPost = Dictionary(uniqueKeysWithValues: try store.deliveries().map { ($0.post, $0) })
        #expect(byPost["p-0"]?.state == .publishing && byPost["p-1"]?.state == .publishing, "\(byPost)")
        #expect(byPost["p-2"]?.state == .scheduled, "\(byPost)")
        #expect(try store.posts().allSatisfy { $0.status == .approved })

        // Once the lease has run out, the next pass takes the two back and sends all three: a receiver that drops
        // repeats by webhook-id sees each post once.
        let later = now.addingTimeInterval(3600)
        publisher.batchClaimed = { _ in }
        let report = try await publisher.runOnce(now: { later })
        await caller.shutdown()
        #expect(report.counts.rescued == 2)
        #expect(report.counts.published == 3)
        let requests = receiver.requests
        #expect(requests.count == 5)
        #expect(receiver.effects.count == 3)
        #expect(requests.allSatisfy(signatureIsValid))
        #expect(try store.posts().allSatisfy { $0.status == .published })
        for d in try store.deliveries() {
            let attempts = try store.attempts(delivery: d.id)
            #expect(attempts.map(\.outcome) == (d.post == "p-2" ? [.published] : [.interrupted, .published]), "\(d.post): \(attempts)")
        }
        #expect(try store.integrityCheck() == "ok")
    }
}
