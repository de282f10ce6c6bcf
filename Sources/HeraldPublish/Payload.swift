import Foundation
import HeraldModel

/// The post as hooks see it: every calendar field plus body, link and media, and the delivery's id. This is the one
/// definition of the webhook JSON; a field that has no value is written as `null`, never left out.
public struct PostPayload: Encodable, Sendable {
    public var id, channel, network, kind, scheduledAt, localTime, status, idempotencyKey, body: String
    public var media: [String]
    public var step, campaign, goal, owner, topic, link: String?
    /// Only in a delivery's payload (`post.publish`), not in a lifecycle event's.
    public var deliveryID, hook: String?
    public var attempt: Int?

    public init(_ p: Post, delivery: Delivery?, link: String?, clock: ZoneClock) {
        id = p.id; channel = p.channel; network = p.network.rawValue; kind = p.kind.rawValue
        scheduledAt = p.scheduledAt.isoUTC; localTime = clock.isoLocal(p.scheduledAt); status = p.status.rawValue
        idempotencyKey = delivery?.id ?? p.idempotencyKey; media = p.media; body = p.body ?? ""
        step = p.step?.rawValue; campaign = p.campaign; goal = p.goal; owner = p.owner; topic = p.topic; self.link = link
        deliveryID = delivery?.id; hook = delivery?.hook; attempt = delivery?.attempts
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, network, kind, status, body, media, step, campaign, goal, owner, topic, link, hook, attempt
        case scheduledAt = "scheduled_at", localTime = "local_time", idempotencyKey = "idempotency_key", deliveryID = "delivery_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(channel, forKey: .channel); try c.encode(network, forKey: .network)
        try c.encode(kind, forKey: .kind); try c.encode(scheduledAt, forKey: .scheduledAt); try c.encode(localTime, forKey: .localTime)
        try c.encode(status, forKey: .status); try c.encode(idempotencyKey, forKey: .idempotencyKey); try c.encode(media, forKey: .media)
        try c.encode(body, forKey: .body)
        // Optional fields as `null` (encode, not encodeIfPresent): receivers see every key.
        try c.encode(step, forKey: .step); try c.encode(campaign, forKey: .campaign); try c.encode(goal, forKey: .goal)
        try c.encode(owner, forKey: .owner); try c.encode(topic, forKey: .topic); try c.encode(link, forKey: .link)
        // The delivery's fields only in a delivery's payload.
        try c.encodeIfPresent(deliveryID, forKey: .deliveryID); try c.encodeIfPresent(hook, forKey: .hook)
        try c.encodeIfPresent(attempt, forKey: .attempt)
    }
}

/// What a hook receives for a delivery: `{"post":{…},"type":"post.publish","version":1}`.
public struct PublishPayload: Encodable, Sendable {
    public var post: PostPayload
    public var type = "post.publish"
    public var version = 1

    public init(_ p: Post, delivery: Delivery, link: String?, clock: ZoneClock) {
        post = PostPayload(p, delivery: delivery, link: link, clock: clock)
    }
}

/// A lifecycle event for the notify hook (`post.published`, `post.failed`, `reply.failed`, …): only the keys that apply
/// are written.
public struct LifecycleEvent: Encodable, Sendable {
    public var type: String
    public var version = 1
    public var eventID: String
    public var occurredAt: String
    public var post: PostPayload?
    /// The reply of a `reply.failed` event.
    public var reply: ReplyPayload?
    /// The inbox item of an `inbox.overdue` / `inbox.urgent` event, and the one a `reply.failed` event's reply answers.
    public var item: InboxItemPayload?
    public var deliveryID, hook, detail: String?

    public init(type: String, eventID: String, occurredAt: Date, post: PostPayload?, reply: ReplyPayload? = nil, item: InboxItemPayload? = nil,
                deliveryID: String?, hook: String?, detail: String?) {
        self.type = type; self.eventID = eventID; self.occurredAt = occurredAt.isoUTC; self.post = post; self.reply = reply; self.item = item
        self.deliveryID = deliveryID; self.hook = hook; self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case type, version, post, reply, item, hook, detail
        case eventID = "event_id", occurredAt = "occurred_at", deliveryID = "delivery_id"
    }
}

/// An inbox item as the notify hook sees it in `inbox.overdue` and `inbox.urgent` events: the text exactly as
/// received, its labels, who has it and by when. A field with no value is written as `null`.
public struct InboxItemPayload: Encodable, Sendable {
    public struct Author: Encodable, Sendable {
        public var handle: String
        public var name: String?
        public var followers: Int?
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(handle, forKey: .handle); try c.encode(name, forKey: .name); try c.encode(followers, forKey: .followers)
        }
        enum CodingKeys: String, CodingKey { case handle, name, followers }
    }
    public var id, channel, network, kind, status, text, createdAt: String
    public var author: Author
    public var spam: Bool
    public var url, owner, deadline, deadlineLocal, language, sentiment, intent, topic: String?

    public init(_ i: InboxItem, clock: ZoneClock) {
        id = i.id; channel = i.channel; network = i.network.rawValue; kind = i.kind.rawValue; status = i.status.rawValue
        text = i.text; createdAt = i.createdAt.isoUTC; spam = i.labels.spam
        author = Author(handle: i.authorHandle, name: i.authorName, followers: i.authorFollowers)
        url = i.url; owner = i.owner; deadline = i.deadline?.isoUTC; deadlineLocal = i.deadline.map(clock.isoLocal)
        language = i.labels.language; sentiment = i.labels.sentiment?.rawValue; intent = i.labels.intent?.rawValue; topic = i.labels.topic
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, network, kind, status, text, author, spam, url, owner, deadline, language, sentiment, intent, topic
        case createdAt = "created_at", deadlineLocal = "deadline_local"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(channel, forKey: .channel); try c.encode(network, forKey: .network)
        try c.encode(kind, forKey: .kind); try c.encode(status, forKey: .status); try c.encode(text, forKey: .text)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(author, forKey: .author); try c.encode(spam, forKey: .spam)
        try c.encode(url, forKey: .url); try c.encode(owner, forKey: .owner); try c.encode(deadline, forKey: .deadline)
        try c.encode(deadlineLocal, forKey: .deadlineLocal); try c.encode(language, forKey: .language)
        try c.encode(sentiment, forKey: .sentiment); try c.encode(intent, forKey: .intent); try c.encode(topic, forKey: .topic)
    }
}

/// `herald hooks test`'s event.
public struct HookTestEvent: Encodable, Sendable {
    public var type = "hook.test"
    public var version = 1
    public var hook: String
    public var sentAt: String
    public var brand: String

    public init(hook: String, sentAt: Date, brand: String) { self.hook = hook; self.sentAt = sentAt.isoUTC; self.brand = brand }

    enum CodingKeys: String, CodingKey { case type, version, hook, brand, sentAt = "sent_at" }
}

/// A reply to an inbox item as hooks see it: the inbox item it answers (`inbox_item_id`), the network's id of what it
/// answers (`in_reply_to`), the network, channel, the author's handle and the reply's text; in a delivery's payload
/// (`reply.publish`) also the delivery's ids (the same `webhook-id` on every retry), not in a lifecycle event's
/// (`reply.failed`, where they are the event's `delivery_id` and `hook`). A field with no value is written as `null`.
public struct ReplyPayload: Encodable, Sendable {
    public var id, inboxItemID, network, channel, authorHandle, body, language, replier, createdAt: String
    public var inReplyTo, template: String?
    /// Only in a delivery's payload.
    public var deliveryID, idempotencyKey, hook: String?
    public var attempt: Int?

    public init(_ r: Reply, delivery: Delivery?) {
        id = r.id; inboxItemID = r.item; network = r.network.rawValue; channel = r.channel; authorHandle = r.authorHandle
        body = r.body; language = r.language; replier = r.replier; createdAt = r.createdAt.isoUTC
        inReplyTo = r.inReplyTo; template = r.template
        deliveryID = delivery?.id; idempotencyKey = delivery?.id; hook = delivery?.hook; attempt = delivery?.attempts
    }

    enum CodingKeys: String, CodingKey {
        case id, network, channel, body, language, replier, hook, attempt, template
        case inboxItemID = "inbox_item_id", authorHandle = "author_handle", createdAt = "created_at"
        case deliveryID = "delivery_id", idempotencyKey = "idempotency_key", inReplyTo = "in_reply_to"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(inboxItemID, forKey: .inboxItemID); try c.encode(network, forKey: .network)
        try c.encode(channel, forKey: .channel); try c.encode(authorHandle, forKey: .authorHandle); try c.encode(body, forKey: .body)
        try c.encode(language, forKey: .language); try c.encode(replier, forKey: .replier); try c.encode(createdAt, forKey: .createdAt)
        // Optional fields as `null`: receivers see every key.
        try c.encode(inReplyTo, forKey: .inReplyTo); try c.encode(template, forKey: .template)
        // The delivery's fields only in a delivery's payload.
        try c.encodeIfPresent(deliveryID, forKey: .deliveryID); try c.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try c.encodeIfPresent(hook, forKey: .hook); try c.encodeIfPresent(attempt, forKey: .attempt)
    }
}

/// What a hook receives for a reply, `{"reply":{…},"type":"reply.publish","version":1}`.
public struct ReplyPublishPayload: Encodable, Sendable {
    public var reply: ReplyPayload
    public var type = "reply.publish"
    public var version = 1

    public init(_ r: Reply, delivery: Delivery) { reply = ReplyPayload(r, delivery: delivery) }
}

/// The JSON a hook receives, keys sorted and slashes unescaped, so the signed bytes are reproducible.
public enum Payload {
    /// The payload types as JSON (`JSONEncoder`, keys sorted, slashes unescaped).
    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The payload types hold only strings, integers and arrays of strings: encoding them cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// A delivery's payload: the bytes `encode(PublishPayload(…))` gives, written field by field in sorted key order.
    /// This runs for every delivery, and is about 6.5 times faster than `JSONEncoder` (3.3 against 21 µs a payload:
    /// Benchmarks/payload/payload.sh, figures in docs/architecture.md);
    /// a test checks that the two agree byte for byte.
    public static func publish(_ p: Post, delivery: Delivery, link: String?, clock: ZoneClock) -> Data {
        var o: [UInt8] = []
        o.reserveCapacity(640 + (p.body?.utf8.count ?? 0))
        func key(_ k: StaticString, first: Bool = false) {
            if !first { o.append(UInt8(ascii: ",")) }
            o.append(UInt8(ascii: "\""))
            k.withUTF8Buffer { o.append(contentsOf: $0) }
            o.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func text(_ s: String?) {
            if let s { JSONText.appendString(s, to: &o) } else { o.append(contentsOf: "null".utf8) }
        }
        o.append(contentsOf: "{\"post\":{".utf8)
        key("attempt", first: true); JSONText.appendInt(Int64(delivery.attempts), to: &o)
        key("body"); text(p.body ?? "")
        key("campaign"); text(p.campaign)
        key("channel"); text(p.channel)
        key("delivery_id"); text(delivery.id)
        key("goal"); text(p.goal)
        key("hook"); text(delivery.hook)
        key("id"); text(p.id)
        key("idempotency_key"); text(delivery.id)
        key("kind"); text(p.kind.rawValue)
        key("link"); text(link)
        key("local_time"); text(clock.isoLocal(p.scheduledAt))
        key("media")
        o.append(UInt8(ascii: "["))
        for (n, m) in p.media.enumerated() {
            if n > 0 { o.append(UInt8(ascii: ",")) }
            text(m)
        }
        o.append(UInt8(ascii: "]"))
        key("network"); text(p.network.rawValue)
        key("owner"); text(p.owner)
        key("scheduled_at"); text(p.scheduledAt.isoUTC)
        key("status"); text(p.status.rawValue)
        key("step"); text(p.step?.rawValue)
        key("topic"); text(p.topic)
        o.append(contentsOf: "},\"type\":\"post.publish\",\"version\":1}".utf8)
        return Data(o)
    }
}
