import Foundation
import GRDB
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldTestSupport
import Testing

let t0 = Date(iso: "2027-03-01T09:00:00Z")!

/// Crash-safety: processes killed with SIGKILL at the worst moments lose and duplicate nothing.
@Suite(.serialized) struct CrashTests {
    @Test func killedAfterTheReceiverAnsweredButBeforeCommitRedeliversTheSameID() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60)])
        let killed = try f.publish(now: "2027-03-01T09:05:00Z", env: ["HERALD_FAILPOINT": "after-send"])
        #expect(killed.status == 9)  // SIGKILL
        #expect(r.requests.count == 2)
        #expect(try f.deliveries().allSatisfy { $0.state == .publishing })
        // After the lease runs out the next run takes the deliveries back and sends them again, same ids.
        let again = try f.publish(now: "2027-03-01T09:15:00Z")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(r.requests.count == 4)
        #expect(r.effects.count == 2)
        #expect(r.requests.allSatisfy(signatureIsValid))
        #expect(try f.deliveries().allSatisfy { $0.state == .published })
        #expect(try f.store().posts().allSatisfy { $0.status == .published })
        #expect(try f.integrity() == "ok")
    }

    @Test func killedAfterClaimBeforeSendingIsRescuedAndDeliveredOnce() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        let killed = try f.publish(now: "2027-03-01T09:01:00Z", env: ["HERALD_FAILPOINT": "after-claim"])
        #expect(killed.status == 9)
        #expect(r.requests.isEmpty)
        // Before the lease ends nothing is sent twice or stolen.
        #expect(try f.publish(now: "2027-03-01T09:02:00Z").status == 0)
        #expect(r.requests.isEmpty)
        #expect(try f.publish(now: "2027-03-01T09:10:00Z").status == 0)
        #expect(r.requests.count == 1)
        let d = try #require(try f.deliveries().first)
        #expect(d.state == .published)
        #expect(d.attempts == 2)
        #expect(try f.store().attempts(delivery: d.id).first?.outcome == .interrupted)
        #expect(try f.integrity() == "ok")
    }

    /// A webhook declared `idempotent: false` is not batched: each call is recorded just before it is made, so a crash
    /// after the calls leaves exactly the called deliveries `unknown`, never resent.
    @Test func aWebhookThatCannotDropRepeatsIsLeftUnknownWhenTheProcessDiesAfterCalling() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url, extra: "idempotent: false") + "\n")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60), t0.addingTimeInterval(120)])
        #expect(try f.publish(now: "2027-03-01T09:05:00Z", env: ["HERALD_FAILPOINT": "after-send"]).status == 9)
        #expect(r.requests.count == 3)
        #expect(try f.publish(now: "2027-03-01T09:30:00Z").status == 65)  // unknown: a person checks
        #expect(r.requests.count == 3)
        #expect(try f.deliveries().map(\.state) == [.unknown, .unknown, .unknown])
        #expect(try f.integrity() == "ok")
    }

    @Test func aCommandThatCannotDropRepeatsIsLeftUnknownWhenTheProcessDiesMidCall() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["cmd"])
        let script = f.dir.write("post.sh", "#!/bin/sh\ncat > \"$0.$HERALD_DELIVERY_ID.json\"\necho '{\"url\": \"https://masto.example/1\"}'\n")
        chmod(script, 0o755)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + "  - {id: cmd, type: command, argv: [\"\(script)\"], timeout: 5s}\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:01:00Z", env: ["HERALD_FAILPOINT": "after-send"]).status == 9)
        #expect(try f.publish(now: "2027-03-01T09:10:00Z").status == 65)  // unknown: a person checks
        let d = try #require(try f.deliveries().first)
        #expect(d.state == .unknown)
        let status = try herald(["status", "--now", "2027-03-01T09:10:00Z"], directory: f.dir.path)
        #expect(status.stdout.contains("Needs a person (1)"))
        #expect(status.stdout.contains("herald queue mark-published \(d.id)"))
        let mark = try herald(["queue", "mark-published", d.id, "--url", "https://masto.example/1"], directory: f.dir.path)
        #expect(mark.status == 0)
        #expect(try f.store().post("p-0").status == .published)
        #expect(try f.integrity() == "ok")
    }
}

@Suite(.serialized) struct ConcurrencyTests {
    @Test(arguments: [2, 8])
    func overlappingPublishersDeliverEachPostExactlyOnce(_ processes: Int) throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: (0..<500).map { t0.addingTimeInterval(Double($0)) })
        let procs = try (0..<processes).map { _ in try f.startPublish(now: "2027-03-01T10:00:00Z", ["--wait"]) }
        for p in procs { p.waitUntilExit() }
        #expect(procs.allSatisfy { $0.terminationStatus == 0 })
        #expect(r.requests.count == 500)
        #expect(r.effects.count == 500)
        #expect(try f.deliveries().allSatisfy { $0.state == .published })
    }

    /// Forty webhook hooks on one receiver share the 32 connections a pass may hold, and reuse them.
    @Test func manyWebhooksShareTheConnectionBudget() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [["raw": "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"]])
        let ids = (0..<40).map { "api\($0)" }
        let f = try PublishFixture(hooksYAML: ids.map { webhookYAML($0, "http://127.0.0.1:\(receiver.port)/\($0)") }.joined(separator: "\n"),
                                   channelHooks: ids)
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60), t0.addingTimeInterval(120)])
        let run = try f.publish(now: "2027-03-01T09:05:00Z")
        #expect(run.status == 0, "\(run.stderr)")
        let requests = receiver.requests
        #expect(requests.count == 120)
        #expect(Set(requests.map { $0.head.split(separator: " ")[1] }).count == 40)
        #expect(Set(requests.map(\.connection)).count <= 32)
        #expect(try f.deliveries().allSatisfy { $0.state == .published })
    }

    @Test func twoStoresNeverClaimTheSameDelivery() async throws {
        // The claim itself, without the file lock: two connections claiming concurrently.
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: (0..<300).map { t0.addingTimeInterval(Double($0)) })
        let hooks = ["fb": [DueHook(hook: "box", maxAttempts: 3, maxLateness: 6 * 3600)]]
        _ = try await f.store().refreshQueue(now: t0.addingTimeInterval(3600), hooks: hooks, notify: false)
        let a = try f.store(), b = try f.store()
        async let ca = Task.detached { () throws -> [String] in
            var ids: [String] = []
            while true {
                let c = try a.claim(owner: "a", limit: 7, now: t0.addingTimeInterval(3600), lease: 60, notify: false).claimed
                if c.isEmpty { return ids }
                ids += c.map(\.delivery.id)
            }
        }.value
        async let cb = Task.detached { () throws -> [String] in
            var ids: [String] = []
            while true {
                let c = try b.claim(owner: "b", limit: 5, now: t0.addingTimeInterval(3600), lease: 60, notify: false).claimed
                if c.isEmpty { return ids }
                ids += c.map(\.delivery.id)
            }
        }.value
        let (x, y) = try await (ca, cb)
        #expect(x.count + y.count == 300)
        #expect(Set(x).isDisjoint(with: Set(y)))
    }
}

/// The queue's batch statements: a whole batch claimed, finished and settled per statement.
@Suite struct BatchQueueTests {
    /// `herald run` sleeps until the next attempt that is still ahead: deliveries already due after a pass are the ones
    /// it had to leave (held promotion, a disabled hook), and waking for them every second would only hold them again.
    @Test func theServiceSleepsUntilTheNextAttemptStillAhead() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        _ = try f.approvedPosts(at: [t0, t0.addingTimeInterval(3_600)])
        let store = try f.store()
        _ = try store.refreshQueue(now: t0.addingTimeInterval(3_600), hooks: ["fb": [DueHook(hook: "box", maxAttempts: 3, maxLateness: 6 * 3_600)]], notify: false)
        #expect(try store.nextAttempt(after: t0.addingTimeInterval(-60)) == t0)
        #expect(try store.nextAttempt(after: t0) == t0.addingTimeInterval(3_600))
        #expect(try store.nextAttempt(after: t0.addingTimeInterval(3_600)) == nil)
        let now = t0.addingTimeInterval(600)
        func pause(_ attempt: Double?, _ post: Double?) -> Duration {
            PublisherService.pause(now: now, nextAttempt: attempt.map { now.addingTimeInterval($0) },
                                   nextPost: post.map { now.addingTimeInterval($0) }, interval: .seconds(30))
        }
        #expect(pause(nil, nil) == .seconds(30))
        #expect(pause(5, nil) == .seconds(5))
        #expect(pause(5, 3) == .seconds(4))
        #expect(pause(90, 120) == .seconds(30))
        #expect(pause(0.2, nil) == .seconds(1))
    }

    /// Queueing is one statement for every due post and hook: each (post, hook) gets one delivery, a late one is made
    /// expired (with its notification), a second refresh adds nothing, and a post whose every delivery expired is settled.
    @Test func refreshingTheQueueMakesEachDeliveryOnce() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        _ = try f.approvedPosts(at: [t0, t0.addingTimeInterval(3 * 3600), t0.addingTimeInterval(4 * 3600)])
        let hooks = ["fb": [DueHook(hook: "box", maxAttempts: 3, maxLateness: 2 * 3600), DueHook(hook: "other", maxAttempts: 5, maxLateness: 9 * 3600)]]
        let store = try f.store()
        let now = t0.addingTimeInterval(4 * 3600)
        let first = try store.refreshQueue(now: now, hooks: hooks, notify: true)
        #expect(first.enqueued == 5)
        #expect(first.expired == 1)
        let all = try store.deliveries()
        #expect(all.count == 6)
        #expect(Set(all.map { "\($0.post)/\($0.hook)" }).count == 6)
        let late = try #require(all.first { $0.state == .expired })
        #expect(late.post == "p-0" && late.hook == "box")
        #expect(late.lastError == "too late: more than the channel's max_lateness after its time")
        #expect(all.allSatisfy { $0.nextAttemptAt == $0.dueAt && $0.attempts == 0 })
        #expect(all.filter { $0.post == "p-1" }.allSatisfy { $0.dueAt == t0.addingTimeInterval(3 * 3600) && $0.lastError == nil })
        #expect(all.filter { $0.hook == "other" }.allSatisfy { $0.maxAttempts == 5 && $0.state == .scheduled })
        #expect(all.first { $0.post == "p-1" && $0.hook == "box" }?.id == Delivery.makeID(post: "p-1", hook: "box", revision: 1))
        let notes = try store.pendingNotifications(limit: 10, maxAttempts: 5)
        #expect(notes.map(\.event) == ["post.expired"])
        #expect(notes.first?.delivery == late.id)
        // p-0 still has a delivery to make to the other hook: not settled.
        #expect(try store.post("p-0").status == .approved)
        let again = try store.refreshQueue(now: now, hooks: hooks, notify: true)
        #expect(again.enqueued == 0 && again.expired == 0)
        #expect(try store.deliveries().count == 6)
        #expect(try store.pendingNotifications(limit: 10, maxAttempts: 5).count == 1)
        // A hook added to the channel later: only its deliveries are made.
        var more = hooks
        more["fb"]!.append(DueHook(hook: "third", maxAttempts: 2, maxLateness: 9 * 3600))
        let added = try store.refreshQueue(now: now, hooks: more, notify: true)
        #expect(added.enqueued == 3 && added.expired == 0)
        #expect(try store.deliveries().count == 9)
        #expect(try store.deliveries().filter { $0.hook == "third" }.map(\.post).sorted() == ["p-0", "p-1", "p-2"])
        // A post whose only delivery is too late when queued is expired at once.
        let only = ["fb": [DueHook(hook: "box", maxAttempts: 3, maxLateness: 60)]]
        _ = try f.approvedPosts(at: [t0.addingTimeInterval(5 * 3600)], prefix: "q")
        #expect(try store.refreshQueue(now: t0.addingTimeInterval(6 * 3600), hooks: only, notify: false).expired == 1)
        #expect(try store.post("q-0").status == .expired)
    }

    func claimedFixture(posts: Int) throws -> (PublishFixture, Store, [ClaimedDelivery]) {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        // Out of time order on purpose: the claim must hand them back oldest first.
        try f.approvedPosts(at: (0..<posts).reversed().map { t0.addingTimeInterval(Double($0 / 2) * 60) })
        let hooks = ["fb": [DueHook(hook: "box", maxAttempts: 3, maxLateness: 6 * 3600)]]
        let store = try f.store()
        _ = try store.refreshQueue(now: t0.addingTimeInterval(3600), hooks: hooks, notify: false)
        let claimed = try store.claim(owner: "me", limit: posts, now: t0.addingTimeInterval(3600), lease: 60, notify: false).claimed
        return (f, store, claimed)
    }

    /// A call to a hook that cannot drop repeats is recorded only while this publisher holds the delivery.
    @Test func aCallIsRecordedOnlyUnderALiveLease() throws {
        let (_, store, claimed) = try claimedFixture(posts: 1)
        let d = claimed[0].delivery
        let soon = t0.addingTimeInterval(3630), late = t0.addingTimeInterval(3700)  // claimed at 3600 with a 60 s lease
        #expect(try store.markCalling([(d.id, d.attempts)], owner: "someone-else", at: soon).isEmpty)
        #expect(try store.markCalling([(d.id, d.attempts + 1)], owner: "me", at: soon).isEmpty)
        #expect(try store.markCalling([(d.id, d.attempts)], owner: "me", at: late).isEmpty)
        #expect(try store.attempts(delivery: d.id).last?.endedAt == nil)
        #expect(try store.markCalling([(d.id, d.attempts)], owner: "me", at: soon) == [d.id])
    }

    @Test func aClaimComesOldestFirstWithItsPosts() throws {
        let (_, _, claimed) = try claimedFixture(posts: 9)
        #expect(claimed.count == 9)
        let times = claimed.map(\.delivery.nextAttemptAt)
        #expect(times == times.sorted())
        #expect(claimed.allSatisfy { $0.post?.id == $0.delivery.post && $0.post?.status == .approved && $0.delivery.state == .publishing })
    }

    /// Errors and answers go into one JSON text per batch: quotes, backslashes, line breaks, control characters and
    /// any script must come back exactly.
    @Test func finishingKeepsEveryCharacterAndSettlesThePosts() throws {
        let (f, store, claimed) = try claimedFixture(posts: 3)
        let odd = "He said \"no\" \\ C:\\path\n\ttab \u{01}\u{1F} zażółć — Ёлка ☕ 🙂"
        let end = t0.addingTimeInterval(3700)
        let results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)] = [
            (claimed[0].delivery, .published(url: "https://x.example/p?a=1&b=\"2\"", remoteID: odd, httpStatus: 201, exitCode: nil, excerpt: odd), end),
            (claimed[1].delivery, .failed(error: odd, httpStatus: 422, exitCode: nil, excerpt: "[1,2]", disableHook: false), end),
            (claimed[2].delivery, .retry(notBefore: end.addingTimeInterval(60), error: odd, httpStatus: nil, exitCode: 75, excerpt: nil), end),
        ]
        let counts = try store.finish(results, owner: "me", notify: false)
        #expect(counts.published == 1 && counts.failed == 1 && counts.retrying == 1)
        let byID = Dictionary(uniqueKeysWithValues: try f.deliveries().map { ($0.id, $0) })
        let published = try #require(byID[claimed[0].delivery.id])
        #expect(published.state == .published && published.remoteID == odd && published.remoteURL == "https://x.example/p?a=1&b=\"2\"")
        #expect(published.publishedAt == end)
        #expect(try store.attempts(delivery: published.id).last?.responseExcerpt == odd)
        let failed = try #require(byID[claimed[1].delivery.id])
        #expect(failed.state == .failed && failed.lastError == odd)
        let attempt = try #require(try store.attempts(delivery: failed.id).last)
        #expect(attempt.error == odd && attempt.httpStatus == 422 && attempt.responseExcerpt == "[1,2]" && attempt.outcome == .failed)
        let retrying = try #require(byID[claimed[2].delivery.id])
        #expect(retrying.state == .retrying && retrying.nextAttemptAt == end.addingTimeInterval(60) && retrying.lastError == odd)
        #expect(try store.attempts(delivery: retrying.id).last?.exitCode == 75)
        // Each post settles by its own deliveries: published, failed, still pending.
        #expect(try store.post(claimed[0].delivery.post).status == .published)
        #expect(try store.post(claimed[1].delivery.post).status == .failed)
        #expect(try store.post(claimed[2].delivery.post).status == .approved)
    }

    /// A delivery whose lease was taken back (another owner, or another attempt) is left alone, and so is its post.
    @Test func finishingSomeoneElsesClaimChangesNothing() throws {
        let (f, store, claimed) = try claimedFixture(posts: 2)
        let before = try f.deliveries()
        let end = t0.addingTimeInterval(3700)
        var stale = claimed[1].delivery
        stale.attempts += 1
        let counts = try store.finish([(claimed[0].delivery, .published(url: nil, remoteID: nil, httpStatus: 200, exitCode: nil, excerpt: nil), end)],
                                      owner: "someone-else", notify: false)
        let counts2 = try store.finish([(stale, .published(url: nil, remoteID: nil, httpStatus: 200, exitCode: nil, excerpt: nil), end)],
                                       owner: "me", notify: false)
        #expect(counts.published == 0 && counts2.published == 0)
        #expect(try f.deliveries() == before)
        #expect(try claimed.allSatisfy { try store.post($0.delivery.post).status == .approved })
        #expect(try claimed.allSatisfy { try store.attempts(delivery: $0.delivery.id).last?.endedAt == nil })
    }
}

@Suite(.serialized) struct RetryTests {
    @Test func fiveHundredThenTwoHundredRespectsBackoffAndSignsBoth() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 500], ["status": 200, "json": ["url": "https://social.example/p/9", "id": "9"]]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        let first = try f.publish(now: "2027-03-01T09:00:00Z")
        #expect(first.status == 75)
        #expect(try f.deliveries()[0].state == .retrying)
        #expect(try f.publish(now: "2027-03-01T09:00:02Z").status == 0)  // still backing off: nothing sent this time
        #expect(r.requests.count == 1)
        #expect(try f.publish(now: "2027-03-01T09:00:10Z").status == 0)
        #expect(r.requests.count == 2)
        #expect(r.requests.allSatisfy(signatureIsValid))
        #expect(r.requests[0].id == r.requests[1].id)
        // Each attempt is signed when it is sent, with the real time (not the replayed --now).
        #expect(r.requests.allSatisfy { abs(Double($0.timestamp) - Date().timeIntervalSince1970) < 120 })
        let d = try f.deliveries()[0]
        #expect(d.state == .published)
        #expect(d.remoteURL == "https://social.example/p/9")
        #expect(try f.store().attempts(delivery: d.id).map(\.httpStatus) == [500, 200])
        let payload = r.requests[1].json
        #expect(payload["type"] as? String == "post.publish")
        #expect((payload["post"] as? [String: Any])?["body"] as? String == "Post number 0 ☕ https://cafe.example/?utm_source=facebook")
        #expect(r.requests[1].headers["idempotency-key"] == d.id)
    }

    @Test func aReceiverDownForAnHourGetsThePostOnceItReturns() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        // Find a free port, then leave it closed.
        let probe = try Receiver(f.dir, name: "probe")
        let port = probe.port
        probe.stop()
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", "http://127.0.0.1:\(port)/hook") + "\n")
        try f.approvedPosts(at: [t0])
        let down = try f.publish(now: "2027-03-01T09:00:00Z")
        #expect(down.status == 69)
        #expect(down.stdout.contains("unreachable: api"))
        // Cron keeps running while the receiver is down: each retry falls due on the backoff schedule.
        var attempts = 1
        while true {
            let next = try f.deliveries()[0].nextAttemptAt
            guard next < Date(iso: "2027-03-01T10:00:00Z")! else { break }
            #expect(try f.publish(now: next.addingTimeInterval(1).isoUTC).status == 69)
            attempts += 1
        }
        #expect(attempts >= 3)
        #expect(try f.deliveries()[0].state == .retrying)
        // The receiver is back after an hour; the next retry delivers it, once.
        let r = try Receiver(f.dir, port: port, name: "back")
        let next = try f.deliveries()[0].nextAttemptAt
        #expect(try f.publish(now: next.addingTimeInterval(1).isoUTC).status == 0)
        #expect(r.requests.count == 1)
        #expect(try f.deliveries()[0].state == .published)
        #expect(try f.publish(now: next.addingTimeInterval(3600).isoUTC).status == 0)
        #expect(r.requests.count == 1)
    }

    @Test func clientErrorsFailAtOnceAndGoneDisablesTheHook() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 422], ["status": 400], ["status": 410]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(1), t0.addingTimeInterval(2)])
        let run = try f.publish(now: "2027-03-01T09:01:00Z", ["--verbose"])
        #expect(run.status == 65)  // failed for good: a person is needed
        #expect(run.stderr.contains("3 deliveries need a person"))
        #expect(r.requests.count == 3)
        #expect(try f.deliveries().allSatisfy { $0.state == .failed && $0.attempts == 1 })
        let attempts = try f.deliveries().flatMap { try f.store().attempts(delivery: $0.id) }.compactMap(\.httpStatus).sorted()
        #expect(attempts == [400, 410, 422])
        // Later posts are held while the hook is disabled.
        try f.approvedPosts(at: [t0.addingTimeInterval(120)], prefix: "later")
        #expect(try f.publish(now: "2027-03-01T09:03:00Z").status == 0)
        #expect(r.requests.count == 3)
        #expect(try f.deliveries().first { $0.post == "later-0" }?.state == .scheduled)
        #expect(try f.store().disabledHooks()["api"]?.contains("410") == true)
        let status = try herald(["status", "--now", "2027-03-01T09:02:00Z"], directory: f.dir.path)
        #expect(status.stdout.contains("hook api is disabled"))
        #expect(try herald(["hooks", "enable", "api"], directory: f.dir.path).status == 0)
    }

    /// A batch claimed while the one before was sent holds back the deliveries of a hook that batch got 410 from: they
    /// wait (retrying) until the hook is enabled, they are not sent into the 410.
    @Test func aHookDisabledMidPassHoldsTheBatchClaimedMeanwhile() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 410], ["status": 200]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: (0..<6).map { t0.addingTimeInterval(Double($0)) })
        let run = try f.publish(now: "2027-03-01T09:01:00Z", env: ["HERALD_BATCH_SIZE": "2"])
        #expect(run.status == 65, "\(run.stderr)")  // the 410 failed one for good (and two wait): a person is needed
        #expect(r.requests.count == 2)
        let states = try f.deliveries().map(\.state)
        #expect(states.filter { $0 == .failed }.count == 1 && states.filter { $0 == .published }.count == 1)
        let held = try f.deliveries().filter { $0.state == .retrying }
        #expect(held.count == 2)
        #expect(held.allSatisfy { $0.lastError?.contains("herald hooks enable api") == true })
        #expect(states.filter { $0 == .scheduled }.count == 2)
        // Enabled again, everything left goes out.
        #expect(try herald(["hooks", "enable", "api"], directory: f.dir.path).status == 0)
        #expect(try f.publish(now: "2027-03-01T09:10:00Z").status == 0)
        #expect(r.requests.count == 6)
        #expect(try f.deliveries().filter { $0.state == .published }.count == 5)
    }

    /// A batch size or concurrency that is not a positive whole number is reported; the pass runs with the defaults.
    @Test func badTuningVariablesAreReportedAndTheDefaultsKept() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        let run = try f.publish(now: "2027-03-01T09:05:00Z", env: ["HERALD_CONCURRENCY": "lots", "HERALD_BATCH_SIZE": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: HERALD_CONCURRENCY='lots' is not a whole number from 1 to 100000; using 32."))
        #expect(run.stderr.contains("warning: HERALD_BATCH_SIZE='0' is not a whole number from 1 to 100000; using 256."))
        #expect(try f.store().post("p-0").status == .published)
    }

    /// Credentials in a webhook's address go as basic authentication, over either scheme.
    @Test(arguments: Scheme.allCases)
    func credentialsInTheAddressAreSentAsBasicAuthentication(_ scheme: Scheme) throws {
        let dir = TemporaryDirectory()
        let tls = scheme.secure ? try TestTLS(dir) : nil
        let receiver = try RawReceiver(dir, [["raw": "HTTP/1.1 204 No Content\r\n\r\n"]], tls: tls)
        let f = try PublishFixture(hooksYAML: webhookYAML("api", "\(scheme)://herald:p%40ss@127.0.0.1:\(receiver.port)/in?x=1"), channelHooks: ["api"])
        if let tls { f.environment["SSL_CERT_FILE"] = tls.caFile }
        try f.approvedPosts(at: [t0])
        let run = try f.publish(now: "2027-03-01T09:01:00Z")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let head = try #require(receiver.requests.first?.head)
        #expect(head.hasPrefix("POST /in?x=1 HTTP/1.1\r\n"))
        #expect(head.contains("\r\nHost: 127.0.0.1:\(receiver.port)\r\n"))
        #expect(head.contains("\r\nAuthorization: Basic \(Data("herald:p@ss".utf8).base64EncodedString())\r\n"))
        // Signed with the real time of sending, not the replayed --now.
        let stamp = head.components(separatedBy: "\r\nwebhook-timestamp: ").dropFirst().first?.prefix { $0.isNumber }
        #expect(abs((Double(stamp.map(String.init) ?? "") ?? 0) - Date().timeIntervalSince1970) < 120, "\(head)")
    }

    /// A receiver that answers 2xx with a large body published the post, over either scheme: the first 256 KiB are read
    /// for its `url` and `id`, the rest dropped.
    @Test(arguments: Scheme.allCases)
    func aLargeSuccessfulAnswerPublishes(_ scheme: Scheme) throws {
        let dir = TemporaryDirectory()
        let tls = scheme.secure ? try TestTLS(dir) : nil
        let json = "{\"url\": \"https://social.example/p/big\", \"id\": \"big\", \"padding\": \""
        let size = 300 * 1024
        let receiver = try RawReceiver(dir, [["raw": "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count + size)\r\n\r\n"
                                                    + json, "fill": size]], tls: tls)
        let f = try PublishFixture(hooksYAML: webhookYAML("api", "\(scheme)://127.0.0.1:\(receiver.port)/in"), channelHooks: ["api"])
        if let tls { f.environment["SSL_CERT_FILE"] = tls.caFile }
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(1)])
        let run = try f.publish(now: "2027-03-01T09:01:00Z")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(receiver.requests.count == 2)
        let deliveries = try f.deliveries()
        #expect(deliveries.allSatisfy { $0.state == .published && $0.attempts == 1 })
        #expect(try deliveries.flatMap { try f.store().attempts(delivery: $0.id) }.allSatisfy { $0.httpStatus == 200 && $0.responseExcerpt?.count == 500 })
    }

    /// An https:// receiver whose certificate Herald does not trust gets nothing; the delivery retries as unreachable.
    @Test func anUntrustedReceiverIsUnreachable() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [["raw": "HTTP/1.1 204 No Content\r\n\r\n"]], tls: try TestTLS(dir))
        let f = try PublishFixture(hooksYAML: webhookYAML("api", "https://127.0.0.1:\(receiver.port)/in"), channelHooks: ["api"])
        f.environment["SSL_CERT_FILE"] = try TestTLS(dir, name: "other").caFile
        try f.approvedPosts(at: [t0])
        let run = try f.publish(now: "2027-03-01T09:01:00Z")
        #expect(run.status == 69, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("unreachable: api"))
        #expect(receiver.requests.isEmpty)
        let d = try f.deliveries()[0]
        #expect(d.state == .retrying)
        #expect(d.lastError?.contains("the TLS handshake failed: check that the receiver's certificate") == true, "\(d.lastError ?? "")")
    }

    @Test func tooManyRequestsWaitsAtLeastRetryAfter() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 429, "headers": ["Retry-After": "120"]], ["status": 200]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:00Z").status == 75)
        let d = try f.deliveries()[0]
        #expect(d.nextAttemptAt.timeIntervalSince(t0) >= 120)
        #expect(try f.publish(now: "2027-03-01T09:01:59Z").status == 0)
        #expect(r.requests.count == 1)
        #expect(try f.publish(now: "2027-03-01T09:02:05Z").status == 0)
        #expect(r.requests.count == 2)
    }

    @Test func aHangingHookIsCutAtItsTimeoutAndRetriedWithANewSignature() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 200, "hang": 5], ["status": 200]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url, extra: "timeout: 1s") + "\n")
        try f.approvedPosts(at: [t0])
        let first = try f.publish(now: "2027-03-01T09:00:00Z")
        #expect(first.status == 75)
        #expect(try f.store().attempts(delivery: f.deliveries()[0].id).first?.error?.contains("timed out") == true)
        #expect(try f.publish(now: "2027-03-01T09:00:30Z").status == 0)
        #expect(r.requests.count == 2)
        #expect(r.requests[0].timestamp != r.requests[1].timestamp)
        #expect(r.requests[0].headers["webhook-signature"] != r.requests[1].headers["webhook-signature"])
        #expect(r.requests.allSatisfy(signatureIsValid))
    }

    @Test func withTwoHooksOnlyTheFailingOneRetries() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["good", "bad"])
        let good = try Receiver(f.dir, name: "good"), bad = try Receiver(f.dir, script: [["status": 503], ["status": 200]], name: "bad")
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("good", good.url) + "\n" + webhookYAML("bad", bad.url) + "\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:00Z").status == 75)
        #expect(try f.store().post("p-0").status == .approved)
        #expect(try f.publish(now: "2027-03-01T09:00:20Z").status == 0)
        #expect(good.requests.count == 1)
        #expect(bad.requests.count == 2)
        #expect(try f.store().post("p-0").status == .published)
        #expect(good.requests[0].id != bad.requests[0].id)
    }
}

@Suite(.serialized) struct ClockTests {
    @Test func jumpsForwardSendOnceAndJumpsBackSendNothing() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(3600), t0.addingTimeInterval(3 * 3600)])
        #expect(try f.publish(now: "2027-03-01T08:59:00Z").status == 0)
        #expect(r.requests.isEmpty)
        // The clock jumps two hours: the two posts now due go out once.
        #expect(try f.publish(now: "2027-03-01T11:00:00Z").status == 0)
        #expect(r.requests.count == 2)
        #expect(try f.publish(now: "2027-03-01T11:00:30Z").status == 0)
        #expect(r.requests.count == 2)
        // And back: nothing early, nothing again.
        #expect(try f.publish(now: "2027-03-01T08:00:00Z").status == 0)
        #expect(r.requests.count == 2)
        #expect(try f.publish(now: "2027-03-01T12:00:00Z").status == 0)
        #expect(r.requests.count == 3)
        #expect(r.effects.count == 3)
    }

    @Test func tooLateIsExpiredNotSent() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"], maxLateness: "2h")
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        let late = try f.publish(now: "2027-03-01T12:00:00Z")
        #expect(late.status == 65)  // expired: a person decides whether it still matters
        #expect(late.stderr.contains("1 delivery needs a person"))
        #expect(r.requests.isEmpty)
        #expect(try f.deliveries()[0].state == .expired)
        #expect(try f.store().post("p-0").status == .expired)
    }
}

@Suite(.serialized) struct ConfigAndStorageTests {
    @Test(arguments: [
        ("  - {id: api, type: webhook, url: \"http://127.0.0.1:9/h\", secret_env: HERALD_MISSING_SECRET}", "HERALD_MISSING_SECRET is not set"),
        ("  - {id: api, type: webhook, url: \"http://127.0.0.1:9/h\", secret_env: HERALD_SHORT}", "does not hold a valid secret"),
        ("  - {id: api, type: webhook, url: \"ftp://127.0.0.1/h\", secret_env: HERALD_TEST_SECRET}", "hooks[0].url"),
        ("  - {id: api, type: carrier-pigeon}", "unknown hook type 'carrier-pigeon'"),
        ("  - {id: api, type: command, argv: []}", "hooks[0].argv"),
    ])
    func badHookConfigurationExits78AndClaimsNothing(_ yaml: String, _ fragment: String) throws {
        let f = try PublishFixture(hooksYAML: yaml, channelHooks: ["api"])
        f.environment["HERALD_SHORT"] = "whsec_" + Data([1, 2, 3]).base64EncodedString()
        try f.approvedPosts(at: [t0])
        let run = try f.publish(now: "2027-03-01T10:00:00Z")
        #expect(run.status == 78, "\(run.stderr)")
        #expect(run.stderr.contains(fragment), "\(run.stderr)")
        #expect(run.stderr.contains("nothing was claimed"))
        #expect(try f.deliveries().isEmpty)
        #expect(try f.store().post("p-0").status == .approved)
    }

    @Test func aDatabaseLockedPastTheBusyTimeoutExits75AndLosesNothing() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        // Another connection holds an exclusive lock while herald runs.
        var config = Configuration()
        config.allowsUnsafeTransactions = true  // the lock is held across several accesses
        let holder = try DatabaseQueue(path: f.dbPath, configuration: config)
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? holder.inDatabase { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                release.wait()
                try db.execute(sql: "ROLLBACK")
            }
        }
        thread.start()
        locked.wait()
        let run = try f.publish(now: "2027-03-01T10:00:00Z", env: ["HERALD_BUSY_TIMEOUT": "0.3"])
        release.signal()
        #expect(run.status == 75, "\(run.stderr)")
        #expect(run.stderr.contains("busy"))
        try holder.inDatabase { _ in }  // waits until the holder has rolled back
        try holder.close()
        #expect(try f.publish(now: "2027-03-01T10:00:00Z").status == 0)
        #expect(try f.store().post("p-0").status == .published)
        #expect(try f.integrity() == "ok")
    }

    @Test func aNewerSchemaIsRefused() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        let q = try DatabaseQueue(path: f.dbPath)
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        try q.close()
        let run = try f.publish(now: "2027-03-01T10:00:00Z")
        #expect(run.status == 65)
        #expect(run.stderr.contains("newer version of Herald"))
    }
}

@Suite(.serialized) struct HookKindTests {
    @Test func theOutboxWritesEachDeliveryOnceAtomically() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out/news}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60)])
        #expect(try f.publish(now: "2027-03-01T09:05:00Z").status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out/news")).sorted()
        #expect(files.count == 4)
        #expect(files.allSatisfy { $0.hasPrefix("2027-03-01-dlv_") })
        #expect(!files.contains { $0.hasSuffix(".tmp") })
        let json = try #require(files.first { $0.hasSuffix(".json") })
        let payload = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.dir.file("out/news/\(json)")))) as! [String: Any]
        #expect(payload["type"] as? String == "post.publish")
        let md = try #require(files.first { $0.hasSuffix(".md") })
        #expect(f.dir.read("out/news/\(md)")?.hasPrefix("Post number") == true)
        // A delivery already in the outbox (a crash after writing, before the commit) counts as delivered.
        try f.approvedPosts(at: [t0.addingTimeInterval(600)], prefix: "late")
        #expect(try f.publish(now: "2027-03-01T09:11:00Z", env: ["HERALD_FAILPOINT": "after-send"]).status == 9)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out/news")).count == 6)
        #expect(try f.publish(now: "2027-03-01T09:20:00Z").status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out/news")).count == 6)
        let late = try #require(try f.deliveries().first { $0.post == "late-0" })
        #expect(late.state == .published)
        #expect(try f.store().attempts(delivery: late.id).last?.responseExcerpt == "already in the outbox")
    }

    @Test func commandsGetArgvStdinAndIdsAndTheirExitCodeDecides() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["cmd"])
        // Exit 75 the first time (retry), then publish and print a URL.
        let script = f.dir.write("post.sh", """
            #!/bin/sh
            if [ ! -e "$0.tried" ]; then touch "$0.tried"; echo "rate limited" >&2; exit 75; fi
            cat > "$0.stdin.json"
            printf '%s %s %s' "$HERALD_DELIVERY_ID" "$HERALD_POST_ID" "$1" > "$0.env"
            echo '{"url": "https://masto.example/@cafe/1", "id": "1"}'
            """)
        chmod(script, 0o755)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + "  - {id: cmd, type: command, argv: [\"\(script)\", \"--visibility=public\"], timeout: 5s}\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:00Z").status == 75)
        #expect(try f.publish(now: "2027-03-01T09:00:30Z").status == 0)
        let d = try f.deliveries()[0]
        #expect(d.state == .published)
        #expect(d.remoteURL == "https://masto.example/@cafe/1")
        #expect(f.dir.read("post.sh.env") == "\(d.id) p-0 --visibility=public")
        #expect(f.dir.read("post.sh.stdin.json")?.contains("\"type\":\"post.publish\"") == true)
    }

    @Test func theNotifyHookHearsAboutFailures() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"], notify: "alerts")
        let api = try Receiver(f.dir, script: [["status": 400]], name: "api"), alerts = try Receiver(f.dir, name: "alerts")
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", api.url) + "\n" + webhookYAML("alerts", alerts.url) + "\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:00Z").status == 65)
        let events = alerts.requests.map { $0.json["type"] as? String }
        #expect(events == ["post.failed"])
        #expect(alerts.requests.allSatisfy(signatureIsValid))
        #expect((alerts.requests[0].json["post"] as? [String: Any])?["id"] as? String == "p-0")
    }

    @Test func changingAnApprovedPostCancelsItsQueuedDelivery() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 503], ["status": 200]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:00Z").status == 75)
        let edit = try herald(["post", "edit", "p-0", "--body", "Corrected text", "--now", "2027-03-01T09:00:05Z"], directory: f.dir.path)
        #expect(edit.status == 0)
        #expect(try f.publish(now: "2027-03-01T09:01:00Z").status == 0)
        #expect(r.requests.count == 1)
        #expect(try f.deliveries()[0].state == .cancelled)
    }

    @Test func hooksTestSendsASignedTestEvent() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        let run = try herald(["hooks", "test", "api"], environment: f.environment, directory: f.dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("OK in"))
        #expect(r.requests.first?.json["type"] as? String == "hook.test")
        #expect(r.requests.allSatisfy(signatureIsValid))
        #expect(try herald(["hooks", "test", "nope"], environment: f.environment, directory: f.dir.path).status == 65)
    }
}

@Suite(.serialized) struct ServiceTests {
    @Test func runStopsCleanlyOnSIGTERM() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        let service = try RunningService(in: f.dir.path, ["--now", "2027-03-01T09:05:00Z", "--interval", "60"], separateErrors: true)
        // Read until the first pass has published the post.
        service.read { $0.contains("published 1") }
        let status = service.stop().status
        #expect(status == 0)
        #expect(service.text.contains("herald run: stopped."))
        #expect(try f.store().post("p-0").status == .published)
    }
}

/// `herald run` works from the strategy file as it is, like cron's `publish`: an edited strategy is used from a following
/// pass on; a version that cannot be used is reported once and the previous one kept until it is fixed. Each step waits
/// for what the service prints, and a post is approved only once the service has the version it is meant for.
@Suite(.serialized) struct ServiceReloadTests {
    @Test func theServiceUsesAnEditedStrategyAndKeepsTheLastGoodOne() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        let good = f.dir.read("strategy.yaml")!
        let service = try RunningService(in: f.dir.path, ["--now", "2027-03-01T09:00:30Z", "--interval", "1"])
        func passes(_ s: String) -> Int { s.components(separatedBy: "published 1").count - 1 }
        // p-0 goes out with the strategy the service started with.
        service.read { passes($0) == 1 }
        // A broken edit (an unknown hook type) is reported; a post approved then still goes to the outbox it knew.
        f.dir.write("strategy.yaml", good.replacingOccurrences(of: "type: outbox, dir: out", with: "type: carrier-pigeon"))
        service.read { $0.contains("changed but cannot be used") }
        try f.approvedPosts(at: [t0], prefix: "q")
        service.read { passes($0) == 2 }
        // Fixed, with another folder: once the service says it has it, a post approved then goes there.
        f.dir.write("strategy.yaml", good.replacingOccurrences(of: "dir: out", with: "dir: out2"))
        service.read { $0.contains("changed; publishing with the new version from this pass on") }
        try f.approvedPosts(at: [t0], prefix: "r")
        service.read { passes($0) == 3 }
        let status = service.stop().status
        let text = service.text
        #expect(status == 0, "\(text)")
        #expect(passes(text) == 3, "\(text)")
        #expect(text.components(separatedBy: "changed but cannot be used").count == 2, "reported once: \(text)")
        #expect(text.contains("carrier-pigeon"))
        #expect(text.components(separatedBy: "changed; publishing with the new version").count == 2, "\(text)")
        let first = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out")).filter { $0.hasSuffix(".json") }
        let second = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out2")).filter { $0.hasSuffix(".json") }
        #expect(first.count == 2 && second.count == 1, "out: \(first), out2: \(second)")
        #expect(try f.store().posts().map(\.status) == [.published, .published, .published])
    }
}

/// A pass of `herald run` that finds the database held past the busy timeout fails, is reported, and the service goes
/// on: the next pass, once the database is free, sends what was due.
@Suite(.serialized) struct ServiceFailureTests {
    @Test func aBusyDatabaseFailsAPassAndTheServiceGoesOn() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        let service = try RunningService(in: f.dir.path, ["--now", "2027-03-01T09:00:30Z", "--interval", "1"],
                                         environment: ["HERALD_BUSY_TIMEOUT": "0.2"])
        func passes(_ s: String) -> Int { s.components(separatedBy: "published 1").count - 1 }
        service.read { passes($0) == 1 }
        // Another post is approved, then another process holds the database's write lock.
        try f.approvedPosts(at: [t0], prefix: "q")
        var config = Configuration()
        config.allowsUnsafeTransactions = true  // the lock is held across several accesses
        let holder = try DatabaseQueue(path: f.dbPath, configuration: config)
        try holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        service.read { $0.contains("a pass failed and the next one will try again") }
        #expect(try f.store().post("q-0").status == .approved)
        try holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        service.read { passes($0) == 2 }
        let status = service.stop().status
        let text = service.text
        #expect(status == 0, "\(text)")
        #expect(text.contains("the database is busy"), "\(text)")
        #expect(text.components(separatedBy: "a pass failed").count == 2, "reported once: \(text)")
        #expect(text.contains("herald run: passes work again."))
        #expect(try f.store().post("q-0").status == .published)
        #expect(try f.integrity() == "ok")
    }
}

/// What cron runs most minutes: a pass with nothing to do.
@Suite(.serialized) struct IdleTickTests {
    @Test func aPassWithNothingDueSkipsTheStrategyOnlyWhileItIsTheOneLastWorkedFrom() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        // The first pass works from the strategy: it publishes and remembers the file.
        #expect(try f.publish(now: "2027-03-01T09:05:00Z").status == 0)
        #expect(try f.store().post("p-0").status == .published)
        #expect(try f.store().latestSnapshot()?.contentHash != nil)
        // Nothing due: the pass is recorded without reading the strategy…
        let idle = try f.publish(now: "2027-03-01T09:06:00Z", ["--verbose"])
        #expect(idle.status == 0, "\(idle.stderr)")
        #expect(idle.stdout.contains("published 0"))
        #expect(try f.store().lastRuns(1).first?.exitCode == 0)
        #expect(try f.store().lastRuns(5).count == 2)
        // …but a changed strategy is read (and checked) again, idle or not.
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")!.replacingOccurrences(of: "type: outbox, dir: out", with: "type: carrier-pigeon"))
        let changed = try f.publish(now: "2027-03-01T09:07:00Z")
        #expect(changed.status == 78, "\(changed.stderr)")
        // Work to do always takes the full pass.
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")!.replacingOccurrences(of: "type: carrier-pigeon", with: "type: outbox, dir: out"))
        #expect(try f.publish(now: "2027-03-01T09:08:00Z").status == 0)
        try f.approvedPosts(at: [t0.addingTimeInterval(3600)], prefix: "q")
        #expect(try f.publish(now: "2027-03-01T10:05:00Z").status == 0)
        #expect(try f.store().post("q-0").status == .published)
    }
}

@Suite struct PayloadTests {
    static let tricky = "Quote \" backslash \\ slash / tab \t newline \n return \r bell \u{07} esc \u{1B} del \u{7F} " +
        (0..<32).map { String(UnicodeScalar(UInt8($0))) }.joined() + " café ☕ 😀 \u{2028} end"
    static let post = Post(id: "p-1", channel: "fb", network: .facebook, kind: .contest, step: .announce, campaign: "c", goal: "g",
                           owner: nil, scheduledAt: t0, status: .approved, body: tricky, topic: "T/opic", media: ["https://x.example/a.jpg", "b\"c"])
    static let delivery = Delivery(id: "dlv_1", post: "p-1", hook: "api", revision: 2, state: .publishing, dueAt: t0, nextAttemptAt: t0,
                                   attempts: 3, maxAttempts: 8)
    static var plain: Post {
        var plain = post
        plain.campaign = nil; plain.step = nil; plain.kind = .informational; plain.goal = nil; plain.topic = nil; plain.body = nil; plain.media = []
        return plain
    }
    let clock = ZoneClock(identifier: "Europe/Amsterdam")!

    /// The per-delivery writer must give the very bytes of the one Encodable definition: receivers verify signatures
    /// over them.
    @Test func theDeliveryWriterAgreesWithTheEncodableDefinition() throws {
        for (p, link) in [(Self.post, "https://cafe.example/?a=1&b=2"), (Self.plain, nil)] {
            let fast = Payload.publish(p, delivery: Self.delivery, link: link, clock: clock)
            let encoded = Payload.encode(PublishPayload(p, delivery: Self.delivery, link: link, clock: clock))
            #expect(fast == encoded, "\(String(decoding: fast, as: UTF8.self))\n\(String(decoding: encoded, as: UTF8.self))")
        }
    }

    /// Receivers get the bytes they got before the payload was one Encodable type: what JSONSerialization wrote for the
    /// same object (sorted keys, slashes unescaped, every post field present, `null` when empty).
    @Test func thePayloadBytesAreUnchanged() throws {
        let p = Self.post, d = Self.delivery
        let before: [String: Any] = ["type": "post.publish", "version": 1, "post": [
            "id": p.id, "channel": p.channel, "network": p.network.rawValue, "kind": p.kind.rawValue, "scheduled_at": p.scheduledAt.isoUTC,
            "local_time": clock.isoLocal(p.scheduledAt), "status": p.status.rawValue, "idempotency_key": d.id, "media": p.media,
            "body": p.body ?? "", "step": p.step!.rawValue, "campaign": p.campaign!, "goal": p.goal!, "owner": NSNull(), "topic": p.topic!,
            "link": NSNull(), "delivery_id": d.id, "hook": d.hook, "attempt": d.attempts] as [String: Any]]
        let old = try JSONSerialization.data(withJSONObject: before, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(Payload.encode(PublishPayload(p, delivery: d, link: nil, clock: clock)) == old)
    }

    /// A lifecycle event carries the keys that apply; its post has every field but the delivery's.
    @Test func aLifecycleEventWritesOnlyTheKeysThatApply() throws {
        let event = LifecycleEvent(type: "post.failed", eventID: "evt_1", occurredAt: t0,
                                   post: PostPayload(Self.plain, delivery: nil, link: nil, clock: clock), deliveryID: "dlv_1", hook: nil,
                                   detail: Self.tricky)
        let object = try #require(try JSONSerialization.jsonObject(with: Payload.encode(event)) as? [String: Any])
        #expect(Set(object.keys) == ["type", "version", "event_id", "occurred_at", "post", "delivery_id", "detail"])
        #expect(object["detail"] as? String == Self.tricky)
        let post = try #require(object["post"] as? [String: Any])
        #expect(post["link"] is NSNull && post["campaign"] is NSNull && post["body"] as? String == "")
        #expect(post["delivery_id"] == nil && post["attempt"] == nil)
        #expect(post["idempotency_key"] as? String == Self.plain.idempotencyKey)
    }
}
