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
            let at = now()
            let pause = Self.pause(now: at, nextAttempt: (try? publisher.store.nextAttempt(after: at)) ?? nil,
                                   nextPost: (try? publisher.store.nextDue(after: at, limit: 1))?.first?.scheduledAt, interval: interval)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// How long to sleep after a pass: `interval`, or less when a delivery is to be retried sooner (`nextAttempt`) or an
    /// approved post comes due sooner (`nextPost`, woken a second after its time); never less than a second.
    public static func pause(now: Date, nextAttempt: Date?, nextPost: Date?, interval: Duration) -> Duration {
        var seconds = Double(interval.components.seconds)
        if let nextAttempt { seconds = min(seconds, nextAttempt.timeIntervalSince(now)) }
        if let nextPost { seconds = min(seconds, nextPost.timeIntervalSince(now) + 1) }
        return .seconds(max(1, seconds))
    }
}
