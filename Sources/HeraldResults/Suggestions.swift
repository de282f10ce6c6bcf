import Foundation
import HeraldModel

/// A content mix `--suggest` may change: the strategy's own `mix:` (for the channels without one of their own) or a
/// channel's `mix:`. Only the kinds written in it take part: a kind not written cannot be raised without adding a line.
public struct MixScope: Sendable {
    /// nil: the strategy's `mix:`; else the channel whose `mix:` this is.
    public var channel: String?
    /// The shares as written.
    public var shares: [ContentKind: Double]
    /// The channels whose posts follow this mix.
    public var channels: [String]

    public init(channel: String?, shares: [ContentKind: Double], channels: [String]) {
        self.channel = channel; self.shares = shares; self.channels = channels
    }

    /// `mix` or `channels.instagram.mix`, as a strategy's path names it.
    public var path: String { channel.map { "channels.\($0).mix" } ?? "mix" }

    /// The mixes of a strategy: its `mix:` when the file writes one (`topWritten`), and every channel's own.
    public static func scopes(of s: Strategy, topWritten: Bool) -> [MixScope] {
        var out: [MixScope] = []
        let plain = s.channels.filter { $0.mix == nil }.map(\.id)
        if topWritten, !plain.isEmpty { out.append(MixScope(channel: nil, shares: s.mix, channels: plain)) }
        for c in s.channels { if let m = c.mix { out.append(MixScope(channel: c.id, shares: m, channels: [c.id])) } }
        return out
    }
}

/// What `herald plan NEXT --suggest` proposes from the results of earlier posts: bounded changes to content mixes and
/// time slots, each justified by a finding (`Rollup`'s rule: at least 8 posts a side and non-overlapping intervals).
///
/// - Mix: for every goal, the kinds of a mix that serve the goal (`Strategy.goalKinds(for:)`: `kind_goals:` or the
///   defaults) are compared on the goal's measure — the counter its `posts.*` metric names, else `engagement`. Each
///   finding "A beats B" counts the goal's weight for the pair (A, B) and against (B, A). Pairs with a positive balance,
///   largest first, move a share of at most `step` from B to A; a kind moves once per mix, so no share moves by more than
///   the step and the shares keep their sum.
/// - Slots: per channel, the posts are compared by local time slot on `engagement`. The measured slot of the channel's
///   `times` with the lowest median is swapped for the best slot not in `times` whose interval lies wholly above it.
public struct Suggestions: Sendable, Encodable {
    /// What the posts of a channel gave to work with.
    public struct ChannelData: Sendable, Encodable, Equatable {
        public var channel: String
        public var published: Int
        /// Published posts with at least one results snapshot.
        public var withResults: Int
    }

    /// One side of a comparison: the figures behind a proposal.
    public struct Side: Sendable, Encodable, Equatable {
        public var key: String
        public var posts: Int
        public var median: Double
        public var low: Double
        public var high: Double
    }

    /// A finding that backs a proposal.
    public struct Evidence: Sendable, Encodable, Equatable {
        /// The goal whose measure was compared (nil for a time slot).
        public var goal: String?
        public var metric: String
        public var better: Side
        public var worse: Side
        public var text: String
    }

    /// A share moved from one kind to another in one mix.
    public struct MixChange: Sendable, Encodable, Equatable {
        /// nil: the strategy's `mix:`.
        public var channel: String?
        public var path: String
        public var raise: String
        public var raiseFrom: Double
        public var raiseTo: Double
        public var lower: String
        public var lowerFrom: Double
        public var lowerTo: Double
    }

    /// A channel's time slot replaced by another.
    public struct SlotChange: Sendable, Encodable, Equatable {
        public var channel: String
        public var replace: String
        public var with: String
    }

    public struct Proposal: Sendable, Encodable, Equatable {
        /// `mix` or `slot`.
        public var type: String
        public var summary: String
        public var mix: MixChange?
        public var slot: SlotChange?
        public var evidence: [Evidence]
    }

    /// The measure a goal is compared on when none of its metrics names a `posts.*` counter, and the one time slots
    /// are compared on.
    public static let defaultMetric = ResultMetric.engagement
    /// `--step`'s default and range, in percentage points.
    public static let defaultStep = 5.0
    public static let stepRange: ClosedRange<Double> = 1...25

    /// The step, in percentage points.
    public var step: Double
    public var published: Int
    public var withResults: Int
    public var channels: [ChannelData]
    /// Whether any comparison had two groups with enough posts for a finding to be possible.
    public var enoughData: Bool
    public var proposals: [Proposal]
    /// Why nothing (more) was proposed.
    public var notes: [String]

    /// - Parameters:
    ///   - step: the most a share may move, in percentage points.
    public init(strategy: Strategy, outcomes: [PostOutcome], mixes: [MixScope], step: Double, seed: UInt64 = Statistics.defaultSeed) {
        self.step = step
        published = outcomes.count
        withResults = outcomes.filter { $0.latest != nil }.count
        channels = strategy.channels.map { c in
            let mine = outcomes.filter { $0.channel == c.id }
            return ChannelData(channel: c.id, published: mine.count, withResults: mine.filter { $0.latest != nil }.count)
        }
        var comparable = false
        var proposals: [Proposal] = []
        var notes: [String] = []
        let fraction = step / 100

        // Mixes.
        for scope in mixes {
            let posts = outcomes.filter { scope.channels.contains($0.channel) }
            var balance: [Pair: Double] = [:]
            var evidence: [Pair: [Evidence]] = [:]
            var compared = false
            for goal in strategy.goals {
                let metric = Self.metric(for: goal)
                let kinds = ContentKind.plannable.filter { scope.shares[$0] != nil && strategy.goalKinds(for: $0).contains(goal.kind) }
                guard kinds.count >= 2 else { continue }
                let r = Rollup(outcomes: posts.filter { kinds.contains($0.kind) }, by: .kind, metric: metric, seed: seed)
                if r.groups.filter(\.enough).count >= 2 { comparable = true; compared = true }
                for (a, b) in Self.findings(r) {
                    guard let ka = ContentKind(rawValue: a.key), let kb = ContentKind(rawValue: b.key) else { continue }
                    balance[Pair(ka, kb), default: 0] += goal.weight
                    balance[Pair(kb, ka), default: 0] -= goal.weight
                    evidence[Pair(ka, kb), default: []].append(Self.evidence(a, b, metric: metric, goal: goal.id))
                }
            }
            var moved: Set<ContentKind> = []
            let ranked = balance.filter { $0.value > 0 }.sorted {
                if $0.value != $1.value { return $0.value > $1.value }
                return ($0.key.a, $0.key.b) < ($1.key.a, $1.key.b)
            }
            var made = false
            for (pair, _) in ranked where !moved.contains(pair.a) && !moved.contains(pair.b) {
                let up = scope.shares[pair.a] ?? 0, down = scope.shares[pair.b] ?? 0
                let delta = min(fraction, down, 1 - up)
                guard delta > 0.00005 else { continue }
                moved.insert(pair.a); moved.insert(pair.b)
                let change = MixChange(channel: scope.channel, path: scope.path, raise: pair.a.rawValue, raiseFrom: up,
                                       raiseTo: Self.round(up + delta), lower: pair.b.rawValue, lowerFrom: down, lowerTo: Self.round(down - delta))
                let ev = evidence[pair] ?? []
                let goals = ev.compactMap(\.goal)
                // Contest and discount posts come from campaigns: a share alone does not add any.
                let campaigns = pair.a.isPromotional ? "; \(pair.a.rawValue) posts come from campaigns, so a higher share needs a \(pair.a.rawValue) campaign to fill it" : ""
                proposals.append(Proposal(
                    type: "mix",
                    summary: "\(scope.path): \(pair.a.rawValue) \(Self.percent(up)) → \(Self.percent(change.raiseTo)), \(pair.b.rawValue) \(Self.percent(down)) → \(Self.percent(change.lowerTo)) (\(pair.a.rawValue) did better for \(goals.count == 1 ? "goal" : "goals") \(goals.joined(separator: ", "))\(campaigns))",
                    mix: change, slot: nil, evidence: ev))
                made = true
            }
            if !made, compared {
                notes.append("\(scope.path): no finding between the kinds that serve a goal (intervals overlap, or a kind has fewer than \(Rollup.minimumPosts) measured posts); left as it is.")
            }
        }

        // Time slots.
        for c in strategy.channels {
            let posts = outcomes.filter { $0.channel == c.id }
            let r = Rollup(outcomes: posts, by: .slot, metric: Self.defaultMetric, seed: seed)
            let enough = r.groups.filter(\.enough)
            guard enough.count >= 2 else { continue }
            comparable = true
            let current = Set(c.times.map(\.description))
            // Groups run best first: the last measured slot of `times` is the weakest.
            guard let weakest = enough.last(where: { current.contains($0.key) }),
                  let better = enough.first(where: { !current.contains($0.key) && Self.holds($0, over: weakest) }) else {
                notes.append("channels.\(c.id).times: no slot seen in the data does better than the weakest of \(c.times.map(\.description).joined(separator: ", ")) as a finding; left as they are.")
                continue
            }
            proposals.append(Proposal(
                type: "slot",
                summary: "channels.\(c.id).times: \(weakest.key) → \(better.key) (the weakest slot of the channel; \(better.key) did better)",
                mix: nil, slot: SlotChange(channel: c.id, replace: weakest.key, with: better.key),
                evidence: [Self.evidence(better, weakest, metric: Self.defaultMetric, goal: nil)]))
        }

        enoughData = comparable
        self.proposals = proposals
        if !comparable {
            notes.insert(Self.tooLittle(channels), at: 0)
        }
        self.notes = notes
    }

    /// "Too little data": what is missing, per channel.
    static func tooLittle(_ channels: [ChannelData]) -> String {
        let per = channels.map { "\($0.channel) \($0.withResults) of \($0.published)" }.joined(separator: ", ")
        return "Too little data to propose anything: a change needs a finding, and a finding needs at least \(Rollup.minimumPosts) measured posts in each of two groups (kinds serving the same goal, or time slots of one channel). Published posts with results, per channel: \(per). Import more results (herald results import FILE) and run it again."
    }

    struct Pair: Hashable {
        var a: ContentKind, b: ContentKind
        init(_ a: ContentKind, _ b: ContentKind) { self.a = a; self.b = b }
    }

    /// The counter a goal is measured by: the first of its metrics whose source is `posts.COUNTER`, else `engagement`.
    public static func metric(for goal: Goal) -> ResultMetric {
        goal.metrics.lazy.compactMap { metric(source: $0.source) }.first ?? defaultMetric
    }

    /// The counter a `posts.…` source measures (the names are `herald results`' own); nil for any other source.
    public static func metric(source: MetricSource) -> ResultMetric? {
        guard case .posts(let p) = source else { return nil }
        return ResultMetric(name: p.measure.rawValue)
    }

    /// Rollup's rule: both groups have enough posts and `a`'s interval lies wholly above `b`'s.
    static func holds(_ a: Rollup.Group, over b: Rollup.Group) -> Bool {
        guard a.enough, b.enough, let aLow = a.low, let bHigh = b.high, a.median != nil, b.median != nil else { return false }
        return bHigh < aLow
    }

    static func findings(_ r: Rollup) -> [(Rollup.Group, Rollup.Group)] {
        var out: [(Rollup.Group, Rollup.Group)] = []
        for (i, a) in r.groups.enumerated() { for b in r.groups[(i + 1)...] where holds(a, over: b) { out.append((a, b)) } }
        return out
    }

    static func side(_ g: Rollup.Group) -> Side {
        Side(key: g.key, posts: g.posts, median: g.median ?? 0, low: g.low ?? 0, high: g.high ?? 0)
    }

    static func evidence(_ a: Rollup.Group, _ b: Rollup.Group, metric: ResultMetric, goal: String?) -> Evidence {
        let f = Rollup.format
        let x = side(a), y = side(b)
        let text = "\(goal.map { "goal \($0): " } ?? "")\(x.key) beats \(y.key) on \(metric.rawValue): median \(f(x.median)) vs \(f(y.median)), 95% intervals \(f(x.low))–\(f(x.high)) vs \(f(y.low))–\(f(y.high)), \(x.posts) and \(y.posts) posts"
        return Evidence(goal: goal, metric: metric.rawValue, better: x, worse: y, text: text)
    }

    /// A share rounded to 4 decimals, so sums stay exact as written.
    static func round(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }

    static func percent(_ v: Double) -> String { Rollup.format(v * 100) + "%" }
}
