import Foundation

/// Where a reply to an inbox item stands. The moves between them are `ReplyLifecycle`'s table; each case says who moves
/// replies in and out.
///
/// A reply is delivered like a post: the queue refresh makes one delivery per hook of the item's channel for an
/// `approved` reply, and the publisher claims, sends, retries and settles those deliveries with the same leases,
/// webhook-ids and signatures (the delivery's `post_id` column holds the reply's id, `r-…`).
public enum ReplyStatus: String, CaseIterable, Sendable, Codable {
    /// In: `herald inbox reply` when the strategy's `inbox.reply_approval` (or the crisis topic) asks for an approval.
    /// Out: a person approves it (`herald inbox approve`, `approved`).
    case awaitingApproval = "awaiting-approval"
    /// In: `herald inbox reply` when no approval is needed, a person approved it, or a person retried its delivery.
    /// Out: the publisher settles it once its deliveries are done (`sent` or `failed`).
    case approved
    /// In: the publisher, once one of its deliveries went out. Final.
    case sent
    /// In: the publisher, once its deliveries failed for good, expired or were cancelled. Out: a person retries a
    /// delivery of it (`herald queue retry`, back to `approved`).
    case failed

    /// Whether nothing ever moves a reply out of this status.
    public var isFinal: Bool { ReplyLifecycle.isFinal(self) }
}

/// What happens to a reply, and who makes it happen.
public enum ReplyEvent: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A person approves it (`herald inbox approve`).
    case approve
    /// The publisher: a delivery of it went out.
    case delivered
    /// The publisher: none of its deliveries went out, and none is pending (failed, expired or cancelled).
    case undelivered
    /// A person: `herald queue retry` on a delivery of it.
    case requeue

    public var description: String { rawValue }
}

/// The reply lifecycle, declared once (docs/lifecycle.md draws it).
public enum ReplyLifecycle: Lifecycle {
    public static let events = ReplyEvent.allCases

    public static func transition(from state: ReplyStatus, on event: ReplyEvent) -> Result<ReplyStatus, LifecycleRefusal> {
        switch (event, state) {
        case (.approve, .awaitingApproval): .success(.approved)
        case (.delivered, .approved): .success(.sent)
        case (.undelivered, .approved): .success(.failed)
        case (.requeue, .failed), (.requeue, .approved): .success(.approved)
        case (.approve, .approved), (.approve, .sent), (.approve, .failed):
            refuse(state, event, "only a reply waiting for approval is approved")
        case (.requeue, .sent): refuse(state, event, "it already went out")
        case (.requeue, .awaitingApproval): refuse(state, event, "it waits for approval (`herald inbox approve`)")
        default: refuse(state, event, "only an approved reply is settled by its deliveries")
        }
    }

    /// How a reply's deliveries settle it: none while one is waiting, being sent or maybe sent; `delivered` if one
    /// went out; else `undelivered` (failed, expired or cancelled: the item goes back to its owner).
    public static func settlement(of deliveries: [DeliveryState]) -> ReplyEvent? {
        guard !deliveries.isEmpty, !deliveries.contains(where: DeliveryState.keepsPostOpen.contains) else { return nil }
        return deliveries.contains(.published) ? .delivered : .undelivered
    }
}

/// A reply to an inbox item, handed to the hooks of the item's channel.
public struct Reply: Sendable, Equatable, Identifiable {
    /// `r-` and a hash of the item and when it was queued.
    public var id: String
    /// The inbox item it answers.
    public var item: String
    public var network: Network
    public var channel: String
    /// The network's id of the item it answers (what the connector replies to).
    public var inReplyTo: String?
    /// The handle of who wrote the item.
    public var authorHandle: String
    /// Who wrote the reply (participant id).
    public var replier: String
    public var body: String
    /// The template it was written from (`thanks`, …), nil for `--body`.
    public var template: String?
    public var language: String
    public var status: ReplyStatus
    /// Who must approve it, in words (nil: no approval needed): "any participant but anna", "the crisis owner, Tom".
    public var approvalNeeded: String?
    /// The participant whose approval it needs when only one may give it (the crisis owner), else nil.
    public var approver: String?
    public var approvedBy: String?
    public var approvedAt: Date?
    public var createdAt: Date
    public var sentAt: Date?

    public init(id: String, item: String, network: Network, channel: String, inReplyTo: String?, authorHandle: String, replier: String,
                body: String, template: String?, language: String, status: ReplyStatus, approvalNeeded: String? = nil,
                approver: String? = nil, approvedBy: String? = nil, approvedAt: Date? = nil, createdAt: Date, sentAt: Date? = nil) {
        self.id = id; self.item = item; self.network = network; self.channel = channel; self.inReplyTo = inReplyTo
        self.authorHandle = authorHandle; self.replier = replier; self.body = body; self.template = template; self.language = language
        self.status = status; self.approvalNeeded = approvalNeeded; self.approver = approver; self.approvedBy = approvedBy
        self.approvedAt = approvedAt; self.createdAt = createdAt; self.sentAt = sentAt
    }

    public static func makeID(item: String, at: Date, body: String) -> String {
        "r-" + StableHash.hex("\(item)|\(at.isoUTC)|\(body)", length: 10)
    }
}

/// Which replies wait for a person's approval before they go out (`inbox: {reply_approval: …}`).
public enum ReplyApproval: String, CaseIterable, Sendable {
    /// None: every reply goes out as queued (a reply to a crisis-topic item still needs the crisis owner).
    case none
    /// Replies to complaints (items whose intent is complaint).
    case complaints
    /// Every reply.
    case all
}

/// The strategy's `inbox:` settings: reply approval, the crisis topics, and the brand's own handles.
public struct InboxSettings: Sendable, Equatable {
    public var replyApproval: ReplyApproval
    /// Topics (as items are labelled) whose replies only the crisis owner approves, and which routing hands to them.
    public var crisisTopics: [String]
    /// The brand's own account on each channel, by channel id: an item written from one of them is the brand's own
    /// reply. A channel not listed uses its `name` when that is a handle (`@beanandbloom`).
    public var ownHandles: [String: [String]]

    public init(replyApproval: ReplyApproval = .none, crisisTopics: [String] = [], ownHandles: [String: [String]] = [:]) {
        self.replyApproval = replyApproval; self.crisisTopics = crisisTopics; self.ownHandles = ownHandles
    }

    /// Whether a topic label is one of the crisis topics (case and accents ignored).
    public func isCrisisTopic(_ topic: String?) -> Bool {
        guard let topic else { return false }
        let t = Self.fold(topic)
        return crisisTopics.contains { Self.fold($0) == t }
    }

    /// The brand's own handles on a channel.
    public func handles(for channel: Channel) -> [String] {
        if let list = ownHandles[channel.id] { return list }
        if let name = channel.name, name.hasPrefix("@"), !name.contains(" ") { return [name] }
        return []
    }

    /// Whether `author` is one of the brand's handles on `channel` (with or without `@`, case ignored).
    public func isOwnHandle(_ author: String, on channel: Channel) -> Bool {
        let a = Self.handle(author)
        return !a.isEmpty && handles(for: channel).contains { Self.handle($0) == a }
    }

    static func handle(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespaces).lowercased()
        while t.hasPrefix("@") { t.removeFirst() }
        return t
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).trimmingCharacters(in: .whitespaces)
    }
}
