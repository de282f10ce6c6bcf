import Foundation

/// What someone wrote to or about the brand.
public enum InboxKind: String, Sendable, Codable, CaseIterable {
    case comment, mention, message, review
}

/// Where an inbox item stands. `overdue` is not stored: an open item (new or assigned) is overdue once its deadline
/// has passed (`InboxItem.isOverdue(at:)`).
///
/// - `new`: stored by the endpoint or an import; nobody has it yet (routing found no one who covers it).
/// - `assigned`: a person has it (routing at intake, or `herald inbox assign`).
/// - `replying`: a reply was queued (`herald inbox reply`) and has not gone out yet: it waits for approval, or for the
///   publisher. In: `herald inbox reply`. Out: the publisher, once the reply's delivery went out (`answered`) or failed
///   for good (back to `assigned`, for the person who wrote it); the brand's own reply seen coming in (`answered`).
/// - `answered`: the reply went out (its delivery was accepted), or the brand's own reply was seen coming in.
/// - `closed`: needs no reply, with a reason (`herald inbox close`).
public enum InboxStatus: String, Sendable, Codable, CaseIterable {
    case new, assigned, replying, answered, closed

    /// Still waiting for someone to write an answer.
    public var isOpen: Bool { self == .new || self == .assigned }

    /// Nothing has gone out yet: open, or a reply is queued (waiting for approval or the publisher). Such an item can be
    /// overdue.
    public var awaitsAnswer: Bool { isOpen || self == .replying }
}

/// Why an item was closed without a reply from Herald.
public enum InboxCloseReason: String, Sendable, Codable, CaseIterable {
    case spam
    case noReplyNeeded = "no-reply-needed"
    case answeredElsewhere = "answered-elsewhere"
}

/// What happens to an inbox item.
public enum InboxEvent: Sendable, Equatable {
    /// A person hands it on (`herald inbox assign`), or routing at intake.
    case assign
    /// The brand's own reply to it was seen coming in (an item from the brand's own account, `in_reply_to` its id).
    case answer
    case close(InboxCloseReason)
    case reopen
    /// A person queued a reply (`herald inbox reply`).
    case queueReply
    /// The publisher: the reply's delivery went out.
    case replySent
    /// The publisher (or a person cancelling the reply's delivery): the reply failed for good, expired or was withdrawn.
    case replyFailed
}

/// The inbox item's lifecycle, declared once: every change of status asks `transition(from:on:)`.
public enum InboxLifecycle {
    public enum Outcome: Sendable, Equatable {
        case moves(to: InboxStatus)
        case refused(String)
    }

    public static func transition(from state: InboxStatus, on event: InboxEvent) -> Outcome {
        switch (state, event) {
        case (.new, .assign), (.assigned, .assign): .moves(to: .assigned)
        case (.new, .answer), (.assigned, .answer), (.replying, .answer): .moves(to: .answered)
        // A second reply to an answered item (a follow-up) keeps it answered.
        case (.answered, .answer): .moves(to: .answered)
        case (.new, .close), (.assigned, .close): .moves(to: .closed)
        case (.new, .queueReply), (.assigned, .queueReply): .moves(to: .replying)
        case (.answered, .queueReply): .moves(to: .answered)
        case (.replying, .replySent), (.answered, .replySent): .moves(to: .answered)
        // A failed reply puts the item back in its owner's list; a failed follow-up leaves the first answer standing.
        case (.replying, .replyFailed): .moves(to: .assigned)
        case (.answered, .replyFailed): .moves(to: .answered)
        case (.replying, .queueReply): .refused("a reply to it is already on its way (waiting for approval or the publisher).")
        case (.replying, .assign), (.replying, .close):
            .refused("a reply to it is on its way; wait until it went out or failed (`herald inbox show`).")
        case (.replying, .reopen): .refused("it is still open (a reply to it is on its way).")
        case (.new, .replySent), (.assigned, .replySent), (.closed, .replySent),
             (.new, .replyFailed), (.assigned, .replyFailed), (.closed, .replyFailed):
            .refused("no reply to it is on its way.")
        case (.answered, .assign): .refused("it is answered already; reopen it first (`herald inbox reopen`) to hand it on.")
        case (.answered, .close): .refused("it is answered already; there is nothing to close.")
        case (.closed, .assign), (.closed, .answer), (.closed, .queueReply): .refused("it is closed; reopen it first (`herald inbox reopen`).")
        case (.closed, .close): .refused("it is closed already.")
        case (.closed, .reopen), (.answered, .reopen): .moves(to: .assigned)
        case (.new, .reopen), (.assigned, .reopen): .refused("it is still open.")
        }
    }
}

/// Negative, neutral or positive.
public enum Sentiment: String, Sendable, Codable, CaseIterable {
    case negative, neutral, positive
}

/// What the writer wants.
public enum Intent: String, Sendable, Codable, CaseIterable {
    case question, complaint, praise, other
}

/// How an item was sorted, with why. A label a person set (`herald inbox label`) is kept over the automatic one.
public struct InboxLabels: Sendable, Codable, Equatable {
    public var language: String?
    public var sentiment: Sentiment?
    public var intent: Intent?
    public var topic: String?
    public var spam: Bool
    /// Why each label was given, by label name ("sentiment": "negative: 'never again'").
    public var reasons: [String: String]
    /// The labels a person corrected.
    public var corrected: [String]

    public init(language: String? = nil, sentiment: Sentiment? = nil, intent: Intent? = nil, topic: String? = nil,
                spam: Bool = false, reasons: [String: String] = [:], corrected: [String] = []) {
        self.language = language; self.sentiment = sentiment; self.intent = intent; self.topic = topic
        self.spam = spam; self.reasons = reasons; self.corrected = corrected
    }
}

/// A comment, mention, message or review that came in.
public struct InboxItem: Sendable, Equatable {
    /// `m-` and a hash of where it came from and its network id: the same item from the same source is one item.
    public var id: String
    /// The source it came through (`sources[].id`, or `import`).
    public var source: String
    public var network: Network
    public var channel: String
    public var kind: InboxKind
    /// The network's own id of the item, when it has one.
    public var networkItemID: String?
    public var authorHandle: String
    public var authorName: String?
    public var authorFollowers: Int?
    /// Exactly as received.
    public var text: String
    public var url: String?
    public var createdAt: Date
    public var receivedAt: Date
    /// A Herald post id (`p-…`) or the network id of what it answers.
    public var inReplyTo: String?
    public var location: String?
    public var labels: InboxLabels
    public var owner: String?
    public var deadline: Date?
    public var status: InboxStatus
    public var closeReason: InboxCloseReason?
    /// Who did what, when: why routing chose the owner, who closed it.
    public var note: String?
    /// When the first reply went out (its delivery was accepted) or the brand's own reply was written: what the
    /// response-time metrics measure.
    public var firstReplyAt: Date?
    /// Set at intake, not stored: this item is the brand's own reply (its author is one of the channel's own handles,
    /// `inbox.own_handles`) to the item whose network id is `inReplyTo`; storing it marks that item answered.
    public var isOwnReply = false

    public init(id: String, source: String, network: Network, channel: String, kind: InboxKind, networkItemID: String? = nil,
                authorHandle: String, authorName: String? = nil, authorFollowers: Int? = nil, text: String, url: String? = nil,
                createdAt: Date, receivedAt: Date, inReplyTo: String? = nil, location: String? = nil,
                labels: InboxLabels = InboxLabels(), owner: String? = nil, deadline: Date? = nil, status: InboxStatus = .new,
                closeReason: InboxCloseReason? = nil, note: String? = nil, firstReplyAt: Date? = nil) {
        self.id = id; self.source = source; self.network = network; self.channel = channel; self.kind = kind
        self.networkItemID = networkItemID; self.authorHandle = authorHandle; self.authorName = authorName
        self.authorFollowers = authorFollowers; self.text = text; self.url = url; self.createdAt = createdAt
        self.receivedAt = receivedAt; self.inReplyTo = inReplyTo; self.location = location; self.labels = labels
        self.owner = owner; self.deadline = deadline; self.status = status; self.closeReason = closeReason; self.note = note
        self.firstReplyAt = firstReplyAt
    }

    /// Open and past its deadline.
    public func isOverdue(at now: Date) -> Bool {
        guard status.awaitsAnswer, let deadline else { return false }
        return deadline < now
    }

    /// The id for an item: stable for the same source and network id (or, without one, the same author, time and text).
    public static func makeID(source: String, network: Network, networkItemID: String?, author: String, createdAt: Date, text: String) -> String {
        let key = networkItemID.map { "\(network.rawValue)|\($0)" } ?? "\(source)|\(network.rawValue)|\(author)|\(createdAt.isoUTC)|\(text)"
        return "m-" + StableHash.hex(key, length: 10)
    }
}

/// How fast the brand answers: the first reply's target per kind of item, in business hours or around the clock.
public struct ResponseTargets: Sendable, Equatable {
    /// The first reply to anything, in seconds (default 1 hour).
    public var firstReply: TimeInterval
    /// The first reply to a complaint (default 30 minutes).
    public var complaint: TimeInterval
    /// Counted only in business hours (`nil`: around the clock).
    public var businessHours: BusinessHours?
    /// A channel's own first-reply target, by channel id.
    public var perChannel: [String: TimeInterval]

    public init(firstReply: TimeInterval = 3600, complaint: TimeInterval = 1800, businessHours: BusinessHours? = nil,
                perChannel: [String: TimeInterval] = [:]) {
        self.firstReply = firstReply; self.complaint = complaint; self.businessHours = businessHours; self.perChannel = perChannel
    }

    /// The target for an item on a channel with an intent.
    public func target(channel: String, intent: Intent?) -> TimeInterval {
        let base = perChannel[channel] ?? firstReply
        return intent == .complaint ? min(base, complaint) : base
    }

    /// When an item received at `start` must be answered: the target counted in business hours (in the strategy's zone,
    /// daylight-saving changes included) or around the clock.
    public func deadline(from start: Date, channel: String, intent: Intent?, clock: ZoneClock) -> Date {
        let target = target(channel: channel, intent: intent)
        guard let hours = businessHours else { return start.addingTimeInterval(target) }
        return hours.adding(target, to: start, clock: clock)
    }
}

/// The hours in which the team answers: weekdays and a daily window, local to the strategy's zone.
public struct BusinessHours: Sendable, Equatable {
    public var days: [Weekday]
    public var opens: LocalTime
    public var closes: LocalTime

    public init(days: [Weekday], opens: LocalTime, closes: LocalTime) {
        self.days = days; self.opens = opens; self.closes = closes
    }

    /// `seconds` of business time after `start`.
    public func adding(_ seconds: TimeInterval, to start: Date, clock: ZoneClock) -> Date {
        guard !days.isEmpty, opens < closes else { return start.addingTimeInterval(seconds) }
        var left = seconds
        var day = clock.localDate(start)
        // At most a year of days: a target is hours, not months.
        for _ in 0..<400 {
            if days.contains(day.weekday) {
                let open = clock.instant(day, opens), close = clock.instant(day, closes)
                let from = max(open, start)
                if from < close {
                    let available = close.timeIntervalSince(from)
                    if left <= available { return from.addingTimeInterval(left) }
                    left -= available
                }
            }
            day = day.adding(days: 1)
        }
        return start.addingTimeInterval(seconds)
    }
}

/// A connector that posts inbox items to the endpoint, each request signed per Standard Webhooks with the secret in
/// the environment variable `secretEnv` (never in the strategy file).
public struct InboxSource: Sendable, Equatable {
    public var id: String
    public var secretEnv: String

    public init(id: String, secretEnv: String) { self.id = id; self.secretEnv = secretEnv }
}

/// Who may answer an item (`InboxRouter.candidates`): one fixed answer, or participants to pick from by their open items.
public struct InboxCandidates: Sendable {
    var fixed: (owner: String?, reason: String)?
    var ids: [String] = []
    var reason = ""

    init(fixed: (owner: String?, reason: String)) { self.fixed = fixed }
    init(ids: [String], reason: String) { self.ids = ids; self.reason = reason }

    /// The one with the fewest open items (ties by id), and why.
    public func pick(_ openCounts: [String: Int]) -> (owner: String?, reason: String) {
        if let fixed { return fixed }
        var best = ids[0], fewest = openCounts[best] ?? 0
        for id in ids.dropFirst() {
            let n = openCounts[id] ?? 0
            if n < fewest || (n == fewest && id < best) { best = id; fewest = n }
        }
        return (best, reason + "\(fewest) open items")
    }
}

/// Who answers an item, and by when: a pure function of the strategy, the open items per person and the item.
///
/// An item goes to a participant who covers its channel, may post (trained, rules accepted), writes its language (when
/// known), is not on time off that day, and has the fewest open items (ties by id). A complaint from a large account
/// (`largeAccountFollowers` or more) and an item on the crisis topic go to the crisis owner.
public struct InboxRouter: Sendable {
    public let strategy: Strategy
    public let clock: ZoneClock
    /// Followers from which a complaint is escalated to the crisis owner.
    public static let largeAccountFollowers = 10_000

    public init(strategy: Strategy) {
        self.strategy = strategy
        clock = ZoneClock.orUTC(strategy.timeZone)
    }

    /// The owner (nil when nobody qualifies) and why, in words.
    public func owner(for item: InboxItem, openCounts: [String: Int], crisisTopic: Bool = false) -> (owner: String?, reason: String) {
        candidates(for: item, crisisTopic: crisisTopic).pick(openCounts)
    }

    /// Who may answer the item, whatever the open counts: the part of `owner(for:…)` that depends on the item alone, so
    /// an import works it out on its checking threads and only picks by the counts in file order.
    public func candidates(for item: InboxItem, crisisTopic: Bool = false) -> InboxCandidates {
        let escalate = escalates(item, crisisTopic: crisisTopic)
        if escalate, let ownerID = strategy.crisis.owner, let owner = strategy.participant(ownerID) {
            let why = crisisTopic ? "the crisis topic" : "a complaint from an account with \(item.authorFollowers ?? 0) followers"
            return InboxCandidates(fixed: (owner.id, "\(why) goes to the crisis owner, \(owner.name)"))
        }
        let day = clock.localDate(item.createdAt)
        let language = item.labels.language
        let ids = strategy.participants.filter { p in
            p.channels.contains(item.channel) && p.mayPost && !p.isOff(on: day)
                && (language == nil || p.languages.isEmpty || p.languages.contains(language!))
        }.map(\.id)
        guard !ids.isEmpty else {
            let lang = language.map { ", writes \($0)" } ?? ""
            return InboxCandidates(fixed: (nil, "nobody covers \(item.channel)\(lang), is trained and at work on \(day)"))
        }
        return InboxCandidates(ids: ids, reason: "covers \(item.channel)\(language.map { ", writes \($0)" } ?? ""), at work, ")
    }

    /// A complaint from a large account, or an item on the crisis topic: it goes to the crisis owner.
    public func escalates(_ item: InboxItem, crisisTopic: Bool = false) -> Bool {
        crisisTopic || (item.labels.intent == .complaint && (item.authorFollowers ?? 0) >= Self.largeAccountFollowers)
    }

    /// A new high-priority complaint, announced as `inbox.urgent`: an open complaint (not spam) that escalates to the
    /// crisis owner (from an account with `largeAccountFollowers` or more, or on the crisis topic).
    public func isUrgent(_ item: InboxItem, crisisTopic: Bool = false) -> Bool {
        item.status.isOpen && !item.labels.spam && item.labels.intent == .complaint && escalates(item, crisisTopic: crisisTopic)
    }

    /// The reply deadline: the response target from when the item was written.
    public func deadline(for item: InboxItem) -> Date {
        strategy.responseTargets.deadline(from: item.createdAt, channel: item.channel, intent: item.labels.intent, clock: clock)
    }
}
