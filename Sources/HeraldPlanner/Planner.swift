import Foundation
import Synchronization
import HeraldModel

/// Builds a quarter's calendar from a strategy: pure, deterministic, no I/O.
///
/// Hard rules (a plan that breaks one is a bug): cadence slots on allowed days and times in the strategy's zone;
/// campaign series on their dates; spacing between contests and between discounts; no more promotional posts in a
/// row than allowed; no post on blackout days and no promotion on no-promo days; owners who cover the channel,
/// are trained, accepted the rules, are not off, and stay within capacity (or no owner, reported).
public enum Planner {
    public static func plan(_ request: PlanRequest) throws(PlanError) -> Plan {
        // Threads pay off from a few thousand posts; a brand's quarter (a hundred or so) takes less time on one thread
        // than starting the others.
        let posts = request.strategy.channels.reduce(0) { $0 + $1.postsPerWeek } * request.period.dayCount / 7
        return try plan(request, workers: posts >= 2_000 ? ProcessInfo.processInfo.activeProcessorCount : 1)
    }

    /// Plans with channels laid out on up to `workers` threads (tests compare one with several: the plan is the same).
    static func plan(_ request: PlanRequest, workers: Int) throws(PlanError) -> Plan {
        var builder = PlanBuilder(request)
        builder.workers = max(1, workers)
        return try builder.build()
    }

    /// Whether re-planning leaves a stored post alone.
    public static func isKept(_ post: Post) -> Bool { post.locked || post.status.isKeptByReplanning }
}

struct PlanBuilder {
    let request: PlanRequest
    let strategy: Strategy
    var clock: ZoneClock
    let period: DateRange
    var problems: [PlanProblem] = []
    var report = PlanReport()
    /// Threads the channels are laid out on.
    var workers = 1

    init(_ request: PlanRequest) {
        self.request = request
        strategy = request.strategy
        clock = ZoneClock.orUTC(request.strategy.timeZone)
        period = request.period
    }

    /// A post being planned, before it becomes a `Post`.
    struct Draft {
        var channel: Channel
        var slot: Slot
        var kind: ContentKind?
        var step: CampaignStep?
        var campaign: String?
        var goal: String?
        var owner: String?
        var topic: String?
        var variant = 0
        var id = ""
        /// The stored `planned` post this one continues (re-planning starts from the stored plan): its choices are kept
        /// unless a rule forces a change, and `why` says which.
        var previous: Post?
        var why: [String] = []
    }

    mutating func build() throws(PlanError) -> Plan {
        let kept = request.existing.filter(Planner.isKept)
        var drafts: [Draft] = []
        checkSpacing()
        let keptByChannel = Dictionary(grouping: kept, by: \.channel)
        // The stored plan re-planning starts from: the period's `planned` posts still to come (none with `fresh`).
        let replaceable = request.existing.filter { !Planner.isKept($0) && inPeriod($0.scheduledAt) && notPast($0.scheduledAt) }
        let previousByChannel = request.fresh ? [:] : Dictionary(grouping: replaceable, by: \.channel)
        var reasons: [String: String] = [:]
        for laid in layOutChannels(keptByChannel, previous: previousByChannel) {
            drafts += laid.drafts
            problems += laid.problems
            report.channels.append(laid.quality)
            reasons.merge(laid.removedReasons) { a, _ in a }
        }
        if !problems.isEmpty { throw .infeasible(problems) }
        drafts.sort { a, b in a.slot.instant != b.slot.instant ? a.slot.instant < b.slot.instant : a.channel.id < b.channel.id }
        let keptInPeriod = kept.filter { inPeriod($0.scheduledAt) }
        assignIDs(&drafts, kept: request.existing)
        assignGoals(&drafts, kept: keptInPeriod)
        assignTopicsAndVariants(&drafts)
        assignOwners(&drafts, kept: request.existing.filter { Planner.isKept($0) && $0.status != .cancelled })
        let posts = drafts.map { d in
            Post(id: d.id, channel: d.channel.id, network: d.channel.network, kind: d.kind ?? .informational, step: d.step,
                 campaign: d.campaign, goal: d.goal, owner: d.owner, scheduledAt: d.slot.instant, status: .planned,
                 topic: d.topic, variant: d.variant, source: .planner)
        }
        // Share tasks and the report's counts do not depend on each other: the report is worked out on another core
        // while the tasks are assigned (both take a noticeable part of an agency's year).
        // Each part is written by one thread; the locks only hand the results back.
        let sharesBox = Mutex<(tasks: [ShareTask], short: [String: Int])>(([], [:]))
        let reporter = Mutex(self)
        let planner = self
        if workers > 1 {
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                if part == 0 {
                    let made = planner.assignShares(posts)
                    sharesBox.withLock { $0 = made }
                } else {
                    reporter.withLock { $0.finishReport(posts: posts, kept: keptInPeriod) }
                }
            }
        } else {
            sharesBox.withLock { $0 = planner.assignShares(posts) }
            reporter.withLock { $0.finishReport(posts: posts, kept: keptInPeriod) }
        }
        report = reporter.withLock { $0.report }
        let shares = sharesBox.withLock { $0 }
        let tasks = shares.tasks
        recordShares(tasks, short: shares.short)
        var previousOf: [String: Post] = [:]
        for d in drafts {
            if let p = d.previous { previousOf[d.id] = p }
            if !d.why.isEmpty { reasons[d.id] = d.why.joined(separator: "; ") }
        }
        var changes = diff(old: replaceable, new: posts, previousOf: previousOf, pairMoves: request.fresh)
        if !reasons.isEmpty {
            let listed = Set(changes.removed.map(\.id) + changes.moved.map(\.to.id) + changes.changed.map(\.to.id))
            changes.reasons = reasons.filter { listed.contains($0.key) }
        }
        return Plan(period: period, posts: posts, kept: keptInPeriod, shareTasks: tasks, removed: changes.removed,
                    changes: changes, report: report)
    }

    func inPeriod(_ t: Date) -> Bool { period.contains(clock.localDate(t)) }
    func notPast(_ t: Date) -> Bool { request.notBefore.map { t >= $0 } ?? true }

    // MARK: Spacing between campaigns

    mutating func checkSpacing() {
        let reach = DateRange(start: period.start.adding(days: -60), end: period.end.adding(days: 60))
        for channel in strategy.channels {
            for kind in CampaignKind.allCases {
                let minDays = kind == .contest ? strategy.rules.minDaysBetweenContests : strategy.rules.minDaysBetweenDiscounts
                guard minDays > 0 else { continue }
                let list = strategy.campaigns.filter { $0.kind == kind && $0.channels.contains(channel.id) && $0.dates.overlaps(reach) }
                    .sorted { ($0.dates.start, $0.id) < ($1.dates.start, $1.id) }
                var clashes: [String] = []
                var tightest = Int.max
                var firstFix: String?
                for (a, b) in zip(list, list.dropFirst()) {
                    let gap = a.dates.start.days(to: b.dates.start)
                    guard gap < minDays else { continue }
                    clashes.append("'\(a.id)' (\(a.dates.start)) and '\(b.id)' (\(b.dates.start)) start \(gap) day\(gap == 1 ? "" : "s") apart")
                    tightest = min(tightest, gap)
                    if firstFix == nil { firstFix = "start '\(b.id)' on or after \(a.dates.start.adding(days: minDays))" }
                }
                guard !clashes.isEmpty else { continue }
                let rule = kind == .contest ? "rules.min_days_between_contests" : "rules.min_days_between_discounts"
                let inPeriod = list.filter { $0.dates.overlaps(period) }.count
                let capacity = period.dayCount / minDays + 1
                var fix = "\(firstFix!), take \(channel.id) off one of them, or lower \(rule) to \(tightest)."
                if inPeriod > capacity {
                    fix += " With \(minDays) days between \(kind.rawValue)s the period holds at most \(capacity) on \(channel.id); \(inPeriod) are asked for."
                }
                problems.append(PlanProblem(
                    rule: rule, channel: channel.id,
                    message: "\(kind.rawValue)s on \(channel.id) must start at least \(minDays) days apart, but " + clashes.joined(separator: "; ") + ".",
                    fix: fix))
            }
        }
    }

    // MARK: One channel's slots

    /// One channel laid out: its posts, what could not be placed, and its line of the report.
    struct ChannelLayout {
        var drafts: [Draft]
        var problems: [PlanProblem]
        var quality: PlanReport.ChannelQuality
        /// Why each stored planned post that no slot continues goes, by its id.
        var removedReasons: [String: String] = [:]
    }

    /// Lays out every channel, in the strategy's order. Channels do not depend on one another, so they are laid out on
    /// all cores (an agency's 200 channels take most of a plan's time); each worker has a clock of its own so they do
    /// not share its cache's lock. The result is the same as laying them out one by one.
    func layOutChannels(_ keptByChannel: [String: [Post]], previous: [String: [Post]]) -> [ChannelLayout] {
        let channels = strategy.channels
        let workers = min(channels.count, self.workers)
        guard workers > 1 else { return channels.map { planChannel($0, kept: keptByChannel[$0.id] ?? [], previous: previous[$0.id] ?? []) } }
        let results = Mutex([ChannelLayout?](repeating: nil, count: channels.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var builder = self
            builder.clock = ZoneClock(clock.timeZone)
            // Worker w takes channels w, w + workers, …, lays them out on its own and hands them in with one lock.
            var mine: [(Int, ChannelLayout)] = []
            for i in stride(from: worker, to: channels.count, by: workers) {
                mine.append((i, builder.planChannel(channels[i], kept: keptByChannel[channels[i].id] ?? [], previous: previous[channels[i].id] ?? [])))
            }
            results.withLock { for (i, layout) in mine { $0[i] = layout } }
        }
        return results.withLock { $0.map { $0! } }
    }

    func planChannel(_ channel: Channel, kept: [Post], previous: [Post]) -> ChannelLayout {
        let maker = SlotMaker(channel: channel, clock: clock)
        let around = DateRange(start: period.start.adding(days: -14), end: period.end.adding(days: 14))
        let campaigns = strategy.campaigns.filter { $0.channels.contains(channel.id) }
        var needs = campaigns.flatMap(StepNeed.series).filter { $0.window.overlaps(around) }
        // The range the channel is laid out over: the period and every campaign window touching it, in whole weeks.
        var start = period.start, end = period.end
        for n in needs { start = min(start, n.window.start); end = max(end, n.window.end) }
        let range = DateRange(start: start.startOfWeek, end: end.startOfWeek.adding(days: 6))
        let (slots, dropped) = maker.slots(in: range, calendar: request.calendar)
        let cadence = Dictionary(grouping: slots, by: { $0.date.startOfWeek })

        let keptHere = kept.filter { range.contains(clock.localDate($0.scheduledAt)) }
        let marks = keptHere.map { p in
            KeptMark(instant: p.scheduledAt, promotional: p.kind.isPromotional, week: clock.localDate(p.scheduledAt).startOfWeek,
                     active: ![.cancelled, .expired, .failed].contains(p.status))
        }
        let done = Set(keptHere.compactMap { p in p.campaign.flatMap { c in p.step.map { "\(c)/\($0.rawValue)" } } })
        needs.removeAll { done.contains("\($0.campaign.id)/\($0.step.rawValue)") }

        var previousSteps: [String: Date] = [:]
        for p in previous { if let c = p.campaign, let st = p.step { previousSteps["\(c)/\(st.rawValue)"] = p.scheduledAt } }
        var placer = StepPlacer(channel: channel, maker: maker, calendar: request.calendar,
                                maxInARow: strategy.rules.maxPromotionalInARow, cadence: cadence, kept: marks)
        placer.previous = previousSteps
        // Re-planning: the cadence slots the stored plan left empty (a cancelled post's slot stays taken).
        if !previous.isEmpty {
            let taken = Set(previous.map(\.scheduledAt) + keptHere.map(\.scheduledAt))
            placer.vacant = Set(slots.map(\.instant).filter { !taken.contains($0) })
        }
        let outcome = placer.place(needs)

        var drafts: [Draft] = []
        let stepSlots = Dictionary(grouping: outcome.placed, by: { $0.slot.date.startOfWeek })
        let keptByWeek = Dictionary(grouping: marks, by: \.week)
        let keptInstants = Set(marks.map(\.instant))
        var week = range.start
        while week <= range.end {
            let steps = stepSlots[week] ?? []
            let regular = WeekLayout.regularSlots(cadence: cadence[week] ?? [], steps: steps.map(\.slot),
                                                  keptInstants: (keptByWeek[week] ?? []).map(\.instant),
                                                  budget: channel.postsPerWeek, vacant: placer.vacant)
            for slot in regular where period.contains(slot.date) && notPast(slot.instant) && !keptInstants.contains(slot.instant) {
                drafts.append(Draft(channel: channel, slot: slot))
            }
            for (need, slot) in steps where period.contains(slot.date) && notPast(slot.instant) {
                drafts.append(Draft(channel: channel, slot: slot, kind: need.kind, step: need.step, campaign: need.campaign.id,
                                    goal: need.campaign.goal))
            }
            week = week.adding(days: 7)
        }
        drafts.sort { $0.slot < $1.slot }
        let removedReasons = continuePrevious(&drafts, previous: previous, channel: channel, slots: slots, kept: keptHere)
        allocateKinds(&drafts, channel: channel, kept: keptHere.filter { period.contains(clock.localDate($0.scheduledAt)) })

        var quality = PlanReport.ChannelQuality(
            channel: channel.id, network: channel.network, posts: 0, kinds: [], campaignPosts: 0, longestPromotionalRun: 0,
            closestPromotionalPosts: nil, monthsWithoutKind: [], blackoutDaysLost: dropped.map { ($0.0, $0.1) },
            skippedSteps: outcome.skipped.filter { $0.need.window.overlaps(period) }.map { ($0.need.campaign.id, $0.need.step, $0.reason) },
            shortOfSharers: 0)
        quality.blackoutDaysLost = dropped
        quality.stepsPlaced = drafts.filter { $0.campaign != nil }.count
            + keptHere.filter { $0.campaign != nil && $0.step != nil && $0.status != .cancelled && period.contains(clock.localDate($0.scheduledAt)) }.count
        quality.stepsPossible = quality.stepsPlaced + quality.skippedSteps.count
        return ChannelLayout(drafts: drafts, problems: outcome.problems, quality: quality, removedReasons: removedReasons)
    }

    // MARK: Re-planning from the stored plan

    /// Re-planning starts from the stored plan: each campaign step continues the stored post of the same step, and each
    /// regular slot the stored regular post at the same time (else one left over in the same week, in time order), and
    /// takes its kind. Returns, by id, why each stored post that no slot continues goes.
    func continuePrevious(_ drafts: inout [Draft], previous: [Post], channel: Channel, slots: [Slot], kept: [Post]) -> [String: String] {
        guard !previous.isEmpty else { return [:] }
        let mix = channel.mix ?? strategy.mix
        let ordered = previous.sorted { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }
        var used = Set<String>()
        var byStep: [String: Post] = [:]
        for p in ordered {
            if let c = p.campaign, let st = p.step, byStep["\(c)/\(st.rawValue)"] == nil { byStep["\(c)/\(st.rawValue)"] = p }
        }
        let slotSet = Set(slots.map(\.instant))
        let keptAt = Dictionary(kept.map { ($0.scheduledAt, $0) }, uniquingKeysWith: { a, _ in a })
        let stepAt = Dictionary(drafts.filter { $0.campaign != nil }.map { ($0.slot.instant, $0) }, uniquingKeysWith: { a, _ in a })
        func when(_ t: Date) -> String { let l = clock.local(t); return "\(l.date) \(l.time)" }
        /// Why a stored post's time no longer holds a post like it.
        func gone(_ p: Post) -> String {
            if let k = keptAt[p.scheduledAt] {
                return "its slot is taken by \(k.id) (\(k.locked ? "locked" : k.status.rawValue))"
            }
            if let st = stepAt[p.scheduledAt], let c = st.campaign, let step = st.step, p.campaign != c || p.step != step {
                return "its slot now carries campaign '\(c)' \(step.label)"
            }
            if !slotSet.contains(p.scheduledAt) {
                return "\(when(p.scheduledAt)) is no longer one of \(channel.id)'s slots (days, times, posts_per_week or a blackout day)"
            }
            let week = clock.localDate(p.scheduledAt).startOfWeek
            return "\(channel.id)'s week of \(week) has its \(channel.postsPerWeek) post\(channel.postsPerWeek == 1 ? "" : "s") without it (kept and campaign posts come first)"
        }
        func take(_ i: Int, _ p: Post) {
            used.insert(p.id)
            drafts[i].previous = p
            if drafts[i].campaign == nil {
                if (mix[p.kind] ?? 0) > 0 {
                    drafts[i].kind = p.kind
                } else {
                    drafts[i].why.append("\(p.kind.rawValue) is no longer in \(channel.id)'s mix")
                }
            }
            if p.scheduledAt != drafts[i].slot.instant {
                drafts[i].why.append("moved from \(when(p.scheduledAt)): \(gone(p))")
            }
        }
        for i in drafts.indices {
            guard let c = drafts[i].campaign, let st = drafts[i].step, let p = byStep["\(c)/\(st.rawValue)"] else { continue }
            take(i, p)
        }
        let regular = ordered.filter { $0.campaign == nil && !$0.kind.isPromotional && $0.kind != .crisis && !used.contains($0.id) }
        let regularAt = Dictionary(regular.map { ($0.scheduledAt, $0) }, uniquingKeysWith: { a, _ in a })
        for i in drafts.indices where drafts[i].campaign == nil {
            if let p = regularAt[drafts[i].slot.instant], !used.contains(p.id) { take(i, p) }
        }
        // The rest pair up within their week, in time order.
        let leftByWeek = Dictionary(grouping: regular.filter { !used.contains($0.id) }, by: { clock.localDate($0.scheduledAt).startOfWeek })
        if !leftByWeek.isEmpty {
            let open = drafts.indices.filter { drafts[$0].campaign == nil && drafts[$0].previous == nil }
            let openByWeek = Dictionary(grouping: open, by: { drafts[$0].slot.date.startOfWeek })
            for (week, left) in leftByWeek {
                for (i, p) in zip(openByWeek[week] ?? [], left) { take(i, p) }
            }
        }
        var reasons: [String: String] = [:]
        for p in ordered where !used.contains(p.id) { reasons[p.id] = gone(p) }
        return reasons
    }

    /// After re-planning kept the stored kinds: while a kind is two or more posts off its target (or one is in the mix no
    /// longer), the post of the most over-represented kind furthest from any post of the most under-represented kind
    /// changes kind. A plan from scratch never needs this.
    func rebalanceKinds(_ drafts: inout [Draft], channel: Channel, targets: [ContentKind: Int], counted: [Post]) {
        guard drafts.contains(where: { $0.previous != nil }) else { return }
        let regularKinds = ContentKind.plannable.filter { !$0.isPromotional }
        var count: [ContentKind: Int] = [:]
        for p in counted where !p.kind.isPromotional { count[p.kind, default: 0] += 1 }
        for d in drafts { if let k = d.kind, !k.isPromotional { count[k, default: 0] += 1 } }
        func dev(_ k: ContentKind) -> Int { (count[k] ?? 0) - (targets[k] ?? 0) }
        var guardCount = drafts.count
        while guardCount > 0 {
            guardCount -= 1
            guard let under = regularKinds.min(by: { (dev($0), $0.order) < (dev($1), $1.order) }),
                  let over = regularKinds.max(by: { (dev($0), -$0.order) < (dev($1), -$1.order) }),
                  dev(under) < 0, dev(over) > 0, dev(under) <= -2 || dev(over) >= 2 else { break }
            let others = drafts.filter { $0.kind == under }.map(\.slot.instant) + counted.filter { $0.kind == under }.map(\.scheduledAt)
            func distance(_ t: Date) -> Double { others.map { abs($0.timeIntervalSince(t)) }.min() ?? .infinity }
            let choices = drafts.indices.filter { drafts[$0].kind == over && drafts[$0].campaign == nil }
            guard let pick = choices.max(by: { distance(drafts[$0].slot.instant) < distance(drafts[$1].slot.instant) }) else { break }
            drafts[pick].why.append("mix: \(channel.id) had \(count[under] ?? 0) \(under.rawValue) posts for a target of \(targets[under] ?? 0) and \(count[over] ?? 0) \(over.rawValue) for \(targets[over] ?? 0)")
            drafts[pick].kind = under
            count[over, default: 0] -= 1
            count[under, default: 0] += 1
        }
    }

    // MARK: Content mix

    /// Gives each regular slot a kind so that the channel's mix (campaign and kept posts counted) matches the target
    /// shares as closely as whole posts allow, each kind spread evenly through the period.
    func allocateKinds(_ drafts: inout [Draft], channel: Channel, kept: [Post]) {
        let mix = channel.mix ?? strategy.mix
        let counted = kept.filter { $0.status != .cancelled && $0.kind != .crisis }
        let total = drafts.count + counted.count
        var have: [ContentKind: Int] = [:]
        for p in counted { have[p.kind, default: 0] += 1 }
        for d in drafts { if let k = d.kind { have[k, default: 0] += 1 } }
        let promo = (have[.contest] ?? 0) + (have[.discount] ?? 0)
        let regularKinds = ContentKind.plannable.filter { !$0.isPromotional }
        let shareSum = regularKinds.reduce(0) { $0 + (mix[$1] ?? 0) }
        let shares = shareSum > 0 ? regularKinds.map { (mix[$0] ?? 0) / shareSum } : regularKinds.map { $0 == .informational ? 1 : 0 }
        let targets = largestRemainder(shares, total: max(0, total - promo))
        var need: [ContentKind: Int] = [:]
        for (k, t) in zip(regularKinds, targets) { need[k] = max(0, t - (have[k] ?? 0)) }
        let free = drafts.indices.filter { drafts[$0].kind == nil }
        // Adjust when kept posts already exceed a target: hand the difference to the largest deficits.
        var sum = need.values.reduce(0, +)
        while sum < free.count {
            let k = regularKinds.max { a, b in
                (Double(need[a]!) - Double(free.count) * shares[regularKinds.firstIndex(of: a)!], -a.order)
                    > (Double(need[b]!) - Double(free.count) * shares[regularKinds.firstIndex(of: b)!], -b.order)
            }!
            need[k]! += 1; sum += 1
        }
        while sum > free.count, let k = regularKinds.reversed().first(where: { need[$0]! > 0 }) { need[k]! -= 1; sum -= 1 }
        // Spread over the channel's whole timeline, campaign and kept posts in place: at each free slot pick the kind
        // whose last post is longest ago for its ideal interval (the period divided by its posts), then the one
        // furthest behind its even pace, the pace being how far through the period's posts the slot is.
        let startT = clock.instant(period.start, LocalTime(hour: 0, minute: 0)!)
        let span = max(1, clock.instant(period.end.adding(days: 1), LocalTime(hour: 0, minute: 0)!).timeIntervalSince(startT))
        var fixed: [(Date, ContentKind)] = counted.filter { !$0.kind.isPromotional && inPeriod($0.scheduledAt) }.map { ($0.scheduledAt, $0.kind) }
        for d in drafts { if let k = d.kind, !k.isPromotional { fixed.append((d.slot.instant, k)) } }
        fixed.sort { $0.0 < $1.0 }
        var ideal: [ContentKind: Double] = [:]
        var last: [ContentKind: Double] = [:]
        for k in regularKinds {
            let n = need[k]! + fixed.filter { $0.1 == k }.count
            ideal[k] = span / Double(max(n, 1))
            last[k] = -ideal[k]! / 2
        }
        let times = (drafts.map(\.slot.instant) + counted.filter { inPeriod($0.scheduledAt) }.map(\.scheduledAt)).sorted()
        var given: [ContentKind: Int] = [:]
        var rank = 0, next = 0
        for idx in free {
            let t = drafts[idx].slot.instant
            while rank < times.count, times[rank] <= t { rank += 1 }
            while next < fixed.count, fixed[next].0 <= t { last[fixed[next].1] = fixed[next].0.timeIntervalSince(startT); next += 1 }
            let pace = Double(rank) / Double(max(times.count, 1))
            let at = t.timeIntervalSince(startT)
            let k = regularKinds.filter { (given[$0] ?? 0) < need[$0]! }.max { a, b in
                let ua = (at - last[a]!) / ideal[a]!, ub = (at - last[b]!) / ideal[b]!
                if abs(ua - ub) > 1e-9 { return ua < ub }
                let da = Double(need[a]!) * pace - Double(given[a] ?? 0)
                let db = Double(need[b]!) * pace - Double(given[b] ?? 0)
                return da != db ? da < db : a.order > b.order
            } ?? .informational
            drafts[idx].kind = k
            given[k, default: 0] += 1
            last[k] = at
        }
        // Then a branch-and-bound search for the most even spread (see `SpreadSearch`), starting from that allocation:
        // exact when it ends within its budget, as each channel of the bundled quarter does. A channel with more free
        // slots than a busy brand's quarter (an agency's year) keeps the allocation above: the search would spend its
        // whole budget there for little.
        if free.count > 1, free.count <= SpreadSearch.largestSearched {
            let index = Dictionary(uniqueKeysWithValues: regularKinds.enumerated().map { ($1, $0) })
            let search = SpreadSearch(
                free: free.map { drafts[$0].slot.instant.timeIntervalSince(startT) },
                fixed: fixed.filter { inPeriod($0.0) }.compactMap { f in index[f.1].map { (f.0.timeIntervalSince(startT), $0) } },
                counts: regularKinds.map { need[$0]! }, span: span)
            let found = search.best(from: free.map { index[drafts[$0].kind!]! })
            for (idx, k) in zip(free, found.kinds) { drafts[idx].kind = regularKinds[k] }
        }
        rebalanceKinds(&drafts, channel: channel, targets: Dictionary(uniqueKeysWithValues: zip(regularKinds, targets)), counted: counted)
    }

    // MARK: Ids, goals, topics, variants

    func assignIDs(_ drafts: inout [Draft], kept: [Post]) {
        var taken = Set(kept.filter(Planner.isKept).map(\.id))
        // An id is `Post.makeID("<channel>|<instant>")`, hashed here from the channel's part and the instant's text,
        // each worked out once (channels share their slot times): the same ids, without building a string per post.
        var channelHash: [String: UInt64] = [:]
        var instantText: [Date: String] = [:]
        for i in drafts.indices {
            let channel = drafts[i].channel.id, instant = drafts[i].slot.instant
            let prefix = channelHash[channel] ?? StableHash.value("\(channel)|")
            channelHash[channel] = prefix
            let iso = instantText[instant] ?? instant.isoUTC
            instantText[instant] = iso
            var id = "p-" + StableHash.hex(value: StableHash.value(continuing: prefix, iso), length: 8)
            var n = 2
            while taken.contains(id) { id = Post.makeID("\(channel)|\(iso)|\(n)"); n += 1 }
            taken.insert(id)
            drafts[i].id = id
        }
    }

    /// Each post serves a goal: campaign posts their campaign's; others the goal of a kind the post's kind serves,
    /// among the channel's goals, in proportion to the goals' weights.
    func assignGoals(_ drafts: inout [Draft], kept: [Post]) {
        var count: [String: Double] = [:]
        for p in kept { if let g = p.goal { count[g, default: 0] += 1 } }
        let order = Dictionary(uniqueKeysWithValues: strategy.goals.enumerated().map { ($1.id, $0) })
        for i in drafts.indices {
            if let g = drafts[i].goal { count[g, default: 0] += 1; continue }
            let kind = drafts[i].kind ?? .informational
            let channelGoals = strategy.goals.filter { drafts[i].channel.goals.contains($0.id) }
            let served = strategy.goalKinds(for: kind)
            var candidates = channelGoals.filter { served.contains($0.kind) }
            if candidates.isEmpty { candidates = channelGoals }
            if candidates.isEmpty { candidates = strategy.goals.filter { served.contains($0.kind) } }
            if candidates.isEmpty { candidates = strategy.goals }
            // Re-planning keeps the stored post's goal while its kind stays and the goal still fits.
            if let p = drafts[i].previous, p.kind == kind, let g = p.goal, candidates.contains(where: { $0.id == g }) {
                drafts[i].goal = g
                count[g, default: 0] += 1
                continue
            }
            if let p = drafts[i].previous, p.kind == kind, let g = p.goal {
                drafts[i].why.append("goal '\(g)' no longer fits a \(kind.rawValue) post on \(drafts[i].channel.id) (the channel's goals or kind_goals changed)")
            }
            guard let pick = candidates.min(by: { a, b in
                let ra = (count[a.id] ?? 0) / a.weight, rb = (count[b.id] ?? 0) / b.weight
                return ra != rb ? ra < rb : order[a.id]! < order[b.id]!
            }) else { continue }
            drafts[i].goal = pick.id
            count[pick.id, default: 0] += 1
        }
    }

    func assignTopicsAndVariants(_ drafts: inout [Draft]) {
        var topicIndex: [ContentKind: Int] = [:]
        var variantIndex: [String: Int] = [:]
        for i in drafts.indices {
            let kind = drafts[i].kind ?? .informational
            // Re-planning keeps the stored post's topic and variant while its kind (and step) stay.
            let same = drafts[i].previous.map { $0.kind == kind && $0.step == drafts[i].step } ?? false
            if let topics = strategy.topics[kind], !topics.isEmpty, drafts[i].campaign == nil {
                let n = topicIndex[kind, default: 0]
                let offset = Int(SeededRandom.value(seed: request.seed, "topic|\(kind.rawValue)") % UInt64(topics.count))
                if same, let t = drafts[i].previous?.topic, topics.contains(t) {
                    drafts[i].topic = t
                } else {
                    drafts[i].topic = topics[(offset + n) % topics.count]
                    if same, let t = drafts[i].previous?.topic { drafts[i].why.append("topic \"\(t)\" is no longer in the strategy's \(kind.rawValue) topics") }
                }
                topicIndex[kind] = n + 1
            } else if same, let t = drafts[i].previous?.topic, drafts[i].campaign == nil {
                drafts[i].why.append("topic \"\(t)\" is no longer in the strategy's \(kind.rawValue) topics")
            }
            let key = "\(drafts[i].channel.id)|\(kind.rawValue)|\(drafts[i].step?.rawValue ?? "")"
            let n = variantIndex[key, default: 0]
            let offset = Int(SeededRandom.value(seed: request.seed, "variant|\(key)") % 60)
            drafts[i].variant = same ? drafts[i].previous!.variant : offset + n
            variantIndex[key] = n + 1
        }
    }

    // MARK: Owners

    /// Who may own a channel's posts on any day (covers it, trained, rules accepted, writes its language), as indices
    /// into the strategy's participants, or why nobody.
    func candidates(_ channel: Channel) -> (speaking: [Int], reason: String?) {
        let people = strategy.participants
        let covering = people.indices.filter { people[$0].channels.contains(channel.id) }
        if covering.isEmpty { return ([], "nobody covers \(channel.id); add it to a participant's channels") }
        let ready = covering.filter { people[$0].mayPost }
        if ready.isEmpty {
            return ([], "nobody who covers \(channel.id) is trained and has accepted the rules (\(covering.map { people[$0].name }.joined(separator: ", ")))")
        }
        let language = channel.locale ?? strategy.locale
        let speaking = ready.filter { people[$0].languages.isEmpty || people[$0].languages.contains(language) }
        if speaking.isEmpty { return ([], "nobody who covers \(channel.id) writes '\(language)'") }
        return (speaking, nil)
    }

    /// Why nobody can own a post on `date`, or the indices of those who can; `candidates` is `candidates(channel)`,
    /// `timeOff` each participant's days off.
    func eligibility(_ channel: Channel, _ date: LocalDate, candidates: (speaking: [Int], reason: String?), timeOff: [[DateRange]])
        -> (eligible: [Int], reason: String?) {
        if let reason = candidates.reason { return ([], reason) }
        let speaking = candidates.speaking
        let present = speaking.filter { i in !timeOff[i].contains { $0.contains(date) } }
        if present.isEmpty {
            let people = strategy.participants
            return ([], "everyone who covers \(channel.id) is off on \(date) (\(speaking.map { people[$0].name }.joined(separator: ", ")))")
        }
        return (present, nil)
    }

    /// Gives each post an owner, week by week: the most constrained posts first, each to the eligible person with
    /// room who has the fewest posts that week, then overall, then by a seeded tie-break; when everyone eligible is
    /// full, a chain of reassignments may free someone. People are handled by their index in the strategy.
    mutating func assignOwners(_ drafts: inout [Draft], kept: [Post]) {
        let people = strategy.participants
        var index: [String: Int] = [:]
        for (i, p) in people.enumerated() where index[p.id] == nil { index[p.id] = i }
        let capacity = people.map(\.capacityPerWeek)
        // Posts per person per week and in the period, kept posts counted.
        var keptWeekLoad: [LocalDate: [Int: Int]] = [:]
        var total = [Int](repeating: 0, count: people.count)
        for p in kept {
            guard let o = p.owner, let i = index[o] else { continue }
            let w = clock.localDate(p.scheduledAt).startOfWeek
            keptWeekLoad[w, default: [:]][i, default: 0] += 1
            if inPeriod(p.scheduledAt) { total[i] += 1 }
        }
        let byWeek = Dictionary(grouping: drafts.indices, by: { drafts[$0].slot.date.startOfWeek })
        // Posts whose stored owner re-planning keeps (the leveling leaves them alone).
        var keepsOwner = [Bool](repeating: false, count: drafts.count)
        var replanning = false
        for i in drafts.indices where drafts[i].previous?.owner != nil { keepsOwner[i] = true; replanning = true }
        // Who may own each channel's posts depends only on the channel: work it out once per channel.
        var candidatesOf: [String: (speaking: [Int], reason: String?)] = [:]
        let timeOff = people.map(\.timeOff)
        for channel in strategy.channels where candidatesOf[channel.id] == nil { candidatesOf[channel.id] = candidates(channel) }
        // The FNV state after "<participant>|", so tie-break keys "<participant>|<week>" hash without building strings.
        let personHash = people.map { StableHash.value("\($0.id)|") }
        // Each person's place in id order (the reassignment search tries people in that order).
        var idRank = [Int](repeating: 0, count: people.count)
        for (rank, i) in people.indices.sorted(by: { people[$0].id < people[$1].id }).enumerated() { idRank[i] = rank }
        // What the rebalancing of period totals after the weeks needs (see `rebalanceTotals`): each week's posts and
        // loads, and who may own each post.
        var weekPosts: [[Int]] = []
        var weekLoads: [[Int]] = []
        let rebalancing = drafts.count < Self.rebalancedBelow
        var eligibleAll = [[Int]](repeating: [], count: rebalancing ? drafts.count : 0)
        for week in byWeek.keys.sorted() {
            var info: [(idx: Int, eligible: [Int])] = []
            let weekText = week.description
            var tieBreak = [UInt64?](repeating: nil, count: people.count)
            func tie(_ p: Int) -> UInt64 {
                if let v = tieBreak[p] { return v }
                let v = SeededRandom.value(seed: request.seed, hash: StableHash.value(continuing: personHash[p], weekText))
                tieBreak[p] = v
                return v
            }
            var weekLoad = [Int](repeating: 0, count: people.count)
            for (i, n) in keptWeekLoad[week] ?? [:] { weekLoad[i] = n }
            for idx in byWeek[week]! {
                let channel = drafts[idx].channel
                let cached = candidatesOf[channel.id] ?? candidates(channel)
                let (eligible, reason) = eligibility(channel, drafts[idx].slot.date, candidates: cached, timeOff: timeOff)
                if let reason {
                    report.unassigned.append(.init(post: drafts[idx].id, channel: drafts[idx].channel.id, date: drafts[idx].slot.date, reason: reason))
                } else {
                    info.append((idx, eligible))
                }
            }
            // Most constrained posts first, then by time.
            info.sort { ($0.eligible.count, drafts[$0.idx].slot.instant) < ($1.eligible.count, drafts[$1.idx].slot.instant) }
            let eligibleOf = Dictionary(info.map { ($0.idx, $0.eligible) }, uniquingKeysWith: { a, _ in a })
            var owner: [Int: Int] = [:]
            func room(_ p: Int) -> Int { capacity[p] - weekLoad[p] }
            // Re-planning keeps each stored post's owner (earliest posts first) while they may still own it and have room.
            var keeping = false
            for item in replanning ? info.sorted(by: { drafts[$0.idx].slot.instant < drafts[$1.idx].slot.instant }) : [] {
                guard let o = drafts[item.idx].previous?.owner, let p = index[o], item.eligible.contains(p), room(p) > 0 else { continue }
                owner[item.idx] = p
                weekLoad[p] += 1
                total[p] += 1
                keeping = true
            }
            for item in info where owner[item.idx] == nil {
                var pick: Int?
                // The one whose week would be least full for their capacity, then least loaded over the period for
                // their capacity (quarter totals in proportion to capacity), then a seeded tie-break.
                for p in item.eligible where room(p) > 0 {
                    guard let best = pick else { pick = p; continue }
                    let kp = (Double(total[p] + 1) / Double(capacity[p]), Double(weekLoad[p] + 1) / Double(capacity[p]), tie(p))
                    let kb = (Double(total[best] + 1) / Double(capacity[best]), Double(weekLoad[best] + 1) / Double(capacity[best]), tie(best))
                    if kp < kb { pick = p }
                }
                if let pick {
                    owner[item.idx] = pick
                    weekLoad[pick] += 1
                    total[pick] += 1
                    continue
                }
                // Everyone eligible is full: look for a chain of reassignments that frees someone (augmenting path).
                if let path = augment(from: item.idx, eligibleOf: eligibleOf, owner: owner, idRank: idRank, room: room) {
                    for (idx, person) in path { owner[idx] = person }
                    let last = path.last!.person
                    weekLoad[last] += 1
                    total[last] += 1
                    continue
                }
                let names = item.eligible.map { people[$0].name }
                report.unassigned.append(.init(
                    post: drafts[item.idx].id, channel: drafts[item.idx].channel.id, date: drafts[item.idx].slot.date,
                    reason: "everyone who covers \(drafts[item.idx].channel.id) is at weekly capacity (\(names.joined(separator: ", ")))"))
            }
            levelPeak(week: byWeek[week]!, eligibleOf: eligibleOf, owner: &owner, weekLoad: &weekLoad,
                      total: &total, capacity: capacity, idRank: idRank, fixed: keepsOwner)
            for (idx, p) in owner { drafts[idx].owner = people[p].id }
            if rebalancing {
                weekPosts.append(byWeek[week]!)
                weekLoads.append(weekLoad)
                for (idx, e) in eligibleOf { eligibleAll[idx] = e }
            }
            guard keeping || byWeek[week]!.contains(where: { drafts[$0].previous?.owner != nil }) else { continue }
            for idx in byWeek[week]! {
                guard let o = drafts[idx].previous?.owner, drafts[idx].owner != o else { continue }
                drafts[idx].why.append("owner: " + ownerLost(o, drafts[idx], week: week, eligible: eligibleOf[idx] ?? []))
            }
        }
        // A brand's plan (under `rebalancedBelow` posts) is rebalanced exactly; an agency's year keeps the weekly
        // assignment's totals (the greedy choice already follows capacity shares to within a post or so): the chains'
        // searches over a year of a dozen people's posts cost more than the rest of the owners' assignment.
        if rebalancing {
            rebalanceTotals(&drafts, weekPosts: weekPosts, weekLoads: &weekLoads, eligible: eligibleAll, total: &total,
                            capacity: capacity, idRank: idRank, fixed: keepsOwner, personIndex: index)
        }
    }

    /// Brings period totals within each group of people who may own the same channels as close to their capacity
    /// shares (the group's posts × capacity ÷ the group's capacity) as the weeks' peaks allow (issue 21, part 4). After
    /// the weekly assignment: while one member is more than a post further above their share than another, a post goes
    /// from the first to the second, directly or through a chain of hand-overs between members (in one week, or across
    /// weeks: whoever takes a post in a week with room hands one of theirs on in another), and never does a week's load
    /// rise above the group's highest load ÷ capacity that week. Each move makes the deviations from the shares strictly
    /// more even; the totals the weekly peaks allow form an M-convex set, on which a point no such move improves is the
    /// most even one (Murota), so when the moves stop no member's total can be closer to their share without another's
    /// moving further away than it. Posts whose stored owner re-planning keeps (`fixed`) do not move.
    /// Plans with fewer posts than this get their group totals rebalanced (`rebalanceTotals`).
    static let rebalancedBelow = 2_000

    func rebalanceTotals(_ drafts: inout [Draft], weekPosts: [[Int]], weekLoads: inout [[Int]], eligible: [[Int]],
                         total: inout [Int], capacity: [Int], idRank: [Int], fixed: [Bool], personIndex: [String: Int]) {
        let people = strategy.participants
        let weeks = weekPosts.count
        guard weeks > 0 else { return }
        // Groups: people with capacity who may own the same channels, in strategy order.
        var channelsOf = [[String]](repeating: [], count: people.count)
        for channel in strategy.channels { for i in candidates(channel).speaking { channelsOf[i].append(channel.id) } }
        var groupOf: [[String]: [Int]] = [:]
        var groupOrder: [[String]] = []
        for i in people.indices where capacity[i] > 0 && !channelsOf[i].isEmpty {
            if groupOf[channelsOf[i]] == nil { groupOrder.append(channelsOf[i]) }
            groupOf[channelsOf[i], default: []].append(i)
        }
        var ownerOf = drafts.map { $0.owner.flatMap { personIndex[$0] } ?? -1 }
        var weekOf = [Int](repeating: 0, count: drafts.count)
        for (w, list) in weekPosts.enumerated() { for idx in list { weekOf[idx] = w } }
        for key in groupOrder {
            let members = groupOf[key]!
            guard members.count > 1 else { continue }
            let m = members.count
            // Each person's place among the members (nil for others).
            var place = [Int](repeating: -1, count: people.count)
            for (k, i) in members.enumerated() { place[i] = k }
            func position(_ i: Int) -> Int? { place[i] >= 0 ? place[i] : nil }
            let posts = members.reduce(0) { $0 + total[$1] }
            let capSum = members.reduce(0) { $0 + capacity[$1] }
            let share = members.map { Double(posts) * Double(capacity[$0]) / Double(capSum) }
            // Each member's posts that may move, per week.
            var postsOf = [[Int]](repeating: [], count: m * weeks)
            var movable = 0
            for (w, list) in weekPosts.enumerated() {
                for idx in list where !fixed[idx] && ownerOf[idx] >= 0 {
                    guard let k = position(ownerOf[idx]), eligible[idx].contains(where: { $0 != ownerOf[idx] && position($0) != nil }) else { continue }
                    postsOf[k * weeks + w].append(idx)
                    movable += 1
                }
            }
            guard movable > 0 else { continue }
            func util(_ k: Int, _ w: Int) -> Double { Double(weekLoads[w][members[k]]) / Double(capacity[members[k]]) }
            /// The chain of hand-overs (post, from, to) that takes a post off member `a` in one of `weekRange`'s weeks
            /// and ends with a member for whom `isEnd` holds (the one with the smallest `key`, then id; `lowest`: no key
            /// can be smaller). Nodes are (member, week): the member has taken one post more that week; they hand one
            /// of theirs on in the same week, or in any week when `acrossWeeks` and `room` says the extra post fits.
            func chain(from a: Int, weekRange: Range<Int>, acrossWeeks: Bool, room: (Int, Int) -> Bool,
                       isEnd: (Int, Int) -> Bool, key: (Int, Int) -> Double, lowest: Double) -> [(idx: Int, from: Int, to: Int)]? {
                var parent = [(node: Int, idx: Int)?](repeating: nil, count: m * weeks)
                var queue: [Int] = []
                var head = 0
                var scannedAll = [Bool](repeating: false, count: m)
                func scan(_ giver: Int, from node: Int, weeksToScan: Range<Int>) {
                    for w in weeksToScan {
                        for idx in postsOf[giver * weeks + w] {
                            for person in eligible[idx] {
                                guard let y = position(person), y != a, y != giver else { continue }
                                let target = y * weeks + w
                                if parent[target] == nil { parent[target] = (node, idx); queue.append(target) }
                            }
                        }
                    }
                }
                scan(a, from: -1, weeksToScan: weekRange)
                var best: (node: Int, key: Double, rank: Int)?
                while head < queue.count {
                    let node = queue[head]; head += 1
                    let c = node / weeks, w = node % weeks
                    if isEnd(c, w) {
                        let k = key(c, w), r = idRank[members[c]]
                        if best.map({ (k, r) < ($0.key, $0.rank) }) ?? true {
                            best = (node, k, r)
                            if k <= lowest + 1e-12 { break }
                        }
                    }
                    if acrossWeeks && room(c, w) {
                        if !scannedAll[c] { scannedAll[c] = true; scan(c, from: node, weeksToScan: 0..<weeks) }
                    } else {
                        scan(c, from: node, weeksToScan: w..<(w + 1))
                    }
                }
                guard var node = best?.node else { return nil }
                var path: [(idx: Int, from: Int, to: Int)] = []
                while node >= 0, let link = parent[node] {
                    path.append((link.idx, link.node >= 0 ? link.node / weeks : a, node / weeks))
                    node = link.node
                }
                return path.reversed()
            }
            /// Applies `path` when `valid` accepts the loads it leads to (checked on the state each hand-over meets: a
            /// chain may pass a member twice); false, with nothing changed, otherwise.
            func apply(_ path: [(idx: Int, from: Int, to: Int)], valid: ((idx: Int, from: Int, to: Int)) -> Bool) -> Bool {
                var done: [(idx: Int, from: Int, to: Int)] = []
                var ok = true
                for step in path {
                    let w = weekOf[step.idx]
                    guard ownerOf[step.idx] == members[step.from] else { ok = false; break }
                    ownerOf[step.idx] = members[step.to]
                    weekLoads[w][members[step.from]] -= 1
                    weekLoads[w][members[step.to]] += 1
                    done.append(step)
                }
                guard ok, done.allSatisfy(valid) else {
                    for step in done.reversed() {
                        let w = weekOf[step.idx]
                        ownerOf[step.idx] = members[step.from]
                        weekLoads[w][members[step.from]] += 1
                        weekLoads[w][members[step.to]] -= 1
                    }
                    return false
                }
                for step in done {
                    let w = weekOf[step.idx]
                    postsOf[step.from * weeks + w].removeAll { $0 == step.idx }
                    postsOf[step.to * weeks + w].append(step.idx)
                    drafts[step.idx].owner = people[members[step.to]].id
                }
                total[members[path.first!.from]] -= 1
                total[members[path.last!.to]] += 1
                return true
            }
            // First each week's peak within the group: the assignment levels the busiest person of all, and stops where
            // they cannot hand on (someone of another group), which may leave this group's week fuller than it need be.
            // While a member can hand a post on to a member who would then be less full than they are now, it goes.
            for w in 0..<weeks {
                var stuck = [Bool](repeating: false, count: m)
                var rounds = weekPosts[w].count * m
                while rounds > 0 {
                    rounds -= 1
                    var donor = -1
                    for k in 0..<m where !stuck[k] && weekLoads[w][members[k]] > 0
                        && (donor < 0 || (util(k, w), -idRank[members[k]]) > (util(donor, w), -idRank[members[donor]])) { donor = k }
                    guard donor >= 0 else { break }
                    let peak = util(donor, w)
                    func below(_ c: Int, _ w: Int) -> Bool {
                        weekLoads[w][members[c]] < capacity[members[c]] && Double(weekLoads[w][members[c]] + 1) / Double(capacity[members[c]]) < peak - 1e-12
                    }
                    guard let path = chain(from: donor, weekRange: w..<(w + 1), acrossWeeks: false, room: { _, _ in false },
                                           isEnd: below, key: { c, w in Double(weekLoads[w][members[c]] + 1) / Double(capacity[members[c]]) },
                                           lowest: -1),
                          apply(path, valid: { step in util(step.to, w) < peak - 1e-12 || step.to != path.last!.to && util(step.to, w) <= peak + 1e-12 })
                    else { stuck[donor] = true; continue }
                    stuck = [Bool](repeating: false, count: m)
                }
            }
            // Each week's highest load a member may reach from now on: the group's peak that week, which no move lifts.
            var allowed = [Int](repeating: 0, count: weeks * m)
            for w in 0..<weeks {
                let peak = (0..<m).map { util($0, w) }.max() ?? 0
                for (k, i) in members.enumerated() { allowed[w * m + k] = min(capacity[i], Int((peak * Double(capacity[i]) + 1e-9).rounded(.down))) }
            }
            func room(_ k: Int, _ w: Int) -> Bool { weekLoads[w][members[k]] < allowed[w * m + k] }
            // Then the totals: while one member is more than a post further above their share than another can be
            // reached by a chain, the post goes (to the reachable member furthest below their share).
            var tried = [Bool](repeating: false, count: m)
            var moves = 0
            while moves <= movable {
                let d = members.indices.map { Double(total[members[$0]]) - share[$0] }
                let lowest = d.min()!
                let order = members.indices.sorted { (d[$0], -idRank[members[$0]]) > (d[$1], -idRank[members[$1]]) }
                var moved = false
                for a in order where !tried[a] {
                    guard d[a] - lowest > 1 + 1e-9 else { break }
                    guard let path = chain(from: a, weekRange: 0..<weeks, acrossWeeks: true, room: room,
                                           isEnd: { c, w in room(c, w) && d[a] - d[c] > 1 + 1e-9 }, key: { c, _ in d[c] }, lowest: lowest),
                          apply(path, valid: { step in weekLoads[weekOf[step.idx]][members[step.to]] <= allowed[weekOf[step.idx] * m + step.to] })
                    else { tried[a] = true; continue }
                    moved = true
                    break
                }
                guard moved else { break }
                tried = [Bool](repeating: false, count: m)
                moves += 1
            }
        }
    }

    /// Lowers the week's highest load ÷ capacity: while the busiest person can hand a post on (directly, or through a
    /// chain of hand-overs) to someone who would then be less full than they are now, it goes. Posts marked `fixed`
    /// (re-planning keeps their stored owner) do not move.
    func levelPeak(week: [Int], eligibleOf: [Int: [Int]], owner: inout [Int: Int], weekLoad: inout [Int],
                   total: inout [Int], capacity: [Int], idRank: [Int], fixed: [Bool]) {
        func util(_ p: Int) -> Double { Double(weekLoad[p]) / Double(capacity[p]) }
        // Each person's posts of the week that may move, kept up to date as posts move.
        var postsOf: [Int: [Int]] = [:]
        for idx in week where !fixed[idx] { if let p = owner[idx] { postsOf[p, default: []].append(idx) } }
        guard !postsOf.isEmpty else { return }
        // Bounded: a brand's week levels in a few hand-overs; an agency's thousands of posts are mostly levelled by the
        // greedy choice already, and this stays linear in them.
        var rounds = min(week.count, 32)
        while rounds > 0 {
            rounds -= 1
            var donor = -1
            for p in weekLoad.indices where weekLoad[p] > 0 && capacity[p] > 0
                && (donor < 0 || (util(p), -idRank[p]) > (util(donor), -idRank[donor])) { donor = p }
            guard donor >= 0, let mine = postsOf[donor], !mine.isEmpty else { return }
            let peak = util(donor)
            func below(_ p: Int) -> Bool { weekLoad[p] < capacity[p] && Double(weekLoad[p] + 1) / Double(capacity[p]) < peak }
            // A direct hand-over to whoever would be least full after it; else a chain.
            var path: [(idx: Int, person: Int)]?
            var bestKey: (Double, Double, Int)?
            for idx in mine {
                for p in eligibleOf[idx] ?? [] where p != donor && below(p) {
                    let key = (Double(weekLoad[p] + 1) / Double(capacity[p]), Double(total[p]) / Double(capacity[p]), idRank[p])
                    if bestKey == nil || key < bestKey! { bestKey = key; path = [(idx, p)] }
                }
            }
            if path == nil {
                var others: [Int: Int] = [:]
                for (p, list) in postsOf where p != donor { for idx in list { others[idx] = p } }
                path = augment(from: mine, eligibleOf: eligibleOf, owner: others, idRank: idRank, exclude: donor) { below($0) ? 1 : 0 }
            }
            guard let path else { return }
            for (i, person) in path {
                if let old = owner[i] { postsOf[old]?.removeAll { $0 == i } }
                owner[i] = person
                postsOf[person, default: []].append(i)
            }
            let last = path.last!.person
            weekLoad[donor] -= 1; total[donor] -= 1
            weekLoad[last] += 1; total[last] += 1
        }
    }

    /// Why a stored post's owner no longer owns it.
    func ownerLost(_ id: String, _ d: Draft, week: LocalDate, eligible: [Int]) -> String {
        guard let i = strategy.participants.firstIndex(where: { $0.id == id }) else { return "\(id) is no longer a participant" }
        let person = strategy.participants[i]
        if !person.channels.contains(d.channel.id) { return "\(person.name) no longer covers \(d.channel.id)" }
        if !person.mayPost { return "\(person.name) is not trained or has not accepted the rules" }
        let language = d.channel.locale ?? strategy.locale
        if !person.languages.isEmpty && !person.languages.contains(language) { return "\(person.name) does not write '\(language)'" }
        if person.isOff(on: d.slot.date) { return "\(person.name) is off on \(d.slot.date)" }
        if eligible.contains(i) && d.owner != nil {
            return "\(person.name) is at capacity (\(person.capacityPerWeek) a week) in the week of \(week); reassigned so every post has an owner"
        }
        return "\(person.name) is at capacity (\(person.capacityPerWeek) a week) in the week of \(week)"
    }

    /// A breadth-first search for reassignments: the post takes a full person's slot, that person's post moves to
    /// someone else eligible, … until someone with room is reached. People are tried in id order.
    func augment(from start: Int, eligibleOf: [Int: [Int]], owner: [Int: Int], idRank: [Int],
                 room: (Int) -> Int) -> [(idx: Int, person: Int)]? {
        augment(from: [start], eligibleOf: eligibleOf, owner: owner, idRank: idRank, exclude: nil, room: room)
    }

    /// `augment(from:…)` from several posts at once (the first that reaches someone with room wins), never through
    /// `exclude`.
    func augment(from starts: [Int], eligibleOf: [Int: [Int]], owner: [Int: Int], idRank: [Int], exclude: Int?,
                 room: (Int) -> Int) -> [(idx: Int, person: Int)]? {
        var postsOf: [Int: [Int]] = [:]
        for (idx, p) in owner { postsOf[p, default: []].append(idx) }
        for p in postsOf.keys { postsOf[p]!.sort() }
        // Each queue entry: a post that needs an owner, with the path that got there.
        var queue: [(idx: Int, path: [(idx: Int, person: Int)])] = starts.map { ($0, []) }
        var seenPeople = Set<Int>()
        if let exclude { seenPeople.insert(exclude) }
        var head = 0
        while head < queue.count {
            let (idx, path) = queue[head]; head += 1
            for person in (eligibleOf[idx] ?? []).sorted(by: { idRank[$0] < idRank[$1] }) where !seenPeople.contains(person) {
                seenPeople.insert(person)
                let step = path + [(idx, person)]
                if room(person) > 0 { return step }
                for other in postsOf[person] ?? [] where other != idx { queue.append((other, step)) }
            }
        }
        return nil
    }

    // MARK: Share tasks

    /// The share tasks, and per channel how many posts got fewer sharers than asked for.
    func assignShares(_ posts: [Post]) -> (tasks: [ShareTask], short: [String: Int]) {
        var tasks: [ShareTask] = []
        var short: [String: Int] = [:]
        // Lookups built once: channels by id, and per network the participants who may share there, in strategy order.
        let channelByID = Dictionary(strategy.channels.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let people = strategy.participants
        let ids = people.map(\.id), timeOff = people.map(\.timeOff)
        // Tasks per person so far, by position in the strategy (kept tasks counted).
        let position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var count = [Int](repeating: 0, count: people.count)
        for t in request.existingTasks { if let i = position[t.participant] { count[i] += 1 } }
        let prefixHash = ids.map { StableHash.value("\($0)|") }
        var sharersByNetwork: [Network: [Int]] = [:]
        for network in Set(strategy.channels.filter { $0.sharesPerPost > 0 }.map(\.network)) {
            sharersByNetwork[network] = people.indices.filter { i in
                let p = people[i]
                let covered = p.channels.compactMap { channelByID[$0]?.network }
                return p.mayPost && (p.shareOn.isEmpty ? covered.contains(network) : p.shareOn.contains(network))
            }
        }
        for post in posts {
            guard let channel = channelByID[post.channel], channel.sharesPerPost > 0 else { continue }
            let date = clock.localDate(post.scheduledAt)
            // The `sharesPerPost` sharers with the fewest tasks so far, ties broken by a seeded hash of participant and
            // post (then by strategy order): the first of the sharers sorted by that key.
            var picked: [(key: (Int, UInt64), person: Int)] = []
            let postBytes = Array(post.id.utf8)
            for i in sharersByNetwork[channel.network] ?? [] where ids[i] != post.owner && !timeOff[i].contains(where: { $0.contains(date) }) {
                let key = (count[i], SeededRandom.value(seed: request.seed, hash: StableHash.value(continuing: prefixHash[i], bytes: postBytes)))
                if picked.count == channel.sharesPerPost, let last = picked.last, !(key < last.key) { continue }
                let at = picked.firstIndex { key < $0.key } ?? picked.count
                picked.insert((key, i), at: at)
                if picked.count > channel.sharesPerPost { picked.removeLast() }
            }
            if picked.count < channel.sharesPerPost { short[channel.id, default: 0] += 1 }
            for (_, i) in picked {
                count[i] += 1
                tasks.append(ShareTask(id: "t-" + StableHash.hex("\(post.id)|\(ids[i])", length: 8), post: post.id,
                                       participant: ids[i], network: channel.network, due: post.scheduledAt))
            }
        }
        return (tasks, short)
    }

    /// Adds the share tasks to the report: posts short of sharers per channel, shares per person.
    mutating func recordShares(_ tasks: [ShareTask], short: [String: Int]) {
        for i in report.channels.indices { report.channels[i].shortOfSharers = short[report.channels[i].channel] ?? 0 }
        var sharesOf: [String: Int] = [:]
        for t in tasks { sharesOf[t.participant, default: 0] += 1 }
        for i in report.people.indices { report.people[i].shares = sharesOf[report.people[i].participant] ?? 0 }
    }

    // MARK: Diff and report

    /// The changes from the stored plan: a post continuing a stored one (`previousOf`, by new id) is unchanged, changed
    /// or moved; another post with a stored post's id is compared with it; the rest are added or removed, an added and a
    /// removed post of the same channel, kind and step being paired as a move.
    func diff(old: [Post], new: [Post], previousOf: [String: Post] = [:], pairMoves: Bool = true) -> PlanChanges {
        var changes = PlanChanges()
        // Nothing stored to compare with (a first plan): every post is new.
        guard !old.isEmpty else {
            changes.added = new
            return changes
        }
        let oldByID = Dictionary(uniqueKeysWithValues: old.map { ($0.id, $0) })
        func same(_ o: Post, _ p: Post) -> Bool {
            o.kind == p.kind && o.step == p.step && o.campaign == p.campaign && o.goal == p.goal && o.owner == p.owner
                && o.topic == p.topic && o.variant == p.variant && o.scheduledAt == p.scheduledAt
        }
        var used = Set<String>()
        for p in new { if let o = previousOf[p.id] { used.insert(o.id) } }
        var added: [Post] = []
        for p in new {
            if let o = previousOf[p.id] {
                if o.id != p.id { changes.moved.append((o, p)) } else if same(o, p) { changes.unchanged += 1 } else { changes.changed.append((o, p)) }
            } else if let o = oldByID[p.id], !used.contains(o.id) {
                used.insert(o.id)
                if same(o, p) { changes.unchanged += 1 } else { changes.changed.append((o, p)) }
            } else {
                added.append(p)
            }
        }
        let removed = old.filter { !used.contains($0.id) }
        guard pairMoves else {
            changes.added = added
            changes.removed = removed
            return changes
        }
        // Pair a removed and an added post of the same channel, kind and step as a move: each added post takes the
        // earliest removed one with the same key that is still unpaired.
        struct MoveKey: Hashable { var channel: String; var kind: ContentKind; var step: CampaignStep?; var campaign: String? }
        var unpaired: [MoveKey: (next: Int, indices: [Int])] = [:]
        for (i, r) in removed.enumerated() {
            unpaired[MoveKey(channel: r.channel, kind: r.kind, step: r.step, campaign: r.campaign), default: (0, [])].indices.append(i)
        }
        var paired = Set<Int>()
        for a in added {
            let key = MoveKey(channel: a.channel, kind: a.kind, step: a.step, campaign: a.campaign)
            if let q = unpaired[key], q.next < q.indices.count {
                let i = q.indices[q.next]
                unpaired[key]!.next += 1
                paired.insert(i)
                changes.moved.append((removed[i], a))
            } else {
                changes.added.append(a)
            }
        }
        changes.removed = removed.indices.filter { !paired.contains($0) }.map { removed[$0] }
        return changes
    }

    /// The report's counts (share tasks are added by `recordShares`).
    mutating func finishReport(posts: [Post], kept: [Post]) {
        // Every post of the period (cancelled ones aside), visited in time order through indices: a large plan has a
        // hundred thousand posts, too many to copy and filter per channel, goal and person.
        let all = posts + kept.filter { $0.status != .cancelled }
        let order = all.indices.sorted { all[$0].scheduledAt < all[$1].scheduledAt }
        let day = all.map { clock.localDate($0.scheduledAt) }
        var byChannel: [String: [Int]] = [:]
        for i in order where all[i].kind != .crisis { byChannel[all[i].channel, default: []].append(i) }
        let channelByID = Dictionary(strategy.channels.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let midnight = LocalTime(hour: 0, minute: 0)!
        let periodStart = clock.instant(period.start, midnight), periodEnd = clock.instant(period.end.adding(days: 1), midnight)
        var months: [LocalDate] = []
        var m = period.start.firstOfMonth
        while m <= period.end { months.append(m); m = m.lastOfMonth.adding(days: 1) }
        for c in report.channels.indices {
            let id = report.channels[c].channel
            guard let channel = channelByID[id] else { continue }
            let here = byChannel[id] ?? []
            let mix = channel.mix ?? strategy.mix
            let shares = ContentKind.plannable.map { mix[$0] ?? 0 }
            let targets = largestRemainder(shares, total: here.count)
            var ofKind: [ContentKind: Int] = [:]
            var monthsOfKind: [ContentKind: Set<LocalDate>] = [:]
            var campaignPosts = 0
            var run = 0, best = 0
            var lastPromo: LocalDate?
            var closest: Int?
            var firstOfKind: [ContentKind: Date] = [:]
            var lastOfKind: [ContentKind: Date] = [:]
            var gapOfKind: [ContentKind: Double] = [:]
            for i in here {
                let p = all[i]
                if let last = lastOfKind[p.kind] { gapOfKind[p.kind] = max(gapOfKind[p.kind] ?? 0, p.scheduledAt.timeIntervalSince(last)) }
                if firstOfKind[p.kind] == nil { firstOfKind[p.kind] = p.scheduledAt }
                lastOfKind[p.kind] = p.scheduledAt
                ofKind[p.kind, default: 0] += 1
                monthsOfKind[p.kind, default: []].insert(day[i].firstOfMonth)
                if p.campaign != nil { campaignPosts += 1 }
                run = p.kind.isPromotional ? run + 1 : 0
                best = max(best, run)
                if p.kind.isPromotional {
                    if let l = lastPromo { closest = min(closest ?? Int.max, l.days(to: day[i])) }
                    lastPromo = day[i]
                }
            }
            report.channels[c].posts = here.count
            report.channels[c].kinds = zip(ContentKind.plannable, zip(shares, targets)).map { kind, st in
                .init(kind: kind, share: st.0, target: st.1, planned: ofKind[kind] ?? 0)
            }
            report.channels[c].campaignPosts = campaignPosts
            // Each regular kind's spread score, the measure the spread search optimises (`SpreadSearch.score`): its largest
            // gap, the stretches from the period's start to its first post and from its last post to the end counted double.
            report.channels[c].largestGaps = ContentKind.plannable.filter { !$0.isPromotional }.compactMap { k in
                guard let first = firstOfKind[k], let last = lastOfKind[k] else { return nil }
                let ends = max(2 * first.timeIntervalSince(periodStart), 2 * periodEnd.timeIntervalSince(last))
                return (k, max(gapOfKind[k] ?? 0, ends) / 86_400)
            }
            report.channels[c].longestPromotionalRun = best
            report.channels[c].closestPromotionalPosts = closest
            for kind in ContentKind.plannable where !kind.isPromotional {
                guard (ofKind[kind] ?? 0) >= 3, months.count > 1 else { continue }
                let present = monthsOfKind[kind] ?? []
                for month in months where !present.contains(month) {
                    report.channels[c].monthsWithoutKind.append((kind, String(month.iso.prefix(7))))
                }
            }
        }
        let totalWeight = strategy.goals.reduce(0) { $0 + $1.weight }
        var withGoal = 0
        var byGoal: [String: (posts: Int, byKind: [ContentKind: Int])] = [:]
        for p in all {
            guard let g = p.goal else { continue }
            withGoal += 1
            byGoal[g, default: (0, [:])].posts += 1
            byGoal[g, default: (0, [:])].byKind[p.kind, default: 0] += 1
        }
        report.goals = strategy.goals.map { g in
            let mine = byGoal[g.id] ?? (0, [:])
            return .init(goal: g.id, weight: g.weight, weightShare: totalWeight > 0 ? g.weight / totalWeight : 0, posts: mine.posts,
                         share: withGoal == 0 ? 0 : Double(mine.posts) / Double(withGoal), byKind: mine.byKind)
        }
        var weeks: [LocalDate] = []
        var w = period.start.startOfWeek
        while w <= period.end { weeks.append(w); w = w.adding(days: 7) }
        var byOwner: [String: (posts: Int, perWeek: [LocalDate: Int])] = [:]
        for (i, p) in all.enumerated() {
            guard let o = p.owner else { continue }
            byOwner[o, default: (0, [:])].posts += 1
            byOwner[o, default: (0, [:])].perWeek[day[i].startOfWeek, default: 0] += 1
        }
        report.people = strategy.participants.map { p in
            let mine = byOwner[p.id] ?? (0, [:])
            let counts = weeks.map { mine.perWeek[$0] ?? 0 }
            let busiest = counts.max() ?? 0
            return .init(participant: p.id, name: p.name, posts: mine.posts, capacityPerWeek: p.capacityPerWeek,
                         busiestWeek: busiest, quietestWeek: counts.min() ?? 0,
                         shares: 0, eligible: p.mayPost, peakLoad: p.capacityPerWeek > 0 ? Double(busiest) / Double(p.capacityPerWeek) : 0)
        }
        // Groups of people who may own the same channels, in strategy order.
        var channelsOf: [String: [String]] = [:]
        for channel in strategy.channels {
            for i in candidates(channel).speaking { channelsOf[strategy.participants[i].id, default: []].append(channel.id) }
        }
        var groupIndex: [[String]: Int] = [:]
        for p in strategy.participants {
            guard let channels = channelsOf[p.id], p.capacityPerWeek > 0 else { continue }
            if groupIndex[channels] == nil {
                groupIndex[channels] = report.groups.count
                report.groups.append(.init(people: [], channels: channels, posts: 0, totals: [], capacities: []))
            }
            let g = groupIndex[channels]!
            let n = byOwner[p.id]?.posts ?? 0
            report.groups[g].people.append(p.id)
            report.groups[g].totals.append(n)
            report.groups[g].capacities.append(p.capacityPerWeek)
            report.groups[g].posts += n
        }
        report.observances = request.calendar.observances(in: period).map { o in
            let near = strategy.campaigns.first { c in
                DateRange(start: c.dates.start.adding(days: -7), end: c.dates.end.adding(days: 7)).contains(o.date)
            }
            return (o.date, o.name, near?.id)
        }
        report.unassigned.sort { ($0.date, $0.channel) < ($1.date, $1.channel) }
    }
}

extension ContentKind {
    /// Position in the canonical order, for stable tie-breaks.
    var order: Int { ContentKind.allCases.firstIndex(of: self)! }
}

/// Splits `total` whole items by shares (largest-remainder / Hamilton method). Shares need not sum to 1.
public func largestRemainder(_ shares: [Double], total: Int) -> [Int] {
    let sum = shares.reduce(0, +)
    guard sum > 0, total > 0 else { return shares.map { _ in 0 } }
    let exact = shares.map { $0 / sum * Double(total) }
    var counts = exact.map { Int($0.rounded(.down)) }
    var rest = total - counts.reduce(0, +)
    let order = exact.indices.sorted { a, b in
        let ra = exact[a] - Double(counts[a]), rb = exact[b] - Double(counts[b])
        return ra != rb ? ra > rb : a < b
    }
    for i in order where rest > 0 { counts[i] += 1; rest -= 1 }
    return counts
}
