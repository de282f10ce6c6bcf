import Foundation
import HeraldModel

/// The JSON a hook receives: `{"type":"post.publish","version":1,"post":{…}}` (keys sorted, so the signed bytes are
/// reproducible).
public enum Payload {
    /// The post as hooks see it: every calendar field plus body, link and media, and the delivery's id.
    public static func post(_ p: Post, delivery: Delivery?, link: String?, clock: ZoneClock) -> [String: Any] {
        var d: [String: Any] = [
            "id": p.id, "channel": p.channel, "network": p.network.rawValue, "kind": p.kind.rawValue,
            "scheduled_at": p.scheduledAt.isoUTC, "local_time": clock.isoLocal(p.scheduledAt), "status": p.status.rawValue,
            "idempotency_key": delivery?.id ?? p.idempotencyKey, "media": p.media, "body": p.body ?? "",
        ]
        d["step"] = p.step?.rawValue ?? NSNull()
        d["campaign"] = p.campaign ?? NSNull()
        d["goal"] = p.goal ?? NSNull()
        d["owner"] = p.owner ?? NSNull()
        d["topic"] = p.topic ?? NSNull()
        d["link"] = link ?? NSNull()
        if let delivery {
            d["delivery_id"] = delivery.id
            d["hook"] = delivery.hook
            d["attempt"] = delivery.attempts
        }
        return d
    }

    /// An inbox item as the notify hook sees it in `inbox.overdue` and `inbox.urgent` events: the text exactly as
    /// received, its labels, who has it and by when.
    public static func inboxItem(_ i: InboxItem, clock: ZoneClock) -> [String: Any] {
        var d: [String: Any] = [
            "id": i.id, "channel": i.channel, "network": i.network.rawValue, "kind": i.kind.rawValue, "status": i.status.rawValue,
            "author": ["handle": i.authorHandle, "name": i.authorName ?? NSNull(), "followers": i.authorFollowers ?? NSNull()] as [String: Any],
            "text": i.text, "created_at": i.createdAt.isoUTC, "spam": i.labels.spam,
        ]
        d["url"] = i.url ?? NSNull()
        d["owner"] = i.owner ?? NSNull()
        d["deadline"] = i.deadline?.isoUTC ?? NSNull()
        d["deadline_local"] = i.deadline.map(clock.isoLocal) ?? NSNull()
        d["language"] = i.labels.language ?? NSNull()
        d["sentiment"] = i.labels.sentiment?.rawValue ?? NSNull()
        d["intent"] = i.labels.intent?.rawValue ?? NSNull()
        d["topic"] = i.labels.topic ?? NSNull()
        return d
    }

    /// The object as JSON with its keys sorted and slashes unescaped: the bytes `JSONSerialization` writes with
    /// `[.sortedKeys, .withoutEscapingSlashes]`, written directly. (Foundation sorts keys with a locale-aware string
    /// comparison that costs more than the rest of a delivery; payload keys are lower-case ASCII words, which both orders
    /// agree on, and a test compares the two writers.) Anything else falls back to `JSONSerialization`.
    public static func encode(_ object: [String: Any]) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        if JSONBytes.write(object, into: &out) { return Data(out) }
        return foundationEncode(object)
    }

    /// The same through Foundation's `JSONSerialization` (the reference the fast writer is checked against).
    public static func foundationEncode(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// `{"post":{…},"type":"post.publish","version":1}`: the bytes `encode` gives for `post(…)` wrapped so, written field
    /// by field in sorted key order (this runs for every delivery; a test compares it with Foundation's writer).
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
            if let s { JSONBytes.string(s, into: &o) } else { o.append(contentsOf: "null".utf8) }
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

/// A small JSON writer for payloads: dictionaries with plain-word keys, arrays, strings, integers, booleans and null.
enum JSONBytes {
    /// Appends `value`; false when it holds something this writer leaves to Foundation (then `out` is partial).
    static func write(_ value: Any, into out: inout [UInt8]) -> Bool {
        switch value {
        case let s as String:
            string(s, into: &out)
        case let b as Bool:
            out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case let i as Int:
            JSONText.appendInt(Int64(i), to: &out)
        case is NSNull:
            out.append(contentsOf: "null".utf8)
        case let list as [String]:
            out.append(UInt8(ascii: "["))
            for (n, s) in list.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                string(s, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let list as [Any]:
            out.append(UInt8(ascii: "["))
            for (n, v) in list.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                guard write(v, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case let dict as [String: Any]:
            // Keys of lower-case letters, digits-free, and underscores sort the same bytewise as in Foundation's
            // locale-aware comparison; any other key goes to Foundation.
            guard dict.keys.allSatisfy({ k in !k.isEmpty && k.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F } }) else {
                return false
            }
            out.append(UInt8(ascii: "{"))
            for (n, key) in dict.keys.sorted().enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                guard write(dict[key]!, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        default:
            return false
        }
        return true
    }

    /// A JSON string as Foundation writes it (`JSONText`).
    static func string(_ s: String, into out: inout [UInt8]) { JSONText.appendString(s, to: &out) }
}
