import Foundation

/// A quarter's social-media strategy: everything `strategy.yaml` describes.
public struct Strategy: Sendable {
    public var brand: Brand
    public var timeZone: String
    public var locale: String
    public var period: DateRange?
    public var goals: [Goal]
    public var channels: [Channel]
    public var mix: [ContentKind: Double]
    /// Which goal kinds each content kind serves (defaults from `ContentKind.defaultGoalKinds`).
    public var kindGoals: [ContentKind: [GoalKind]]
    public var rules: Rules
    public var participants: [Participant]
    public var campaigns: [Campaign]
    public var calendars: [CalendarSource]
    public var hooks: [Hook]
    /// Topic lines per kind, used round-robin by the planner and by templates as `{{topic}}`.
    public var topics: [ContentKind: [String]]
    public var crisis: CrisisSettings
    /// A hook that receives lifecycle events (post.failed, …).
    public var notify: String?
    /// A folder of templates layered over the bundled ones.
    public var templatesPath: String?
    /// The evergreen library: ready-written posts recycled into matching slots.
    public var library: LibrarySettings?
    /// Where inbox items come from: connectors that post signed JSON to `herald run --listen`.
    public var sources: [InboxSource] = []
    /// How fast the brand answers what comes in.
    public var responseTargets = ResponseTargets()
    /// Reply approval, crisis topics and the brand's own handles (`inbox:`).
    public var inbox = InboxSettings()

    public init(brand: Brand, timeZone: String, locale: String, period: DateRange?, goals: [Goal],
                channels: [Channel], mix: [ContentKind: Double], kindGoals: [ContentKind: [GoalKind]] = [:],
                rules: Rules = Rules(), participants: [Participant], campaigns: [Campaign],
                calendars: [CalendarSource] = [], hooks: [Hook] = [], topics: [ContentKind: [String]] = [:],
                crisis: CrisisSettings = CrisisSettings(), notify: String? = nil, templatesPath: String? = nil,
                library: LibrarySettings? = nil) {
        self.brand = brand; self.timeZone = timeZone; self.locale = locale; self.period = period
        self.goals = goals; self.channels = channels; self.mix = mix; self.kindGoals = kindGoals
        self.rules = rules; self.participants = participants; self.campaigns = campaigns
        self.calendars = calendars; self.hooks = hooks; self.topics = topics; self.crisis = crisis
        self.notify = notify; self.templatesPath = templatesPath; self.library = library
    }

    public var metrics: [Metric] { goals.flatMap(\.metrics) }

    public func goal(_ id: String) -> Goal? { goals.first { $0.id == id } }
    public func channel(_ id: String) -> Channel? { channels.first { $0.id == id } }
    public func participant(_ id: String) -> Participant? { participants.first { $0.id == id } }
    public func campaign(_ id: String) -> Campaign? { campaigns.first { $0.id == id } }
    public func hook(_ id: String) -> Hook? { hooks.first { $0.id == id } }
    public func source(_ id: String) -> InboxSource? { sources.first { $0.id == id } }

    /// The goal kinds a content kind serves in this strategy.
    public func goalKinds(for kind: ContentKind) -> [GoalKind] { kindGoals[kind] ?? kind.defaultGoalKinds }
}

public struct Brand: Sendable {
    public var name: String
    /// The brand's main link; posts get it with UTM parameters.
    public var link: String?
    public var hashtags: [String]

    public init(name: String, link: String? = nil, hashtags: [String] = []) {
        self.name = name; self.link = link; self.hashtags = hashtags
    }
}

/// A business goal and the metrics that prove it.
public struct Goal: Sendable, Identifiable {
    public var id: String
    public var title: String
    public var kind: GoalKind
    /// Who answers for the goal (a participant id or a name).
    public var owner: String
    /// Relative weight when posts are shared among goals.
    public var weight: Double
    public var metrics: [Metric]
    /// How often the goal is reviewed, e.g. "monthly".
    public var review: String?

    public init(id: String, title: String, kind: GoalKind, owner: String, weight: Double = 1,
                metrics: [Metric], review: String? = nil) {
        self.id = id; self.title = title; self.kind = kind; self.owner = owner; self.weight = weight
        self.metrics = metrics; self.review = review
    }
}

/// A measurable number with a baseline, a target and a deadline.
public struct Metric: Sendable, Identifiable {
    public var id: String
    public var name: String
    public var unit: String
    public var baseline: Double
    public var target: Double
    public var direction: Direction
    public var deadline: LocalDate
    public var measuredBy: String
    /// Where its readings come from: recorded by people (the default) or computed (`source: inbox.volume`).
    public var source: MetricSource

    public init(id: String, name: String, unit: String, baseline: Double, target: Double,
                direction: Direction, deadline: LocalDate, measuredBy: String, source: MetricSource = .recorded) {
        self.id = id; self.name = name; self.unit = unit; self.baseline = baseline; self.target = target
        self.direction = direction; self.deadline = deadline; self.measuredBy = measuredBy; self.source = source
    }
}

/// A place the brand posts to, with its cadence.
public struct Channel: Sendable, Identifiable {
    public var id: String
    public var network: Network
    /// A display name, e.g. "@beanandbloom".
    public var name: String?
    public var postsPerWeek: Int
    public var days: [Weekday]
    public var times: [LocalTime]
    public var maxCharacters: Int
    public var maxHashtags: Int?
    public var hooks: [String]
    public var goals: [String]
    /// Delivering later than this after the scheduled time is pointless: the delivery expires.
    public var maxLateness: TimeInterval
    /// Share tasks asked of employees per post (0: none).
    public var sharesPerPost: Int
    public var hashtags: [String]
    /// The channel's language when it differs from the strategy's.
    public var locale: String?
    /// Per-channel content mix, overriding the strategy's.
    public var mix: [ContentKind: Double]?

    public static let defaultMaxLateness: TimeInterval = 6 * 3600

    public init(id: String, network: Network, name: String? = nil, postsPerWeek: Int, days: [Weekday],
                times: [LocalTime], maxCharacters: Int? = nil, maxHashtags: Int? = nil, hooks: [String] = [],
                goals: [String] = [], maxLateness: TimeInterval = Channel.defaultMaxLateness,
                sharesPerPost: Int = 0, hashtags: [String] = [], locale: String? = nil,
                mix: [ContentKind: Double]? = nil) {
        self.id = id; self.network = network; self.name = name; self.postsPerWeek = postsPerWeek
        self.days = days; self.times = times
        self.maxCharacters = maxCharacters ?? network.defaultCharacterLimit
        self.maxHashtags = maxHashtags ?? network.defaultHashtagLimit
        self.hooks = hooks; self.goals = goals; self.maxLateness = maxLateness
        self.sharesPerPost = sharesPerPost; self.hashtags = hashtags; self.locale = locale; self.mix = mix
    }
}

/// Spacing rules for promotional posts.
public struct Rules: Sendable {
    /// Two contests on one channel start at least this many days apart.
    public var minDaysBetweenContests: Int
    /// Two discounts on one channel start at least this many days apart.
    public var minDaysBetweenDiscounts: Int
    /// Never more promotional posts than this in a row on one channel.
    public var maxPromotionalInARow: Int

    public init(minDaysBetweenContests: Int = 14, minDaysBetweenDiscounts: Int = 14, maxPromotionalInARow: Int = 2) {
        self.minDaysBetweenContests = minDaysBetweenContests
        self.minDaysBetweenDiscounts = minDaysBetweenDiscounts
        self.maxPromotionalInARow = maxPromotionalInARow
    }
}

/// An employee who takes part.
public struct Participant: Sendable, Identifiable {
    public var id: String
    public var name: String
    public var role: String
    public var channels: [String]
    public var capacityPerWeek: Int
    public var trained: Bool
    public var rulesAccepted: Bool
    public var timeOff: [DateRange]
    public var languages: [String]
    /// Networks where the person has their own account and can share brand posts.
    public var shareOn: [Network]

    public init(id: String, name: String, role: String, channels: [String], capacityPerWeek: Int,
                trained: Bool, rulesAccepted: Bool, timeOff: [DateRange] = [], languages: [String] = [],
                shareOn: [Network] = []) {
        self.id = id; self.name = name; self.role = role; self.channels = channels
        self.capacityPerWeek = capacityPerWeek; self.trained = trained; self.rulesAccepted = rulesAccepted
        self.timeOff = timeOff; self.languages = languages; self.shareOn = shareOn
    }

    /// Trained and has accepted the social-media rules: may post and share.
    public var mayPost: Bool { trained && rulesAccepted }

    public func isOff(on date: LocalDate) -> Bool { timeOff.contains { $0.contains(date) } }

    public var firstName: String { String(name.split(separator: " ").first ?? Substring(name)) }
}

/// A contest or discount with dates; expands into a series of posts.
public struct Campaign: Sendable, Identifiable {
    public var id: String
    public var kind: CampaignKind
    public var name: String
    public var dates: DateRange
    public var goal: String
    public var channels: [String]
    public var code: String?
    public var percent: Double?
    public var prize: String?
    public var details: String?
    public var link: String?
    /// What the campaign costs (`budget: {amount: 500, currency: EUR}`): the report weighs its results against it.
    public var budget: Budget?

    public init(id: String, kind: CampaignKind, name: String, dates: DateRange, goal: String, channels: [String],
                code: String? = nil, percent: Double? = nil, prize: String? = nil, details: String? = nil,
                link: String? = nil, budget: Budget? = nil) {
        self.id = id; self.kind = kind; self.name = name; self.dates = dates; self.goal = goal
        self.channels = channels; self.code = code; self.percent = percent; self.prize = prize
        self.details = details; self.link = link; self.budget = budget
    }
}

/// An amount of money in one currency (ISO 4217 code, e.g. EUR).
public struct Budget: Sendable, Hashable {
    public var amount: Double
    public var currency: String

    public init(amount: Double, currency: String) { self.amount = amount; self.currency = currency }
}

/// An ICS file and what its days mean for the plan.
public struct CalendarSource: Sendable {
    /// As written in the strategy (relative to the strategy file, or a bundled `Calendars/…` file).
    public var path: String
    public var role: CalendarRole
    public var name: String?

    public init(path: String, role: CalendarRole, name: String? = nil) {
        self.path = path; self.role = role; self.name = name
    }
}

/// Where a due post is handed over.
public struct Hook: Sendable, Identifiable {
    public enum Kind: Sendable {
        /// HTTP POST of JSON, signed per Standard Webhooks with the secret in `secretEnv`.
        case webhook(url: String, secretEnv: String)
        /// A program run with argv (never a shell string); JSON on stdin.
        case command(argv: [String])
        /// Files written atomically into a folder.
        case outbox(directory: String)
    }

    public var id: String
    public var kind: Kind
    public var timeout: TimeInterval
    /// Attempts before a delivery fails.
    public var maxAttempts: Int
    /// The receiver drops repeats by idempotency key, so a crash mid-call can be retried safely.
    public var idempotent: Bool
    /// A command hook's `env:`: the names of the variables passed on to it from Herald's environment, beyond PATH,
    /// HOME, LANG and the `HERALD_*` delivery variables (a command gets nothing else).
    public var environment: [String]

    public init(id: String, kind: Kind, timeout: TimeInterval = 15, maxAttempts: Int = 8, idempotent: Bool? = nil,
                environment: [String] = []) {
        self.id = id; self.kind = kind; self.timeout = timeout; self.maxAttempts = maxAttempts; self.environment = environment
        switch kind {
        case .webhook, .outbox: self.idempotent = idempotent ?? true
        case .command: self.idempotent = idempotent ?? false
        }
    }

    public var typeName: String {
        switch kind {
        case .webhook: "webhook"
        case .command: "command"
        case .outbox: "outbox"
        }
    }
}

/// How Herald behaves in a crisis.
public struct CrisisSettings: Sendable {
    /// The first public response goes out within this many hours of opening.
    public var responseHours: Double
    /// Public updates every this many days until the crisis closes.
    public var updateEveryDays: Double
    /// Who approves crisis posts and owns the checklist (participant id).
    public var owner: String?
    /// Refuse promotional posts when the latest reading of a metric crosses a threshold.
    public var alert: CrisisAlert?
    /// Raise the alert by itself when negative inbox items surge.
    public var spike: SpikeRule?

    public init(responseHours: Double = 1, updateEveryDays: Double = 2, owner: String? = nil, alert: CrisisAlert? = nil,
                spike: SpikeRule? = nil) {
        self.responseHours = responseHours; self.updateEveryDays = updateEveryDays; self.owner = owner; self.alert = alert
        self.spike = spike
    }
}

/// `crisis.spike`: the alert is raised when the negative items written in the last `hours` number at least `minItems`
/// and at least `factor` times the trailing 14-day rate for as many hours (the 14 days before the window).
public struct SpikeRule: Sendable, Equatable {
    public var hours: Double
    public var factor: Double
    public var minItems: Int

    /// The days the usual rate is taken from.
    public static let trailingDays = 14

    public init(hours: Double = 6, factor: Double = 3, minItems: Int = 10) {
        self.hours = hours; self.factor = factor; self.minItems = minItems
    }
}

public struct CrisisAlert: Sendable {
    public var metric: String
    public var above: Double

    public init(metric: String, above: Double) { self.metric = metric; self.above = above }
}

/// The evergreen library folder and its recycling rule.
public struct LibrarySettings: Sendable {
    public var path: String
    public var recycleAfterDays: Int

    public init(path: String, recycleAfterDays: Int = 60) { self.path = path; self.recycleAfterDays = recycleAfterDays }
}
