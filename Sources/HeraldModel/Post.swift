import Foundation

/// Where a post came from.
public enum PostSource: String, CaseIterable, Sendable, Codable {
    case planner, manual, `import`, crisis
}

/// One post on one channel at one time.
public struct Post: Sendable, Identifiable, Hashable {
    /// Stable id, e.g. `p-3f9a1c2e`.
    public var id: String
    public var channel: String
    public var network: Network
    public var kind: ContentKind
    public var step: CampaignStep?
    public var campaign: String?
    public var goal: String?
    /// The participant who writes and answers for it; nil when nobody qualified.
    public var owner: String?
    public var scheduledAt: Date
    public var status: PostStatus
    public var body: String?
    /// The topic line the planner gave it, if the strategy lists topics.
    public var topic: String?
    /// Which template variant the drafter uses (the planner's seed picks it).
    public var variant: Int
    /// A locked post is kept by re-planning and not moved.
    public var locked: Bool
    public var source: PostSource
    /// A link that overrides the brand's link.
    public var link: String?
    /// Media URLs handed to hooks.
    public var media: [String]
    /// The crisis this post belongs to.
    public var crisis: String?
    /// Where the body came from: a template file, or `library:<file>` for an evergreen post.
    public var template: String?
    /// Who approved it and when (set by `herald approve`).
    public var approvedBy: String?
    public var approvedAt: Date?

    public init(id: String, channel: String, network: Network, kind: ContentKind, step: CampaignStep? = nil,
                campaign: String? = nil, goal: String? = nil, owner: String? = nil, scheduledAt: Date,
                status: PostStatus = .planned, body: String? = nil, topic: String? = nil, variant: Int = 0,
                locked: Bool = false, source: PostSource = .planner, link: String? = nil, media: [String] = [],
                crisis: String? = nil, template: String? = nil, approvedBy: String? = nil, approvedAt: Date? = nil) {
        self.id = id; self.channel = channel; self.network = network; self.kind = kind; self.step = step
        self.campaign = campaign; self.goal = goal; self.owner = owner; self.scheduledAt = scheduledAt
        self.status = status; self.body = body; self.topic = topic; self.variant = variant; self.locked = locked
        self.source = source; self.link = link; self.media = media; self.crisis = crisis
        self.template = template; self.approvedBy = approvedBy; self.approvedAt = approvedAt
    }

    /// The key a receiver can use to drop repeats of this post.
    public var idempotencyKey: String { "herald-\(id)" }

    /// A one-line title, e.g. "Contest — announce: Latte art".
    public func title(campaignName: String?) -> String {
        var t = kind.label
        if let step { t += " — \(step.label)" }
        if let campaignName { t += ": \(campaignName)" } else if let topic { t += ": \(topic)" }
        return t
    }

    /// A stable id from the things that identify a planned post.
    public static func makeID(_ parts: String...) -> String {
        "p-" + StableHash.hex(parts.joined(separator: "\u{1F}"), length: 8)
    }
}

/// A request that an employee share a brand post from their own account.
public struct ShareTask: Sendable, Hashable, Identifiable {
    public var id: String
    public var post: String
    public var participant: String
    public var network: Network
    /// Share on or after this time (the post's time).
    public var due: Date
    public var done: Bool

    public init(id: String, post: String, participant: String, network: Network, due: Date, done: Bool = false) {
        self.id = id; self.post = post; self.participant = participant; self.network = network
        self.due = due; self.done = done
    }
}

/// FNV-1a 64-bit: a stable, dependency-free hash for ids (not for security).
public enum StableHash {
    /// The hash of the empty text, where every hash starts.
    public static let start: UInt64 = 0xcbf2_9ce4_8422_2325

    public static func value(_ text: String) -> UInt64 { value(continuing: start, text) }

    /// The hash of `a + text`, given `state` = the hash of `a`: lets a loop hash "\(prefix)\(suffix)" keys without
    /// building the strings.
    public static func value(continuing state: UInt64, _ text: String) -> UInt64 {
        var h = state
        for b in text.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The hash of `a + bytes`, given `state` = the hash of `a` (for a key hashed against many prefixes).
    public static func value(continuing state: UInt64, bytes: [UInt8]) -> UInt64 {
        var h = state
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    public static func hex(_ text: String, length: Int = 16) -> String { hex(value: value(text), length: length) }

    /// `hex(_:length:)` of a hash already worked out.
    public static func hex(value: UInt64, length: Int = 16) -> String {
        let s = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - s.count)) + s
        return String(padded.prefix(length))
    }
}

/// Text a person types into a post (a body, a topic, a cell of an imported file) may hold tabs and line breaks but
/// no other control character: a NUL byte would cut the text where a C library reads it, and the others are invisible
/// on every network. Such text is refused with where the character is, never cut or cleaned silently.
public enum PlainText {
    /// The first control character other than tab, line feed and carriage return: its position (1-based, counted in
    /// characters as an editor shows them) and a name such as `U+0000`.
    public static func controlCharacter(in text: String) -> (position: Int, code: String)? {
        var position = 0
        for ch in text {
            position += 1
            for scalar in ch.unicodeScalars where isRefused(scalar) {
                return (position, String(format: "U+%04X", scalar.value))
            }
        }
        return nil
    }

    static func isRefused(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F, 0x80...0x9F: true
        default: false
        }
    }

    /// The message for a field holding a control character, or nil.
    public static func problem(in text: String, field: String) -> String? {
        guard let (position, code) = controlCharacter(in: text) else { return nil }
        return "the \(field) holds a control character (\(code)) at character \(position); remove it (only tabs and line breaks may stand in text)."
    }
}
