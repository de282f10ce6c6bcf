import Foundation
import GRDB
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldStrategy
import HeraldTestSupport
import Testing

/// A folder with a strategy whose metrics compute themselves from the inbox, a crisis alert on one of them, a spike
/// rule, and (optionally) a notify hook to a real receiver; items are stored straight into its database.
final class ListeningFixture: @unchecked Sendable {
    let dir = TemporaryDirectory("herald-listening")
    let environment = ["HERALD_TEST_SECRET": testSecret]

    init(notifyURL: String? = nil, spike: String = "{hours: 6, factor: 3, min_items: 5}", alertAbove: Int = 3) throws {
        dir.write("strategy.yaml", """
            brand: {name: Test Café, link: "https://cafe.example/"}
            timezone: UTC
            goals:
              - id: g
                title: Answer people
                kind: engagement
                owner: ola
                metrics:
                  - {id: volume, name: Items, unit: items, baseline: 1, target: 2, direction: up, deadline: 2027-12-31, source: inbox.volume}
                  - {id: complaints, name: Complaints, unit: complaints, baseline: 5, target: 1, direction: down, deadline: 2027-12-31, source: {from: inbox.complaints_per_day, channel: fb}}
                  - {id: reply, name: First reply, unit: minutes, baseline: 60, target: 30, direction: down, deadline: 2027-12-31, source: inbox.first_reply_median}
                  - {id: nps, name: NPS, unit: points, baseline: 1, target: 5, direction: up, deadline: 2027-12-31, measured_by: survey}
            channels:
              - {id: fb, network: facebook, posts_per_week: 7, times: ["09:00"], hooks: [box], goals: [g]}
              - {id: ig, network: instagram, posts_per_week: 7, times: ["09:00"], hooks: [box], goals: [g]}
            participants:
              - {id: ola, name: Ola, channels: [fb, ig], capacity_per_week: 7, trained: true, rules_accepted: true}
              - {id: ewa, name: Ewa, channels: [fb, ig], capacity_per_week: 7, trained: true, rules_accepted: true}
            campaigns: []
            crisis:
              owner: ola
              alert: {metric: complaints, above: \(alertAbove)}
              spike: \(spike)
            \(notifyURL.map { _ in "notify: alerts" } ?? "")
            hooks:
              - {id: box, type: outbox, dir: out}
            \(notifyURL.map { webhookYAML("alerts", $0) } ?? "")
            """)
        _ = try Store(path: dbPath)
    }

    var dbPath: String { dir.file("herald.sqlite") }
    func store() throws -> Store { try Store(path: dbPath) }
    func strategy() throws -> Strategy { try StrategyLoader.load(file: dir.file("strategy.yaml")).strategy }

    static func item(_ id: String, channel: String = "fb", at created: String, deadline: String? = nil, owner: String? = "ewa",
                     intent: Intent? = .question, sentiment: Sentiment = .neutral, followers: Int = 100, text: String = "Is the café open?",
                     firstReply: String? = nil, status: InboxStatus = .assigned) -> InboxItem {
        InboxItem(id: "m-\(id)", source: "import", network: channel == "fb" ? .facebook : .instagram, channel: channel, kind: .comment,
                  networkItemID: id, authorHandle: "@\(id)", authorFollowers: followers, text: text, createdAt: Date(iso: created)!,
                  receivedAt: Date(iso: created)!, labels: InboxLabels(language: "en", sentiment: sentiment, intent: intent),
                  owner: owner, deadline: deadline.flatMap(Date.init(iso:)), status: status, firstReplyAt: firstReply.flatMap(Date.init(iso:)))
    }

    func add(_ items: [InboxItem]) throws {
        try store().storeInbox(items.map { ($0, nil) }, at: Date(iso: "2027-03-01T00:00:00Z")!)
    }

    func run(_ args: [String]) throws -> ProcessResult { try herald(args, environment: environment, directory: dir.path) }

    func rows(_ sql: String) throws -> [String] {
        try DatabaseQueue(path: dbPath).read { db in try Row.fetchAll(db, sql: sql).map(\.description) }
    }
}

@Suite struct InboxMetricReadingsTests {
    @Test func computedMetricsReadFromTheInboxAndRecordedOnesFromTheTable() throws {
        let f = try ListeningFixture()
        try f.add([
            ListeningFixture.item("a", at: "2027-03-01T08:00:00Z", intent: .complaint, firstReply: "2027-03-01T08:20:00Z", status: .answered),
            ListeningFixture.item("b", at: "2027-03-01T09:00:00Z", intent: .complaint, firstReply: "2027-03-01T09:40:00Z", status: .answered),
            ListeningFixture.item("c", channel: "ig", at: "2027-03-02T09:00:00Z", intent: .complaint),
        ])
        let store = try f.store()
        try store.record(MetricReading(metric: "nps", date: LocalDate(iso: "2027-03-01")!, value: 30, recordedAt: Date(iso: "2027-03-01T12:00:00Z")!, source: .manual))
        // A reading stored for a metric before it computed itself is not one of its readings.
        try store.record(MetricReading(metric: "volume", date: LocalDate(iso: "2027-03-01")!, value: 999, recordedAt: Date(iso: "2027-03-01T12:00:00Z")!, source: .manual))
        let s = try f.strategy()
        let list = try store.metricReadings(s, now: Date(iso: "2027-03-02T12:00:00Z")!)
        func values(_ m: String) -> [String] { list.filter { $0.metric == m }.map { "\($0.date.iso)=\($0.value)" } }
        #expect(values("volume") == ["2027-03-01=2.0", "2027-03-02=1.0"])
        #expect(values("complaints") == ["2027-03-01=2.0", "2027-03-02=0.0"])  // only fb
        #expect(values("reply") == ["2027-03-01=30.0"])
        #expect(values("nps") == ["2027-03-01=30.0"])
        #expect(list.filter { $0.metric != "nps" }.allSatisfy { $0.source == .computed && $0.channel == nil })
        // A range and a subset.
        let one = try store.metricReadings(s, metrics: ["volume"], from: LocalDate(iso: "2027-03-02"), to: LocalDate(iso: "2027-03-02"),
                                           now: Date(iso: "2027-03-02T12:00:00Z")!)
        #expect(one.map(\.value) == [1])
    }

    @Test func anEmptyInboxHasNoComputedReadings() throws {
        let f = try ListeningFixture()
        #expect(try f.store().metricReadings(try f.strategy(), metrics: ["volume"], now: Date(iso: "2027-03-02T12:00:00Z")!).isEmpty)
    }

    @Test func answeringAnItemKeepsItsFirstReply() throws {
        let f = try ListeningFixture()
        try f.add([ListeningFixture.item("a", at: "2027-03-01T08:00:00Z")])
        let store = try f.store()
        let first = Date(iso: "2027-03-01T08:30:00Z")!
        try store.updateInbox("m-a", event: .answer, at: first) { $0 }
        try store.updateInbox("m-a", event: .answer, at: first.addingTimeInterval(600)) { $0 }
        #expect(try store.inboxItem("m-a").firstReplyAt == first)
        try store.updateInbox("m-a", event: .reopen, at: first.addingTimeInterval(900)) { $0 }
        #expect(try store.inboxItem("m-a").firstReplyAt == first)
    }
}

@Suite struct InboxNoticeQueueTests {
    @Test func overdueAndUrgentAreQueuedOncePerItem() throws {
        let f = try ListeningFixture(notifyURL: "http://127.0.0.1:9/hook")
        try f.add([
            ListeningFixture.item("late", at: "2027-03-01T08:00:00Z", deadline: "2027-03-01T09:00:00Z"),
            ListeningFixture.item("fine", at: "2027-03-01T08:00:00Z", deadline: "2027-03-01T12:00:00Z"),
            ListeningFixture.item("vip", at: "2027-03-01T09:30:00Z", deadline: "2027-03-01T12:00:00Z", owner: "ola", intent: .complaint,
                                  sentiment: .negative, followers: 25_000),
            ListeningFixture.item("small", at: "2027-03-01T09:30:00Z", deadline: "2027-03-01T12:00:00Z", intent: .complaint, followers: 50),
            ListeningFixture.item("done", at: "2027-03-01T07:00:00Z", deadline: "2027-03-01T08:00:00Z", firstReply: "2027-03-01T07:30:00Z", status: .answered),
            // A reply is queued (waiting for approval, say) but nothing went out: the clock has not stopped.
            ListeningFixture.item("queued", at: "2027-03-01T07:00:00Z", deadline: "2027-03-01T08:30:00Z", status: .replying),
        ])
        let store = try f.store(), s = try f.strategy()
        let now = Date(iso: "2027-03-01T10:00:00Z")!
        let first = try store.queueInboxNotifications(s, now: now)
        #expect(first == InboxNotices(overdue: ["m-queued", "m-late"], urgent: ["m-vip"]))
        // Again, and later when "fine" is overdue too: each item once.
        #expect(try store.queueInboxNotifications(s, now: now.addingTimeInterval(60)) == InboxNotices())
        #expect(try store.queueInboxNotifications(s, now: Date(iso: "2027-03-01T13:00:00Z")!) == InboxNotices(overdue: ["m-fine", "m-small", "m-vip"]))
        let pending = try store.pendingNotifications(limit: 10, maxAttempts: 5)
        #expect(pending.map { "\($0.event) \($0.item ?? "")" } == ["inbox.overdue m-queued", "inbox.overdue m-late", "inbox.urgent m-vip", "inbox.overdue m-fine",
                                                                  "inbox.overdue m-small", "inbox.overdue m-vip"])
        #expect(pending[1].detail == "due 2027-03-01T09:00:00+00:00, 60 min overdue, owner ewa")
        #expect(pending[2].detail?.contains("complaint from @vip (25000 followers) on fb, owner ola") == true)
    }

    /// Read a page at a time (here two items), the pass queues the same notices in the same order as in one page, and
    /// counts every one.
    @Test func pagesGiveTheSameNoticesInTheSameOrder() throws {
        func run(page: Int) throws -> (InboxNotices, [String]) {
            let f = try ListeningFixture(notifyURL: "http://127.0.0.1:9/hook")
            try f.add((0..<7).map { n in
                ListeningFixture.item("o\(n)", at: "2027-03-01T07:00:00Z", deadline: "2027-03-01T0\(8 + n % 2):00:00Z",
                                      intent: n % 3 == 0 ? .complaint : .question, followers: n % 3 == 0 ? 20_000 : 10)
            } + [ListeningFixture.item("fine", at: "2027-03-01T08:00:00Z", deadline: "2027-03-01T12:00:00Z")])
            let store = try f.store()
            let done = try store.queueInboxNotifications(try f.strategy(), now: Date(iso: "2027-03-01T10:00:00Z")!, page: page)
            #expect(try store.queueInboxNotifications(try f.strategy(), now: Date(iso: "2027-03-01T10:01:00Z")!, page: page) == InboxNotices())
            return (done, try store.pendingNotifications(limit: 100, maxAttempts: 5).map { "\($0.event) \($0.item ?? "")" })
        }
        let (whole, queued) = try run(page: 100)
        #expect(whole.overdue == ["m-o0", "m-o2", "m-o4", "m-o6", "m-o1", "m-o3", "m-o5"] && whole.overdueCount == 7, "\(whole)")
        #expect(whole.urgent == ["m-o0", "m-o3", "m-o6"] && whole.urgentCount == 3, "\(whole)")
        let (paged, pagedQueued) = try run(page: 2)
        #expect(paged == whole)
        #expect(pagedQueued == queued && queued.count == 10, "\(pagedQueued)")
    }

    @Test func withoutANotifyHookItemsAreMarkedButNothingIsQueued() throws {
        let f = try ListeningFixture()
        try f.add([ListeningFixture.item("late", at: "2027-03-01T08:00:00Z", deadline: "2027-03-01T09:00:00Z")])
        let store = try f.store(), s = try f.strategy()
        #expect(try store.hasPublishWork(now: Date(iso: "2027-03-01T10:00:00Z")!))
        #expect(try store.queueInboxNotifications(s, now: Date(iso: "2027-03-01T10:00:00Z")!, notify: false).overdue == ["m-late"])
        #expect(try store.pendingNotifications(limit: 10, maxAttempts: 5).isEmpty)
        // Marked: setting up a notify hook later does not announce it, and the idle tick stays idle.
        #expect(try store.queueInboxNotifications(s, now: Date(iso: "2027-03-01T11:00:00Z")!) == InboxNotices())
        #expect(try !store.hasPublishWork(now: Date(iso: "2027-03-01T11:00:00Z")!))
    }
}

/// `herald publish` passes send `inbox.overdue` and `inbox.urgent` to the notify hook: a real receiver on 127.0.0.1.
@Suite(.serialized) struct InboxNotifyTests {
    @Test func aPassSendsEachInboxEventOnceWithTheItem() throws {
        let dir = TemporaryDirectory("herald-inbox-notify")
        let receiver = try Receiver(dir, script: [["status": 200]])
        let f = try ListeningFixture(notifyURL: receiver.url)
        let text = "Cold coffee again <script>alert(1)</script>\u{7}\u{0} never again"
        try f.add([
            ListeningFixture.item("late", at: "2027-03-01T08:00:00Z", deadline: "2027-03-01T09:00:00Z", text: text),
            ListeningFixture.item("vip", at: "2027-03-01T09:30:00Z", deadline: "2027-03-01T12:00:00Z", owner: "ola", intent: .complaint,
                                  sentiment: .negative, followers: 25_000),
        ])
        let first = try f.run(["publish", "--now", "2027-03-01T10:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try f.run(["publish", "--now", "2027-03-01T10:05:00Z"])
        #expect(again.status == 0, "\(again.stderr)")
        let events = receiver.requests.map(\.json)
        #expect(events.map { $0["type"] as? String } == ["inbox.overdue", "inbox.urgent"])
        #expect(receiver.requests.allSatisfy(signatureIsValid))
        let overdue = try #require(events.first)
        let item = try #require(overdue["item"] as? [String: Any])
        #expect(item["id"] as? String == "m-late")
        #expect(item["text"] as? String == text)
        #expect(item["channel"] as? String == "fb")
        #expect(item["owner"] as? String == "ewa")
        #expect(item["deadline"] as? String == "2027-03-01T09:00:00Z")
        #expect((item["author"] as? [String: Any])?["handle"] as? String == "@late")
        #expect(overdue["detail"] as? String == "due 2027-03-01T09:00:00+00:00, 60 min overdue, owner ewa")
        #expect(overdue["version"] as? Int == 1)
        let urgent = events[1]
        #expect((urgent["item"] as? [String: Any])?["intent"] as? String == "complaint")
        #expect((urgent["item"] as? [String: Any])?["sentiment"] as? String == "negative")
        #expect(try f.rows("SELECT id FROM notification WHERE sent_at IS NULL").isEmpty)
    }
}

/// The crisis alert reads a computed metric and the spike rule, through `herald crisis status` and `herald publish`.
@Suite struct InboxCrisisAlertTests {
    @Test func aSurgeOfNegativeItemsRaisesTheAlertByItselfAndADismissalHoldsForItsWindow() throws {
        let f = try ListeningFixture(alertAbove: 100)
        // Six negative questions (not complaints) in the last hour; nothing negative in the 14 days before.
        try f.add((0..<6).map { ListeningFixture.item("n\($0)", channel: "ig", at: "2027-03-01T09:\(10 + $0):00Z", sentiment: .negative) })
        let status = try f.run(["crisis", "status", "--now", "2027-03-01T10:00:00Z"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("Alert: inbox.spike is 6 on 2027-03-01, above 5."), "\(status.stdout)")
        let dismiss = try f.run(["crisis", "dismiss", "--as", "Ola", "--now", "2027-03-01T10:01:00Z"])
        #expect(dismiss.status == 0, "\(dismiss.stderr)")
        #expect(try f.run(["crisis", "status", "--now", "2027-03-01T10:02:00Z"]).stdout.contains("Alert (handled): inbox.spike"))
        // Four negative items are below min_items.
        let quiet = try ListeningFixture(alertAbove: 100)
        try quiet.add((0..<4).map { ListeningFixture.item("n\($0)", at: "2027-03-01T09:\(10 + $0):00Z", sentiment: .negative) })
        #expect(!(try quiet.run(["crisis", "status", "--now", "2027-03-01T10:00:00Z"]).stdout.contains("Alert")))
    }

    @Test func aComputedMetricAboveItsThresholdHoldsPromotion() throws {
        let f = try ListeningFixture(spike: "{hours: 6, factor: 3, min_items: 1000}")
        try f.add((0..<4).map { ListeningFixture.item("c\($0)", at: "2027-03-01T09:\(10 + $0):00Z", intent: .complaint) })
        let status = try f.run(["crisis", "status", "--now", "2027-03-01T10:00:00Z"])
        #expect(status.stdout.contains("Alert: complaints is 4 on 2027-03-01, above 3."), "\(status.stdout)")
        let publish = try f.run(["publish", "--now", "2027-03-01T10:00:00Z"])
        #expect(publish.stderr.contains("complaints is 4 on 2027-03-01 (alert above 3): promotional posts are held"), "\(publish.stderr)")
    }
}

/// `herald inbox`'s count line and `herald status` count at most `cap` + 1 items: above `cap` means "more than cap".
@Suite struct InboxCountTests {
    @Test func countsStopPastTheCap() throws {
        let f = try ListeningFixture()
        try f.add((0..<5).map { n in
            ListeningFixture.item("c\(n)", at: "2027-03-01T07:00:00Z", deadline: n < 4 ? "2027-03-01T08:00:00Z" : "2027-03-01T12:00:00Z",
                                  owner: n == 0 ? nil : "ewa")
        } + [ListeningFixture.item("done", at: "2027-03-01T07:00:00Z", deadline: "2027-03-01T08:00:00Z", status: .answered)])
        let store = try f.store(), now = Date(iso: "2027-03-01T10:00:00Z")!
        let open = InboxQuery(statuses: [.new, .assigned, .replying])
        // Under the cap: exact.
        let page = try store.inboxPage(open, now: now, limit: 2)
        #expect(page.items.map(\.id) == ["m-c0", "m-c1"] && page.total == 5 && page.overdue == 4)
        #expect(try store.inboxCounts(now: now) == (5, 4, 1))
        // Past a cap of 3: 4 ("more than 3"); a count within it stays exact.
        let capped = try store.inboxPage(open, now: now, limit: 2, cap: 3)
        #expect(capped.items.count == 2 && capped.total == 4 && capped.overdue == 4)
        #expect(try store.inboxCounts(now: now, cap: 3) == (4, 4, 1))
        #expect(try store.inboxPage(InboxQuery(statuses: InboxStatus.allCases), now: now, limit: 0, cap: 3).total == 4)
        #expect(try store.inboxCounts(now: now, cap: 0) == (1, 1, 1))
    }
}
