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

    public static func encode(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    public static func publish(_ p: Post, delivery: Delivery, link: String?, clock: ZoneClock) -> Data {
        encode(["type": "post.publish", "version": 1, "post": post(p, delivery: delivery, link: link, clock: clock)])
    }
}
