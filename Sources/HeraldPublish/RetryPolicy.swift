import Foundation
import HeraldModel

/// When to try a delivery again: close to the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, …),
/// with ±10 % jitter that is fixed per delivery and attempt (so runs are reproducible), and never sooner than a
/// receiver's `Retry-After`.
public struct RetryPolicy: Sendable {
    /// Delay after the first, second, … failed attempt; the last one repeats.
    public var schedule: [TimeInterval]
    /// Fraction of the delay added or taken away at random.
    public var jitter: Double

    public static let standard = RetryPolicy(schedule: [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600], jitter: 0.1)

    public init(schedule: [TimeInterval], jitter: Double) {
        self.schedule = schedule
        self.jitter = jitter
    }

    /// The delay after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, delivery: String, retryAfter: TimeInterval? = nil) -> TimeInterval {
        let base = schedule[min(max(attempt, 1), schedule.count) - 1]
        let unit = Double(StableHash.value("\(delivery)|\(attempt)") % 10_000) / 10_000  // 0..<1, stable
        let jittered = base * (1 + jitter * (unit * 2 - 1))
        return max(jittered, retryAfter ?? 0)
    }

    /// Parses a `Retry-After` header: seconds, or an HTTP date.
    public static func retryAfter(_ header: String?, now: Date) -> TimeInterval? {
        guard let h = header?.trimmingCharacters(in: .whitespaces), !h.isEmpty else { return nil }
        if let s = Double(h), s >= 0 { return s }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let d = f.date(from: h) else { return nil }
        return max(0, d.timeIntervalSince(now))
    }
}
