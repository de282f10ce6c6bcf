import Foundation
import HeraldEndpoint
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldTestSupport
import Testing

/// The intake endpoint served in-process, spoken to over real HTTP on 127.0.0.1.
@Suite struct EndpointTests {
    @Test func aSignedItemIsStoredSortedAndRoutedThenAnswered201() async throws {
        let s = try await ServedEndpoint()
        let a = try await s.post(item(id: "ig-good", text: "My latte was cold again. Not happy."))
        #expect(a.status == 201, "\(a.body)")
        #expect(a.json["status"] as? String == "stored")
        let id = try #require(a.json["id"] as? String)
        let stored = try await s.workspace.store.inboxItem(id)
        #expect(stored.source == "social-listening")
        #expect(stored.networkItemID == "ig-good")
        #expect(stored.text == "My latte was cold again. Not happy.")
        // Sorted and routed as `herald inbox import` does.
        #expect(stored.labels.intent == .complaint, "\(stored.labels)")
        #expect(stored.owner != nil && stored.deadline != nil)
        #expect(a.json["owner"] as? String == stored.owner)
        #expect(s.count == 1)
        let health = try await Wire.get(port: s.port, path: "/health")
        #expect(health.status == 200 && health.body.contains("\"ok\""))
    }

    /// Each refusal: the status, the message, and nothing stored.
    @Test func refusedRequestsStoreNothing() async throws {
        let s = try await ServedEndpoint()
        let body = Data(item(id: "ig-1").utf8)
        let t = s.timestamp
        func check(_ a: WireAnswer, _ status: Int, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(a.status == status, "\(a.body)", sourceLocation: sourceLocation)
            #expect(a.body.contains(message), "\(a.body)", sourceLocation: sourceLocation)
            #expect(a.body.contains("Nothing was stored") || a.body.contains("nothing was stored"), "\(a.body)", sourceLocation: sourceLocation)
            #expect(s.count == 0, sourceLocation: sourceLocation)
        }
        // Unsigned: no headers at all, or one missing.
        check(try await Wire.post(port: s.port, path: "/inbox/social-listening", headers: [:], body: body), 401,
              "unsigned: no webhook-id, webhook-timestamp, webhook-signature headers")
        let sig = WebhookSignerFor.social.signature(id: "msg_1", timestamp: t, body: body)
        check(try await Wire.post(port: s.port, path: "/inbox/social-listening", headers: ["webhook-id": "msg_1", "webhook-timestamp": "\(t)"], body: body),
              401, "unsigned: no webhook-signature header")
        // Stale and future: more than 5 minutes either way of the (injected) clock.
        check(try await s.post(String(decoding: body, as: UTF8.self), timestamp: t - 301), 401, "s old (stale)")
        check(try await s.post(String(decoding: body, as: UTF8.self), timestamp: t + 301), 401, "s in the future")
        check(try await Wire.post(port: s.port, path: "/inbox/social-listening",
                            headers: ["webhook-id": "msg_1", "webhook-timestamp": "yesterday", "webhook-signature": sig], body: body),
              401, "is not whole seconds since 1970")
        // A body changed after signing; a signature made with another source's secret; a garbled signature.
        var changed = body
        changed.append(contentsOf: Array(" ".utf8))
        check(try await Wire.post(port: s.port, path: "/inbox/social-listening",
                            headers: ["webhook-id": "msg_1", "webhook-timestamp": "\(t)", "webhook-signature": sig], body: changed),
              401, "wrong signature")
        check(try await s.post(String(decoding: body, as: UTF8.self), secret: Secrets.reviews), 401, "wrong signature")
        check(try await Wire.post(port: s.port, path: "/inbox/social-listening",
                            headers: ["webhook-id": "msg_1", "webhook-timestamp": "\(t)", "webhook-signature": "v1,bm9wZQ== v2,xyz"], body: body),
              401, "wrong signature")
        // Unknown source.
        check(try await s.post(String(decoding: body, as: UTF8.self), source: "tiktok-scraper"), 404, "no source 'tiktok-scraper'")
        // Malformed: not JSON, an array, another value, empty.
        check(try await s.post(#"{"network": "instagram", "#), 400, "not JSON")
        check(try await s.post("[\(item())]"), 400, "one item per request")
        check(try await s.post("42"), 400, "expected one item as a JSON object")
        check(try await s.post("  "), 400, "empty body")
        // A bad item: the same messages as `herald inbox import`.
        check(try await s.post(#"{"network":"instagram","author":{"handle":"@a"},"created_at":"2027-01-01T10:00:00Z"}"#), 400, "text: no text.")
        check(try await s.post(item(extra: #","channel":"tiktok""#)), 400, "channel: no channel 'tiktok' in the strategy.")
        check(try await s.post(item(extra: #","language":"fr""#)), 400, "language: 'fr' is not a language Herald sorts")
        check(try await s.post(item(extra: #","colour":"red""#)), 400, "colour: unknown field 'colour'.")
        let bad = try await s.post(item(network: "myspace"))
        #expect(bad.status == 400)
        let problems = try #require(bad.json["problems"] as? [[String: String]])
        #expect(problems.first?["field"] == "network" && problems.first?["message"]?.contains("'myspace' is not a network Herald knows") == true, "\(problems)")
        #expect(s.count == 0)
    }

    /// Skew is checked against the injected clock: a request signed now is refused once that clock has moved on.
    @Test func theSkewWindowFollowsTheInjectedClock() async throws {
        let start = Date()
        let s = try await ServedEndpoint(now: start)
        let t = Int(start.timeIntervalSince1970)
        s.clock.set(start.addingTimeInterval(299))
        #expect(try await s.post(item(id: "ig-edge"), timestamp: t).status == 201)
        s.clock.set(start.addingTimeInterval(302))
        let late = try await s.post(item(id: "ig-late"), timestamp: t)
        #expect(late.status == 401 && late.body.contains("(stale)"), "\(late.body)")
        s.clock.set(start.addingTimeInterval(-302))
        let early = try await s.post(item(id: "ig-early", createdAt: start.addingTimeInterval(-600)), timestamp: t)
        #expect(early.status == 401 && early.body.contains("in the future"), "\(early.body)")
        #expect(s.count == 1)
    }

    @Test func anOversizeBodyIs413() async throws {
        let s = try await ServedEndpoint(maxBodyBytes: 2_048)
        let big = item(text: String(repeating: "Great coffee! ", count: 400))
        let a = try await s.post(big)
        #expect(a.status == 413, "\(a.body)")
        #expect(a.body.contains("larger than 2048 bytes"), "\(a.body)")
        // Announced by Content-Length or not, the limit holds: a chunked body over it is refused too.
        let body = Data(big.utf8)
        var chunked = "POST /inbox/social-listening HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nwebhook-id: m\r\n"
            + "webhook-timestamp: \(s.timestamp)\r\nwebhook-signature: \(WebhookSignerFor.social.signature(id: "m", timestamp: s.timestamp, body: body))\r\n\r\n"
        chunked += String(body.count, radix: 16) + "\r\n" + big + "\r\n0\r\n\r\n"
        let c = try await Wire.send(port: s.port, Data(chunked.utf8))
        #expect(c.status == 413, "\(c.body)")
        #expect(s.count == 0)
        // Under the limit it is taken.
        #expect(try await s.post(item(text: String(repeating: "Great coffee! ", count: 100))).status == 201)
    }

    @Test func controlCharactersAreKeptByteForByte() async throws {
        let s = try await ServedEndpoint()
        let text = "Cold\u{0} latte\u{1B}[31m red\u{7} \u{202E}evil\u{202C} tab\there\r\nnext 🙂"
        let a = try await s.post(item(id: "ig-ctl", text: text))
        #expect(a.status == 201, "\(a.body)")
        let stored = try await s.workspace.store.inboxItem(try #require(a.json["id"] as? String))
        #expect(Array(stored.text.utf8) == Array(text.utf8))
    }

    @Test func theSameItemTwiceIsStoredOnceAndAnswered2xxBothTimes() async throws {
        let s = try await ServedEndpoint()
        // The same webhook-id again (a connector's retry): 200, a duplicate, the same id.
        let first = try await s.post(item(id: "ig-dup"), id: "msg_retry")
        let again = try await s.post(item(id: "ig-dup"), id: "msg_retry")
        #expect(first.status == 201 && again.status == 200, "\(again.body)")
        #expect(again.json["status"] as? String == "duplicate")
        #expect(again.json["id"] as? String == first.json["id"] as? String)
        // The same webhook-id with another body still names the one message kept.
        let reused = try await s.post(item(id: "ig-other"), id: "msg_retry")
        #expect(reused.status == 200 && reused.json["id"] as? String == first.json["id"] as? String, "\(reused.body)")
        // The same network item under another webhook-id, or from another source.
        #expect(try await s.post(item(id: "ig-dup"), id: "msg_new").json["status"] as? String == "duplicate")
        let other = try await s.post(item(id: "ig-dup"), source: "reviews", secret: Secrets.reviews)
        #expect(other.status == 200 && other.json["id"] as? String == first.json["id"] as? String, "\(other.body)")
        #expect(s.count == 1)
        // Many at once (written in one group commit or several): one stored, every answer a 2xx.
        let port = s.port, ts = s.timestamp
        let body = Data(item(id: "ig-burst").utf8)
        let answers = try await withThrowingTaskGroup(of: WireAnswer.self) { group in
            for _ in 0..<12 {
                group.addTask { try await Wire.signed(port: port, source: "social-listening", secret: Secrets.social, id: "msg_burst", timestamp: ts, body: body) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter { $0.status == 201 }.count == 1)
        #expect(answers.filter { $0.status == 200 }.count == 11)
        #expect(s.count == 2)
    }
}

enum WebhookSignerFor {
    static let social = HeraldPublish.WebhookSigner(secret: Secrets.social)!
}
