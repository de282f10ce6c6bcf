import HeraldModel
import Testing

/// Every state × event of both lifecycles, against the tables written out here a second time, by hand, as
/// docs/lifecycle.md draws them: a change to `DeliveryLifecycle` or `PostLifecycle` must change this file and the
/// drawing too.
@Suite struct DeliveryLifecycleTests {
    /// The allowed moves: event → (from → to). Every pair not listed is refused.
    static let allowed: [DeliveryEvent: [DeliveryState: DeliveryState]] = [
        .claim: [.scheduled: .publishing, .retrying: .publishing],
        .tooLate: [.scheduled: .expired, .retrying: .expired],
        .void: [.scheduled: .cancelled, .retrying: .cancelled],
        .accepted: [.publishing: .published],
        .willRetry: [.publishing: .retrying],
        .attemptsRanOut: [.publishing: .failed],
        .nextTryTooLate: [.publishing: .expired],
        .hookRefused: [.publishing: .failed],
        .outcomeUnknown: [.publishing: .unknown],
        .leaseRanOut: [.publishing: .retrying],
        .leaseRanOutMidCall: [.publishing: .unknown],
        .retry: [.failed: .retrying, .unknown: .retrying, .expired: .retrying, .cancelled: .retrying],
        .cancel: [.scheduled: .cancelled, .retrying: .cancelled, .failed: .cancelled, .unknown: .cancelled, .expired: .cancelled],
        .markPublished: [.scheduled: .published, .retrying: .published, .failed: .published, .unknown: .published, .expired: .published,
                         .cancelled: .published],
    ]

    @Test(arguments: DeliveryState.allCases, DeliveryEvent.allCases)
    func everyPair(state: DeliveryState, event: DeliveryEvent) throws {
        let result = DeliveryLifecycle.transition(from: state, on: event)
        if let expected = Self.allowed[event]?[state] {
            #expect(try result.get() == expected)
        } else {
            guard case .failure(let refusal) = result else {
                Issue.record("\(event) from \(state) is not in the table but was allowed: \(result)")
                return
            }
            #expect(refusal.state == state.rawValue)
            #expect(refusal.event == event.rawValue)
            #expect(!refusal.reason.isEmpty)
            #expect(refusal.message(for: "dlv_1") == "dlv_1 is \(state.rawValue); \(refusal.reason).")
        }
    }

    /// What a person reads when the table refuses their command.
    @Test(arguments: [
        (DeliveryState.published, DeliveryEvent.retry, "dlv_1 is published; it already went out; there is nothing to retry."),
        (.published, .cancel, "dlv_1 is published; it already went out; it cannot be cancelled."),
        (.cancelled, .cancel, "dlv_1 is cancelled; it is already cancelled."),
        (.published, .markPublished, "dlv_1 is published; it is already published; there is nothing to mark."),
        (.scheduled, .retry, "dlv_1 is scheduled; it is already waiting for its next try; there is nothing to retry."),
        (.publishing, .cancel,
         "dlv_1 is publishing; a publisher is sending it right now; wait until the attempt ends (at most the hook's timeout), then look again."),
    ])
    func aRefusalSaysWhy(state: DeliveryState, event: DeliveryEvent, message: String) throws {
        let result = DeliveryLifecycle.transition(from: state, on: event)
        guard case .failure(let refusal) = result else { Issue.record("allowed: \(result)"); return }
        #expect(refusal.message(for: "dlv_1") == message)
    }

    /// The docs and the code agree: only `published` is final. `cancelled` is not: a person's `queue retry` takes a
    /// cancel back; `failed`, `unknown` and `expired` wait for a person.
    @Test func onlyPublishedIsFinal() {
        #expect(DeliveryState.allCases.filter(\.isFinal) == [.published])
        #expect(DeliveryState.claimable == [.scheduled, .retrying])
        // Only a person moves a delivery out of the states that need one.
        for state in DeliveryState.needsPerson + [.cancelled] {
            let movers = DeliveryEvent.allCases.filter { (try? DeliveryLifecycle.transition(from: state, on: $0).get()) != nil }
            #expect(Set(movers).isSubset(of: DeliveryEvent.personal), "\(state): \(movers)")
        }
        // Nothing but the publisher that holds it, or the rescuer, moves a delivery out of `publishing`.
        #expect(DeliveryEvent.allCases.filter { DeliveryLifecycle.states(allowing: $0) == [.publishing] }
            == DeliveryEvent.attemptEnds + DeliveryEvent.rescues)
    }

    /// Each event leads to one state, which a statement moving many rows sets.
    @Test(arguments: DeliveryEvent.allCases)
    func everyEventHasOneTarget(event: DeliveryEvent) {
        #expect(DeliveryLifecycle.target(of: event) != nil)
    }

    @Test func aRetryableFailureRetriesWhileAttemptsAndTimeRemain() {
        #expect(DeliveryLifecycle.eventAfterRetryableFailure(attempts: 1, maxAttempts: 8, nextTry: 10, expires: 20) == .willRetry)
        #expect(DeliveryLifecycle.eventAfterRetryableFailure(attempts: 1, maxAttempts: 8, nextTry: 20, expires: 20) == .willRetry)
        #expect(DeliveryLifecycle.eventAfterRetryableFailure(attempts: 1, maxAttempts: 8, nextTry: 21, expires: 20) == .nextTryTooLate)
        #expect(DeliveryLifecycle.eventAfterRetryableFailure(attempts: 8, maxAttempts: 8, nextTry: 21, expires: 20) == .attemptsRanOut)
        #expect(DeliveryEvent.attemptsRanOut.attemptOutcome == .retry)
        #expect(DeliveryEvent.nextTryTooLate.attemptOutcome == .expired)
        #expect(DeliveryEvent.leaseRanOutMidCall.attemptOutcome == .interrupted)
    }
}

@Suite struct PostLifecycleTests {
    static let pending: [PostStatus] = [.planned, .drafted, .approved]

    /// The allowed moves: event → (from → to). Every pair not listed is refused.
    static let allowed: [PostEvent: [PostStatus: PostStatus]] = {
        var t: [PostEvent: [PostStatus: PostStatus]] = [
            .replan: [.planned: .planned],
            .draft: [.planned: .drafted],
            .redraft: [.planned: .drafted, .drafted: .drafted],
            .editBody: [.planned: .drafted, .drafted: .drafted, .approved: .drafted, .paused: .paused],
            .editContent: [.planned: .planned, .drafted: .drafted, .approved: .drafted, .paused: .paused],
            .editDetails: [.planned: .planned, .drafted: .drafted, .approved: .approved, .paused: .paused],
            .approve: [.drafted: .approved],
            .cancel: [.planned: .cancelled, .drafted: .cancelled, .approved: .cancelled, .paused: .cancelled, .failed: .cancelled,
                      .expired: .cancelled],
            .requeue: [.approved: .approved, .failed: .approved, .expired: .approved],
            .publishedElsewhere: [.planned: .published, .drafted: .published, .approved: .published, .failed: .published,
                                  .expired: .published],
            .pause: [.planned: .paused, .drafted: .paused, .approved: .paused],
            .expireAfterPause: [.paused: .expired],
            .withdraw: [.planned: .cancelled, .drafted: .cancelled, .approved: .cancelled],
            .delivered: [.approved: .published, .paused: .published],
            .deliveryFailed: [.approved: .failed],
            .deliveriesExpired: [.approved: .expired],
        ]
        for s in pending { t[.restore(to: s), default: [:]][.paused] = s }
        return t
    }()

    @Test(arguments: PostStatus.allCases, PostEvent.allCases)
    func everyPair(state: PostStatus, event: PostEvent) throws {
        let result = PostLifecycle.transition(from: state, on: event)
        if let expected = Self.allowed[event]?[state] {
            #expect(try result.get() == expected)
        } else {
            guard case .failure(let refusal) = result else {
                Issue.record("\(event) from \(state) is not in the table but was allowed: \(result)")
                return
            }
            #expect(refusal.state == state.rawValue)
            #expect(refusal.event == event.description)
            #expect(!refusal.reason.isEmpty)
            #expect(refusal.message(for: "p-1") == "p-1 is \(state.rawValue); \(refusal.reason).")
        }
    }

    @Test func everyEventIsListedOnce() {
        #expect(Set(PostEvent.allCases).count == PostEvent.allCases.count)
        #expect(Set(Self.allowed.keys).isSubset(of: Set(PostEvent.allCases)))
        // `restore` to each status is an event of its own, so the table test above covers them all.
        #expect(PostEvent.allCases.filter { if case .restore = $0 { true } else { false } }.count == PostStatus.allCases.count)
    }

    @Test(arguments: [
        (PostStatus.published, PostEvent.cancel, "p-1 is published; it already went out; it cannot be cancelled."),
        (.cancelled, .cancel, "p-1 is cancelled; it is already cancelled."),
        (.planned, .approve, "p-1 is planned; only drafted posts can be approved (it has no body yet)."),
        (.approved, .approve, "p-1 is approved; only drafted posts can be approved (it is already approved)."),
        (.drafted, .draft, "p-1 is drafted; it is already drafted; add --overwrite to write its body again."),
        (.published, .editBody, "p-1 is published; its body can no longer change."),
        (.failed, .editContent, "p-1 is failed; it can no longer change (retry its delivery with `herald queue retry`, or cancel it)."),
        (.cancelled, .requeue, "p-1 is cancelled; it was cancelled; its deliveries are not sent."),
        (.published, .publishedElsewhere, "p-1 is published; it is already published."),
        (.paused, .publishedElsewhere, "p-1 is paused; a crisis holds it; close the crisis before saying it went out."),
        (.paused, .restore(to: .published), "p-1 is paused; a paused post goes back to planned, drafted or approved, not published."),
    ])
    func aRefusalSaysWhy(state: PostStatus, event: PostEvent, message: String) throws {
        let result = PostLifecycle.transition(from: state, on: event)
        guard case .failure(let refusal) = result else { Issue.record("allowed: \(result)"); return }
        #expect(refusal.message(for: "p-1") == message)
    }

    /// The docs and the code agree: `published` and `cancelled` are final; `failed` and `expired` are not (a person's
    /// `queue retry` brings the post back to approved).
    @Test func publishedAndCancelledAreFinal() {
        #expect(PostStatus.allCases.filter(\.isFinal) == [.published, .cancelled])
        #expect(PostLifecycle.transition(from: .failed, on: .requeue) == .success(.approved))
        #expect(PostLifecycle.transition(from: .expired, on: .requeue) == .success(.approved))
    }

    /// The events batch statements use lead to one status each.
    @Test func theBatchEventsHaveOneTarget() {
        for e in [PostEvent.replan, .draft, .redraft, .approve, .pause, .withdraw, .requeue] + PostEvent.settlements {
            #expect(PostLifecycle.target(of: e) != nil, "\(e)")
        }
        // The edits keep some statuses and move others: they are applied one post at a time.
        #expect(PostLifecycle.target(of: .editContent) == nil)
    }

    @Test(arguments: [
        ([DeliveryState](), PostEvent?.none),
        ([.published], .delivered),
        ([.published, .cancelled], .delivered),
        ([.published, .failed], .deliveryFailed),
        ([.expired, .expired], .deliveriesExpired),
        ([.expired, .published], .delivered),
        ([.expired, .cancelled], nil),
        ([.cancelled], nil),
        ([.published, .scheduled], nil),
        ([.failed, .publishing], nil),
        ([.published, .unknown], nil),
        ([.failed, .retrying], nil),
    ])
    func deliveriesSettleTheirPost(deliveries: [DeliveryState], event: PostEvent?) {
        #expect(PostLifecycle.settlement(of: deliveries) == event)
    }
}
