import Foundation
import HeraldModel
@testable import HeraldPlanner
import HeraldResources
import HeraldStrategy
import HeraldTestSupport
import Testing

/// Re-planning starts from the stored plan and changes only what a rule forces (issue 21, part 1).
@Suite struct ReplanningTests {
    static let example = try! StrategyLoader.parse(exampleStrategy, fileExists: { BundledFiles.text($0) != nil }).strategy

    /// A one-post edit a person can make, as the CLI makes it (checked by `PostRules`, the post then locked).
    enum Edit: CaseIterable { case cancel, move, lock, kind, owner, approve }

    /// Applies `edit` to one post of `stored` picked by `rng`; nil when the edit the rules allow does not exist for it.
    static func apply(_ edit: Edit, to stored: [Post], strategy s: Strategy, rng: inout SeededRandom) -> (posts: [Post], id: String)? {
        var posts = stored
        let regular = posts.indices.filter { posts[$0].campaign == nil && posts[$0].status == .planned && !posts[$0].locked }
        guard !regular.isEmpty else { return nil }
        let i = regular[Int(rng.next() % UInt64(regular.count))]
        let rules = PostRules(strategy: s, calendar: CalendarDays())
        var p = posts[i]
        switch edit {
        case .cancel: p.status = .cancelled
        case .lock: p.locked = true
        case .approve: p.status = .approved
        case .kind:
            let kinds = ContentKind.plannable.filter { !$0.isPromotional && $0 != p.kind && ((s.channel(p.channel)!.mix ?? s.mix)[$0] ?? 0) > 0 }
            guard !kinds.isEmpty else { return nil }
            p.kind = kinds[Int(rng.next() % UInt64(kinds.count))]
            p.locked = true
        case .owner:
            let others = s.participants.filter { $0.id != p.owner && $0.channels.contains(p.channel) && $0.mayPost }
            guard !others.isEmpty else { return nil }
            p.owner = others[Int(rng.next() % UInt64(others.count))].id
            p.locked = true
        case .move:
            let channel = s.channel(p.channel)!
            let week = s.clock.localDate(p.scheduledAt).startOfWeek
            let taken = Set(posts.filter { $0.channel == p.channel }.map(\.scheduledAt))
            var grid: [Date] = []
            for day in channel.days {
                for time in channel.times {
                    let date = week.adding(days: day.rawValue - 1)
                    let t = s.clock.instant(date, time)
                    if !taken.contains(t), quarter().contains(date) { grid.append(t) }
                }
            }
            guard !grid.isEmpty else { return nil }
            p.scheduledAt = grid[Int(rng.next() % UInt64(grid.count))]
            p.locked = true
        }
        guard rules.violations(p, others: posts).isEmpty else { return nil }
        posts[i] = p
        return (posts, p.id)
    }

    /// Every post the re-plan moves, changes or removes has the rule that forced it.
    static func unexplained(_ c: PlanChanges) -> [String] {
        (c.removed.map(\.id) + c.moved.map(\.to.id) + c.changed.map(\.to.id)).filter { c.reasons[$0] == nil }
    }

    @Test(arguments: ["example", "base"])
    func aOnePostEditChangesNoOtherPost(name: String) throws {
        let s = name == "example" ? Self.example : try strategy()
        let first = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        var rng = SeededRandom(seed: 21)
        var tried = 0
        for round in 0..<60 {
            let edit = Edit.allCases[round % Edit.allCases.count]
            guard let (edited, id) = Self.apply(edit, to: first.posts, strategy: s, rng: &rng) else { continue }
            tried += 1
            let request = PlanRequest(strategy: s, period: quarter(), existing: edited, existingTasks: first.shareTasks)
            let again = try Planner.plan(request)
            let c = again.changes
            #expect(hardRuleViolations(again, request).isEmpty, "\(name) \(edit) \(id)")
            #expect(Self.unexplained(c).isEmpty, "\(name) \(edit) \(id): \(Self.unexplained(c))")
            switch edit {
            case .move:
                // Moving a post within its week changes nothing else: it takes a slot, and its old one stays empty.
                #expect(c.isEmpty, "\(name) move \(id): \(c.added.map(\.id)) \(c.removed.map(\.id)) \(c.moved.map(\.to.id)) \(c.changed.map(\.to.id)) \(c.reasons)")
            default:
                #expect(c.isEmpty, "\(name) \(edit) \(id): \(c.added.map(\.id)) added, \(c.removed.count) removed, \(c.moved.count) moved, \(c.changed.count) changed, \(c.reasons)")
            }
            #expect(c.unchanged == first.posts.count - 1 - (c.added.count - c.removed.count))
            // The same state gives the same plan, and storing it leaves nothing to change.
            let twice = try Planner.plan(request)
            #expect(twice.posts == again.posts)
            let storedAgain = edited.filter(Planner.isKept) + again.posts
            #expect(try Planner.plan(PlanRequest(strategy: s, period: quarter(), existing: storedAgain)).changes.isEmpty)
        }
        #expect(tried > 30)
    }

    @Test func anOwnerForcedOverCapacityMovesOnlyThatWeeksPostsAndSaysWhy() throws {
        let s = try strategy()
        let first = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        // Give Ewa (ig only, capacity 2) a third post in a week: one of her posts that week must go to someone else.
        let week = fullWeeks(quarter())[3]
        var stored = first.posts
        let inWeek = stored.indices.filter { s.clock.localDate(stored[$0].scheduledAt).startOfWeek == week && stored[$0].channel == "ig" }
        let ewas = inWeek.filter { stored[$0].owner == "ewa" }
        let others = inWeek.filter { stored[$0].owner != "ewa" }
        try #require(!others.isEmpty)
        for i in others.prefix(max(0, 3 - ewas.count)) {
            stored[i].owner = "ewa"
            stored[i].locked = true
        }
        let again = try Planner.plan(PlanRequest(strategy: s, period: quarter(), existing: stored))
        let c = again.changes
        #expect(c.added.isEmpty && c.removed.isEmpty && c.moved.isEmpty)
        #expect(!c.changed.isEmpty)
        for (from, to) in c.changed {
            #expect(from.owner == "ewa" && to.owner != "ewa")
            #expect(s.clock.localDate(to.scheduledAt).startOfWeek == week)
            #expect(from.kind == to.kind && from.topic == to.topic && from.goal == to.goal)
            #expect(c.reasons[to.id]?.contains("Ewa Wójcik is at capacity (2 a week) in the week of \(week)") == true, "\(c.reasons)")
        }
    }

    @Test func aChangeToOneChannelChangesNoPostOfAnother() throws {
        let before = Self.example
        let first = try Planner.plan(PlanRequest(strategy: before, period: quarter()))
        let edits: [(String, String)] = [
            ("    posts_per_week: 2\n    days: [tue, fri]", "    posts_per_week: 3\n    days: [tue, wed, fri]"),
            ("    times: [\"12:00\"]", "    times: [\"09:30\"]"),
            ("      informational: 0.45\n      engagement: 0.40", "      informational: 0.25\n      engagement: 0.60"),
        ]
        for edit in edits {
            let after = try StrategyLoader.parse(exampleStrategy.replacingOccurrences(of: edit.0, with: edit.1),
                                                 fileExists: { BundledFiles.text($0) != nil }).strategy
            let again = try Planner.plan(PlanRequest(strategy: after, period: quarter(), existing: first.posts))
            let c = again.changes
            #expect(Self.unexplained(c).isEmpty, "\(edit.1): \(Self.unexplained(c))")
            #expect(!c.isEmpty, "\(edit.1)")
            for p in c.added + c.removed + c.moved.map(\.to) { #expect(p.channel == "mastodon", "\(edit.1): \(p.channel)") }
            for (from, to) in c.changed where to.channel != "mastodon" {
                // Only owners, where capacity forces it.
                #expect(from.kind == to.kind && from.topic == to.topic && from.goal == to.goal && from.variant == to.variant)
                #expect(c.reasons[to.id]?.contains("capacity") == true)
            }
        }
    }

    @Test func addingAParticipantChangesNothingAndRemovingOneMovesOnlyTheirPosts() throws {
        let s = try strategy()
        let first = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        let added = try strategy(baseYAML, [("campaigns: []", "  - {id: jan, name: Jan Kowal, channels: [fb, ig], capacity_per_week: 3, trained: true, rules_accepted: true}\ncampaigns: []")])
        #expect(try Planner.plan(PlanRequest(strategy: added, period: quarter(), existing: first.posts)).changes.isEmpty)
        let removed = try strategy(baseYAML, [("  - {id: ewa, name: Ewa Wójcik, channels: [ig], capacity_per_week: 2, trained: true, rules_accepted: true}\n", "")])
        let again = try Planner.plan(PlanRequest(strategy: removed, period: quarter(), existing: first.posts))
        let c = again.changes
        let ewas = first.posts.filter { $0.owner == "ewa" }.count
        #expect(c.added.isEmpty && c.removed.isEmpty && c.moved.isEmpty)
        #expect(c.changed.filter { $0.from.owner == "ewa" }.count == ewas)
        #expect(c.changed.allSatisfy { $0.from.kind == $0.to.kind && $0.from.topic == $0.to.topic })
        #expect(c.changed.filter { $0.from.owner == "ewa" }.allSatisfy { c.reasons[$0.to.id]?.contains("ewa is no longer a participant") == true })
        #expect(Self.unexplained(c).isEmpty)
    }

    @Test func freshPlansFromScratch() throws {
        let s = Self.example
        let first = try Planner.plan(PlanRequest(strategy: s, period: quarter()))
        var stored = first.posts
        let i = stored.firstIndex { $0.channel == "instagram" && $0.kind == .informational }!
        stored[i].status = .cancelled
        var fresh = PlanRequest(strategy: s, period: quarter(), existing: stored)
        fresh.fresh = true
        let scratch = try Planner.plan(PlanRequest(strategy: s, period: quarter(), existing: [stored[i]]))
        #expect(try Planner.plan(fresh).posts == scratch.posts)
        #expect(try Planner.plan(PlanRequest(strategy: s, period: quarter(), existing: stored)).changes.isEmpty)
    }
}
