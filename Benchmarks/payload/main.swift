// Encoding 10,000 webhook payloads four ways, timed in one optimised build (see payload.sh beside this file):
//   fast      Payload.publish: the per-delivery writer (bytes appended field by field)
//   encoder   Payload.encode(PublishPayload(…)): the one Encodable definition through JSONEncoder
//   dict      the dictionary + small JSON writer the notify events used before (OldPayload, the previous Payload.swift)
//   jsonser   the same dictionary through Foundation's JSONSerialization
import Foundation
import HeraldModel

let n = 10_000
let clock = ZoneClock(identifier: "Europe/Amsterdam")!
let start = Date(iso: "2027-03-01T09:00:00Z")!
func makePost(_ i: Int) -> Post {
    let promo = i % 3 == 0
    let kind: ContentKind = promo ? .contest : .informational
    let step: CampaignStep? = promo ? .announce : nil
    let campaign: String? = promo ? "spring" : nil
    let owner: String? = i % 2 == 0 ? "ana" : nil
    let at = start.addingTimeInterval(Double(i) * 60)
    let body = "Spring is here at Café Lune ☕ — our new menu, post \(i). Book a table: https://cafe.example/menu?utm_source=fb \"today\""
    return Post(id: "p-\(i)", channel: "fb", network: .facebook, kind: kind, step: step, campaign: campaign, goal: "g1", owner: owner,
                scheduledAt: at, status: .approved, body: body, topic: "menu", media: ["https://cafe.example/img/\(i).jpg"])
}
let posts = (0..<n).map(makePost)
let deliveries = posts.map { p in
    Delivery(id: "dlv_\(p.id)", post: p.id, hook: "social-api", revision: 1, state: .publishing, dueAt: p.scheduledAt,
             nextAttemptAt: p.scheduledAt, attempts: 1, maxAttempts: 8)
}

func measure(_ label: String, _ body: (Int) -> Data) -> Double {
    var best = Double.infinity
    var bytes = 0
    for _ in 0..<5 {
        bytes = 0
        let began = DispatchTime.now().uptimeNanoseconds
        for i in 0..<n { bytes &+= body(i).count }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
    }
    print(String(format: "%-8@ %8.1f ms for %d payloads (%.2f µs each, %d bytes)", label as NSString, best, n, best * 1000 / Double(n), bytes))
    return best
}

let link = "https://cafe.example/menu?utm_source=fb"
let fast: Double = measure("fast") { Payload.publish(posts[$0], delivery: deliveries[$0], link: link, clock: clock) }
let encoder: Double = measure("encoder") { Payload.encode(PublishPayload(posts[$0], delivery: deliveries[$0], link: link, clock: clock)) }
let dict: Double = measure("dict") { OldPayload.encode(["type": "post.publish", "version": 1, "post": OldPayload.post(posts[$0], delivery: deliveries[$0], link: link, clock: clock)]) }
let jsonser: Double = measure("jsonser") { OldPayload.foundationEncode(["type": "post.publish", "version": 1, "post": OldPayload.post(posts[$0], delivery: deliveries[$0], link: link, clock: clock)]) }
print(String(format: "encoder / fast = %.1f×; dict / fast = %.1f×; jsonser / fast = %.1f×", encoder / fast, dict / fast, jsonser / fast))
for i in [0, 1] {
    precondition(Payload.publish(posts[i], delivery: deliveries[i], link: link, clock: clock)
                 == Payload.encode(PublishPayload(posts[i], delivery: deliveries[i], link: link, clock: clock)), "the writers disagree")
}
