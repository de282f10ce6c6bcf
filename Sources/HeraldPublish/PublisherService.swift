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
    /// Asked before every pass for the publisher to run it with, when given: things change while a service runs (the
    /// strategy file is edited, a crisis alert is raised or handled). `publisher` is used when nil.
    public let publisherForPass: (@Sendable () async -> Publisher)?
    /// Called after every pass (for recording and printing it).
    public let onPass: @Sendable (PassReport) async -> Void
    /// Called when a pass failed on the database (busy, or an I/O error); the service goes on with the next pass.
    public let onFailure: @Sendable (StoreError) -> Void

    public init(publisher: Publisher, lockPath: String, interval: Duration = PublisherService.defaultInterval,
                now: @escaping @Sendable () -> Date, publisherForPass: (@Sendable () async -> Publisher)? = nil,
                onFailure: @escaping @Sendable (StoreError) -> Void = { _ in },
                onPass: @escaping @Sendable (PassReport) async -> Void) {
        self.publisher = publisher; self.lockPath = lockPath; self.interval = interval; self.now = now
        self.publisherForPass = publisherForPass; self.onFailure = onFailure; self.onPass = onPass
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Deliveries due before the pass began were there for it to claim; the ones it left are held (promotion in
            // a crisis alert, a disabled hook), so the next wake-up is for what falls due after that.
            let began = now()
            if let lock = try FileLock(path: lockPath, wait: false) {
                let publisher = await publisherForPass?() ?? self.publisher
                do {
                    let report = try await publisher.runOnce(now: now, shouldStop: { Task.isShuttingDownGracefully })
                    withExtendedLifetime(lock) {}
                    await onPass(report)
                } catch let error as StoreError where error.exitCode == 75 || error.exitCode == 74 {
                    // The database was busy past the timeout or failed to read or write: what cron's publish exits 75
                    // or 74 for, to be run again a minute later. The service reports it and tries again; whatever
                    // the pass had claimed is taken back when its lease runs out, as after a crash.
                    withExtendedLifetime(lock) {}
                    onFailure(error)
                }
            }
            let at = now()
            let nextAttempt = (try? await publisher.store.nextAttempt(after: began)) ?? nil
            let nextPost = (try? await publisher.store.nextDue(after: at, limit: 1))?.first?.scheduledAt
            let pause = Self.pause(now: at, nextAttempt: nextAttempt, nextPost: nextPost, interval: interval)
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
