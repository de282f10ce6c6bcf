import Foundation
import HeraldModel

/// The planner's answer: the posts that replace the period's replaceable ones, and how good the plan is.
public struct Plan: Sendable {
    public var period: DateRange
    /// New or re-planned posts (status `planned`), sorted by time.
    public var posts: [Post]
    /// Stored posts in the period the planner kept as they are (locked, drafted, approved, published, …).
    public var kept: [Post]
    /// Share tasks for the new posts.
    public var shareTasks: [ShareTask]
    /// Stored `planned` posts the new plan drops.
    public var removed: [Post]
    public var changes: PlanChanges
    public var report: PlanReport

    /// Every post of the period, kept and planned, by time.
    public var allPosts: [Post] { (kept + posts).sorted { ($0.scheduledAt, $0.channel) < ($1.scheduledAt, $1.channel) } }
}

/// What re-planning changed compared with the stored plan.
public struct PlanChanges: Sendable {
    public var added: [Post] = []
    public var removed: [Post] = []
    /// Same channel, kind and campaign step, at another time: (before, after).
    public var moved: [(from: Post, to: Post)] = []
    /// Same slot, different kind, goal, owner or topic: (before, after).
    public var changed: [(from: Post, to: Post)] = []
    public var unchanged: Int = 0
    /// Why a post changed, moved or went, by its id (the new id for a move): the rule that forced it. Re-planning keeps
    /// every other post as stored; `--fresh` plans from scratch and gives no reasons.
    public var reasons: [String: String] = [:]

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && moved.isEmpty && changed.isEmpty }
}

/// The plan's quality, for `plan --explain`.
public struct PlanReport: Sendable {
    public struct KindCount: Sendable {
        public var kind: ContentKind
        public var share: Double
        /// Largest-remainder share of the channel's posts.
        public var target: Int
        public var planned: Int
    }

    public struct ChannelQuality: Sendable {
        public var channel: String
        public var network: Network
        public var posts: Int
        public var kinds: [KindCount]
        public var campaignPosts: Int
        public var longestPromotionalRun: Int
        /// Fewest days between two promotional posts (nil with fewer than two).
        public var closestPromotionalPosts: Int?
        /// Kinds with 3+ posts in the period that miss a month.
        public var monthsWithoutKind: [(kind: ContentKind, month: String)]
        public var blackoutDaysLost: [(date: LocalDate, name: String)]
        public var skippedSteps: [(campaign: String, step: CampaignStep, reason: String)]
        /// Posts that asked for shares but got fewer sharers than wanted.
        public var shortOfSharers: Int
        /// Per regular kind with posts: its spread score in days, the measure the planner's spread search makes as small
        /// as the slots allow (`SpreadSearch`): the longest of the times between consecutive posts of that kind, twice
        /// the time from the period's start to its first post and twice the time from its last post to the period's end.
        public var largestGaps: [(kind: ContentKind, days: Double)] = []
        /// Campaign steps of the period placed, of those the campaigns ask for on this channel.
        public var stepsPlaced = 0
        public var stepsPossible = 0
    }

    public struct GoalShare: Sendable {
        public var goal: String
        public var weight: Double
        public var weightShare: Double
        public var posts: Int
        public var share: Double
        public var byKind: [ContentKind: Int]
    }

    public struct PersonLoad: Sendable {
        public var participant: String
        public var name: String
        public var posts: Int
        public var capacityPerWeek: Int
        public var busiestWeek: Int
        public var quietestWeek: Int
        public var shares: Int
        public var eligible: Bool
        /// The busiest week's posts ÷ capacity (1 = full).
        public var peakLoad: Double = 0
    }

    /// People who may own exactly the same channels, with their period totals: the group work is balanced within.
    public struct Group: Sendable {
        public var people: [String]
        public var channels: [String]
        public var posts: Int
        /// Posts per person, in `people` order.
        public var totals: [Int]
        public var capacities: [Int]
    }

    public struct Unassigned: Sendable {
        public var post: String
        public var channel: String
        public var date: LocalDate
        public var reason: String
    }

    public var channels: [ChannelQuality] = []
    public var goals: [GoalShare] = []
    public var people: [PersonLoad] = []
    public var groups: [Group] = []
    public var unassigned: [Unassigned] = []
    public var observances: [(date: LocalDate, name: String, campaign: String?)] = []
}
