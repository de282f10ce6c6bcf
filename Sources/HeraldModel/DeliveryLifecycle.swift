/// The state of one delivery of one post to one hook. The moves between them are `DeliveryLifecycle`'s table; each case
/// says who moves deliveries in and out.
public enum DeliveryState: String, CaseIterable, Sendable, Codable {
    /// In: made by the queue refresh (`herald publish`, `herald run`, `herald queue refresh`) for an approved post whose
    /// time has come. Out: the publisher claims it (`publishing`); the refresh or the claim expires it when it is too
    /// late (`expired`); the refresh, or a crisis opening, voids it when its post changed, was cancelled or paused
    /// (`cancelled`); a person cancels it or marks it published.
    case scheduled
    /// In: claimed by one publisher, which holds a lease until `lease_expires_at`. Out: that publisher ends the attempt
    /// (`published`, `retrying`, `failed`, `expired` or `unknown`), or the rescuer in the next pass takes it back when
    /// the lease ran out because the process died (`retrying`, or `unknown` when the hook may have posted). Nothing
    /// else touches it: a person waits for the attempt to end.
    case publishing
    /// In: the hook accepted it, or a person marked it published. Final: nothing moves it out.
    case published
    /// In: an attempt failed in a way worth retrying, a rescuer took back a lease that is safe to repeat, or a person
    /// retried it. Out: as `scheduled` (the publisher claims it again at `next_attempt_at`).
    case retrying
    /// In: the attempts ran out, or the hook refused it for good (e.g. HTTP 400). Out: only a person — `queue retry`
    /// (`retrying`), `queue cancel`, or `queue mark-published`.
    case failed
    /// In: the process died mid-call on a hook that cannot drop repeats, or a command that cannot was cut at its
    /// timeout: it may or may not have gone out. Out: only a person, who checks and runs `queue mark-published` or
    /// `queue retry` (or `queue cancel`).
    case unknown
    /// In: withdrawn by a person (`queue cancel`), or voided because the post changed, was cancelled or paused. Not
    /// final: a person may take a cancel back with `queue retry` (or record with `queue mark-published` that it went out
    /// after all); nothing else moves it.
    case cancelled
    /// In: too late to be worth posting (later than the channel's `max_lateness` after its time). Out: only a person —
    /// `queue retry` if it still matters, `queue cancel`, or `queue mark-published`.
    case expired

    /// States a publisher may claim (the table's `claim`).
    public static let claimable: [DeliveryState] = DeliveryLifecycle.states(allowing: .claim)

    /// States that need a person: only a person's decision moves a delivery out of them, and the post waits for it.
    /// (`cancelled` too is left only by a person, but nothing waits for it.)
    public static let needsPerson: [DeliveryState] = [.failed, .unknown, .expired]

    /// States in which a delivery keeps its post `approved` (the post is settled only when none of its deliveries is
    /// in one): waiting, being sent, or maybe sent (`unknown` waits for a person to say).
    public static let keepsPostOpen: [DeliveryState] = [.scheduled, .retrying, .publishing, .unknown]

    /// Whether nothing ever moves a delivery out of this state: only `published`.
    public var isFinal: Bool { DeliveryLifecycle.isFinal(self) }
}

/// What happens to a delivery, and who makes it happen.
public enum DeliveryEvent: String, CaseIterable, Sendable, CustomStringConvertible {
    // The queue refresh and the publisher (a pass of `herald publish` or `herald run`).
    /// The publisher takes a due delivery for itself, with a lease.
    case claim
    /// The queue refresh or a claim finds it later than the channel's `max_lateness` after its post's time.
    case tooLate = "too-late"
    /// The queue refresh (or a crisis opening) finds that its post changed, was cancelled or paused.
    case void
    /// The publisher: the hook accepted it.
    case accepted
    /// The publisher: the hook asked for another try, and attempts and time remain.
    case willRetry = "will-retry"
    /// The publisher: the hook asked for another try, but that was the last attempt.
    case attemptsRanOut = "attempts-ran-out"
    /// The publisher: the hook asked for another try, but the next would be later than the channel's `max_lateness`.
    case nextTryTooLate = "next-try-too-late"
    /// The publisher: the hook refused it for good (HTTP 4xx, a command's error exit, a hook no longer in the strategy).
    case hookRefused = "hook-refused"
    /// The publisher: a hook that cannot drop repeats ended so that nobody knows whether it posted.
    case outcomeUnknown = "outcome-unknown"
    /// The rescuer: the publisher holding it died, and sending it again is safe (the hook drops repeats, or the call
    /// never started).
    case leaseRanOut = "lease-ran-out"
    /// The rescuer: the publisher holding it died while a hook that cannot drop repeats was being called.
    case leaseRanOutMidCall = "lease-ran-out-mid-call"
    // A person.
    /// `herald queue retry`.
    case retry
    /// `herald queue cancel`.
    case cancel
    /// `herald queue mark-published`.
    case markPublished = "mark-published"

    /// The events that end a publisher's attempt (the publisher's `finish`).
    public static let attemptEnds: [DeliveryEvent] = [.accepted, .willRetry, .attemptsRanOut, .nextTryTooLate, .hookRefused, .outcomeUnknown]
    /// The events of the rescuer, which takes back leases that ran out.
    public static let rescues: [DeliveryEvent] = [.leaseRanOut, .leaseRanOutMidCall]
    /// The events only a person sends.
    public static let personal: [DeliveryEvent] = [.retry, .cancel, .markPublished]

    /// How the attempt an event ends is recorded (nil: the event ends no attempt).
    public var attemptOutcome: AttemptOutcome? {
        switch self {
        case .accepted: .published
        case .willRetry, .attemptsRanOut: .retry
        case .nextTryTooLate: .expired
        case .hookRefused: .failed
        case .outcomeUnknown: .unknown
        case .leaseRanOut, .leaseRanOutMidCall: .interrupted
        case .claim, .tooLate, .void, .retry, .cancel, .markPublished: nil
        }
    }

    public var description: String { rawValue }
}

/// The delivery lifecycle, declared once: every move of a delivery goes through `transition(from:on:)` (see
/// docs/lifecycle.md for the drawing).
public enum DeliveryLifecycle: Lifecycle {
    public static let events = DeliveryEvent.allCases

    public static func transition(from state: DeliveryState, on event: DeliveryEvent) -> Result<DeliveryState, LifecycleRefusal> {
        switch (event, state) {
        case (.claim, .scheduled), (.claim, .retrying): .success(.publishing)
        case (.tooLate, .scheduled), (.tooLate, .retrying): .success(.expired)
        case (.void, .scheduled), (.void, .retrying): .success(.cancelled)
        case (.accepted, .publishing): .success(.published)
        case (.willRetry, .publishing): .success(.retrying)
        case (.attemptsRanOut, .publishing): .success(.failed)
        case (.nextTryTooLate, .publishing): .success(.expired)
        case (.hookRefused, .publishing): .success(.failed)
        case (.outcomeUnknown, .publishing): .success(.unknown)
        case (.leaseRanOut, .publishing): .success(.retrying)
        case (.leaseRanOutMidCall, .publishing): .success(.unknown)
        case (.retry, .failed), (.retry, .unknown), (.retry, .expired), (.retry, .cancelled): .success(.retrying)
        case (.cancel, .scheduled), (.cancel, .retrying), (.cancel, .failed), (.cancel, .unknown), (.cancel, .expired): .success(.cancelled)
        case (.markPublished, .scheduled), (.markPublished, .retrying), (.markPublished, .failed), (.markPublished, .unknown),
             (.markPublished, .expired), (.markPublished, .cancelled): .success(.published)
        default: refuse(state, event, reason(refusing: event, in: state))
        }
    }

    /// Why `event` is not allowed in `state`.
    static func reason(refusing event: DeliveryEvent, in state: DeliveryState) -> String {
        switch (event, state) {
        case (.retry, .published): "it already went out; there is nothing to retry"
        case (.retry, .scheduled), (.retry, .retrying): "it is already waiting for its next try; there is nothing to retry"
        case (.cancel, .published): "it already went out; it cannot be cancelled"
        case (.cancel, .cancelled): "it is already cancelled"
        case (.markPublished, .published): "it is already published; there is nothing to mark"
        case (.retry, .publishing), (.cancel, .publishing), (.markPublished, .publishing):
            "a publisher is sending it right now; wait until the attempt ends (at most the hook's timeout), then look again"
        case (.claim, _), (.tooLate, _), (.void, _):
            "only a scheduled or retrying delivery is claimed, expired or voided by the queue"
        case (.retry, _), (.cancel, _), (.markPublished, _):
            "a person cannot \(event == .markPublished ? "mark it published" : event.rawValue) it now"
        default:
            "only a delivery being published ends an attempt or has its lease taken back"
        }
    }

    /// The event that ends an attempt the hook asked to be tried again: another try while attempts and time remain.
    /// - Parameters:
    ///   - attempts: the attempts made, this one included.
    ///   - nextTry: when the next try would be; `expires`: the last moment worth sending (the post's time plus the
    ///     channel's `max_lateness`).
    public static func eventAfterRetryableFailure<T: Comparable>(attempts: Int, maxAttempts: Int, nextTry: T, expires: T) -> DeliveryEvent {
        if attempts >= maxAttempts { return .attemptsRanOut }
        if nextTry > expires { return .nextTryTooLate }
        return .willRetry
    }
}
