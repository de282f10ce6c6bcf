import Foundation
import HeraldModel
import Testing

/// The inbox measures, day by day in the strategy's zone, on constructed items.
@Suite struct InboxMetricsTests {
    /// Amsterdam: 2027-01-05 runs from 2027-01-04T23:00Z to 2027-01-05T23:00Z.
    let clock = ZoneClock.orUTC("Europe/Amsterdam")
    let day = LocalDate(iso: "2027-01-05")!
    var days: DateRange { DateRange(start: day.adding(days: -1), end: day) }
    func at(_ iso: String) -> Date { Date(iso: iso)! }

    func daily(_ m: InboxMeasure, _ facts: [InboxFact], filter: InboxFilter = InboxFilter(), unit: String = "minutes",
               now: String = "2027-01-06T12:00:00Z") -> [String: Double] {
        Dictionary(uniqueKeysWithValues: InboxMetrics.daily(m, filter: filter, facts: facts, days: days, unit: unit, clock: clock,
                                                            now: at(now)).map { ($0.date.iso, $0.value) })
    }

    @Test func volumeCountsItemsByTheLocalDayTheyWereWrittenAndLeavesSpamOut() {
        let facts = [
            InboxFact(id: "a", channel: "fb", createdAt: at("2027-01-04T23:30:00Z")),  // 00:30 on the 5th in Amsterdam
            InboxFact(id: "b", channel: "fb", createdAt: at("2027-01-04T22:30:00Z")),  // 23:30 on the 4th
            InboxFact(id: "c", channel: "ig", createdAt: at("2027-01-05T10:00:00Z")),
            InboxFact(id: "d", channel: "ig", createdAt: at("2027-01-05T11:00:00Z"), spam: true),
        ]
        #expect(daily(.volume, facts) == ["2027-01-04": 1, "2027-01-05": 2])
        #expect(daily(.volume, facts, filter: InboxFilter(channel: "ig")) == ["2027-01-04": 0, "2027-01-05": 1])
    }

    @Test func countsStopAtTodayAndReadZeroOnQuietDays() {
        let facts = [InboxFact(id: "a", channel: "fb", createdAt: at("2027-01-04T12:00:00Z"), intent: .complaint)]
        // "now" is on the 4th: the 5th has not come yet, so it has no reading.
        #expect(daily(.complaintsPerDay, facts, now: "2027-01-04T18:00:00Z") == ["2027-01-04": 1])
        #expect(daily(.complaintsPerDay, facts) == ["2027-01-04": 1, "2027-01-05": 0])
    }

    @Test func complaintsAndTheNegativeShareFilteredByTopic() {
        let facts = [
            InboxFact(id: "a", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), sentiment: .negative, intent: .complaint, topic: "coffee"),
            InboxFact(id: "b", channel: "fb", createdAt: at("2027-01-05T09:10:00Z"), sentiment: .positive, intent: .praise, topic: "coffee"),
            InboxFact(id: "c", channel: "fb", createdAt: at("2027-01-05T09:20:00Z"), sentiment: .negative, intent: .complaint, topic: "service"),
            InboxFact(id: "d", channel: "fb", createdAt: at("2027-01-05T09:30:00Z"), sentiment: .neutral, topic: "coffee"),
        ]
        #expect(daily(.complaintsPerDay, facts)["2027-01-05"] == 2)
        #expect(daily(.complaintsPerDay, facts, filter: InboxFilter(topic: "coffee"))["2027-01-05"] == 1)
        #expect(daily(.negativeShare, facts)["2027-01-05"] == 50)
        #expect(daily(.negativeShare, facts, filter: InboxFilter(topic: "coffee"))["2027-01-05"] == 33.3)
        // No items on the 4th: no share.
        #expect(daily(.negativeShare, facts)["2027-01-04"] == nil)
    }

    @Test func theMedianFirstReplyIsCountedOnTheDayOfTheReply() {
        let facts = [
            InboxFact(id: "a", channel: "fb", createdAt: at("2027-01-05T08:00:00Z"), firstReplyAt: at("2027-01-05T08:10:00Z"), status: .answered),
            InboxFact(id: "b", channel: "fb", createdAt: at("2027-01-05T08:00:00Z"), firstReplyAt: at("2027-01-05T08:30:00Z"), status: .answered),
            InboxFact(id: "c", channel: "fb", createdAt: at("2027-01-04T08:00:00Z"), firstReplyAt: at("2027-01-05T09:00:00Z"), status: .answered),
            InboxFact(id: "d", channel: "fb", createdAt: at("2027-01-05T08:00:00Z"), firstReplyAt: at("2027-01-05T08:20:00Z"), status: .answered),
            InboxFact(id: "e", channel: "fb", createdAt: at("2027-01-05T08:00:00Z")),  // not answered: not in the median
        ]
        // Waits 10, 30, 1500, 20 minutes: median (20 + 30) / 2.
        #expect(daily(.firstReplyMedian, facts) == ["2027-01-05": 25])
        #expect(daily(.firstReplyMedian, facts, unit: "hours")["2027-01-05"] == 25.0 / 60)
        // A reply after "now" is not counted yet.
        #expect(daily(.firstReplyMedian, facts, now: "2027-01-05T08:15:00Z") == ["2027-01-05": 10])
    }

    @Test func answeredWithinTargetIsTheShareOfItemsDueThatDayAnsweredInTime() {
        let due = at("2027-01-05T10:00:00Z")
        let facts = [
            InboxFact(id: "in-time", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), deadline: due, firstReplyAt: at("2027-01-05T09:30:00Z"), status: .answered),
            InboxFact(id: "late", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), deadline: due, firstReplyAt: at("2027-01-05T10:30:00Z"), status: .answered),
            InboxFact(id: "never", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), deadline: due, status: .assigned),
            InboxFact(id: "exact", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), deadline: due, firstReplyAt: due, status: .answered),
            InboxFact(id: "closed", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), deadline: due, status: .closed),
            InboxFact(id: "later", channel: "fb", createdAt: at("2027-01-05T09:00:00Z"), deadline: at("2027-01-05T20:00:00Z"), status: .assigned),
        ]
        // At noon the 20:00 deadline has not passed: 2 of 4 in time.
        #expect(daily(.answeredWithinTarget, facts, now: "2027-01-05T12:00:00Z") == ["2027-01-05": 50])
        // Next day it has: 2 of 5.
        #expect(daily(.answeredWithinTarget, facts) == ["2027-01-05": 40])
    }

    @Test func theMedianOfNothingIsNothing() {
        #expect(InboxMetrics.median([]) == nil)
        #expect(InboxMetrics.median([3]) == 3)
        #expect(InboxMetrics.median([1, 2, 3, 10]) == 2.5)
    }
}

/// The spike rule: negative items in the last N hours against the trailing 14-day rate, with `min_items` as the guard.
@Suite struct SpikeRuleTests {
    let now = Date(iso: "2027-01-20T12:00:00Z")!
    let rule = SpikeRule(hours: 6, factor: 3, minItems: 10)

    func negatives(_ n: Int, from start: Date, every step: TimeInterval, sentiment: Sentiment = .negative, spam: Bool = false) -> [InboxFact] {
        (0..<n).map { InboxFact(id: "x\($0)-\(start.timeIntervalSince1970)", channel: "fb", createdAt: start.addingTimeInterval(Double($0) * step),
                                sentiment: sentiment, spam: spam) }
    }

    @Test func aSurgeAboveThreeTimesTheUsualRateFires() {
        // 56 negative items over the 14 days before the window: 1 per 6 hours usually.
        let trailing = negatives(56, from: now.addingTimeInterval(-6 * 3600 - 14 * 86_400 + 60), every: 6 * 3600)
        let recent = negatives(12, from: now.addingTimeInterval(-5 * 3600), every: 60)
        let r = SpikeReading.evaluate(rule, facts: trailing + recent, now: now)
        #expect(r.trailing == 56)
        #expect(r.recent == 12)
        #expect(r.usual == 1)
        #expect(r.threshold == 10)  // 3 × 1 is below min_items
        #expect(r.fires)
    }

    @Test func aBusyUsualRateNeedsMore() {
        // 560 over 14 days: 10 per 6 hours usually, so 30 are needed.
        let trailing = negatives(560, from: now.addingTimeInterval(-6 * 3600 - 14 * 86_400 + 60), every: 2160)
        let r29 = SpikeReading.evaluate(rule, facts: trailing + negatives(29, from: now.addingTimeInterval(-3600), every: 60), now: now)
        #expect(r29.threshold == 30)
        #expect(!r29.fires)
        let r30 = SpikeReading.evaluate(rule, facts: trailing + negatives(30, from: now.addingTimeInterval(-3600), every: 60), now: now)
        #expect(r30.fires)
    }

    @Test func withNoHistoryOnlyMinItemsHoldsItBack() {
        let nine = SpikeReading.evaluate(rule, facts: negatives(9, from: now.addingTimeInterval(-3600), every: 60), now: now)
        #expect(nine.usual == 0)
        #expect(nine.threshold == 10)
        #expect(!nine.fires)
        let ten = SpikeReading.evaluate(rule, facts: negatives(10, from: now.addingTimeInterval(-3600), every: 60), now: now)
        #expect(ten.fires)
        #expect(!SpikeReading.evaluate(rule, facts: [], now: now).fires)
    }

    @Test func spamPositiveAndFutureItemsDoNotCount() {
        let facts = negatives(20, from: now.addingTimeInterval(-3600), every: 60, spam: true)
            + negatives(20, from: now.addingTimeInterval(-3600), every: 60, sentiment: .positive)
            + negatives(20, from: now.addingTimeInterval(60), every: 60)
        let r = SpikeReading.evaluate(rule, facts: facts, now: now)
        #expect(r.recent == 0)
        #expect(!r.fires)
    }

    @Test func itemsOlderThanFourteenDaysBeforeTheWindowAreNotTheUsualRate() {
        let old = negatives(500, from: now.addingTimeInterval(-6 * 3600 - 15 * 86_400), every: 60)
        let r = SpikeReading.evaluate(rule, facts: old + negatives(10, from: now.addingTimeInterval(-3600), every: 60), now: now)
        #expect(r.trailing == 0)
        #expect(r.fires)
    }
}
