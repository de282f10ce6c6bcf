import Foundation

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
