import Foundation
import HeraldModel
@testable import HeraldPlanner
import HeraldResources
import HeraldStrategy
import HeraldTestSupport
import Testing

@Suite struct CadenceTests {
    @Test func slotsFollowEachChannelsCadence() throws {
        let s = try strategy()
        let request = PlanRequest(strategy: s, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        for week in fullWeeks(quarter()) {
            let inWeek = plan.posts.filter { s.clock.localDate($0.scheduledAt).startOfWeek == week }
            #expect(inWeek.filter { $0.channel == "fb" }.count == 3)
            #expect(inWeek.filter { $0.channel == "ig" }.count == 4)
        }
        // Facebook posts spread over its three days, both times used.
        let fbTimes = Set(plan.posts.filter { $0.channel == "fb" }.map { s.clock.local($0.scheduledAt).time.description })
        #expect(fbTimes == ["09:00", "17:00"])
    }

    @Test func localTimesHoldAcrossDaylightSavingTime() throws {
        // Warsaw moves to summer time on Sunday 2027-03-28.
        let s = try strategy()
        let request = PlanRequest(strategy: s, period: DateRange(start: LocalDate(iso: "2027-03-22")!, end: LocalDate(iso: "2027-04-04")!))
        let plan = try Planner.plan(request)
        let ig = plan.posts.filter { $0.channel == "ig" }
        #expect(ig.allSatisfy { s.clock.local($0.scheduledAt).time.description == "11:00" })
        let before = ig.filter { $0.scheduledAt < Date(iso: "2027-03-28T00:00:00Z")! }
        let after = ig.filter { $0.scheduledAt > Date(iso: "2027-03-28T00:00:00Z")! }
        #expect(before.allSatisfy { $0.scheduledAt.isoUTC.hasSuffix("T10:00:00Z") })
        #expect(after.allSatisfy { $0.scheduledAt.isoUTC.hasSuffix("T09:00:00Z") })
        #expect(!before.isEmpty && !after.isEmpty)
    }

    @Test func twoPostsADayWhenTheWeekNeedsThem() throws {
        let s = try strategy(baseYAML, [("posts_per_week: 3, days: [mon, wed, fri]", "posts_per_week: 5, days: [mon, wed, fri]")])
        let request = PlanRequest(strategy: s, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        let week = fullWeeks(quarter())[2]
        let fb = plan.posts.filter { $0.channel == "fb" && s.clock.localDate($0.scheduledAt).startOfWeek == week }
        #expect(fb.count == 5)
        #expect(Set(fb.map(\.scheduledAt)).count == 5)
    }
}

@Suite struct CalendarRuleTests {
    @Test func blackoutDaysGetNoPostAndTheWeekKeepsItsCadence() throws {
        let s = try strategy()
        // Monday 2027-01-11 is a blackout; Wednesday 2027-01-13 is no-promo.
        var days = CalendarDays()
        days.marks[LocalDate(iso: "2027-01-11")!] = [DayMark(role: .blackout, name: "Closed for stocktaking", calendar: "shop")]
        days.marks[LocalDate(iso: "2027-01-13")!] = [DayMark(role: .noPromo, name: "Day of mourning", calendar: "shop")]
        let request = PlanRequest(strategy: s, period: quarter(), calendar: days)
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        let week = plan.posts.filter { $0.channel == "fb" && s.clock.localDate($0.scheduledAt).startOfWeek == LocalDate(iso: "2027-01-11")! }
        #expect(week.count == 3)
        #expect(!week.contains { s.clock.localDate($0.scheduledAt) == LocalDate(iso: "2027-01-11")! })
    }

    @Test func campaignPostsAvoidNoPromoDays() throws {
        let s = try strategy(baseYAML, [("campaigns: []", """
            campaigns:
              - {id: sale, kind: discount, name: Sale, start: 2027-02-01, end: 2027-02-10, goal: sales, channels: [fb], code: X, percent: 10}
            """)])
        var days = CalendarDays()
        days.marks[LocalDate(iso: "2027-02-01")!] = [DayMark(role: .noPromo, name: "Quiet day", calendar: "c")]
        let request = PlanRequest(strategy: s, period: quarter(), calendar: days)
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        let launch = try #require(plan.posts.first { $0.step == .launch })
        #expect(s.clock.localDate(launch.scheduledAt) == LocalDate(iso: "2027-02-03")!)
    }

    @Test func aCampaignWithNoPossibleSlotFailsAndSaysWhy() throws {
        let s = try strategy(baseYAML, [("campaigns: []", """
            campaigns:
              - {id: flash, kind: discount, name: Flash, start: 2027-02-01, end: 2027-02-01, goal: sales, channels: [fb], code: X, percent: 10}
            """)])
        var days = CalendarDays()
        days.marks[LocalDate(iso: "2027-02-01")!] = [DayMark(role: .noPromo, name: "Quiet day", calendar: "c")]
        #expect {
            try Planner.plan(PlanRequest(strategy: s, period: quarter(), calendar: days))
        } throws: { error in
            guard let e = error as? PlanError else { return false }
            return e.exitCode == 65 && e.description.contains("'flash'") && e.description.contains("Quiet day")
                && e.description.contains("move the campaign's dates")
        }
    }
}

@Suite struct CampaignTests {
    let contestYAML = baseYAML.replacingOccurrences(of: "campaigns: []", with: """
        campaigns:
          - {id: latte, kind: contest, name: Latte art, start: 2027-02-01, end: 2027-02-14, goal: community, channels: [fb, ig], prize: A class}
          - {id: spring, kind: discount, name: Spring, start: 2027-03-08, end: 2027-03-21, goal: sales, channels: [fb, ig], code: SPRING, percent: 15}
        """)

    @Test func campaignsExpandIntoTheirSeries() throws {
        let s = try strategy(contestYAML)
        let request = PlanRequest(strategy: s, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        for channel in ["fb", "ig"] {
            let contest = plan.posts.filter { $0.campaign == "latte" && $0.channel == channel }
            #expect(contest.map(\.step) == [.announce, .reminder, .lastCall, .winners])
            let dates = contest.map { s.clock.localDate($0.scheduledAt) }
            #expect(dates[0] >= LocalDate(iso: "2027-02-01")! && dates[0] <= LocalDate(iso: "2027-02-04")!)
            #expect(dates[2] >= LocalDate(iso: "2027-02-11")! && dates[2] <= LocalDate(iso: "2027-02-14")!)
            #expect(dates[3] > LocalDate(iso: "2027-02-14")!)
            let sale = plan.posts.filter { $0.campaign == "spring" && $0.channel == channel }
            #expect(sale.map(\.step) == [.launch, .lastCall])
            #expect(sale.allSatisfy { $0.goal == "sales" && $0.kind == .discount })
        }
        // The last call lands the day before the end where the channel posts that day (ig posts on Saturday 13th).
        let igLast = try #require(plan.posts.first { $0.campaign == "latte" && $0.channel == "ig" && $0.step == .lastCall })
        #expect(s.clock.localDate(igLast.scheduledAt) == LocalDate(iso: "2027-02-13")!)
    }

    @Test func contestsTooCloseTogetherAreRefusedWithAFix() throws {
        let s = try strategy(contestYAML.replacingOccurrences(of: "  - {id: spring", with: """
              - {id: latte2, kind: contest, name: Again, start: 2027-02-10, end: 2027-02-20, goal: community, channels: [fb], prize: B}
              - {id: spring
            """))
        #expect {
            try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        } throws: { error in
            guard let e = error as? PlanError, let p = e.problems.first else { return false }
            return p.rule == "rules.min_days_between_contests" && p.channel == "fb"
                && p.message.contains("'latte' (2027-02-01) and 'latte2' (2027-02-10) start 9 days apart")
                && p.fix.contains("start 'latte2' on or after 2027-02-22") && p.fix.contains("lower rules.min_days_between_contests to 9")
        }
    }

    @Test func moreContestsThanSpacingAllowsSaysHowManyFit() throws {
        // Eight weekly contests in a quarter with 14 days between contests: at most 7 fit.
        var lines: [String] = []
        for i in 0..<8 {
            let start = LocalDate(iso: "2027-01-04")!.adding(days: 7 * i)
            lines.append("  - {id: c\(i), kind: contest, name: C\(i), start: \(start), end: \(start.adding(days: 4)), goal: community, channels: [fb], prize: P}")
        }
        let s = try strategy(baseYAML, [("campaigns: []", "campaigns:\n" + lines.joined(separator: "\n")),
                                       ("min_days_between_contests: 21", "min_days_between_contests: 14")])
        #expect {
            try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        } throws: { error in
            guard let e = error as? PlanError else { return false }
            return e.description.contains("the period holds at most 7 on fb; 8 are asked for")
        }
    }

    @Test func neverMorePromotionalPostsInARowThanAllowed() throws {
        // A contest and a discount overlapping on one channel with a rule of one in a row: the series are
        // interleaved with regular posts, and steps that cannot fit are given up and reported.
        let s = try strategy(baseYAML, [("campaigns: []", """
            campaigns:
              - {id: latte, kind: contest, name: Latte, start: 2027-02-01, end: 2027-02-14, goal: community, channels: [fb], prize: A}
              - {id: sale, kind: discount, name: Sale, start: 2027-02-03, end: 2027-02-10, goal: sales, channels: [fb], code: S, percent: 10}
            """)])
        let request = PlanRequest(strategy: s, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        let fb = try #require(plan.report.channels.first { $0.channel == "fb" })
        #expect(fb.longestPromotionalRun == 1)
        let placed = plan.posts.filter { $0.campaign != nil }
        #expect(placed.contains { $0.step == .announce } && placed.contains { $0.step == .launch })
        #expect(placed.count + fb.skippedSteps.count == 6)
        #expect(fb.skippedSteps.allSatisfy { $0.reason.contains("no room on fb") })
        #expect(fb.skippedSteps.first?.step == .reminder)
    }

    @Test func openingsThatCannotFitFailThePlan() throws {
        // One post a week and two campaigns opening the same week: one opening would have no slot.
        let s = try strategy(baseYAML, [
            ("posts_per_week: 3, days: [mon, wed, fri]", "posts_per_week: 1, days: [mon, wed, fri]"),
            ("campaigns: []", """
            campaigns:
              - {id: latte, kind: contest, name: Latte, start: 2027-02-01, end: 2027-02-03, goal: community, channels: [fb], prize: A}
              - {id: sale, kind: discount, name: Sale, start: 2027-02-01, end: 2027-02-03, goal: sales, channels: [fb], code: S, percent: 10}
            """)])
        #expect {
            try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        } throws: { error in
            guard let e = error as? PlanError, let p = e.problems.first else { return false }
            return p.channel == "fb" && p.message.contains("opening posts of 'latte', 'sale'") && p.fix.contains("posts_per_week")
        }
    }

    @Test func stepsTheCadenceCannotReachAreSkippedAndReported() throws {
        // A weekly Thursday newsletter cannot carry a last call for a discount ending on a Tuesday.
        let s = try strategy(baseYAML, [
            ("  - {id: ig,", "  - {id: news, network: newsletter, posts_per_week: 1, days: [thu], times: [\"07:00\"], goals: [sales]}\n  - {id: ig,"),
            ("channels: [fb, ig], capacity_per_week: 4, trained: true, rules_accepted: true}\n  - {id: piotr",
             "channels: [fb, ig, news], capacity_per_week: 4, trained: true, rules_accepted: true}\n  - {id: piotr"),
            ("campaigns: []", """
            campaigns:
              - {id: sale, kind: discount, name: Sale, start: 2027-02-04, end: 2027-02-09, goal: sales, channels: [news], code: S, percent: 10}
            """)])
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        #expect(plan.posts.filter { $0.campaign == "sale" }.map(\.step) == [.launch])
        let skipped = try #require(plan.report.channels.first { $0.channel == "news" }?.skippedSteps.first)
        #expect(skipped.step == .lastCall)
        #expect(skipped.reason.contains("posts only on thu"))
    }
}

@Suite struct MixTests {
    @Test func theMixMatchesTargetsWithinOnePostPerKind() throws {
        // 13 weeks × 3 = 39 facebook posts; 10% contest ≈ 4 = one contest series; 10% discount ≈ 4 = two discounts.
        let s = try strategy(baseYAML, [("campaigns: []", """
            campaigns:
              - {id: latte, kind: contest, name: Latte, start: 2027-02-01, end: 2027-02-14, goal: community, channels: [fb], prize: A}
              - {id: winter, kind: discount, name: Winter, start: 2027-01-18, end: 2027-01-24, goal: sales, channels: [fb], code: W, percent: 10}
              - {id: spring, kind: discount, name: Spring, start: 2027-03-08, end: 2027-03-14, goal: sales, channels: [fb], code: S, percent: 10}
            """)])
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        let fb = try #require(plan.report.channels.first { $0.channel == "fb" })
        for k in fb.kinds {
            #expect(abs(k.planned - k.target) <= 1, "\(k.kind): planned \(k.planned), target \(k.target)")
        }
        #expect(fb.monthsWithoutKind.isEmpty)
    }

    @Test func everyKindWithThreePostsAppearsEveryMonth() throws {
        let plan = try Planner.plan(PlanRequest(strategy: try strategy(), period: quarter()))
        for c in plan.report.channels { #expect(c.monthsWithoutKind.isEmpty, "\(c.channel): \(c.monthsWithoutKind)") }
    }

    @Test func largestRemainderRounding() {
        #expect(largestRemainder([0.4, 0.3, 0.1, 0.1, 0.1], total: 39) == [15, 12, 4, 4, 4])
        #expect(largestRemainder([0.5, 0.3, 0.2], total: 7) == [4, 2, 1])
        #expect(largestRemainder([1, 1, 1], total: 10).reduce(0, +) == 10)
        #expect(largestRemainder([0, 0], total: 5) == [0, 0])
    }

    @Test func postsServeGoalsByKindAndWeight() throws {
        let s = try strategy(baseYAML, [("{id: awareness, title: Be known, kind: awareness, owner: ola}",
                                        "{id: awareness, title: Be known, kind: awareness, owner: ola, weight: 3}")])
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        for p in plan.posts {
            switch p.kind {
            case .informational: #expect(p.goal == "awareness")
            case .engagement: #expect(p.goal == "community")
            default: #expect(p.goal != nil)
            }
        }
    }
}

@Suite struct OwnerTests {
    @Test func ownersRespectTimeOffCapacityAndTraining() throws {
        let s = try strategy(baseYAML, [
            ("{id: ola, name: Ola Nowak, channels: [fb, ig], capacity_per_week: 4, trained: true, rules_accepted: true}",
             "{id: ola, name: Ola Nowak, channels: [fb, ig], capacity_per_week: 4, trained: true, rules_accepted: true, time_off: [\"2027-02-01..2027-02-14\"]}"),
            ("{id: ewa, name: Ewa Wójcik, channels: [ig], capacity_per_week: 2, trained: true, rules_accepted: true}",
             "{id: ewa, name: Ewa Wójcik, channels: [ig], capacity_per_week: 2, trained: false, rules_accepted: true}"),
        ])
        let request = PlanRequest(strategy: s, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        #expect(!plan.posts.contains { $0.owner == "ewa" })
        // With Ola off, Piotr (capacity 4) cannot cover 7 posts a week: the rest is reported, never silently dropped.
        let feb = plan.report.unassigned.filter { $0.date >= LocalDate(iso: "2027-02-01")! && $0.date <= LocalDate(iso: "2027-02-14")! }
        #expect(feb.count == 6)
        #expect(feb.allSatisfy { $0.reason.contains("at weekly capacity") })
    }

    @Test func aChannelNobodyCoversIsReportedPlainly() throws {
        let s = try strategy(baseYAML, [("  - {id: ig,", "  - {id: x, network: x, posts_per_week: 2, days: [mon, thu], times: [\"12:00\"], goals: [awareness]}\n  - {id: ig,")])
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        let xs = plan.posts.filter { $0.channel == "x" }
        #expect(!xs.isEmpty)
        #expect(xs.allSatisfy { $0.owner == nil })
        #expect(plan.report.unassigned.filter { $0.channel == "x" }.count == xs.count)
        #expect(plan.report.unassigned.first { $0.channel == "x" }?.reason == "nobody covers x; add it to a participant's channels")
    }

    @Test func loadIsFairAmongEquallyEligiblePeople() throws {
        let s = try strategy(baseYAML, [("  - {id: ewa, name: Ewa Wójcik, channels: [ig], capacity_per_week: 2, trained: true, rules_accepted: true}\n", "")])
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        for week in fullWeeks(quarter()) {
            let inWeek = plan.posts.filter { s.clock.localDate($0.scheduledAt).startOfWeek == week }
            let ola = inWeek.filter { $0.owner == "ola" }.count, piotr = inWeek.filter { $0.owner == "piotr" }.count
            #expect(abs(ola - piotr) <= 1, "week \(week): ola \(ola), piotr \(piotr)")
        }
    }

    @Test func reassignsToFitEveryoneWhenGreedyWouldFail() throws {
        // Ewa may only do ig; if Ola and Piotr took all ig posts first, fb would go unowned. Capacity fits exactly.
        let s = try strategy(baseYAML, [
            ("capacity_per_week: 4, trained: true, rules_accepted: true}\n  - {id: piotr, name: Piotr Zieliński, channels: [fb, ig], capacity_per_week: 4",
             "capacity_per_week: 3, trained: true, rules_accepted: true}\n  - {id: piotr, name: Piotr Zieliński, channels: [fb, ig], capacity_per_week: 2"),
        ])
        let request = PlanRequest(strategy: s, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        let fullWeekPosts = plan.posts.filter { fullWeeks(quarter()).contains(s.clock.localDate($0.scheduledAt).startOfWeek) }
        #expect(fullWeekPosts.allSatisfy { $0.owner != nil })
    }
}

@Suite struct AmplificationTests {
    @Test func shareTasksGoToTrainedColleaguesFairly() throws {
        let s = try strategy(baseYAML, [("times: [\"11:00\"], goals: [awareness, community]}", "times: [\"11:00\"], goals: [awareness, community], amplify: {shares_per_post: 2}}")])
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        let ig = plan.posts.filter { $0.channel == "ig" }
        #expect(plan.shareTasks.count == ig.count * 2)
        for p in ig {
            let sharers = plan.shareTasks.filter { $0.post == p.id }.map(\.participant)
            #expect(!sharers.contains(p.owner ?? ""))
            #expect(Set(sharers).count == sharers.count)
        }
        let counts = Dictionary(grouping: plan.shareTasks, by: \.participant).mapValues(\.count)
        #expect(counts.values.max()! - counts.values.min()! <= ig.count / 3)
        #expect(plan.posts.filter { $0.channel == "fb" }.allSatisfy { p in !plan.shareTasks.contains { $0.post == p.id } })
    }
}

@Suite struct DeterminismTests {
    @Test func theSameSeedGivesTheSamePlan() throws {
        let s = try strategy()
        let a = try Planner.plan(PlanRequest(strategy: s, period: quarter(), seed: 7))
        let b = try Planner.plan(PlanRequest(strategy: s, period: quarter(), seed: 7))
        #expect(a.posts == b.posts)
        #expect(a.shareTasks == b.shareTasks)
    }

    /// The planner hashes ids without building a string per post; they must stay `Post.makeID("<channel>|<instant>")`
    /// (ids already stored in databases were made that way), with `|2`, `|3`… only where two posts share an instant.
    @Test func plannedIdsAreTheDocumentedHash() throws {
        let loaded = try StrategyLoader.parse(exampleStrategy, fileExists: { BundledFiles.text($0) != nil })
        let plan = try Planner.plan(PlanRequest(strategy: loaded.strategy, period: quarter()))
        var seen = Set<String>()
        for p in plan.posts.sorted(by: { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }) {
            let base = Post.makeID("\(p.channel)|\(p.scheduledAt.isoUTC)")
            let candidates = [base] + (2...5).map { Post.makeID("\(p.channel)|\(p.scheduledAt.isoUTC)|\($0)") }
            #expect(candidates.contains(p.id), "\(p.id) on \(p.channel) at \(p.scheduledAt.isoUTC)")
            seen.insert(p.id)
        }
        #expect(seen.count == plan.posts.count)
        #expect(plan.posts.filter { $0.id == Post.makeID("\($0.channel)|\($0.scheduledAt.isoUTC)") }.count > plan.posts.count / 2)
    }

    @Test func replanningAStoredPlanChangesNothing() throws {
        let s = try strategy()
        let first = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        #expect(first.changes.added.count == first.posts.count)
        let second = try Planner.plan(PlanRequest(strategy: s, period: quarter(), existing: stored(first), existingTasks: first.shareTasks))
        #expect(second.changes.isEmpty)
        #expect(second.changes.unchanged == first.posts.count)
        #expect(second.posts == first.posts)
    }

    @Test func planningMonthByMonthGivesTheSameSlotsAsTheQuarter() throws {
        let s = try strategy()
        let q = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        var months: [Post] = []
        for m in ["2027-01", "2027-02", "2027-03"] {
            months += try Planner.plan(PlanRequest(strategy: s, period: PeriodName.parse(m)!, existing: months)).posts
        }
        #expect(Set(months.map(\.id)) == Set(q.posts.map(\.id)))
    }

    @Test func replanningKeepsApprovedAndLockedPosts() throws {
        let s = try strategy()
        let first = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        var stored = first.posts
        // Approve one and move it by an hour; lock another.
        stored[3].status = .approved
        stored[3].scheduledAt = stored[3].scheduledAt.addingTimeInterval(3600)
        stored[5].locked = true
        stored[5].kind = .socialProof
        let second = try Planner.plan(PlanRequest(strategy: s, period: quarter(), existing: stored))
        #expect(second.kept.map(\.id).sorted() == [stored[3].id, stored[5].id].sorted())
        #expect(!second.posts.contains { $0.id == stored[3].id || $0.id == stored[5].id })
        let request = PlanRequest(strategy: s, period: quarter(), existing: stored)
        #expect(hardRuleViolations(second, request).isEmpty)
        // The approved post's week still has exactly the cadence's number of posts.
        let week = s.clock.localDate(stored[3].scheduledAt).startOfWeek
        let inWeek = second.allPosts.filter { $0.channel == stored[3].channel && s.clock.localDate($0.scheduledAt).startOfWeek == week }
        #expect(inWeek.count == s.channel(stored[3].channel)!.postsPerWeek)
        #expect(second.changes.removed.isEmpty || second.changes.moved.count + second.changes.removed.count <= 2)
    }

    /// A quarter approved in full and planned again: the campaign step the first plan left out (no room) finds every
    /// slot of its window taken by kept posts; it is left out again, with that reason, and nothing changes.
    @Test func replanningAQuarterApprovedInFullChangesNothing() throws {
        let loaded = try StrategyLoader.parse(exampleStrategy, fileExists: { BundledFiles.text($0) != nil })
        let first = try Planner.plan(PlanRequest(strategy: loaded.strategy, period: quarter()))
        let leftOut = first.report.channels.flatMap { c in c.skippedSteps.map { (c.channel, $0) } }
        #expect(!leftOut.isEmpty, "the example leaves a step out, which is what this checks")
        let approved = first.posts.map { p -> Post in
            var p = p
            p.status = .approved
            return p
        }
        let second = try Planner.plan(PlanRequest(strategy: loaded.strategy, period: quarter(), existing: approved,
                                                  existingTasks: first.shareTasks))
        #expect(second.posts.isEmpty)
        #expect(second.kept.count == approved.count)
        #expect(second.changes.added.isEmpty && second.changes.removed.isEmpty && second.changes.moved.isEmpty)
        let again = second.report.channels.flatMap { c in c.skippedSteps.map { (c.channel, $0) } }
        #expect(again.map { "\($0.0)/\($0.1.campaign)/\($0.1.step)" } == leftOut.map { "\($0.0)/\($0.1.campaign)/\($0.1.step)" })
        #expect(again.allSatisfy { $0.1.reason.contains("is taken by a kept post") }, "\(again)")
    }

    @Test func theExampleStrategyPlansCleanly() throws {
        let loaded = try StrategyLoader.parse(exampleStrategy, fileExists: { BundledFiles.text($0) != nil })
        let request = PlanRequest(strategy: loaded.strategy, period: quarter())
        let plan = try Planner.plan(request)
        #expect(hardRuleViolations(plan, request).isEmpty)
        #expect(plan.report.unassigned.isEmpty, "\(plan.report.unassigned.map(\.reason))")
        #expect(plan.posts.count > 120)
    }

    @Test func neverPlansThePast() throws {
        let s = try strategy()
        let now = Date(iso: "2027-02-10T12:00:00Z")!
        let plan = try Planner.plan(PlanRequest(strategy: s, period: quarter(), notBefore: now))
        #expect(plan.posts.allSatisfy { $0.scheduledAt >= now })
        #expect(!plan.posts.isEmpty)
    }
}

@Suite struct ParallelPlanningTests {
    /// Channels are laid out on several threads and the report is counted beside the share tasks: the plan must be
    /// exactly the one a single thread makes — posts, share tasks, changes and every line of the report.
    @Test(arguments: [2, 3, 8])
    func threadsDoNotChangeThePlan(workers: Int) throws {
        let loaded = try StrategyLoader.parse(exampleStrategy, fileExists: { BundledFiles.text($0) != nil })
        let first = try Planner.plan(PlanRequest(strategy: loaded.strategy, period: quarter()), workers: 1)
        // A re-plan too, with a kept post and stored ones to compare with.
        var stored = first.posts
        stored[5].locked = true
        stored[9].status = .approved
        for (request, one) in [(PlanRequest(strategy: loaded.strategy, period: quarter()), first),
                               (PlanRequest(strategy: loaded.strategy, period: quarter(), existing: stored),
                                try Planner.plan(PlanRequest(strategy: loaded.strategy, period: quarter(), existing: stored), workers: 1))] {
            let many = try Planner.plan(request, workers: workers)
            #expect(many.posts == one.posts)
            #expect(many.shareTasks == one.shareTasks)
            #expect(many.kept == one.kept)
            #expect(String(describing: many.changes) == String(describing: one.changes))
            // Every line of the report (goals' counts by kind are dictionaries, whose printed order varies).
            #expect(String(describing: many.report.channels) == String(describing: one.report.channels))
            #expect(String(describing: many.report.people) == String(describing: one.report.people))
            #expect(String(describing: many.report.unassigned) == String(describing: one.report.unassigned))
            #expect(String(describing: many.report.observances) == String(describing: one.report.observances))
            #expect(many.report.goals.map(\.goal) == one.report.goals.map(\.goal))
            #expect(many.report.goals.map(\.posts) == one.report.goals.map(\.posts))
            #expect(many.report.goals.map(\.byKind) == one.report.goals.map(\.byKind))
        }
        #expect(Set(first.posts.map(\.channel)).count >= 4)
        #expect(first.shareTasks.count > 0)
    }
}

/// The campaign search checks the promotional-run limit at every step, with each week's runs remembered: the answer
/// must be the one worked out from scratch, week by week, for any steps and kept posts.
@Suite struct PromoRunTests {
    /// The check as it was before the weeks were remembered: every touched week laid out and walked in one sequence.
    func reference(_ p: StepPlacer, steps: [Slot]) -> Int {
        let stepSet = Set(steps)
        var weeks = p.keptPromotionalWeeks
        for s in steps { weeks.insert(s.date.startOfWeek) }
        var touched = Set<LocalDate>()
        for w in weeks { touched.insert(w.adding(days: -7)); touched.insert(w); touched.insert(w.adding(days: 7)) }
        let stepsByWeek = Dictionary(grouping: steps, by: { $0.date.startOfWeek })
        var best = 0, run = 0
        for week in touched.sorted() {
            let stepsHere = stepsByWeek[week] ?? [], keptHere = p.keptByWeek[week] ?? []
            let regular = WeekLayout.regularSlots(cadence: p.cadence[week] ?? [], steps: stepsHere,
                                                  keptInstants: keptHere.map(\.instant), budget: p.channel.postsPerWeek)
            var seq: [(Date, Bool)] = []
            for s in regular where !stepSet.contains(s) { seq.append((s.instant, false)) }
            for s in stepsHere { seq.append((s.instant, true)) }
            for k in keptHere where k.active { seq.append((k.instant, k.promotional)) }
            seq.sort { $0.0 < $1.0 }
            for (_, promo) in seq {
                run = promo ? run + 1 : 0
                best = max(best, run)
            }
        }
        return best
    }

    @Test func rememberedWeeksGiveTheRunsWorkedOutFromScratch() throws {
        let s = try strategy()
        var random = SeededRandom(seed: 42)
        var compared = 0, nonZero = 0
        for channel in s.channels {
            let maker = SlotMaker(channel: channel, clock: s.clock)
            let range = DateRange(start: LocalDate(iso: "2027-01-04")!, end: LocalDate(iso: "2027-03-28")!)
            let (slots, _) = maker.slots(in: range, calendar: CalendarDays())
            let cadence = Dictionary(grouping: slots, by: { $0.date.startOfWeek })
            let weeks = cadence.keys.sorted()
            for round in 0..<40 {
                // Kept posts: some on cadence slots, some between them; promotional or not; some no longer going out.
                var kept: [KeptMark] = []
                for _ in 0..<Int.random(in: 0...6, using: &random) {
                    let week = weeks.randomElement(using: &random)!
                    let grid = maker.gridSlots(weekStart: week)
                    let at = grid.randomElement(using: &random)!.instant.addingTimeInterval(Bool.random(using: &random) ? 0 : 1_800)
                    guard !kept.contains(where: { $0.instant == at }) else { continue }
                    kept.append(KeptMark(instant: at, promotional: Bool.random(using: &random), week: week,
                                         active: Int.random(in: 0..<5, using: &random) > 0))
                }
                let placer = StepPlacer(channel: channel, maker: maker, calendar: CalendarDays(), maxInARow: 1,
                                        cadence: cadence, kept: kept)
                // One memo across many step sets, as in a search, and a fresh one each time.
                var memo: [WeekKey: WeekRuns] = [:]
                for _ in 0..<25 {
                    var steps: [Slot] = []
                    for _ in 0..<Int.random(in: 0...(round % 2 == 0 ? 4 : 12), using: &random) {
                        let week = weeks.randomElement(using: &random)!
                        let slot = maker.gridSlots(weekStart: week).randomElement(using: &random)!
                        if !steps.contains(slot), !kept.contains(where: { $0.instant == slot.instant }) { steps.append(slot) }
                    }
                    let expected = reference(placer, steps: steps)
                    #expect(placer.longestPromoRun(steps: steps, memo: &memo) == expected, "\(channel.id) round \(round): \(steps)")
                    #expect(placer.longestPromoRun(steps: steps.reversed()) == expected)
                    compared += 1
                    if expected > 1 { nonZero += 1 }
                }
            }
        }
        #expect(compared == 2 * 40 * 25)
        // The inputs reach runs longer than one, where chaining weeks matters.
        #expect(nonZero > 100)
    }
}
