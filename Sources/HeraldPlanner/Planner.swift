import Foundation
import HeraldModel

/// Builds a quarter's calendar from a strategy: pure, deterministic, no I/O.
///
/// Hard rules (a plan that breaks one is a bug): cadence slots on allowed days and times in the strategy's zone;
/// campaign series on their dates; spacing between contests and between discounts; no more promotional posts in a
/// row than allowed; no post on blackout days and no promotion on no-promo days; owners who cover the channel,
/// are trained, accepted the rules, are not off, and stay within capacity (or no owner, reported).
public enum Planner {
    public static func plan(_ request: PlanRequest) throws(PlanError) -> Plan {
        var builder = PlanBuilder(request)
        return try builder.build()
    }

    /// Whether re-planning leaves a stored post alone.
    public static func isKept(_ post: Post) -> Bool { post.locked || post.status.isKeptByReplanning }
}

struct PlanBuilder {
    let request: PlanRequest
    let strategy: Strategy
    let clock: ZoneClock
    let period: DateRange
    var problems: [PlanProblem] = []
    var report = PlanReport()

    init(_ request: PlanRequest) {
        self.request = request
        strategy = request.strategy
        clock = ZoneClock(identifier: request.strategy.timeZone) ?? ZoneClock(TimeZone(identifier: "UTC")!)
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
    }

    mutating func build() throws(PlanError) -> Plan {
        let kept = request.existing.filter(Planner.isKept)
        var drafts: [Draft] = []
        checkSpacing()
        for channel in strategy.channels {
            drafts += planChannel(channel, kept: kept.filter { $0.channel == channel.id })
        }
        if !problems.isEmpty { throw .infeasible(problems) }
        drafts.sort { ($0.slot.instant, $0.channel.id) < ($1.slot.instant, $1.channel.id) }
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
        let tasks = assignShares(posts)
        let replaceable = request.existing.filter { !Planner.isKept($0) && inPeriod($0.scheduledAt) && notPast($0.scheduledAt) }
        let changes = diff(old: replaceable, new: posts)
        finishReport(posts: posts, kept: keptInPeriod, tasks: tasks)
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

    mutating func planChannel(_ channel: Channel, kept: [Post]) -> [Draft] {
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

        let placer = StepPlacer(channel: channel, maker: maker, calendar: request.calendar,
                                maxInARow: strategy.rules.maxPromotionalInARow, cadence: cadence, kept: marks)
        let outcome = placer.place(needs)
        problems += outcome.problems

        var drafts: [Draft] = []
        let stepSlots = Dictionary(grouping: outcome.placed, by: { $0.slot.date.startOfWeek })
        let keptByWeek = Dictionary(grouping: marks, by: \.week)
        let keptInstants = Set(marks.map(\.instant))
        var week = range.start
        while week <= range.end {
            let steps = stepSlots[week] ?? []
            let regular = WeekLayout.regularSlots(cadence: cadence[week] ?? [], steps: steps.map(\.slot),
                                                  keptInstants: (keptByWeek[week] ?? []).map(\.instant),
                                                  budget: channel.postsPerWeek)
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
        allocateKinds(&drafts, channel: channel, kept: keptHere.filter { period.contains(clock.localDate($0.scheduledAt)) })

        var quality = PlanReport.ChannelQuality(
            channel: channel.id, network: channel.network, posts: 0, kinds: [], campaignPosts: 0, longestPromotionalRun: 0,
            closestPromotionalPosts: nil, monthsWithoutKind: [], blackoutDaysLost: dropped.map { ($0.0, $0.1) },
            skippedSteps: outcome.skipped.filter { $0.need.window.overlaps(period) }.map { ($0.need.campaign.id, $0.need.step, $0.reason) },
            shortOfSharers: 0)
        quality.blackoutDaysLost = dropped
        report.channels.append(quality)
        return drafts
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
        // Spread: at each slot pick the kind furthest behind its even pace.
        var given: [ContentKind: Int] = [:]
        for (i, idx) in free.enumerated() {
            let pace = Double(i + 1) / Double(free.count)
            let k = regularKinds.filter { (given[$0] ?? 0) < need[$0]! }.max { a, b in
                let da = Double(need[a]!) * pace - Double(given[a] ?? 0)
                let db = Double(need[b]!) * pace - Double(given[b] ?? 0)
                return da != db ? da < db : a.order > b.order
            } ?? .informational
            drafts[idx].kind = k
            given[k, default: 0] += 1
        }
    }

    // MARK: Ids, goals, topics, variants

    func assignIDs(_ drafts: inout [Draft], kept: [Post]) {
        var taken = Set(kept.filter(Planner.isKept).map(\.id))
        for i in drafts.indices {
            let base = "\(drafts[i].channel.id)|\(drafts[i].slot.instant.isoUTC)"
            var id = Post.makeID(base)
            var n = 2
            while taken.contains(id) { id = Post.makeID("\(base)|\(n)"); n += 1 }
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
            if let topics = strategy.topics[kind], !topics.isEmpty, drafts[i].campaign == nil {
                let n = topicIndex[kind, default: 0]
                let offset = Int(SeededRandom.value(seed: request.seed, "topic|\(kind.rawValue)") % UInt64(topics.count))
                drafts[i].topic = topics[(offset + n) % topics.count]
                topicIndex[kind] = n + 1
            }
            let key = "\(drafts[i].channel.id)|\(kind.rawValue)|\(drafts[i].step?.rawValue ?? "")"
            let n = variantIndex[key, default: 0]
            let offset = Int(SeededRandom.value(seed: request.seed, "variant|\(key)") % 60)
            drafts[i].variant = offset + n
            variantIndex[key] = n + 1
        }
    }

    // MARK: Owners

    /// Why nobody can own a post, or nil when someone can.
    func eligibility(_ channel: Channel, _ date: LocalDate) -> (eligible: [Participant], reason: String?) {
        let covering = strategy.participants.filter { $0.channels.contains(channel.id) }
        if covering.isEmpty { return ([], "nobody covers \(channel.id); add it to a participant's channels") }
        let ready = covering.filter(\.mayPost)
        if ready.isEmpty {
            return ([], "nobody who covers \(channel.id) is trained and has accepted the rules (\(covering.map(\.name).joined(separator: ", ")))")
        }
        let language = channel.locale ?? strategy.locale
        let speaking = ready.filter { $0.languages.isEmpty || $0.languages.contains(language) }
        if speaking.isEmpty { return ([], "nobody who covers \(channel.id) writes '\(language)'") }
        let present = speaking.filter { !$0.isOff(on: date) }
        if present.isEmpty {
            return ([], "everyone who covers \(channel.id) is off on \(date) (\(speaking.map(\.name).joined(separator: ", ")))")
        }
        return (present, nil)
    }

    mutating func assignOwners(_ drafts: inout [Draft], kept: [Post]) {
        struct Load { var week: [LocalDate: Int] = [:]; var total = 0 }
        var load: [String: Load] = [:]
        for p in kept {
            guard let o = p.owner else { continue }
            let w = clock.localDate(p.scheduledAt).startOfWeek
            load[o, default: Load()].week[w, default: 0] += 1
            if inPeriod(p.scheduledAt) { load[o, default: Load()].total += 1 }
        }
        let capacity = Dictionary(uniqueKeysWithValues: strategy.participants.map { ($0.id, $0.capacityPerWeek) })
        let byWeek = Dictionary(grouping: drafts.indices, by: { drafts[$0].slot.date.startOfWeek })
        for week in byWeek.keys.sorted() {
            var info: [(idx: Int, eligible: [String])] = []
            for idx in byWeek[week]! {
                let (people, reason) = eligibility(drafts[idx].channel, drafts[idx].slot.date)
                if let reason {
                    report.unassigned.append(.init(post: drafts[idx].id, channel: drafts[idx].channel.id, date: drafts[idx].slot.date, reason: reason))
                } else {
                    info.append((idx, people.map(\.id)))
                }
            }
            // Most constrained posts first, then by time.
            info.sort { ($0.eligible.count, drafts[$0.idx].slot.instant) < ($1.eligible.count, drafts[$1.idx].slot.instant) }
            var owner: [Int: String] = [:]
            func room(_ p: String) -> Int { capacity[p]! - (load[p]?.week[week] ?? 0) }
            for item in info {
                let open = item.eligible.filter { room($0) > 0 }
                if let pick = open.min(by: { a, b in
                    let ka = (load[a]?.week[week] ?? 0, load[a]?.total ?? 0, SeededRandom.value(seed: request.seed, "\(a)|\(week)"))
                    let kb = (load[b]?.week[week] ?? 0, load[b]?.total ?? 0, SeededRandom.value(seed: request.seed, "\(b)|\(week)"))
                    return ka < kb
                }) {
                    owner[item.idx] = pick
                    load[pick, default: Load()].week[week, default: 0] += 1
                    load[pick, default: Load()].total += 1
                    continue
                }
                // Everyone eligible is full: look for a chain of reassignments that frees someone (augmenting path).
                if let path = augment(from: item, info: info, owner: owner, room: room) {
                    for (idx, person) in path { owner[idx] = person }
                    let last = path.last!.person
                    load[last, default: Load()].week[week, default: 0] += 1
                    load[last, default: Load()].total += 1
                    continue
                }
                let names = item.eligible.compactMap { strategy.participant($0)?.name }
                report.unassigned.append(.init(
                    post: drafts[item.idx].id, channel: drafts[item.idx].channel.id, date: drafts[item.idx].slot.date,
                    reason: "everyone who covers \(drafts[item.idx].channel.id) is at weekly capacity (\(names.joined(separator: ", ")))"))
            }
            for (idx, p) in owner { drafts[idx].owner = p }
        }
    }

    /// A breadth-first search for reassignments: the post takes a full person's slot, that person's post moves to
    /// someone else eligible, … until someone with room is reached.
    func augment(from start: (idx: Int, eligible: [String]), info: [(idx: Int, eligible: [String])], owner: [Int: String],
                 room: (String) -> Int) -> [(idx: Int, person: String)]? {
        let eligibleOf = Dictionary(uniqueKeysWithValues: info.map { ($0.idx, $0.eligible) })
        var postsOf: [String: [Int]] = [:]
        for (idx, p) in owner { postsOf[p, default: []].append(idx) }
        for p in postsOf.keys { postsOf[p]!.sort() }
        // Each queue entry: a post that needs an owner, with the path that got there.
        var queue: [(idx: Int, path: [(idx: Int, person: String)])] = [(start.idx, [])]
        var seenPeople = Set<String>()
        var head = 0
        while head < queue.count {
            let (idx, path) = queue[head]; head += 1
            for person in (eligibleOf[idx] ?? []).sorted() where !seenPeople.contains(person) {
                seenPeople.insert(person)
                let step = path + [(idx, person)]
                if room(person) > 0 { return step }
                for other in postsOf[person] ?? [] where other != idx { queue.append((other, step)) }
            }
        }
        return nil
    }

    // MARK: Share tasks

    mutating func assignShares(_ posts: [Post]) -> [ShareTask] {
        var count: [String: Int] = [:]
        for t in request.existingTasks { count[t.participant, default: 0] += 1 }
        var tasks: [ShareTask] = []
        var short: [String: Int] = [:]
        for post in posts {
            guard let channel = strategy.channel(post.channel), channel.sharesPerPost > 0 else { continue }
            let date = clock.localDate(post.scheduledAt)
            let strategy = self.strategy
            let networksCovered = { (p: Participant) in
                p.channels.compactMap { strategy.channel($0)?.network }
            }
            let sharers = strategy.participants.filter { p in
                p.mayPost && !p.isOff(on: date) && p.id != post.owner
                    && (p.shareOn.isEmpty ? networksCovered(p).contains(channel.network) : p.shareOn.contains(channel.network))
            }
            let picked = sharers.sorted { a, b in
                (count[a.id] ?? 0, SeededRandom.value(seed: request.seed, "\(a.id)|\(post.id)"))
                    < (count[b.id] ?? 0, SeededRandom.value(seed: request.seed, "\(b.id)|\(post.id)"))
            }.prefix(channel.sharesPerPost)
            if picked.count < channel.sharesPerPost { short[channel.id, default: 0] += 1 }
            for p in picked {
                count[p.id, default: 0] += 1
                tasks.append(ShareTask(id: "t-" + StableHash.hex("\(post.id)|\(p.id)", length: 8), post: post.id,
                                       participant: p.id, network: channel.network, due: post.scheduledAt))
            }
        }
        for i in report.channels.indices { report.channels[i].shortOfSharers = short[report.channels[i].channel] ?? 0 }
        return tasks
    }

    // MARK: Diff and report

    func diff(old: [Post], new: [Post]) -> PlanChanges {
        var changes = PlanChanges()
        let oldByID = Dictionary(uniqueKeysWithValues: old.map { ($0.id, $0) })
        let newIDs = Set(new.map(\.id))
        var added: [Post] = []
        for p in new {
            if let o = oldByID[p.id] {
                if o.kind == p.kind && o.step == p.step && o.campaign == p.campaign && o.goal == p.goal && o.owner == p.owner
                    && o.topic == p.topic && o.variant == p.variant && o.scheduledAt == p.scheduledAt {
                    changes.unchanged += 1
                } else {
                    changes.changed.append((o, p))
                }
            } else {
                added.append(p)
            }
        }
        var removed = old.filter { !newIDs.contains($0.id) }
        // Pair a removed and an added post of the same channel, kind and step as a move.
        for a in added {
            if let i = removed.firstIndex(where: { $0.channel == a.channel && $0.kind == a.kind && $0.step == a.step && $0.campaign == a.campaign }) {
                changes.moved.append((removed[i], a))
                removed.remove(at: i)
            } else {
                changes.added.append(a)
            }
        }
        changes.removed = removed
        return changes
    }

    mutating func finishReport(posts: [Post], kept: [Post], tasks: [ShareTask]) {
        let all = (posts + kept.filter { $0.status != .cancelled }).sorted { $0.scheduledAt < $1.scheduledAt }
        for i in report.channels.indices {
            let id = report.channels[i].channel
            guard let channel = strategy.channel(id) else { continue }
            let here = all.filter { $0.channel == id && $0.kind != .crisis }
            let mix = channel.mix ?? strategy.mix
            let shares = ContentKind.plannable.map { mix[$0] ?? 0 }
            let targets = largestRemainder(shares, total: here.count)
            report.channels[i].posts = here.count
            report.channels[i].kinds = zip(ContentKind.plannable, zip(shares, targets)).map { kind, st in
                .init(kind: kind, share: st.0, target: st.1, planned: here.filter { $0.kind == kind }.count)
            }
            report.channels[i].campaignPosts = here.filter { $0.campaign != nil }.count
            var run = 0, best = 0
            var lastPromo: LocalDate?
            var closest: Int?
            for p in here {
                run = p.kind.isPromotional ? run + 1 : 0
                best = max(best, run)
                if p.kind.isPromotional {
                    let d = clock.localDate(p.scheduledAt)
                    if let l = lastPromo { closest = min(closest ?? Int.max, l.days(to: d)) }
                    lastPromo = d
                }
            }
            report.channels[i].longestPromotionalRun = best
            report.channels[i].closestPromotionalPosts = closest
            var months: [LocalDate] = []
            var m = period.start.firstOfMonth
            while m <= period.end { months.append(m); m = m.lastOfMonth.adding(days: 1) }
            for kind in ContentKind.plannable where !kind.isPromotional {
                let ofKind = here.filter { $0.kind == kind }
                guard ofKind.count >= 3, months.count > 1 else { continue }
                let present = Set(ofKind.map { clock.localDate($0.scheduledAt).firstOfMonth })
                for month in months where !present.contains(month) {
                    report.channels[i].monthsWithoutKind.append((kind, String(month.iso.prefix(7))))
                }
            }
        }
        let totalWeight = strategy.goals.reduce(0) { $0 + $1.weight }
        let withGoal = all.filter { $0.goal != nil }
        report.goals = strategy.goals.map { g in
            let mine = withGoal.filter { $0.goal == g.id }
            var byKind: [ContentKind: Int] = [:]
            for p in mine { byKind[p.kind, default: 0] += 1 }
            return .init(goal: g.id, weight: g.weight, weightShare: totalWeight > 0 ? g.weight / totalWeight : 0, posts: mine.count,
                         share: withGoal.isEmpty ? 0 : Double(mine.count) / Double(withGoal.count), byKind: byKind)
        }
        var weeks: [LocalDate] = []
        var w = period.start.startOfWeek
        while w <= period.end { weeks.append(w); w = w.adding(days: 7) }
        report.people = strategy.participants.map { p in
            let mine = all.filter { $0.owner == p.id }
            let perWeek = Dictionary(grouping: mine, by: { clock.localDate($0.scheduledAt).startOfWeek }).mapValues(\.count)
            let counts = weeks.map { perWeek[$0] ?? 0 }
            return .init(participant: p.id, name: p.name, posts: mine.count, capacityPerWeek: p.capacityPerWeek,
                         busiestWeek: counts.max() ?? 0, quietestWeek: counts.min() ?? 0,
                         shares: tasks.filter { $0.participant == p.id }.count, eligible: p.mayPost)
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
