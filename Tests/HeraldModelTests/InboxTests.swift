import Foundation
import HeraldModel
import Testing

@Suite struct InboxLifecycleTests {
    static let events: [InboxEvent] = [.assign, .answer, .close(.spam), .close(.noReplyNeeded), .close(.answeredElsewhere), .reopen,
                                       .queueReply, .replySent, .replyFailed]

    /// Every status × event, against the table written out by hand.
    @Test(arguments: InboxStatus.allCases)
    func everyPairIsDeclared(_ from: InboxStatus) {
        for event in Self.events {
            let outcome = InboxLifecycle.transition(from: from, on: event)
            let expected: InboxStatus? = switch (from, event) {
            case (.new, .assign), (.assigned, .assign): .assigned
            case (.new, .answer), (.assigned, .answer), (.replying, .answer), (.answered, .answer): .answered
            case (.new, .close), (.assigned, .close): .closed
            case (.answered, .reopen), (.closed, .reopen): .assigned
            // Replying: a queued reply holds the item until it went out (answered) or failed (back to its owner).
            case (.new, .queueReply), (.assigned, .queueReply): .replying
            case (.answered, .queueReply), (.replying, .replySent), (.answered, .replySent), (.answered, .replyFailed): .answered
            case (.replying, .replyFailed): .assigned
            default: nil
            }
            if let expected {
                #expect(outcome == .moves(to: expected), "\(from) × \(event)")
            } else if case .refused(let why) = outcome {
                #expect(!why.isEmpty && why.hasSuffix("."), "\(from) × \(event): \(why)")
            } else {
                Issue.record("\(from) × \(event) should be refused, got \(outcome)")
            }
        }
    }

    /// Every reply status × event, against the table written out by hand.
    @Test(arguments: ReplyStatus.allCases)
    func everyReplyPairIsDeclared(_ from: ReplyStatus) {
        for event in ReplyEvent.allCases {
            let expected: ReplyStatus? = switch (from, event) {
            case (.awaitingApproval, .approve): .approved
            case (.approved, .delivered): .sent
            case (.approved, .undelivered): .failed
            case (.failed, .requeue), (.approved, .requeue): .approved
            default: nil
            }
            switch ReplyLifecycle.transition(from: from, on: event) {
            case .success(let to): #expect(to == expected, "\(from) × \(event)")
            case .failure(let refusal): #expect(expected == nil && !refusal.reason.isEmpty, "\(from) × \(event): \(refusal)")
            }
        }
        #expect(ReplyStatus.sent.isFinal && !ReplyStatus.failed.isFinal)
    }

    /// A reply is sent once one delivery went out, failed once none is pending and none went out, nothing before.
    @Test func repliesSettleFromTheirDeliveries() {
        #expect(ReplyLifecycle.settlement(of: []) == nil)
        #expect(ReplyLifecycle.settlement(of: [.published, .retrying]) == nil)
        #expect(ReplyLifecycle.settlement(of: [.unknown]) == nil)
        #expect(ReplyLifecycle.settlement(of: [.failed, .published]) == .delivered)
        #expect(ReplyLifecycle.settlement(of: [.failed]) == .undelivered)
        #expect(ReplyLifecycle.settlement(of: [.expired, .cancelled]) == .undelivered)
    }

    @Test func ownHandlesAndCrisisTopicsIgnoreCaseAndTheAt() {
        let fb = Channel(id: "fb", network: .facebook, name: "Test Café", postsPerWeek: 1, days: [.monday], times: [])
        let ig = Channel(id: "ig", network: .instagram, name: "@TestCafe", postsPerWeek: 1, days: [.monday], times: [])
        let s = InboxSettings(crisisTopics: ["Food safety"], ownHandles: ["fb": ["testcafe.official"]])
        #expect(s.isOwnHandle("@TestCafe.Official", on: fb))
        #expect(!s.isOwnHandle("Test Café", on: fb))
        // A channel not listed: its name when that is a handle.
        #expect(s.isOwnHandle("testcafe", on: ig))
        #expect(!s.isOwnHandle("@kasia", on: ig))
        #expect(s.isCrisisTopic("food SAFETY") && !s.isCrisisTopic("oat milk") && !s.isCrisisTopic(nil))
    }

    @Test func overdueIsOpenAndPastItsDeadline() {
        let t = Date(iso: "2027-01-08T10:00:00Z")!
        var item = InboxItem(id: "m-1", source: "import", network: .facebook, channel: "facebook", kind: .comment,
                             authorHandle: "a", text: "?", createdAt: t, receivedAt: t, deadline: t.addingTimeInterval(3600), status: .assigned)
        #expect(!item.isOverdue(at: t.addingTimeInterval(3599)))
        #expect(item.isOverdue(at: t.addingTimeInterval(3601)))
        item.status = .answered
        #expect(!item.isOverdue(at: t.addingTimeInterval(7200)))
    }
}

@Suite struct ResponseTargetTests {
    let amsterdam = ZoneClock(identifier: "Europe/Amsterdam")!
    let office = BusinessHours(days: [.monday, .tuesday, .wednesday, .thursday, .friday],
                               opens: LocalTime(hour: 9, minute: 0)!, closes: LocalTime(hour: 17, minute: 0)!)

    @Test func aroundTheClockAddsTheTarget() {
        let t = ResponseTargets(firstReply: 3600, complaint: 1800)
        let start = Date(iso: "2027-01-09T22:30:00Z")!
        #expect(t.deadline(from: start, channel: "facebook", intent: nil, clock: amsterdam) == start.addingTimeInterval(3600))
        #expect(t.deadline(from: start, channel: "facebook", intent: .complaint, clock: amsterdam) == start.addingTimeInterval(1800))
    }

    @Test func businessHoursSkipNightsAndWeekends() {
        let t = ResponseTargets(firstReply: 3600, complaint: 1800, businessHours: office, perChannel: ["newsletter": 4 * 3600])
        // Friday 16:30 local: half an hour on Friday, half an hour on Monday morning.
        let friday = amsterdam.instant(LocalDate(year: 2027, month: 1, day: 8)!, LocalTime(hour: 16, minute: 30)!)
        #expect(amsterdam.isoLocal(t.deadline(from: friday, channel: "facebook", intent: nil, clock: amsterdam)) == "2027-01-11T09:30:00+01:00")
        // Saturday: the clock starts on Monday at nine.
        let saturday = amsterdam.instant(LocalDate(year: 2027, month: 1, day: 9)!, LocalTime(hour: 12, minute: 0)!)
        #expect(amsterdam.isoLocal(t.deadline(from: saturday, channel: "facebook", intent: .complaint, clock: amsterdam)) == "2027-01-11T09:30:00+01:00")
        // A channel's own target.
        #expect(amsterdam.isoLocal(t.deadline(from: saturday, channel: "newsletter", intent: nil, clock: amsterdam)) == "2027-01-11T13:00:00+01:00")
    }

    /// Business hours are local: across the spring change (28 March 2027) the office still opens at nine.
    @Test func businessHoursFollowDaylightSaving() {
        let t = ResponseTargets(firstReply: 2 * 3600, businessHours: office)
        let friday = amsterdam.instant(LocalDate(year: 2027, month: 3, day: 26)!, LocalTime(hour: 16, minute: 0)!)
        let deadline = t.deadline(from: friday, channel: "facebook", intent: nil, clock: amsterdam)
        #expect(amsterdam.isoLocal(deadline) == "2027-03-29T10:00:00+02:00")
    }
}
