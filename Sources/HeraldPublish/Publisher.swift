import Foundation
import HeraldModel
import HeraldStore
import Logging

/// What one publishing pass did.
public struct PassReport: Sendable {
    public var counts = RunCounts()
    /// Hooks that could not be reached this pass.
    public var unreachable: Set<String> = []
    /// Deliveries that will be tried again.
    public var retrying: Int { counts.retrying }
    public var notificationsSent = 0
    /// Inbox items whose `inbox.overdue` / `inbox.urgent` event this pass queued.
    public var inbox = InboxNotices()

    public init() {}

    /// EX_DATAERR: what was handed over was refused or lost, and a person must decide (`herald status`).
    public static let needsAPersonExitCode: Int32 = 65

    /// Deliveries this pass left for a person: failed for good, unknown (may or may not have gone out), or expired.
    public var needingAPerson: Int { counts.failed + counts.unknown + counts.expired }

    /// 65 this pass left deliveries for a person (`needingAPerson`, the most urgent: they will not fix themselves),
    /// 69 a hook is unreachable, 75 some deliveries will retry, 0 done.
    public var exitCode: Int32 {
        if needingAPerson > 0 { return PassReport.needsAPersonExitCode }
        if !unreachable.isEmpty { return 69 }
        if counts.retrying > 0 { return 75 }
        return 0
    }
}

/// Settings of the publisher, validated once.
public struct PublisherSettings: Sendable {
    /// Deliveries claimed per transaction (and finished per transaction).
    public var batchSize = PublisherSettings.defaultBatchSize
    /// Hook calls in flight at once.
    public var concurrency = PublisherSettings.defaultConcurrency

    /// 256 claimed per transaction and 32 calls in flight: measured on 10,000 due webhook deliveries to a local receiver,
    /// 64/16 took 3.6 s, 128/32 2.9 s, 256/32 2.4 s (Benchmarks/run.sh). The lease grows with the batch (longest hook
    /// timeout × 8 rounds + the margin), so a claim left by a killed process is still taken back.
    public static let defaultBatchSize = 256
    public static let defaultConcurrency = 32
    /// Added to the longest hook timeout to form the lease.
    public var leaseMargin: TimeInterval = 60
    public var retry = RetryPolicy.standard
    /// Attempts at sending a lifecycle event to the notify hook.
    public var notifyAttempts = 5
    /// This process's name in leases and runs: host, pid and a random tag.
    public var owner: String
    /// Leave contest and discount posts queued (a crisis alert is raised and nobody has handled it yet).
    public var holdPromotional = false

    public init(owner: String = PublisherSettings.defaultOwner()) { self.owner = owner }

    public static func defaultOwner() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host):\(getpid()):\(UUID().uuidString.prefix(6).lowercased())"
    }
}

/// Hands due deliveries to hooks. `runOnce` is one pass (what cron runs); `PublisherService` loops it.
public struct Publisher: Sendable {
    public let store: Store
    public let strategy: Strategy
    public let hooks: [String: ResolvedHook]
    public let caller: HookCaller
    public var settings: PublisherSettings
    /// The post's tagged link for the payload.
    public let link: @Sendable (Post) -> String?
    public let environment: [String: String]
    public let logger: Logger
    /// Called with the batch's number (1 for the first) once its claim is committed, before any of it is sent: lets a
    /// test act at a known point of a pass (where `HERALD_FAILPOINT=after-claim` kills the process).
    public var batchClaimed: @Sendable (_ number: Int) -> Void = { _ in }
    /// The real time, read as each request is signed (`webhook-timestamp`) and each call starts. It is not the pass's
    /// `now`, which `--now` replays: a receiver checking freshness (Standard Webhooks allows 5 minutes of skew) refuses
    /// a request signed at a replayed time. Tests set both.
    public var sendingClock: @Sendable () -> Date = { Date() }
    /// Takes the strategy's and the environment's secret values out of every outcome before it is stored.
    public var redactor: SecretRedactor

    public init(store: Store, strategy: Strategy, hooks: [String: ResolvedHook], caller: HookCaller, settings: PublisherSettings,
                environment: [String: String], logger: Logger = Logger(label: "herald.publish"), link: @escaping @Sendable (Post) -> String?) {
        self.store = store; self.strategy = strategy; self.hooks = hooks; self.caller = caller; self.settings = settings
        self.environment = environment; self.logger = logger; self.link = link
        redactor = SecretRedactor(strategy: strategy, environment: environment)
        clock = ZoneClock.orUTC(strategy.timeZone)
    }

    /// The strategy's zone, made once per publisher (payloads show local times).
    let clock: ZoneClock
    var notifying: Bool { strategy.notify != nil && hooks[strategy.notify!] != nil }

    /// Where each channel's posts go.
    var dueHooks: [String: [DueHook]] { DueHook.byChannel(strategy, usable: { hooks[$0] != nil }) }

    /// One pass: take back dead leases, queue what is due, deliver everything claimable now, send lifecycle events.
    /// - Parameters:
    ///   - now: the injected clock; read again after each batch so long passes keep time.
    ///   - shouldStop: checked between batches (a service being asked to stop).
    public func runOnce(now: @escaping @Sendable () -> Date, shouldStop: @Sendable () -> Bool = { false }) async throws -> PassReport {
        var report = PassReport()
        let idempotent = Set(hooks.values.filter(\.idempotent).map(\.id))
        let rescued = try await store.rescueExpiredLeases(now: now(), idempotentHooks: idempotent, notify: notifying)
        report.counts.rescued = rescued.rescued
        report.counts.unknown += rescued.unknown
        let refreshed = try await store.refreshQueue(now: now(), hooks: dueHooks, notify: notifying)
        report.counts.enqueued = refreshed.enqueued
        report.counts.expired += refreshed.expired
        // A batch is sent while the one before has its results committed and the one after is claimed, so a claim can
        // wait for a whole batch to be sent before its own is: the lease covers two batches' rounds of calls.
        let rounds = Double((settings.batchSize + settings.concurrency - 1) / settings.concurrency)
        let lease = (hooks.values.map(\.timeout).max() ?? 15) * 2 * rounds + settings.leaseMargin
        // Claim a batch; then, while it is sent, commit the previous batch's results together with the claim of the next
        // (one synced commit per batch). Each claim is durable before its batch is sent, each result after it was.
        var next: (claimed: [ClaimedDelivery], expired: Int) = shouldStop() ? ([], 0)
            : try await store.claim(owner: settings.owner, limit: settings.batchSize, now: now(), lease: lease, notify: notifying,
                                    holdPromotional: settings.holdPromotional)
        var sent: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)] = []
        func count(_ c: RunCounts) {
            report.counts.published += c.published; report.counts.retrying += c.retrying; report.counts.failed += c.failed
            report.counts.unknown += c.unknown; report.counts.expired += c.expired
        }
        // Hooks a receiver disabled (HTTP 410) during this pass: the batch claimed meanwhile holds theirs back.
        var disabled = Set<String>()
        var batches = 0
        while true {
            report.counts.expired += next.expired
            let claimed = next.claimed
            guard !claimed.isEmpty else { break }
            report.counts.claimed += claimed.count
            Failpoint.afterClaim.hit(environment)
            batches += 1
            batchClaimed(batches)
            let held = claimed.filter { disabled.contains($0.delivery.hook) }
            let toSend = held.isEmpty ? claimed : claimed.filter { !disabled.contains($0.delivery.hook) }
            async let sending = deliver(toSend, now: now)
            let done: (counts: RunCounts, claimed: [ClaimedDelivery], expired: Int)
            do {
                done = try await store.finishAndClaim(sent, owner: settings.owner, notify: notifying, limit: shouldStop() ? 0 : settings.batchSize,
                                                      now: now, lease: lease, holdPromotional: settings.holdPromotional)
            } catch {
                // Keep what is known: this batch is being sent; record both batches' results if the database lets us.
                let batch = await sending
                _ = try? await store.finish(sent + batch.results, owner: settings.owner, notify: notifying)
                throw error
            }
            count(done.counts)
            let batch = await sending
            report.unreachable.formUnion(batch.unreachable)
            Failpoint.afterSend.hit(environment)
            for r in batch.results {
                if case .failed(_, _, _, _, true) = r.result { disabled.insert(r.delivery.hook) }
            }
            let at = now()
            sent = batch.results + held.map { item in
                (item.delivery, .retry(notBefore: at, error: "not sent: the receiver disabled the hook (HTTP 410) while this delivery waited; "
                                       + "it goes out after `herald hooks enable \(item.delivery.hook)`", httpStatus: nil, exitCode: nil, excerpt: nil), at)
            }
            next = (done.claimed, done.expired)
        }
        if !sent.isEmpty { count(try await store.finish(sent, owner: settings.owner, notify: notifying)) }
        report.inbox = try await store.queueInboxNotifications(strategy, now: now(), notify: notifying)
        report.notificationsSent = try await sendNotifications(now: now)
        return report
    }

    /// Calls the hooks of a claimed batch. Deliveries to a hook that takes batches (a webhook at an `http://` address that
    /// drops repeats) go out together over kept connections, at most `concurrency` connections across those hooks; the
    /// rest are called one by one, at most `concurrency` at once.
    func deliver(_ batch: [ClaimedDelivery], now: @escaping @Sendable () -> Date)
        async -> (results: [(delivery: Delivery, result: DeliveryResult, endedAt: Date)], unreachable: Set<String>) {
        var results: [Finished] = []
        var byHook: [String: [ClaimedDelivery]] = [:]
        var single: [ClaimedDelivery] = []
        // Which hooks take batches, worked out once per hook rather than per delivery.
        let batchable = Set(hooks.values.filter { $0.idempotent && caller.sendsInBatches($0) }.map(\.id))
        for item in batch {
            if let hook = hooks[item.delivery.hook], batchable.contains(hook.id) {
                byHook[hook.id, default: []].append(item)
            } else {
                single.append(item)
            }
        }
        // The batched hooks share the connection budget in proportion to their deliveries (so each needs about as many
        // rounds of calls as the batch would on `concurrency` connections, which the lease is sized for); a hook starts
        // when its connections fit in what the others leave.
        let batches = byHook.sorted { $0.key < $1.key }.compactMap { id, items in hooks[id].map { (hook: $0, items: items) } }
        let batchedItems = max(1, batches.reduce(0) { $0 + $1.items.count })
        let share = batches.map { max(1, settings.concurrency * $0.items.count / batchedItems) }
        await withTaskGroup(of: (connections: Int, done: [Finished]).self) { group in
            var nextBatch = 0, inUse = 0
            func startBatches() {
                while nextBatch < batches.count, inUse == 0 || inUse + share[nextBatch] <= settings.concurrency {
                    let (hook, items) = batches[nextBatch]
                    let connections = share[nextBatch]
                    nextBatch += 1
                    inUse += connections
                    group.addTask { (connections, await self.deliverBatch(hook, items, connections: connections, now: now)) }
                }
            }
            startBatches()
            var next = 0
            func start() {
                guard next < single.count else { return }
                let item = single[next]
                next += 1
                group.addTask { (0, [await self.deliverOne(item, now: now)]) }
            }
            for _ in 0..<min(settings.concurrency, single.count) { start() }
            for await (connections, done) in group {
                results.append(contentsOf: done)
                if connections > 0 {
                    inUse -= connections
                    startBatches()
                } else {
                    start()
                }
            }
        }
        return (results.map { (delivery: $0.delivery, result: $0.result, endedAt: $0.endedAt) },
                Set(results.filter(\.unreachable).map(\.delivery.hook)))
    }

    /// One delivery's result, the time it ended, and whether its hook was unreachable.
    struct Finished: Sendable {
        var delivery: Delivery
        var result: DeliveryResult
        var endedAt: Date
        var unreachable: Bool
    }

    /// The bytes and ids a hook receives for a claimed delivery.
    /// - Parameter started: the real time of sending (`sendingClock`), signed as `webhook-timestamp`.
    func hookCall(_ item: ClaimedDelivery, at started: Date) -> HookCall {
        let d = item.delivery
        let day = String(d.dueAt.isoUTC.prefix(10))
        if let post = item.post {
            return HookCall(id: d.id, postID: d.post, body: Payload.publish(post, delivery: d, link: link(post), clock: clock),
                            timestamp: started, day: day, text: post.body)
        }
        // A reply to an inbox item (the claim hands back a post or a reply): `type: reply.publish`.
        let body = item.reply.map { Payload.encode(ReplyPublishPayload($0, delivery: d)) } ?? Data("{}".utf8)
        return HookCall(id: d.id, postID: d.post, body: body, timestamp: started, day: day, text: item.reply?.body)
    }

    /// Sends a batch to a hook that drops repeats (only those are batched: a hook that cannot has each call recorded
    /// just before it is made, so a crash leaves as few deliveries `unknown` as possible).
    func deliverBatch(_ hook: ResolvedHook, _ items: [ClaimedDelivery], connections: Int, now: @escaping @Sendable () -> Date) async -> [Finished] {
        let started = sendingClock()
        let calls = items.map { hookCall($0, at: started) }
        let outcomes = await caller.callBatch(hook, calls, concurrency: connections, clock: sendingClock)
        let ended = now()
        return zip(items, outcomes).map { finished($0.delivery, $1, ended: ended) }
    }

    func deliverOne(_ item: ClaimedDelivery, now: @Sendable () -> Date) async -> Finished {
        let d = item.delivery
        guard let hook = hooks[d.hook] else {
            return Finished(delivery: d, result: .failed(error: "the hook '\(d.hook)' is no longer in the strategy", httpStatus: nil, exitCode: nil,
                                                         excerpt: nil, disableHook: false), endedAt: now(), unreachable: false)
        }
        if !hook.idempotent {
            do {
                // Only while this publisher still holds the delivery: once its lease ran out another one may call.
                guard try await store.markCalling([(d.id, d.attempts)], owner: settings.owner, at: now()).contains(d.id) else {
                    return Finished(delivery: d, result: .retry(notBefore: now(), error: "not called: this publisher's lease ran out first",
                                                                httpStatus: nil, exitCode: nil, excerpt: nil), endedAt: now(), unreachable: false)
                }
            } catch {
                return Finished(delivery: d, result: .retry(notBefore: now(), error: "could not record the call: \(error)", httpStatus: nil,
                                                            exitCode: nil, excerpt: nil), endedAt: now(), unreachable: false)
            }
        }
        let outcome = await caller.call(hook, hookCall(item, at: sendingClock()))
        return finished(d, outcome, ended: now())
    }

    /// What a hook's outcome means for the delivery: the hook's word with the retry policy's delay applied. The state
    /// it leads to is not decided here: the store's `finish` turns it, with the attempts made and the time left, into a
    /// `DeliveryEvent` and asks `DeliveryLifecycle` (in the transaction that records it, fenced on the lease).
    func finished(_ d: Delivery, _ outcome: CallOutcome, ended: Date) -> Finished {
        switch redactor(outcome) {
        case .published(let url, let rid, let s, let e, let x):
            logger.info("published", metadata: ["delivery": "\(d.id)", "hook": "\(d.hook)"])
            return Finished(delivery: d, result: .published(url: url, remoteID: rid, httpStatus: s, exitCode: e, excerpt: x), endedAt: ended,
                            unreachable: false)
        case .retry(let error, let retryAfter, let s, let e, let x, let unreachable):
            let delay = settings.retry.delay(afterAttempt: d.attempts, delivery: d.id, retryAfter: retryAfter)
            logger.notice("will retry", metadata: ["delivery": "\(d.id)", "error": "\(error)"])
            return Finished(delivery: d, result: .retry(notBefore: ended.addingTimeInterval(delay), error: error, httpStatus: s, exitCode: e,
                                                        excerpt: x), endedAt: ended, unreachable: unreachable)
        case .failed(let error, let s, let e, let x, let disable):
            logger.warning("failed", metadata: ["delivery": "\(d.id)", "error": "\(error)"])
            return Finished(delivery: d, result: .failed(error: error, httpStatus: s, exitCode: e, excerpt: x, disableHook: disable),
                            endedAt: ended, unreachable: false)
        case .unknown(let error, _):
            return Finished(delivery: d, result: .unknown(error: error), endedAt: ended, unreachable: false)
        }
    }

    /// Sends pending lifecycle events to the notify hook; failures stay pending for the next pass.
    func sendNotifications(now: @Sendable () -> Date) async throws -> Int {
        guard let id = strategy.notify, let hook = hooks[id] else { return 0 }
        var sent = 0
        for n in try await store.pendingNotifications(limit: 100, maxAttempts: settings.notifyAttempts) {
            let event = await lifecycleEvent(n)
            let call = HookCall(id: "evt_\(n.id)_\(StableHash.hex(settings.owner, length: 4))", postID: n.post ?? n.item ?? "", body: Payload.encode(event),
                                timestamp: sendingClock(), day: String(n.createdAt.isoUTC.prefix(10)), text: nil)
            let outcome = redactor(await caller.call(hook, call))
            switch outcome {
            case .published:
                try await store.notificationSent(n.id, ok: true, error: nil, at: now())
                sent += 1
            case .retry(let e, _, _, _, _, _), .failed(let e, _, _, _, _), .unknown(let e, _):
                try await store.notificationSent(n.id, ok: false, error: e, at: now())
            }
        }
        return sent
    }

    /// A pending notification as the notify hook receives it, with what it is about as it stands now: the post; or the
    /// item of an `inbox.*` event. An event of a reply's delivery is queued as `post.published`, `post.failed`, … (the
    /// table's events are the delivery's) naming the reply, and goes out as `reply.published`, `reply.failed`, … with the
    /// reply and the inbox item it answers.
    /// What can no longer be read (deleted since) is left out.
    func lifecycleEvent(_ n: PendingNotification) async -> LifecycleEvent {
        var type = n.event
        var post: PostPayload?, reply: ReplyPayload?, item: InboxItemPayload?
        var itemID = n.item
        if let id = n.post {
            if let p = try? await store.post(id) {
                post = PostPayload(p, delivery: nil, link: link(p), clock: clock)
            } else if n.event.hasPrefix("post."), let r = try? await store.reply(id) {
                type = "reply." + n.event.dropFirst("post.".count)
                reply = ReplyPayload(r, delivery: nil)
                itemID = itemID ?? r.item
            }
        }
        if let id = itemID, let i = try? await store.inboxItem(id) { item = InboxItemPayload(i, clock: clock) }
        return LifecycleEvent(type: type, eventID: "evt_\(n.id)", occurredAt: n.createdAt, post: post, reply: reply, item: item,
                              deliveryID: n.delivery, hook: n.hook, detail: n.detail)
    }
}
