import Foundation

/// The state of one delivery of one post to one hook. Declared once; each case says who moves deliveries in and out.
public enum DeliveryState: String, CaseIterable, Sendable, Codable {
    /// Created by the queue refresh (`publish`, `queue refresh`) for an approved post whose time has come; the
    /// publisher claims it.
    case scheduled
    /// Claimed by one publisher, which holds a lease until `lease_expires_at`; the publisher finishes it, or the
    /// rescuer takes it back when the lease runs out (the process died).
    case publishing
    /// The hook accepted it. Final.
    case published
    /// An attempt failed in a way worth retrying; the publisher claims it again at `next_attempt_at`.
    case retrying
    /// Attempts ran out or the hook refused it for good (e.g. HTTP 400). A person may `queue retry` it.
    case failed
    /// The process died mid-call on a hook that cannot drop repeats: it may or may not have gone out. A person
    /// checks and then runs `queue mark-published` or `queue retry`.
    case unknown
    /// Withdrawn: by a person (`queue cancel`), or because the post changed, was cancelled or paused. Final.
    case cancelled
    /// Too late to be worth posting (later than the channel's `max_lateness` after its time). Final unless retried.
    case expired

    /// States a publisher may claim.
    public static let claimable: [DeliveryState] = [.scheduled, .retrying]

    /// States that need a person.
    public static let needsPerson: [DeliveryState] = [.failed, .unknown, .expired]

    public var isFinal: Bool { self == .published || self == .cancelled }
}

/// One delivery: a post (at one revision) handed to one hook. Its id is also the idempotency key.
public struct Delivery: Sendable, Hashable, Identifiable {
    public var id: String
    public var post: String
    public var hook: String
    /// The post's revision this delivery carries; a newer revision voids it.
    public var revision: Int
    public var state: DeliveryState
    /// The post's scheduled time.
    public var dueAt: Date
    /// When it may be claimed next.
    public var nextAttemptAt: Date
    public var attempts: Int
    public var maxAttempts: Int
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var remoteURL: String?
    public var remoteID: String?
    public var publishedAt: Date?

    public init(id: String, post: String, hook: String, revision: Int, state: DeliveryState, dueAt: Date, nextAttemptAt: Date,
                attempts: Int = 0, maxAttempts: Int, leaseOwner: String? = nil, leaseExpiresAt: Date? = nil,
                lastError: String? = nil, remoteURL: String? = nil, remoteID: String? = nil, publishedAt: Date? = nil) {
        self.id = id; self.post = post; self.hook = hook; self.revision = revision; self.state = state
        self.dueAt = dueAt; self.nextAttemptAt = nextAttemptAt; self.attempts = attempts; self.maxAttempts = maxAttempts
        self.leaseOwner = leaseOwner; self.leaseExpiresAt = leaseExpiresAt; self.lastError = lastError
        self.remoteURL = remoteURL; self.remoteID = remoteID; self.publishedAt = publishedAt
    }

    /// The stable id for a post's revision and a hook: `dlv_` and 24 hex digits.
    public static func makeID(post: String, hook: String, revision: Int) -> String {
        "dlv_" + StableHash.hex("\(post)|\(hook)|\(revision)") + StableHash.hex("\(hook)|\(revision)|\(post)", length: 8)
    }
}

/// How one attempt ended.
public enum AttemptOutcome: String, CaseIterable, Sendable, Codable {
    case published, retry, failed, unknown, interrupted, expired
}

/// One call to a hook, as recorded.
public struct Attempt: Sendable, Hashable {
    public var delivery: String
    public var number: Int
    public var hook: String
    public var startedAt: Date
    public var endedAt: Date?
    public var outcome: AttemptOutcome?
    public var httpStatus: Int?
    public var exitCode: Int?
    public var error: String?
    public var responseExcerpt: String?

    public init(delivery: String, number: Int, hook: String, startedAt: Date, endedAt: Date? = nil, outcome: AttemptOutcome? = nil,
                httpStatus: Int? = nil, exitCode: Int? = nil, error: String? = nil, responseExcerpt: String? = nil) {
        self.delivery = delivery; self.number = number; self.hook = hook; self.startedAt = startedAt; self.endedAt = endedAt
        self.outcome = outcome; self.httpStatus = httpStatus; self.exitCode = exitCode; self.error = error
        self.responseExcerpt = responseExcerpt
    }
}
