import Foundation
import HeraldModel
import HeraldStore
import Logging
import ServiceLifecycle

/// `herald run`: the publisher as a long-running service. Each pass takes the per-database lock, so cron runs and
/// the service never publish at once; on SIGTERM or SIGINT it stops claiming, lets in-flight deliveries finish,
/// and returns.
public struct PublisherService: Service {
    /// How long to sleep between passes when nothing is due sooner.
    public static let defaultInterval: Duration = .seconds(30)

    public let publisher: Publisher
    public let lockPath: String
    public let interval: Duration
    public let now: @Sendable () -> Date
    /// Asked before every pass whether contest and discount posts are held this pass (a crisis alert nobody has
    /// handled yet): an alert can be raised, dismissed or handled while the service runs.
    public let holdsPromotional: @Sendable () -> Bool
    /// Called after every pass (for printing).
    public let onPass: @Sendable (PassReport) -> Void

    public init(publisher: Publisher, lockPath: String, interval: Duration = PublisherService.defaultInterval,
                now: @escaping @Sendable () -> Date, holdsPromotional: @escaping @Sendable () -> Bool = { false },
                onPass: @escaping @Sendable (PassReport) -> Void) {
        self.publisher = publisher; self.lockPath = lockPath; self.interval = interval; self.now = now
        self.holdsPromotional = holdsPromotional; self.onPass = onPass
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let lock = try FileLock(path: lockPath, wait: false) {
                var publisher = self.publisher
                publisher.settings.holdPromotional = holdsPromotional()
                let report = try await publisher.runOnce(now: now, shouldStop: { Task.isShuttingDownGracefully })
                withExtendedLifetime(lock) {}
                onPass(report)
            }
            // Wake early when the next delivery is due sooner than the interval.
            var wait = interval
            if let next = try? publisher.store.deliveries(states: DeliveryState.claimable, limit: 1).first?.nextAttemptAt {
                let seconds = max(1, min(next.timeIntervalSince(now()), Double(interval.components.seconds)))
                wait = .seconds(seconds)
            }
            if let due = try? publisher.store.nextDue(after: now(), limit: 1).first?.scheduledAt {
                let seconds = max(1, min(due.timeIntervalSince(now()) + 1, Double(wait.components.seconds)))
                wait = .seconds(seconds)
            }
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
