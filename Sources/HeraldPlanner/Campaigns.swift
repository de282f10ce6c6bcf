import Foundation
import HeraldModel

/// One post a campaign needs on one channel: which step, when ideally, and the days it may move within.
struct StepNeed: Sendable {
    let campaign: Campaign
    let step: CampaignStep
    let ideal: LocalDate
    let window: DateRange

    var kind: ContentKind { campaign.kind.contentKind }

    /// The series a campaign expands into, with each step's ideal day and window.
    ///
    /// - contest: announce on the first day (up to 3 days later), a reminder around the middle (campaigns of a
    ///   week or more), a last call the day before it ends (from 3 days before to the last day), winners after it
    ///   ends (within a week).
    /// - discount: launch on the first day (up to 3 days later), a last call the day before it ends (campaigns of
    ///   3 days or more).
    static func series(_ c: Campaign) -> [StepNeed] {
        let s = c.dates.start, e = c.dates.end, n = c.dates.dayCount
        var out: [StepNeed] = []
        func add(_ step: CampaignStep, _ ideal: LocalDate, _ from: LocalDate, _ to: LocalDate) {
            guard from <= to else { return }
            out.append(StepNeed(campaign: c, step: step, ideal: ideal, window: DateRange(start: from, end: to)))
        }
        let opening: CampaignStep = c.kind == .contest ? .announce : .launch
        add(opening, s, s, min(s.adding(days: 3), n >= 3 ? e.adding(days: -2) : e))
        if c.kind == .contest, n >= 7 {
            add(.reminder, s.adding(days: (n - 1) / 2), s.adding(days: 2), e.adding(days: -3))
        }
        if n >= 3 {
            add(.lastCall, e.adding(days: -1), max(s.adding(days: 1), e.adding(days: -3)), e)
        }
        if c.kind == .contest {
            add(.winners, e.adding(days: 1), e.adding(days: 1), e.adding(days: 7))
        }
        return out
    }
}

/// Places a channel's campaign steps on its allowed days and times, honouring no-promo days, the weekly
/// cadence and the maximum of promotional posts in a row. A small depth-first search: steps are few.
struct StepPlacer {
    let channel: Channel
    let maker: SlotMaker
    let calendar: CalendarDays
    let maxInARow: Int
    /// Cadence slots per week (after blackout moves).
    let cadence: [LocalDate: [Slot]]
    /// Instants already taken by kept posts, with whether each is promotional.
    let kept: [KeptMark]
    /// `kept` by week, and the weeks with a promotional kept post (looked up at every step of the search).
    let keptByWeek: [LocalDate: [KeptMark]]
    let keptPromotionalWeeks: Set<LocalDate>
    /// Re-planning: where the stored plan had each step ("campaign/step"), tried first so steps stay where they were.
    var previous: [String: Date] = [:]
    /// Re-planning: cadence slots the stored plan left empty (see `WeekLayout.regularSlots`).
    var vacant: Set<Date> = []

    init(channel: Channel, maker: SlotMaker, calendar: CalendarDays, maxInARow: Int, cadence: [LocalDate: [Slot]], kept: [KeptMark]) {
        self.channel = channel; self.maker = maker; self.calendar = calendar; self.maxInARow = maxInARow
        self.cadence = cadence; self.kept = kept
        keptByWeek = Dictionary(grouping: kept, by: \.week)
        keptPromotionalWeeks = Set(kept.filter(\.promotional).map(\.week))
    }

    struct Outcome {
        var placed: [(need: StepNeed, slot: Slot)] = []
        var skipped: [(need: StepNeed, reason: String)] = []
        var problems: [PlanProblem] = []
    }

    func place(_ needs: [StepNeed]) -> Outcome {
        var outcome = Outcome()
        var candidates: [[Slot]] = []
        var active: [StepNeed] = []
        let keptInstants = Set(kept.map(\.instant))
        let cadenceSet = Set(cadence.values.flatMap { $0 })
        for need in needs {
            let weeks = Set(need.window.days.map(\.startOfWeek))
            let grid = weeks.sorted().flatMap { maker.gridSlots(weekStart: $0) }.filter { need.window.contains($0.date) }
            if grid.isEmpty {
                let days = channel.days.map(\.shortName).joined(separator: ", ")
                outcome.skipped.append((need, "\(channel.id) posts only on \(days); no such day between \(need.window.start) and \(need.window.end)"))
                continue
            }
            let usable = grid.filter { !calendar.isNoPromo($0.date) && !keptInstants.contains($0.instant) }
            if usable.isEmpty {
                let blocked = grid.compactMap { slot in calendar.noPromoName(slot.date).map { "\(slot.date) (\($0))" } }
                // Only kept posts in the way of a step the plan may give up (a reminder, last call or winners post):
                // the posts someone approved or locked stand, and the step is left out and reported, as when the
                // cadence has no room for it. Re-planning a quarter approved in full must not fail over a step the
                // first plan already left out.
                if blocked.isEmpty, need.step != .announce, need.step != .launch {
                    outcome.skipped.append((need, "every \(channel.id) slot between \(need.window.start) and \(need.window.end) is taken by a kept post"))
                    continue
                }
                let why = blocked.isEmpty ? "every slot there is taken by a kept post" : "no promotion on \(Set(blocked).sorted().joined(separator: ", "))"
                outcome.problems.append(PlanProblem(
                    rule: "campaign dates", channel: channel.id,
                    message: "campaign '\(need.campaign.id)' needs its \(need.step.label) post on \(channel.id) between \(need.window.start) and \(need.window.end), but \(why).",
                    fix: "move the campaign's dates, allow another weekday on \(channel.id), or take \(channel.id) off the campaign."))
                continue
            }
            let before = previous["\(need.campaign.id)/\(need.step.rawValue)"]
            candidates.append(usable.sorted { a, b in
                let ka = (a.instant == before ? 0 : 1, abs(a.date.days(to: need.ideal)), a.date > need.ideal ? 1 : 0, cadenceSet.contains(a) ? 0 : 1, a.instant)
                let kb = (b.instant == before ? 0 : 1, abs(b.date.days(to: need.ideal)), b.date > need.ideal ? 1 : 0, cadenceSet.contains(b) ? 0 : 1, b.instant)
                return ka < kb
            })
            active.append(need)
        }
        guard !active.isEmpty else { return outcome }

        // Place as many steps as the slots allow. Steps whose weeks (and the weeks either side) do not meet cannot
        // affect one another, so each cluster of them is solved on its own: every step if they fit; else the fewest
        // left out, trying the least important first (reminders, then last calls, then winners; later ones first).
        // Opening posts (announce, launch) are never given up: without room for them the plan fails.
        var placedAt: [Int: Slot] = [:]
        var dropped = Set<Int>()
        var failed: [[Int]] = []
        for group in clusters(active) {
            if let best = bestSubset(group, active: active, candidates: candidates) {
                for (i, slot) in best.placed { placedAt[i] = slot }
                dropped.formUnion(best.dropped)
            } else {
                failed.append(group)
            }
        }
        // Clusters are independent unless a run of promotional posts spans the weeks between them (a week with no
        // regular post): then they are solved together.
        if failed.isEmpty, longestPromoRun(steps: Array(placedAt.values)) > maxInARow {
            placedAt = [:]; dropped = []
            if let best = bestSubset(Array(active.indices), active: active, candidates: candidates) {
                for (i, slot) in best.placed { placedAt[i] = slot }
                dropped = best.dropped
            } else {
                failed = [Array(active.indices)]
            }
        }
        for group in failed {
            let names = Set(group.map { active[$0].campaign.id }).sorted().map { "'\($0)'" }.joined(separator: ", ")
            outcome.problems.append(PlanProblem(
                rule: "rules.max_promotional_in_a_row", channel: channel.id,
                message: "the opening posts of \(names) on \(channel.id) cannot be placed without more than \(maxInARow) promotional post\(maxInARow == 1 ? "" : "s") in a row or more than \(channel.postsPerWeek) post\(channel.postsPerWeek == 1 ? "" : "s") a week.",
                fix: "space the campaigns further apart, raise rules.max_promotional_in_a_row, or raise \(channel.id)'s posts_per_week."))
        }
        guard failed.isEmpty else { return outcome }
        let order = placedAt.keys.sorted()
        outcome.placed = order.map { (active[$0], placedAt[$0]!) }
        let placedSteps = order.map { (need: active[$0], slot: placedAt[$0]!) }
        for i in dropped.sorted() {
            outcome.skipped.append((active[i], "no room on \(channel.id): " + blocker(active[i], candidates[i], placed: placedSteps)))
        }
        return outcome
    }

    /// Steps in groups whose weeks, one week either side included, overlap: groups that cannot affect one another.
    func clusters(_ needs: [StepNeed]) -> [[Int]] {
        let spans = needs.indices.map { i in
            (i, needs[i].window.start.startOfWeek.adding(days: -7), needs[i].window.end.startOfWeek.adding(days: 7))
        }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        var groups: [[Int]] = []
        var end: LocalDate?
        for (i, from, to) in spans {
            if let e = end, from <= e {
                groups[groups.count - 1].append(i)
                end = max(e, to)
            } else {
                groups.append([i])
                end = to
            }
        }
        return groups.map { $0.sorted() }
    }

    /// The most steps of `group` that fit together (every opening among them), with their slots and the steps left
    /// out; nil when the openings do not fit. A branch-and-bound search: steps in order of importance (openings, winners,
    /// last calls, reminders), each on its slots in order of preference and then (unless an opening) left out, cut off
    /// where it cannot beat the best found (at first the openings and, greedily, the steps that fit beside them); of
    /// equally many steps, the more important are kept. A search that runs past its budget keeps the best found.
    func bestSubset(_ group: [Int], active: [StepNeed], candidates: [[Slot]]) -> (placed: [(Int, Slot)], dropped: Set<Int>)? {
        func rank(_ step: CampaignStep) -> Int {
            switch step {
            case .announce, .launch: 0
            case .winners: 1
            case .lastCall: 2
            default: 3
            }
        }
        let order = group.sorted { (rank(active[$0].step), active[$0].window.start, $0) < (rank(active[$1].step), active[$1].window.start, $1) }
        let mandatory = order.map { rank(active[$0].step) == 0 }
        let keptPerWeek = keptByWeek.mapValues(\.count)
        var memo: [WeekKey: WeekRuns] = [:]
        var chosen: [Slot?] = Array(repeating: nil, count: order.count)
        var best: [Slot?]?
        var bestCount = -1
        var nodes = 0
        let budget = 5_000
        // The steps placed so far, kept up to date so each check looks only at what a new step changes: its slot, its
        // week's count, and the run of promotional posts through its week (the rest was checked when it was placed,
        // and a step placed only adds to runs through its own week).
        var picked = Set<Slot>()
        var perWeek: [LocalDate: Int] = [:]
        var stepsByWeek: [LocalDate: [Slot]] = [:]
        let weeks = cadence.keys.sorted()
        let known = weeks + kept.map(\.week)
        let firstWeek = known.min() ?? LocalDate(year: 2000, month: 1, day: 1)!, lastWeek = known.max() ?? firstWeek
        func summary(_ week: LocalDate) -> WeekRuns {
            let key = WeekKey(week: week, steps: (stepsByWeek[week] ?? []).sorted())
            if let known = memo[key] { return known }
            let runs = weekRuns(key)
            memo[key] = runs
            return runs
        }
        /// The longest promotional run through `week`: weeks either side are taken in while every post in them is
        /// promotional (a run goes on through them), plus the first that is not.
        func runThrough(_ week: LocalDate) -> Int {
            var start = week
            while start > firstWeek {
                start = start.adding(days: -7)
                let r = summary(start)
                if r.leading != r.count { break }
            }
            var end = week
            while end < lastWeek {
                end = end.adding(days: 7)
                let r = summary(end)
                if r.leading != r.count { break }
            }
            var best = 0, run = 0
            var w = start
            while w <= end {
                let here = summary(w)
                best = max(best, here.longest, run + here.leading)
                run = here.leading == here.count ? run + here.count : here.trailing
                w = w.adding(days: 7)
            }
            return best
        }
        func unplace(_ k: Int) {
            guard let slot = chosen[k] else { return }
            let week = slot.date.startOfWeek
            picked.remove(slot)
            perWeek[week]! -= 1
            stepsByWeek[week]!.removeAll { $0 == slot }
            chosen[k] = nil
        }
        /// Places step `k` on `slot` when the rules allow it (and leaves everything as it was when not).
        func place(_ k: Int, _ slot: Slot) -> Bool {
            guard !picked.contains(slot) else { return false }
            let week = slot.date.startOfWeek
            guard (perWeek[week] ?? 0) + 1 + (keptPerWeek[week] ?? 0) <= channel.postsPerWeek else { return false }
            picked.insert(slot)
            perWeek[week, default: 0] += 1
            stepsByWeek[week, default: []].append(slot)
            chosen[k] = slot
            if runThrough(week) > maxInARow { unplace(k); return false }
            return true
        }
        func go(_ i: Int, _ count: Int) {
            if bestCount == order.count || nodes > budget || count + (order.count - i) <= bestCount { return }
            if i == order.count { best = chosen; bestCount = count; return }
            for slot in candidates[order[i]] {
                nodes += 1
                if nodes > budget { return }
                if place(i, slot) {
                    go(i + 1, count + 1)
                    unplace(i)
                }
                if bestCount == order.count { return }
            }
            if !mandatory[i] { go(i + 1, count) }
        }
        // A first answer to improve on: the openings alone (when they do not fit, nothing does), then each other step,
        // most important first, on its first slot that keeps the rules. The search below then only looks for more.
        let openings = order.filter { rank(active[$0].step) == 0 }
        if openings.count < order.count {
            guard let openSlots = search(openings.map { candidates[$0] }) else { return nil }
            var fits = true
            for k in openings.indices where !place(k, openSlots[k]) { fits = false }
            for k in order.indices where fits && !mandatory[k] {
                for slot in candidates[order[k]] where place(k, slot) { break }
            }
            if fits {
                best = chosen
                bestCount = chosen.compactMap { $0 }.count
            }
            for k in order.indices { unplace(k) }
        }
        go(0, 0)
        if let best {
            var placed: [(Int, Slot)] = []
            var dropped = Set<Int>()
            for (k, i) in order.enumerated() { if let s = best[k] { placed.append((i, s)) } else { dropped.insert(i) } }
            return (placed.sorted { $0.0 < $1.0 }, dropped)
        }
        guard nodes > budget else { return nil }
        // Out of budget with nothing found: leave the least important steps out one by one.
        var out = Set<Int>()
        for i in order.reversed() {
            let keep = group.filter { !out.contains($0) }
            if let slots = search(keep.map { candidates[$0] }) { return (Array(zip(keep, slots)), out) }
            guard !mandatory[order.firstIndex(of: i)!] else { break }
            out.insert(i)
        }
        return nil
    }

    /// Why a left-out step fits nowhere, given the steps placed: for its best slots, the rule and the post in the way.
    func blocker(_ need: StepNeed, _ candidates: [Slot], placed: [(need: StepNeed, slot: Slot)]) -> String {
        func name(_ n: StepNeed) -> String { "'\(n.campaign.id)' \(n.step.label)" }
        func when(_ s: Slot) -> String { "\(s.date) \(s.time)" }
        let steps = placed.map(\.slot)
        var reasons: [String] = []
        for slot in candidates {
            let week = slot.date.startOfWeek
            if let other = placed.first(where: { $0.slot == slot }) {
                reasons.append("\(when(slot)) holds \(name(other.need))")
                continue
            }
            let stepsInWeek = placed.filter { $0.slot.date.startOfWeek == week }
            let keptInWeek = keptByWeek[week]?.count ?? 0
            if stepsInWeek.count + keptInWeek + 1 > channel.postsPerWeek {
                var what = stepsInWeek.map { "\(name($0.need)) (\(when($0.slot)))" }
                if keptInWeek > 0 { what.append("\(keptInWeek) kept post\(keptInWeek == 1 ? "" : "s")") }
                reasons.append("the week of \(week) is full (\(channel.postsPerWeek) a week): \(what.joined(separator: ", "))")
                continue
            }
            if longestPromoRun(steps: steps + [slot]) > maxInARow {
                // The promotional posts next to it: the placed step or kept promotional post nearest in time.
                let near = placed.min { abs($0.slot.instant.timeIntervalSince(slot.instant)) < abs($1.slot.instant.timeIntervalSince(slot.instant)) }
                let keptNear = kept.filter(\.promotional).min { abs($0.instant.timeIntervalSince(slot.instant)) < abs($1.instant.timeIntervalSince(slot.instant)) }
                var by = "a kept promotional post"
                if let near, keptNear.map({ abs(near.slot.instant.timeIntervalSince(slot.instant)) <= abs($0.instant.timeIntervalSince(slot.instant)) }) ?? true {
                    by = "\(name(near.need)) (\(when(near.slot)))"
                }
                reasons.append("\(when(slot)) would make more than \(maxInARow) promotional post\(maxInARow == 1 ? "" : "s") in a row with \(by) (rules.max_promotional_in_a_row)")
                continue
            }
            reasons.append("\(when(slot)) would leave another step no room")
        }
        var seen = Set<String>()
        let distinct = reasons.filter { seen.insert($0).inserted }
        let shown = distinct.prefix(3).joined(separator: "; ")
        return distinct.count > 3 ? "\(shown); and \(distinct.count - 3) more" : shown
    }

    /// A depth-first search for one slot per step that keeps slots distinct, the weekly cadence, and the
    /// promotional-run limit. Returns nil when there is none (or the search gets too long).
    func search(_ candidates: [[Slot]]) -> [Slot]? {
        var chosen: [Slot?] = Array(repeating: nil, count: candidates.count)
        var budget = 50_000
        let keptPerWeek = keptByWeek.mapValues(\.count)
        // Each check changes the steps of one week: the other weeks' runs come from here.
        var memo: [WeekKey: WeekRuns] = [:]
        func ok() -> Bool {
            let picked = chosen.compactMap { $0 }
            guard Set(picked).count == picked.count else { return false }
            var perWeek: [LocalDate: Int] = [:]
            for s in picked { perWeek[s.date.startOfWeek, default: 0] += 1 }
            for (week, n) in perWeek {
                if n + (keptPerWeek[week] ?? 0) > channel.postsPerWeek { return false }
            }
            return longestPromoRun(steps: picked, memo: &memo) <= maxInARow
        }
        func step(_ i: Int) -> Bool {
            if i == candidates.count { return true }
            for slot in candidates[i] {
                budget -= 1
                if budget < 0 { return false }
                chosen[i] = slot
                if ok(), step(i + 1) { return true }
                chosen[i] = nil
            }
            return false
        }
        return step(0) ? chosen.map { $0! } : nil
    }

    /// The longest run of promotional posts in the channel's sequence, with the given step slots in place.
    func longestPromoRun(steps: [Slot]) -> Int {
        var memo: [WeekKey: WeekRuns] = [:]
        return longestPromoRun(steps: steps, memo: &memo)
    }

    /// `longestPromoRun(steps:)`, with each week's runs remembered in `memo` by the week and its steps.
    func longestPromoRun(steps: [Slot], memo: inout [WeekKey: WeekRuns]) -> Int {
        var weeks = keptPromotionalWeeks
        for s in steps { weeks.insert(s.date.startOfWeek) }
        // Look at the weeks touched and their neighbours: runs cannot cross a week with a regular post. Every post of a
        // week comes before every post of the next, so the weeks are walked in order, each summarised on its own.
        var touched = Set<LocalDate>()
        for w in weeks { touched.insert(w.adding(days: -7)); touched.insert(w); touched.insert(w.adding(days: 7)) }
        let stepsByWeek = Dictionary(grouping: steps, by: { $0.date.startOfWeek })
        var best = 0, run = 0
        for week in touched.sorted() {
            let key = WeekKey(week: week, steps: (stepsByWeek[week] ?? []).sorted())
            let here: WeekRuns
            if let known = memo[key] { here = known } else { here = weekRuns(key); memo[key] = here }
            best = max(best, here.longest, run + here.leading)
            run = here.leading == here.count ? run + here.count : here.trailing
        }
        return best
    }

    /// One week's posts in time order — its regular slots left by the steps and kept posts, the steps, the kept posts
    /// that go out — summarised as runs of promotional posts. A cadence slot and a step on it share their week.
    func weekRuns(_ key: WeekKey) -> WeekRuns {
        let keptHere = keptByWeek[key.week] ?? []
        let regular = WeekLayout.regularSlots(cadence: cadence[key.week] ?? [], steps: key.steps,
                                              keptInstants: keptHere.map(\.instant), budget: channel.postsPerWeek, vacant: vacant)
        var seq: [(Date, Bool)] = []
        for s in regular where !key.steps.contains(s) { seq.append((s.instant, false)) }
        for s in key.steps { seq.append((s.instant, true)) }
        for k in keptHere where k.active { seq.append((k.instant, k.promotional)) }
        seq.sort { $0.0 < $1.0 }
        var leading = 0
        while leading < seq.count, seq[leading].1 { leading += 1 }
        var trailing = 0
        while trailing < seq.count, seq[seq.count - 1 - trailing].1 { trailing += 1 }
        var longest = 0, run = 0
        for (_, promo) in seq {
            run = promo ? run + 1 : 0
            longest = max(longest, run)
        }
        return WeekRuns(count: seq.count, leading: leading, trailing: trailing, longest: longest)
    }
}

/// A week with the campaign steps placed in it (in time order).
struct WeekKey: Hashable {
    let week: LocalDate
    let steps: [Slot]
}

/// A week's promotional runs, so weeks chain: a run carried into the week grows by `leading` (by `count` when every
/// post of the week is promotional); `trailing` is carried out; `longest` is the longest run inside the week alone.
struct WeekRuns {
    let count: Int
    let leading: Int
    let trailing: Int
    let longest: Int
}

/// A kept post as the placement sees it.
struct KeptMark: Sendable {
    let instant: Date
    let promotional: Bool
    let week: LocalDate
    /// Will be (or was) published: not cancelled, expired or failed.
    let active: Bool
}

/// How a week's posts are laid out once kept posts and campaign steps are in.
enum WeekLayout {
    /// The cadence slots left for regular posts: a step or kept post displaces the regular slot nearest to it (a slot
    /// in `vacant`, one the stored plan left empty, first: re-planning moves no other post), so the week keeps its
    /// number of posts.
    static func regularSlots(cadence: [Slot], steps: [Slot], keptInstants: [Date], budget: Int, vacant: Set<Date> = []) -> [Slot] {
        var free = cadence
        // A kept post at exactly a cadence slot takes it; the others displace the nearest slot.
        var floating: [Date] = []
        for k in keptInstants {
            if let i = free.firstIndex(where: { $0.instant == k }) { free.remove(at: i) } else { floating.append(k) }
        }
        for s in steps {
            if let i = free.firstIndex(of: s) { free.remove(at: i); continue }
            floating.append(s.instant)
        }
        for t in floating.sorted() {
            guard let i = free.indices.min(by: {
                (vacant.contains(free[$0].instant) ? 0 : 1, abs(free[$0].instant.timeIntervalSince(t)))
                    < (vacant.contains(free[$1].instant) ? 0 : 1, abs(free[$1].instant.timeIntervalSince(t)))
            }) else { break }
            free.remove(at: i)
        }
        let room = max(0, budget - keptInstants.count - steps.count)
        if free.count > room { free = Array(free.prefix(room)) }
        return free
    }
}
