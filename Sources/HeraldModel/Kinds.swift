/// What a post is for. Promotional kinds (contest, discount) are spaced and paused in a crisis.
public enum ContentKind: String, CaseIterable, Sendable, Codable, Comparable {
    case informational
    case engagement
    case socialProof = "social-proof"
    case contest
    case discount
    case crisis

    public var isPromotional: Bool { self == .contest || self == .discount }

    /// The kinds a strategy's `mix` may give shares to (crisis posts are never planned ahead).
    public static let plannable: [ContentKind] = [.informational, .engagement, .socialProof, .contest, .discount]

    /// A human label, e.g. "Social proof".
    public var label: String {
        switch self {
        case .informational: "Informational"
        case .engagement: "Engagement"
        case .socialProof: "Social proof"
        case .contest: "Contest"
        case .discount: "Discount"
        case .crisis: "Crisis"
        }
    }

    /// The goal kinds a post of this kind serves unless the strategy says otherwise.
    public var defaultGoalKinds: [GoalKind] {
        switch self {
        case .informational: [.awareness, .feedback]
        case .engagement: [.engagement, .loyalty, .feedback]
        case .socialProof: [.trust, .loyalty]
        case .contest: [.engagement]
        case .discount: [.sales]
        case .crisis: [.trust]
        }
    }

    public static func < (a: ContentKind, b: ContentKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The business outcome a goal is about.
public enum GoalKind: String, CaseIterable, Sendable, Codable {
    case awareness, engagement, loyalty, sales, trust, feedback
}

/// Whether a metric should rise or fall to meet its target.
public enum Direction: String, CaseIterable, Sendable, Codable {
    case up, down
}

/// A campaign's kind; contests and discounts expand into post series.
public enum CampaignKind: String, CaseIterable, Sendable, Codable {
    case contest, discount

    public var contentKind: ContentKind { self == .contest ? .contest : .discount }

    /// The steps a campaign of this kind expands into, in order.
    public var steps: [CampaignStep] {
        switch self {
        case .contest: [.announce, .reminder, .lastCall, .winners]
        case .discount: [.launch, .lastCall]
        }
    }
}

/// One post of a campaign's series.
public enum CampaignStep: String, CaseIterable, Sendable, Codable {
    case announce, reminder, launch, winners
    case lastCall = "last-call"

    public var label: String {
        switch self {
        case .announce: "announce"
        case .reminder: "reminder"
        case .launch: "launch"
        case .winners: "winners"
        case .lastCall: "last call"
        }
    }
}

/// Social networks and other outlets, with their limits.
public enum Network: String, CaseIterable, Sendable, Codable {
    case facebook, instagram, linkedin, x, mastodon, bluesky, threads, youtube, tiktok, pinterest, blog, newsletter

    /// The character limit as the network counts it.
    public var defaultCharacterLimit: Int {
        switch self {
        case .x: 280
        case .mastodon: 500
        case .bluesky: 300
        case .threads: 500
        case .linkedin: 3000
        case .instagram: 2200
        case .facebook: 63206
        case .tiktok: 2200
        case .youtube: 5000
        case .pinterest: 500
        case .blog, .newsletter: 100_000
        }
    }

    /// How many characters one URL counts for (nil: counted as written).
    public var urlLength: Int? {
        switch self {
        case .x, .mastodon: 23
        default: nil
        }
    }

    /// The most hashtags the network allows in one post (nil: no limit).
    public var defaultHashtagLimit: Int? {
        switch self {
        case .instagram: 30
        case .tiktok: 30
        case .youtube: 15
        case .linkedin: 30
        default: nil
        }
    }
}

/// How a calendar's days affect the plan.
public enum CalendarRole: String, CaseIterable, Sendable, Codable {
    /// No post on these days.
    case blackout
    /// No promotional post on these days.
    case noPromo = "no-promo"
    /// Dates worth a campaign; offered as anchors by `plan --explain`.
    case observance
}
