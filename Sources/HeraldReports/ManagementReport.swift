import Foundation
import HeraldModel
import HeraldPlanner
import HeraldResults

/// The goal-to-metric plan for management: each goal with its metrics (and, once readings come in, their progress),
/// the channels, posts, campaigns and people that drive it; the content mix, the participants' load, the response
/// targets and the crisis playbook. Computed once from plain values in O(posts + readings); rendered as Markdown,
/// HTML or JSON.
public struct ManagementReport: Sendable, Encodable {
    public struct Reading: Sendable, Encodable, Equatable {
        public var date: String
        public var value: Double
    }

    public struct ChannelReading: Sendable, Encodable {
        public var channel: String
        public var date: String
        public var value: Double
    }

    public struct MetricSection: Sendable, Encodable {
        public var id, name, unit: String
        public var baseline, target: Double
        public var direction: String
        public var deadline: String
        public var measuredBy: String
        /// Who answers for the metric: its goal's owner.
        public var owner: String
        /// Readings of the metric as a whole, oldest first.
        public var readings: [Reading]
        public var latest: Reading?
        /// The latest reading for each channel that has one.
        public var byChannel: [ChannelReading]
        public var projection: ProjectionResult
    }

    public struct KindCount: Sendable, Encodable {
        public var kind: String
        public var posts: Int
    }

    public struct GoalChannel: Sendable, Encodable {
        public var channel, network: String
        public var posts: Int
        public var byKind: [KindCount]
    }

    public struct CampaignBrief: Sendable, Encodable {
        public var id, name, kind, start, end: String
        public var channels: [String]
        public var details: String?
        public var posts: Int
    }

    public struct PersonCount: Sendable, Encodable {
        public var id, name: String
        public var posts: Int
    }

    public struct GoalSection: Sendable, Encodable {
        public var id, title, kind, owner: String
        public var weight: Double
        public var review: String?
        public var metrics: [MetricSection]
        public var posts: Int
        public var postsByKind: [KindCount]
        public var channels: [GoalChannel]
        public var campaigns: [CampaignBrief]
        public var people: [PersonCount]
    }

    public struct KindMix: Sendable, Encodable {
        public var kind: String
        /// The target share from the strategy's (or the channel's) mix.
        public var share: Double
        /// The share's count of the channel's posts (largest-remainder rounding).
        public var target: Int
        public var planned: Int
    }

    public struct WeekMix: Sendable, Encodable {
        /// The Monday of the ISO week.
        public var week: String
        /// Posts per kind, in the order of `ManagementReport.kinds`.
        public var counts: [Int]
        public var total: Int
    }

    public struct ChannelMix: Sendable, Encodable {
        public var channel, network: String
        public var name: String?
        public var postsPerWeek: Int
        public var posts: Int
        public var kinds: [KindMix]
        public var weeks: [WeekMix]
    }

    public struct PersonLoad: Sendable, Encodable {
        public var id, name, role: String
        public var channels: [String]
        public var capacityPerWeek: Int
        public var posts: Int
        public var busiestWeek: Int
        public var shares: Int
        /// Trained and has accepted the social-media rules.
        public var eligible: Bool
        public var timeOff: [String]
    }

    public struct ResponseTargets: Sendable, Encodable {
        /// Metrics about answering people (their id or name mentions a response or reply).
        public var metrics: [String]
        /// The first public reply in a crisis goes out within this many hours.
        public var crisisResponseHours: Double
    }

    public struct CrisisBrief: Sendable, Encodable {
        public var responseHours: Double
        public var updateEveryDays: Double
        public var owner: String?
        public var alert: String?
        public var steps: [String]
        public var practice: [String]
    }

    /// One crisis in the period. Extension point: the crisis module fills `crises`; the report shows them when present.
    public struct CrisisSummary: Sendable, Encodable {
        public var id: String
        public var title: String
        public var opened: String
        public var closed: String?
        public var status: String
        public var notes: String?

        public init(id: String, title: String, opened: String, closed: String? = nil, status: String, notes: String? = nil) {
            self.id = id; self.title = title; self.opened = opened; self.closed = closed; self.status = status; self.notes = notes
        }
    }

    public struct StatusCount: Sendable, Encodable {
        public var status: String
        public var metrics: Int
    }

    public var brand: String
    public var period: String
    public var start, end: String
    public var timeZone: String
    public var generatedAt: String
    /// The content kinds shown in mixes, in order.
    public var kinds: [String]
    /// Posts in the period (cancelled ones left out).
    public var posts: Int
    public var postsByStatus: [String: Int]
    public var shareTasks: Int
    public var statusRule: String
    public var statusSummary: [StatusCount]
    public var goals: [GoalSection]
    public var mix: [ChannelMix]
    public var people: [PersonLoad]
    public var response: ResponseTargets
    public var crisis: CrisisBrief
    public var crises: [CrisisSummary]
    /// What the period's published posts achieved, compared by group (`herald results`); nil when not asked for.
    public var whatWorked: WhatWorked? = nil
    /// What each campaign with a budget bought (`CampaignSpend`); nil when not asked for.
    public var spend: [CampaignSpend]? = nil
    /// The listening section, when the report was given the inbox.
    public var listening: Listening?
}

extension ManagementReport {
    /// The five steps of answering a crisis, in order.
    public static let crisisSteps = [
        "Apologise, as the brand and as one voice, without blaming an employee.",
        "Admit the fault plainly: what happened and who was affected.",
        "Counteract: stop the harm now and say what is being done.",
        "Improve: change what caused it, and say what changed.",
        "Repair: make it good with those affected, then rebuild trust with corrective reports and social proof.",
    ]

    /// Builds the report. `posts` are the period's posts (any status; cancelled ones are left out), `readings` every
    /// reading of the strategy's metrics, `shareTasks` the period's share tasks.
    public init(strategy s: Strategy, clock: ZoneClock, range: DateRange, periodName: String, posts allPosts: [Post],
                shareTasks: [ShareTask], readings: [MetricReading], generatedAt: Date, crises: [CrisisSummary] = [],
                listening: ListeningInput? = nil) {
        let posts = allPosts.filter { $0.status != .cancelled }
        let kindList = ContentKind.plannable + (posts.contains { $0.kind == .crisis } ? [.crisis] : [])
        let labels = PostLabels(s)
        let weeks: [LocalDate] = {
            var out: [LocalDate] = []
            var w = range.start.startOfWeek
            while w <= range.end { out.append(w); w = w.adding(days: 7) }
            return out
        }()
        // One pass over the posts.
        var byGoal: [String: [Post]] = [:]
        var byChannel: [String: [Post]] = [:]
        var byOwnerWeek: [String: [LocalDate: Int]] = [:]
        var weekOf: [String: LocalDate] = [:]
        for p in posts {
            byGoal[p.goal ?? "", default: []].append(p)
            byChannel[p.channel, default: []].append(p)
            let week = clock.localDate(p.scheduledAt).startOfWeek
            weekOf[p.id] = week
            if let o = p.owner { byOwnerWeek[o, default: [:]][week, default: 0] += 1 }
        }
        func kindCounts(_ list: [Post]) -> [KindCount] {
            var c: [ContentKind: Int] = [:]
            for p in list { c[p.kind, default: 0] += 1 }
            return kindList.compactMap { k in c[k].map { KindCount(kind: k.rawValue, posts: $0) } }
        }
        // Readings: the metric as a whole, and the latest per channel.
        var overall: [String: [LocalDate: Double]] = [:]
        var latestPerChannel: [String: [String: MetricReading]] = [:]
        for r in readings {
            if let c = r.channel {
                if let old = latestPerChannel[r.metric]?[c], old.date > r.date { continue }
                latestPerChannel[r.metric, default: [:]][c] = r
            } else {
                overall[r.metric, default: [:]][r.date] = r.value
            }
        }
        var statusCounts: [TrackStatus: Int] = [:]
        goals = s.goals.map { g in
            let owner = s.participant(g.owner)?.name ?? g.owner
            let metrics = g.metrics.map { m -> MetricSection in
                let points = (overall[m.id] ?? [:]).sorted { $0.key < $1.key }
                let projection = Projection.evaluate(m, readings: points.map { ($0.key, $0.value) }, start: range.start)
                statusCounts[projection.status, default: 0] += 1
                let list = points.map { Reading(date: $0.key.iso, value: $0.value) }
                let channels = (latestPerChannel[m.id] ?? [:]).values.sorted { $0.channel! < $1.channel! }
                    .map { ChannelReading(channel: $0.channel!, date: $0.date.iso, value: $0.value) }
                return MetricSection(id: m.id, name: m.name, unit: m.unit, baseline: m.baseline, target: m.target,
                                     direction: m.direction.rawValue, deadline: m.deadline.iso, measuredBy: m.measuredBy, owner: owner,
                                     readings: list, latest: list.last, byChannel: channels, projection: projection)
            }
            let mine = byGoal[g.id] ?? []
            let channelIDs = s.channels.map(\.id).filter { id in s.channel(id)!.goals.contains(g.id) || mine.contains { $0.channel == id } }
            let channels = channelIDs.map { id in
                let here = mine.filter { $0.channel == id }
                return GoalChannel(channel: id, network: s.channel(id)!.network.rawValue, posts: here.count, byKind: kindCounts(here))
            }
            let campaigns = s.campaigns.filter { $0.goal == g.id && $0.dates.overlaps(range) }.map { c in
                CampaignBrief(id: c.id, name: c.name, kind: c.kind.rawValue, start: c.dates.start.iso, end: c.dates.end.iso,
                              channels: c.channels, details: Self.campaignDetails(c), posts: mine.filter { $0.campaign == c.id }.count)
            }
            var perOwner: [String: Int] = [:]
            for p in mine { if let o = p.owner { perOwner[o, default: 0] += 1 } }
            let people = perOwner.map { PersonCount(id: $0.key, name: labels.personName($0.key), posts: $0.value) }
                .sorted { ($1.posts, $0.id) < ($0.posts, $1.id) }
            return GoalSection(id: g.id, title: g.title, kind: g.kind.rawValue, owner: owner, weight: g.weight, review: g.review,
                               metrics: metrics, posts: mine.count, postsByKind: kindCounts(mine), channels: channels,
                               campaigns: campaigns, people: people)
        }
        mix = s.channels.map { c in
            let here = byChannel[c.id] ?? []
            let shares = ContentKind.plannable.map { (c.mix ?? s.mix)[$0] ?? 0 }
            let targets = largestRemainder(shares, total: here.count)
            var kinds = zip(ContentKind.plannable, zip(shares, targets)).map { k, st in
                KindMix(kind: k.rawValue, share: st.0, target: st.1, planned: here.filter { $0.kind == k }.count)
            }
            if kindList.contains(.crisis) {
                kinds.append(KindMix(kind: ContentKind.crisis.rawValue, share: 0, target: 0, planned: here.filter { $0.kind == .crisis }.count))
            }
            var perWeek: [LocalDate: [Int]] = [:]
            for p in here {
                guard let w = weekOf[p.id], let i = kindList.firstIndex(of: p.kind) else { continue }
                perWeek[w, default: [Int](repeating: 0, count: kindList.count)][i] += 1
            }
            let weekRows = weeks.map { w in
                let counts = perWeek[w] ?? [Int](repeating: 0, count: kindList.count)
                return WeekMix(week: w.iso, counts: counts, total: counts.reduce(0, +))
            }
            return ChannelMix(channel: c.id, network: c.network.rawValue, name: c.name, postsPerWeek: c.postsPerWeek, posts: here.count,
                              kinds: kinds, weeks: weekRows)
        }
        var sharesPer: [String: Int] = [:]
        for t in shareTasks { sharesPer[t.participant, default: 0] += 1 }
        people = s.participants.map { p in
            let weeksLoad = byOwnerWeek[p.id] ?? [:]
            return PersonLoad(id: p.id, name: p.name, role: p.role, channels: p.channels, capacityPerWeek: p.capacityPerWeek,
                              posts: weeksLoad.values.reduce(0, +), busiestWeek: weeksLoad.values.max() ?? 0,
                              shares: sharesPer[p.id] ?? 0, eligible: p.mayPost,
                              timeOff: p.timeOff.filter { $0.overlaps(range) }.map { "\($0.start.iso) – \($0.end.iso)" })
        }
        let responseMetrics = s.metrics.filter { m in
            let text = (m.id + " " + m.name).lowercased()
            return text.contains("response") || text.contains("reply") || text.contains("answer")
        }.map(\.id)
        response = ResponseTargets(metrics: responseMetrics, crisisResponseHours: s.crisis.responseHours)
        crisis = CrisisBrief(
            responseHours: s.crisis.responseHours, updateEveryDays: s.crisis.updateEveryDays,
            owner: s.crisis.owner.map { labels.personName($0) },
            alert: s.crisis.alert.map { "promotional posts are held when \($0.metric) goes above \(formatNumber($0.above))" },
            steps: Self.crisisSteps,
            practice: [
                "Never ignore it and never blame an employee: that makes it worse.",
                "Communicate openly on every channel, with an update at least every \(formatNumber(s.crisis.updateEveryDays)) day\(s.crisis.updateEveryDays == 1 ? "" : "s") until it is closed.",
                "Promotional posts (contests, discounts) pause while the crisis is open.",
                "Afterwards, track recovery with CSAT, NPS, complaints and repeat purchases.",
            ])
        self.crises = crises
        self.listening = listening.map { Listening(strategy: s, clock: clock, range: range, input: $0) }
        brand = s.brand.name
        period = periodName
        start = range.start.iso
        end = range.end.iso
        timeZone = clock.identifier
        self.generatedAt = generatedAt.isoUTC
        kinds = kindList.map(\.rawValue)
        self.posts = posts.count
        var byStatus: [String: Int] = [:]
        for p in allPosts { byStatus[p.status.rawValue, default: 0] += 1 }
        postsByStatus = byStatus
        self.shareTasks = shareTasks.count
        statusRule = Projection.rule(start: range.start)
        statusSummary = TrackStatus.allCases.compactMap { st in statusCounts[st].map { StatusCount(status: st.rawValue, metrics: $0) } }
    }

    static func campaignDetails(_ c: Campaign) -> String? {
        var parts: [String] = []
        if let p = c.percent { parts.append("\(formatNumber(p))% off") }
        if let code = c.code { parts.append("code \(code)") }
        if let prize = c.prize { parts.append("prize: \(prize)") }
        if let d = c.details { parts.append(d) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// JSON for other tools: snake_case keys, sorted, dates as `YYYY-MM-DD`, times in UTC.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}
