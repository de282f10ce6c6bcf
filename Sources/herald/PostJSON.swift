import Foundation
import HeraldModel

/// A post as scripts see it (`calendar --json`, `post show --json`).
struct PostJSON: Encodable {
    var id, channel, network, kind: String
    var step, campaign, goal, owner, topic, body: String?
    /// Who approved it, and when (UTC); null until approved.
    var approved_by, approved_at: String?
    var scheduled_at, local_time, status, idempotency_key, source: String
    var locked: Bool
    var variant: Int
    var media: [String]

    init(_ p: Post, clock: ZoneClock) {
        id = p.id; channel = p.channel; network = p.network.rawValue; kind = p.kind.rawValue; step = p.step?.rawValue
        campaign = p.campaign; goal = p.goal; owner = p.owner; topic = p.topic; body = p.body
        scheduled_at = p.scheduledAt.isoUTC; local_time = clock.isoLocal(p.scheduledAt); status = p.status.rawValue
        idempotency_key = p.idempotencyKey; source = p.source.rawValue; locked = p.locked; variant = p.variant
        approved_by = p.approvedBy; approved_at = p.approvedAt?.isoUTC
        media = p.media
    }

    // Keep `null` for absent optional fields so every post has the same keys.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(channel, forKey: .channel); try c.encode(network, forKey: .network)
        try c.encode(kind, forKey: .kind); try c.encode(step, forKey: .step); try c.encode(campaign, forKey: .campaign)
        try c.encode(goal, forKey: .goal); try c.encode(owner, forKey: .owner); try c.encode(topic, forKey: .topic)
        try c.encode(body, forKey: .body); try c.encode(scheduled_at, forKey: .scheduled_at)
        try c.encode(local_time, forKey: .local_time); try c.encode(status, forKey: .status)
        try c.encode(idempotency_key, forKey: .idempotency_key); try c.encode(source, forKey: .source)
        try c.encode(locked, forKey: .locked); try c.encode(variant, forKey: .variant); try c.encode(media, forKey: .media)
        try c.encode(approved_by, forKey: .approved_by); try c.encode(approved_at, forKey: .approved_at)
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, network, kind, step, campaign, goal, owner, topic, body, scheduled_at, local_time, status
        case idempotency_key, source, locked, variant, media
        case approved_by, approved_at
    }
}

struct ShareTaskJSON: Encodable {
    var id, post, participant, network, due_at, local_time: String
    var done: Bool

    init(_ t: ShareTask, clock: ZoneClock) {
        id = t.id; post = t.post; participant = t.participant; network = t.network.rawValue
        due_at = t.due.isoUTC; local_time = clock.isoLocal(t.due); done = t.done
    }
}
