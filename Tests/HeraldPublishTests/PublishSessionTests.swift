import Foundation
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldTestSupport
import HeraldWorkspace
import Synchronization
import Testing

/// The publishing session driven directly, as `herald publish` and `herald run` drive it (their own tests run the
/// binary): one pass, its bookkeeping, the idle tick after it, and a second publisher finding the lock taken.
@Suite struct PublishSessionTests {
    /// What the session said.
    final class Notices: Sendable {
        let said = Mutex<[String]>([])
        var all: [String] { said.withLock { $0 } }
    }

    func session(_ f: PublishFixture, start: Date) throws -> (PublishSession, Notices) {
        let ws = Workspace(loaded: try Workspace.loadStrategy(file: f.dir.file("strategy.yaml")), store: try f.store())
        let notices = Notices()
        let session = PublishSession(workspace: ws, environment: f.environment, settings: PublisherSettings(), start: start) { n in
            notices.said.withLock { $0.append("\(n)") }
        }
        return (session, notices)
    }

    @Test func onePassPublishesRecordsItAndLetsTheNextTickIdle() async throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        let (session, notices) = try session(f, start: t0.addingTimeInterval(60))
        guard case .done(let report) = try await session.publishOnce(wait: false) else {
            Issue.record("the lock was free, yet the pass did not run")
            return
        }
        #expect(report.counts.published == 1 && report.exitCode == 0)
        #expect(try f.deliveries().map(\.state) == [.published])
        let run = try #require(try f.store().lastRuns(1).first)
        #expect(run.mode == "publish" && run.counts.published == 1 && run.exitCode == 0)
        #expect(try f.store().latestSnapshotHash() == session.workspace.loaded.contentHash)
        #expect(notices.all.isEmpty)
        // Nothing is due any more and the strategy is the one the pass worked from: the next tick only records itself.
        let idle = try PublishSession.idleTick(strategyFile: f.dir.file("strategy.yaml"), databaseFile: f.dbPath, openStore: f.store,
                                               now: t0.addingTimeInterval(120), wait: false)
        guard case .recorded = idle else {
            Issue.record("expected an idle tick, got \(idle)")
            return
        }
        #expect(try f.store().lastRuns(2).count == 2)
    }

    @Test func aSecondPublisherFindsTheLockTakenAndClaimsNothing() async throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        let (session, _) = try session(f, start: t0.addingTimeInterval(60))
        let held = try #require(try FileLock(path: session.workspace.publishLockPath, wait: false))
        guard case .busy(let database) = try await session.publishOnce(wait: false) else {
            Issue.record("another publisher holds the lock, yet the pass ran")
            return
        }
        #expect(database == f.dbPath)
        #expect(try f.deliveries().isEmpty)
        #expect(try f.store().lastRuns(1).isEmpty)
        withExtendedLifetime(held) {}
    }
}
