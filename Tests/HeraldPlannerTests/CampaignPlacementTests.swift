import Foundation
import HeraldModel
@testable import HeraldPlanner
import HeraldStrategy
import HeraldTestSupport
import Testing

/// A channel's campaign steps are placed together: as many as the slots allow (issue 21, part 2).
@Suite struct CampaignPlacementTests {
    /// The most steps that fit, by brute force: every step on each slot of its window or (unless an opening that has a
    /// slot) left out;
    /// slots distinct, the weekly cadence and the promotional-run rule kept.
    static func bruteForceMost(_ placer: StepPlacer, needs: [StepNeed]) -> Int? {
        let candidates = needs.map { need in
            Set(need.window.days.map(\.startOfWeek)).sorted().flatMap { placer.maker.gridSlots(weekStart: $0) }
                .filter { need.window.contains($0.date) }
        }
        // A step whose window has none of the channel's days is left out (and reported), openings too.
        let optional = needs.indices.map { needs[$0].step != .announce && needs[$0].step != .launch || candidates[$0].isEmpty }
        var best: Int?
        var chosen: [Slot] = []
        func valid() -> Bool {
            guard Set(chosen).count == chosen.count else { return false }
            let perWeek = Dictionary(grouping: chosen, by: { $0.date.startOfWeek })
            guard perWeek.values.allSatisfy({ $0.count <= placer.channel.postsPerWeek }) else { return false }
            return placer.longestPromoRun(steps: chosen) <= placer.maxInARow
        }
        func go(_ i: Int) {
            let remaining = needs.count - i
            if let b = best, chosen.count + remaining <= b { return }
            if i == needs.count { best = max(best ?? 0, chosen.count); return }
            for slot in candidates[i] {
                chosen.append(slot)
                if valid() { go(i + 1) }
                chosen.removeLast()
            }
            if optional[i] { go(i + 1) }
        }
        go(0)
        return best
    }

    @Test func placesTheMostStepsTheSlotsAllow() throws {
        var random = SeededRandom(seed: 2121)
        var compared = 0, withLeftOut = 0
        for round in 0..<60 {
            // One channel, two or three overlapping campaigns in February.
            var lines: [String] = []
            for c in 0..<(2 + round % 2) {
                let start = LocalDate(iso: "2027-02-01")!.adding(days: Int(random.next() % 14))
                let length = 3 + Int(random.next() % 10)
                let end = start.adding(days: length - 1)
                let contest = random.next() % 2 == 0
                lines.append(contest
                    ? "  - {id: c\(c), kind: contest, name: C\(c), start: \(start), end: \(end), goal: community, channels: [fb], prize: A}"
                    : "  - {id: d\(c), kind: discount, name: D\(c), start: \(start), end: \(end), goal: sales, channels: [fb], code: S, percent: 10}")
            }
            let s = try strategy(baseYAML, [
                ("rules: {min_days_between_contests: 21, min_days_between_discounts: 14, max_promotional_in_a_row: 1}",
                 "rules: {min_days_between_contests: 0, min_days_between_discounts: 0, max_promotional_in_a_row: 1}"),
                ("campaigns: []", "campaigns:\n" + lines.joined(separator: "\n")),
            ])
            let request = PlanRequest(strategy: s, period: quarter())
            let channel = s.channel("fb")!
            let maker = SlotMaker(channel: channel, clock: s.clock)
            let range = DateRange(start: LocalDate(iso: "2026-12-28")!, end: LocalDate(iso: "2027-04-11")!)
            let cadence = Dictionary(grouping: maker.slots(in: range, calendar: CalendarDays()).slots, by: { $0.date.startOfWeek })
            let placer = StepPlacer(channel: channel, maker: maker, calendar: CalendarDays(), maxInARow: 1, cadence: cadence, kept: [])
            let needs = s.campaigns.flatMap(StepNeed.series)
            let most = Self.bruteForceMost(placer, needs: needs)
            guard let plan = try? Planner.plan(request) else {
                #expect(most == nil, "round \(round): the planner failed where \(most ?? 0) steps fit")
                continue
            }
            let placed = plan.posts.filter { $0.campaign != nil }.count
            let fb = try #require(plan.report.channels.first { $0.channel == "fb" })
            #expect(placed == most, "round \(round): placed \(placed) of \(needs.count), the most that fit is \(most ?? -1)\n\(lines.joined(separator: "\n"))")
            #expect(placed + fb.skippedSteps.count == needs.count)
            #expect(hardRuleViolations(plan, request).isEmpty)
            compared += 1
            if !fb.skippedSteps.isEmpty { withLeftOut += 1 }
        }
        #expect(compared > 30)
        #expect(withLeftOut > 10, "the rounds must leave steps out for the comparison to mean something")
    }

    @Test func aLeftOutStepSaysWhichRuleAndWhichPostBlockIt() throws {
        // The bundled example's newsletter (one post a week) cannot carry the spring discount's last call: it would
        // follow the launch the week before.
        let loaded = try StrategyLoader.parse(exampleStrategy, fileExists: { _ in true })
        let plan = try Planner.plan(PlanRequest(strategy: loaded.strategy, period: quarter()))
        let skipped = try #require(plan.report.channels.first { $0.channel == "newsletter" }?.skippedSteps.first)
        #expect(skipped.step == .lastCall)
        #expect(skipped.reason.contains("rules.max_promotional_in_a_row"), "\(skipped.reason)")
        #expect(skipped.reason.contains("'spring-blend' launch (2027-03-11 07:00)"), "\(skipped.reason)")
    }
}
